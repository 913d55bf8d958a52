"""Importing staff: bad rows are reported line by line and nothing half-imported stays."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import FastAPI

from tests.support.factories import make_conversation, make_person, sign_in


@pytest.fixture
async def admin_headers(app: FastAPI, client: httpx.AsyncClient) -> dict[str, str]:
    return await sign_in(client, await make_person(app, role="admin", email="admin@trust.example"))


async def _import(
    client: httpx.AsyncClient, headers: dict[str, str], csv: str, **extra: object
) -> httpx.Response:
    return await client.post(
        "/api/admin/participants/import", json={"csv": csv, **extra}, headers=headers
    )


async def test_bad_rows_are_listed_and_nothing_is_imported(
    client: httpx.AsyncClient, admin_headers: dict[str, str], db
) -> None:
    csv = (
        "email,name,role,site\n"
        "good@trust.example,Good Person,,North\n"
        "not-an-address,Bad Address,,North\n"
        "good@trust.example,Twice,,North\n"
        "role@trust.example,Odd Role,emperor,North\n"
        "fine@trust.example,Fine,,South\n"
    )
    response = await _import(client, admin_headers, csv)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "import_rejected"
    assert [e["field"] for e in problem["errors"]] == [
        "csv.line.3.email",
        "csv.line.4.email",
        "csv.line.5.role",
    ]
    assert [e["code"] for e in problem["errors"]] == [
        "invalid_email",
        "duplicate_email",
        "invalid_role",
    ]
    assert await db.fetchval("SELECT count(*) FROM accounts") == 1, "only the admin"
    assert await db.fetchval("SELECT count(*) FROM outbox_messages") == 0
    assert await db.fetchval("SELECT count(*) FROM sign_in_tokens") == 0


@pytest.mark.parametrize(
    ("csv", "field"),
    [
        ("name\nAlice\n", "csv.line.1"),
        ("email\n", None),
        ("email,name\nx@trust.example,Alice,extra\n", "csv.line.2"),
        ("email,name\nx@trust.example," + "N" * 201 + "\n", "csv.line.2.name"),
    ],
)
async def test_malformed_files_are_refused(
    client: httpx.AsyncClient, admin_headers: dict[str, str], csv: str, field: str | None
) -> None:
    response = await _import(client, admin_headers, csv)
    assert response.status_code == 422
    assert response.json()["code"] == "import_rejected"
    if field:
        assert response.json()["errors"][0]["field"] == field


async def test_reimporting_enrols_existing_people_without_reinviting(
    app: FastAPI, client: httpx.AsyncClient, admin_headers: dict[str, str], db
) -> None:
    first = await make_conversation(app, title="First")
    second = await make_conversation(app, title="Second")
    csv = "email,staff_group\na@trust.example,Nursing\nb@trust.example,Medical\n"
    assert (await _import(client, admin_headers, csv, conversation_id=str(first))).json()[
        "created"
    ] == 2
    report = (await _import(client, admin_headers, csv, conversation_id=str(second))).json()
    assert report["created"] == 0
    assert report["existing"] == 2
    assert report["invited"] == 0
    assert report["enrolled"] == 2
    assert await db.fetchval("SELECT count(*) FROM outbox_messages") == 2
    assert await db.fetchval("SELECT count(*) FROM memberships") == 4
    assert await db.fetchval("SELECT count(*) FROM author_links") == 4


async def test_unknown_conversation_is_refused(
    client: httpx.AsyncClient, admin_headers: dict[str, str], db
) -> None:
    response = await _import(
        client, admin_headers, "email\na@trust.example\n", conversation_id=str(uuid.uuid4())
    )
    assert response.status_code == 404
    assert await db.fetchval("SELECT count(*) FROM accounts") == 1


async def test_unknown_fields_are_refused(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    response = await _import(client, admin_headers, "email\na@trust.example\n", role="admin")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.role"


async def test_a_file_in_another_encoding_is_refused_with_a_reason(
    client: httpx.AsyncClient, admin_headers: dict[str, str], db
) -> None:
    """A spreadsheet saved as Latin-1 reaches the API as bytes that are not UTF-8."""
    body = '{"csv": "email,name\\nzoe@trust.example,Zo\xeb Brontë\\n"}'.encode("latin-1")
    response = await client.post(
        "/api/admin/participants/import",
        content=body,
        headers={**admin_headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "UTF-8" in response.json()["detail"]
    assert await db.fetchval("SELECT count(*) FROM accounts") == 1, "only the admin"


async def test_a_50_mb_file_is_refused_whole_and_says_the_limit(
    client: httpx.AsyncClient, admin_headers: dict[str, str], db
) -> None:
    row = "someone.with.a.long.address@trust.example,Someone With A Long Name,Nursing\n"
    csv = "email,name,staff_group\n" + row * (50_000_000 // len(row))
    response = await _import(client, admin_headers, csv)
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "body.csv"
    assert "5000000" in problem["errors"][0]["message"].replace(",", "")
    assert await db.fetchval("SELECT count(*) FROM accounts") == 1
    assert await db.fetchval("SELECT count(*) FROM outbox_messages") == 0
