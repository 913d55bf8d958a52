"""Likes and dislikes: one vote per participant per idea or comment, replaced in place,
answered with the exact new counts."""

from __future__ import annotations

import uuid

from candour.contributions import queries
from candour.contributions.context import Context, require_open_to_responses, require_writer
from candour.contributions.errors import (
    ContributionNotFound,
)
from candour.contributions.schemas import VoteChoice
from candour.contributions.shapes import as_json, tally_fields
from candour.core.prepared import Executor, Prepared
from candour.identity import RateLimitedAction

_VOTE_VALUE = {VoteChoice.like: 1, VoteChoice.dislike: -1, VoteChoice.none: 0}


async def vote_idea(
    session: Executor, ctx: Context, idea_id: uuid.UUID, choice: VoteChoice
) -> bytes:
    """The JSON of a :class:`~candour.contributions.schemas.Tally` (see ``shapes.as_json``)."""
    return await _vote(
        session, ctx, idea_id, choice, "idea", queries.LOCK_IDEA, queries.VOTE_ON_IDEA
    )


async def vote_comment(
    session: Executor, ctx: Context, comment_id: uuid.UUID, choice: VoteChoice
) -> bytes:
    """The JSON of a :class:`~candour.contributions.schemas.Tally` (see ``shapes.as_json``)."""
    return await _vote(
        session, ctx, comment_id, choice, "comment", queries.LOCK_COMMENT, queries.VOTE_ON_COMMENT
    )


async def _vote(
    session: Executor,
    ctx: Context,
    item_id: uuid.UUID,
    choice: VoteChoice,
    noun: str,
    lock: Prepared,
    vote: Prepared,
) -> bytes:
    """Count the vote against the rate limit and lock the idea or comment (one statement),
    then replace the caller's vote and return its exact new counts (a second one)."""
    await require_writer(session, ctx)
    allowance = ctx.caller.allowance(RateLimitedAction.vote)
    item = await lock.fetch_one(
        session, {**allowance.params, "item_id": item_id, "conversation_id": ctx.conversation.id}
    )
    assert item is not None  # the count always has its row
    allowance.check(item["spent"])
    if item["status"] is None:
        raise ContributionNotFound(f"No such {noun} in this conversation.")
    require_open_to_responses(item["status"], item["moderation"], "votes")
    value = _VOTE_VALUE[choice]
    counts = await vote.fetch_one(
        session, {"item_id": item_id, "me": ctx.pseudonym, "new_value": value}
    )
    assert counts is not None  # the item is locked: it is still there
    return as_json(tally_fields(counts["like_count"], counts["dislike_count"], value))
