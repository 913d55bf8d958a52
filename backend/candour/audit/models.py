from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base, random_id_column


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
