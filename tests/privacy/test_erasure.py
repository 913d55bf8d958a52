"""Erasure on request: identity, credentials and mapping go at once; posts stay anonymous or
are withdrawn, as the person chooses; counts stay exact."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from tests.privacy.conftest import make_activity, public_view
from tests.support.factories import make_person, new_client, sign_in


async def _erase(client: httpx.AsyncClient, headers: dict[str, str], posts: str) -> httpx.Response:
    return await client.post(
        "/api/me/erase", json={"posts": posts, "confirm": True}, headers=headers
    )


async def test_erasure_keeping_posts(app: FastAPI, db) -> None:
    activity = await make_activity(app)
    before = await public_view(app, activity.conversation_id)
    async with new_client(app) as alice:
        headers = await sign_in(alice, activity.alice)
        async with new_client(app) as other_device:
            other_headers = await sign_in(other_device, activity.alice)
            erased = await _erase(alice, headers, "keep")
            assert erased.status_code == 200, erased.text
            assert erased.json()["posts"] == "keep"
            assert (await other_device.get("/api/me", headers=other_headers)).status_code == 401
        assert (await alice.get("/api/me", headers=headers)).status_code == 401
        login = await alice.post(
            "/api/auth/login",
            json={"email": activity.alice.email, "password": activity.alice.password},
        )
        assert login.status_code == 401
    after = await public_view(app, activity.conversation_id)
    assert after == before, "posts and counts are exactly as they were"
    assert (
        await db.fetchval("SELECT count(*) FROM accounts WHERE email = $1", activity.alice.email)
        == 0
    )
    assert await db.fetchval("SELECT count(*) FROM author_links") == 1, "only Bob's link is left"


async def test_erasure_withdrawing_posts_takes_votes_out_of_the_counts(app: FastAPI, db) -> None:
    activity = await make_activity(app)
    async with new_client(app) as alice:
        erased = await _erase(alice, await sign_in(alice, activity.alice), "withdraw")
        assert erased.status_code == 200
    view = {i["title"]: i for i in await public_view(app, activity.conversation_id)}
    assert "More night porters" not in view
    bob_idea = view["Car park lighting"]
    assert (bob_idea["like_count"], bob_idea["dislike_count"]) == (0, 0), "Alice's like is gone"
    assert bob_idea["comment_count"] == 0, "Alice's comment was withdrawn"
    assert [c["status"] for c in bob_idea["comments"]] == ["withdrawn"]
    comment_likes = await db.fetchval(
        "SELECT like_count FROM comments WHERE id = $1", activity.bob_comment
    )
    assert comment_likes == 0
    assert await db.fetchval("SELECT count(*) FROM idea_votes") == 1, "only Bob's vote is left"


async def test_erasure_must_be_confirmed(app: FastAPI, client: httpx.AsyncClient) -> None:
    person = await make_person(app)
    headers = await sign_in(client, person)
    refused = await client.post(
        "/api/me/erase", json={"posts": "keep", "confirm": False}, headers=headers
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "erasure_not_confirmed"
    unknown_choice = await client.post(
        "/api/me/erase", json={"posts": "hide", "confirm": True}, headers=headers
    )
    assert unknown_choice.status_code == 422
    assert (await client.get("/api/me", headers=headers)).status_code == 200


async def test_an_admin_erases_someone_who_asked_by_email(
    app: FastAPI, client: httpx.AsyncClient, admin_headers: dict[str, str], db
) -> None:
    activity = await make_activity(app)
    erased = await client.post(
        "/api/admin/participants/erase",
        json={"email": activity.alice.email, "posts": "withdraw"},
        headers=admin_headers,
    )
    assert erased.status_code == 200
    assert erased.json()["conversations"] == 1
    assert erased.json()["detail"] == (
        "Their account and everything that linked them to their posts are gone. "
        "Their posts and votes were withdrawn."
    )
    again = await client.post(
        "/api/admin/participants/erase",
        json={"email": activity.alice.email, "posts": "keep"},
        headers=admin_headers,
    )
    assert again.status_code == 404
    assert (
        await db.fetchval("SELECT status FROM ideas WHERE id = $1", activity.alice_idea)
        == "withdrawn"
    )


async def test_participants_cannot_erase_others(app: FastAPI, client: httpx.AsyncClient) -> None:
    person = await make_person(app)
    victim = await make_person(app)
    headers = await sign_in(client, person)
    response = await client.post(
        "/api/admin/participants/erase",
        json={"email": victim.email, "posts": "withdraw"},
        headers=headers,
    )
    assert response.status_code == 403


async def test_erasure_deletes_mail_waiting_for_the_person(
    app: FastAPI, client: httpx.AsyncClient, db
) -> None:
    person = await make_person(app)
    await client.post("/api/auth/sign-in-link", json={"email": person.email})
    assert (
        await db.fetchval("SELECT count(*) FROM outbox_messages WHERE recipient = $1", person.email)
        == 1
    )
    await _erase(client, await sign_in(client, person), "keep")
    assert (
        await db.fetchval("SELECT count(*) FROM outbox_messages WHERE recipient = $1", person.email)
        == 0
    )


async def test_erasure_racing_votes_leaves_no_vote_behind(app: FastAPI, db) -> None:
    """Alice votes on many ideas while she erases herself (withdrawing everything): no vote
    of hers survives, and every count equals the votes stored."""
    activity = await make_activity(app)
    async with new_client(app) as bob:
        bob_headers = await sign_in(bob, activity.bob)
        ideas = [
            (
                await bob.post(
                    f"{activity.base}/ideas",
                    json={
                        "section_id": str(activity.section_id),
                        "title": f"Idea {n}",
                        "body": "x",
                    },
                    headers=bob_headers,
                )
            ).json()["id"]
            for n in range(12)
        ]
    async with new_client(app) as alice:
        headers = await sign_in(alice, activity.alice)
        votes = [
            alice.put(f"{activity.base}/ideas/{i}/vote", json={"vote": "like"}, headers=headers)
            for i in ideas
        ]
        results = await asyncio.gather(*votes[:6], _erase(alice, headers, "withdraw"), *votes[6:])
    erasure = results[6]
    assert erasure.status_code == 200
    assert {r.status_code for r in results} <= {200, 401}
    mismatched = await db.fetch(
        """
        SELECT i.id FROM ideas i LEFT JOIN (
            SELECT idea_id,
                   count(*) FILTER (WHERE value = 1) AS likes,
                   count(*) FILTER (WHERE value = -1) AS dislikes
            FROM idea_votes GROUP BY idea_id
        ) v ON v.idea_id = i.id
        WHERE i.like_count <> coalesce(v.likes, 0) OR i.dislike_count <> coalesce(v.dislikes, 0)
        """
    )
    assert mismatched == []
    assert (
        await db.fetchval("SELECT count(*) FROM idea_votes WHERE idea_id = ANY($1::uuid[])", ideas)
        == 0
    )


async def test_two_erasures_at_once_do_not_deadlock(app: FastAPI, db) -> None:
    activity = await make_activity(app)
    async with new_client(app) as alice, new_client(app) as bob:
        results = await asyncio.gather(
            _erase(alice, await sign_in(alice, activity.alice), "withdraw"),
            _erase(bob, await sign_in(bob, activity.bob), "withdraw"),
        )
    assert [r.status_code for r in results] == [200, 200]
    assert await db.fetchval("SELECT count(*) FROM idea_votes") == 0
    assert (
        await db.fetchval("SELECT sum(like_count + dislike_count + comment_count) FROM ideas") == 0
    )


async def test_erasure_in_one_conversation_keeps_other_people_untouched(app: FastAPI) -> None:
    activity = await make_activity(app)
    async with new_client(app) as alice:
        await _erase(alice, await sign_in(alice, activity.alice), "keep")
    async with new_client(app) as bob:
        headers = await sign_in(bob, activity.bob)
        mine = (await bob.get("/api/me/contributions", headers=headers)).json()
    assert [i["title"] for i in mine["ideas"]] == ["Car park lighting"]
