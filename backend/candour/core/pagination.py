"""Keyset pagination with opaque cursors.

A cursor carries the last row's sort key and id. It is sealed (AES-GCM under a key derived
from the JWT secret) so clients cannot read exact creation times out of it, nor forge one.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from candour.core.errors import FieldProblem, InvalidInput
from candour.core.security import SealBroken, seal, unseal

_PURPOSE = b"candour-cursor-v1"


class InvalidCursor(InvalidInput):
    code, title = "invalid_cursor", "Cursor not valid"


def _key(secret: str) -> str:
    return hashlib.sha256(_PURPOSE + secret.encode()).hexdigest()


def encode_cursor(secret: str, scope: str, values: list[Any]) -> str:
    payload = json.dumps([scope, values], separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(seal(_key(secret), payload, _PURPOSE)).decode().rstrip("=")


def decode_cursor(secret: str, scope: str, cursor: str) -> list[Any]:
    """The values sealed into ``cursor``; refused if it was made for another list."""
    try:
        sealed = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found_scope, values = json.loads(unseal(_key(secret), sealed, _PURPOSE))
    except (SealBroken, ValueError, TypeError) as exc:
        raise _invalid() from exc
    if found_scope != scope or not isinstance(values, list):
        raise _invalid()
    return values


def _invalid() -> InvalidCursor:
    return InvalidCursor(
        "This cursor is not valid for this list; start again from the first page.",
        errors=[
            FieldProblem(
                field="query.cursor", message="not a cursor of this list", code="invalid_cursor"
            )
        ],
    )
