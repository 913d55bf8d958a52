"""A conversation's idea votes as numpy arrays, in one statement, and written in bulk.

The votes leave PostgreSQL as one binary ``COPY``: per vote the idea's id, whether the idea
is shown to everyone, the voter's dense number and the value — 41 bytes a row, read
straight into a numpy structured array, never a Python object per vote. Voters are numbered
in the order of their pseudonyms (keyed hashes), which follows neither their accounts nor
the time they joined or voted; pseudonyms themselves never leave the database.

Writes go the other way with ``COPY … FROM STDIN`` (asyncpg's ``copy_records_to_table``),
in the request's transaction, so an import is all or nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg
import numpy as np
import numpy.typing as npt
from sqlalchemy.ext.asyncio import AsyncSession

# Every vote on an idea of one conversation. ``shown``: published and visible, the ideas
# that enter the analysis (hidden, removed, withdrawn and held ones do not).
# asyncpg wraps it in ``COPY (…) TO STDOUT (FORMAT binary)``.
_VOTES = """
SELECT v.idea_id,
       i.status = 'published' AND i.moderation = 'visible',
       (dense_rank() OVER (ORDER BY v.voter_pseudonym) - 1)::int4,
       v.value
FROM idea_votes AS v
JOIN ideas AS i ON i.id = v.idea_id
WHERE i.conversation_id = '{conversation_id}'::uuid
"""
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("idea_length", ">i4"),
        ("idea", "V16"),
        ("shown_length", ">i4"),
        ("shown", "u1"),
        ("voter_length", ">i4"),
        ("voter", ">i4"),
        ("value_length", ">i4"),
        ("value", ">i2"),
    ]
)
_EXPECTED = {"fields": 4, "idea_length": 16, "shown_length": 1, "voter_length": 4}


@dataclass(frozen=True, slots=True)
class VoteArrays:
    """The votes of one conversation. Ideas are those with at least one vote, in the order
    of their (random) ids; voters are ``0 … voters - 1``."""

    idea_ids: list[uuid.UUID]
    shown: npt.NDArray[np.bool_]  # per idea
    idea: npt.NDArray[np.intp]  # per vote: index into ``idea_ids``
    voter: npt.NDArray[np.intp]  # per vote
    value: npt.NDArray[np.int8]  # per vote: 1 like / agree, -1 dislike / disagree, 0 pass
    voters: int


async def driver_of(session: AsyncSession) -> asyncpg.Connection[Any]:
    """The asyncpg connection under the session, inside the session's transaction."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, asyncpg.Connection)
    return driver


def parse_binary_copy(data: bytes) -> npt.NDArray[Any]:
    """The rows of a binary ``COPY`` of :data:`_VOTES` as a structured array."""
    if not data.startswith(_SIGNATURE) or not data.endswith(b"\xff\xff"):
        raise ValueError("not a PostgreSQL binary COPY")
    extension = int.from_bytes(data[15:19], "big")
    body = data[19 + extension : -2]
    if len(body) % _ROW.itemsize:
        raise ValueError("a vote row of an unexpected size (a NULL, or another column type)")
    rows = np.frombuffer(body, dtype=_ROW)
    for field, expected in _EXPECTED.items():
        if rows.size and not np.all(rows[field] == expected):
            raise ValueError(f"unexpected {field} in a vote row")
    if rows.size and not np.all(rows["value_length"] == 2):
        raise ValueError("unexpected value_length in a vote row")
    return rows


async def fetch_votes(session: AsyncSession, conversation_id: uuid.UUID) -> VoteArrays:
    """Every vote on an idea of the conversation, as arrays (one statement, one snapshot)."""
    chunks: list[bytes] = []

    async def keep(chunk: bytes) -> None:
        chunks.append(bytes(chunk))

    driver = await driver_of(session)
    # COPY takes no parameters; a UUID's text is hex digits and dashes only.
    query = _VOTES.format(conversation_id=uuid.UUID(str(conversation_id)))
    await driver.copy_from_query(query, output=keep, format="binary")
    rows = parse_binary_copy(b"".join(chunks))
    ideas, idea = np.unique(rows["idea"], return_inverse=True)
    shown = np.zeros(len(ideas), dtype=np.bool_)
    shown[idea] = rows["shown"].astype(np.bool_)
    voter = rows["voter"].astype(np.intp)
    return VoteArrays(
        idea_ids=[uuid.UUID(bytes=raw.tobytes()) for raw in ideas],
        shown=shown,
        idea=idea.astype(np.intp),
        voter=voter,
        value=rows["value"].astype(np.int8),
        voters=int(voter.max()) + 1 if voter.size else 0,
    )


async def copy_rows(
    session: AsyncSession, table: str, columns: Sequence[str], records: Iterable[tuple[Any, ...]]
) -> None:
    """Write rows with ``COPY … FROM STDIN`` in the session's transaction."""
    driver = await driver_of(session)
    await driver.copy_records_to_table(table, records=records, columns=list(columns))
