"""Signing in with an email address and a password, throttled per account and per client.

Kept apart from sessions and links because its rules are about what a failed attempt
may reveal: an unknown address costs the same work and gets the same answer as a wrong
password, and :func:`minimum_duration` makes the sign-in page's answers take the same time
whether or not the address is known.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from candour.core.security import hash_client_key, verify_password
from candour.core.settings import Settings
from candour.identity.accounts import normalise_email
from candour.identity.counters import account_throttle_key
from candour.identity.errors import InvalidCredentials, SignInThrottled
from candour.identity.models import Account, SignInFailure


@asynccontextmanager
async def minimum_duration(milliseconds: int) -> AsyncIterator[None]:
    """Take at least this long, whatever happens inside: answers about accounts must not
    be faster for unknown addresses than for known ones."""
    started = time.perf_counter()
    try:
        yield
    finally:
        remaining = milliseconds / 1000 - (time.perf_counter() - started)
        if remaining > 0:
            await asyncio.sleep(remaining)


def _throttle_keys(settings: Settings, email: str, client: str) -> list[tuple[str, int]]:
    secret = settings.jwt_secret.get_secret_value()
    return [
        (
            hash_client_key(secret, account_throttle_key(email)),
            settings.throttle_max_failures_per_account,
        ),
        (hash_client_key(secret, "client:" + client), settings.throttle_max_failures_per_client),
    ]


async def _check_throttle(
    session: AsyncSession, settings: Settings, keys: list[tuple[str, int]]
) -> None:
    window = timedelta(seconds=settings.throttle_window_seconds)
    since = datetime.now(UTC) - window
    for key_hash, limit in keys:
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(SignInFailure.failed_at)).where(
                    SignInFailure.key_hash == key_hash, SignInFailure.failed_at > since
                )
            )
        ).one()
        if count >= limit:
            retry_after = max(1, int((oldest + window - datetime.now(UTC)).total_seconds()) + 1)
            raise SignInThrottled(
                f"Too many failed sign-ins. Try again in {retry_after} seconds, or ask for a "
                "new sign-in link.",
                headers={"Retry-After": str(retry_after)},
            )


async def authenticate(
    session: AsyncSession, settings: Settings, *, email: str, password: str, client: str
) -> Account:
    """Check email and password, throttled per account and per client.

    An unknown address costs the same argon2 work as a known one and gets the same answer.
    """
    email = normalise_email(email)
    keys = _throttle_keys(settings, email, client)
    await _check_throttle(session, settings, keys)
    account = await session.scalar(select(Account).where(Account.email == email))
    # argon2 takes a tenth of a second on purpose: keep it off the event loop.
    verified = await asyncio.to_thread(
        verify_password, password, account.password_hash if account else None
    )
    if not verified or account is None:
        cutoff = datetime.now(UTC) - timedelta(seconds=settings.throttle_window_seconds)
        await session.execute(delete(SignInFailure).where(SignInFailure.failed_at < cutoff))
        session.add_all(SignInFailure(key_hash=key_hash) for key_hash, _ in keys)
        raise InvalidCredentials("The email address or password is not right.")
    await session.execute(delete(SignInFailure).where(SignInFailure.key_hash == keys[0][0]))
    return account
