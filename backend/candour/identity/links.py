"""Sign-in links: issuing one-time links by email, as invitations after an import or on
request from the sign-in page.

Links are how people first get in and how they recover a forgotten password, so issuing
them is kept apart from redeeming them (:mod:`candour.identity.passwords`): here the rules
are about whom a link may be sent to and how often, never about who is asking.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from candour.core.security import hash_link_token, new_link_token
from candour.core.settings import Settings
from candour.identity.accounts import normalise_email
from candour.identity.counters import count_action, sign_in_link_key
from candour.identity.enrolment import conversations_allowing, enrol, enrol_in_open_conversations
from candour.identity.models import Account, Role, SignInToken
from candour.mail import service as mail

INVITATION = "invitation"
REQUESTED = "requested"
LINKS_PER_ADDRESS_PER_HOUR = 3


def invitation_key_prefix(conversation_id: uuid.UUID) -> str:
    """How the outbox knows an invitation to a conversation: its idempotency key starts with
    this, so delivery can be counted per conversation without a column naming anyone."""
    return f"invitation:{conversation_id}:"


def _mail_key(token_hash: bytes, purpose: str, conversation_id: uuid.UUID | None) -> str:
    if purpose == INVITATION and conversation_id is not None:
        return f"{invitation_key_prefix(conversation_id)}{token_hash.hex()}"
    return f"sign-in-link:{token_hash.hex()}"


def set_password_url(settings: Settings, token: str) -> str:
    """Where a one-time link leads: the SPA's set-password page."""
    return f"{settings.public_url.rstrip('/')}/#/set-password?token={token}"


def _link_email(settings: Settings, token: str, purpose: str, hours: float) -> tuple[str, str]:
    link = set_password_url(settings, token)
    if purpose == INVITATION:
        subject = "You are invited to take part in a Candour conversation"
        opening = (
            "You have been invited to an anonymous staff conversation. Nothing you post or "
            "vote will ever be shown with your name."
        )
    else:
        subject = "Your Candour sign-in link"
        opening = "Someone (we hope you) asked for a new sign-in link for this address."
    validity = f"{int(hours)} hours" if hours >= 2 else f"{int(hours * 60)} minutes"
    body = (
        f"{opening}\n\nOpen this link to choose your password and sign in:\n\n{link}\n\n"
        f"The link works once and expires in {validity}. If you did not expect this email, "
        "you can ignore it.\n"
    )
    return subject, body


async def issue_links(
    session: AsyncSession,
    settings: Settings,
    accounts: list[tuple[str, uuid.UUID]],
    purpose: str,
    *,
    conversation_id: uuid.UUID | None = None,
) -> None:
    """Replace any unused links of these people with fresh ones and queue the emails.

    Invitations to a conversation (``conversation_id``) are queued under its key prefix,
    which is how their delivery is counted and their failures resent."""
    ids = [account_id for _, account_id in accounts]
    await session.execute(
        delete(SignInToken).where(SignInToken.account_id.in_(ids), SignInToken.used_at.is_(None))
    )
    hours = (
        settings.invitation_link_hours
        if purpose == INVITATION
        else settings.requested_link_minutes / 60
    )
    expires_at = datetime.now(UTC) + timedelta(hours=hours)
    tokens, messages = [], []
    for email, account_id in accounts:
        token = new_link_token()
        token_hash = hash_link_token(token)
        tokens.append(
            {
                "token_hash": token_hash,
                "account_id": account_id,
                "purpose": purpose,
                "expires_at": expires_at,
            }
        )
        subject, body = _link_email(settings, token, purpose, hours)
        messages.append(
            {
                "idempotency_key": _mail_key(token_hash, purpose, conversation_id),
                "recipient": email,
                "subject": subject,
                "body": body,
            }
        )
    await session.execute(insert(SignInToken), tokens)
    await mail.enqueue_many(session, messages)


async def request_sign_in_link(session: AsyncSession, settings: Settings, email: str) -> None:
    """Send a new link to a known address, or to a new one under an allowed domain.

    Says nothing either way: the caller answers identically whatever happens here. At most
    ``LINKS_PER_ADDRESS_PER_HOUR`` links go to one address, so the form cannot be used to
    flood someone's mailbox.
    """
    email = normalise_email(email)
    sent, _ = await count_action(session, settings, sign_in_link_key(email), 3600)
    if sent > LINKS_PER_ADDRESS_PER_HOUR:
        return
    account = await session.scalar(select(Account).where(Account.email == email))
    domain = email.rsplit("@", 1)[-1]
    joining = await conversations_allowing(session, domain)
    if account is None:
        platform_wide = domain in settings.allowed_email_domains
        if not (platform_wide or joining):
            return
        account = Account(id=uuid.uuid4(), email=email, role=Role.participant.value)
        session.add(account)
        await session.flush()
        if platform_wide:
            await enrol_in_open_conversations(session, settings, account.id)
    # Someone on another conversation's list joins this one too, as a newcomer would.
    for conversation_id in joining:
        await enrol(session, settings, [account.id], conversation_id)
    await issue_links(session, settings, [(account.email, account.id)], REQUESTED)
