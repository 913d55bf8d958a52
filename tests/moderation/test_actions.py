"""Hide and unhide, with the public placeholder, the facilitators' view and the audit log."""

from __future__ import annotations

import asyncpg
import pytest

from tests.moderation.conftest import Desk


async def _hide(desk: Desk, kind: str, target: str, category: str = "personal") -> dict:  # type: ignore[type-arg]
    response = await desk.staff.post(
        f"{desk.base}/moderation/{kind}/{target}/hide",
        json={"category": category, "reason": "Names a colleague"},
        headers=desk.staff_headers,
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_hidden_idea_shows_a_placeholder_and_its_comments_stay(desk: Desk) -> None:
    a = desk.activity
    await _hide(desk, "idea", a.alice_idea)
    public = (await desk.bob.get(f"{a.base}/ideas/{a.alice_idea}", headers=desk.bob_headers)).json()
    assert public["moderation"] == "hidden"
    assert (
        public["moderation_note"] == "Hidden by the facilitators: a personal comment about someone"
    )
    assert public["title"] is None and public["body"] is None
    listed = (await desk.bob.get(f"{a.base}/ideas", headers=desk.bob_headers)).json()["items"]
    assert a.alice_idea not in [i["id"] for i in listed]
    comments = (
        await desk.bob.get(f"{a.base}/ideas/{a.alice_idea}/comments", headers=desk.bob_headers)
    ).json()
    assert [c["body"] for c in comments["items"]] == ["I agree"], "the replies under it stay"
    vote = await desk.bob.put(
        f"{a.base}/ideas/{a.alice_idea}/vote", json={"vote": "like"}, headers=desk.bob_headers
    )
    assert vote.status_code == 409
    history = (
        await desk.staff.get(f"{a.base}/moderation/idea/{a.alice_idea}", headers=desk.staff_headers)
    ).json()
    assert history["target"]["title"] == "More night porters", "facilitators still see the text"
    [entry] = history["audit"]
    assert (entry["action"], entry["actor"], entry["reason_category"]) == (
        "hide",
        "Fran Facilitator",
        "personal",
    )
    assert entry["before"]["moderation"] == "visible" and entry["after"]["moderation"] == "hidden"


async def test_hiding_a_comment_keeps_its_replies(desk: Desk) -> None:
    a = desk.activity
    comments_url = f"{a.base}/ideas/{a.alice_idea}/comments"
    reply = await desk.bob.post(
        comments_url,
        json={"body": "And a reply", "parent_id": a.bob_comment},
        headers=desk.bob_headers,
    )
    assert reply.status_code == 201
    await _hide(desk, "comment", a.bob_comment, "abusive")
    thread = (await desk.bob.get(comments_url, headers=desk.bob_headers)).json()["items"]
    assert [(c["moderation"], c["body"]) for c in thread] == [
        ("hidden", None),
        ("visible", "And a reply"),
    ]
    assert thread[0]["moderation_note"] == "Hidden by the facilitators: abusive language"


async def test_unhide_restores_and_double_actions_are_refused(desk: Desk) -> None:
    a = desk.activity
    url = f"{a.base}/moderation/idea/{a.alice_idea}"
    await _hide(desk, "idea", a.alice_idea)
    twice = await desk.staff.post(
        f"{url}/hide", json={"category": "other", "reason": "again"}, headers=desk.staff_headers
    )
    assert twice.status_code == 409
    assert twice.json()["code"] == "action_not_possible"
    shown = await desk.staff.post(
        f"{url}/unhide", json={"reason": "Misread it"}, headers=desk.staff_headers
    )
    assert shown.status_code == 200
    public = (await desk.bob.get(f"{a.base}/ideas/{a.alice_idea}", headers=desk.bob_headers)).json()
    assert (public["moderation"], public["moderation_note"], public["title"]) == (
        "visible",
        None,
        "More night porters",
    )
    not_hidden = await desk.staff.post(
        f"{url}/unhide", json={"reason": "again"}, headers=desk.staff_headers
    )
    assert not_hidden.status_code == 409


async def test_actions_need_a_reason(desk: Desk) -> None:
    a = desk.activity
    response = await desk.staff.post(
        f"{a.base}/moderation/idea/{a.alice_idea}/hide",
        json={"category": "personal"},
        headers=desk.staff_headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.reason"


async def test_the_author_cannot_edit_a_hidden_post(desk: Desk, app) -> None:  # type: ignore[no-untyped-def]
    from tests.support.factories import new_client, sign_in

    a = desk.activity
    await _hide(desk, "idea", a.alice_idea)
    async with new_client(app) as alice:
        response = await alice.patch(
            f"{a.base}/ideas/{a.alice_idea}",
            json={"title": "Sneaky"},
            headers=await sign_in(alice, a.alice),
        )
    assert response.status_code == 409


async def test_the_audit_log_filters_exports_and_cannot_be_rewritten(
    desk: Desk, db: asyncpg.Connection
) -> None:
    a = desk.activity
    await _hide(desk, "idea", a.alice_idea)
    await _hide(desk, "comment", a.bob_comment, "abusive")
    log = (await desk.staff.get(f"{a.base}/audit", headers=desk.staff_headers)).json()
    assert [e["action"] for e in log] == ["hide", "hide"]
    only = (
        await desk.staff.get(
            f"{a.base}/audit", params={"target_id": a.bob_comment}, headers=desk.staff_headers
        )
    ).json()
    assert [e["reason_category"] for e in only] == ["abusive"]
    exported = await desk.staff.get(
        f"{a.base}/audit", params={"format": "csv"}, headers=desk.staff_headers
    )
    assert exported.headers["content-type"].startswith("text/csv")
    lines = exported.text.strip().splitlines()
    assert lines[0].startswith("at,actor,action")
    assert len(lines) == 3 and "Names a colleague" in exported.text
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await db.execute("UPDATE audit_entries SET reason = 'rewritten'")
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await db.execute("DELETE FROM audit_entries")
