"""Pseudonyms: how content is tied to a person without saying who.

``pseudonym = HMAC(pseudonym_key, conversation || account)``. Content tables store only
this value. Going forward (my posts) recomputes it; going backward (the relay) looks up
the author link, whose account id is sealed under the relay key. Neither key is in the
database, so a copy of the database alone cannot join a post to a person.
"""

from __future__ import annotations

import uuid

from candour.core.security import derive_pseudonym, seal, unseal
from candour.core.settings import Settings


def pseudonym_for(settings: Settings, conversation_id: uuid.UUID, account_id: uuid.UUID) -> bytes:
    return derive_pseudonym(settings.pseudonym_key.get_secret_value(), conversation_id, account_id)


def seal_account_id(settings: Settings, pseudonym: bytes, account_id: uuid.UUID) -> bytes:
    return seal(settings.relay_key.get_secret_value(), account_id.bytes, pseudonym)


def unseal_account_id(settings: Settings, pseudonym: bytes, sealed: bytes) -> uuid.UUID:
    return uuid.UUID(bytes=unseal(settings.relay_key.get_secret_value(), sealed, pseudonym))
