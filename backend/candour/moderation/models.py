from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base, created_at_column, random_id_column


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
