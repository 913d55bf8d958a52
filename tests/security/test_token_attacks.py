"""Token attacks beyond ``tests/identity/test_session_tokens.py`` (which has forged keys,
``alg: none``, HS512, expiry, garbage, password and role changes on ``/api/me``):

- HS/RS confusion: an RS256 token, a token that says RS256 but is HMAC-signed with our
  secret, and an HS256 token keyed with an RSA public key;
- not yet valid: ``nbf`` or ``iat`` in the future;
- wrong issuer or audience, or none (the app sets and checks both: ``core/security.py``);
- a payload changed under its signature (role raised to admin);
- a token minted with the right key whose role is not the account's;
- a token of an erased participant, and one from before a password change, on the routes
  that check the session in SQL alongside the conversation (``conversations/access.py``),
  which are not the ``/api/me`` path the identity tests use.
"""

from __future__ import annotations

import base64
import json
import time
import uuid

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from jose import jwt

from tests.support.factories import (
    Person,
    make_conversation,
    make_person,
    make_section,
    new_client,
    sign_in,
)


def _claims(person: Person, **overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": "candour",
        "aud": "candour:session",
        "sub": str(person.id),
        "role": person.role,
        "ver": 0,
        "csrf": "x",
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _secret(app: FastAPI) -> str:
    return str(app.state.settings.jwt_secret.get_secret_value())


def _mint(app: FastAPI, claims: dict[str, object]) -> str:
    return str(jwt.encode(claims, _secret(app), algorithm="HS256"))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


async def _me(client: httpx.AsyncClient, token: str) -> int:
    response = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 401:
        assert response.json()["code"] == "not_authenticated"
    return response.status_code


@pytest.fixture
async def admin(app: FastAPI) -> Person:
    return await make_person(app, role="admin")


async def test_a_token_minted_like_the_app_does_works(
    app: FastAPI, client: httpx.AsyncClient, admin: Person
) -> None:
    """Control for every refusal below: the same claims, properly signed, are accepted."""
    assert await _me(client, _mint(app, _claims(admin))) == 200


async def test_an_rs256_token_is_refused(
    app: FastAPI, client: httpx.AsyncClient, admin: Person
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    token = jwt.encode(_claims(admin), pem.decode(), algorithm="RS256")
    assert await _me(client, token) == 401


async def test_a_token_claiming_rs256_but_hmac_signed_with_our_secret_is_refused(
    app: FastAPI, client: httpx.AsyncClient, admin: Person
) -> None:
    """The classic confusion: the header names an asymmetric algorithm and the signature
    is an HMAC with the key a verifier might treat as a public key."""
    good = _mint(app, _claims(admin))
    _, payload, signature = good.split(".")
    header = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    assert await _me(client, f"{header}.{payload}.{signature}") == 401


async def test_an_hs256_token_keyed_with_a_public_key_is_refused(
    app: FastAPI, client: httpx.AsyncClient, admin: Person
) -> None:
    public = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    import hashlib
    import hmac

    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(_claims(admin)).encode())
    signature = _b64(hmac.digest(public, f"{header}.{payload}".encode(), hashlib.sha256))
    assert await _me(client, f"{header}.{payload}.{signature}") == 401


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"nbf": int(time.time()) + 3600}, id="nbf-in-an-hour"),
        pytest.param({"iat": int(time.time()) + 3600}, id="iat-in-an-hour"),
    ],
)
async def test_a_token_not_yet_valid_is_refused(
    app: FastAPI, client: httpx.AsyncClient, admin: Person, overrides: dict[str, object]
) -> None:
    assert await _me(client, _mint(app, _claims(admin, **overrides))) == 401


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"aud": "candour:download"}, id="another-audience"),
        pytest.param({"aud": None}, id="no-audience"),
        pytest.param({"iss": "someone-else"}, id="another-issuer"),
        pytest.param({"iss": None}, id="no-issuer"),
        pytest.param({"aud": ["candour:other", "candour:elsewhere"]}, id="audience-list"),
    ],
)
async def test_a_token_for_another_audience_or_from_another_issuer_is_refused(
    app: FastAPI, client: httpx.AsyncClient, admin: Person, overrides: dict[str, object]
) -> None:
    assert await _me(client, _mint(app, _claims(admin, **overrides))) == 401


async def test_the_app_issues_tokens_with_its_issuer_and_audience(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    headers = await sign_in(client, await make_person(app))
    payload = json.loads(_unb64(headers["Authorization"].split(".")[1]))
    assert (payload["iss"], payload["aud"]) == ("candour", "candour:session")


async def test_a_payload_changed_under_its_signature_is_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    participant = await make_person(app)
    token = (await sign_in(client, participant))["Authorization"].removeprefix("Bearer ")
    header, payload, signature = token.split(".")
    claims = json.loads(_unb64(payload))
    claims["role"] = "admin"
    raised = f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"
    async with new_client(app) as attacker:
        assert await _me(attacker, token) == 200, "control: the token as issued works"
        assert await _me(attacker, raised) == 401
        refused = await attacker.get(
            "/api/admin/retention", headers={"Authorization": f"Bearer {raised}"}
        )
        assert refused.status_code == 401


async def test_a_well_signed_token_whose_role_is_not_the_accounts_is_refused(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Even with the signing key, a token cannot grant a role the account does not have:
    every request compares the claimed role with the account's."""
    participant = await make_person(app)
    assert await _me(client, _mint(app, _claims(participant))) == 200
    as_admin = _mint(app, _claims(participant, role="admin"))
    assert await _me(client, as_admin) == 401
    retention = await client.get(
        "/api/admin/retention", headers={"Authorization": f"Bearer {as_admin}"}
    )
    assert retention.status_code == 401


async def _conversation_calls(
    client: httpx.AsyncClient, base: str, idea_id: str, section_id: str, headers: dict[str, str]
) -> dict[str, int]:
    """The statuses of a read, a vote and a post: the list and the vote are the direct
    routes (their own connection), the post the session route."""
    return {
        "list": (await client.get(f"{base}/ideas", headers=headers)).status_code,
        "vote": (
            await client.put(f"{base}/ideas/{idea_id}/vote", json={"vote": "like"}, headers=headers)
        ).status_code,
        "post": (
            await client.post(
                f"{base}/ideas",
                json={"section_id": section_id, "title": "Still here?", "body": "x"},
                headers=headers,
            )
        ).status_code,
        "mine": (await client.get("/api/me/contributions", headers=headers)).status_code,
    }


async def _scene(app: FastAPI) -> tuple[str, str, str, Person, Person]:
    cid = await make_conversation(app)
    sid = await make_section(app, cid)
    writer = await make_person(app, conversation_id=cid)
    voter = await make_person(app, conversation_id=cid)
    base = f"/api/conversations/{cid}"
    async with new_client(app) as browser:
        headers = await sign_in(browser, writer)
        idea = await browser.post(
            f"{base}/ideas",
            json={"section_id": str(sid), "title": "Night porters", "body": "Please"},
            headers=headers,
        )
    return base, str(idea.json()["id"]), str(sid), writer, voter


async def test_a_token_of_an_erased_participant_opens_nothing(app: FastAPI) -> None:
    base, idea_id, section_id, _, voter = await _scene(app)
    async with new_client(app) as browser, new_client(app) as other_device:
        headers = await sign_in(browser, voter)
        kept = await sign_in(other_device, voter)
        before = await _conversation_calls(other_device, base, idea_id, section_id, kept)
        assert before == {"list": 200, "vote": 200, "post": 201, "mine": 200}, "control"
        erased = await browser.post(
            "/api/me/erase", json={"posts": "withdraw", "confirm": True}, headers=headers
        )
        assert erased.status_code in (200, 204), erased.text
        after = await _conversation_calls(other_device, base, idea_id, section_id, kept)
        assert after == {"list": 401, "vote": 401, "post": 401, "mine": 401}
        assert await _me(other_device, kept["Authorization"].removeprefix("Bearer ")) == 401


async def test_a_token_from_before_a_password_change_opens_nothing(app: FastAPI) -> None:
    base, idea_id, section_id, writer, _ = await _scene(app)
    async with new_client(app) as browser, new_client(app) as stolen:
        headers = await sign_in(browser, writer)
        old = await sign_in(stolen, writer)
        changed = await browser.post(
            "/api/auth/change-password",
            json={"current_password": writer.password, "new_password": "a brand new passphrase"},
            headers=headers,
        )
        assert changed.status_code == 200
        after = await _conversation_calls(stolen, base, idea_id, section_id, old)
        assert after == {"list": 401, "vote": 401, "post": 401, "mine": 401}
        renewed = {"Authorization": f"Bearer {changed.json()['access_token']}"}
        assert (await browser.get(f"{base}/ideas", headers=renewed)).status_code == 200
