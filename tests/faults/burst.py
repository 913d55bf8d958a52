"""A burst of real participant traffic against a live server, and the checks that no fault
left a partial write behind: shared by the restart and the terminated-backend tests.

Every idea is posted with an ``Idempotency-Key`` and a body that screening queues for the
facilitators (it names someone), so one post writes three things in one transaction: the
idea, its moderation item and one count on its author's rate-limit counter. Votes write a
vote row and the idea's counters. A fault may refuse a request; it must never leave one of
those without the others.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg
import httpx
from fastapi import FastAPI

from candour.core.settings import Settings
from candour.identity.counters import allowance_for
from candour.queue.screening import screen_text
from tests.support.factories import Person, make_conversation, make_person, make_section

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "errors"}
# Screening queues a post that names someone: each idea gets a moderation item with it.
FLAGGED_BODY = "Dr Jones says the night rota is short of two porters."
# High enough that no request of the burst is refused for its rate.
GENEROUS_LIMITS = {
    "CANDOUR_RATE_LIMIT_POSTS_PER_HOUR": "100000",
    "CANDOUR_RATE_LIMIT_VOTES_PER_MINUTE": "100000",
}


@dataclass
class Call:
    kind: str  # "read", "post" or "vote"
    started: float  # time.monotonic()
    status: int  # 0: no HTTP answer at all
    key: str | None = None
    body: object = None
    retry_after: str | None = None
    content_type: str | None = None
    author: Person | None = None  # of a post: an Idempotency-Key is per author
    ended: float = field(default_factory=time.monotonic)


@dataclass
class Scene:
    conversation_id: uuid.UUID
    section_id: uuid.UUID
    posters: list[Person]
    voters: list[Person]
    headers: dict[uuid.UUID, dict[str, str]] = field(default_factory=dict)
    ideas: list[str] = field(default_factory=list)  # ideas to vote on

    @property
    def base(self) -> str:
        return f"/api/conversations/{self.conversation_id}"


async def make_scene(app: FastAPI, *, posters: int = 4, voters: int = 8) -> Scene:
    """A conversation open to posters and voters (people made in process, through the
    app's own services)."""
    assert screen_text(FLAGGED_BODY, []), "the burst's posts must be flagged by screening"
    conversation_id = await make_conversation(app)
    section_id = await make_section(app, conversation_id)
    return Scene(
        conversation_id,
        section_id,
        [await make_person(app, conversation_id=conversation_id) for _ in range(posters)],
        [await make_person(app, conversation_id=conversation_id) for _ in range(voters)],
    )


async def sign_everyone_in(http: httpx.AsyncClient, scene: Scene) -> None:
    for person in [*scene.posters, *scene.voters]:
        response = await http.post(
            "/api/auth/login", json={"email": person.email, "password": person.password}
        )
        assert response.status_code == 200, response.text
        scene.headers[person.id] = {"Authorization": f"Bearer {response.json()['access_token']}"}
    for n in range(3):
        status = await post_idea(http, scene, scene.posters[0], f"seed-{n}-{uuid.uuid4().hex}")
        assert status.status == 201, status.body
        assert isinstance(status.body, dict)
        scene.ideas.append(status.body["id"])


def _record(kind: str, started: float, response: httpx.Response, key: str | None = None) -> Call:
    try:
        body: object = response.json()
    except ValueError:
        body = response.text
    return Call(
        kind,
        started,
        response.status_code,
        key,
        body,
        response.headers.get("retry-after"),
        response.headers.get("content-type"),
    )


async def post_idea(http: httpx.AsyncClient, scene: Scene, poster: Person, key: str) -> Call:
    started = time.monotonic()
    response = await http.post(
        f"{scene.base}/ideas",
        json={"section_id": str(scene.section_id), "title": f"Idea {key}", "body": FLAGGED_BODY},
        headers={**scene.headers[poster.id], "Idempotency-Key": key},
    )
    call = _record("post", started, response, key)
    call.author = poster
    return call


async def _one_call(http: httpx.AsyncClient, scene: Scene, rng: random.Random, n: int) -> Call:
    started = time.monotonic()
    kind = rng.choice(["read", "read", "post", "vote", "vote"])
    try:
        if kind == "post":
            poster = rng.choice(scene.posters)
            try:
                return await post_idea(http, scene, poster, f"burst-{n:05d}")
            except httpx.TransportError:
                return Call(kind, started, 0, f"burst-{n:05d}", author=poster)
        if kind == "vote":
            voter = rng.choice(scene.voters)
            response = await http.put(
                f"{scene.base}/ideas/{rng.choice(scene.ideas)}/vote",
                json={"vote": rng.choice(["like", "dislike", "none"])},
                headers=scene.headers[voter.id],
            )
        else:
            reader = rng.choice(scene.voters)
            response = await http.get(f"{scene.base}/ideas", headers=scene.headers[reader.id])
        return _record(kind, started, response)
    except httpx.TransportError:
        # No answer at all; only a server that died would do this, and the checks say so.
        return Call(kind, started, 0)


async def run_burst(
    http: httpx.AsyncClient,
    scene: Scene,
    stop: asyncio.Event,
    calls: list[Call],
    *,
    clients: int = 12,
    seed: int = 7,
) -> None:
    """``clients`` simulated participants, each sending one request after another, until
    ``stop`` is set; every answer is recorded in ``calls`` as it comes."""
    numbers = itertools.count()
    rng = random.Random(seed)

    async def client() -> None:
        while not stop.is_set():
            calls.append(await _one_call(http, scene, rng, next(numbers)))
            await asyncio.sleep(0.005)

    await asyncio.gather(*(client() for _ in range(clients)))


def assert_answers_are_2xx_or_503_problems(calls: list[Call]) -> None:
    """Never a 500, never a dropped connection: what is not a success is a 503 problem
    that says when to try again."""
    statuses = {call.status for call in calls}
    assert statuses <= {200, 201, 503}, sorted(statuses)
    for call in calls:
        if call.status == 503:
            assert call.content_type == "application/problem+json"
            assert isinstance(call.body, dict) and set(call.body) == PROBLEM_KEYS, call.body
            assert call.body["code"] == "service_unavailable"
            assert call.retry_after is not None and int(call.retry_after) > 0


async def retry_failed_posts(http: httpx.AsyncClient, scene: Scene, calls: list[Call]) -> int:
    """Send every refused post again with its Idempotency-Key, until it is answered; return
    how many were already saved (a connection lost during COMMIT: the client cannot know,
    the key makes the retry safe). Each retry is recorded among the calls."""
    failed = [call for call in calls if call.kind == "post" and call.status not in (200, 201)]
    already_saved = 0
    for call in failed:
        assert call.key is not None and call.author is not None
        retry = await post_idea(http, scene, call.author, call.key)
        assert retry.status in (200, 201), retry.body
        already_saved += retry.status == 200
        calls.append(retry)
    # And once more: the key now names the idea, which comes back instead of a second one.
    for call in calls[-len(failed) :][:5]:
        assert call.key is not None and call.author is not None
        again = await post_idea(http, scene, call.author, call.key)
        assert again.status == 200, again.body
        assert isinstance(again.body, dict) and isinstance(call.body, dict)
        assert again.body["id"] == call.body["id"]
        calls.append(again)
    return already_saved


async def assert_no_partial_writes(
    db: asyncpg.Connection, settings: Settings, scene: Scene, calls: list[Call], in_doubt: int
) -> None:
    """``in_doubt``: refused posts that had been saved all the same (see
    :func:`retry_failed_posts`)."""
    posted = [call for call in calls if call.kind == "post" and call.status in (200, 201)]
    keys = {call.key for call in posted}
    # Every idea answered 201 or 200 exists, exactly once; nothing else was posted.
    rows = await db.fetch(
        "SELECT idempotency_key, count(*) AS n FROM ideas"
        " WHERE conversation_id = $1 AND idempotency_key LIKE 'burst-%' GROUP BY 1",
        scene.conversation_id,
    )
    assert {r["idempotency_key"]: r["n"] for r in rows} == dict.fromkeys(keys, 1)
    # Each idea came with its moderation item: the transaction was whole.
    unqueued = await db.fetchval(
        "SELECT count(*) FROM ideas i WHERE i.conversation_id = $1 AND NOT EXISTS"
        " (SELECT 1 FROM moderation_items m WHERE m.target_id = i.id)",
        scene.conversation_id,
    )
    assert unqueued == 0, "an idea without its moderation item"
    # One count per answered post, none for a refused one: the counts are written in the
    # same transaction (a retry that finds the first idea counts again, by design), and
    # one for each refused post whose COMMIT had gone through.
    hashes = [
        allowance_for(settings, p.id, "post", 1, 3600).params["allowance_key_hash"]
        for p in scene.posters
    ]
    counted = await db.fetchval(
        "SELECT coalesce(sum(count), 0) FROM action_counters WHERE key_hash = ANY($1::text[])",
        hashes,
    )
    seeds = len(scene.ideas)
    assert counted == len(posted) + seeds + in_doubt
    await assert_vote_counts_match_votes(db, scene)


async def assert_vote_counts_match_votes(db: asyncpg.Connection, scene: Scene) -> None:
    rows = await db.fetch(
        "SELECT i.id, i.like_count, i.dislike_count,"
        " count(v.*) FILTER (WHERE v.value = 1) AS likes,"
        " count(v.*) FILTER (WHERE v.value = -1) AS dislikes"
        " FROM ideas i LEFT JOIN idea_votes v ON v.idea_id = i.id"
        " WHERE i.conversation_id = $1 GROUP BY i.id",
        scene.conversation_id,
    )
    for row in rows:
        assert (row["like_count"], row["dislike_count"]) == (row["likes"], row["dislikes"])


async def wait_until(condition: Callable[[], bool], seconds: float) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not reached within {seconds} s")
        await asyncio.sleep(0.02)
    return time.monotonic() - started
