"""Fixtures that start the real services the tests run against.

- PostgreSQL: ``CANDOUR_TEST_DATABASE_URL`` if set, else the embedded server (pgserver)
  in a folder under the system temp dir; each run gets a fresh database built by the
  Alembic migrations, and every test starts from empty tables.
- SMTP: an aiosmtpd server on a free loopback port that keeps what it receives.
- The app: ``create_app`` with its lifespan, called through httpx's ASGI transport.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from candour import migrate
from candour.app import create_app
from candour.core.database import Base
from candour.core.settings import Environment, Settings
from candour.models import load_all_models
from tests.support.smtp import SmtpServer

load_all_models()
# Reference data the migrations load (the default abusive-language list) stays between tests.
REFERENCE_TABLES = {"screening_terms"}
TABLES = ", ".join(
    f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name not in REFERENCE_TABLES
)


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture(scope="session")
def server_url() -> str:
    """A PostgreSQL server URL whose database we may create others from."""
    external = os.environ.get("CANDOUR_TEST_DATABASE_URL")
    if external:
        return external
    from candour.core.embedded_pg import start_embedded_postgres

    pgdata = Path(tempfile.gettempdir()) / f"candour-test-pg-{os.getuid()}"
    return start_embedded_postgres(pgdata, database="postgres")


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    """A fresh database for this test run, migrated to head by Alembic."""
    name = f"candour_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(server_url))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    base, _, query = server_url.partition("?")
    url = base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")
    migrate.upgrade(url)
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(database_url: str, smtp_server: SmtpServer, tmp_path: Path) -> Settings:
    return Settings(
        environment=Environment.test,
        database_url=database_url,
        data_dir=tmp_path,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        run_outbox_worker=False,
        run_retention_scheduler=False,
        run_activity_loops=False,
        auth_min_response_ms=0,
        outbox_backoff_seconds=0,
        outbox_poll_seconds=0.05,
        public_url="https://candour.example",
        allowed_email_domains=["trust.example"],
    )


@pytest.fixture
async def db(database_url: str, smtp_server: SmtpServer) -> AsyncIterator[asyncpg.Connection]:
    """A raw connection for looking at tables as they really are; empties them afterwards."""
    connection = await asyncpg.connect(_asyncpg_dsn(database_url))
    smtp_server.clear()
    try:
        yield connection
    finally:
        try:
            await connection.execute(f"TRUNCATE {TABLES} CASCADE")
        finally:
            await connection.close()


@pytest.fixture
async def app(settings: Settings, db: asyncpg.Connection) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # https, so the Secure session cookie is kept and sent like a browser would.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://testserver"
    ) as http:
        yield http


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI every part is installed, so a skipped test is a failure, not a shrug."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if reporter:
            reporter.write_line(
                f"CI=true: {len(skipped)} test(s) skipped; nothing may be skipped in CI"
            )
