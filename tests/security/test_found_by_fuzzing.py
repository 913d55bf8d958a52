"""Contract bugs the fuzzing (``test_fuzz_contract.py``) found, each pinned by a plain
test so that it stays fixed whatever examples the fuzzer happens to draw."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.support.factories import make_person, sign_in

NOT_UTF8 = b"\xff\xfe{\x80\x81"


@pytest.mark.parametrize(
    "path",
    ["/api/auth/login", "/api/auth/sign-in-link", "/api/auth/change-password"],
)
async def test_a_body_that_is_not_utf8_is_a_422_problem(
    app: FastAPI, client: httpx.AsyncClient, path: str
) -> None:
    """FastAPI answered 400, which no route documents; malformed JSON was already 422."""
    headers = await sign_in(client, await make_person(app))
    response = await client.post(
        path, content=NOT_UTF8, headers={**headers, "content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert (problem["status"], problem["code"]) == (422, "invalid_input")
    assert "UTF-8" in problem["detail"]


async def test_my_posts_documents_the_403_it_gives_staff(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    headers = await sign_in(client, await make_person(app, role="admin"))
    response = await client.get("/api/me/contributions", headers=headers)
    assert response.status_code == 403
    operation = app.openapi()["paths"]["/api/me/contributions"]["get"]
    assert "403" in operation["responses"]


# Found in backend/candour/analysis/ and fixed there by its owners.
BEYOND_INT32 = 2**33


async def test_a_huge_report_version_is_refused_not_a_500(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    from tests.support.factories import make_conversation

    cid = await make_conversation(app)
    headers = await sign_in(client, await make_person(app, role="admin"))
    response = await client.get(
        f"/api/conversations/{cid}/report/versions/{BEYOND_INT32}", headers=headers
    )
    assert response.status_code in (404, 422)


async def test_a_huge_frame_version_is_refused_not_a_500(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    from tests.support.factories import make_conversation

    cid = await make_conversation(app)
    headers = await sign_in(client, await make_person(app, role="admin"))
    response = await client.get(
        f"/api/conversations/{cid}/coding/versions/compare",
        params={"to": BEYOND_INT32},
        headers=headers,
    )
    assert response.status_code in (404, 422)


async def test_the_report_json_export_matches_its_documented_schema(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    from tests.support.factories import make_conversation

    cid = await make_conversation(app)
    headers = await sign_in(client, await make_person(app, role="admin"))
    response = await client.get(f"/api/conversations/{cid}/report/export.json", headers=headers)
    assert response.status_code == 200
    operation = app.openapi()["paths"]["/api/conversations/{conversation_id}/report/export.json"]
    schema = operation["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema.get("type") != "string", "the document promises a string"
