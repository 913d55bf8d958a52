"""Content planted straight into the tables, with chosen counts and times, so the report's
figures can be checked against values worked out by hand. Votes are planted as rows under
made-up voter pseudonyms and the idea's counters set to match, as the vote statement keeps
them."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg
from fastapi import FastAPI

from candour.identity.pseudonyms import pseudonym_for
from tests.support.factories import Person


def voters(n: int) -> list[bytes]:
    """``n`` voter pseudonyms nobody has."""
    return [os.urandom(32) for _ in range(n)]


@dataclass
class Planter:
    app: FastAPI
    db: asyncpg.Connection
    conversation_id: uuid.UUID
    pool: list[bytes] = field(default_factory=lambda: voters(40))

    def author(self, person: Person | None) -> bytes | None:
        if person is None:
            return None
        return pseudonym_for(self.app.state.settings, self.conversation_id, person.id)

    async def idea(
        self,
        section_id: uuid.UUID,
        author: Person | None,
        *,
        title: str = "An idea",
        body: str = "Its words",
        likes: int = 0,
        dislikes: int = 0,
        at: datetime | None = None,
        status: str = "published",
        moderation: str = "visible",
    ) -> uuid.UUID:
        """An idea with ``likes`` votes of +1 from the first voters of the pool and
        ``dislikes`` votes of -1 from the next ones."""
        idea_id = uuid.uuid4()
        await self.db.execute(
            """INSERT INTO ideas (id, conversation_id, section_id, author_pseudonym, source,
                   title, body, status, moderation, created_at, like_count, dislike_count)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10, now()), $11, $12)""",
            idea_id,
            self.conversation_id,
            section_id,
            self.author(author),
            "online" if author else "paper",
            title,
            body,
            status,
            moderation,
            at,
            likes,
            dislikes,
        )
        await self._votes("idea_votes", "idea_id", idea_id, likes, dislikes)
        return idea_id

    async def comment(
        self,
        idea_id: uuid.UUID,
        author: Person | None,
        *,
        body: str = "A comment",
        likes: int = 0,
        dislikes: int = 0,
        at: datetime | None = None,
        moderation: str = "visible",
    ) -> uuid.UUID:
        comment_id = uuid.uuid4()
        await self.db.execute(
            """INSERT INTO comments (id, conversation_id, idea_id, author_pseudonym, source,
                   body, status, moderation, created_at, like_count, dislike_count)
               VALUES ($1, $2, $3, $4, $5, $6, 'published', $7, coalesce($8, now()), $9, $10)""",
            comment_id,
            self.conversation_id,
            idea_id,
            self.author(author),
            "online" if author else "paper",
            body,
            moderation,
            at,
            likes,
            dislikes,
        )
        await self._votes("comment_votes", "comment_id", comment_id, likes, dislikes)
        return comment_id

    async def _votes(
        self, table: str, column: str, item: uuid.UUID, likes: int, dislikes: int
    ) -> None:
        values = [1] * likes + [-1] * dislikes
        await self.db.executemany(
            f"INSERT INTO {table} ({column}, voter_pseudonym, value) VALUES ($1, $2, $3)",
            [(item, voter, value) for voter, value in zip(self.pool, values, strict=False)],
        )
