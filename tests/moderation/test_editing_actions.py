"""Amend, remove, move, split and merge: each with its reason, its audit entry, and a clear
refusal when it makes no sense; concurrent actions never leave anything half-done."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from tests.identity.test_invitation_journey import deliver_all
from tests.moderation.conftest import Desk
from tests.support.factories import make_person, make_section, new_client, sign_in
from tests.support.smtp import SmtpServer


def _url(desk: Desk, kind: str, target: str, action: str) -> str:
    return f"{desk.base}/moderation/{kind}/{target}/{action}"


async def _act(desk: Desk, kind: str, target: str, action: str, body: dict) -> httpx.Response:  # type: ignore[type-arg]
    return await desk.staff.post(
        _url(desk, kind, target, action), json=body, headers=desk.staff_headers
    )


async def _public(desk: Desk, idea: str) -> dict:  # type: ignore[type-arg]
    return (await desk.bob.get(f"{desk.base}/ideas/{idea}", headers=desk.bob_headers)).json()  # type: ignore[no-any-return]


async def test_amend_shows_the_new_text_and_keeps_the_original_for_facilitators(desk: Desk) -> None:
    a = desk.activity
    body = "A colleague on nights is overstretched."
    change = {"title": "More night porters", "body": body, "reason": "Named a porter"}
    amended = await _act(desk, "idea", a.alice_idea, "amend", change)
    assert amended.status_code == 200, amended.text
    public = await _public(desk, a.alice_idea)
    assert public["body"] == "A colleague on nights is overstretched."
    assert public["amended"] is True
    assert (
        public["moderation_note"] == "Edited by the facilitators: a personal comment about someone"
    )
    history = (
        await desk.staff.get(
            f"{desk.base}/moderation/idea/{a.alice_idea}", headers=desk.staff_headers
        )
    ).json()
    [entry] = history["audit"]
    assert entry["before"]["body"] == "Details" and entry["after"]["body"].startswith("A colleague")
    no_title = await _act(
        desk, "comment", a.bob_comment, "amend", {"title": "x" * 5, "body": "ok", "reason": "test"}
    )
    assert no_title.status_code == 422


async def test_remove_puts_up_a_placeholder_and_tells_the_author(
    app: FastAPI, desk: Desk, smtp_server: SmtpServer
) -> None:
    a = desk.activity
    removed = await _act(desk, "idea", a.alice_idea, "remove", {"reason": "Abuse of a colleague"})
    assert removed.status_code == 200, removed.text
    assert removed.json()["author_notified"] is True
    public = await _public(desk, a.alice_idea)
    assert (public["moderation"], public["title"]) == ("removed", None)
    assert public["moderation_note"] == "Removed by the facilitators: abusive language"
    await deliver_all(app)
    [email] = smtp_server.to(a.alice.email)
    assert "has been removed by the facilitators" in email.get_payload(decode=True).decode()
    again = await _act(desk, "idea", a.alice_idea, "remove", {"reason": "again"})
    assert again.status_code == 409
    for action, body in (
        ("hide", {"category": "other", "reason": "x" * 3}),
        ("unhide", {"reason": "xyz"}),
    ):
        assert (await _act(desk, "idea", a.alice_idea, action, body)).status_code == 409, action


async def test_move_an_idea(app: FastAPI, desk: Desk) -> None:
    a = desk.activity
    other = await make_section(app, a.conversation_id, "Wellbeing")
    moved = await _act(
        desk, "idea", a.alice_idea, "move", {"section_id": str(other), "reason": "Belongs here"}
    )
    assert moved.status_code == 200
    assert (await _public(desk, a.alice_idea))["section_id"] == str(other)
    same = await _act(
        desk, "idea", a.alice_idea, "move", {"section_id": str(other), "reason": "again"}
    )
    assert same.status_code == 409
    lost = await _act(
        desk,
        "idea",
        a.alice_idea,
        "move",
        {"section_id": "00000000-0000-4000-8000-000000000000", "reason": "x" * 3},
    )
    assert lost.status_code == 422


async def test_split_keeps_votes_and_comments_on_the_chosen_part(desk: Desk) -> None:
    a = desk.activity
    split = await _act(
        desk, "idea", a.alice_idea, "split",
        {"parts": [{"title": "Porters at night", "body": "More porters."},
                   {"title": "Night canteen", "body": "Hot food."}],
         "keep_votes_on": 0, "reason": "Two topics"},
    )  # fmt: skip
    assert split.status_code == 200, split.text
    kept, [new] = split.json()["kept"], split.json()["new_parts"]
    assert kept["id"] == a.alice_idea and kept["title"] == "Porters at night"
    original = await _public(desk, a.alice_idea)
    assert (original["dislike_count"], original["comment_count"]) == (1, 1), (
        "votes and comments stayed"
    )
    part = await _public(desk, new["id"])
    assert (part["origin_id"], part["like_count"], part["comment_count"]) == (a.alice_idea, 0, 0)
    bad = await _act(
        desk, "idea", a.alice_idea, "split",
        {"parts": [{"title": "One", "body": "x"}, {"title": "Two", "body": "y"}],
         "keep_votes_on": 5, "reason": "x" * 3},
    )  # fmt: skip
    assert bad.status_code == 422
    one_part = await _act(
        desk,
        "idea",
        a.alice_idea,
        "split",
        {"parts": [{"title": "One", "body": "x"}], "reason": "xyz"},
    )
    assert one_part.status_code == 422


async def test_merge_counts_each_person_once(app: FastAPI, desk: Desk, db) -> None:
    a = desk.activity
    carol = await make_person(app, conversation_id=a.conversation_id)
    async with new_client(app) as c:
        headers = await sign_in(c, carol)
        for idea, vote in ((a.alice_idea, "like"), (a.bob_idea, "like")):
            assert (
                await c.put(f"{a.base}/ideas/{idea}/vote", json={"vote": vote}, headers=headers)
            ).status_code == 200
    # Bob disliked Alice's idea; Alice liked Bob's; Carol liked both.
    merged = await _act(
        desk, "idea", a.alice_idea, "merge", {"source_ids": [a.bob_idea], "reason": "Duplicates"}
    )
    assert merged.status_code == 200, merged.text
    into = await _public(desk, a.alice_idea)
    assert (into["like_count"], into["dislike_count"]) == (2, 1), (
        "Carol counted once, Alice's like moved over"
    )
    assert into["comment_count"] == 2
    stored = await db.fetchrow(
        "SELECT count(*) AS votes, count(DISTINCT voter_pseudonym) AS voters"
        " FROM idea_votes WHERE idea_id = $1",
        a.alice_idea,
    )
    assert stored["votes"] == stored["voters"] == 3
    source = await _public(desk, a.bob_idea)
    assert (source["moderation"], source["merged_into_id"], source["title"]) == (
        "merged",
        a.alice_idea,
        None,
    )
    into_itself = await _act(
        desk, "idea", a.alice_idea, "merge", {"source_ids": [a.alice_idea], "reason": "xyz"}
    )
    assert into_itself.status_code == 422
    merged_again = await _act(
        desk, "idea", a.alice_idea, "merge", {"source_ids": [a.bob_idea], "reason": "xyz"}
    )
    assert merged_again.status_code == 409


async def test_moving_while_splitting_leaves_one_consistent_result(
    app: FastAPI, desk: Desk, db
) -> None:
    a = desk.activity
    other = await make_section(app, a.conversation_id, "Wellbeing")
    split_body = {
        "parts": [{"title": "Part one", "body": "x"}, {"title": "Part two", "body": "y"}],
        "reason": "Two topics",
    }
    move_body = {"section_id": str(other), "reason": "Belongs here"}
    async with new_client(app) as second:
        second_headers = await sign_in(second, await make_person(app, role="facilitator"))
        split, move = await asyncio.gather(
            desk.staff.post(
                _url(desk, "idea", a.alice_idea, "split"),
                json=split_body,
                headers=desk.staff_headers,
            ),
            second.post(
                _url(desk, "idea", a.alice_idea, "move"), json=move_body, headers=second_headers
            ),
        )
    assert split.status_code == 200
    assert move.status_code in (200, 409)
    actions = [r["action"] for r in await db.fetch("SELECT action FROM audit_entries ORDER BY at")]
    assert sorted(actions) == sorted(["split"] + (["move"] if move.status_code == 200 else []))
    assert await db.fetchval("SELECT count(*) FROM ideas WHERE origin_id = $1", a.alice_idea) == 1


async def test_acting_on_an_unknown_post_is_404(desk: Desk) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    response = await _act(desk, "idea", missing, "amend", {"body": "x", "reason": "xyz"})
    assert response.status_code == 404
