"""Participation figures for the people who run a conversation: counts per day and per
section, computed by PostgreSQL (one grouped statement for posts and posters, the tallies
for votes), never a row per person in Python."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Label, distinct, func, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from candour import identity
from candour.activity import tallies
from candour.activity.models import SectionVoteTally
from candour.activity.schemas import (
    ConversationDay,
    DayCounts,
    Participation,
    ParticipationTotals,
    SectionParticipation,
)
from candour.contributions.models import Comment, Idea
from candour.conversations.models import Conversation, Section
from candour.conversations.service import get_conversation
from candour.identity import Caller

_Key = tuple[date | None, uuid.UUID | None]


async def participation(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID
) -> Participation:
    conversation = await get_conversation(session, caller, conversation_id)
    # Today's tally is also what each section holds now.
    held_now = await tallies.tally(session, conversation)
    zone = conversation.time_zone
    days = _calendar(conversation, datetime.now(UTC))
    sections = (
        await session.scalars(
            select(Section)
            .where(Section.conversation_id == conversation_id)
            .order_by(Section.position, Section.id)
        )
    ).all()
    written = await _posts_and_posters(session, conversation_id, zone)
    votes_by_day = await _votes_by_day(session, conversation_id)
    visits = await identity.visits_per_day(session, conversation_id)

    def counts(key: _Key) -> tuple[int, int]:
        return written.get(key, (0, 0))

    section_rows = [
        SectionParticipation(
            section_id=section.id,
            title=section.title,
            posts=counts((None, section.id))[0],
            posters=counts((None, section.id))[1],
            votes=held_now.get(section.id, 0),
            days=[
                DayCounts(
                    day=day,
                    posts=counts((day, section.id))[0],
                    posters=counts((day, section.id))[1],
                    votes=votes_by_day.get((day, section.id), 0),
                )
                for day in days
            ],
        )
        for section in sections
    ]
    return Participation(
        conversation_id=conversation_id,
        time_zone=zone,
        counted_at=datetime.now(UTC),
        totals=ParticipationTotals(
            members=await identity.member_count(session, conversation_id),
            visits=sum(visits.values()),
            posts=counts((None, None))[0],
            posters=counts((None, None))[1],
            votes=sum(held_now.values()),
        ),
        days=[
            ConversationDay(
                day=day,
                visits=visits.get(day, 0),
                posts=counts((day, None))[0],
                posters=counts((day, None))[1],
                votes=sum(votes_by_day.get((day, s.id), 0) for s in sections),
            )
            for day in days
        ],
        sections=section_rows,
    )


def _calendar(conversation: Conversation, now: datetime) -> list[date]:
    """The conversation's days from its opening to today, or to its close once closed."""
    zone = ZoneInfo(conversation.time_zone)
    if now < conversation.opens_at:
        return []
    first = conversation.opens_at.astimezone(zone).date()
    end = min(now, conversation.closes_at - timedelta(microseconds=1))
    last = end.astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


async def _posts_and_posters(
    session: AsyncSession, conversation_id: uuid.UUID, zone: str
) -> dict[_Key, tuple[int, int]]:
    """(posts, distinct posters) per (day, section), per day, per section and overall — one
    statement with grouping sets, because distinct counts do not add up.

    Posts are what people wrote, whatever became of them since (withdrawn, hidden, merged);
    the ideas a facilitator's split made are not new posts. Paper submissions have no
    author pseudonym, so they count as posts but not as posters."""

    def local_day(created_at: InstrumentedAttribute[datetime]) -> Label[date]:
        return func.date(func.timezone(zone, created_at), type_=Date).label("day")

    written = union_all(
        select(local_day(Idea.created_at), Idea.section_id, Idea.author_pseudonym).where(
            Idea.conversation_id == conversation_id, Idea.origin_id.is_(None)
        ),
        select(local_day(Comment.created_at), Idea.section_id, Comment.author_pseudonym)
        .join(Idea, Idea.id == Comment.idea_id)
        .where(Comment.conversation_id == conversation_id),
    ).subquery()
    day, section = written.c.day, written.c.section_id
    rows = await session.execute(
        select(day, section, func.count(), func.count(distinct(written.c.author_pseudonym)))
        .select_from(written)
        .group_by(func.grouping_sets(tuple_(day, section), tuple_(day), tuple_(section), tuple_()))
    )
    return {(d, s): (int(posts), int(posters)) for d, s, posts, posters in rows}


async def _votes_by_day(
    session: AsyncSession, conversation_id: uuid.UUID
) -> dict[tuple[date, uuid.UUID], int]:
    """Each section's tally on a day minus its previous tally (zero before the first)."""
    rows = await session.execute(
        select(SectionVoteTally.section_id, SectionVoteTally.day, SectionVoteTally.votes)
        .where(SectionVoteTally.conversation_id == conversation_id)
        .order_by(SectionVoteTally.section_id, SectionVoteTally.day)
    )
    previous: dict[uuid.UUID, int] = defaultdict(int)
    per_day: dict[tuple[date, uuid.UUID], int] = {}
    for section_id, day, votes in rows:
        per_day[(day, section_id)] = votes - previous[section_id]
        previous[section_id] = votes
    return per_day
