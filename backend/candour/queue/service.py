"""Putting posts in the moderation queue, or adding reasons to the item a post already has.
Used by screening on arrival and by participants' reports (from moderation)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from candour.core.database import floored_now
from candour.core.settings import Settings
from candour.queue.models import PRIORITY, ItemState, ModerationItem, TargetKind


async def enqueue(
    session: AsyncSession,
    settings: Settings,
    conversation_id: uuid.UUID,
    kind: TargetKind,
    target_id: uuid.UUID,
    reasons: list[dict[str, Any]],
) -> None:
    """Put a post in the queue, or add reasons to the unresolved item it already has.
    The item's priority is that of its most urgent reason. Its time is floored like a
    post's: a report or a screened post would otherwise time a participant's act."""
    if not reasons:
        return
    priority = min(PRIORITY[r["category"]] for r in reasons)
    statement = insert(ModerationItem).values(
        id=uuid.uuid4(),
        conversation_id=conversation_id,
        target_kind=kind.value,
        target_id=target_id,
        priority=priority,
        reasons=reasons,
        state=ItemState.open.value,
        created_at=floored_now(settings.public_time_granularity_seconds),
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["target_kind", "target_id"],
            # Literal, so PostgreSQL can match it to the partial unique index.
            index_where=text("state <> 'resolved'"),
            set_={
                "reasons": ModerationItem.reasons.op("||")(statement.excluded.reasons),
                "priority": func.least(ModerationItem.priority, statement.excluded.priority),
            },
        )
    )
