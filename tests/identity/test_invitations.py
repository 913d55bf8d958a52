"""Invitation delivery as the admin sees it: totals per conversation (counts, never
addresses), and a resend to those whose invitation failed, once, with a working link."""

from __future__ import annotations

import asyncio
import uuid
from email.message import EmailMessage

import httpx
import pytest
from fastapi import FastAPI

from candour.core.settings import Settings
from candour.mail.transport import SmtpTransport
from candour.mail.worker import OutboxWorker
from tests.support.factories import (
    Person,
    link_token,
    make_conversation,
    make_person,
    new_client,
    sign_in,
)
from tests.support.smtp import SmtpServer

STAFF = ["ana@trust.example", "ben@trust.example", "cat@trust.example"]
UNREACHABLE = "ben@trust.example"


class RefusingOne:
    """The test SMTP server, except that one mailbox refuses everything (and says so)."""

    def __init__(self, settings: Settings, refused: str) -> None:
        self.inner = SmtpTransport(settings)
        self.refused = refused

    async def send(self, message: EmailMessage) -> None:
        if message["To"] == self.refused:
            raise OSError(f"550 mailbox unavailable: {self.refused}")
        await self.inner.send(message)


async def _deliver(app: FastAPI, settings: Settings, refused: str | None = None) -> None:
    """Try every due message once; with one attempt allowed, a failure is final."""
    final = Settings(**{**settings.model_dump(), "outbox_max_attempts": 1})
    transport = RefusingOne(final, refused) if refused else SmtpTransport(final)
    worker = OutboxWorker(app.state.sessionmaker, transport, final)
    while await worker.run_once():
        pass


@pytest.fixture
async def admin(app: FastAPI) -> Person:
    return await make_person(app, role="admin", email="admin@trust.example", name="Ada Admin")


async def _import(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    conversation_id: uuid.UUID,
    emails: list[str],
) -> None:
    csv = "email,name\n" + "".join(f"{e},Person {e[:3].title()}\n" for e in emails)
    response = await client.post(
        "/api/admin/participants/import",
        json={"csv": csv, "conversation_id": str(conversation_id)},
        headers=headers,
    )
    assert response.status_code == 201, response.text


async def _totals(
    client: httpx.AsyncClient, headers: dict[str, str], conversation_id: uuid.UUID
) -> dict[str, int]:
    response = await client.get(
        f"/api/conversations/{conversation_id}/invitations", headers=headers
    )
    assert response.status_code == 200, response.text
    totals: dict[str, int] = response.json()
    return totals


async def _resend(
    client: httpx.AsyncClient, headers: dict[str, str], conversation_id: uuid.UUID
) -> httpx.Response:
    return await client.post(
        f"/api/conversations/{conversation_id}/invitations/resend", headers=headers
    )


async def test_totals_count_each_conversation_s_invitations_by_state(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, admin: Person, db
) -> None:
    first = await make_conversation(app, title="First")
    second = await make_conversation(app, title="Second")
    headers = await sign_in(client, admin)
    await _import(client, headers, first, STAFF)
    await _import(client, headers, second, ["dan@trust.example"])
    # Someone asking for their own link is not an invitation.
    await client.post("/api/auth/sign-in-link", json={"email": "ana@trust.example"})

    assert await _totals(client, headers, first) == {
        "queued": 3,
        "retrying": 0,
        "sent": 0,
        "failed": 0,
    }
    await db.execute(
        "UPDATE outbox_messages SET attempts = 1, last_error = 'timeout' WHERE recipient = $1",
        "ana@trust.example",
    )
    assert (await _totals(client, headers, first))["retrying"] == 1, "her invitation, not her link"

    await db.execute("UPDATE outbox_messages SET attempts = 0, last_error = NULL")
    await _deliver(app, settings, refused=UNREACHABLE)
    assert await _totals(client, headers, first) == {
        "queued": 0,
        "retrying": 0,
        "sent": 2,
        "failed": 1,
    }
    assert await _totals(client, headers, second) == {
        "queued": 0,
        "retrying": 0,
        "sent": 1,
        "failed": 0,
    }


async def test_a_failed_invitation_is_resent_once_with_a_link_that_works(
    app: FastAPI,
    client: httpx.AsyncClient,
    settings: Settings,
    smtp_server: SmtpServer,
    admin: Person,
    db,
) -> None:
    conversation_id = await make_conversation(app)
    headers = await sign_in(client, admin)
    await _import(client, headers, conversation_id, STAFF)
    await _deliver(app, settings, refused=UNREACHABLE)
    assert smtp_server.to(UNREACHABLE) == []

    # Two admins press "resend" at the same moment: one of them resends, the other finds
    # nothing left.
    async with new_client(app) as other:
        other_headers = await sign_in(other, admin)
        answers = await asyncio.gather(
            _resend(client, headers, conversation_id),
            _resend(other, other_headers, conversation_id),
        )
    assert [a.status_code for a in answers] == [200, 200]
    assert sorted(a.json()["requeued"] for a in answers) == [0, 1]
    assert await _totals(client, headers, conversation_id) == {
        "queued": 1,
        "retrying": 0,
        "sent": 2,
        "failed": 0,
    }
    again = await _resend(client, headers, conversation_id)
    assert again.json() == {"requeued": 0, "cleared": 0}, "nothing is resent twice"
    assert await db.fetchval("SELECT count(*) FROM sign_in_tokens WHERE used_at IS NULL") == 3

    await _deliver(app, settings)
    [invitation] = smtp_server.to(UNREACHABLE)
    assert "invited" in invitation["Subject"]
    token = link_token(invitation.get_payload(decode=True).decode())
    async with new_client(app) as browser:
        response = await browser.post(
            "/api/auth/set-password",
            json={"token": token, "password": "a long and private passphrase"},
        )
        assert response.status_code == 200, response.text
    assert await _totals(client, headers, conversation_id) == {
        "queued": 0,
        "retrying": 0,
        "sent": 3,
        "failed": 0,
    }


async def test_people_who_got_in_anyway_are_not_invited_again(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, admin: Person, db
) -> None:
    conversation_id = await make_conversation(app)
    headers = await sign_in(client, admin)
    await _import(client, headers, conversation_id, STAFF)
    await _deliver(app, settings, refused=UNREACHABLE)
    # Ben asked for a link himself (it reached him some other way) and chose a password.
    await db.execute("UPDATE accounts SET password_hash = 'set' WHERE email = $1", UNREACHABLE)

    response = await _resend(client, headers, conversation_id)
    assert response.json() == {"requeued": 0, "cleared": 1}
    assert (await _totals(client, headers, conversation_id))["failed"] == 0
    assert (
        await db.fetchval("SELECT count(*) FROM outbox_messages WHERE recipient = $1", UNREACHABLE)
        == 0
    )


async def test_answers_name_nobody(
    app: FastAPI, client: httpx.AsyncClient, settings: Settings, admin: Person
) -> None:
    conversation_id = await make_conversation(app)
    headers = await sign_in(client, admin)
    await _import(client, headers, conversation_id, STAFF)
    await _deliver(app, settings, refused=UNREACHABLE)
    totals = await client.get(f"/api/conversations/{conversation_id}/invitations", headers=headers)
    resent = await _resend(client, headers, conversation_id)
    for response in (totals, resent):
        text = response.text
        assert "@" not in text and "mailbox" not in text and "Person" not in text, text
        assert all(isinstance(v, int) for v in response.json().values())


@pytest.mark.parametrize("role", ["participant", "facilitator", "sponsor"])
async def test_only_admins_see_or_resend_invitations(
    app: FastAPI, client: httpx.AsyncClient, role: str
) -> None:
    conversation_id = await make_conversation(app)
    person = await make_person(app, role=role, conversation_id=conversation_id)
    headers = await sign_in(client, person)
    base = f"/api/conversations/{conversation_id}/invitations"
    assert (await client.get(base, headers=headers)).status_code == 403
    assert (await client.post(f"{base}/resend", headers=headers)).status_code == 403
    async with new_client(app) as stranger:
        assert (await stranger.get(base)).status_code == 401
        assert (await stranger.post(f"{base}/resend")).status_code == 401


async def test_an_unknown_conversation_is_not_found(
    client: httpx.AsyncClient, admin: Person
) -> None:
    headers = await sign_in(client, admin)
    missing = uuid.uuid4()
    assert (
        await client.get(f"/api/conversations/{missing}/invitations", headers=headers)
    ).status_code == 404
    assert (await _resend(client, headers, missing)).status_code == 404
