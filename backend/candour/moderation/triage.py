"""The queue as facilitators work it: reports from participants, the queue in priority
order, claiming and resolving items, and a post's history of items and decisions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from candour.audit import service as audit
from candour.contributions.lookup import find_contribution
from candour.contributions.models import (
    Comment,
    Idea,
    ReasonCategory,
)
from candour.conversations import service as conversations
from candour.core.settings import Settings
from candour.identity import Caller, RateLimitedAction
from candour.moderation.errors import (
    AlreadyClaimed,
    ItemNotFound,
    ItemResolved,
)
from candour.moderation.records import view
from candour.moderation.schemas import (
    ContributionHistory,
    QueueItemOut,
    ReportOut,
)
from candour.queue.models import PRIORITY, ItemState, ModerationItem, TargetKind
from candour.queue.service import enqueue


async def report(
    session: AsyncSession,
    settings: Settings,
    caller: Caller,
    conversation_id: uuid.UUID,
    kind: TargetKind,
    target_id: uuid.UUID,
    category: ReasonCategory,
    note: str,
) -> ReportOut:
    """A participant reports a post. Who reported is not kept: only the reason."""
    await conversations.get_conversation(session, caller, conversation_id)
    await caller.spend(session, RateLimitedAction.report)
    await find_contribution(session, conversation_id, kind, target_id)
    await enqueue(
        session,
        settings,
        conversation_id,
        kind,
        target_id,
        [{"source": "report", "category": category.value, "detail": note}],
    )
    return ReportOut(detail="Thank you. The facilitators will look at this post.")


async def _items_out(session: AsyncSession, items: list[ModerationItem]) -> list[QueueItemOut]:
    ideas = {
        i.id: i
        for i in await session.scalars(
            select(Idea).where(Idea.id.in_([x.target_id for x in items]))
        )
    }
    comments = {
        c.id: c
        for c in await session.scalars(
            select(Comment).where(Comment.id.in_([x.target_id for x in items]))
        )
    }
    out = []
    for item in items:
        row = (
            ideas.get(item.target_id)
            if item.target_kind == TargetKind.idea
            else comments.get(item.target_id)
        )
        if row is None:
            continue
        out.append(
            QueueItemOut(
                id=item.id,
                conversation_id=item.conversation_id,
                priority=item.priority,
                reasons=item.reasons,
                state=item.state,
                claimed_by=item.claimed_by_label,
                decision=item.decision,
                created_at=item.created_at,
                target=view(row),
            )
        )
    return out


async def list_queue(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    *,
    states: list[ItemState],
    category: ReasonCategory | None,
    limit: int,
) -> list[QueueItemOut]:
    """Safeguarding first, then abuse, personal comments and the rest; oldest first within each."""
    await conversations.get_conversation(session, caller, conversation_id)
    query = select(ModerationItem).where(
        ModerationItem.conversation_id == conversation_id,
        ModerationItem.state.in_([s.value for s in states]),
    )
    if category is not None:
        query = query.where(ModerationItem.priority == PRIORITY[category.value])
    items = (
        await session.scalars(
            query.order_by(ModerationItem.priority, ModerationItem.created_at).limit(limit)
        )
    ).all()
    return await _items_out(session, list(items))


async def _item(session: AsyncSession, item_id: uuid.UUID) -> ModerationItem:
    item = await session.get(ModerationItem, item_id, with_for_update=True)
    if item is None:
        raise ItemNotFound("No such item in the moderation queue.")
    return item


async def claim(session: AsyncSession, caller: Caller, item_id: uuid.UUID) -> QueueItemOut:
    """Take an item so that nobody else works on it; claiming your own claim again is fine."""
    actor = await caller.actor(session)
    item = await _item(session, item_id)
    if item.state == ItemState.resolved:
        raise ItemResolved("This item has already been decided.")
    if item.state == ItemState.claimed and item.claimed_by != actor.id:
        raise AlreadyClaimed(f"{item.claimed_by_label} is already working on this item.")
    item.state, item.claimed_by, item.claimed_by_label = (
        ItemState.claimed.value,
        actor.id,
        actor.label,
    )
    await session.flush()
    return (await _items_out(session, [item]))[0]


async def resolve(
    session: AsyncSession, caller: Caller, item_id: uuid.UUID, decision: str
) -> QueueItemOut:
    actor = await caller.actor(session)
    item = await _item(session, item_id)
    if item.state == ItemState.resolved:
        raise ItemResolved("This item has already been decided.")
    if item.state == ItemState.claimed and item.claimed_by != actor.id:
        raise AlreadyClaimed(
            f"{item.claimed_by_label} is working on this item; only they can close it."
        )
    item.state, item.decision, item.resolved_at = (
        ItemState.resolved.value,
        decision,
        datetime.now(UTC),
    )
    item.claimed_by, item.claimed_by_label = actor.id, actor.label
    row = await find_contribution(
        session, item.conversation_id, TargetKind(item.target_kind), item.target_id
    )
    await audit.record(session, actor, item.conversation_id, "resolve", reason=decision, row=row)
    return (await _items_out(session, [item]))[0]


async def history(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    kind: TargetKind,
    target_id: uuid.UUID,
) -> ContributionHistory:
    await conversations.get_conversation(session, caller, conversation_id)
    row = await find_contribution(session, conversation_id, kind, target_id)
    items = (
        await session.scalars(
            select(ModerationItem)
            .where(ModerationItem.target_kind == kind.value, ModerationItem.target_id == target_id)
            .order_by(ModerationItem.created_at)
        )
    ).all()
    return ContributionHistory(
        target=view(row),
        items=await _items_out(session, list(items)),
        audit=await audit.entries_about(session, kind, target_id),
    )
