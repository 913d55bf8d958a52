"""Prepared statements on the driver connection keep the session's transaction rules, and a
pooled connection without a session commits, rolls back and goes back to the pool clean.
(The routes that use them: tests/contributions/test_direct_routes.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest
from sqlalchemy import bindparam, column, literal, select, table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from candour.core.database import create_engine, create_sessionmaker
from candour.core.prepared import PooledConnection, Prepared
from candour.core.settings import Settings

_counters = table("action_counters", column("key_hash"), column("window_start"), column("count"))
COUNT = Prepared(
    insert(_counters)
    .values(key_hash=bindparam("key"), window_start=bindparam("at"), count=1)
    .returning(_counters.c.key_hash),
    in_transaction=True,
)
READ = Prepared(
    select(_counters.c.count, literal(b"\x00\x01").label("raw")).where(
        _counters.c.key_hash == bindparam("key")
    )
)
FAILS = Prepared(select((literal(1) / literal(0)).label("oops")), in_transaction=True)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
async def engine(settings: Settings, db: asyncpg.Connection) -> AsyncIterator[AsyncEngine]:
    assert settings.database_url is not None
    engine = create_engine(settings, settings.database_url)
    yield engine
    await engine.dispose()


async def _keys(db: asyncpg.Connection) -> set[str]:
    return {r["key_hash"] for r in await db.fetch("SELECT key_hash FROM action_counters")}


async def test_on_a_session_reads_begin_nothing_and_writes_join_its_transaction(
    engine: AsyncEngine, db: asyncpg.Connection
) -> None:
    async with create_sessionmaker(engine)() as session:
        driver = (await (await session.connection()).get_raw_connection()).driver_connection
        assert driver is not None
        assert await READ.fetch(session, {"key": "a"}) == []
        assert not driver.is_in_transaction()  # a read spared its BEGIN
        await COUNT.fetch(session, {"key": "a", "at": NOW})
        assert driver.is_in_transaction()  # the write began the session's transaction
        await COUNT.fetch(session, {"key": "b", "at": NOW})  # and the next runs inside it
        assert await _keys(db) == set()  # nothing visible before the session commits
        await session.rollback()
    assert await _keys(db) == set()  # rolled back with the session, both rows

    async with create_sessionmaker(engine)() as session:
        await COUNT.fetch(session, {"key": "c", "at": NOW})
        row = await READ.fetch_one(session, {"key": "c"})
        assert row is not None
        assert (row["count"], bytes(row["raw"])) == (1, b"\x00\x01")
        await session.commit()
        # The driver connection is forgotten once the session's transaction ends.
        assert "candour.driver_connection" not in session.info
    assert await _keys(db) == {"c"}


async def test_a_pooled_connection_commits_or_rolls_back_and_returns_clean(
    engine: AsyncEngine, db: asyncpg.Connection
) -> None:
    rolled_back = PooledConnection(engine)
    await COUNT.fetch(rolled_back, {"key": "gone", "at": NOW})
    await rolled_back.finish(commit=False)
    committed = PooledConnection(engine)
    assert await READ.fetch(committed, {"key": "gone"}) == []
    await COUNT.fetch(committed, {"key": "kept", "at": NOW})
    await committed.finish(commit=True)
    assert await _keys(db) == {"kept"}
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]

    failed = PooledConnection(engine)
    await COUNT.fetch(failed, {"key": "half", "at": NOW})
    with pytest.raises(asyncpg.DivisionByZeroError):
        await FAILS.fetch(failed, {})
    await failed.finish(commit=False)
    # The connection went back without its aborted transaction: the next user is fine.
    after = PooledConnection(engine)
    driver = await after.driver(begin=False)
    assert not driver.is_in_transaction()
    assert await READ.fetch(after, {"key": "half"}) == []
    await after.finish(commit=True)
    assert await _keys(db) == {"kept"}


async def test_a_connection_the_server_closed_is_replaced_not_handed_out(
    engine: AsyncEngine, db: asyncpg.Connection
) -> None:
    first = PooledConnection(engine)
    driver = await first.driver(begin=False)
    pid = driver.get_server_pid()
    await first.finish(commit=True)
    await db.execute("SELECT pg_terminate_backend($1)", pid)  # a restart, a failover …
    for _ in range(100):
        if driver.is_closed():
            break
        await asyncio.sleep(0.01)
    assert driver.is_closed()
    # The dead connection is still in the pool; the next request must not get it.
    after = PooledConnection(engine)
    assert await READ.fetch(after, {"key": "x"}) == []
    assert (await after.driver(begin=False)).get_server_pid() != pid
    await after.finish(commit=True)
    async with create_sessionmaker(engine)() as session:
        assert await READ.fetch(session, {"key": "x"}) == []


async def test_a_finished_connection_cannot_be_used_again(engine: AsyncEngine) -> None:
    connection = PooledConnection(engine)
    await READ.fetch(connection, {"key": "x"})
    await connection.finish(commit=True)
    with pytest.raises(RuntimeError, match="already gone back"):
        await READ.fetch(connection, {"key": "x"})
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
