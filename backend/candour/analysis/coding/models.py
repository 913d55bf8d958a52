"""The coding frame of a conversation and what hangs on it.

- :class:`CodingFrame` — one row per conversation with its current version number; every
  change to the frame locks it, so versions are numbered without gaps or forks.
- :class:`Code` — a theme in the frame's hierarchy. Codes are never deleted: a retired code
  keeps its row (``state = 'retired'``), and a merged one says where it went
  (``merged_into_id``). Names are unique, ignoring case, among the *live* children of one
  parent (``uq_codes_live_sibling_name``).
- :class:`FrameVersion` — one per change: who, when, a structured change record, and a
  snapshot of the whole frame after the change (frames are small; comparing two versions
  is a comparison of two snapshots).
- :class:`Coding` — a code applied to an idea or a comment, whole or as an excerpt, by one
  analyst. Only ``status = 'confirmed'`` codings are anyone's judgement; ``suggested`` ones
  come from an accepted theme suggestion and wait for a person, ``rejected`` ones are kept
  as the record of that decision.
- :class:`ThemeSuggestionRun`, :class:`ThemeSuggestion`, :class:`ThemeSuggestionPost` — a
  clustering of the shown posts into candidate themes, and what analysts decided.

Analysts are staff: their account ids (``analyst_id``, ``actor_id`` …) are stored as plain
UUIDs, never as foreign keys into identity's tables (content must not point at identity).

When a post goes, what hangs on it goes: codings and suggestion members reference ideas and
comments with ``ON DELETE CASCADE``. Posts are rarely deleted (a conversation's deletion
cascades to everything); a withdrawn, hidden, removed or merged post keeps its row and its
codings, and the API shows their excerpts only while the post's text is shown.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Computed,
    Float,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base, random_id_column

MAX_CODE_NAME = 100


class CodeState(StrEnum):
    live = "live"
    retired = "retired"  # merged, split or retired: kept for the history, no new codings


class CodingStatus(StrEnum):
    confirmed = "confirmed"  # an analyst's judgement: applied by hand, or a confirmed suggestion
    suggested = "suggested"  # pre-coded from an accepted theme suggestion, waiting for a person
    rejected = "rejected"  # a suggestion a person turned down; kept as the record


class SuggestionStatus(StrEnum):
    open = "open"
    accepted = "accepted"
    rejected = "rejected"


class CodingFrame(Base):
    """The frame's current version; locked (``FOR UPDATE``) by every change to the frame."""

    __tablename__ = "coding_frames"

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(default=0, server_default="0")


class Code(Base):
    __tablename__ = "codes"
    __table_args__ = (
        CheckConstraint("state IN ('live', 'retired')", name="state_known"),
        CheckConstraint(
            "(state = 'retired') = (retired_in IS NOT NULL)", name="retired_in_version"
        ),
        CheckConstraint("merged_into_id IS NULL OR state = 'retired'", name="merged_is_retired"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        Index("ix_codes_conversation_id", "conversation_id"),
        Index(
            "uq_codes_live_sibling_name",
            "conversation_id",
            "parent_id",
            "name_key",
            unique=True,
            postgresql_where=text("state = 'live'"),
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[uuid.UUID] = random_id_column()
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    # NULL at the top of the hierarchy.
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(MAX_CODE_NAME))
    name_key: Mapped[str] = mapped_column(
        String(MAX_CODE_NAME), Computed("lower(name)", persisted=True)
    )
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    state: Mapped[str] = mapped_column(String(10), default=CodeState.live.value)
    created_in: Mapped[int] = mapped_column(doc="The frame version that added the code.")
    retired_in: Mapped[int | None] = mapped_column(doc="The frame version that retired it.")
    # Where a merged code's codings went.
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("codes.id", ondelete="SET NULL")
    )
    # A part made by splitting another code points at it.
    split_from_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("codes.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class FrameVersion(Base):
    """One change to the frame. ``change`` is the structured record (see
    ``schemas.FrameChange``); ``frame`` the snapshot of every code after it (see
    ``schemas.CodeSnapshot``)."""

    __tablename__ = "frame_versions"
    __table_args__ = (
        PrimaryKeyConstraint("conversation_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    number: Mapped[int]
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    actor_id: Mapped[uuid.UUID]  # the staff account that made the change
    actor_role: Mapped[str] = mapped_column(String(20))
    change: Mapped[dict[str, Any]] = mapped_column(JSONB)
    frame: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)


class ThemeSuggestionRun(Base):
    """One clustering of a conversation's (or one section's) shown posts."""

    __tablename__ = "theme_suggestion_runs"
    __table_args__ = (Index("ix_theme_suggestion_runs_conversation_id", "conversation_id"),)

    id: Mapped[uuid.UUID] = random_id_column()
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    section_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE")
    )
    requested_by: Mapped[uuid.UUID]
    requested_at: Mapped[datetime] = mapped_column(server_default=func.now())
    themes_requested: Mapped[int | None]
    posts_analysed: Mapped[int]
    # The method and its settings (vectoriser, k chosen, silhouette, random_state).
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONB)


class ThemeSuggestion(Base):
    __tablename__ = "theme_suggestions"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'accepted', 'rejected')", name="status_known"),
        CheckConstraint(
            "(status = 'open') = (decided_by IS NULL AND decided_at IS NULL)",
            name="decided_when_closed",
        ),
        CheckConstraint("code_id IS NULL OR status = 'accepted'", name="code_when_accepted"),
        Index("ix_theme_suggestions_run_id", "run_id"),
        Index("ix_theme_suggestions_conversation_id", "conversation_id"),
    )

    id: Mapped[uuid.UUID] = random_id_column()
    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("theme_suggestion_runs.id", ondelete="CASCADE")
    )
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    rank: Mapped[int]  # 1 = the largest theme of its run
    label: Mapped[str] = mapped_column(String(MAX_CODE_NAME))
    keywords: Mapped[list[str]] = mapped_column(JSONB)
    size: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=SuggestionStatus.open.value)
    decided_by: Mapped[uuid.UUID | None]
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The code an accepted suggestion became.
    code_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("codes.id", ondelete="SET NULL"))


class ThemeSuggestionPost(Base):
    """A post of a suggested theme; the best few (``quote_rank`` 1, 2, 3) are its quotes."""

    __tablename__ = "theme_suggestion_posts"
    __table_args__ = (
        CheckConstraint("(idea_id IS NULL) <> (comment_id IS NULL)", name="one_post"),
        CheckConstraint(
            "(quote_start IS NULL) = (quote_end IS NULL) AND "
            "(quote_start IS NULL OR (quote_start >= 0 AND quote_end > quote_start))",
            name="quote_span",
        ),
        Index("ix_theme_suggestion_posts_suggestion_id", "suggestion_id"),
        Index("ix_theme_suggestion_posts_idea_id", "idea_id"),
        Index("ix_theme_suggestion_posts_comment_id", "comment_id"),
    )

    id: Mapped[uuid.UUID] = random_id_column()
    suggestion_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("theme_suggestions.id", ondelete="CASCADE")
    )
    idea_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    comment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE")
    )
    # Cosine similarity of the post to its theme's centre.
    score: Mapped[float] = mapped_column(Float)
    quote_rank: Mapped[int | None]
    # The sentence of the post's body that best carries the theme (character offsets).
    quote_start: Mapped[int | None]
    quote_end: Mapped[int | None]


class Coding(Base):
    """A code applied to one post (an idea or a comment), whole or as an excerpt.

    ``analyst_id`` is whose judgement the coding records: the analyst who applied it; for a
    pre-coding from a suggestion, whoever accepted the suggestion until a person confirms
    it, then that person (``reviewed_by`` says who confirmed or rejected it, and when).
    Offsets are in characters (Unicode code points) into the post's body as it was when
    coded; ``excerpt`` keeps that text, so a later amendment does not move it."""

    __tablename__ = "codings"
    __table_args__ = (
        CheckConstraint("(idea_id IS NULL) <> (comment_id IS NULL)", name="one_post"),
        CheckConstraint(
            "(start_offset IS NULL) = (end_offset IS NULL) AND "
            "(start_offset IS NULL) = (excerpt IS NULL) AND "
            "(start_offset IS NULL OR (start_offset >= 0 AND end_offset > start_offset))",
            name="excerpt_span",
        ),
        CheckConstraint("status IN ('confirmed', 'suggested', 'rejected')", name="status_known"),
        CheckConstraint(
            "(reviewed_by IS NULL) = (reviewed_at IS NULL)", name="reviewed_by_and_when"
        ),
        Index("ix_codings_code_id", "code_id"),
        Index("ix_codings_idea_id", "idea_id"),
        Index("ix_codings_comment_id", "comment_id"),
        Index("ix_codings_conversation_id_analyst_id", "conversation_id", "analyst_id"),
        Index("ix_codings_suggestion_id", "suggestion_id"),
        # One analyst applies one code to one span of one post once (rejected ones aside).
        Index(
            "uq_codings_once_per_analyst",
            "code_id",
            "analyst_id",
            "idea_id",
            "comment_id",
            "start_offset",
            "end_offset",
            unique=True,
            postgresql_where=text("status <> 'rejected'"),
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[uuid.UUID] = random_id_column()
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    code_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("codes.id", ondelete="CASCADE"))
    idea_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    comment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE")
    )
    start_offset: Mapped[int | None]
    end_offset: Mapped[int | None]
    excerpt: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=CodingStatus.confirmed.value)
    analyst_id: Mapped[uuid.UUID]
    applied_at: Mapped[datetime] = mapped_column(server_default=func.now())
    suggestion_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("theme_suggestions.id", ondelete="SET NULL")
    )
    reviewed_by: Mapped[uuid.UUID | None]
    reviewed_at: Mapped[datetime | None]
