"""Object-level authorisation: the right role but the wrong object.

The matrix (``test_authorisation_matrix.py``) checks each role against each operation;
these check that an allowed role still cannot reach what is not theirs — someone else's
post, thread, inbox or export; a conversation one is not part of; an object of one
conversation addressed through another's path — and that a refused call changed nothing.

Roles are global (``accounts.role``), not per conversation: a facilitator works on every
conversation (SPEC, "People and roles"), so there is no "facilitator of A acting on B" to
refuse; what is refused is an identifier of A reached through B's path.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from tests.security.world import World, make_world


@pytest.fixture
async def world(app: FastAPI) -> AsyncIterator[World]:
    made = await make_world(app)
    yield made
    await made.close()


async def _idea(world: World, idea_id: str) -> dict[str, object]:
    author = world.callers["participant"]
    response = await author.client.get(f"{world.base}/ideas/{idea_id}", headers=author.headers)
    assert response.status_code == 200
    return dict(response.json())


async def test_a_colleague_cannot_edit_or_withdraw_my_comment(world: World) -> None:
    colleague = world.callers["other_participant"]
    url = f"{world.base}/comments/{world.ids['comment_id']}"
    edit = await colleague.client.patch(url, json={"body": "Mine now"}, headers=colleague.headers)
    assert (edit.status_code, edit.json()["code"]) == (403, "not_your_contribution")
    withdraw = await colleague.client.post(f"{url}/withdraw", headers=colleague.headers)
    assert (withdraw.status_code, withdraw.json()["code"]) == (403, "not_your_contribution")
    author = world.callers["participant"]
    comments = await author.client.get(
        f"{world.base}/ideas/{world.ids['idea_id']}/comments", headers=author.headers
    )
    bodies = {c["id"]: c["body"] for c in comments.json()["items"]}
    assert bodies[world.ids["comment_id"]] == "Nights are hard"


async def test_a_colleague_cannot_read_or_answer_my_thread(world: World) -> None:
    colleague, author = world.callers["other_participant"], world.callers["participant"]
    thread = world.ids["thread_id"]
    assert (await colleague.client.get("/api/me/messages", headers=colleague.headers)).json() == []
    unread = await colleague.client.get("/api/me/messages/unread", headers=colleague.headers)
    assert unread.json() == {"unread": 0}
    reply = await colleague.client.post(
        f"/api/me/messages/{thread}/replies", json={"body": "It's me"}, headers=colleague.headers
    )
    assert (reply.status_code, reply.json()["code"]) == (404, "thread_not_found")
    as_staff_view = await colleague.client.get(f"/api/messages/{thread}", headers=colleague.headers)
    assert as_staff_view.status_code == 403
    [mine] = (await author.client.get("/api/me/messages", headers=author.headers)).json()
    assert mine["id"] == thread
    assert [m["body"] for m in mine["messages"]] == ["Can you say more?"], "no reply slipped in"


async def test_my_export_holds_nothing_of_a_colleague(world: World) -> None:
    colleague = world.callers["other_participant"]
    export = await colleague.client.get("/api/me/export", headers=colleague.headers)
    assert export.status_code == 200
    text = export.text
    assert "Car park lighting" in text, "control: the colleague's own idea is there"
    for theirs in ("More night porters", "Nights are hard", "Can you say more?"):
        assert theirs not in text
    assert world.people["participant"].email not in text


async def test_nobody_outside_a_conversation_writes_in_it(world: World) -> None:
    outsider, base, ids = world.outsider, world.base, world.ids
    before = await _idea(world, ids["idea_id"])
    attempts = [
        ("PUT", f"{base}/ideas/{ids['idea_id']}/vote", {"vote": "dislike"}),
        ("PUT", f"{base}/comments/{ids['comment_id']}/vote", {"vote": "dislike"}),
        ("POST", f"{base}/ideas/{ids['idea_id']}/comments", {"body": "From outside"}),
        ("POST", f"{base}/ideas", {"section_id": ids["section_id"], "title": "Out", "body": "x"}),
        ("POST", f"{base}/reports", {"target_kind": "idea", "target_id": ids["idea_id"],
                                     "category": "other"}),
        ("GET", f"{base}/ideas/{ids['idea_id']}/comments", None),
        ("GET", f"{base}/pages/faq", None),
    ]  # fmt: skip
    for method, url, body in attempts:
        response = await outsider.client.request(method, url, json=body, headers=outsider.headers)
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"
        assert response.json()["code"] == "not_found", "the same answer as no such conversation"
    after = await _idea(world, ids["idea_id"])
    assert (after["dislike_count"], after["comment_count"]) == (
        before["dislike_count"],
        before["comment_count"],
    )


async def test_an_object_of_one_conversation_is_not_reached_through_another(
    world: World,
) -> None:
    """A participant of conversation B names an idea of A under B's path; a facilitator
    names A's idea under B's moderation path: neither may touch it."""
    outsider, ids = world.outsider, world.ids
    other = f"/api/conversations/{world.other_conversation_id}"
    before = await _idea(world, ids["idea_id"])
    vote = await outsider.client.put(
        f"{other}/ideas/{ids['idea_id']}/vote", json={"vote": "dislike"}, headers=outsider.headers
    )
    assert vote.status_code == 404
    comment = await outsider.client.post(
        f"{other}/ideas/{ids['idea_id']}/comments", json={"body": "x"}, headers=outsider.headers
    )
    assert comment.status_code == 404
    read = await outsider.client.get(f"{other}/ideas/{ids['idea_id']}", headers=outsider.headers)
    assert read.status_code == 404
    staff = world.callers["facilitator"]
    hide = await staff.client.post(
        f"{other}/moderation/idea/{ids['idea_id']}/hide",
        json={"category": "other", "reason": "Wrong conversation"},
        headers=staff.headers,
    )
    assert hide.status_code == 404
    message = await staff.client.post(
        f"{other}/messages",
        json={
            "target_kind": "idea",
            "target_id": ids["idea_id"],
            "subject": "Hello",
            "body": "Through the wrong door",
        },
        headers=staff.headers,
    )
    assert message.status_code == 404
    after = await _idea(world, ids["idea_id"])
    assert after["dislike_count"] == before["dislike_count"]
    assert after["comment_count"] == before["comment_count"]
    assert after.get("state", "published") == before.get("state", "published")
