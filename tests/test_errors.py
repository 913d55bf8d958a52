"""Every refusal is an RFC 9457 problem with a stable code; no input produces a 500."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

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
