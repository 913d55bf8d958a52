"""Every refusal is an RFC 9457 problem with a stable code; no input produces a 500."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from candour.core.database import SessionDep
from candour.core.periodic import run_periodically

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "errors"}


def _is_problem(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    assert body["code"] == code
    return body


async def test_unknown_api_path_is_a_problem(client: httpx.AsyncClient) -> None:
    _is_problem(await client.get("/api/nothing-here"), 404, "not_found")


async def test_wrong_method_is_a_problem(client: httpx.AsyncClient) -> None:
    _is_problem(await client.delete("/api/auth/login"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"",
        b"[]",
        b'"text"',
        b"null",
        b'{"email": 5, "password": []}',
        '{"email": "\u0000"}'.encode(),
    ],
)
async def test_malformed_bodies_are_422_problems(client: httpx.AsyncClient, content: bytes) -> None:
    response = await client.post(
        "/api/auth/login", content=content, headers={"content-type": "application/json"}
    )
    body = _is_problem(response, 422, "invalid_input")
    assert body["errors"], "the wrong field is named"


async def test_unknown_fields_are_refused_by_name(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/login", json={"email": "a@trust.example", "password": "x", "is_admin": True}
    )
    body = _is_problem(response, 422, "invalid_input")
    assert {
        "field": "body.is_admin",
        "message": "Extra inputs are not permitted",
        "code": "extra_forbidden",
    } in body["errors"]  # type: ignore[operator]


async def test_validation_errors_do_not_echo_passwords(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/auth/login", json={"email": "not-an-email", "password": "s3cret-value"}
    )
    assert response.status_code == 422
    assert "s3cret-value" not in response.text


async def test_bad_path_parameter_is_a_problem(app: FastAPI, client: httpx.AsyncClient) -> None:
    from tests.support.factories import make_person, sign_in

    headers = await sign_in(client, await make_person(app, role="admin"))
    body = _is_problem(
        await client.get("/api/conversations/not-a-uuid", headers=headers), 422, "invalid_input"
    )
    assert body["errors"][0]["field"] == "path.conversation_id"  # type: ignore[index]


async def test_health_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/health")
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in response.headers["content-security-policy"]


async def test_an_unexpected_database_error_is_a_bare_500_and_its_data_stays_out_of_the_log(
    app: FastAPI, db, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL explains a broken rule with the data that broke it (``DETAIL: Key (…)=(…)
    already exists``). Neither the client nor any log line may carry that data, and the
    exception must not escape the app (the server would log it with its message)."""
    secret = "pseudonym-4f1c9a"
    await db.execute("CREATE TABLE IF NOT EXISTS scratch_unique (v text PRIMARY KEY)")
    try:
        await db.execute("INSERT INTO scratch_unique VALUES ($1)", secret)

        async def duplicate(session: SessionDep) -> None:
            await session.execute(text("INSERT INTO scratch_unique VALUES (:v)"), {"v": secret})

        app.add_api_route("/api/test-only/duplicate", duplicate, methods=["POST"])
        app.router.routes.insert(0, app.router.routes.pop())  # before the catch-all routes
        caplog.set_level(logging.DEBUG)
        # raise_app_exceptions: an exception that escaped the app would fail the request here.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=True)
        async with httpx.AsyncClient(transport=transport, base_url="https://test") as client:
            response = await client.post("/api/test-only/duplicate")
        body = _is_problem(response, 500, "internal_error")
        assert secret not in response.text and "DETAIL" not in str(body)
        logged = "\n".join(caplog.handler.format(record) for record in caplog.records)
        assert "scratch_unique_pkey" in logged, "the log still says which rule broke"
        assert "UniqueViolation" in logged
        assert secret not in logged
        assert "DETAIL" not in logged
    finally:
        await db.execute("DROP TABLE IF EXISTS scratch_unique")


async def test_a_failing_background_round_is_logged_without_its_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stop = asyncio.Event()
    secret = "pseudonym-77ad"

    async def step() -> None:
        stop.set()
        raise ValueError(f"Key (author_pseudonym)=({secret}) already exists")

    caplog.set_level(logging.ERROR)
    await run_periodically(step, 0.01, stop, "retention")
    logged = "\n".join(caplog.handler.format(record) for record in caplog.records)
    assert "retention round failed" in logged and "builtins.ValueError" in logged
    assert secret not in logged
