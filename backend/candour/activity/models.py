from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, func
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base


class SectionVoteTally(Base):
    """The votes a section held (likes and dislikes on its ideas and comments) when last
    counted on a day of the conversation's calendar. Votes carry no time in Candour, so the
    votes of a day are the difference between one day's last count and the day before's."""

    __tablename__ = "section_vote_tallies"

    section_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    votes: Mapped[int]
    counted_at: Mapped[datetime] = mapped_column(server_default=func.now())
