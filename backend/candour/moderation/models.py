from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base, created_at_column, random_id_column


class TargetKind(StrEnum):
    idea = "idea"
    comment = "comment"


class ItemState(StrEnum):
    open = "open"
    claimed = "claimed"
    resolved = "resolved"


PRIORITY = {"safeguarding": 0, "abusive": 1, "personal": 2, "other": 3}


class ModerationItem(Base):
    """One post waiting for the facilitators, with every reason it is there.

    A post has at most one unresolved item: a second report adds its reason to the first.
    ``priority`` follows the most urgent reason (safeguarding, abuse, personal, other)."""

    __tablename__ = "moderation_items"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'claimed', 'resolved')", name="state_known"),
        CheckConstraint("target_kind IN ('idea', 'comment')", name="target_kind_known"),
        Index(
            "uq_moderation_items_unresolved_target",
            "target_kind",
            "target_id",
            unique=True,
            postgresql_where="state <> 'resolved'",
        ),
        Index("ix_moderation_items_queue", "conversation_id", "state", "priority", "created_at"),
    )

    id: Mapped[uuid.UUID] = random_id_column()
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    target_kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[uuid.UUID]
    priority: Mapped[int]
    # [{"source": "report" | "screening", "category": ..., "detail": ...}]
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    state: Mapped[str] = mapped_column(String(20), default=ItemState.open.value)
    claimed_by: Mapped[uuid.UUID | None]
    claimed_by_label: Mapped[str | None] = mapped_column(String(320))
    decision: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    resolved_at: Mapped[datetime | None]


class AuditEntry(Base):
    """One facilitator decision: who, when, what, why, and the post before and after.

    Append-only: a trigger (see the migration) refuses UPDATE and DELETE."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_conversation_at", "conversation_id", "at"),)

    id: Mapped[uuid.UUID] = random_id_column()
    conversation_id: Mapped[uuid.UUID]
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    actor_id: Mapped[uuid.UUID]
    actor_label: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(40))
    target_kind: Mapped[str | None] = mapped_column(String(10))
    target_id: Mapped[uuid.UUID | None]
    reason_category: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class ScreeningTerm(Base):
    """One word or phrase of the abusive-language list; ``*`` matches any letters."""

    __tablename__ = "screening_terms"

    term: Mapped[str] = mapped_column(String(100), primary_key=True)


class SafeguardingCase(Base):
    """A worry about someone's safety, opened from a post; visible to facilitators only.

    Carries the post author's pseudonym so a support message can reach them; erasure
    clears it, and the case keeps its notes."""

    __tablename__ = "safeguarding_cases"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'closed')", name="state_known"),
        Index(
            "uq_safeguarding_cases_open_target",
            "target_kind",
            "target_id",
            unique=True,
            postgresql_where="state = 'open'",
        ),
    )

    id: Mapped[uuid.UUID] = random_id_column()
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    target_kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[uuid.UUID]
    author_pseudonym: Mapped[bytes | None] = mapped_column(LargeBinary(32), index=True)
    state: Mapped[str] = mapped_column(String(10), default="open")
    opened_at: Mapped[datetime] = created_at_column()
    closed_at: Mapped[datetime | None]


class CaseEntry(Base):
    """One step in a case's history: opened, a note, a support message sent, closed."""

    __tablename__ = "case_entries"
    __table_args__ = (Index("ix_case_entries_case_at", "case_id", "at"),)

    id: Mapped[uuid.UUID] = random_id_column()
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("safeguarding_cases.id", ondelete="CASCADE")
    )
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    actor_label: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(Text)
