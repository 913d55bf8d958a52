from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base, random_id_column


class RetentionRun(Base):
    """What one retention pass deleted for one conversation, for the admins' record."""

    __tablename__ = "retention_runs"

    id: Mapped[uuid.UUID] = random_id_column()
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    trigger: Mapped[str] = mapped_column(String(20))
    ran_at: Mapped[datetime] = mapped_column(server_default=func.now())
    accounts_deleted: Mapped[int]
    memberships_deleted: Mapped[int]
    links_deleted: Mapped[int]
    mails_deleted: Mapped[int]
