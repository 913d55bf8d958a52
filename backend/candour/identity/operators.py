"""The operator at the command line (``candour``): who they act as, and the first admin.

An operator has the database and the keys already, so the command line acts as an admin
without signing in. It acts under an actor of its own, never a person's account: audit
entries it causes say "command line", and nothing it does is attributed to staff.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from candour.core.errors import FieldProblem, InvalidInput
from candour.core.security import hash_link_token, new_link_token
from candour.core.settings import Settings
from candour.identity.accounts import assign_role
from candour.identity.dependencies import Actor, Caller
from candour.identity.links import set_password_url
from candour.identity.models import Account, Role, SignInToken

# No account has this id (accounts get random ones); audit entries carry it as the actor.
COMMAND_LINE_ACTOR_ID = uuid.UUID("00000000-0000-4000-8000-00000000c11a")
COMMAND_LINE_PURPOSE = "command-line"


@dataclass(frozen=True)
class _OperatorCaller(Caller):
    label: str = "command line"

    async def actor(self, session: AsyncSession) -> Actor:
        return Actor(id=COMMAND_LINE_ACTOR_ID, label=self.label)


def operator_caller(settings: Settings, label: str = "command line") -> Caller:
    """An admin caller for the command line. Its actor is ``label`` (say, "command line
    (ops)"), not a person; it takes part in no conversation and has no pseudonym anyone
    could post under (no account, so no author link)."""
    return _OperatorCaller(
        role=Role.admin, _account_id=COMMAND_LINE_ACTOR_ID, _settings=settings, label=label
    )


class InvalidAddress(InvalidInput):
    code, title = "invalid_email", "Not an email address"


@dataclass(frozen=True)
class AdminAccess:
    """What :func:`admin_sign_in_link` did: the account is ``created``, ``promoted`` to
    admin (their older sessions end) or ``unchanged``; ``link`` sets a password, once."""

    email: str
    outcome: Literal["created", "promoted", "unchanged"]
    link: str
    expires_at: datetime


def _address(email: str) -> str:
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidAddress(
            f"{email!r} is not an email address: {exc}",
            errors=[FieldProblem(field="email", message=str(exc), code="invalid_email")],
        ) from None


async def admin_sign_in_link(
    session: AsyncSession, settings: Settings, email: str, *, display_name: str | None = None
) -> AdminAccess:
    """Make ``email`` an admin (creating the account if need be) and return a one-time
    link to set its password, for the operator to hand over; nothing is emailed (the
    first admin may come before the mail does). The link replaces any unused ones and
    lasts ``requested_link_minutes``, as a link asked for on the sign-in page does."""
    address = _address(email)
    account = await session.scalar(
        select(Account).where(Account.email == address).with_for_update()
    )
    outcome: Literal["created", "promoted", "unchanged"] = "unchanged"
    if account is None:
        account = Account(
            id=uuid.uuid4(), email=address, display_name=display_name, role=Role.admin.value
        )
        session.add(account)
        await session.flush()
        outcome = "created"
    elif account.role != Role.admin.value:
        account = await assign_role(session, email=address, role=Role.admin)
        outcome = "promoted"
    await session.execute(
        delete(SignInToken).where(
            SignInToken.account_id == account.id, SignInToken.used_at.is_(None)
        )
    )
    token = new_link_token()
    expires_at = datetime.now(UTC) + timedelta(minutes=settings.requested_link_minutes)
    await session.execute(
        insert(SignInToken).values(
            token_hash=hash_link_token(token),
            account_id=account.id,
            purpose=COMMAND_LINE_PURPOSE,
            expires_at=expires_at,
        )
    )
    link = set_password_url(settings, token)
    return AdminAccess(email=address, outcome=outcome, link=link, expires_at=expires_at)
