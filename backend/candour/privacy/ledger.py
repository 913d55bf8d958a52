"""The erasure ledger: what was forgotten, kept so that a restored backup forgets it again.

A backup taken before an erasure or a retention run still holds those people; restoring it
would bring them back. Every erasure and retention run therefore leaves an entry, written
twice:

- in the table ``erasure_ledger``, in the same transaction as the forgetting, so a backup
  taken afterwards carries it;
- as a JSON line appended (and fsync'd) to a file outside the database
  (``Settings.resolved_erasure_ledger_file``), so a backup taken *before* still gets it.

An entry holds no personal data: an erasure is a keyed hash of the account id
(:func:`candour.identity.erasure_token`, under a key that is never in the database) and
whether the posts were withdrawn; a retention run is the conversation's id. Both carry the
time, so ``candour restore`` can re-apply them in the order they happened
(:func:`reapply`). Re-applying is idempotent: someone already gone is not found, and
retention forgets whoever is left.

The file line is written before the transaction commits. Should the transaction then fail,
the file holds an erasure the person asked for (or a retention run that was due) which did
not happen: a restore would do it. That is the direction to err in.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Boolean, CheckConstraint, LargeBinary, String, Uuid, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from candour import identity
from candour.contributions.lifecycle import withdraw_everything_by
from candour.conversations.models import Conversation
from candour.core.database import Base
from candour.core.settings import Settings
from candour.moderation import cases
from candour.privacy.models import RetentionRun

logger = logging.getLogger("candour.privacy.ledger")


class LedgerKind(StrEnum):
    erasure = "erasure"
    retention = "retention"


class LedgerEntry(Base):
    """One erasure or retention run, with nothing in it that names a person."""

    __tablename__ = "erasure_ledger"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'erasure' AND account_token IS NOT NULL AND posts_withdrawn IS NOT NULL"
            " AND conversation_id IS NULL) OR (kind = 'retention' AND conversation_id IS NOT"
            " NULL AND account_token IS NULL AND posts_withdrawn IS NULL)",
            name="shape",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    recorded_at: Mapped[datetime]
    # HMAC-SHA256 of the account id under the pseudonym key, with a purpose of its own.
    account_token: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    posts_withdrawn: Mapped[bool | None] = mapped_column(Boolean)
    # No foreign key: the entry must outlive a deleted conversation.
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


# --- writing -----------------------------------------------------------------------------


def _as_line(entry: LedgerEntry) -> str:
    fields: dict[str, object] = {
        "id": str(entry.id),
        "kind": entry.kind,
        "recorded_at": entry.recorded_at.isoformat(),
    }
    if entry.kind == LedgerKind.erasure:
        assert entry.account_token is not None
        fields |= {
            "account_token": entry.account_token.hex(),
            "posts_withdrawn": entry.posts_withdrawn,
        }
    else:
        fields["conversation_id"] = str(entry.conversation_id)
    return json.dumps(fields, separators=(",", ":")) + "\n"


def _append(path: Path, line: str) -> None:
    """Append one line durably; one ``write`` with O_APPEND, so processes do not interleave."""
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    data = line.encode()
    try:
        if os.write(descriptor, data) != len(data):  # a full disk: fail, as for any error
            raise OSError(f"short write to {path}")
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    if created:  # the new name must survive a crash too
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


async def _record(session: AsyncSession, settings: Settings, entry: LedgerEntry) -> None:
    _append(settings.resolved_erasure_ledger_file, _as_line(entry))
    session.add(entry)
    await session.flush()


async def record_erasure(
    session: AsyncSession, settings: Settings, person: identity.Person, *, posts_withdrawn: bool
) -> None:
    """Call in the erasure's transaction, before the account is deleted."""
    await _record(
        session,
        settings,
        LedgerEntry(
            id=uuid.uuid4(),
            kind=LedgerKind.erasure.value,
            recorded_at=datetime.now(UTC),
            account_token=identity.erasure_token(settings, person),
            posts_withdrawn=posts_withdrawn,
        ),
    )


async def record_retention(
    session: AsyncSession, settings: Settings, conversation_id: uuid.UUID
) -> None:
    """Call in the retention run's transaction."""
    await _record(
        session,
        settings,
        LedgerEntry(
            id=uuid.uuid4(),
            kind=LedgerKind.retention.value,
            recorded_at=datetime.now(UTC),
            conversation_id=conversation_id,
        ),
    )


# --- reading and re-applying -------------------------------------------------------------


@dataclass(frozen=True)
class FileEntries:
    entries: list[LedgerEntry]
    unreadable: int


def read_file(path: Path) -> FileEntries:
    """The file's entries; a line that does not parse (a write cut short) is counted, skipped."""
    if not path.exists():
        return FileEntries([], 0)
    entries, unreadable = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
            kind = LedgerKind(fields["kind"])
            token = fields.get("account_token")
            conversation = fields.get("conversation_id")
            entries.append(
                LedgerEntry(
                    id=uuid.UUID(fields["id"]),
                    kind=kind.value,
                    recorded_at=datetime.fromisoformat(fields["recorded_at"]),
                    account_token=bytes.fromhex(token) if kind == LedgerKind.erasure else None,
                    posts_withdrawn=(
                        bool(fields["posts_withdrawn"]) if kind == LedgerKind.erasure else None
                    ),
                    conversation_id=(
                        uuid.UUID(conversation) if kind == LedgerKind.retention else None
                    ),
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            unreadable += 1
    return FileEntries(entries, unreadable)


@dataclass(frozen=True)
class Reapplied:
    """What a restore did again (counts only)."""

    entries: int
    from_file_only: int
    unreadable_lines: int
    accounts_erased: int
    erasures_with_posts_withdrawn: int
    retention_runs: int
    accounts_forgotten_by_retention: int


async def _erase_again(
    session: AsyncSession, person: identity.Person, settings: Settings, *, withdraw: bool
) -> None:
    # The steps of privacy.service's erasure, without recording it a second time.
    pseudonyms = list(person.pseudonyms.values())
    if withdraw:
        await withdraw_everything_by(session, pseudonyms)
    await cases.forget_authors(session, pseudonyms)
    await identity.erase_person(session, settings, person)


async def _retain_again(
    session: AsyncSession, settings: Settings, conversation_id: uuid.UUID
) -> int | None:
    """Accounts forgotten, or None when the restored data has no such conversation."""
    conversation = await session.get(Conversation, conversation_id, with_for_update=True)
    if conversation is None:  # deleted since, or newer than the backup: nobody to forget
        return None
    forgotten = await identity.forget_participants_of(session, settings, conversation_id)
    if conversation.retention_done_at is None:  # the backup predates the run
        conversation.retention_done_at = datetime.now(UTC)
        session.add(
            RetentionRun(
                id=uuid.uuid4(),
                conversation_id=conversation_id,
                trigger="restore",
                accounts_deleted=forgotten.accounts,
                memberships_deleted=forgotten.memberships,
                links_deleted=forgotten.links,
                mails_deleted=forgotten.mails,
            )
        )
    return forgotten.accounts


async def reapply(session: AsyncSession, settings: Settings, from_file: FileEntries) -> Reapplied:
    """Re-apply every entry of the table and of the file, oldest first, in this transaction;
    then make the table hold the file's entries too."""
    in_table = {e.id: e for e in (await session.scalars(select(LedgerEntry))).all()}
    file_only = [e for e in from_file.entries if e.id not in in_table]
    entries = sorted([*in_table.values(), *file_only], key=lambda e: (e.recorded_at, e.id))
    erased = withdrawn = retention_runs = retained_accounts = 0
    index = await identity.erasure_index(session, settings)
    for entry in entries:
        if entry.kind == LedgerKind.erasure:
            assert entry.account_token is not None
            # The person is made now, not before the loop: what an earlier retention run
            # took away (a membership, so those posts) this erasure could not reach either.
            person = await index.person(session, settings, entry.account_token)
            if person is None:
                continue
            await _erase_again(session, person, settings, withdraw=bool(entry.posts_withdrawn))
            erased += 1
            withdrawn += bool(entry.posts_withdrawn)
        else:
            assert entry.conversation_id is not None
            accounts = await _retain_again(session, settings, entry.conversation_id)
            if accounts is not None:
                retention_runs += 1
                retained_accounts += accounts
    if file_only:
        await session.execute(
            insert(LedgerEntry)
            .values(
                [
                    {
                        "id": e.id,
                        "kind": e.kind,
                        "recorded_at": e.recorded_at,
                        "account_token": e.account_token,
                        "posts_withdrawn": e.posts_withdrawn,
                        "conversation_id": e.conversation_id,
                    }
                    for e in file_only
                ]
            )
            .on_conflict_do_nothing(index_elements=["id"])
        )
    logger.info("erasure ledger re-applied: %d entries", len(entries))
    return Reapplied(
        entries=len(entries),
        from_file_only=len(file_only),
        unreadable_lines=from_file.unreadable,
        accounts_erased=erased,
        erasures_with_posts_withdrawn=withdrawn,
        retention_runs=retention_runs,
        accounts_forgotten_by_retention=retained_accounts,
    )
