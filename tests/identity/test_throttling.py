"""Failed sign-ins are throttled per account and per client, in the database."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.support.factories import make_person


async def _fail(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await client.post(
        "/api/auth/login", json={"email": email, "password": "not the password"}
    )


async def test_an_account_is_throttled_after_repeated_failures(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    person = await make_person(app)
    limit = app.state.settings.throttle_max_failures_per_account
    for _ in range(limit):
        assert (await _fail(client, person.email)).status_code == 401
    throttled = await client.post(
        "/api/auth/login", json={"email": person.email, "password": person.password}
    )
    assert throttled.status_code == 429, "even the right password waits until the window passes"
    assert throttled.json()["code"] == "sign_in_throttled"
    assert int(throttled.headers["Retry-After"]) > 0


async def test_the_throttle_resets_after_the_window(
    app: FastAPI, client: httpx.AsyncClient, db
) -> None:
    person = await make_person(app)
    for _ in range(app.state.settings.throttle_max_failures_per_account):
        await _fail(client, person.email)
    assert (await _fail(client, person.email)).status_code == 429
    window = app.state.settings.throttle_window_seconds
    await db.execute(
        f"UPDATE sign_in_failures SET failed_at = failed_at - interval '{window + 1} seconds'"
    )
    login = await client.post(
        "/api/auth/login", json={"email": person.email, "password": person.password}
    )
    assert login.status_code == 200


async def test_a_success_clears_the_account_count(app: FastAPI, client: httpx.AsyncClient) -> None:
    person = await make_person(app)
    limit = app.state.settings.throttle_max_failures_per_account
    for _ in range(limit - 1):
        await _fail(client, person.email)
    assert (
        await client.post(
            "/api/auth/login", json={"email": person.email, "password": person.password}
        )
    ).status_code == 200
    for _ in range(limit - 1):
        assert (await _fail(client, person.email)).status_code == 401


async def test_one_client_guessing_many_accounts_is_throttled(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    limit = app.state.settings.throttle_max_failures_per_client
    for n in range(limit):
        assert (await _fail(client, f"guess{n}@trust.example")).status_code == 401
    assert (await _fail(client, "one-more@trust.example")).status_code == 429


async def test_unknown_addresses_are_throttled_like_known_ones(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    limit = app.state.settings.throttle_max_failures_per_account
    for _ in range(limit):
        await _fail(client, "ghost@trust.example")
    assert (await _fail(client, "ghost@trust.example")).status_code == 429


async def test_the_throttle_table_holds_no_address_or_ip(
    app: FastAPI, client: httpx.AsyncClient, db
) -> None:
    person = await make_person(app)
    await _fail(client, person.email)
    rows = await db.fetch("SELECT key_hash FROM sign_in_failures")
    assert len(rows) == 2
    for row in rows:
        assert person.email not in row["key_hash"]
        assert "127.0.0.1" not in row["key_hash"]
        assert len(row["key_hash"]) == 64
