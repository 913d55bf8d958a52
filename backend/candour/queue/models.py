"""The queue's tables: posts waiting for a facilitator, and the abusive-language list that
screening reads."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base, acted_at_column, random_id_column


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
    created_at: Mapped[datetime] = acted_at_column()
    resolved_at: Mapped[datetime | None]


class ScreeningTerm(Base):
    """One word or phrase of the abusive-language list; ``*`` matches any letters."""

    __tablename__ = "screening_terms"

    term: Mapped[str] = mapped_column(String(100), primary_key=True)
