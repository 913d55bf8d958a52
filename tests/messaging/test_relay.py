"""The relay: facilitators write to the author of a post and never learn who they are."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest
from fastapi import FastAPI

from candour.core.security import hash_client_key
from candour.identity.counters import account_throttle_key
from tests.identity.test_invitation_journey import deliver_all
from tests.moderation.conftest import Desk
from tests.support.factories import new_client, sign_in
from tests.support.smtp import SmtpServer


async def _message(desk: Desk, target: str, kind: str = "idea") -> dict:  # type: ignore[type-arg]
    response = await desk.staff.post(
        f"{desk.base}/messages",
        json={
            "target_kind": kind,
            "target_id": target,
            "subject": "Your idea",
            "body": "Could you tell us more?",
        },
        headers=desk.staff_headers,
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_message_reaches_the_author_by_email_and_inbox_and_they_reply(
    app: FastAPI, desk: Desk, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    a = desk.activity
    caplog.set_level(logging.DEBUG)
    thread = await _message(desk, a.alice_idea)
    assert a.alice.email not in str(thread) and (a.alice.display_name or "?") not in str(thread)
    assert thread["messages"][0]["sender"] == "Fran Facilitator"
    await deliver_all(app)
    [email] = smtp_server.to(a.alice.email)
    text = email.get_payload(decode=True).decode()
    assert "Could you tell us more?" in text and "/#/inbox" in text
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("candour"))
    assert "POST /api/conversations/{conversation_id}/messages 201" in ours, (
        "the access log was captured"
    )
    assert a.alice.email not in ours, "the relay never logs an address"

    async with new_client(app) as alice:
        headers = await sign_in(alice, a.alice)
        [inbox] = (await alice.get("/api/me/messages", headers=headers)).json()
        assert inbox["post_excerpt"] == "More night porters"
        assert [m["sender"] for m in inbox["messages"]] == ["Fran Facilitator"]
        reply = await alice.post(
            f"/api/me/messages/{inbox['id']}/replies", json={"body": "Happy to."}, headers=headers
        )
        assert reply.status_code == 201
    seen = (
        await desk.staff.get(f"/api/messages/{thread['id']}", headers=desk.staff_headers)
    ).json()
    assert [(m["direction"], m["sender"]) for m in seen["messages"]] == [
        ("to_author", "Fran Facilitator"),
        ("from_author", "The author"),
    ]
    assert a.alice.email not in str(seen)
    reply_time = datetime.fromisoformat(seen["messages"][1]["created_at"])
    assert (reply_time.minute, reply_time.second) == (0, 0), (
        "reply times are rounded like public ones"
    )
    assert (await desk.bob.get("/api/me/messages", headers=desk.bob_headers)).json() == []
    not_bobs = await desk.bob.post(
        f"/api/me/messages/{thread['id']}/replies", json={"body": "Me?"}, headers=desk.bob_headers
    )
    assert not_bobs.status_code == 404


async def test_a_second_message_joins_the_same_thread(desk: Desk, db) -> None:
    first = await _message(desk, desk.activity.alice_idea)
    second = await _message(desk, desk.activity.alice_idea)
    assert first["id"] == second["id"]
    assert len(second["messages"]) == 2
    assert await db.fetchval("SELECT count(*) FROM outbox_messages") == 2


async def test_reading_the_inbox_changes_nothing_until_the_author_marks_a_thread_read(
    app: FastAPI, desk: Desk, db
) -> None:
    """A GET has no side effect (a link prefetcher must not mark mail read): unread counts
    only fall on the explicit call, which is the author's alone and idempotent."""
    first = await _message(desk, desk.activity.bob_comment, kind="comment")
    await _message(desk, desk.activity.bob_comment, kind="comment")
    bob, headers = desk.bob, desk.bob_headers
    for _ in range(2):
        [thread] = (await bob.get("/api/me/messages", headers=headers)).json()
        assert thread["unread_count"] == 2
        assert [m["unread"] for m in thread["messages"]] == [True, True]
    assert (await bob.get("/api/me/messages/unread", headers=headers)).json() == {"unread": 2}
    assert await db.fetchval("SELECT count(*) FROM messages WHERE read_at IS NOT NULL") == 0

    staff_view = await desk.staff.get(f"/api/messages/{first['id']}", headers=desk.staff_headers)
    assert staff_view.json()["unread_count"] == 0, "read state is the author's, not shown"
    by_staff = await desk.staff.post(
        f"/api/me/messages/{first['id']}/read", headers=desk.staff_headers
    )
    assert by_staff.status_code == 403
    async with new_client(app) as alice:
        not_alices = await alice.post(
            f"/api/me/messages/{first['id']}/read",
            headers=await sign_in(alice, desk.activity.alice),
        )
    assert not_alices.status_code == 404 and not_alices.json()["code"] == "thread_not_found"
    assert (await bob.get("/api/me/messages/unread", headers=headers)).json() == {"unread": 2}

    for _ in range(2):
        marked = await bob.post(f"/api/me/messages/{first['id']}/read", headers=headers)
        assert marked.status_code == 200, marked.text
        assert marked.json()["unread_count"] == 0
        assert [m["unread"] for m in marked.json()["messages"]] == [False, False]
    assert (await bob.get("/api/me/messages/unread", headers=headers)).json() == {"unread": 0}
    await bob.post(f"/api/me/messages/{first['id']}/replies", json={"body": "Ok"}, headers=headers)
    assert (await bob.get("/api/me/messages/unread", headers=headers)).json() == {"unread": 0}, (
        "the author's own reply is not unread mail"
    )
    await _message(desk, desk.activity.bob_comment, kind="comment")
    assert (await bob.get("/api/me/messages/unread", headers=headers)).json() == {"unread": 1}


async def test_an_erased_author_cannot_be_reached(app: FastAPI, desk: Desk, db) -> None:
    a = desk.activity
    async with new_client(app) as alice:
        erased = await alice.post(
            "/api/me/erase",
            json={"posts": "keep", "confirm": True},
            headers=await sign_in(alice, a.alice),
        )
        assert erased.status_code == 200
    response = await desk.staff.post(
        f"{a.base}/messages",
        json={
            "target_kind": "idea",
            "target_id": a.alice_idea,
            "subject": "Hello",
            "body": "Still there?",
        },
        headers=desk.staff_headers,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "author_unreachable"
    assert await db.fetchval("SELECT count(*) FROM messages") == 0, "nothing half-written"


async def test_comment_authors_can_be_messaged_too(app: FastAPI, desk: Desk) -> None:
    thread = await _message(desk, desk.activity.bob_comment, kind="comment")
    assert thread["post_excerpt"] == "I agree"
    inbox = (await desk.bob.get("/api/me/messages", headers=desk.bob_headers)).json()
    assert [t["id"] for t in inbox] == [thread["id"]]


async def test_erasing_an_author_with_an_open_thread(app: FastAPI, desk: Desk, db) -> None:
    """The thread stays readable for the facilitators; nothing more reaches the person, and
    nothing in the thread points to them any more."""
    a = desk.activity
    thread = await _message(desk, a.alice_idea)
    async with new_client(app) as alice:
        headers = await sign_in(alice, a.alice)
        await alice.post(
            f"/api/me/messages/{thread['id']}/replies", json={"body": "Thanks"}, headers=headers
        )
        erased = await alice.post(
            "/api/me/erase", json={"posts": "keep", "confirm": True}, headers=headers
        )
        assert erased.status_code == 200
    seen = await desk.staff.get(f"/api/messages/{thread['id']}", headers=desk.staff_headers)
    assert [m["direction"] for m in seen.json()["messages"]] == ["to_author", "from_author"]
    again = await desk.staff.post(
        f"{desk.base}/messages",
        json={
            "target_kind": "idea",
            "target_id": a.alice_idea,
            "subject": "Follow-up",
            "body": "Still ok?",
        },
        headers=desk.staff_headers,
    )
    assert again.status_code == 409
    assert again.json()["code"] == "author_unreachable"
    assert (
        await db.fetchval(
            "SELECT count(*) FROM author_links WHERE conversation_id = $1", a.conversation_id
        )
        == 1
    )
    assert (
        await db.fetchval(
            "SELECT count(*) FROM outbox_messages WHERE recipient = $1", a.alice.email
        )
        == 0
    )


async def test_erasure_leaves_no_counter_of_the_person(app: FastAPI, desk: Desk, db) -> None:
    """Every kind of counter Alice's actions make — posting, voting, reporting, replying to
    the relay, asking for a sign-in link, a failed sign-in — goes with her account. Her
    rate-limit counters are found by what her actions changed, not by recomputing their
    keys, so a new kind of counter that erasure forgets fails here."""
    a = desk.activity
    thread = await _message(desk, a.alice_idea)
    counters = "SELECT key_hash, window_start, count FROM action_counters"
    before = set(map(tuple, await db.fetch(counters)))
    async with new_client(app) as alice:
        headers = await sign_in(alice, a.alice)
        acted = [
            await alice.post(
                f"{a.base}/ideas/{a.bob_idea}/comments", json={"body": "One more"}, headers=headers
            ),
            await alice.put(
                f"{a.base}/ideas/{a.bob_idea}/vote", json={"vote": "dislike"}, headers=headers
            ),
            await alice.post(
                f"{a.base}/reports",
                json={"target_kind": "idea", "target_id": a.bob_idea, "category": "other"},
                headers=headers,
            ),
            await alice.post(
                f"/api/me/messages/{thread['id']}/replies", json={"body": "Sure"}, headers=headers
            ),
            await alice.post("/api/auth/sign-in-link", json={"email": a.alice.email}),
        ]
        assert [r.status_code for r in acted] == [201, 200, 202, 201, 202], [r.text for r in acted]
        wrong = await alice.post(
            "/api/auth/login", json={"email": a.alice.email, "password": "not her password"}
        )
        assert wrong.status_code == 401
        hers = {row[0] for row in set(map(tuple, await db.fetch(counters))) - before}
        assert len(hers) == 5, "one counter per kind of action"
        secret = app.state.settings.jwt_secret.get_secret_value()
        her_failures = hash_client_key(secret, account_throttle_key(a.alice.email))
        failures = "SELECT count(*) FROM sign_in_failures WHERE key_hash = $1"
        assert await db.fetchval(failures, her_failures) == 1
        erased = await alice.post(
            "/api/me/erase", json={"posts": "keep", "confirm": True}, headers=headers
        )
        assert erased.status_code == 200, erased.text
    left = {row[0] for row in await db.fetch(counters)}
    assert not hers & left, "a counter still names the erased person"
    assert {row[0] for row in before} - hers <= left, "other people's counters stay"
    assert await db.fetchval(failures, her_failures) == 0
