"""Likes and dislikes: one vote per participant per item, exact counts, also under load."""

from __future__ import annotations

import asyncio
import random

import httpx
import pytest
from fastapi import FastAPI

from tests.contributions.conftest import Scene
from tests.support.factories import make_person, sign_in


async def _vote(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], vote: str
) -> httpx.Response:
    return await client.put(f"{url}/vote", json={"vote": vote}, headers=headers)


async def test_like_change_and_withdraw(scene: Scene) -> None:
    idea = await scene.post_idea()
    url = f"{scene.base}/ideas/{idea['id']}"
    steps = [
        ("like", 1, 0, "like"),
        ("like", 1, 0, "like"),
        ("dislike", 0, 1, "dislike"),
        ("none", 0, 0, None),
    ]
    for vote, likes, dislikes, mine in steps:
        response = await _vote(scene.bob_client, url, scene.bob_headers, vote)
        assert response.status_code == 200
        assert response.json() == {"like_count": likes, "dislike_count": dislikes, "my_vote": mine}
    await _vote(scene.bob_client, url, scene.bob_headers, "like")
    await _vote(scene.alice_client, url, scene.alice_headers, "dislike")
    as_bob = (await scene.bob_client.get(url, headers=scene.bob_headers)).json()
    assert (as_bob["like_count"], as_bob["dislike_count"], as_bob["my_vote"]) == (1, 1, "like")
    as_alice = (await scene.alice_client.get(url, headers=scene.alice_headers)).json()
    assert as_alice["my_vote"] == "dislike"


async def test_comment_votes_count_the_same_way(scene: Scene) -> None:
    idea = await scene.post_idea()
    comment = (
        await scene.bob_client.post(
            f"{scene.base}/ideas/{idea['id']}/comments",
            json={"body": "Yes"},
            headers=scene.bob_headers,
        )
    ).json()
    url = f"{scene.base}/comments/{comment['id']}"
    assert (await _vote(scene.alice_client, url, scene.alice_headers, "like")).json()[
        "like_count"
    ] == 1
    assert (await _vote(scene.alice_client, url, scene.alice_headers, "dislike")).json() == {
        "like_count": 0,
        "dislike_count": 1,
        "my_vote": "dislike",
    }


@pytest.mark.parametrize("vote", ["up", "LIKE", "", None, 1, "+1"])
async def test_unknown_vote_values_are_refused(scene: Scene, vote: object) -> None:
    idea = await scene.post_idea()
    response = await scene.bob_client.put(
        f"{scene.base}/ideas/{idea['id']}/vote", json={"vote": vote}, headers=scene.bob_headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.vote"


async def test_voting_on_a_withdrawn_idea_is_refused(scene: Scene) -> None:
    idea = await scene.post_idea()
    url = f"{scene.base}/ideas/{idea['id']}"
    await scene.alice_client.post(f"{url}/withdraw", headers=scene.alice_headers)
    response = await _vote(scene.bob_client, url, scene.bob_headers, "like")
    assert response.status_code == 409
    assert response.json()["code"] == "contribution_withdrawn"


async def test_voting_on_an_unknown_idea_is_404(scene: Scene) -> None:
    response = await _vote(
        scene.bob_client,
        f"{scene.base}/ideas/00000000-0000-4000-8000-000000000000",
        scene.bob_headers,
        "like",
    )
    assert response.status_code == 404


async def test_concurrent_votes_leave_exact_counts(app: FastAPI, scene: Scene, db) -> None:
    """200 like/dislike/withdraw calls at once from 40 voters: the counts equal the votes
    stored, and each voter holds at most one vote."""
    idea = await scene.post_idea()
    url = f"{scene.base}/ideas/{idea['id']}"
    voters = []
    for _ in range(40):
        person = await make_person(app, conversation_id=scene.conversation_id)
        voters.append(await sign_in(scene.bob_client, person))
    rng = random.Random(7)
    calls = [(rng.choice(voters), rng.choice(["like", "dislike", "none"])) for _ in range(200)]
    responses = await asyncio.gather(
        *(_vote(scene.bob_client, url, headers, vote) for headers, vote in calls)
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
    assert stored["votes"] == stored["voters"] <= 40
    assert stored["votes"] > 0
