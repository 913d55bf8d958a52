"""The live feed: pages hear which sections changed — from whichever worker took the change —
and nothing more; only those who may read the conversation can listen."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid

import httpx
from fastapi import FastAPI

from candour.activity.live import LiveFeed
from tests.activity.conftest import Scene
from tests.support.factories import make_conversation, make_person, new_client, sign_in
from tests.support.live_server import live_server


async def test_a_vote_or_a_post_tells_the_pages_of_that_section_only(
    app: FastAPI, scene: Scene
) -> None:
    feed: LiveFeed = app.state.live_feed
    idea = await scene.post_idea()
    with feed.subscribe(scene.conversation_id) as mailbox:
        await feed.poll_once()  # the first look, to compare with
        assert await mailbox.wait(0.01) == set(), "nothing changed yet"

        await scene.bob_client.put(
            f"{scene.base}/ideas/{idea['id']}/vote",
            json={"vote": "like"},
            headers=scene.bob_headers,
        )
        await feed.poll_once()
        assert await mailbox.wait(0.01) == {scene.section_id}

        await scene.post_idea(title="Bike shelter", section_id=scene.other_section_id)
        await feed.poll_once()
        assert await mailbox.wait(0.01) == {scene.other_section_id}

        await feed.poll_once()
        assert await mailbox.wait(0.01) == set(), "no change, no event"
    assert feed.streams == 0, "a page that leaves stops being followed"


async def test_a_stream_says_only_which_sections_changed_and_ends_in_time(
    app: FastAPI, scene: Scene
) -> None:
    feed = LiveFeed(
        app.state.sessionmaker,
        app.state.settings.model_copy(update={"live_stream_max_seconds": 0.5}),
    )
    stream = feed.events(scene.conversation_id)
    assert await anext(stream) == "retry: 5000\n\n"
    next_event = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.05)
    await feed.poll_once()
    idea = await scene.post_idea()
    await feed.poll_once()
    event = await next_event
    assert event == f'event: changed\ndata: {{"sections": ["{scene.section_id}"]}}\n\n'
    assert idea["id"] not in event and idea["title"] not in event
    rest = [chunk async for chunk in stream]  # ends by itself after half a second
    assert all(chunk.startswith(":") for chunk in rest)
    assert feed.streams == 0


async def test_a_stopping_process_ends_every_stream(app: FastAPI, scene: Scene) -> None:
    feed: LiveFeed = app.state.live_feed
    stream = feed.events(scene.conversation_id)
    await anext(stream)
    pending = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.05)
    feed.close_all()
    with contextlib.suppress(StopAsyncIteration):
        await asyncio.wait_for(pending, 2)
    assert feed.streams == 0


async def test_only_readers_of_the_conversation_may_listen(
    app: FastAPI, client: httpx.AsyncClient, scene: Scene
) -> None:
    url = f"{scene.base}/events"
    async with new_client(app) as stranger:
        anonymous = await stranger.get(url)
    assert anonymous.status_code == 401
    elsewhere = await make_conversation(app, title="Another trust")
    outsider = await sign_in(client, await make_person(app, conversation_id=elsewhere))
    hidden = await client.get(url, headers=outsider)
    assert hidden.status_code == 404, "another conversation's existence stays private"
    assert hidden.json()["code"] == "not_found"


async def test_a_full_process_refuses_new_streams_with_a_problem(
    app: FastAPI, scene: Scene
) -> None:
    app.state.live_feed._max_streams = 0
    full = await scene.alice_client.get(f"{scene.base}/events", headers=scene.alice_headers)
    assert full.status_code == 503
    assert full.json()["code"] == "live_feed_full"
    assert full.headers["Retry-After"] == "5"


async def test_a_change_through_one_worker_reaches_a_page_streamed_by_another(
    app: FastAPI, scene: Scene, database_url: str
) -> None:
    fast = {"CANDOUR_LIVE_POLL_SECONDS": "0.2"}
    with (
        live_server(database_url, extra_env=fast) as streaming,
        live_server(database_url, extra_env=fast) as writing,
    ):
        async with (
            httpx.AsyncClient(base_url=streaming, timeout=30) as reader,
            httpx.AsyncClient(base_url=writing, timeout=30) as writer,
        ):
            url = f"{scene.base}/events"
            async with reader.stream("GET", url, headers=scene.bob_headers) as response:
                assert response.status_code == 200
                assert response.headers["content-type"].startswith("text/event-stream")
                assert response.headers["cache-control"] == "no-store"
                lines = response.aiter_lines()
                assert await anext(lines) == "retry: 5000"
                await asyncio.sleep(0.6)  # the streaming worker has had its first look
                posted = await writer.post(
                    f"{scene.base}/ideas",
                    json={
                        "section_id": str(scene.other_section_id),
                        "title": "Lockers that lock",
                        "body": "Mine has not locked since June.",
                    },
                    headers=scene.alice_headers,
                )
                assert posted.status_code == 201, posted.text
                started = time.monotonic()
                data = None
                async for line in lines:
                    if line.startswith("data: "):
                        data = json.loads(line.removeprefix("data: "))
                        break
                    assert time.monotonic() - started < 10, "no event within 10 s"
    assert data == {"sections": [str(scene.other_section_id)]}
    assert uuid.UUID(data["sections"][0]) == scene.other_section_id
