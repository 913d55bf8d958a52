"""Reports, the moderation queue, hide/unhide, paper submissions and the audit log.

Every change to a post is written with an audit entry in the same transaction: a post
never changes without its record, and the record never exists without the change."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from candour.contributions.models import (
    Comment,
    Idea,
    IdeaVote,
    Moderation,
    ReasonCategory,
    Source,
)
from candour.contributions.service import REASON_WORDS
from candour.conversations import service as conversations
from candour.conversations.models import Conversation, Section
from candour.core.csvfiles import csv_text
from candour.core.errors import FieldProblem, InvalidInput
from candour.core.settings import Settings
from candour.identity import AuthorUnreachable, Caller, RateLimitedAction
from candour.messaging import service as messaging
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
from candour.moderation.records import audit_out, record, snapshot, target, view
from candour.moderation.schemas import (
    AmendRequest,
    AuditEntryOut,
    ContributionHistory,
    ContributionView,
    MergeRequest,
    MoveRequest,
    PaperSubmission,
    QueueItemOut,
    Removed,
    RemoveRequest,
    ReportOut,
    SplitRequest,
    SplitResult,
)

_MODELS: dict[TargetKind, type[Idea] | type[Comment]] = {
    TargetKind.idea: Idea,
    TargetKind.comment: Comment,
}


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
    _require_changeable(row)
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
    import json

    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


# --- amend, remove, move, split, merge ---------------------------------------------------


def _require_changeable(row: Idea | Comment) -> None:
    if row.moderation in (Moderation.removed, Moderation.merged):
        raise ActionNotPossible(
            f"This post has been {row.moderation}; it cannot be changed any more."
        )


async def amend(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    kind: TargetKind,
    target_id: uuid.UUID,
    data: AmendRequest,
) -> ContributionView:
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    row = await target(session, conversation_id, kind, target_id, lock=True)
    _require_changeable(row)
    if data.title is not None and not isinstance(row, Idea):
        raise InvalidInput(
            "Only ideas have a title.",
            errors=[
                FieldProblem(field="body.title", message="comments have no title", code="no_title")
            ],
        )
    before = snapshot(row)
    if isinstance(row, Idea) and data.title is not None:
        row.title = data.title
    row.body = data.body
    row.amended = True
    row.moderation_reason = data.category.value
    await session.flush()
    await session.refresh(row)
    after = snapshot(row)
    await record(
        session, actor, conversation_id, "amend", reason=data.reason, row=row,
        category=data.category, before=before, after=after,
    )  # fmt: skip
    return view(row)


REMOVAL_TEMPLATE = (
    "Your post \u201c{excerpt}\u201d has been removed by the facilitators because it broke the "
    "conversation's rules ({reason}). You are welcome to post again, keeping to the rules. "
    "If you think this was a mistake, reply to this message."
)


async def remove(
    session: AsyncSession,
    settings: Settings,
    caller: Caller,
    conversation_id: uuid.UUID,
    kind: TargetKind,
    target_id: uuid.UUID,
    data: RemoveRequest,
) -> Removed:
    """Remove an abusive post for good and, from a template, tell its author why. A post
    whose author cannot be reached (paper, erased) is still removed, and the answer says so."""
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    row = await target(session, conversation_id, kind, target_id, lock=True)
    _require_changeable(row)
    before = snapshot(row)
    row.moderation = Moderation.removed.value
    row.moderation_reason = data.category.value
    await session.flush()
    after = snapshot(row)
    await record(
        session, actor, conversation_id, "remove", reason=data.reason, row=row,
        category=data.category, before=before, after=after,
    )  # fmt: skip
    if not data.message_author:
        return Removed(
            target=view(row), author_notified=False, detail="Removed; the author was not told."
        )
    if row.author_pseudonym is None:
        return Removed(
            target=view(row),
            author_notified=False,
            detail="Removed; paper submissions have no author.",
        )
    excerpt = row.title if isinstance(row, Idea) else row.body[:80]
    message = data.message or REMOVAL_TEMPLATE.format(
        excerpt=excerpt, reason=REASON_WORDS[data.category]
    )
    try:
        async with session.begin_nested():
            await messaging.message_author(
                session,
                settings,
                caller,
                conversation_id,
                kind,
                target_id,
                "Your post was removed",
                message,
            )
    except AuthorUnreachable:
        return Removed(
            target=view(row),
            author_notified=False,
            detail="Removed; the author can no longer be reached.",
        )
    return Removed(
        target=view(row), author_notified=True, detail="Removed, and the author was told why."
    )


async def move_idea(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    idea_id: uuid.UUID,
    data: MoveRequest,
) -> ContributionView:
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    idea = await target(session, conversation_id, TargetKind.idea, idea_id, lock=True)
    assert isinstance(idea, Idea)
    _require_changeable(idea)
    section = await _section_in(session, conversation_id, data.section_id)
    if section.id == idea.section_id:
        raise ActionNotPossible("The idea is in that section already.")
    before = snapshot(idea)
    idea.section_id = section.id
    await session.flush()
    await record(
        session,
        actor,
        conversation_id,
        "move",
        reason=data.reason,
        row=idea,
        before=before,
        after=snapshot(idea),
    )
    return view(idea)


async def _section_in(
    session: AsyncSession, conversation_id: uuid.UUID, section_id: uuid.UUID
) -> Section:
    section = await session.get(Section, section_id)
    if section is None or section.conversation_id != conversation_id:
        raise InvalidInput(
            "There is no such section in this conversation.",
            errors=[
                FieldProblem(
                    field="body.section_id", message="unknown section", code="unknown_section"
                )
            ],
        )
    return section


async def split_idea(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    idea_id: uuid.UUID,
    data: SplitRequest,
) -> SplitResult:
    """The kept part stays the original idea (its id, votes and comments); every other part
    becomes a new idea by the same (unknown) author, linked to the original."""
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    idea = await target(session, conversation_id, TargetKind.idea, idea_id, lock=True)
    assert isinstance(idea, Idea)
    _require_changeable(idea)
    before = snapshot(idea)
    sections = [
        await _section_in(session, conversation_id, p.section_id or idea.section_id)
        for p in data.parts
    ]
    kept = data.parts[data.keep_votes_on]
    idea.title, idea.body = kept.title, kept.body
    idea.section_id = sections[data.keep_votes_on].id
    new_parts = []
    for index, part in enumerate(data.parts):
        if index == data.keep_votes_on:
            continue
        new = Idea(
            id=uuid.uuid4(),
            conversation_id=conversation_id,
            section_id=sections[index].id,
            author_pseudonym=idea.author_pseudonym,
            source=idea.source,
            title=part.title,
            body=part.body,
            origin_id=idea.id,
            created_at=idea.created_at,
        )
        session.add(new)
        new_parts.append(new)
    await session.flush()
    await session.refresh(idea)
    await record(
        session, actor, conversation_id, "split", reason=data.reason, row=idea, before=before,
        after={**snapshot(idea), "new_parts": [str(p.id) for p in new_parts]},
    )  # fmt: skip
    return SplitResult(kept=view(idea), new_parts=[view(p) for p in new_parts])


async def merge_ideas(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    into_id: uuid.UUID,
    data: MergeRequest,
) -> ContributionView:
    """Fold duplicates into one idea without counting anyone twice."""
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    if into_id in data.source_ids or len(set(data.source_ids)) != len(data.source_ids):
        raise InvalidInput(
            "An idea cannot be merged into itself, and each duplicate is named once.",
            errors=[
                FieldProblem(
                    field="body.source_ids",
                    message="names the target or a repeat",
                    code="bad_merge",
                )
            ],
        )
    # Lock every idea involved in id order, as erasure and voting do, to avoid deadlocks.
    ids = sorted([into_id, *data.source_ids])
    locked = {
        i.id: i
        for i in await session.scalars(
            select(Idea).where(Idea.id.in_(ids)).order_by(Idea.id).with_for_update()
        )
    }
    for idea_id in ids:
        if idea_id not in locked or locked[idea_id].conversation_id != conversation_id:
            raise TargetNotFound(f"No idea {idea_id} in this conversation.")
        _require_changeable(locked[idea_id])
    into = locked[into_id]
    before = snapshot(into)
    sources = data.source_ids
    # A voter on both keeps the vote on ``into``; others' votes move over.
    kept = aliased(IdeaVote)
    already_on_into = (
        select(kept.voter_pseudonym)
        .where(kept.idea_id == into_id, kept.voter_pseudonym == IdeaVote.voter_pseudonym)
        .exists()
    )
    movable = (
        select(IdeaVote.voter_pseudonym, func.min(IdeaVote.idea_id.cast(String)).label("idea_id"))
        .where(IdeaVote.idea_id.in_(sources), ~already_on_into)
        .group_by(IdeaVote.voter_pseudonym)
        .subquery()
    )
    # Someone who voted on two duplicates (and not on ``into``) moves one of their votes.
    await session.execute(
        update(IdeaVote)
        .where(
            IdeaVote.voter_pseudonym == movable.c.voter_pseudonym,
            IdeaVote.idea_id.cast(String) == movable.c.idea_id,
        )
        .values(idea_id=into_id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(delete(IdeaVote).where(IdeaVote.idea_id.in_(sources)))
    await session.execute(
        update(Comment).where(Comment.idea_id.in_(sources)).values(idea_id=into_id)
    )
    await session.execute(
        update(Idea)
        .where(Idea.id.in_(sources))
        .values(
            moderation=Moderation.merged.value,
            merged_into_id=into_id,
            like_count=0,
            dislike_count=0,
            comment_count=0,
        )
    )
    likes, dislikes = (
        await session.execute(
            select(
                func.count().filter(IdeaVote.value == 1), func.count().filter(IdeaVote.value == -1)
            ).where(IdeaVote.idea_id == into_id)
        )
    ).one()
    comments = await session.scalar(
        select(func.count()).where(Comment.idea_id == into_id, Comment.status == "published")
    )
    into.like_count, into.dislike_count, into.comment_count = likes, dislikes, comments or 0
    await session.flush()
    await session.refresh(into)
    await record(
        session, actor, conversation_id, "merge", reason=data.reason, row=into, before=before,
        after={**snapshot(into), "merged": [str(s) for s in sources]},
    )  # fmt: skip
    return view(into)
