from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base, created_at_column, random_id_column

# Below five, a breakdown by staff group or site starts to point at people.
MIN_GROUP_SIZE_FLOOR = 5
DEFAULT_MIN_GROUP_SIZE = 10


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="window_ordered"),
        CheckConstraint("moderation_mode IN ('post', 'pre')", name="moderation_mode_known"),
        CheckConstraint(f"min_group_size >= {MIN_GROUP_SIZE_FLOOR}", name="min_group_size_floor"),
        CheckConstraint("retention_days >= 0", name="retention_days_not_negative"),
    )

    id: Mapped[uuid.UUID] = random_id_column()
    title: Mapped[str] = mapped_column(String(200))
    introduction: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    # An IANA name such as Europe/London, for showing the window in local time.
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    # "post": screened posts appear at once and join the queue; "pre": posts that screening
    # flags are held until a facilitator approves them.
    moderation_mode: Mapped[str] = mapped_column(String(10), default="post", server_default="post")
    # When the facilitators' work is finished; personal data goes a set time after it.
    # NULL means "at closing".
    completed_at: Mapped[datetime | None]
    # Days after completion until the participants' personal data is deleted; NULL means
    # the platform's default (settings.retention_days).
    retention_days: Mapped[int | None]
    # Set by the retention job once this conversation's personal data is gone.
    retention_done_at: Mapped[datetime | None]
    # A new address under one of these domains may ask for a sign-in link and joins this
    # conversation (while it has not closed). Lower case, no "@".
    allowed_email_domains: Mapped[list[str]] = mapped_column(
        ARRAY(String(253)), default=list, server_default=text("'{}'")
    )
    # Reports never show a group of participants (a staff group, a site) smaller than this.
    min_group_size: Mapped[int] = mapped_column(
        default=DEFAULT_MIN_GROUP_SIZE, server_default=str(DEFAULT_MIN_GROUP_SIZE)
    )
    created_at: Mapped[datetime] = created_at_column()

    @property
    def effective_completed_at(self) -> datetime:
        return self.completed_at or self.closes_at


class Section(Base):
    """A topic that groups ideas, in the order the facilitators set."""

    __tablename__ = "sections"

    id: Mapped[uuid.UUID] = random_id_column()
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int]
    created_at: Mapped[datetime] = created_at_column()


class PageKind(StrEnum):
    faq = "faq"
    privacy = "privacy"
    support = "support"


class Page(Base):
    """A conversation's FAQ, privacy notice or support services: sanitised HTML."""

    __tablename__ = "pages"
    __table_args__ = (CheckConstraint("kind IN ('faq', 'privacy', 'support')", name="kind_known"),)

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body_html: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
