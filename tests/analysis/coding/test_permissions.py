"""Codes are the analysts' working material: facilitators and admins only. Sponsors read
themes in the published report, never here; participants and anonymous callers are
refused on every route."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from candour.analysis.coding.router import router
from tests.analysis.coding.conftest import Place, make_analyst, new_code
from tests.support.factories import make_person, new_client, sign_in

ROUTES = sorted(
    (method, route.path, route.operation_id or "")
    for route in router.routes
    if isinstance(route, APIRoute)
    for method in route.methods
)


def test_every_operation_is_covered() -> None:
    assert {op for _, _, op in ROUTES} == {
        "list_codes",
        "create_code",
        "update_code",
        "merge_codes",
        "split_code",
        "retire_code",
        "list_frame_versions",
        "compare_frame_versions",
        "code_contribution",
        "list_codings",
        "remove_coding",
        "confirm_coding",
        "reject_coding",
        "coder_agreement",
        "list_analysts",
        "suggest_themes",
        "list_theme_suggestions",
        "accept_theme_suggestion",
        "reject_theme_suggestion",
    }


async def _call(
    client: httpx.AsyncClient, method: str, path: str, place: Place, headers: dict[str, str]
) -> httpx.Response:
    url = "/api" + path.replace("{conversation_id}", str(place.conversation_id))
    url = re.sub(r"\{\w+\}", lambda _: str(uuid.uuid4()), url)
    body = None if method in ("GET", "DELETE") else {}
    return await client.request(method, url, json=body, headers=headers)


@pytest.mark.parametrize("role", ["sponsor", "participant"])
async def test_sponsors_and_participants_are_refused_everywhere(
    app: FastAPI, place: Place, role: str
) -> None:
    person = await make_person(app, role=role, conversation_id=place.conversation_id)
    async with new_client(app) as client:
        headers = await sign_in(client, person)
        for method, path, operation in ROUTES:
            response = await _call(client, method, path, place, headers)
            assert response.status_code == 403, (operation, response.text)
            assert response.json()["code"] == "permission_denied"


async def test_anonymous_callers_are_refused_everywhere(app: FastAPI, place: Place) -> None:
    async with new_client(app) as client:
        for method, path, operation in ROUTES:
            response = await _call(client, method, path, place, {})
            assert response.status_code == 401, (operation, response.text)


@pytest.mark.parametrize("role", ["facilitator", "admin"])
async def test_facilitators_and_admins_may_work(app: FastAPI, place: Place, role: str) -> None:
    analyst = await make_analyst(app, role)
    code = await new_code(analyst, place, "Parking")
    assert (await analyst.get(f"{place.base}/codes")).json()["codes"][0]["id"] == code
    assert (await analyst.get(f"{place.base}/versions")).status_code == 200
    assert (await analyst.get(f"{place.base}/agreement")).status_code == 200
    await analyst.client.aclose()


async def test_a_sponsor_cannot_read_codes_that_exist(app: FastAPI, place: Place) -> None:
    analyst = await make_analyst(app)
    await new_code(analyst, place, "Confidential theme")
    sponsor = await make_person(app, role="sponsor")
    async with new_client(app) as client:
        headers = await sign_in(client, sponsor)
        for path in ("codes", "versions", "codings", "theme-suggestions", "agreement"):
            response = await client.get(f"{place.base}/{path}", headers=headers)
            assert response.status_code == 403
            assert "Confidential" not in response.text
    await analyst.client.aclose()


async def test_an_unknown_conversation_is_not_found(app: FastAPI) -> None:
    analyst = await make_analyst(app)
    base = f"/api/conversations/{uuid.uuid4()}/coding"
    assert (await analyst.get(f"{base}/codes")).status_code == 404
    assert (await analyst.post(f"{base}/codes", {"name": "X"})).status_code == 404
    await analyst.client.aclose()
