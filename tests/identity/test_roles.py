"""Each role gets only its own operations: 401 without a session, 403 with the wrong role."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.support.factories import make_conversation, make_person, sign_in

ADMIN_OPERATIONS = [
    ("POST", "/api/admin/participants/import", {"csv": "email\nx@trust.example\n"}),
    ("PUT", "/api/admin/roles", {"email": "x@trust.example", "role": "admin"}),
    (
        "POST",
        "/api/conversations",
        {"title": "New", "opens_at": "2030-01-01T00:00:00Z", "closes_at": "2030-01-22T00:00:00Z"},
    ),
]


@pytest.mark.parametrize("role", ["participant", "facilitator", "sponsor"])
@pytest.mark.parametrize(("method", "path", "body"), ADMIN_OPERATIONS)
async def test_other_roles_cannot_call_admin_operations(
    app: FastAPI,
    client: httpx.AsyncClient,
    role: str,
    method: str,
    path: str,
    body: dict[str, str],
    db,
) -> None:
    person = await make_person(app, role=role)
    headers = await sign_in(client, person)
    response = await client.request(method, path, json=body, headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert await db.fetchval("SELECT count(*) FROM accounts") == 1, "nothing was written"


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_OPERATIONS)
async def test_anonymous_callers_get_401(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, str]
) -> None:
    response = await client.request(method, path, json=body)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("path", ["/api/me", "/api/conversations"])
async def test_reads_need_a_session(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 401


async def test_participants_see_only_their_conversations(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    mine = await make_conversation(app, title="Mine")
    other = await make_conversation(app, title="Not mine")
    person = await make_person(app, conversation_id=mine)
    headers = await sign_in(client, person)
    listed = await client.get("/api/conversations", headers=headers)
    assert [c["id"] for c in listed.json()] == [str(mine)]
    hidden = await client.get(f"/api/conversations/{other}", headers=headers)
    assert hidden.status_code == 404


async def test_admin_creates_a_conversation(app: FastAPI, client: httpx.AsyncClient) -> None:
    admin = await make_person(app, role="admin")
    headers = await sign_in(client, admin)
    created = await client.post(
        "/api/conversations",
        json={
            "title": "Winter pressures",
            "opens_at": "2030-01-01T09:00:00+00:00",
            "closes_at": "2030-01-22T09:00:00+00:00",
            "time_zone": "Europe/London",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["is_open"] is False
    refused = await client.post(
        "/api/conversations",
        json={
            "title": "Backwards",
            "opens_at": "2030-01-22T00:00:00Z",
            "closes_at": "2030-01-01T00:00:00Z",
        },
        headers=headers,
    )
    assert refused.status_code == 422
    assert "closes_at must be after opens_at" in refused.json()["detail"]
    bad_zone = await client.post(
        "/api/conversations",
        json={
            "title": "Zone",
            "opens_at": "2030-01-01T00:00:00Z",
            "closes_at": "2030-01-02T00:00:00Z",
            "time_zone": "Mars/Olympus",
        },
        headers=headers,
    )
    assert bad_zone.status_code == 422
    assert bad_zone.json()["errors"][0]["field"] == "body.time_zone"
