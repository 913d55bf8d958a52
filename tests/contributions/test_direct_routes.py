"""List, get and vote run on a pooled connection with prepared statements
(``candour.core.prepared``); they keep the rules of the session-backed routes."""

from __future__ import annotations

import asyncio

import asyncpg
from fastapi import FastAPI

from candour.conversations.access import access_to
from candour.core.prepared import PooledConnection
from candour.core.security import decode_session_token
from candour.identity import PendingCaller, Role
from tests.contributions.conftest import Scene
from tests.support.factories import make_person, new_client, sign_in


async def test_a_refused_vote_takes_back_its_count(scene: Scene, db: asyncpg.Connection) -> None:
    """The vote route runs on a pooled connection: a refusal rolls back the rate-limit count
    it had already spent, as on a session."""
    idea = await scene.post_idea()
    withdrawn = await scene.alice_client.post(
        f"{scene.base}/ideas/{idea['id']}/withdraw", headers=scene.alice_headers
    )
    assert withdrawn.status_code == 200
    before = await db.fetchval("SELECT coalesce(sum(count), 0) FROM action_counters")
    refused = await scene.bob_client.put(
        f"{scene.base}/ideas/{idea['id']}/vote", json={"vote": "like"}, headers=scene.bob_headers
    )
    assert refused.status_code == 409, refused.text
    assert await db.fetchval("SELECT coalesce(sum(count), 0) FROM action_counters") == before
    counted = await scene.bob_client.put(
        f"{scene.base}/ideas/{(await scene.post_idea('Second idea'))['id']}/vote",
        json={"vote": "like"},
        headers=scene.bob_headers,
    )
    assert counted.status_code == 200
    assert await db.fetchval("SELECT coalesce(sum(count), 0) FROM action_counters") > before


async def test_prepared_reads_match_the_orm(scene: Scene) -> None:
    """The same idea through the prepared path (get_idea) and the ORM path (my posts)."""
    idea = await scene.post_idea()
    await scene.bob_client.put(
        f"{scene.base}/ideas/{idea['id']}/vote", json={"vote": "dislike"}, headers=scene.bob_headers
    )
    direct = await scene.alice_client.get(
        f"{scene.base}/ideas/{idea['id']}", headers=scene.alice_headers
    )
    mine = await scene.alice_client.get(
        "/api/me/contributions",
        params={"conversation_id": str(scene.conversation_id)},
        headers=scene.alice_headers,
    )
    assert direct.status_code == mine.status_code == 200
    assert direct.json() == mine.json()["ideas"][0]
    assert direct.json()["is_mine"] is True and direct.json()["dislike_count"] == 1


async def test_the_same_vote_again_writes_nothing(scene: Scene, db: asyncpg.Connection) -> None:
    idea = await scene.post_idea()
    url = f"{scene.base}/ideas/{idea['id']}/vote"
    first = await scene.bob_client.put(url, json={"vote": "like"}, headers=scene.bob_headers)
    version = await db.fetchval("SELECT xmin::text FROM idea_votes")
    again = await scene.bob_client.put(url, json={"vote": "like"}, headers=scene.bob_headers)
    assert first.json() == again.json() == {"like_count": 1, "dislike_count": 0, "my_vote": "like"}
    assert await db.fetchval("SELECT xmin::text FROM idea_votes") == version  # no new row version


async def test_a_role_change_waits_for_a_write_under_way(scene: Scene, app: FastAPI) -> None:
    """A write holds its author's account row (FOR KEY SHARE) until it commits; changing
    that person's role waits for it, so nothing authorised under the old role lands after."""
    token = scene.alice_headers["Authorization"].removeprefix("Bearer ")
    settings = app.state.settings
    claims = decode_session_token(settings.jwt_secret.get_secret_value(), token)
    under_way = PooledConnection(app.state.engine)
    pending = PendingCaller(claims=claims, for_write=True, settings=settings)
    admin = await make_person(app, role="admin")
    async with new_client(app) as admin_client:
        headers = await sign_in(admin_client, admin)
        try:
            await access_to(under_way, pending, scene.conversation_id, Role.participant)
            change = asyncio.create_task(
                admin_client.put(
                    "/api/admin/roles",
                    json={"email": scene.alice.email, "role": "facilitator"},
                    headers=headers,
                )
            )
            await asyncio.sleep(0.5)
            waited = not change.done()
        finally:
            await under_way.finish(commit=True)  # release the lock whatever happened
        assert waited, "the role changed while a write was under way"
        assert (await asyncio.wait_for(change, 10)).status_code == 200
