"""Queueing mail: the functions other code calls."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from candour.mail.models import OutboxMessage


async def enqueue(
    session: AsyncSession, *, idempotency_key: str, recipient: str, subject: str, body: str
) -> bool:
    """Queue one email in the caller's transaction; False when that key was queued before."""
    statement = (
        insert(OutboxMessage)
        .values(idempotency_key=idempotency_key, recipient=recipient, subject=subject, body=body)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(OutboxMessage.id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def enqueue_many(session: AsyncSession, messages: list[dict[str, str]]) -> None:
    """Queue many emails in one statement (imports of thousands of staff)."""
    if messages:
        statement = insert(OutboxMessage).on_conflict_do_nothing(index_elements=["idempotency_key"])
        await session.execute(statement, messages)


async def forget_recipients(session: AsyncSession, addresses: list[str]) -> int:
    """Delete every message to these addresses, queued or sent: after erasure or retention
    the outbox must not remember who was written to. Returns how many went."""
    if not addresses:
        return 0
    result = await session.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.recipient.in_(addresses))
        .returning(OutboxMessage.id)
    )
    return len(result.all())
