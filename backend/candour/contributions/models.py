from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Computed,
    ForeignKey,
    Index,
    LargeBinary,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base, acted_at_column, random_id_column
from candour.queue.models import TargetKind


class Status(StrEnum):
    published = "published"
    withdrawn = "withdrawn"


class Moderation(StrEnum):
    """What the facilitators decided; independent of the author's own ``Status``."""

    visible = "visible"
    held = "held"  # pre-moderation: waiting for approval, seen only by its author
    hidden = "hidden"  # replaced by a placeholder; replies under it stay
    removed = "removed"  # abusive: gone for good, with a placeholder
    merged = "merged"  # a duplicate, folded into another idea (``merged_into_id``)


class ReasonCategory(StrEnum):
    """Why a post was reported or acted on, in the order the queue takes them."""

    safeguarding = "safeguarding"
    abusive = "abusive"
    personal = "personal"
    other = "other"


class Source(StrEnum):
    online = "online"
    paper = "paper"


def text_is_shown(status: str, moderation: str, *, mine: bool) -> bool:
    """Whose eyes a post's words may reach: published and visible to everyone; held (waiting
    for approval) to its own author only; withdrawn, hidden, removed or merged to nobody.
    The one rule for every place that shows text — the API, exports, the relay."""
    return status == Status.published and (
        moderation == Moderation.visible or (moderation == Moderation.held and mine)
    )


# What the public lists show: published by its author and not held, hidden or removed.
# Literals, not parameters, wherever it is used: the planner matches them to the partial
# list indexes below, even in a generic plan of a prepared statement.
LISTED = text("status = 'published' AND moderation = 'visible'")
_MODERATION_KNOWN = "moderation IN ('visible', 'held', 'hidden', 'removed', 'merged')"
_REASON_KNOWN = "moderation_reason IN ('safeguarding', 'abusive', 'personal', 'other')"
_IDEA_SEARCH = (
    "setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, body), 'B')"
)


def _list_indexes(table: str, scope: str) -> list[Index]:
    """One index per public sort, so a page costs the same at 50,000 ideas as at 1,000."""
    return [
        Index(
            f"ix_{table}_{scope}_{name}",
            scope,
            text(f"{key} DESC"),
            text("id DESC"),
            postgresql_where=LISTED,
        )
        for name, key in (
            ("newest", "created_at"),
            ("liked", "like_count"),
            ("discussed", "comment_count"),
            ("divided", "divided"),
        )
    ]


class Idea(Base):
    __tablename__ = "ideas"
    __table_args__ = (
        CheckConstraint("status IN ('published', 'withdrawn')", name="status_known"),
        CheckConstraint(_MODERATION_KNOWN, name="moderation_known"),
        CheckConstraint(_REASON_KNOWN, name="moderation_reason_known"),
        CheckConstraint("source IN ('online', 'paper')", name="source_known"),
        CheckConstraint(
            "(source = 'paper') = (author_pseudonym IS NULL)", name="author_matches_source"
        ),
        CheckConstraint(
            "like_count >= 0 AND dislike_count >= 0 AND comment_count >= 0", name="counts_positive"
        ),
        UniqueConstraint(
            "author_pseudonym", "idempotency_key", name="uq_ideas_author_idempotency_key"
        ),
        Index("ix_ideas_author_pseudonym", "author_pseudonym"),
        Index("ix_ideas_search", "search", postgresql_using="gin"),
        *_list_indexes("ideas", "section_id"),
        *_list_indexes("ideas", "conversation_id"),
    )

    id: Mapped[uuid.UUID] = random_id_column()
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    section_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sections.id", ondelete="RESTRICT"))
    # HMAC pseudonym of the author in this conversation; NULL for paper submissions.
    author_pseudonym: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    source: Mapped[str] = mapped_column(String(10), default=Source.online.value)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=Status.published.value)
    moderation: Mapped[str] = mapped_column(
        String(20), default=Moderation.visible.value, server_default=Moderation.visible.value
    )
    moderation_reason: Mapped[str | None] = mapped_column(String(20))
    # The facilitators amended the text (to anonymise it); the original is in the audit log.
    amended: Mapped[bool] = mapped_column(default=False, server_default="false")
    # A part split off another idea points at it; a merged duplicate points where it went.
    origin_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ideas.id", ondelete="SET NULL"))
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="SET NULL")
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = acted_at_column()
    edited_at: Mapped[datetime | None]
    # Maintained in the same transaction as each vote and comment, so lists sort by an index.
    like_count: Mapped[int] = mapped_column(default=0, server_default="0")
    dislike_count: Mapped[int] = mapped_column(default=0, server_default="0")
    comment_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # "How divided": the size of the smaller side. High only when many like AND many dislike.
    divided: Mapped[int] = mapped_column(
        Computed("LEAST(like_count, dislike_count)", persisted=True)
    )
    search: Mapped[str] = mapped_column(
        TSVECTOR, Computed(_IDEA_SEARCH, persisted=True), deferred=True
    )


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint("status IN ('published', 'withdrawn')", name="status_known"),
        CheckConstraint(_MODERATION_KNOWN, name="moderation_known"),
        CheckConstraint(_REASON_KNOWN, name="moderation_reason_known"),
        CheckConstraint("source IN ('online', 'paper')", name="source_known"),
        CheckConstraint(
            "(source = 'paper') = (author_pseudonym IS NULL)", name="author_matches_source"
        ),
        CheckConstraint("like_count >= 0 AND dislike_count >= 0", name="counts_positive"),
        UniqueConstraint(
            "author_pseudonym", "idempotency_key", name="uq_comments_author_idempotency_key"
        ),
        Index("ix_comments_idea_thread", "idea_id", "created_at", "id"),
        Index("ix_comments_author_pseudonym", "author_pseudonym"),
        Index("ix_comments_search", "search", postgresql_using="gin"),
    )

    id: Mapped[uuid.UUID] = random_id_column()
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    # One level of replies: a reply's parent is a comment without a parent.
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE")
    )
    author_pseudonym: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    source: Mapped[str] = mapped_column(String(10), default=Source.online.value)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=Status.published.value)
    moderation: Mapped[str] = mapped_column(
        String(20), default=Moderation.visible.value, server_default=Moderation.visible.value
    )
    moderation_reason: Mapped[str | None] = mapped_column(String(20))
    amended: Mapped[bool] = mapped_column(default=False, server_default="false")
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = acted_at_column()
    edited_at: Mapped[datetime | None]
    like_count: Mapped[int] = mapped_column(default=0, server_default="0")
    dislike_count: Mapped[int] = mapped_column(default=0, server_default="0")
    search: Mapped[str] = mapped_column(
        TSVECTOR, Computed("to_tsvector('english'::regconfig, body)", persisted=True), deferred=True
    )


class IdeaVote(Base):
    """One like (+1) or dislike (-1) per voter per idea. No time is kept: when a vote was
    cast could be matched against other records. A 0 is a Pol.is "pass", which only an
    import writes (``analysis.interchange``): it counts as neither a like nor a dislike, but
    the opinion groups keep it as a vote."""

    __tablename__ = "idea_votes"
    __table_args__ = (
        PrimaryKeyConstraint("idea_id", "voter_pseudonym"),
        CheckConstraint("value IN (-1, 0, 1)", name="value_known"),
    )

    idea_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    voter_pseudonym: Mapped[bytes] = mapped_column(LargeBinary(32))
    value: Mapped[int] = mapped_column(SmallInteger)


class CommentVote(Base):
    __tablename__ = "comment_votes"
    __table_args__ = (
        PrimaryKeyConstraint("comment_id", "voter_pseudonym"),
        CheckConstraint("value IN (-1, 1)", name="value_known"),
    )

    comment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    voter_pseudonym: Mapped[bytes] = mapped_column(LargeBinary(32))
    value: Mapped[int] = mapped_column(SmallInteger)


def kind_of(row: Idea | Comment) -> TargetKind:
    return TargetKind.idea if isinstance(row, Idea) else TargetKind.comment


MODEL_OF: dict[TargetKind, type[Idea] | type[Comment]] = {
    TargetKind.idea: Idea,
    TargetKind.comment: Comment,
}
