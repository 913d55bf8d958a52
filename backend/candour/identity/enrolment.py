"""Enrolment: making people members of a conversation and writing their relay links.

The one place that writes ``memberships`` and ``author_links`` together, so every way in
(the admin's import, a newcomer asking for a sign-in link) leaves the same rows behind,
written in an order that says nothing about who is who.
"""

from __future__ import annotations

import uuid

from sqlalchemy import column, func, select, table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from candour.core.errors import NotFound
from candour.core.settings import Settings
from candour.identity.models import AuthorLink, Membership
from candour.identity.pseudonyms import pseudonym_for, seal_account_id

# The conversations domain's table, read-only, as identity needs it (the domains above may
# import identity, not the other way round).
CONVERSATIONS = table(
    "conversations",
    column("id"),
    column("closes_at"),
    column("time_zone"),
    column("allowed_email_domains"),
)


async def require_conversation(session: AsyncSession, conversation_id: uuid.UUID) -> None:
    found = await session.scalar(
        select(CONVERSATIONS.c.id).where(CONVERSATIONS.c.id == conversation_id)
    )
    if found is None:
        raise NotFound(f"No conversation {conversation_id}.")


async def enrol(
    session: AsyncSession,
    settings: Settings,
    account_ids: list[uuid.UUID],
    conversation_id: uuid.UUID,
) -> int:
    """Make people members of a conversation and write their relay links.

    Links are inserted sorted by pseudonym, which is random with respect to the accounts,
    so the physical order of ``author_links`` says nothing about who is who.
    """
    if not account_ids:
        return 0
    added = (
        (
            await session.execute(
                insert(Membership).on_conflict_do_nothing().returning(Membership.account_id),
                [{"account_id": a, "conversation_id": conversation_id} for a in account_ids],
            )
        )
        .scalars()
        .all()
    )
    links = sorted(
        (pseudonym_for(settings, conversation_id, account_id), account_id) for account_id in added
    )
    if links:
        await session.execute(
            insert(AuthorLink).on_conflict_do_nothing(),
            [
                {
                    "pseudonym": pseudonym,
                    "conversation_id": conversation_id,
                    "sealed_account_id": seal_account_id(settings, pseudonym, account_id),
                }
                for pseudonym, account_id in links
            ],
        )
    return len(added)


async def enrol_in_open_conversations(
    session: AsyncSession, settings: Settings, account_id: uuid.UUID
) -> None:
    """Make a newcomer a member of every conversation that has not closed yet."""
    open_conversations = (
        await session.scalars(
            select(CONVERSATIONS.c.id).where(CONVERSATIONS.c.closes_at > func.now())
        )
    ).all()
    for conversation_id in open_conversations:
        await enrol(session, settings, [account_id], conversation_id)


async def conversations_allowing(session: AsyncSession, domain: str) -> list[uuid.UUID]:
    """The conversations, not yet closed, whose admins let people under ``domain`` join by
    asking for a sign-in link themselves."""
    rows = await session.scalars(
        select(CONVERSATIONS.c.id)
        .where(
            CONVERSATIONS.c.closes_at > func.now(),
            func.array_position(CONVERSATIONS.c.allowed_email_domains, domain).is_not(None),
        )
        .order_by(CONVERSATIONS.c.id)
    )
    return list(rows.all())
