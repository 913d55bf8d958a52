from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base


class PolisImport(Base):
    """A conversation made from a Pol.is open-data export: where it came from (Pol.is data
    is CC BY 4.0, so its attribution travels with it) and what the files held."""

    __tablename__ = "polis_imports"

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    attribution: Mapped[str] = mapped_column(Text, default="", server_default="")
    imported_at: Mapped[datetime] = mapped_column(server_default=func.now())
    statements: Mapped[int]
    hidden_statements: Mapped[int]
    participants: Mapped[int]
    votes: Mapped[int]
    passes: Mapped[int]
    # Rows of votes.csv replaced by a later vote of the same person on the same statement
    # (the file is a log; only the latest vote is kept).
    superseded_votes: Mapped[int]
