"""A list page, one idea and a vote are written as JSON by the service (``shapes.as_json``)
rather than returned as models: the bytes must be exactly what FastAPI would send for the
route's ``response_model`` — the same fields in the same order, the same UUID and datetime
formats, nothing more and nothing less — whatever the state of the idea."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
from fastapi import FastAPI
from pydantic import BaseModel

from candour.contributions.schemas import IdeaOut, IdeaPage, Tally
from tests.contributions.conftest import Scene


async def fastapi_would_send(model: type[BaseModel], content: bytes) -> bytes:
    """The body FastAPI sends for ``model`` holding what ``content`` says."""
    value = model.model_validate_json(content)
    echo = FastAPI()

    @echo.get("/", response_model=model)
    async def send() -> Any:
        return value

    transport = httpx.ASGITransport(app=echo)
    async with httpx.AsyncClient(transport=transport, base_url="http://echo") as client:
        response = await client.get("/")
    assert response.status_code == 200
    return response.content


async def assert_sent_as(model: type[BaseModel], response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.content == await fastapi_would_send(model, response.content)


async def test_a_page_is_sent_as_fastapi_would_send_the_model(scene: Scene) -> None:
    mine = await scene.post_idea("Alice's own idea")
    voted = await scene.post_idea("Another idea, with a vote")
    await scene.post_idea("A third idea, for a second page")
    await scene.bob_client.put(
        f"{scene.base}/ideas/{voted['id']}/vote", json={"vote": "like"}, headers=scene.bob_headers
    )
    for client, headers in (
        (scene.alice_client, scene.alice_headers),
        (scene.bob_client, scene.bob_headers),
    ):
        first = await client.get(f"{scene.base}/ideas", params={"limit": 2}, headers=headers)
        await assert_sent_as(IdeaPage, first)
        cursor = first.json()["next_cursor"]
        assert cursor
        last = await client.get(
            f"{scene.base}/ideas",
            params={"limit": 2, "cursor": cursor},
            headers=headers,
        )
        await assert_sent_as(IdeaPage, last)
        assert last.json()["next_cursor"] is None
    page = (await scene.bob_client.get(f"{scene.base}/ideas", headers=scene.bob_headers)).json()
    by_id = {item["id"]: item for item in page["items"]}
    assert by_id[voted["id"]]["my_vote"] == "like"
    assert by_id[mine["id"]]["is_mine"] is False
    by_section = await scene.alice_client.get(
        f"{scene.base}/ideas",
        params={"section_id": str(scene.section_id), "sort": "most_liked"},
        headers=scene.alice_headers,
    )
    await assert_sent_as(IdeaPage, by_section)
    assert len(by_section.json()["items"]) == 3
    empty = await scene.alice_client.get(
        f"{scene.base}/ideas",
        params={"section_id": str(scene.other_section_id)},
        headers=scene.alice_headers,
    )
    await assert_sent_as(IdeaPage, empty)
    assert empty.json() == {"items": [], "next_cursor": None}


async def test_one_idea_is_sent_as_fastapi_would_send_the_model_in_every_state(
    scene: Scene, db: asyncpg.Connection
) -> None:
    """Own and others', withdrawn, held, hidden with a reason, amended, split off, merged."""
    ideas = [await scene.post_idea(f"Idea number {n}") for n in range(7)]
    ids = [idea["id"] for idea in ideas]
    await scene.alice_client.post(
        f"{scene.base}/ideas/{ids[1]}/withdraw", headers=scene.alice_headers
    )
    states = [
        "moderation = 'held'",
        "moderation = 'hidden', moderation_reason = 'personal'",
        "amended = true",
        f"origin_id = '{ids[0]}'",
        f"moderation = 'merged', merged_into_id = '{ids[0]}'",
    ]
    for idea_id, state in zip(ids[2:], states, strict=True):
        await db.execute(f"UPDATE ideas SET {state} WHERE id = $1", idea_id)
    await scene.bob_client.put(
        f"{scene.base}/ideas/{ids[0]}/vote", json={"vote": "dislike"}, headers=scene.bob_headers
    )
    for idea_id in ids:
        for client, headers in (
            (scene.alice_client, scene.alice_headers),
            (scene.bob_client, scene.bob_headers),
        ):
            response = await client.get(f"{scene.base}/ideas/{idea_id}", headers=headers)
            await assert_sent_as(IdeaOut, response)
    shown = {
        idea_id: (
            await scene.bob_client.get(f"{scene.base}/ideas/{idea_id}", headers=scene.bob_headers)
        ).json()
        for idea_id in ids
    }
    assert shown[ids[0]]["my_vote"] == "dislike" and shown[ids[0]]["is_mine"] is False
    assert shown[ids[1]]["status"] == "withdrawn" and shown[ids[1]]["title"] is None
    assert shown[ids[2]]["body"] is None  # held: its author only
    assert shown[ids[3]]["moderation_note"] == (
        "Hidden by the facilitators: a personal comment about someone"
    )
    assert shown[ids[5]]["origin_id"] == ids[0]
    assert shown[ids[6]]["merged_into_id"] == ids[0]
    held_for_author = await scene.alice_client.get(
        f"{scene.base}/ideas/{ids[2]}", headers=scene.alice_headers
    )
    assert held_for_author.json()["is_mine"] is True
    assert held_for_author.json()["body"] == ideas[2]["body"]


async def test_a_vote_is_sent_as_fastapi_would_send_the_model(scene: Scene) -> None:
    idea = await scene.post_idea()
    url = f"{scene.base}/ideas/{idea['id']}/vote"
    for vote in ("like", "dislike", "none"):
        response = await scene.bob_client.put(url, json={"vote": vote}, headers=scene.bob_headers)
        await assert_sent_as(Tally, response)
    assert response.json() == {"like_count": 0, "dislike_count": 0, "my_vote": None}
    comment = await scene.alice_client.post(
        f"{url.removesuffix('/vote')}/comments",
        json={"body": "A comment"},
        headers=scene.alice_headers,
    )
    voted = await scene.bob_client.put(
        f"{scene.base}/comments/{comment.json()['id']}/vote",
        json={"vote": "like"},
        headers=scene.bob_headers,
    )
    await assert_sent_as(Tally, voted)
    assert voted.json() == {"like_count": 1, "dislike_count": 0, "my_vote": "like"}
