"""The live feed: open pages learn that a section's ideas or counts changed, without
reloading and without polling the API themselves.

One :class:`LiveFeed` per process. Streams subscribe to a conversation; one loop reads a
small digest of each watched conversation from PostgreSQL every few seconds (two grouped
statements, however many pages watch) and tells the streams of that conversation which
sections changed. The data comes from the database, so a post made through one worker
reaches pages streamed by another — no process memory is shared, as with the rest of
Candour's background work.

A notice names sections only: never a post, an author or a time. It says no more than
reloading the page would, and a page learns it at the next digest round at the soonest.
Streams end after ``live_stream_max_seconds`` so that a session that has since ended
(signed out, erased) stops hearing; the browser's EventSource reconnects by itself,
signed in again or refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from candour.activity.errors import LiveFeedFull
from candour.contributions.models import LISTED, Comment, Idea
from candour.core.errors import describe_unexpected
from candour.core.settings import Settings

logger = logging.getLogger("candour.live")
HEARTBEAT_SECONDS = 20.0
# How long the browser waits before reconnecting after a stream ends (milliseconds).
RECONNECT_MS = 5_000

Digest = dict[uuid.UUID, tuple[Any, ...]]


class Mailbox:
    """What one stream has yet to hear: the sections changed since it last spoke."""

    __slots__ = ("_closed", "_pending", "_ready")

    def __init__(self) -> None:
        self._pending: set[uuid.UUID] = set()
        self._ready = asyncio.Event()
        self._closed = False

    def post(self, sections: set[uuid.UUID]) -> None:
        self._pending |= sections
        self._ready.set()

    def close(self) -> None:
        self._closed = True
        self._ready.set()

    @property
    def closed(self) -> bool:
        return self._closed

    async def wait(self, seconds: float) -> set[uuid.UUID]:
        """The sections changed, as soon as there are any; empty after ``seconds``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), seconds)
        self._ready.clear()
        sections, self._pending = self._pending, set()
        return sections


async def section_digest(session: AsyncSession, conversation_id: uuid.UUID) -> Digest:
    """Per section, the figures whose change a reader would see: listed ideas, their votes
    and comment counts, edits, and the same for comments. Posts' times are floored to the
    hour, so the count of all rows is what tells a new post from a withdrawn one in the
    same poll."""
    ideas = await session.execute(
        select(
            Idea.section_id,
            func.count(),
            func.count().filter(LISTED),
            func.sum(Idea.like_count),
            func.sum(Idea.dislike_count),
            func.sum(Idea.comment_count),
            func.count().filter(Idea.amended),
            func.max(func.coalesce(Idea.edited_at, Idea.created_at)),
        )
        .where(Idea.conversation_id == conversation_id)
        .group_by(Idea.section_id)
    )
    digest: Digest = {row[0]: tuple(row[1:]) for row in ideas}
    comments = await session.execute(
        select(
            Idea.section_id,
            func.count(),
            func.count().filter(Comment.moderation == "visible", Comment.status == "published"),
            func.sum(Comment.like_count),
            func.sum(Comment.dislike_count),
            func.count().filter(Comment.amended),
            func.max(func.coalesce(Comment.edited_at, Comment.created_at)),
        )
        .join(Idea, Idea.id == Comment.idea_id)
        .where(Comment.conversation_id == conversation_id)
        .group_by(Idea.section_id)
    )
    for row in comments:
        digest[row[0]] = digest.get(row[0], ()) + tuple(row[1:])
    return digest


def changed_sections(before: Digest, after: Digest) -> set[uuid.UUID]:
    return {s for s in before.keys() | after.keys() if before.get(s) != after.get(s)}


class LiveFeed:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self._sessionmaker = sessionmaker
        self._poll_seconds = settings.live_poll_seconds
        self._max_streams = settings.live_max_streams
        self.stream_seconds = settings.live_stream_max_seconds
        self._mailboxes: dict[uuid.UUID, set[Mailbox]] = {}
        self._digests: dict[uuid.UUID, Digest] = {}
        self._stopping = False

    @property
    def streams(self) -> int:
        return sum(len(boxes) for boxes in self._mailboxes.values())

    def check_capacity(self) -> None:
        """Refuse a new stream while this process has as many as it may hold (before the
        response starts: a refusal needs its status). A soft limit: two streams checked at
        the same moment may both get in."""
        if self.streams >= self._max_streams or self._stopping:
            raise LiveFeedFull(
                "Too many pages are following this service live; the page still works, "
                "reload it to see changes.",
                headers={"Retry-After": str(RECONNECT_MS // 1000)},
            )

    @contextlib.contextmanager
    def subscribe(self, conversation_id: uuid.UUID) -> Iterator[Mailbox]:
        mailbox = Mailbox()
        self._mailboxes.setdefault(conversation_id, set()).add(mailbox)
        try:
            yield mailbox
        finally:
            boxes = self._mailboxes.get(conversation_id, set())
            boxes.discard(mailbox)
            if not boxes:
                self._mailboxes.pop(conversation_id, None)
                self._digests.pop(conversation_id, None)

    async def poll_once(self) -> None:
        """Read the digest of every watched conversation and tell their streams."""
        for conversation_id in list(self._mailboxes):
            async with self._sessionmaker() as session:
                digest = await section_digest(session, conversation_id)
            before = self._digests.get(conversation_id)
            self._digests[conversation_id] = digest
            if before is None:
                continue  # the first look: nothing to compare with yet
            changed = changed_sections(before, digest)
            if changed:
                for mailbox in list(self._mailboxes.get(conversation_id, ())):
                    mailbox.post(changed)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.poll_once()
            except Exception as exc:
                logger.error("live feed round failed: %s", describe_unexpected(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._poll_seconds)
        self.close_all()

    def close_all(self) -> None:
        """End every stream (the process is stopping)."""
        self._stopping = True
        for boxes in self._mailboxes.values():
            for mailbox in boxes:
                mailbox.close()

    async def events(self, conversation_id: uuid.UUID) -> AsyncIterator[str]:
        """The text/event-stream of one page: `changed` events, comments to keep proxies
        from closing an idle connection, and an end after a while."""
        with self.subscribe(conversation_id) as mailbox:
            yield f"retry: {RECONNECT_MS}\n\n"
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.stream_seconds
            while not mailbox.closed and (left := deadline - loop.time()) > 0:
                sections = await mailbox.wait(min(HEARTBEAT_SECONDS, left))
                if sections:
                    data = json.dumps({"sections": sorted(str(s) for s in sections)})
                    yield f"event: changed\ndata: {data}\n\n"
                elif not mailbox.closed:
                    yield ": keep-alive\n\n"
