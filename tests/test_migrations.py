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


def test_posts_and_queue_items_keep_only_the_hour_they_were_made(
    empty_database_url: str,
) -> None:
    """Migration 5e1c0d1f2a06 floors the exact times already stored, and a writer that
    passes no time gets the hour from the columns' default."""
    migrate.upgrade(empty_database_url)
    migrate.downgrade(empty_database_url, "5e1c0d1f2a05")
    exact = "2026-11-20 10:47:31.123456+00"
    ids = {name: uuid.uuid4() for name in ("conversation", "section", "idea", "comment", "item")}

    async def seed() -> None:
        connection = await asyncpg.connect(_dsn(empty_database_url))
        try:
            await connection.execute(
                "INSERT INTO conversations (id, title, introduction, opens_at, closes_at,"
                " time_zone) VALUES ($1, 'Migrating', '', now(), now() + interval '21 days',"
                " 'Europe/London')",
                ids["conversation"],
            )
            await connection.execute(
                "INSERT INTO sections (id, conversation_id, title, description, position)"
                " VALUES ($1, $2, 'One', '', 1)",
                ids["section"],
                ids["conversation"],
            )
            await connection.execute(
                "INSERT INTO ideas (id, conversation_id, section_id, source, title, body,"
                f" status, created_at) VALUES ($1, $2, $3, 'paper', 'An idea', 'Body',"
                f" 'published', '{exact}')",
                ids["idea"],
                ids["conversation"],
                ids["section"],
            )
            await connection.execute(
                "INSERT INTO comments (id, conversation_id, idea_id, source, body, status,"
                f" created_at) VALUES ($1, $2, $3, 'paper', 'A comment', 'published', '{exact}')",
                ids["comment"],
                ids["conversation"],
                ids["idea"],
            )
            await connection.execute(
                "INSERT INTO moderation_items (id, conversation_id, target_kind, target_id,"
                " priority, reasons, state, created_at) VALUES ($1, $2, 'idea', $3, 1, '[]',"
                f" 'open', '{exact}')",
                ids["item"],
                ids["conversation"],
                ids["idea"],
            )
        finally:
            await connection.close()

    async def times() -> list[tuple[object, object]]:
        connection = await asyncpg.connect(_dsn(empty_database_url))
        try:
            stored = [
                await connection.fetchval(f"SELECT created_at FROM {table} WHERE id = $1", row_id)
                for table, row_id in (
                    ("ideas", ids["idea"]),
                    ("comments", ids["comment"]),
                    ("moderation_items", ids["item"]),
                )
            ]
            defaults = [
                await connection.fetchval(
                    "SELECT column_default FROM information_schema.columns"
                    " WHERE table_name = $1 AND column_name = 'created_at'",
                    table,
                )
                for table in ("ideas", "comments", "moderation_items")
            ]
            return list(zip(stored, defaults, strict=True))
        finally:
            await connection.close()

    asyncio.run(seed())
    migrate.upgrade(empty_database_url)
    for stored, default in asyncio.run(times()):
        assert str(stored) == "2026-11-20 10:00:00+00:00"
        assert "date_bin('01:00:00'::interval, now()" in str(default)
