"""Posting and voting are rate-limited per participant, in the database (across workers)."""

from __future__ import annotations

import uuid

import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from candour.app import create_app
from candour.core.settings import Settings
from candour.privacy.service import run_due
from tests.support.factories import (
    make_conversation,
    make_person,
    make_section,
    new_client,
    sign_in,
)


async def test_posts_and_votes_stop_at_the_limit_for_that_person_only(
    settings: Settings, db
) -> None:
    strict = settings.model_copy(
        update={"rate_limit_posts_per_hour": 3, "rate_limit_votes_per_minute": 2}
    )
    app = create_app(strict)
    async with LifespanManager(app), new_client(app) as alice, new_client(app) as bob:
        cid = await make_conversation(app)
        sid = await make_section(app, cid)
        alice_headers = await sign_in(alice, await make_person(app, conversation_id=cid))
        bob_headers = await sign_in(bob, await make_person(app, conversation_id=cid))
        base = f"/api/conversations/{cid}"

        async def post(
            client: httpx.AsyncClient, headers: dict[str, str], n: int
        ) -> httpx.Response:
            body = {"section_id": str(sid), "title": f"Idea {n}", "body": "text"}
            return await client.post(f"{base}/ideas", json=body, headers=headers)

        ideas = [await post(alice, alice_headers, n) for n in range(2)]
        comment = await alice.post(
            f"{base}/ideas/{ideas[0].json()['id']}/comments",
            json={"body": "c"},
            headers=alice_headers,
        )
        assert [r.status_code for r in (*ideas, comment)] == [201, 201, 201]
        refused = await post(alice, alice_headers, 3)
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert 0 < int(refused.headers["Retry-After"]) <= 3600
        assert (await post(bob, bob_headers, 4)).status_code == 201, "others are not affected"
        assert await db.fetchval("SELECT count(*) FROM ideas") == 3, (
            "the refused post was not saved"
        )

        url = f"{base}/ideas/{ideas[0].json()['id']}/vote"
        votes = [
            await bob.put(url, json={"vote": v}, headers=bob_headers)
            for v in ("like", "dislike", "none")
        ]
        assert [v.status_code for v in votes] == [200, 200, 429]
        assert await db.fetchval("SELECT value FROM idea_votes") == -1, (
            "the refused vote changed nothing"
        )
        counters = await db.fetch("SELECT key_hash FROM action_counters")
        assert all(len(r["key_hash"]) == 64 for r in counters), "keyed hashes only, no account ids"


async def test_a_new_window_resets_the_count(app: FastAPI, client: httpx.AsyncClient, db) -> None:
    cid = await make_conversation(app)
    sid = await make_section(app, cid)
    headers = await sign_in(client, await make_person(app, conversation_id=cid))
    limit = app.state.settings.rate_limit_posts_per_hour
    for n in range(limit):
        response = await client.post(
            f"/api/conversations/{cid}/ideas",
            json={"section_id": str(sid), "title": f"Idea {n}", "body": "x"},
            headers=headers,
        )
        assert response.status_code == 201
    body = {"section_id": str(sid), "title": "One too many", "body": "x"}
    assert (
        await client.post(f"/api/conversations/{cid}/ideas", json=body, headers=headers)
    ).status_code == 429
    await db.execute("UPDATE action_counters SET window_start = window_start - interval '1 hour'")
    assert (
        await client.post(f"/api/conversations/{cid}/ideas", json=body, headers=headers)
    ).status_code == 201
    assert await db.fetchval("SELECT count(*) FROM action_counters") == 2
    await db.execute("UPDATE action_counters SET window_start = window_start - interval '2 days'")
    await run_due(app.state.sessionmaker, app.state.settings)
    assert await db.fetchval("SELECT count(*) FROM action_counters") == 0, (
        "the retention job drops old windows"
    )


async def test_a_refused_vote_is_not_counted_and_says_when_to_retry(settings: Settings, db) -> None:
    """A vote is counted in the same statement that locks the idea (one round trip fewer):
    past the limit it is refused before anything else is looked at, and the refusal rolls
    its own count back with the rest."""
    strict = settings.model_copy(update={"rate_limit_votes_per_minute": 2})
    app = create_app(strict)
    async with LifespanManager(app), new_client(app) as alice, new_client(app) as bob:
        cid = await make_conversation(app)
        sid = await make_section(app, cid)
        alice_headers = await sign_in(alice, await make_person(app, conversation_id=cid))
        bob_headers = await sign_in(bob, await make_person(app, conversation_id=cid))
        base = f"/api/conversations/{cid}"
        posted = await alice.post(
            f"{base}/ideas",
            json={"section_id": str(sid), "title": "An idea", "body": "text"},
            headers=alice_headers,
        )
        url = f"{base}/ideas/{posted.json()['id']}/vote"
        nowhere = f"{base}/ideas/{uuid.uuid4()}/vote"

        async def counters() -> list[tuple[str, int]]:
            rows = await db.fetch("SELECT key_hash, count FROM action_counters ORDER BY 1")
            return [(row["key_hash"], row["count"]) for row in rows]

        before = await counters()
        missing = await bob.put(nowhere, json={"vote": "like"}, headers=bob_headers)
        assert missing.status_code == 404
        assert await counters() == before, "a vote for no idea is not counted"
        for vote in ("like", "dislike"):
            assert (await bob.put(url, json={"vote": vote}, headers=bob_headers)).status_code == 200
        counted = await counters()
        refused = await bob.put(url, json={"vote": "none"}, headers=bob_headers)
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert 0 < int(refused.headers["Retry-After"]) <= 60
        assert (await bob.put(nowhere, json={"vote": "like"}, headers=bob_headers)).status_code == (
            429
        ), "the limit is checked before the idea is looked for"
        assert await counters() == counted, "refused votes take their counts back"
        idea = await db.fetchrow("SELECT like_count, dislike_count FROM ideas")
        assert (idea["like_count"], idea["dislike_count"]) == (0, 1)
        assert await db.fetchval("SELECT value FROM idea_votes") == -1
        mine = await alice.put(url, json={"vote": "like"}, headers=alice_headers)
        assert mine.status_code == 200, "others are not affected"
