"""Import → invitation email at a real SMTP server → link sets password → login → get_me."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from candour.mail.transport import SmtpTransport
from candour.mail.worker import OutboxWorker
from tests.support.factories import link_token, make_conversation, make_person, new_client, sign_in
from tests.support.smtp import SmtpServer

CSV = """email,name,staff_group,site
Alice.Nurse@Trust.example,Alice Nurse,Nursing,North
bob.porter@trust.example,Bob Porter,Estates,South
"""


async def deliver_all(app: FastAPI) -> int:
    settings = app.state.settings
    return await OutboxWorker(app.state.sessionmaker, SmtpTransport(settings), settings).run_once()


async def test_imported_person_signs_in_from_the_emailed_link(
    app: FastAPI, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    conversation_id = await make_conversation(app)
    admin = await make_person(app, role="admin")
    headers = await sign_in(client, admin)

    report = await client.post(
        "/api/admin/participants/import",
        json={"csv": CSV, "conversation_id": str(conversation_id)},
        headers=headers,
    )
    assert report.status_code == 201, report.text
    assert report.json()["created"] == 2
    assert report.json()["invited"] == 2
    assert report.json()["enrolled"] == 2

    assert await deliver_all(app) == 2
    [invitation] = smtp_server.to("alice.nurse@trust.example")
    assert "invited" in invitation["Subject"]
    body = invitation.get_payload(decode=True).decode()
    assert body.count("https://candour.example/#/set-password?token=") == 1
    assert "Alice" not in body, "the invitation need not repeat the person's name"

    browser = new_client(app)
    async with browser:
        chosen = "a long and private passphrase"
        response = await browser.post(
            "/api/auth/set-password", json={"token": link_token(body), "password": chosen}
        )
        assert response.status_code == 200, response.text
        assert browser.cookies.get("candour_session")

        login = await browser.post(
            "/api/auth/login", json={"email": "ALICE.NURSE@trust.example", "password": chosen}
        )
        assert login.status_code == 200, login.text
        me = await browser.get("/api/me")
    assert me.status_code == 200
    assert me.json()["email"] == "alice.nurse@trust.example"
    assert me.json()["display_name"] == "Alice Nurse"
    assert me.json()["role"] == "participant"
    assert me.json()["attributes"] == {"staff_group": "Nursing", "site": "North"}
    assert me.json()["conversation_ids"] == [str(conversation_id)]


async def test_delivered_mail_no_longer_holds_the_link(
    app: FastAPI, client: httpx.AsyncClient, db
) -> None:
    admin = await make_person(app, role="admin")
    headers = await sign_in(client, admin)
    await client.post("/api/admin/participants/import", json={"csv": CSV}, headers=headers)
    assert await db.fetchval("SELECT count(*) FROM outbox_messages WHERE body LIKE '%token=%'") == 2
    await deliver_all(app)
    assert await db.fetchval("SELECT count(*) FROM outbox_messages WHERE body LIKE '%token=%'") == 0
    assert await db.fetchval("SELECT count(*) FROM sign_in_tokens") == 2
    stored = await db.fetch("SELECT token_hash FROM sign_in_tokens")
    assert all(len(row["token_hash"]) == 32 for row in stored), "only hashes of tokens are stored"
