"""Invitations to a conversation as the admin sees them: delivery totals, and a resend to
the people whose invitation could not be delivered.

Counts only: which addresses failed stays in the outbox and never reaches the caller. An
invitation belongs to a conversation through its outbox key
(:func:`candour.identity.links.invitation_key_prefix`), written when the import sent it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from candour.core.settings import Settings
from candour.identity.enrolment import require_conversation
from candour.identity.links import INVITATION, invitation_key_prefix, issue_links
from candour.identity.models import Account, Membership, SignInToken
from candour.identity.schemas import InvitationsResent, InvitationTotals
from candour.mail import service as mail


async def invitation_totals(session: AsyncSession, conversation_id: uuid.UUID) -> InvitationTotals:
    """How the invitations to one conversation stand: queued, sent and failed."""
    await require_conversation(session, conversation_id)
    totals = await mail.delivery_totals(session, invitation_key_prefix(conversation_id))
    return InvitationTotals(
        queued=totals.queued, retrying=totals.retrying, sent=totals.sent, failed=totals.failed
    )


async def resend_failed_invitations(
    session: AsyncSession, settings: Settings, conversation_id: uuid.UUID
) -> InvitationsResent:
    """Invite again, with a fresh link, everyone whose invitation to this conversation
    failed for good; the failed messages go.

    A fresh link rather than the old message: the old link may have expired while the mail
    was being retried. People who have set a password since (from a link they asked for)
    need no invitation, and people no longer in the conversation (erased, or forgotten by
    retention) cannot have one; their failed messages go all the same. Each failure is
    resent once: a second resend, even at the same moment, finds none left.
    """
    await require_conversation(session, conversation_id)
    prefix = invitation_key_prefix(conversation_id)
    recipients = await mail.clear_dead(session, prefix)
    if not recipients:
        return InvitationsResent(requeued=0, cleared=0)
    found = await session.execute(
        select(Account.email, Account.id)
        .join(Membership, Membership.account_id == Account.id)
        .where(
            Membership.conversation_id == conversation_id,
            Account.email.in_(recipients),
            Account.password_hash.is_(None),
        )
        .order_by(Account.email)
    )
    accounts = [(email, account_id) for email, account_id in found]
    if accounts:
        await issue_links(session, settings, accounts, INVITATION, conversation_id=conversation_id)
    return InvitationsResent(requeued=len(accounts), cleared=len(recipients) - len(accounts))


async def invite_members(
    session: AsyncSession, settings: Settings, conversation_id: uuid.UUID
) -> int:
    """Invite the members of a conversation who cannot sign in yet: no password, and no
    sign-in link still waiting for them. Returns how many were invited.

    For staff imported without invitations, to be invited later. Running it again
    invites nobody twice: each invitation leaves a live link behind (failed deliveries
    are :func:`resend_failed_invitations`' business). Two runs at the very same moment
    may both invite someone; the later link replaces the earlier one."""
    await require_conversation(session, conversation_id)
    live_link = (
        select(SignInToken.account_id)
        .where(
            SignInToken.account_id == Account.id,
            SignInToken.used_at.is_(None),
            SignInToken.expires_at > func.now(),
        )
        .exists()
    )
    found = await session.execute(
        select(Account.email, Account.id)
        .join(Membership, Membership.account_id == Account.id)
        .where(
            Membership.conversation_id == conversation_id,
            Account.password_hash.is_(None),
            ~live_link,
        )
        .order_by(Account.email)
    )
    accounts = [(email, account_id) for email, account_id in found]
    if accounts:
        await issue_links(session, settings, accounts, INVITATION, conversation_id=conversation_id)
    return len(accounts)
