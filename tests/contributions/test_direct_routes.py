"""List, get and vote run on a pooled connection with prepared statements
(``candour.core.prepared``); they keep the rules of the session-backed routes."""

from __future__ import annotations

import asyncpg

from tests.contributions.conftest import Scene


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
