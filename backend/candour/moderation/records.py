"""The pieces every facilitator action shares: finding the post, snapshotting it, and
writing the audit entry. Imports no other moderation module, so messaging can use it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from candour.contributions.models import Comment, Idea, ReasonCategory
from candour.identity import Actor
from candour.moderation.errors import TargetNotFound
from candour.moderation.models import AuditEntry, TargetKind
from candour.moderation.schemas import AuditEntryOut, ContributionView

_MODELS: dict[TargetKind, Any] = {TargetKind.idea: Idea, TargetKind.comment: Comment}


async def target(
    session: AsyncSession,
    conversation_id: uuid.UUID,
    kind: TargetKind,
    target_id: uuid.UUID,
    *,
    lock: bool = False,
) -> Idea | Comment:
    row: Idea | Comment | None = await session.get(_MODELS[kind], target_id, with_for_update=lock)
    if row is None or row.conversation_id != conversation_id:
        raise TargetNotFound(f"No such {kind.value} in this conversation.")
    return row


def snapshot(row: Idea | Comment) -> dict[str, Any]:
    """The parts of a post an action can change, for the audit log's before and after."""
    state: dict[str, Any] = {
        "body": row.body,
        "status": row.status,
        "moderation": row.moderation,
        "moderation_reason": row.moderation_reason,
    }
    if isinstance(row, Idea):
        state |= {"title": row.title, "section_id": str(row.section_id)}
    return state


def view(row: Idea | Comment) -> ContributionView:
    is_idea = isinstance(row, Idea)
    return ContributionView(
        kind=TargetKind.idea if is_idea else TargetKind.comment,
        id=row.id,
        idea_id=None if isinstance(row, Idea) else row.idea_id,
        section_id=row.section_id if isinstance(row, Idea) else None,
        title=row.title if isinstance(row, Idea) else None,
        body=row.body,
        status=row.status,
        moderation=row.moderation,
        moderation_reason=row.moderation_reason,
        source=row.source,
        created_at=row.created_at,
    )


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
            target_kind=None
            if row is None
            else (TargetKind.idea if isinstance(row, Idea) else TargetKind.comment).value,
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
