"""Writing and showing audit entries. The actor is named (facilitators act in their own
name); the post's author never is."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from candour.audit.models import AuditEntry
from candour.audit.schemas import AuditEntryOut
from candour.contributions.models import Comment, Idea, ReasonCategory, kind_of
from candour.conversations import service as conversations
from candour.core.csvfiles import csv_text
from candour.identity import Actor, Caller
from candour.queue.models import TargetKind


async def record(
    session: AsyncSession,
    actor: Actor,
    conversation_id: uuid.UUID,
    action: str,
    *,
    reason: str,
    row: Idea | Comment | None = None,
    category: ReasonCategory | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            id=uuid.uuid4(),
            conversation_id=conversation_id,
            actor_id=actor.id,
            actor_label=actor.label,
            action=action,
            target_kind=None if row is None else kind_of(row).value,
            target_id=None if row is None else row.id,
            reason_category=category.value if category else None,
            reason=reason,
            before=before,
            after=after,
        )
    )
    await session.flush()


def audit_out(entry: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        id=entry.id,
        at=entry.at,
        actor=entry.actor_label,
        action=entry.action,
        target_kind=entry.target_kind,
        target_id=entry.target_id,
        reason_category=entry.reason_category,
        reason=entry.reason,
        before=entry.before,
        after=entry.after,
    )


async def entries_about(
    session: AsyncSession, kind: TargetKind, target_id: uuid.UUID
) -> list[AuditEntryOut]:
    """Every decision about one post, oldest first."""
    entries = await session.scalars(
        select(AuditEntry)
        .where(AuditEntry.target_kind == kind.value, AuditEntry.target_id == target_id)
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return [audit_out(e) for e in entries]


async def list_audit(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    *,
    action: str | None,
    target_id: uuid.UUID | None,
    since: datetime | None,
    until: datetime | None,
) -> list[AuditEntryOut]:
    await conversations.get_conversation(session, caller, conversation_id)
    query = select(AuditEntry).where(AuditEntry.conversation_id == conversation_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if target_id:
        query = query.where(AuditEntry.target_id == target_id)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    entries = (await session.scalars(query.order_by(AuditEntry.at, AuditEntry.id))).all()
    return [audit_out(e) for e in entries]


AUDIT_COLUMNS = [
    "at",
    "actor",
    "action",
    "target_kind",
    "target_id",
    "reason_category",
    "reason",
    "before",
    "after",
]


def audit_csv(entries: list[AuditEntryOut]) -> str:
    return csv_text(
        AUDIT_COLUMNS,
        (
            dict(
                zip(
                    AUDIT_COLUMNS,
                    [
                        e.at.isoformat(),
                        e.actor,
                        e.action,
                        e.target_kind,
                        e.target_id,
                        e.reason_category,
                        e.reason,
                        _json(e.before),
                        _json(e.after),
                    ],
                    strict=True,
                )
            )
            for e in entries
        ),
    )


def _json(value: dict[str, Any] | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
