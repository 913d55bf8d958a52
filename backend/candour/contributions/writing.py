"""Posting, editing and withdrawing ideas and comments. Each new or edited post is
screened on arrival (``candour.queue.screening``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from candour.contributions.context import Context, require_open_to_responses, require_writer
from candour.contributions.errors import (
    ContributionNotFound,
    ContributionWithdrawn,
    NotYourContribution,
    ReplyTooDeep,
)
from candour.contributions.models import (
    Comment,
    Idea,
    Moderation,
    Status,
    kind_of,
)
from candour.contributions.reading import find_idea, require_section
from candour.contributions.schemas import (
    CommentCreate,
    CommentOut,
    CommentUpdate,
    IdeaCreate,
    IdeaOut,
    IdeaUpdate,
)
from candour.contributions.shapes import (
    comments_out,
    ideas_out,
)
from candour.core.database import floored_now
from candour.core.errors import FieldProblem
from candour.identity import RateLimitedAction
from candour.queue import screening


async def create_idea(
    session: AsyncSession, ctx: Context, data: IdeaCreate, idempotency_key: str | None
) -> tuple[IdeaOut, bool]:
    """Post an idea; with an idempotency key, a retry returns the first idea (created=False)."""
    await require_writer(session, ctx, RateLimitedAction.post)
    await require_section(session, ctx, data.section_id)
    values = {
        "id": uuid.uuid4(),
        "conversation_id": ctx.conversation.id,
        "section_id": data.section_id,
        "author_pseudonym": ctx.pseudonym,
        "title": data.title,
        "body": data.body,
        "idempotency_key": idempotency_key,
        "created_at": floored_now(ctx.settings.public_time_granularity_seconds),
    }
    statement = insert(Idea).values(values)
    if idempotency_key is not None:
        statement = statement.on_conflict_do_nothing(constraint="uq_ideas_author_idempotency_key")
    created_id = await session.scalar(statement.returning(Idea.id))
    if created_id is None:
        existing = await session.scalar(
            select(Idea).where(
                Idea.author_pseudonym == ctx.pseudonym, Idea.idempotency_key == idempotency_key
            )
        )
        assert existing is not None
        return (await ideas_out(session, ctx, [existing]))[0], False
    idea = await find_idea(session, ctx, created_id)
    await _screen(session, ctx, idea)
    return (await ideas_out(session, ctx, [idea]))[0], True


async def _screen(session: AsyncSession, ctx: Context, row: Idea | Comment) -> None:
    """Screen a new or edited post; flagged posts join the queue, and in a pre-moderated
    conversation they are held until a facilitator approves them."""
    text = f"{row.title}\n{row.body}" if isinstance(row, Idea) else row.body
    hits = await screening.screen_post(
        session, ctx.settings, ctx.conversation.id, kind_of(row), row.id, text
    )
    if hits and ctx.conversation.moderation_mode == "pre" and row.moderation == Moderation.visible:
        row.moderation = Moderation.held.value
        await session.flush()


def _require_own_and_published(ctx: Context, row: Idea | Comment) -> None:
    if row.author_pseudonym is None or row.author_pseudonym != ctx.pseudonym:
        raise NotYourContribution("You can only change your own posts.")
    if row.status != Status.published:
        raise ContributionWithdrawn("This post has been withdrawn and can no longer be changed.")
    if row.moderation in (Moderation.hidden, Moderation.removed):
        raise ContributionWithdrawn(
            "The facilitators have taken this post down; it can no longer be changed."
        )


async def update_idea(
    session: AsyncSession, ctx: Context, idea_id: uuid.UUID, data: IdeaUpdate
) -> IdeaOut:
    await require_writer(session, ctx)
    idea = await find_idea(session, ctx, idea_id, lock=True)
    _require_own_and_published(ctx, idea)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(idea, name, value)
    idea.edited_at = datetime.now(UTC)
    await session.flush()
    await session.refresh(idea)
    await _screen(session, ctx, idea)
    return (await ideas_out(session, ctx, [idea]))[0]


async def withdraw_idea(session: AsyncSession, ctx: Context, idea_id: uuid.UUID) -> IdeaOut:
    """The idea leaves every list; its comments stay readable under an empty placeholder."""
    await require_writer(session, ctx)
    idea = await find_idea(session, ctx, idea_id, lock=True)
    _require_own_and_published(ctx, idea)
    idea.status = Status.withdrawn.value
    await session.flush()
    return (await ideas_out(session, ctx, [idea]))[0]


async def _comment(
    session: AsyncSession, ctx: Context, comment_id: uuid.UUID, *, lock: bool = False
) -> Comment:
    comment = await session.get(Comment, comment_id, with_for_update=lock)
    if comment is None or comment.conversation_id != ctx.conversation.id:
        raise ContributionNotFound("No such comment in this conversation.")
    return comment


async def create_comment(
    session: AsyncSession,
    ctx: Context,
    idea_id: uuid.UUID,
    data: CommentCreate,
    idempotency_key: str | None,
) -> tuple[CommentOut, bool]:
    await require_writer(session, ctx, RateLimitedAction.post)
    idea = await find_idea(session, ctx, idea_id)
    require_open_to_responses(idea.status, idea.moderation, "new comments")
    if data.parent_id is not None:
        parent = await _comment(session, ctx, data.parent_id)
        if parent.idea_id != idea_id:
            raise ReplyTooDeep(
                "You can only reply to a comment on the same idea.",
                errors=[
                    FieldProblem(
                        field="body.parent_id",
                        message="not a comment on this idea",
                        code="wrong_idea",
                    )
                ],
            )
        if parent.parent_id is not None:
            raise ReplyTooDeep(
                "Replies go one level deep: reply to the comment this reply answers.",
                errors=[
                    FieldProblem(
                        field="body.parent_id", message="is itself a reply", code="reply_too_deep"
                    )
                ],
            )
    statement = insert(Comment).values(
        id=uuid.uuid4(),
        conversation_id=ctx.conversation.id,
        idea_id=idea_id,
        parent_id=data.parent_id,
        author_pseudonym=ctx.pseudonym,
        body=data.body,
        idempotency_key=idempotency_key,
        created_at=floored_now(ctx.settings.public_time_granularity_seconds),
    )
    if idempotency_key is not None:
        statement = statement.on_conflict_do_nothing(
            constraint="uq_comments_author_idempotency_key"
        )
    created_id = await session.scalar(statement.returning(Comment.id))
    if created_id is None:
        existing = await session.scalar(
            select(Comment).where(
                Comment.author_pseudonym == ctx.pseudonym,
                Comment.idempotency_key == idempotency_key,
            )
        )
        assert existing is not None
        return (await comments_out(session, ctx, [existing]))[0], False
    await session.execute(
        update(Idea).where(Idea.id == idea_id).values(comment_count=Idea.comment_count + 1)
    )
    comment = await _comment(session, ctx, created_id)
    await _screen(session, ctx, comment)
    return (await comments_out(session, ctx, [comment]))[0], True


async def update_comment(
    session: AsyncSession, ctx: Context, comment_id: uuid.UUID, data: CommentUpdate
) -> CommentOut:
    await require_writer(session, ctx)
    comment = await _comment(session, ctx, comment_id, lock=True)
    _require_own_and_published(ctx, comment)
    comment.body = data.body
    comment.edited_at = datetime.now(UTC)
    await session.flush()
    await _screen(session, ctx, comment)
    return (await comments_out(session, ctx, [comment]))[0]


async def withdraw_comment(
    session: AsyncSession, ctx: Context, comment_id: uuid.UUID
) -> CommentOut:
    await require_writer(session, ctx)
    comment = await _comment(session, ctx, comment_id, lock=True)
    _require_own_and_published(ctx, comment)
    comment.status = Status.withdrawn.value
    await session.execute(
        update(Idea).where(Idea.id == comment.idea_id).values(comment_count=Idea.comment_count - 1)
    )
    await session.flush()
    return (await comments_out(session, ctx, [comment]))[0]
