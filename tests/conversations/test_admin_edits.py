"""Admins shape a conversation through the API; changes that make no sense are refused."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.support.factories import make_conversation, make_person, new_client, sign_in


@pytest.fixture
async def admin(app: FastAPI, client: httpx.AsyncClient) -> dict[str, str]:
    return await sign_in(client, await make_person(app, role="admin"))


async def _create(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await client.post(
        "/api/conversations",
        json={
            "title": "Winter",
            "opens_at": "2030-01-01T09:00:00Z",
            "closes_at": "2030-01-22T09:00:00Z",
        },
        headers=headers,
    )
    return str(response.json()["id"])


async def test_update_conversation_checks_the_resulting_window(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    cid = await _create(client, admin)
    moved = await client.patch(
        f"/api/conversations/{cid}", json={"closes_at": "2030-02-01T09:00:00Z"}, headers=admin
    )
    assert moved.status_code == 200
    assert moved.json()["closes_at"].startswith("2030-02-01")
    backwards = await client.patch(
        f"/api/conversations/{cid}", json={"opens_at": "2030-03-01T00:00:00Z"}, headers=admin
    )
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "window_not_ordered"
    nulled = await client.patch(f"/api/conversations/{cid}", json={"title": None}, headers=admin)
    assert nulled.status_code == 422
    naive = await client.patch(
        f"/api/conversations/{cid}", json={"opens_at": "2030-01-01T09:00:00"}, headers=admin
    )
    assert naive.status_code == 422, "a time without an offset is ambiguous"
    unchanged = await client.get(f"/api/conversations/{cid}", headers=admin)
    assert unchanged.json()["closes_at"].startswith("2030-02-01")


async def test_sections_are_created_renamed_reordered_and_deleted(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    cid = await _create(client, admin)
    base = f"/api/conversations/{cid}/sections"
    ids = []
    for title in ("Staffing", "Parking", "Training"):
        created = await client.post(
            base, json={"title": title, "description": f"About {title.lower()}"}, headers=admin
        )
        assert created.status_code == 201
        ids.append(created.json()["id"])
    renamed = await client.patch(f"{base}/{ids[1]}", json={"title": "Car parking"}, headers=admin)
    assert renamed.json()["title"] == "Car parking"
    reordered = await client.put(
        f"{base}/order", json={"section_ids": [ids[2], ids[0], ids[1]]}, headers=admin
    )
    assert [s["title"] for s in reordered.json()] == ["Training", "Staffing", "Car parking"]
    for bad in (
        [ids[0], ids[1]],
        [ids[0], ids[0], ids[1], ids[2]],
        [*ids, "00000000-0000-4000-8000-000000000000"],
    ):
        refused = await client.put(f"{base}/order", json={"section_ids": bad}, headers=admin)
        assert refused.status_code == 422
        assert refused.json()["code"] == "section_order_mismatch"
    assert (await client.delete(f"{base}/{ids[2]}", headers=admin)).status_code == 204
    assert [s["title"] for s in (await client.get(base, headers=admin)).json()] == [
        "Staffing",
        "Car parking",
    ]


async def test_a_section_holding_ideas_is_not_deleted(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    cid = await make_conversation(app)
    section = (
        await client.post(
            f"/api/conversations/{cid}/sections", json={"title": "Staffing"}, headers=admin
        )
    ).json()
    person = await make_person(app, conversation_id=cid)
    async with new_client(app) as participant:
        headers = await sign_in(participant, person)
        idea = await participant.post(
            f"/api/conversations/{cid}/ideas",
            json={"section_id": section["id"], "title": "An idea", "body": "x"},
            headers=headers,
        )
        await participant.post(
            f"/api/conversations/{cid}/ideas/{idea.json()['id']}/withdraw", headers=headers
        )
    refused = await client.delete(
        f"/api/conversations/{cid}/sections/{section['id']}", headers=admin
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "section_not_empty"


async def test_pages_are_sanitised_in_and_out(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str], db
) -> None:
    cid = await _create(client, admin)
    dirty = (
        '<h2>Who to call</h2><p onclick="steal()">Call <a href="javascript:alert(1)">here</a> or '
        '<a href="https://support.example">there</a></p><script>alert(1)</script>'
        "<img src=x onerror=alert(1)>"
    )
    saved = await client.put(
        f"/api/conversations/{cid}/pages/support",
        json={"title": "Support", "body_html": dirty},
        headers=admin,
    )
    assert saved.status_code == 200
    html = saved.json()["body_html"]
    for unsafe in ("<script", "onclick", "javascript:", "onerror", "<img"):
        assert unsafe not in html
    assert '<a href="https://support.example" rel="noopener noreferrer">there</a>' in html
    await db.execute("UPDATE pages SET body_html = body_html || '<script>alert(2)</script>'")
    read = await client.get(f"/api/conversations/{cid}/pages/support", headers=admin)
    assert "<script" not in read.json()["body_html"], "cleaned again on the way out"
    pages = (await client.get(f"/api/conversations/{cid}/pages", headers=admin)).json()
    assert [p["kind"] for p in pages] == ["faq", "privacy", "support"]
    assert pages[0]["title"] == "Frequently asked questions"
    unknown = await client.put(
        f"/api/conversations/{cid}/pages/blog",
        json={"title": "Blog", "body_html": ""},
        headers=admin,
    )
    assert unknown.status_code == 422


async def test_facilitators_write_pages_but_not_sections(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    cid = await make_conversation(app)
    headers = await sign_in(client, await make_person(app, role="facilitator"))
    page = await client.put(
        f"/api/conversations/{cid}/pages/faq",
        json={"title": "FAQ", "body_html": "<p>Hi</p>"},
        headers=headers,
    )
    assert page.status_code == 200
    section = await client.post(
        f"/api/conversations/{cid}/sections", json={"title": "Nope"}, headers=headers
    )
    assert section.status_code == 403
