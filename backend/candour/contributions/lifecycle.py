"""What erasure and export need from contributions, by pseudonym."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from candour.contributions.models import Comment, CommentVote, Idea, IdeaVote, Status


async def withdraw_everything_by(session: AsyncSession, pseudonyms: Sequence[bytes]) -> None:
    """Withdraw every idea and comment by these pseudonyms and take their votes out of the
    counts, keeping every maintained counter exact.

    Every row whose counters change is locked first, in id order, so two erasures running
    at once queue behind each other instead of deadlocking."""
    if not pseudonyms:
        return
    idea_ids = union(
        select(Idea.id).where(Idea.author_pseudonym.in_(pseudonyms)),
        select(Comment.idea_id).where(Comment.author_pseudonym.in_(pseudonyms)),
        select(IdeaVote.idea_id).where(IdeaVote.voter_pseudonym.in_(pseudonyms)),
    )
    await session.execute(
        select(Idea.id).where(Idea.id.in_(idea_ids)).order_by(Idea.id).with_for_update()
    )
    comment_ids = (
        select(Comment.id)
        .where(Comment.author_pseudonym.in_(pseudonyms))
        .union(select(CommentVote.comment_id).where(CommentVote.voter_pseudonym.in_(pseudonyms)))
    )
    await session.execute(
        select(Comment.id).where(Comment.id.in_(comment_ids)).order_by(Comment.id).with_for_update()
    )
    await session.execute(
        update(Idea)
        .where(Idea.author_pseudonym.in_(pseudonyms), Idea.status == Status.published.value)
        .values(status=Status.withdrawn.value)
    )
    published = (
        select(Comment.idea_id, func.count().label("n"))
        .where(Comment.author_pseudonym.in_(pseudonyms), Comment.status == Status.published.value)
        .group_by(Comment.idea_id)
        .subquery()
    )
    await session.execute(
        update(Idea)
        .where(Idea.id == published.c.idea_id)
        .values(comment_count=Idea.comment_count - published.c.n)
    )
    await session.execute(
        update(Comment)
        .where(Comment.author_pseudonym.in_(pseudonyms), Comment.status == Status.published.value)
        .values(status=Status.withdrawn.value)
    )
    for item, vote, key in (
        (Idea, IdeaVote, IdeaVote.idea_id),
        (Comment, CommentVote, CommentVote.comment_id),
    ):
        tallies = (
            select(
                key.label("item_id"),
                func.count().filter(vote.value == 1).label("likes"),
                func.count().filter(vote.value == -1).label("dislikes"),
            )
            .where(vote.voter_pseudonym.in_(pseudonyms))
            .group_by(key)
            .subquery()
        )
        await session.execute(
            update(item)
            .where(item.id == tallies.c.item_id)
            .values(
                like_count=item.like_count - tallies.c.likes,
                dislike_count=item.dislike_count - tallies.c.dislikes,
            )
        )
        await session.execute(delete(vote).where(vote.voter_pseudonym.in_(pseudonyms)))
