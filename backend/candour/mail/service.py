"""Queueing mail, and what is known of its delivery: the functions other code calls."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from candour.mail.models import OutboxMessage, OutboxStatus


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


@dataclass(frozen=True)
class DeliveryTotals:
    """How a family of messages stands: counts only, never who they went to."""

    queued: int  # waiting to be sent, including those being retried
    retrying: int  # of the queued, those that failed at least once
    sent: int
    failed: int  # given up on after the last attempt (dead-lettered)


def _keyed(key_prefix: str) -> ColumnElement[bool]:
    return OutboxMessage.idempotency_key.startswith(key_prefix, autoescape=True)


async def delivery_totals(session: AsyncSession, key_prefix: str) -> DeliveryTotals:
    """Count the messages whose idempotency key starts with ``key_prefix``, by status."""
    pending = OutboxMessage.status == OutboxStatus.pending.value
    row = (
        await session.execute(
            select(
                func.count().filter(pending),
                func.count().filter(pending, OutboxMessage.attempts > 0),
                func.count().filter(OutboxMessage.status == OutboxStatus.delivered.value),
                func.count().filter(OutboxMessage.status == OutboxStatus.dead.value),
            ).where(_keyed(key_prefix))
        )
    ).one()
    return DeliveryTotals(queued=row[0], retrying=row[1], sent=row[2], failed=row[3])


async def clear_dead(session: AsyncSession, key_prefix: str) -> list[str]:
    """Delete the dead-lettered messages whose key starts with ``key_prefix`` and return
    their recipients, each once, for the caller to write to afresh.

    Deleting is what makes a resend happen once: a second caller at the same time waits
    for the rows, finds them gone and gets nothing back."""
    result = await session.execute(
        delete(OutboxMessage)
        .where(_keyed(key_prefix), OutboxMessage.status == OutboxStatus.dead.value)
        .returning(OutboxMessage.recipient)
    )
    return sorted(set(result.scalars().all()))
