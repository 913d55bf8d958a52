"""Paper submissions: forms typed in by a facilitator, attributed to no one, within the
conversation's window and its paper grace period."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from candour.audit.service import record
from candour.contributions.lookup import find_contribution
from candour.contributions.models import (
    Comment,
    Idea,
    Source,
)
from candour.conversations import service as conversations
from candour.conversations.models import Conversation, Section
from candour.core.database import floored_now
from candour.core.errors import FieldProblem, InvalidInput
from candour.core.settings import Settings
from candour.identity import Caller
from candour.moderation.errors import (
    PaperWindowClosed,
)
from candour.moderation.records import snapshot, view
from candour.moderation.schemas import (
    ContributionView,
    PaperSubmission,
)
from candour.queue.models import TargetKind


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
            created_at=floored_now(settings.public_time_granularity_seconds),
        )
    else:
        assert data.idea_id is not None
        idea = await find_contribution(
            session, conversation_id, TargetKind.idea, data.idea_id, lock=True
        )
        if data.parent_id is not None:
            parent = await find_contribution(
                session, conversation_id, TargetKind.comment, data.parent_id
            )
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
            created_at=floored_now(settings.public_time_granularity_seconds),
        )
        await session.execute(
            update(Idea).where(Idea.id == idea.id).values(comment_count=Idea.comment_count + 1)
        )
    session.add(row)
    await session.flush()
    await session.refresh(row)  # created_at was computed by the database
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
