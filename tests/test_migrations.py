"""The schema comes only from Alembic: up, down, up again, and nothing left to autogenerate."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from candour import migrate
from candour.core.database import Base
from candour.models import load_all_models


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture(scope="module")
def empty_database_url(server_url: str) -> Iterator[str]:
    name = f"candour_migrations_{os.getpid()}_{uuid.uuid4().hex[:6]}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(_dsn(server_url))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    base, _, query = server_url.partition("?")
    yield base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _tables(url: str) -> set[str]:
    async def fetch() -> set[str]:
        connection = await asyncpg.connect(_dsn(url))
        try:
            rows = await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
            return {r["tablename"] for r in rows}
        finally:
            await connection.close()

    return asyncio.run(fetch())


def _pending_changes(url: str) -> list[object]:
    load_all_models()
    # Autogenerate compares with a synchronous connection; psycopg is not a dependency,
    # so run the comparison through the async engine's sync bridge.
    from sqlalchemy.ext.asyncio import create_async_engine

    from candour.core.database import async_url

    async def compare() -> list[object]:
        engine = create_async_engine(async_url(url))
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: compare_metadata(
                        MigrationContext.configure(
                            sync, opts={"compare_type": True, "compare_server_default": True}
                        ),
                        Base.metadata,
                    )
                )
        finally:
            await engine.dispose()

    return asyncio.run(compare())


def test_upgrade_downgrade_upgrade_and_nothing_pending(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    created = _tables(empty_database_url)
    assert {t.name for t in Base.metadata.sorted_tables} <= created
    migrate.downgrade(empty_database_url, "base")
    assert _tables(empty_database_url) <= {"alembic_version"}
    migrate.upgrade(empty_database_url)
    assert _tables(empty_database_url) == created
    assert _pending_changes(empty_database_url) == [], (
        "models and migrations disagree: run alembic revision --autogenerate"
    )
