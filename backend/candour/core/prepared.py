"""The few statements every participant request runs, run on the asyncpg connection directly.

SQLAlchemy's execution layer costs about twice asyncpg's own work per statement (execution
context, parameter and result processing, the hop into a greenlet and back), which on a list
page or a vote is most of what the server spends (``bench/README.md``). A :class:`Prepared`
is a Core statement — written with SQLAlchemy like every other — compiled once per dialect,
whose SQL runs directly on an asyncpg connection: either the one a request's ORM session
holds, or — for the routes that run nothing but these statements (a list page, one idea, a
vote) — a :class:`PooledConnection` taken from the same pool without any session, whose
lifecycle alone costs a few hundred microseconds.

On a session, transactions stay the session's. A statement that locks or writes
(``in_transaction=True``) goes through the session when no transaction has begun yet, so
SQLAlchemy begins it (and commits or rolls it back at the end of the request, as for every
other statement); once one has begun, everything runs inside it. A plain read outside a
transaction runs on its own, which under READ COMMITTED sees exactly what it would have
seen inside one (each statement takes a fresh snapshot either way) and spares a read-only
request its BEGIN and COMMIT.
A :class:`PooledConnection` follows the same rule with its own transaction, begun by the
first statement that locks or writes and ended by :meth:`PooledConnection.finish`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
from sqlalchemy import Dialect, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import greenlet_spawn

_DRIVER = "candour.driver_connection"
T = TypeVar("T")


async def _driver_of(session: AsyncSession) -> tuple[Any, Dialect]:
    """The asyncpg connection the session holds (checking one out if it holds none), kept in
    ``session.info`` until the session's transaction ends and the connection goes back."""
    held = session.info.get(_DRIVER)
    if held is None:
        connection = await session.connection()
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        held = session.info[_DRIVER] = (driver, connection.dialect)
    return held


@event.listens_for(Session, "after_transaction_end")
def _forget_driver(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction: the connection is released
        session.info.pop(_DRIVER, None)


async def _closing(driver: Any) -> bool:
    """Whether the server has just closed this connection. A server that shuts down or
    terminates a backend sends an error to an idle connection before closing it; until
    asyncpg sees the socket close (a moment later), a statement on it fails with an
    ``InternalClientError`` about its protocol state rather than as a lost connection —
    which is what it is, and what the client must be told (a 503, not a 500)."""
    for _ in range(20):
        if driver.is_closed():
            return True
        await asyncio.sleep(0.005)
    return False


async def _on(driver: Any, work: Awaitable[T]) -> T:
    """Await ``work`` on ``driver``; a protocol-state error on a connection the server is
    closing is raised as the lost connection it is (see :func:`_closing`)."""
    try:
        return await work
    except asyncpg.InternalClientError as error:
        if await _closing(driver):
            raise asyncpg.ConnectionDoesNotExistError("the server closed the connection") from error
        raise


@dataclass(frozen=True, slots=True)
class _Compiled:
    dialect: Dialect
    compiled: SQLCompiler
    names: tuple[str, ...]  # the parameters in their positional order
    conversions: dict[str, Callable[[Any], Any]]


class Prepared:
    """A Core statement to run with :meth:`fetch`; rows are indexed by column name."""

    def __init__(self, statement: Executable, *, in_transaction: bool = False) -> None:
        self.statement = statement
        self.in_transaction = in_transaction
        self._compiled: _Compiled | None = None

    def _compile(self, dialect: Dialect) -> _Compiled:
        if self._compiled is None or self._compiled.dialect is not dialect:
            assert isinstance(self.statement, ClauseElement)
            compiled = self.statement.compile(dialect=dialect)
            assert isinstance(compiled, SQLCompiler)
            # Parameters rendered at execution time (expanding IN lists, literal_execute)
            # need SQLAlchemy's execution step, which this skips.
            if compiled.post_compile_params:
                raise ValueError("Prepared statements cannot have post-compile parameters")
            self._compiled = _Compiled(
                dialect,
                compiled,
                tuple(compiled.positiontup or ()),
                # The conversions SQLAlchemy would apply to these parameters on the way in.
                {
                    name: convert
                    for name, convert in compiled._bind_processors.items()
                    if callable(convert)
                },
            )
        return self._compiled

    async def fetch(self, session: Executor, params: Mapping[str, Any]) -> Sequence[Any]:
        if isinstance(session, PooledConnection):
            driver = await session.driver(begin=self.in_transaction)
            return await self._run(driver, session.dialect, params)
        driver, dialect = await _driver_of(session)
        if self.in_transaction and not driver.is_in_transaction():
            return (await session.execute(self.statement, params)).mappings().all()
        return await self._run(driver, dialect, params)

    async def _run(self, driver: Any, dialect: Dialect, params: Mapping[str, Any]) -> Sequence[Any]:
        compiled = self._compile(dialect)
        values = compiled.compiled.construct_params(params)
        assert values is not None
        for name, convert in compiled.conversions.items():
            values[name] = convert(values[name])
        rows: Sequence[Any] = await _on(
            driver, driver.fetch(compiled.compiled.string, *(values[n] for n in compiled.names))
        )
        return rows

    async def fetch_one(self, session: Executor, params: Mapping[str, Any]) -> Any | None:
        rows = await self.fetch(session, params)
        return rows[0] if rows else None


class PooledConnection:
    """A connection from the engine's pool for one request that runs only :class:`Prepared`
    statements. Checked out by the first statement; a transaction is begun by the first
    statement that locks or writes; :meth:`finish` commits or rolls it back and returns the
    connection — or discards it if it is dead or cannot be left clean, since the pool knows
    nothing of this transaction and would hand it on as it is."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.dialect: Dialect = engine.dialect
        self._pooled: PoolProxiedConnection | None = None
        self._began = False
        self._finished = False

    async def driver(self, *, begin: bool) -> Any:
        if self._finished:
            raise RuntimeError("this request's connection has already gone back to the pool")
        if self._pooled is None:
            self._pooled = await self._engine.raw_connection()
        driver = self._pooled.driver_connection
        assert driver is not None
        if begin and not self._began:
            # READ COMMITTED, as SQLAlchemy begins its own: the vote relies on each
            # statement seeing what committed before it started. Plain statements rather
            # than asyncpg's Transaction object, whose bookkeeping this does not need.
            await _on(driver, driver.execute("BEGIN ISOLATION LEVEL READ COMMITTED"))
            self._began = True
        return driver

    async def finish(self, *, commit: bool) -> None:
        self._finished = True
        pooled, began = self._pooled, self._began
        self._pooled, self._began = None, False
        if pooled is None:
            return
        driver = pooled.driver_connection
        try:
            if began and driver is not None:
                await _on(driver, driver.execute("COMMIT" if commit else "ROLLBACK"))
        except BaseException:
            await greenlet_spawn(pooled.invalidate)
            raise
        if driver is None or driver.is_closed() or driver.is_in_transaction():
            await greenlet_spawn(pooled.invalidate)
        else:
            await greenlet_spawn(pooled.close)


Executor = AsyncSession | PooledConnection
"""Where a :class:`Prepared` runs."""
