"""Who has worked on a conversation's coding: the staff behind the account ids that codings,
frame versions and theme suggestions record, with the names colleagues know them by (staff
act in their own name; only participants are anonymous)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from candour import identity
from candour.analysis.coding.models import (
    Coding,
    CodingStatus,
    FrameVersion,
    ThemeSuggestion,
    ThemeSuggestionRun,
)
from candour.analysis.coding.schemas import AnalystList, AnalystOut
from candour.conversations import service as conversations
from candour.identity import Caller


async def list_analysts(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID
) -> AnalystList:
    await conversations.get_conversation(session, caller, conversation_id)
    me = (await caller.actor(session)).id
    confirmed = func.count().filter(Coding.status == CodingStatus.confirmed)
    codings = dict(
        (
            await session.execute(
                select(Coding.analyst_id, confirmed)
                .where(Coding.conversation_id == conversation_id)
                .group_by(Coding.analyst_id)
            )
        ).all()
    )
    others = union_all(
        select(Coding.reviewed_by.label("id")).where(
            Coding.conversation_id == conversation_id, Coding.reviewed_by.is_not(None)
        ),
        select(FrameVersion.actor_id).where(FrameVersion.conversation_id == conversation_id),
        select(ThemeSuggestionRun.requested_by).where(
            ThemeSuggestionRun.conversation_id == conversation_id
        ),
        select(ThemeSuggestion.decided_by).where(
            ThemeSuggestion.conversation_id == conversation_id,
            ThemeSuggestion.decided_by.is_not(None),
        ),
        select(literal(me)),
    ).subquery()
    ids = set(codings) | set((await session.scalars(select(others.c.id).distinct())).all())
    labels = await identity.staff_labels(session, ids)
    analysts = [
        AnalystOut(
            id=account_id,
            label=labels[account_id],
            confirmed_codings=int(codings.get(account_id, 0)),
            you=account_id == me,
        )
        for account_id in ids
    ]
    analysts.sort(key=lambda a: (not a.you, -a.confirmed_codings, a.label.casefold(), a.id))
    return AnalystList(analysts=analysts)
