"""The database: one async engine per process, one session per request.

Services only ``flush()``; the session dependency commits when the path operation
returns and *before* the response is sent (``scope="function"``), so a failed commit
reaches the client as an error instead of vanishing after a 200.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar

from fastapi import Depends, Request
from sqlalchemy import (
    ColumnElement,
    Interval,
    MetaData,
    Table,
    event,
    func,
    literal,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.types import DateTime

from candour.core.errors import DomainError
from candour.core.prepared import PooledConnection
from candour.core.settings import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: DateTime(timezone=True),
        uuid.UUID: UUID(as_uuid=True),
    }


def table_of(model: type[Base]) -> Table:
    """A model's Core table, for statements on hot paths that skip the ORM's bookkeeping."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def random_id_column() -> Mapped[uuid.UUID]:
    """A random (UUIDv4) primary key: identifiers reveal neither order nor time."""
    return mapped_column(primary_key=True, default=uuid.uuid4)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(server_default=func.now())


# date_bin's origin: the Unix epoch, so the database floors times as ``core.time.coarsen`` does.
_EPOCH = "TIMESTAMPTZ '1970-01-01 00:00:00+00'"


def acted_at_column() -> Mapped[datetime]:
    """When a participant acted (wrote a post, reported one), floored: Candour does not
    keep the exact time of a participant's act, so neither an answer, nor the order of a
    list, nor a copy of the database can be matched against sign-in or network records.
    Writers pass :func:`floored_now` with the configured granularity; the default floors
    to the hour, so a writer that forgets still stores no exact time."""
    return mapped_column(server_default=text(f"date_bin('1 hour', now(), {_EPOCH})"))


def floored_now(granularity_seconds: int) -> ColumnElement[datetime]:
    """The transaction's time floored to ``granularity_seconds``, computed by PostgreSQL."""
    return func.date_bin(
        literal(timedelta(seconds=granularity_seconds), Interval()),
        func.now(),
        literal_column(_EPOCH),
        type_=DateTime(timezone=True),
    )


def async_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` URLs and use the asyncpg driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


def create_engine(settings: Settings, database_url: str) -> AsyncEngine:
    engine = create_async_engine(
        async_url(database_url),
        pool_size=settings.database_pool_size,
        # Overflow connections are closed as soon as they are returned, so under bursts every
        # request would pay PostgreSQL for a new backend: wait for a kept one instead.
        max_overflow=0,
        # No ping per checkout (it costs three round trips on every request); connections are
        # recycled before servers or proxies drop them instead.
        pool_pre_ping=False,
        pool_recycle=1800,
        # Errors and logs never carry statement parameters: they include pseudonyms.
        hide_parameters=True,
    )
    event.listen(engine.sync_engine, "checkout", _refuse_closed_connections)
    return engine


def _refuse_closed_connections(
    dbapi_connection: Any, record: ConnectionPoolEntry, proxy: PoolProxiedConnection
) -> None:
    """A connection the server closed (a restart, a failover, an idle timeout) is replaced
    at checkout instead of failing the request that gets it. Costs no round trip: asyncpg
    knows once the socket has closed. Statements run directly on the driver
    (``core/prepared.py``) bypass SQLAlchemy's own detection of dead connections."""
    driver = record.driver_connection
    if driver is None or driver.is_closed():
        raise DisconnectionError("the server closed this connection")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def commits(error: BaseException | None) -> bool:
    """Whether a request's work is committed, given how its path operation ended: when it
    returned (``error`` is None); not when it raised — except for a ``DomainError`` whose
    bookkeeping must stay (``keeps_changes``)."""
    if error is None:
        return True
    return isinstance(error, DomainError) and error.keeps_changes


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with sessionmaker() as session:
        try:
            yield session
        except BaseException as error:
            await (session.commit() if commits(error) else session.rollback())
            raise
        await session.commit()


SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]


class RequestConnection:
    """For the few routes that run only :class:`~candour.core.prepared.Prepared` statements:
    a pooled connection, without a session, for the body of an ``async with`` in the path
    operation itself, which commits (or rolls back, by :func:`commits`) when the block
    ends — so before the response is sent, as :data:`SessionDep` does. Those routes open
    it themselves rather than through a dependency because FastAPI's bookkeeping for a
    dependency with ``yield`` costs more than the rest of a list page's Python."""

    __slots__ = ("connection",)

    def __init__(self, request: Request) -> None:
        self.connection = PooledConnection(request.app.state.engine)

    async def __aenter__(self) -> PooledConnection:
        return self.connection

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: Any
    ) -> None:
        await self.connection.finish(commit=commits(error))
