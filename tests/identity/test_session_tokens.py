"""Session tokens: forged, expired, unsigned or wrongly signed tokens get 401; a password
change ends every older session; cookie writes need the CSRF token."""

from __future__ import annotations

import base64
import json
import time

import httpx
from fastapi import FastAPI
from jose import jwt

from tests.support.factories import make_person, new_client, sign_in


def _claims(person_id: str, **overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": "candour",
        "aud": "candour:session",
        "sub": person_id,
        "role": "admin",
        "ver": 0,
        "csrf": "x",
        "iat": now,
        "exp": now + 600,
        "jti": "j",
    }
    claims.update(overrides)
    return claims


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def _me_with(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})


async def test_a_valid_token_works(app: FastAPI, client: httpx.AsyncClient) -> None:
    person = await make_person(app, role="admin")
    headers = await sign_in(client, person)
    assert (await client.get("/api/me", headers=headers)).status_code == 200


async def test_a_token_signed_with_another_key_is_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    person = await make_person(app, role="admin")
    forged = jwt.encode(_claims(str(person.id)), "not-the-server-secret-" * 3, algorithm="HS256")
    response = await _me_with(client, forged)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


async def test_a_tampered_token_is_refused(app: FastAPI, client: httpx.AsyncClient) -> None:
    person = await make_person(app, role="admin")
    token = jwt.encode(
        _claims(str(person.id)), app.state.settings.jwt_secret.get_secret_value(), algorithm="HS256"
    )
    assert (await _me_with(client, token)).status_code == 200, "control: the right key works"
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert (await _me_with(client, tampered)).status_code == 401


async def test_an_unsigned_alg_none_token_is_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    person = await make_person(app, role="admin")
    unsigned = _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(_claims(str(person.id))) + "."
    assert (await _me_with(client, unsigned)).status_code == 401


async def test_a_token_with_another_algorithm_is_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    person = await make_person(app, role="admin")
    secret = app.state.settings.jwt_secret.get_secret_value()
    other = jwt.encode(_claims(str(person.id)), secret, algorithm="HS512")
    assert (await _me_with(client, other)).status_code == 401


async def test_an_expired_token_is_refused(app: FastAPI, client: httpx.AsyncClient) -> None:
    person = await make_person(app, role="admin")
    secret = app.state.settings.jwt_secret.get_secret_value()
    expired = jwt.encode(
        _claims(str(person.id), exp=int(time.time()) - 5), secret, algorithm="HS256"
    )
    assert (await _me_with(client, expired)).status_code == 401
    no_expiry = _claims(str(person.id))
    del no_expiry["exp"]
    assert (
        await _me_with(client, jwt.encode(no_expiry, secret, algorithm="HS256"))
    ).status_code == 401


async def test_garbage_tokens_are_refused(client: httpx.AsyncClient) -> None:
    for token in ("", "abc", "a.b.c", "x" * 5000, "éé.éé.éé"):
        header = f"Bearer {token}".encode()
        response = await client.get("/api/me", headers={"Authorization": header})
        assert response.status_code == 401, token


async def test_a_token_stops_working_after_a_password_change(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    person = await make_person(app)
    old_headers = await sign_in(client, person)
    async with new_client(app) as other:
        other_headers = await sign_in(other, person)
        change = await client.post(
            "/api/auth/change-password",
            json={
                "current_password": person.password,
                "new_password": "an entirely new passphrase",
            },
            headers=old_headers,
        )
        assert change.status_code == 200, change.text
        assert (await other.get("/api/me", headers=other_headers)).status_code == 401
        assert (await client.get("/api/me", headers=old_headers)).status_code == 401
        renewed = {"Authorization": f"Bearer {change.json()['access_token']}"}
        assert (await client.get("/api/me", headers=renewed)).status_code == 200


async def test_a_role_change_ends_the_old_sessions(app: FastAPI, client: httpx.AsyncClient) -> None:
    admin = await make_person(app, role="admin")
    person = await make_person(app)
    admin_headers = await sign_in(client, admin)
    async with new_client(app) as other:
        headers = await sign_in(other, person)
        change = await client.put(
            "/api/admin/roles",
            json={"email": person.email, "role": "facilitator"},
            headers=admin_headers,
        )
        assert change.status_code == 200
        assert change.json()["role"] == "facilitator"
        assert (await other.get("/api/me", headers=headers)).status_code == 401


async def test_cookie_writes_need_the_csrf_token(app: FastAPI, client: httpx.AsyncClient) -> None:
    person = await make_person(app)
    login = await client.post(
        "/api/auth/login", json={"email": person.email, "password": person.password}
    )
    csrf = login.json()["csrf_token"]
    assert client.cookies.get("candour_csrf") == csrf
    body = {"current_password": person.password, "new_password": "another fine passphrase"}

    without = await client.post("/api/auth/change-password", json=body)
    assert without.status_code == 403
    wrong = await client.post(
        "/api/auth/change-password", json=body, headers={"X-CSRF-Token": "guess"}
    )
    assert wrong.status_code == 403
    right = await client.post(
        "/api/auth/change-password", json=body, headers={"X-CSRF-Token": csrf}
    )
    assert right.status_code == 200
    assert (await client.get("/api/me")).status_code == 200, (
        "reads with the cookie need no CSRF token"
    )


async def test_the_session_cookie_is_http_only_secure_and_strict(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    person = await make_person(app)
    login = await client.post(
        "/api/auth/login", json={"email": person.email, "password": person.password}
    )
    cookies = login.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("candour_session="))
    assert "HttpOnly" in session_cookie
    assert "Secure" in session_cookie
    assert "SameSite=strict" in session_cookie
    csrf_cookie = next(c for c in cookies if c.startswith("candour_csrf="))
    assert "HttpOnly" not in csrf_cookie


async def test_sign_out_clears_the_cookies(app: FastAPI, client: httpx.AsyncClient) -> None:
    person = await make_person(app)
    login = await client.post(
        "/api/auth/login", json={"email": person.email, "password": person.password}
    )
    out = await client.post(
        "/api/auth/logout", headers={"X-CSRF-Token": login.json()["csrf_token"]}
    )
    assert out.status_code == 204
    assert (await client.get("/api/me")).status_code == 401
