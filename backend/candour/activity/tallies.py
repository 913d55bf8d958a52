"""Section vote tallies: the count of votes each section holds, written once per tally
round for the day it is on the conversation's calendar (a later round that day overwrites
it). Votes carry no time in Candour, by design; these tallies are how a day's votes are
known without one."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import Select, func, literal, select, union_all
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from candour.activity.models import SectionVoteTally
from candour.contributions.models import Comment, Idea
from candour.conversations.models import Conversation, Section

# A conversation is tallied until a day after it closes: its last votes land on its last day.
TALLY_AFTER_CLOSE = timedelta(days=1)


def _votes_held_by_section(conversation_id: uuid.UUID) -> Select[uuid.UUID, int]:
    """(section_id, votes): likes and dislikes held now on each section's ideas and comments,
    from the counters the vote path maintains (passes, 0, are no like or dislike)."""
    held = union_all(
        select(Idea.section_id, (Idea.like_count + Idea.dislike_count).label("votes")).where(
            Idea.conversation_id == conversation_id
        ),
        select(Idea.section_id, (Comment.like_count + Comment.dislike_count).label("votes"))
        .join(Idea, Idea.id == Comment.idea_id)
        .where(Comment.conversation_id == conversation_id),
    ).subquery()
    return (
        select(Section.id.label("section_id"), func.coalesce(func.sum(held.c.votes), 0))
        .select_from(Section)
        .outerjoin(held, held.c.section_id == Section.id)
        .where(Section.conversation_id == conversation_id)
        .group_by(Section.id)
    )


async def tally(session: AsyncSession, conversation: Conversation) -> dict[uuid.UUID, int]:
    """Write today's tally of every section of one conversation; return the votes each
    section holds now."""
    today = func.date(func.timezone(conversation.time_zone, func.now()))
    counts = _votes_held_by_section(conversation.id).subquery()
    rows = select(
        counts.c.section_id,
        today,
        literal(conversation.id),
        func.cast(counts.c[1], SectionVoteTally.votes.type),
        func.now(),
    )
    upsert = insert(SectionVoteTally).from_select(
        ["section_id", "day", "conversation_id", "votes", "counted_at"], rows
    )
    written = await session.execute(
        upsert.on_conflict_do_update(
            index_elements=[SectionVoteTally.section_id, SectionVoteTally.day],
            set_={"votes": upsert.excluded.votes, "counted_at": upsert.excluded.counted_at},
        ).returning(SectionVoteTally.section_id, SectionVoteTally.votes)
    )
    return {section_id: votes for section_id, votes in written}


async def tally_live_conversations(session: AsyncSession) -> int:
    """One round for every conversation that is open (or closed less than a day ago)."""
    live = (
        await session.scalars(
            select(Conversation).where(
                Conversation.opens_at <= func.now(),
                Conversation.closes_at > func.now() - TALLY_AFTER_CLOSE,
            )
        )
    ).all()
    for conversation in live:
        await tally(session, conversation)
    return len(live)
