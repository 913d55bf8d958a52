"""A seeded world shared by every test of one module, for the tests that make hundreds of
calls against it (the fuzzing, the odd-input walk): seeding signs six people in (argon2),
which costs more than the calls themselves. The tables are emptied when the module ends,
as the ``db`` fixture does after each test, so later tests start from empty tables.

A module that uses ``shared_world`` must not also use the function-scoped ``db`` or
``app`` fixtures, whose clean-up would empty the world under it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest
import pytest_asyncio
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from candour.app import create_app
from candour.core.settings import Environment, Settings
from tests.conftest import TABLES
from tests.security.world import World, make_world
from tests.support.smtp import SmtpServer


@dataclass
class Shared:
    app: FastAPI
    world: World
    loop: asyncio.AbstractEventLoop


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def shared_world(
    database_url: str, smtp_server: SmtpServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Shared]:
    settings = Settings(
        environment=Environment.test,
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("security"),
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        run_outbox_worker=False,
        run_retention_scheduler=False,
        auth_min_response_ms=0,
        public_url="https://candour.example",
        allowed_email_domains=["trust.example"],
        # Hundreds of writes by one person: the limits have their own tests
        # (tests/contributions/test_rate_limits.py) and would only turn these into 429s.
        rate_limit_posts_per_hour=100_000,
        rate_limit_votes_per_minute=100_000,
        rate_limit_reports_per_hour=100_000,
        rate_limit_messages_per_hour=100_000,
    )
    app = create_app(settings)
    try:
        async with LifespanManager(app):
            world = await make_world(app)
            try:
                yield Shared(app, world, asyncio.get_running_loop())
            finally:
                await world.close()
    finally:
        connection = await asyncpg.connect(database_url.replace("+asyncpg", "", 1))
        try:
            await connection.execute(f"TRUNCATE {TABLES} CASCADE")
        finally:
            await connection.close()
        smtp_server.clear()
