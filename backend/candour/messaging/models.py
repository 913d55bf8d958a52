from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base, created_at_column, random_id_column


class Direction(StrEnum):
    to_author = "to_author"
    from_author = "from_author"


class MessageThread(Base):
    """A conversation between the facilitators and the (unknown) author of one post."""

    __tablename__ = "message_threads"
    __table_args__ = (
        CheckConstraint("target_kind IN ('idea', 'comment')", name="target_kind_known"),
        Index("ix_message_threads_author_pseudonym", "author_pseudonym"),
        Index("ix_message_threads_conversation_id", "conversation_id"),
    )

    id: Mapped[uuid.UUID] = random_id_column()
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    target_kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[uuid.UUID]
    author_pseudonym: Mapped[bytes] = mapped_column(LargeBinary(32))
    subject: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at_column()


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint("direction IN ('to_author', 'from_author')", name="direction_known"),
        Index("ix_messages_thread", "thread_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = random_id_column()
    thread_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("message_threads.id", ondelete="CASCADE")
    )
    direction: Mapped[str] = mapped_column(String(20))
    # The facilitator's name on messages to the author; NULL on the author's replies.
    sender_label: Mapped[str | None] = mapped_column(String(320))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    read_at: Mapped[datetime | None]
