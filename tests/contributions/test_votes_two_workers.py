"""Exact counts hold across processes: 200 concurrent votes against two uvicorn workers."""

from __future__ import annotations

import asyncio
import random

import httpx
from fastapi import FastAPI

from tests.contributions.conftest import Scene
from tests.support.factories import make_person, sign_in
from tests.support.live_server import live_server


async def test_two_workers_keep_exact_counts(
    app: FastAPI, scene: Scene, database_url: str, db
) -> None:
    idea = await scene.post_idea()
    voters = []
    for _ in range(30):
        person = await make_person(app, conversation_id=scene.conversation_id)
        voters.append(await sign_in(scene.bob_client, person))
    rng = random.Random(11)
    calls = [(rng.choice(voters), rng.choice(["like", "dislike", "none"])) for _ in range(200)]
    with live_server(database_url, workers=2) as base_url:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as http:
            url = f"{scene.base}/ideas/{idea['id']}/vote"
            responses = await asyncio.gather(
                *(http.put(url, json={"vote": vote}, headers=headers) for headers, vote in calls)
            )
    assert {r.status_code for r in responses} == {200}
    stored = await db.fetchrow(
        "SELECT count(*) FILTER (WHERE value = 1) AS likes,"
        " count(*) FILTER (WHERE value = -1) AS dislikes,"
        " count(*) AS votes, count(DISTINCT voter_pseudonym) AS voters"
        " FROM idea_votes WHERE idea_id = $1",
        idea["id"],
    )
    counted = await db.fetchrow(
        "SELECT like_count, dislike_count FROM ideas WHERE id = $1", idea["id"]
    )
    assert (counted["like_count"], counted["dislike_count"]) == (
        stored["likes"],
        stored["dislikes"],
    )
    assert stored["votes"] == stored["voters"] <= 30
