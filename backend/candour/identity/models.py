"""The identity tables: the only place personal data lives.

Content and votes elsewhere carry just an opaque pseudonym (see ``pseudonyms.py``);
nothing in those tables points back here.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Computed,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from candour.core.database import Base, created_at_column, random_id_column


class Role(StrEnum):
    participant = "participant"
    facilitator = "facilitator"
    sponsor = "sponsor"
    admin = "admin"


def name_key_sql(value: str) -> str:
    """How names are compared, as SQL over ``value``: lower case, and every run of
    characters other than letters, digits and apostrophes made one space ("Anne-Marie
    O'Brien" and "anne marie o'brien" compare equal). Applied by PostgreSQL to the stored
    names and to the words of a post alike, so the two cannot disagree."""
    # Written as PostgreSQL prints it back, so Alembic sees the generated column unchanged.
    return (
        f"TRIM(BOTH FROM regexp_replace(lower(({value})::text), "
        "'[^[:alnum:]'']+'::text, ' '::text, 'g'::text))"
    )


class Account(Base):
    """A person who may sign in: their address, name, role and password hash."""

    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(
            "role IN ('participant', 'facilitator', 'sponsor', 'admin')", name="role_known"
        ),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        # Screening looks a post's runs of words up here (``staff_names``): an index lookup
        # per post, whatever the size of the staff list. One-word names are not looked for.
        Index("ix_accounts_name_key", "name_key"),
    )

    id: Mapped[uuid.UUID] = random_id_column()
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    # Kept by PostgreSQL from display_name, so every writer (import, erasure) keeps it right.
    name_key: Mapped[str | None] = mapped_column(
        Text, Computed(name_key_sql("display_name"), persisted=True)
    )
    role: Mapped[str] = mapped_column(String(20), default=Role.participant.value)
    # Non-identifying attributes (staff group, site), used only in aggregate.
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    password_hash: Mapped[str | None] = mapped_column(Text)
    # Part of every session token; bumping it revokes every session at once.
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = created_at_column()


class Membership(Base):
    """Which conversations a person takes part in."""

    __tablename__ = "memberships"

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class DailyVisits(Base):
    """How many times a conversation's participants signed in on each day of its own time
    zone. A count, never whose: nothing here points at an account."""

    __tablename__ = "daily_visits"

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    visits: Mapped[int] = mapped_column(default=0, server_default="0")


class SignInToken(Base):
    """A one-time sign-in link, stored only as the SHA-256 of its token."""

    __tablename__ = "sign_in_tokens"

    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(20))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at_column()


class AuthorLink(Base):
    """The relay's way back from a pseudonym to a person, sealed under the relay key.

    Deliberately no creation time and no serial key: rows are written in pseudonym order
    when people join a conversation, so neither time nor physical order lines up with the
    content they later write.
    """

    __tablename__ = "author_links"

    pseudonym: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    conversation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    sealed_account_id: Mapped[bytes] = mapped_column(LargeBinary)


class SignInFailure(Base):
    """A failed sign-in, counted per account and per client to throttle guessing."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_key_failed_at", "key_hash", "failed_at"),)

    id: Mapped[uuid.UUID] = random_id_column()
    key_hash: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ActionCounter(Base):
    """How many posts (or votes …) one person made in the current window, for rate limits.

    Keyed by a keyed hash of person and action, so the table names nobody; old windows are
    dropped as new ones start."""

    __tablename__ = "action_counters"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


PERSONAL_DATA_TABLES = frozenset(
    {
        "accounts",
        "memberships",
        "sign_in_tokens",
        "author_links",
        "sign_in_failures",
        "action_counters",
    }
)
