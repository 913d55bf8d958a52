"""Visits: each sign-in of a participant counts once for every conversation they take part
in, on that conversation's own calendar day. Only the count per day is kept, so the admins'
participation figures can say "84 visits on Tuesday" and never who visited or when in the
day (an hour would let a sign-in be paired with a post's public hour)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, literal, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from candour.identity.enrolment import CONVERSATIONS
from candour.identity.models import Account, DailyVisits, Membership, Role


async def count_visit(session: AsyncSession, account: Account) -> None:
    """One visit, today in each of the person's conversations' time zones. Staff are not
    participants: their sign-ins are not visits."""
    if account.role != Role.participant:
        return
    todays = (
        select(
            Membership.conversation_id,
            func.date(func.timezone(CONVERSATIONS.c.time_zone, func.now())).label("day"),
            literal(1).label("visits"),
        )
        .join(CONVERSATIONS, CONVERSATIONS.c.id == Membership.conversation_id)
        .where(Membership.account_id == account.id)
    )
    upsert = insert(DailyVisits).from_select(["conversation_id", "day", "visits"], todays)
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=[DailyVisits.conversation_id, DailyVisits.day],
            set_={"visits": DailyVisits.visits + 1},
        )
    )


async def visits_per_day(session: AsyncSession, conversation_id: uuid.UUID) -> dict[date, int]:
    rows = await session.execute(
        select(DailyVisits.day, DailyVisits.visits).where(
            DailyVisits.conversation_id == conversation_id
        )
    )
    return {day: visits for day, visits in rows}


async def member_count(session: AsyncSession, conversation_id: uuid.UUID) -> int:
    """How many people may take part (staff are not members)."""
    count = await session.scalar(
        select(func.count()).where(Membership.conversation_id == conversation_id)
    )
    return int(count or 0)
