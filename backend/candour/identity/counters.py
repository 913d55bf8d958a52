"""Rate-limit counters: how many times one person (or one address) did something in the
current fixed window, and the names those counters go by.

Counting is one upsert on a prepared statement because it runs on every post; a vote runs
the same upsert inside its own first statement (:func:`allowance_spent`).
The key builders are public so erasure can find and delete a person's counters and
throttle records by the same names they were written under.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import CTE, bindparam, delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from candour.core.database import table_of
from candour.core.prepared import Executor, Prepared
from candour.core.security import hash_client_key
from candour.core.settings import Settings
from candour.identity.errors import RateLimited
from candour.identity.models import ActionCounter


def allowance_key(action: str, account_id: uuid.UUID) -> str:
    """The counter of one person's rate-limited action (before hashing)."""
    return f"{action}:{account_id}"


def sign_in_link_key(email: str) -> str:
    return f"sign-in-link:{email}"


def account_throttle_key(email: str) -> str:
    return f"account:{email}"


async def spend_allowance(
    session: Executor,
    settings: Settings,
    account_id: uuid.UUID,
    action: str,
    limit: int,
    window_seconds: int,
) -> None:
    """Count one ``action`` by this person in the current fixed window; refuse past ``limit``.

    Runs in the caller's transaction: a refused request rolls its own count back."""
    allowance = allowance_for(settings, account_id, action, limit, window_seconds)
    row = await _COUNT_ACTION.fetch_one(session, allowance.params)
    assert row is not None  # an upsert with RETURNING always returns its row
    allowance.check(row["count"])


@dataclass(frozen=True, slots=True)
class Allowance:
    """One rate-limited action of one person, about to be counted: the bound parameters of
    the counter's upsert (a keyed hash and a window, never the account), and the limit."""

    params: dict[str, Any]
    limit: int
    retry_after: int  # seconds until the window ends

    def check(self, count: int) -> None:
        """429 ``rate_limited`` if ``count`` (this action's, with it) is past the limit."""
        if count > self.limit:
            raise RateLimited(
                f"You have reached the limit of {self.limit} for now. "
                f"Please try again in {self.retry_after} seconds.",
                headers={"Retry-After": str(self.retry_after)},
            )


def allowance_for(
    settings: Settings, account_id: uuid.UUID, action: str, limit: int, window_seconds: int
) -> Allowance:
    window_start, retry_after = _window(window_seconds)
    key_hash = hash_client_key(
        settings.jwt_secret.get_secret_value(), allowance_key(action, account_id)
    )
    return Allowance(
        {"allowance_key_hash": key_hash, "allowance_window_start": window_start},
        limit,
        retry_after,
    )


def _window(window_seconds: int) -> tuple[datetime, int]:
    """The start of the current fixed window, and the whole seconds left in it (at least 1)."""
    now = datetime.now(UTC)
    epoch = int(now.timestamp())
    window_start = datetime.fromtimestamp(epoch - epoch % window_seconds, UTC)
    left = int((window_start + timedelta(seconds=window_seconds) - now).total_seconds())
    return window_start, max(1, left)


_counters = table_of(ActionCounter)


def _count_one() -> ReturningInsert[tuple[int]]:
    """Add one to a counter in the current window (``allowance_key_hash``,
    ``allowance_window_start``); returns the new ``count``."""
    statement = insert(_counters).values(
        key_hash=bindparam("allowance_key_hash"),
        window_start=bindparam("allowance_window_start"),
        count=1,
    )
    return statement.on_conflict_do_update(
        index_elements=["key_hash", "window_start"], set_={"count": _counters.c.count + 1}
    ).returning(_counters.c.count)


def allowance_spent() -> CTE:
    """The same count as :func:`spend_allowance`, as a CTE (``allowance``, one column
    ``count``) for another domain's statement, so that a write checks its caller's rate
    limit without a round trip of its own: bind :attr:`Allowance.params` with the
    statement's own and judge the count with :meth:`Allowance.check`. The statement must
    run in the request's transaction, so that a refusal rolls the count back."""
    return _count_one().cte("allowance")


# Built once (it runs on every post, report and message); Core, so no ORM bookkeeping per call.
_COUNT_ACTION = Prepared(_count_one(), in_transaction=True)


async def count_action(
    session: Executor, settings: Settings, key: str, window_seconds: int
) -> tuple[int, int]:
    """Add one to ``key``'s count in the current fixed window; return (count, seconds left)."""
    window_start, retry_after = _window(window_seconds)
    key_hash = hash_client_key(settings.jwt_secret.get_secret_value(), key)
    row = await _COUNT_ACTION.fetch_one(
        session, {"allowance_key_hash": key_hash, "allowance_window_start": window_start}
    )
    assert row is not None  # an upsert with RETURNING always returns its row
    return int(row["count"]), retry_after


async def purge_stale_counters(session: AsyncSession, older_than: timedelta) -> int:
    """Drop rate-limit windows that ended long ago (run by the retention job)."""
    cutoff = datetime.now(UTC) - older_than
    result = await session.execute(
        delete(ActionCounter)
        .where(ActionCounter.window_start < cutoff)
        .returning(ActionCounter.key_hash)
    )
    return len(result.all())
