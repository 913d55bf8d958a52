"""One-time links: they work once, expire, and cannot be guessed or reused."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.identity.test_invitation_journey import deliver_all
from tests.support.factories import link_token, make_person, new_client
from tests.support.smtp import SmtpServer


async def _request_link(
    app: FastAPI, client: httpx.AsyncClient, smtp: SmtpServer, email: str
) -> str:
    response = await client.post("/api/auth/sign-in-link", json={"email": email})
    assert response.status_code == 202
    await deliver_all(app)
    return link_token(smtp.to(email)[-1].get_payload(decode=True).decode())


async def test_a_link_sets_a_password_once_only(
    app: FastAPI, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    person = await make_person(app, password=None)
    token = await _request_link(app, client, smtp_server, person.email)

    first = await client.post(
        "/api/auth/set-password", json={"token": token, "password": "first passphrase!"}
    )
    assert first.status_code == 200
    again = await client.post(
        "/api/auth/set-password", json={"token": token, "password": "second passphrase"}
    )
    assert again.status_code == 400
    assert again.json()["code"] == "invalid_sign_in_link"

    login = await client.post(
        "/api/auth/login", json={"email": person.email, "password": "first passphrase!"}
    )
    assert login.status_code == 200, "the reused link changed nothing"


async def test_an_expired_link_is_refused(
    app: FastAPI, client: httpx.AsyncClient, smtp_server: SmtpServer, db
) -> None:
    person = await make_person(app, password=None)
    token = await _request_link(app, client, smtp_server, person.email)
    await db.execute("UPDATE sign_in_tokens SET expires_at = now() - interval '1 second'")

    response = await client.post(
        "/api/auth/set-password", json={"token": token, "password": "a fine passphrase"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_sign_in_link"
    assert "expired" in response.json()["detail"]


async def test_a_forged_link_is_refused(app: FastAPI, client: httpx.AsyncClient) -> None:
    await make_person(app, password=None)
    response = await client.post(
        "/api/auth/set-password", json={"token": "A" * 43, "password": "a fine passphrase"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_sign_in_link"


async def test_a_new_link_replaces_the_unused_old_one(
    app: FastAPI, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    person = await make_person(app, password=None)
    old = await _request_link(app, client, smtp_server, person.email)
    new = await _request_link(app, client, smtp_server, person.email)
    assert old != new
    refused = await client.post(
        "/api/auth/set-password", json={"token": old, "password": "a fine passphrase"}
    )
    assert refused.status_code == 400
    accepted = await client.post(
        "/api/auth/set-password", json={"token": new, "password": "a fine passphrase"}
    )
    assert accepted.status_code == 200


async def test_setting_a_password_from_a_link_ends_older_sessions(
    app: FastAPI, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    person = await make_person(app)
    async with new_client(app) as other_browser:
        login = await other_browser.post(
            "/api/auth/login", json={"email": person.email, "password": person.password}
        )
        assert login.status_code == 200
        token = await _request_link(app, client, smtp_server, person.email)
        reset = await client.post(
            "/api/auth/set-password", json={"token": token, "password": "brand new passphrase"}
        )
        assert reset.status_code == 200
        assert (await other_browser.get("/api/me")).status_code == 401


async def test_weak_passwords_are_refused_and_the_link_stays_usable(
    app: FastAPI, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    person = await make_person(app, password=None)
    token = await _request_link(app, client, smtp_server, person.email)
    for weak in ("short", "aaaaaaaaaaaa", person.email):
        response = await client.post(
            "/api/auth/set-password", json={"token": token, "password": weak}
        )
        assert response.status_code == 422, weak
        assert response.json()["code"] == "weak_password"
        assert response.json()["errors"][0]["field"] == "body.password"
    ok = await client.post(
        "/api/auth/set-password", json={"token": token, "password": "now a decent one"}
    )
    assert ok.status_code == 200


async def test_an_allowed_domain_colleague_can_ask_for_a_first_link(
    app: FastAPI, client: httpx.AsyncClient, smtp_server: SmtpServer, db
) -> None:
    token = await _request_link(app, client, smtp_server, "new.colleague@trust.example")
    response = await client.post(
        "/api/auth/set-password", json={"token": token, "password": "a fine passphrase"}
    )
    assert response.status_code == 200
    assert response.json()["me"]["role"] == "participant"
    outsider = await client.post(
        "/api/auth/sign-in-link", json={"email": "someone@elsewhere.example"}
    )
    assert outsider.status_code == 202
    assert await db.fetchval("SELECT count(*) FROM accounts WHERE email LIKE '%elsewhere%'") == 0


async def test_the_link_form_cannot_flood_a_mailbox(
    app: FastAPI, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    person = await make_person(app, password=None)
    answers = [
        await client.post("/api/auth/sign-in-link", json={"email": person.email}) for _ in range(6)
    ]
    assert {(a.status_code, a.text) for a in answers} == {(answers[0].status_code, answers[0].text)}
    await deliver_all(app)
    assert len(smtp_server.to(person.email)) == 3
