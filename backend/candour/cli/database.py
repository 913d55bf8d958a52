"""Which database a command works on, and one transaction on it.

The same database ``serve`` uses: ``DATABASE_URL`` when it is set, else the embedded
PostgreSQL in ``var/pgdata`` (started if it is not running). Operator commands do not
migrate; ``candour migrate`` (or ``serve``) does.
"""

from __future__ import annotations

import asyncio
import getpass
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from candour.cli.failures import CommandFailed
from candour.core.database import create_engine, create_sessionmaker
from candour.core.settings import Settings, get_settings
from candour.identity import Caller, operator_caller

T = TypeVar("T")


def database_url() -> str:
    """DATABASE_URL, or the embedded database, started if need be."""
    settings = get_settings()
    if settings.database_url:
        return settings.database_url
    from candour.core.embedded_pg import start_embedded_postgres

    url = start_embedded_postgres(settings.data_dir / "pgdata")
    # Uvicorn workers and get_settings() in this process read it from the environment. Not
    # as DATABASE_URL: that names an external database, which refuses the published secrets.
    os.environ["CANDOUR_EMBEDDED_DATABASE_URL"] = url
    get_settings.cache_clear()
    return url


def connected_settings() -> Settings:
    """The settings as the environment gives them now, with the database resolved."""
    get_settings.cache_clear()
    database_url()
    return get_settings()


def operator(settings: Settings) -> Caller:
    """The command line acting as an admin; audit entries name it, and the OS user."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = "unknown user"
    return operator_caller(settings, label=f"command line ({user})")


def _where(url: str) -> str:
    parsed = make_url(url)
    host = parsed.host or parsed.query.get("host") or "local socket"
    return f"{parsed.database or '?'} on {host}"


def _connect_error(exc: BaseException) -> str:
    # A connection error names the server, database or user, never a row: safe to show.
    cause = exc.orig if isinstance(exc, DBAPIError) else exc
    message = str(cause).split("\n", 1)[0].rsplit(">: ", 1)[-1]
    return message or type(cause).__name__


def with_sessions(
    work: Callable[[async_sessionmaker[AsyncSession], Settings], Awaitable[T]],
) -> T:
    """Run ``work`` with sessions on the database ``serve`` would use, once it answers."""
    settings = connected_settings()
    url = settings.connection_url
    assert url is not None  # connected_settings() resolved it

    async def run() -> T:
        engine = create_engine(settings, url)
        try:
            try:
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
            except (OSError, TimeoutError, DBAPIError) as exc:
                raise CommandFailed(
                    f"cannot reach the database ({_where(url)}): {_connect_error(exc)}"
                ) from None
            return await work(create_sessionmaker(engine), settings)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def in_transaction(work: Callable[[AsyncSession, Settings], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction: committed if it returns, rolled back if it raises."""

    async def run(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> T:
        async with sessions() as session, session.begin():
            return await work(session, settings)

    return with_sessions(run)
