"""Facilitator actions that change how one post is shown: hide, unhide, amend, remove.

Every change to a post is written with an audit entry in the same transaction: a post
never changes without its record, and the record never exists without the change."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from candour.audit.service import record
from candour.contributions.lookup import find_contribution
from candour.contributions.models import (
    Comment,
    Idea,
    Moderation,
    ReasonCategory,
)
from candour.contributions.shapes import REASON_WORDS
from candour.conversations import service as conversations
from candour.core.errors import FieldProblem, InvalidInput
from candour.core.settings import Settings
from candour.identity import AuthorUnreachable, Caller
from candour.messaging import service as messaging
from candour.moderation.errors import (
    ActionNotPossible,
)
from candour.moderation.records import snapshot, view
from candour.moderation.schemas import (
    AmendRequest,
    ContributionView,
    Removed,
    RemoveRequest,
)
from candour.queue.models import TargetKind


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
    row = await find_contribution(session, conversation_id, kind, target_id, lock=True)
    allowed_from = {
        Moderation.hidden: {Moderation.visible, Moderation.held},
        Moderation.visible: {Moderation.hidden, Moderation.held},
    }[to]
    require_changeable(row)
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


def require_changeable(row: Idea | Comment) -> None:
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
    row = await find_contribution(session, conversation_id, kind, target_id, lock=True)
    require_changeable(row)
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
    row = await find_contribution(session, conversation_id, kind, target_id, lock=True)
    require_changeable(row)
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
