"""Neither the answers nor their timing tell whether an address has an account."""

from __future__ import annotations

import statistics
import time

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from candour.app import create_app
from candour.core import security
from candour.core.settings import Settings
from tests.support.factories import make_person, new_client


def _comparable(response: httpx.Response) -> tuple[int, str, str]:
    return response.status_code, response.headers["content-type"], response.text


async def test_sign_in_answers_the_same_for_unknown_address_and_wrong_password(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    person = await make_person(app)
    wrong_password = await client.post(
        "/api/auth/login", json={"email": person.email, "password": "nope nope nope"}
    )
    unknown = await client.post(
        "/api/auth/login", json={"email": "nobody@trust.example", "password": "nope nope nope"}
    )
    assert wrong_password.status_code == 401
    assert _comparable(wrong_password) == _comparable(unknown)


async def test_unknown_addresses_are_checked_against_a_dummy_hash(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = await make_person(app)
    verified: list[str | None] = []
    real_verify = security._password_context.verify

    def counting_verify(secret: str, hashed: str) -> bool:
        verified.append(hashed)
        return bool(real_verify(secret, hashed))

    monkeypatch.setattr(security._password_context, "verify", counting_verify)
    await client.post(
        "/api/auth/login", json={"email": "nobody@trust.example", "password": "guess guess"}
    )
    await client.post("/api/auth/login", json={"email": person.email, "password": "guess guess"})
    assert len(verified) == 2, "one argon2 verification for each attempt, known address or not"
    assert all(h and h.startswith("$argon2") for h in verified)


async def test_link_requests_answer_the_same_for_known_and_unknown_addresses(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    person = await make_person(app)
    known = await client.post("/api/auth/sign-in-link", json={"email": person.email})
    unknown = await client.post(
        "/api/auth/sign-in-link", json={"email": "nobody@elsewhere.example"}
    )
    assert known.status_code == 202
    assert _comparable(known) == _comparable(unknown)


async def _interleaved_medians(
    client: httpx.AsyncClient,
    path: str,
    known: dict[str, str],
    unknown: dict[str, str],
    rounds: int,
) -> tuple[float, float]:
    """Time the two kinds of request turn about, so that a change in the machine's load
    falls on both alike."""
    durations: dict[str, list[float]] = {"known": [], "unknown": []}
    for _ in range(rounds):
        for label, body in (("known", known), ("unknown", unknown)):
            started = time.perf_counter()
            await client.post(path, json=body)
            durations[label].append(time.perf_counter() - started)
    return statistics.median(durations["known"]), statistics.median(durations["unknown"])


async def test_timing_does_not_tell_known_from_unknown_addresses(
    settings: Settings, db: object
) -> None:
    """With the floor on, known and unknown addresses take the same time to within a small
    margin for both the sign-in and the link request. The floor here (600 ms) is above what
    argon2 costs even on a busy machine, which is what a deployment's floor must be too."""
    timed_settings = Settings(
        **{
            **settings.model_dump(),
            "auth_min_response_ms": 600,
            "throttle_max_failures_per_account": 1000,
            "throttle_max_failures_per_client": 1000,
        }
    )
    application = create_app(timed_settings)
    async with LifespanManager(application), new_client(application) as client:
        person = await make_person(application)
        for path, known_body, unknown_body in (
            (
                "/api/auth/login",
                {"email": person.email, "password": "wrong wrong"},
                {"email": "ghost@trust.example", "password": "wrong wrong"},
            ),
            (
                "/api/auth/sign-in-link",
                {"email": person.email},
                {"email": "ghost@elsewhere.example"},
            ),
        ):
            known, unknown = await _interleaved_medians(client, path, known_body, unknown_body, 5)
            assert known >= 0.6 and unknown >= 0.6, path
            assert abs(known - unknown) < 0.1, (
                f"{path}: known {known:.3f}s vs unknown {unknown:.3f}s"
            )
