"""PostgreSQL stopped and started again under a burst of participants (reads, posts with an
Idempotency-Key, votes), on a server of this test's own: while it is down the app answers
503 problems, after it is back it recovers by itself, and nothing is half-written."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager

from candour import migrate
from candour.app import create_app
from candour.core.settings import Environment, Settings
from tests.faults.burst import (
    GENEROUS_LIMITS,
    Call,
    assert_answers_are_2xx_or_503_problems,
    assert_no_partial_writes,
    make_scene,
    retry_failed_posts,
    run_burst,
    sign_everyone_in,
    wait_until,
)
from tests.support.live_server import live_server
from tests.support.own_postgres import OwnPostgres

# How long the app may take to serve again once PostgreSQL accepts connections.
RECOVERY_SECONDS = 5.0


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    # Not under pytest's tmp_path: another pytest run starting meanwhile makes its parent
    # private again, and the server's own user could no longer reach its data.
    folder = Path(tempfile.mkdtemp(prefix="candour-own-pg-"))
    server = OwnPostgres(folder)
    try:
        server.init()
        server.start()
        yield server
    finally:
        if server.is_running():
            server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


async def _fresh_database(server: OwnPostgres, tmp_path: Path) -> Settings:
    admin = await asyncpg.connect(server.url)
    try:
        await admin.execute("CREATE DATABASE candour")
    finally:
        await admin.close()
    url = server.url_of("candour")
    await asyncio.to_thread(migrate.upgrade, url)
    return Settings(
        environment=Environment.test,
        database_url=url,
        data_dir=tmp_path,
        run_outbox_worker=False,
        run_retention_scheduler=False,
        run_activity_loops=False,
    )


async def test_a_postgres_restart_is_503_then_recovered_with_nothing_half_written(
    own_postgres: OwnPostgres, tmp_path: Path
) -> None:
    settings = await _fresh_database(own_postgres, tmp_path)
    assert settings.database_url is not None
    app = create_app(settings)
    async with LifespanManager(app):
        scene = await make_scene(app)

    outages: list[tuple[str, float, float]] = []  # (stop mode, stopped at, started at)
    calls: list[Call] = []
    with live_server(settings.database_url, extra_env=GENEROUS_LIMITS) as base_url:
        limits = httpx.Limits(max_connections=20)
        async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits) as http:
            await sign_everyone_in(http, scene)
            stop = asyncio.Event()
            burst = asyncio.create_task(run_burst(http, scene, stop, calls))
            # ``fast`` disconnects every client and rolls back what is in flight; ``immediate``
            # is a crash (the server recovers from its WAL when it starts again).
            for mode in ("fast", "immediate"):
                await asyncio.sleep(0.8)
                stopped_at = time.monotonic()
                await asyncio.to_thread(own_postgres.stop, mode)
                await asyncio.sleep(1.5)
                await asyncio.to_thread(own_postgres.start)
                started_at = time.monotonic()
                outages.append((mode, stopped_at, started_at))
                # The app is not restarted: it must serve again on its own.
                await wait_until(
                    lambda since=started_at: any(
                        c.status == 200 and c.started > since for c in calls
                    ),
                    RECOVERY_SECONDS,
                )
            await asyncio.sleep(1.0)
            stop.set()
            await burst

            assert_answers_are_2xx_or_503_problems(calls)
            next_stops = [stopped for _, stopped, _ in outages[1:]] + [float("inf")]
            for (mode, stopped_at, started_at), next_stop in zip(outages, next_stops, strict=True):
                during = Counter(
                    (c.kind, c.status)
                    for c in calls
                    if stopped_at + 0.3 < c.started and c.ended < started_at
                )
                assert during[("read", 503)] and during[("post", 503)] and during[("vote", 503)], (
                    mode,
                    during,
                )
                first_success = min(
                    c.ended for c in calls if c.started > started_at and c.status in (200, 201)
                )
                assert first_success - started_at < RECOVERY_SECONDS
                late_failures = [
                    c
                    for c in calls
                    if first_success < c.started
                    and c.ended < next_stop
                    and c.status not in (200, 201)
                ]
                assert not late_failures, (mode, late_failures[:3])
            in_doubt = await retry_failed_posts(http, scene, calls)

    db = await asyncpg.connect(own_postgres.url_of("candour"))
    try:
        await assert_no_partial_writes(db, settings, scene, calls, in_doubt)
    finally:
        await db.close()
    counts = Counter((c.kind, c.status) for c in calls)
    print(
        f"\nrestart burst: {len(calls)} calls, {dict(counts)}, posts saved before a 503: {in_doubt}"
    )
