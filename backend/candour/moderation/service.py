"""Reports, the moderation queue, hide/unhide, paper submissions and the audit log.

Every change to a post is written with an audit entry in the same transaction: a post
never changes without its record, and the record never exists without the change."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from candour.contributions.models import Comment, Idea, Moderation, ReasonCategory, Source
from candour.conversations import service as conversations
from candour.conversations.models import Conversation, Section
from candour.core.errors import FieldProblem, InvalidInput
from candour.core.settings import Settings
from candour.identity import Actor, Caller, RateLimitedAction
from candour.moderation.errors import (
    ActionNotPossible,
    AlreadyClaimed,
    ItemNotFound,
    ItemResolved,
    PaperWindowClosed,
    TargetNotFound,
)
from candour.moderation.models import PRIORITY, AuditEntry, ItemState, ModerationItem, TargetKind
from candour.moderation.queue import enqueue
from candour.moderation.schemas import (
    AuditEntryOut,
    ContributionHistory,
    ContributionView,
    PaperSubmission,
    QueueItemOut,
    ReportOut,
)

_MODELS: dict[TargetKind, type[Idea] | type[Comment]] = {
    TargetKind.idea: Idea,
    TargetKind.comment: Comment,
}


# --- targets and the audit log -----------------------------------------------------------


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


# --- reports and the queue ---------------------------------------------------------------


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
    await target(session, conversation_id, kind, target_id)
    await enqueue(
        session,
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
    row = await target(session, item.conversation_id, TargetKind(item.target_kind), item.target_id)
    await record(session, actor, item.conversation_id, "resolve", reason=decision, row=row)
    return (await _items_out(session, [item]))[0]


# --- actions on posts --------------------------------------------------------------------


async def set_moderation(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    kind: TargetKind,
    target_id: uuid.UUID,
    *,
    to: Moderation,
    category: ReasonCategory | None,
    reason: str,
) -> ContributionView:
    """Hide, unhide (to visible) or approve a held post, with its audit entry."""
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    row = await target(session, conversation_id, kind, target_id, lock=True)
    allowed_from = {
        Moderation.hidden: {Moderation.visible, Moderation.held},
        Moderation.visible: {Moderation.hidden, Moderation.held},
    }[to]
    if row.moderation == Moderation.removed:
        raise ActionNotPossible("This post has been removed; it cannot be changed any more.")
    if row.moderation not in allowed_from:
        raise ActionNotPossible(f"This post is {row.moderation} already.")
    before = snapshot(row)
    row.moderation = to.value
    row.moderation_reason = category.value if category else None
    await session.flush()
    action = {Moderation.hidden: "hide", Moderation.visible: "unhide"}[to]
    if to == Moderation.visible and before["moderation"] == Moderation.held:
        action = "approve"
    await record(
        session,
        actor,
        conversation_id,
        action,
        reason=reason,
        row=row,
        category=category,
        before=before,
        after=snapshot(row),
    )
    return view(row)


async def history(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    kind: TargetKind,
    target_id: uuid.UUID,
) -> ContributionHistory:
    await conversations.get_conversation(session, caller, conversation_id)
    row = await target(session, conversation_id, kind, target_id)
    items = (
        await session.scalars(
            select(ModerationItem)
            .where(ModerationItem.target_kind == kind.value, ModerationItem.target_id == target_id)
            .order_by(ModerationItem.created_at)
        )
    ).all()
    entries = (
        await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.target_kind == kind.value, AuditEntry.target_id == target_id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    ).all()
    return ContributionHistory(
        target=view(row),
        items=await _items_out(session, list(items)),
        audit=[audit_out(e) for e in entries],
    )


# --- paper submissions -------------------------------------------------------------------


async def create_paper_submission(
    session: AsyncSession,
    settings: Settings,
    caller: Caller,
    conversation_id: uuid.UUID,
    data: PaperSubmission,
) -> ContributionView:
    """Enter a paper form: marked as from paper, with no author, accepted from the opening
    until ``paper_grace_days`` after the close."""
    actor = await caller.actor(session)
    conversation = await conversations.get_conversation(session, caller, conversation_id)
    _require_paper_window(settings, conversation)
    row: Idea | Comment
    if data.kind == TargetKind.idea:
        section = await session.get(Section, data.section_id)
        if section is None or section.conversation_id != conversation_id:
            raise InvalidInput(
                "There is no such section in this conversation.",
                errors=[
                    FieldProblem(
                        field="body.section_id", message="unknown section", code="unknown_section"
                    )
                ],
            )
        assert data.title is not None
        row = Idea(
            id=uuid.uuid4(),
            conversation_id=conversation_id,
            section_id=section.id,
            author_pseudonym=None,
            source=Source.paper.value,
            title=data.title,
            body=data.body,
        )
    else:
        assert data.idea_id is not None
        idea = await target(session, conversation_id, TargetKind.idea, data.idea_id, lock=True)
        if data.parent_id is not None:
            parent = await target(session, conversation_id, TargetKind.comment, data.parent_id)
            if (
                not isinstance(parent, Comment)
                or parent.idea_id != idea.id
                or parent.parent_id is not None
            ):
                raise InvalidInput(
                    "A reply must answer a top-level comment on the same idea.",
                    errors=[
                        FieldProblem(
                            field="body.parent_id",
                            message="not a top-level comment here",
                            code="bad_parent",
                        )
                    ],
                )
        row = Comment(
            id=uuid.uuid4(),
            conversation_id=conversation_id,
            idea_id=idea.id,
            parent_id=data.parent_id,
            author_pseudonym=None,
            source=Source.paper.value,
            body=data.body,
        )
        await session.execute(
            update(Idea).where(Idea.id == idea.id).values(comment_count=Idea.comment_count + 1)
        )
    session.add(row)
    await session.flush()
    reason = data.note or "Entered from a paper form"
    await record(
        session,
        actor,
        conversation_id,
        "paper_submission",
        reason=reason,
        row=row,
        after=snapshot(row),
    )
    return view(row)


def _require_paper_window(settings: Settings, conversation: Conversation) -> None:
    now = datetime.now(UTC)
    if now < conversation.opens_at:
        raise PaperWindowClosed("The conversation has not opened yet.")
    last_day = conversation.closes_at + timedelta(days=settings.paper_grace_days)
    if now >= last_day:
        raise PaperWindowClosed(
            f"Paper forms could be entered until {last_day:%d %B %Y %H:%M} UTC, "
            f"{settings.paper_grace_days} days after the close."
        )


# --- the audit log -----------------------------------------------------------------------


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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AUDIT_COLUMNS)
    for e in entries:
        target = [e.target_kind or "", e.target_id or "", e.reason_category or ""]
        row = [
            e.at.isoformat(),
            e.actor,
            e.action,
            *target,
            e.reason,
            _json(e.before),
            _json(e.after),
        ]
        writer.writerow(row)
    return buffer.getvalue()


def _json(value: dict[str, Any] | None) -> str:
    import json

    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
