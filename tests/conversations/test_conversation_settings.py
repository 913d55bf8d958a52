"""Each conversation's own settings: the email domains whose people may join by asking for a
link, the smallest group a report may show, and how long personal data is kept."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from candour.conversations.models import Conversation
from tests.identity.test_invitation_journey import deliver_all
from tests.support.factories import make_conversation, make_person, sign_in
from tests.support.smtp import SmtpServer

WINDOW = {"opens_at": "2030-01-01T09:00:00Z", "closes_at": "2030-01-22T09:00:00Z"}


@pytest.fixture
async def admin(app: FastAPI, client: httpx.AsyncClient) -> dict[str, str]:
    return await sign_in(client, await make_person(app, role="admin"))


async def test_settings_are_created_with_safe_defaults_and_normalised(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    plain = await client.post(
        "/api/conversations", json={"title": "Winter", **WINDOW}, headers=admin
    )
    assert plain.status_code == 201
    body = plain.json()
    assert body["allowed_email_domains"] == []
    assert body["min_group_size"] == 10
    assert (body["retention_days"], body["retention_days_is_default"]) == (30, True)

    shaped = await client.post(
        "/api/conversations",
        json={
            "title": "Spring",
            **WINDOW,
            "allowed_email_domains": [" @Trust.NHS.uk", "trust.nhs.uk", "site-2.example.org"],
            "min_group_size": 25,
            "retention_days": 90,
        },
        headers=admin,
    )
    assert shaped.status_code == 201, shaped.text
    body = shaped.json()
    assert body["allowed_email_domains"] == ["trust.nhs.uk", "site-2.example.org"]
    assert (body["min_group_size"], body["retention_days"]) == (25, 90)
    assert body["retention_days_is_default"] is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"allowed_email_domains": ["not a domain"]}, "allowed_email_domains"),
        ({"allowed_email_domains": ["someone@trust.example"]}, "allowed_email_domains"),
        ({"allowed_email_domains": ["localhost"]}, "allowed_email_domains"),
        ({"allowed_email_domains": [f"d{i}.example" for i in range(51)]}, "allowed_email_domains"),
        ({"min_group_size": 4}, "min_group_size"),
        ({"min_group_size": None}, "body"),
        ({"retention_days": -1}, "retention_days"),
        ({"retention_days": 4000}, "retention_days"),
    ],
)
async def test_settings_that_make_no_sense_are_refused_and_nothing_changes(
    client: httpx.AsyncClient, admin: dict[str, str], change: dict[str, object], field: str
) -> None:
    created = await client.post(
        "/api/conversations",
        json={"title": "Winter", **WINDOW, "allowed_email_domains": ["trust.example"]},
        headers=admin,
    )
    cid = created.json()["id"]
    refused = await client.patch(f"/api/conversations/{cid}", json=change, headers=admin)
    assert refused.status_code == 422
    problem = refused.json()
    assert any(field in e["field"] for e in problem["errors"]), problem
    after = (await client.get(f"/api/conversations/{cid}", headers=admin)).json()
    assert after["allowed_email_domains"] == ["trust.example"]
    assert (after["min_group_size"], after["retention_days"]) == (10, 30)


async def test_retention_days_go_back_to_the_default_when_sent_as_null(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    cid = (
        await client.post(
            "/api/conversations",
            json={"title": "Winter", **WINDOW, "retention_days": 7},
            headers=admin,
        )
    ).json()["id"]
    reset = await client.patch(
        f"/api/conversations/{cid}", json={"retention_days": None}, headers=admin
    )
    assert reset.status_code == 200
    assert (reset.json()["retention_days"], reset.json()["retention_days_is_default"]) == (30, True)
    still_refused = await client.patch(
        f"/api/conversations/{cid}", json={"title": None}, headers=admin
    )
    assert still_refused.status_code == 422


async def _allow(app: FastAPI, conversation_id: uuid.UUID, *domains: str) -> None:
    async with app.state.sessionmaker() as session, session.begin():
        conversation = await session.get_one(Conversation, conversation_id)
        conversation.allowed_email_domains = list(domains)


async def _memberships(db: asyncpg.Connection, email: str) -> set[uuid.UUID]:
    rows = await db.fetch(
        "SELECT m.conversation_id FROM memberships m JOIN accounts a ON a.id = m.account_id"
        " WHERE a.email = $1",
        email,
    )
    return {r["conversation_id"] for r in rows}


async def test_a_conversations_domain_lets_a_newcomer_join_that_conversation_only(
    app: FastAPI, client: httpx.AsyncClient, smtp_server: SmtpServer, db: asyncpg.Connection
) -> None:
    wards = await make_conversation(app, title="Wards")
    estates = await make_conversation(app, title="Estates")
    await _allow(app, wards, "wards.example")

    asked = await client.post("/api/auth/sign-in-link", json={"email": "Nurse@Wards.example"})
    assert asked.status_code == 202
    await deliver_all(app)
    assert smtp_server.to("nurse@wards.example"), "the newcomer gets a link"
    assert await _memberships(db, "nurse@wards.example") == {wards}
    assert estates not in await _memberships(db, "nurse@wards.example")


async def test_a_closed_conversations_domain_lets_nobody_in(
    app: FastAPI, client: httpx.AsyncClient, smtp_server: SmtpServer, db: asyncpg.Connection
) -> None:
    closed = await make_conversation(app, title="Last year")
    async with app.state.sessionmaker() as session, session.begin():
        conversation = await session.get_one(Conversation, closed)
        conversation.opens_at = datetime.now(UTC) - timedelta(days=60)
        conversation.closes_at = datetime.now(UTC) - timedelta(days=30)
        conversation.allowed_email_domains = ["old.example"]

    asked = await client.post("/api/auth/sign-in-link", json={"email": "late@old.example"})
    assert asked.status_code == 202, "the answer never says whether an address may join"
    await deliver_all(app)
    assert smtp_server.to("late@old.example") == []
    assert await db.fetchval("SELECT count(*) FROM accounts WHERE email = 'late@old.example'") == 0


async def test_someone_on_another_list_joins_a_conversation_that_allows_their_domain(
    app: FastAPI, client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    estates = await make_conversation(app, title="Estates")
    wards = await make_conversation(app, title="Wards")
    person = await make_person(app, conversation_id=estates, email="porter@wards.example")
    await _allow(app, wards, "wards.example")

    asked = await client.post("/api/auth/sign-in-link", json={"email": person.email})
    assert asked.status_code == 202
    assert await _memberships(db, person.email) == {estates, wards}


async def test_retention_follows_each_conversations_own_number_of_days(
    app: FastAPI, client: httpx.AsyncClient, admin: dict[str, str], db: asyncpg.Connection
) -> None:
    kept_longer = await make_conversation(app, title="Kept a year")
    kept_briefly = await make_conversation(app, title="Kept a week")
    await make_person(app, conversation_id=kept_longer, email="a@trust.example")
    await make_person(app, conversation_id=kept_briefly, email="b@trust.example")
    finished = datetime.now(UTC) - timedelta(days=40)
    async with app.state.sessionmaker() as session, session.begin():
        for cid, days in ((kept_longer, 365), (kept_briefly, 7)):
            conversation = await session.get_one(Conversation, cid)
            conversation.completed_at = finished
            conversation.retention_days = days

    runs = (await client.post("/api/admin/retention/run", headers=admin)).json()
    assert [run["conversation_id"] for run in runs] == [str(kept_briefly)]
    emails = {r["email"] for r in await db.fetch("SELECT email FROM accounts")}
    assert "a@trust.example" in emails, "a platform default of 30 days must not apply here"
    assert "b@trust.example" not in emails

    status = (await client.get("/api/admin/retention", headers=admin)).json()
    longer = next(c for c in status["conversations"] if c["conversation_id"] == str(kept_longer))
    assert longer["retention_days"] == 365
    assert longer["retention_due_at"].startswith(str((finished + timedelta(days=365)).date()))

    frozen = await client.patch(
        f"/api/conversations/{kept_briefly}", json={"retention_days": 400}, headers=admin
    )
    assert frozen.status_code == 422, "its personal data is gone; the number is final"
