"""The relay's way back: reach the author of a pseudonym without telling anyone who it is.

The only backward join in Candour. It unseals the author link with the relay key, queues
an email through the outbox, and returns nothing about the person to its caller.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from candour.core.errors import Conflict
from candour.core.settings import Settings
from candour.identity.models import Account, AuthorLink, Role
from candour.identity.pseudonyms import unseal_account_id
from candour.mail import service as mail


class AuthorUnreachable(Conflict):
    code, title = "author_unreachable", "Author cannot be reached"


async def deliver_to_author(
    session: AsyncSession,
    settings: Settings,
    *,
    pseudonym: bytes,
    message_id: uuid.UUID,
    subject: str,
    body: str,
) -> None:
    """Email the author of ``pseudonym``; refuse when the link is gone (erased or retained).

    ``message_id`` makes the email idempotent: the same message is never queued twice."""
    link = await session.get(AuthorLink, pseudonym)
    if link is None:
        raise AuthorUnreachable(
            "The author of this post can no longer be reached: they have erased their account, "
            "or their personal data has been deleted after the conversation."
        )
    account = await session.get(
        Account, unseal_account_id(settings, pseudonym, link.sealed_account_id)
    )
    if account is None:
        raise AuthorUnreachable("The author of this post can no longer be reached.")
    await mail.enqueue(
        session,
        idempotency_key=f"relay:{message_id}",
        recipient=account.email,
        subject=subject,
        body=body,
    )


async def staff_labels(
    session: AsyncSession, account_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """How members of staff appear to their colleagues (analysts beside their codings), as
    in the audit log. Someone who has since become a participant is anonymous like any
    participant: "(former staff)"; an account that is gone, "(erased staff account)"."""
    rows = await session.execute(
        select(Account.id, Account.role, Account.display_name, Account.email).where(
            Account.id.in_(list(account_ids))
        )
    )
    labels = {account_id: "(erased staff account)" for account_id in account_ids}
    for account_id, role, name, email in rows:
        labels[account_id] = "(former staff)" if role == Role.participant else name or email
    return labels


async def staff_label(session: AsyncSession, account_id: uuid.UUID) -> str:
    """How a facilitator appears in the audit log and message threads: their name, else
    their address. Staff act in their own name; only participants are anonymous."""
    account = await session.scalar(select(Account).where(Account.id == account_id))
    if account is None:
        return "(erased staff account)"
    return account.display_name or account.email
