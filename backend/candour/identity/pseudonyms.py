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


# The namespace of the stand-in ids below; fixed forever, or imported pseudonyms would change.
_IMPORTED_PEOPLE = uuid.UUID("6f1c3b0e-5a7d-4c2e-9b1f-2d8e4a6c0b35")


def imported_pseudonym(settings: Settings, conversation_id: uuid.UUID, external_id: str) -> bytes:
    """The pseudonym of someone known only to an imported data set (e.g. Pol.is participant
    ``"17"``), derived like every other pseudonym from a stand-in account id.

    The stand-in is a name-based UUID (version 5) and accounts have random ones (version 4),
    so no imported person can share a pseudonym with a real one; and since no account has
    the stand-in id, nobody's "my posts" or relay ever reaches imported content."""
    stand_in = uuid.uuid5(_IMPORTED_PEOPLE, external_id)
    return pseudonym_for(settings, conversation_id, stand_in)


def seal_account_id(settings: Settings, pseudonym: bytes, account_id: uuid.UUID) -> bytes:
    return seal(settings.relay_key.get_secret_value(), account_id.bytes, pseudonym)


def unseal_account_id(settings: Settings, pseudonym: bytes, sealed: bytes) -> uuid.UUID:
    return uuid.UUID(bytes=unseal(settings.relay_key.get_secret_value(), sealed, pseudonym))
