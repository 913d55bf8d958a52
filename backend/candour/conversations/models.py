from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base, created_at_column, random_id_column


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="window_ordered"),)

    id: Mapped[uuid.UUID] = random_id_column()
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    # An IANA name such as Europe/London, for showing the window in local time.
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    created_at: Mapped[datetime] = created_at_column()
