"""Passwords: setting one by redeeming a sign-in link, changing one, and what counts as
strong enough.

Every way a password changes also bumps the account's token version, so sessions opened
under the old password end; keeping both ways here keeps that rule in one place.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from candour.core.errors import FieldProblem
from candour.core.security import hash_link_token, hash_password, verify_password
from candour.core.settings import Settings
from candour.identity.errors import InvalidCredentials, InvalidSignInLink, WeakPassword
from candour.identity.models import Account, SignInToken


def _check_password_strength(settings: Settings, password: str, email: str) -> None:
    problems = []
    if len(password) < settings.password_min_length:
        problems.append(f"use at least {settings.password_min_length} characters")
    if password.strip().lower() in {email, email.split("@")[0]}:
        problems.append("do not use your email address")
    if len(set(password)) < 4:
        problems.append("use more than a few different characters")
    if problems:
        raise WeakPassword(
            "Choose a stronger password: " + "; ".join(problems) + ".",
            errors=[
                FieldProblem(field="body.password", message=p, code="weak_password")
                for p in problems
            ],
        )


async def set_password_with_link(
    session: AsyncSession, settings: Settings, *, token: str, password: str
) -> Account:
    """Use a one-time link: set the password, end older sessions, spend the link."""
    token_hash = hash_link_token(token)
    row = await session.scalar(
        select(SignInToken).where(SignInToken.token_hash == token_hash).with_for_update()
    )
    now = datetime.now(UTC)
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InvalidSignInLink(
            "This sign-in link is not valid: it may have been used already or expired. "
            "Ask for a new link on the sign-in page."
        )
    account = await session.get_one(Account, row.account_id, with_for_update=True)
    _check_password_strength(settings, password, account.email)
    row.used_at = now
    account.password_hash = await asyncio.to_thread(hash_password, password)
    account.token_version += 1
    return account


async def change_password(
    session: AsyncSession, settings: Settings, *, account_id: uuid.UUID, current: str, new: str
) -> Account:
    account = await session.get_one(Account, account_id, with_for_update=True)
    if not await asyncio.to_thread(verify_password, current, account.password_hash):
        raise InvalidCredentials("The current password is not right.")
    _check_password_strength(settings, new, account.email)
    account.password_hash = await asyncio.to_thread(hash_password, new)
    account.token_version += 1
    return account
