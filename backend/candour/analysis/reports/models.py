from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base, random_id_column


class ReportVersion(Base):
    """A published summary report: the whole report as it stood, frozen as JSON, so what
    sponsors read never changes when posts, votes or moderation move on.

    Versions count 1, 2, … per conversation. The publisher is a member of staff, recorded
    as the audit log records its actors (their id and the label staff see); participants
    appear nowhere in a report."""

    __tablename__ = "report_versions"
    __table_args__ = (
        UniqueConstraint("conversation_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[uuid.UUID] = random_id_column()
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    version: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(server_default=func.now())
    published_by_id: Mapped[uuid.UUID]
    published_by_label: Mapped[str] = mapped_column(String(320))
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
