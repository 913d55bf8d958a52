from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from candour.conversations.models import Conversation
from candour.conversations.schemas import ConversationCreate, ConversationOut
from candour.core.errors import NotFound
from candour.identity import Caller, Role

_STAFF_ROLES = {Role.facilitator, Role.sponsor, Role.admin}


def to_out(conversation: Conversation, now: datetime | None = None) -> ConversationOut:
    now = now or datetime.now(UTC)
    return ConversationOut(
        id=conversation.id,
        title=conversation.title,
        introduction=conversation.introduction,
        opens_at=conversation.opens_at,
        closes_at=conversation.closes_at,
        time_zone=conversation.time_zone,
        is_open=conversation.opens_at <= now < conversation.closes_at,
    )


async def create_conversation(session: AsyncSession, data: ConversationCreate) -> Conversation:
    conversation = Conversation(id=uuid.uuid4(), **data.model_dump())
    session.add(conversation)
    await session.flush()
    return conversation


async def list_conversations(session: AsyncSession, caller: Caller) -> list[Conversation]:
    query = select(Conversation).order_by(Conversation.opens_at.desc(), Conversation.id)
    if caller.role not in _STAFF_ROLES:
        query = query.where(Conversation.id.in_(await caller.conversation_ids(session)))
    return list((await session.scalars(query)).all())


async def get_conversation(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID
) -> Conversation:
    """A conversation the caller may read; 404 (not 403) otherwise, so that its
    existence stays private."""
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None or (
        caller.role not in _STAFF_ROLES and not await caller.takes_part_in(session, conversation_id)
    ):
        raise NotFound("No such conversation, or you are not taking part in it.")
    return conversation
