"""In process: a lost database is answered 503 with ``Retry-After``, never 500, and only
errors that mean "the connection is gone" are taken for that."""

from __future__ import annotations

import logging
from pathlib import Path

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from candour.app import create_app
from candour.core.errors import is_database_unavailable
from candour.core.settings import Environment, Settings
from tests.support.smtp import free_port

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "errors"}


def _caused(error: BaseException, cause: BaseException) -> BaseException:
    error.__cause__ = cause
    return error


def _invalidated(kind: type[OperationalError | InterfaceError]) -> BaseException:
    return kind("SELECT 1", {}, Exception("gone"), connection_invalidated=True)


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "reset"),
        asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.InterfaceError("cannot call Connection.fetch(): connection is closed"),
        _invalidated(OperationalError),
        _invalidated(InterfaceError),
        _caused(RuntimeError("wrapped"), asyncpg.ConnectionDoesNotExistError("closed")),
        PoolTimeout("QueuePool limit of size 20 overflow 0 reached"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_connection_loss_is_recognised(error: BaseException) -> None:
    assert is_database_unavailable(error)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        asyncpg.UniqueViolationError("duplicate key"),
        asyncpg.DivisionByZeroError("division by zero"),
        asyncpg.QueryCanceledError("canceling statement due to statement timeout"),
        asyncpg.ProtocolViolationError("a client bug, not an outage"),
        asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
        ProgrammingError("SELECT", {}, Exception("syntax")),
        OperationalError("SELECT", {}, Exception("not a disconnect")),
    ],
    ids=lambda e: type(e).__name__,
)
def test_other_errors_stay_500s(error: BaseException) -> None:
    assert not is_database_unavailable(error)


async def test_an_app_without_its_database_answers_503_problems(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    nobody_listens = f"postgresql://postgres@127.0.0.1:{free_port()}/candour"
    settings = Settings(
        environment=Environment.test,
        database_url=nobody_listens,
        data_dir=tmp_path,
        run_outbox_worker=False,
        run_retention_scheduler=False,
        run_activity_loops=False,
    )
    app = create_app(settings)
    caplog.set_level(logging.WARNING, logger="candour.errors")
    async with (
        LifespanManager(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://testserver"
        ) as client,
    ):
        for response in (
            await client.get("/api/health"),
            await client.post(
                "/api/auth/login", json={"email": "a@trust.example", "password": "x" * 12}
            ),
        ):
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"] == "5"
            body = response.json()
            assert set(body) == PROBLEM_KEYS
            assert (body["status"], body["code"]) == (503, "service_unavailable")
    assert "answered 503" in caplog.text
    assert "Traceback" not in caplog.text and "File " not in caplog.text


class _DriverTheServerJustClosed:
    """An asyncpg connection that got the server's shutdown notice while idle: a statement
    on it fails on asyncpg's protocol state, and the socket is seen closed a moment later."""

    def __init__(self, closes: bool) -> None:
        self._closes = closes
        self._checks = 0

    async def fetch(self, *_: object) -> list[object]:
        raise asyncpg.InternalClientError("cannot switch to state 15; another operation (9)")

    def is_closed(self) -> bool:
        self._checks += 1
        return self._closes and self._checks > 2


async def test_a_statement_on_a_connection_being_closed_is_a_lost_connection() -> None:
    from sqlalchemy import literal, select
    from sqlalchemy.dialects import postgresql

    from candour.core.prepared import Prepared

    one = Prepared(select(literal(1).label("one")))
    dialect = postgresql.asyncpg.dialect()  # type: ignore[attr-defined]
    with pytest.raises(asyncpg.ConnectionDoesNotExistError) as lost:
        await one._run(_DriverTheServerJustClosed(closes=True), dialect, {})
    assert is_database_unavailable(lost.value)
    # A protocol error on a connection that stays open is a bug, and stays a 500.
    with pytest.raises(asyncpg.InternalClientError) as bug:
        await one._run(_DriverTheServerJustClosed(closes=False), dialect, {})
    assert not is_database_unavailable(bug.value)
