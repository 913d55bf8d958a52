"""``pg_terminate_backend()`` on the app's connections, again and again, while a burst of
participants reads, posts and votes against a live server: each answer is a success or a
503 problem, never a 500, and afterwards every count agrees with the rows.

Runs on the shared test server, but terminates only backends of this run's own database
(``database_url`` is made per run): other engineers' tests use the same server."""

from __future__ import annotations

import asyncio
from collections import Counter

import asyncpg
import httpx
from fastapi import FastAPI

from candour.core.settings import Settings
from tests.faults.burst import (
    GENEROUS_LIMITS,
    Call,
    assert_answers_are_2xx_or_503_problems,
    assert_no_partial_writes,
    make_scene,
    retry_failed_posts,
    run_burst,
    sign_everyone_in,
)
from tests.support.live_server import live_server

TERMINATE_OURS = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND backend_type = 'client backend' AND pid <> ALL($1::int[])"
)


async def _terminate_repeatedly(
    database_url: str, stop: asyncio.Event, every_seconds: float, spare: list[int]
) -> int:
    """Terminate every backend of this database but ours and ``spare`` each
    ``every_seconds``; return how many were terminated in all."""
    terminator = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    terminated = 0
    try:
        while not stop.is_set():
            await asyncio.sleep(every_seconds)
            terminated += await terminator.fetchval(TERMINATE_OURS, spare)
    finally:
        await terminator.close()
    return terminated


async def test_terminated_backends_are_503s_or_successes_and_leave_counts_whole(
    app: FastAPI, settings: Settings, database_url: str, db: asyncpg.Connection
) -> None:
    scene = await make_scene(app)
    calls: list[Call] = []
    with live_server(database_url, extra_env=GENEROUS_LIMITS) as base_url:
        limits = httpx.Limits(max_connections=20)
        async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as http:
            await sign_everyone_in(http, scene)
            stop = asyncio.Event()
            burst = asyncio.create_task(run_burst(http, scene, stop, calls, seed=11))
            terminator = asyncio.create_task(
                _terminate_repeatedly(database_url, stop, 0.25, [db.get_server_pid()])
            )
            await asyncio.sleep(4.0)
            stop.set()
            await burst
            terminated = await terminator

            assert terminated >= 10, "the burst ran while backends were being terminated"
            assert_answers_are_2xx_or_503_problems(calls)
            counts = Counter((c.kind, c.status) for c in calls)
            assert counts[("post", 201)] and counts[("vote", 200)] and counts[("read", 200)]
            in_doubt = await retry_failed_posts(http, scene, calls)

    await assert_no_partial_writes(db, settings, scene, calls, in_doubt)
    print(
        f"\nterminate burst: {terminated} backends terminated, {len(calls)} calls,"
        f" {dict(Counter((c.kind, c.status) for c in calls))}, saved before a 503: {in_doubt}"
    )
