"""Ideas and comments as the public sees them. Every public shape is built here, and never
includes the author: ``is_mine`` compares the row with the caller's own pseudonym, and the
text is shown by the one visible-text rule (``models.text_is_shown``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic_core import to_json
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from candour.contributions import queries
from candour.contributions.context import Context
from candour.contributions.models import (
    Comment,
    CommentVote,
    Idea,
    IdeaVote,
    Moderation,
    ReasonCategory,
    Source,
    Status,
    text_is_shown,
)
from candour.contributions.schemas import (
    CommentOut,
    IdeaOut,
)

VOTE_NAME: dict[int, Literal["like", "dislike"]] = {1: "like", -1: "dislike"}

_NOTES = {
    Moderation.held: "Waiting for the facilitators to approve it",
    Moderation.hidden: "Hidden by the facilitators",
    Moderation.removed: "Removed by the facilitators",
    Moderation.merged: "Merged by the facilitators into another idea on the same subject",
}
REASON_WORDS = {
    ReasonCategory.safeguarding: "a safeguarding concern",
    ReasonCategory.abusive: "abusive language",
    ReasonCategory.personal: "a personal comment about someone",
    ReasonCategory.other: "against the conversation's rules",
}


def moderation_note(moderation: str, reason: str | None, amended: bool = False) -> str | None:
    """The short public note where the facilitators changed a post."""
    if moderation == Moderation.visible and not amended:
        return None  # most posts: nothing to say
    note = _NOTES.get(Moderation(moderation))
    if note is None and amended:
        note = "Edited by the facilitators"
    if note and reason and moderation not in (Moderation.held, Moderation.merged):
        return f"{note}: {REASON_WORDS[ReasonCategory(reason)]}"
    return note


def fields_of(idea: Idea) -> dict[str, Any]:
    """An ORM idea in the shape of a row of :mod:`queries`."""
    return {name: getattr(idea, name) for name in queries.IDEA_FIELDS}


def is_mine(ctx: Context, row: Idea | Comment) -> bool:
    return row.author_pseudonym is not None and row.author_pseudonym == ctx.pseudonym


def idea_fields(
    ctx: Context, idea: Mapping[str, Any], my_vote: int | None, mine: bool
) -> dict[str, Any]:
    """An idea as the public sees it: the fields of :class:`IdeaOut`, in its order. The one
    place that decides what of an idea is shown, for :func:`idea_out` and for the busiest
    routes, which send these fields as JSON without building the model (:func:`as_json`).
    ``idea`` has the ``queries.IDEA_FIELDS``: a row of :mod:`queries` or :func:`fields_of`."""
    status, moderation, amended = idea["status"], idea["moderation"], idea["amended"]
    visible = text_is_shown(status, moderation, mine=mine)
    origin_id, merged_into_id = idea["origin_id"], idea["merged_into_id"]
    # Identifiers as text: pydantic's encoder takes a slow path for asyncpg's own UUID type.
    return {
        "like_count": idea["like_count"],
        "dislike_count": idea["dislike_count"],
        "my_vote": VOTE_NAME.get(my_vote or 0),
        "id": str(idea["id"]),
        "conversation_id": str(idea["conversation_id"]),
        "section_id": str(idea["section_id"]),
        "status": status,
        "moderation": moderation,
        "moderation_note": moderation_note(moderation, idea["moderation_reason"], amended),
        "source": idea["source"],
        "title": idea["title"] if visible else None,
        "body": idea["body"] if visible else None,
        "created_at": ctx.coarse(idea["created_at"]),
        "edited": idea["edited_at"] is not None,
        "comment_count": idea["comment_count"],
        "is_mine": mine,
        "amended": amended,
        "origin_id": None if origin_id is None else str(origin_id),
        "merged_into_id": None if merged_into_id is None else str(merged_into_id),
    }


def idea_out(ctx: Context, idea: Mapping[str, Any], my_vote: int | None, mine: bool) -> IdeaOut:
    """:func:`idea_fields` as the model."""
    return IdeaOut(**idea_fields(ctx, idea, my_vote, mine))


def tally_fields(like_count: int, dislike_count: int, my_vote: int) -> dict[str, Any]:
    """A :class:`~candour.contributions.schemas.Tally`'s fields, in its order."""
    return {
        "like_count": like_count,
        "dislike_count": dislike_count,
        "my_vote": VOTE_NAME.get(my_vote),
    }


def as_json(content: dict[str, Any]) -> bytes:
    """The JSON of fields built here (:func:`idea_fields`, :func:`tally_fields`) in a
    response model's shape, as FastAPI would send the model — pydantic's own encoder, so
    the same UUIDs, ``…Z`` datetimes and field order — without validating our own rows a
    second time. ``tests/contributions/test_json_shapes.py`` holds the two to the same
    bytes."""
    return to_json(content)


def comment_out(ctx: Context, comment: Comment, my_vote: int | None) -> CommentOut:
    mine = is_mine(ctx, comment)
    visible = text_is_shown(comment.status, comment.moderation, mine=mine)
    return CommentOut(
        id=comment.id,
        conversation_id=comment.conversation_id,
        idea_id=comment.idea_id,
        parent_id=comment.parent_id,
        status=Status(comment.status),
        moderation=Moderation(comment.moderation),
        moderation_note=moderation_note(
            comment.moderation, comment.moderation_reason, comment.amended
        ),
        source=Source(comment.source),
        body=comment.body if visible else None,
        created_at=ctx.coarse(comment.created_at),
        edited=comment.edited_at is not None,
        like_count=comment.like_count,
        dislike_count=comment.dislike_count,
        my_vote=VOTE_NAME.get(my_vote or 0),
        is_mine=mine,
        amended=comment.amended,
    )


async def my_idea_votes(
    session: AsyncSession, ctx: Context, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    if not ids:
        return {}
    rows = await session.execute(
        select(IdeaVote.idea_id, IdeaVote.value).where(
            IdeaVote.idea_id.in_(ids), IdeaVote.voter_pseudonym == ctx.pseudonym
        )
    )
    return {idea_id: value for idea_id, value in rows}


async def my_comment_votes(
    session: AsyncSession, ctx: Context, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    if not ids:
        return {}
    rows = await session.execute(
        select(CommentVote.comment_id, CommentVote.value).where(
            CommentVote.comment_id.in_(ids), CommentVote.voter_pseudonym == ctx.pseudonym
        )
    )
    return {comment_id: value for comment_id, value in rows}


async def ideas_out(session: AsyncSession, ctx: Context, ideas: Sequence[Idea]) -> list[IdeaOut]:
    votes = await my_idea_votes(session, ctx, [i.id for i in ideas])
    return [
        idea_out(ctx, fields_of(idea), votes.get(idea.id), is_mine(ctx, idea)) for idea in ideas
    ]


async def comments_out(
    session: AsyncSession, ctx: Context, comments: Sequence[Comment]
) -> list[CommentOut]:
    votes = await my_comment_votes(session, ctx, [c.id for c in comments])
    return [comment_out(ctx, comment, votes.get(comment.id)) for comment in comments]
