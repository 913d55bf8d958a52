"""Every cryptographic choice in one module, so a change of library touches one file.

- passwords: argon2 through passlib;
- sessions: HS256 JWTs through python-jose, decoded with an explicit algorithm list and
  checked for our issuer and audience, an expiry, and an issue time not in the future;
- one-time links: random tokens, stored only as SHA-256 hashes;
- pseudonyms: HMAC-SHA256 under a key that is never in the database;
- the relay's reverse link: AES-256-GCM under a second key.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from jose import JWTError, jwt
from passlib.context import CryptContext

JWT_ALGORITHM = "HS256"
# Who made a session token and what it is for. Checked on every token, so a JWT signed with
# the same secret for another purpose (or by another service sharing it) is not a session.
SESSION_ISSUER = "candour"
SESSION_AUDIENCE = "candour:session"
# An "issued at" further ahead than this is a forgery or a broken clock, never a session.
_CLOCK_SKEW_SECONDS = 60
_password_context = CryptContext(schemes=["argon2"], deprecated="auto")
# Verified against when an account does not exist, so a sign-in for an unknown address
# costs the same argon2 work as one for a known address.
_DUMMY_PASSWORD_HASH = _password_context.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return str(_password_context.hash(password))


def verify_password(password: str, password_hash: str | None) -> bool:
    """Check a password; with no hash, spend the same time and answer False."""
    if password_hash is None:
        _password_context.verify(password, _DUMMY_PASSWORD_HASH)
        return False
    try:
        return bool(_password_context.verify(password, password_hash))
    except (ValueError, TypeError):
        return False


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


def hash_link_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class SessionClaims:
    account_id: uuid.UUID
    role: str
    token_version: int
    csrf: str
    expires_at: datetime


def create_session_token(
    secret: str, *, account_id: uuid.UUID, role: str, token_version: int, minutes: int
) -> tuple[str, SessionClaims]:
    now = datetime.now(UTC)
    claims = SessionClaims(
        account_id=account_id,
        role=role,
        token_version=token_version,
        csrf=new_csrf_token(),
        expires_at=now + timedelta(minutes=minutes),
    )
    payload = {
        "iss": SESSION_ISSUER,
        "aud": SESSION_AUDIENCE,
        "sub": str(account_id),
        "role": role,
        "ver": token_version,
        "csrf": claims.csrf,
        "iat": int(now.timestamp()),
        "exp": int(claims.expires_at.timestamp()),
        "jti": secrets.token_urlsafe(12),
    }
    return jwt.encode(payload, secret, algorithm=JWT_ALGORITHM), claims


class InvalidSessionToken(Exception):
    """The token is forged, expired, malformed or signed with another algorithm."""


def decode_session_token(secret: str, token: str) -> SessionClaims:
    """The claims of a token we signed, if it has not expired; :class:`InvalidSessionToken`
    otherwise.

    A browser or integrator sends the same token with every request, and checking it costs
    some 45 µs (python-jose), as much as a statement's round trip costs the server, so
    tokens that checked out are remembered (:func:`_verified_claims`, a few thousand) and
    only their expiry is checked again. Whether the session still holds (revoked, role
    changed, erased) is the database's answer on every request, not this one's."""
    claims = _verified_claims(secret, token)
    if int(time.time()) > claims.expires_at.timestamp():  # as python-jose: valid up to exp
        raise InvalidSessionToken("Signature has expired.")
    return claims


@functools.lru_cache(maxsize=4096)
def _verified_claims(secret: str, token: str) -> SessionClaims:
    """Verify and decode; refusals raise and so are never remembered."""
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[JWT_ALGORITHM],
            audience=SESSION_AUDIENCE,
            issuer=SESSION_ISSUER,
            options={
                "require_exp": True,
                "require_sub": True,
                "require_iat": True,
                "require_aud": True,
                "require_iss": True,
            },
        )
        # python-jose refuses a future "nbf" but takes a future "iat".
        if int(payload["iat"]) > time.time() + _CLOCK_SKEW_SECONDS:
            raise InvalidSessionToken("The token was issued in the future.")
        return SessionClaims(
            account_id=uuid.UUID(str(payload["sub"])),
            role=str(payload["role"]),
            token_version=int(payload["ver"]),
            csrf=str(payload["csrf"]),
            expires_at=datetime.fromtimestamp(int(payload["exp"]), UTC),
        )
    except (JWTError, KeyError, ValueError, TypeError) as exc:
        raise InvalidSessionToken(str(exc)) from exc


def derive_pseudonym(key: str, conversation_id: uuid.UUID, account_id: uuid.UUID) -> bytes:
    """The opaque author key of one person in one conversation.

    Keyed, so a copy of the database cannot recompute it; per conversation, so the same
    person is unlinkable across conversations.
    """
    message = b"candour-pseudonym-v1|" + conversation_id.bytes + account_id.bytes
    return hmac.digest(key.encode(), message, "sha256")


def _aead_key(key: str) -> bytes:
    # The configured key is text of any length; stretch it to the 256 bits AES needs.
    return hashlib.sha256(b"candour-relay-v1|" + key.encode()).digest()


@functools.lru_cache(maxsize=16)
def _cipher(key: str) -> AESGCM:
    """One cipher object per key (a handful per process), not one per cursor or message."""
    return AESGCM(_aead_key(key))


def seal(key: str, plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt with AES-256-GCM; the random nonce travels in front of the ciphertext."""
    nonce = os.urandom(12)
    return nonce + _cipher(key).encrypt(nonce, plaintext, associated_data)


class SealBroken(Exception):
    """The sealed value was not made with this key for this associated data."""


def unseal(key: str, sealed: bytes, associated_data: bytes) -> bytes:
    try:
        return _cipher(key).decrypt(sealed[:12], sealed[12:], associated_data)
    except (InvalidTag, ValueError) as exc:
        raise SealBroken from exc


def hash_client_key(key: str, value: str) -> str:
    """A keyed hash for throttling keys, so the table holds no address or IP in clear."""
    return hmac.digest(key.encode(), value.encode(), "sha256").hex()
