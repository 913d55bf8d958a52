"""Rate-limit counters: how many times one person (or one address) did something in the
current fixed window, and the names those counters go by.

Counting is one upsert on a prepared statement because it runs on every vote and post.
The key builders are public so erasure can find and delete a person's counters and
throttle records by the same names they were written under.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

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
    count, retry_after = await count_action(
        session, settings, allowance_key(action, account_id), window_seconds
    )
    if count > limit:
        raise RateLimited(
            f"You have reached the limit of {limit} for now. "
            f"Please try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )


_counters = table_of(ActionCounter)
# Built once (it runs on every vote and post); Core, so no ORM bookkeeping per call.
_COUNT_ACTION = Prepared(
    insert(_counters)
    .values(key_hash=bindparam("key_hash"), window_start=bindparam("window_start"), count=1)
    .on_conflict_do_update(
        index_elements=["key_hash", "window_start"], set_={"count": _counters.c.count + 1}
    )
    .returning(_counters.c.count),
    in_transaction=True,
)


async def count_action(
    session: Executor, settings: Settings, key: str, window_seconds: int
) -> tuple[int, int]:
    """Add one to ``key``'s count in the current fixed window; return (count, seconds left)."""
    now = datetime.now(UTC)
    epoch = int(now.timestamp())
    window_start = datetime.fromtimestamp(epoch - epoch % window_seconds, UTC)
    key_hash = hash_client_key(settings.jwt_secret.get_secret_value(), key)
    row = await _COUNT_ACTION.fetch_one(
        session, {"key_hash": key_hash, "window_start": window_start}
    )
    assert row is not None  # an upsert with RETURNING always returns its row
    count = row["count"]
    retry_after = max(
        1, int((window_start + timedelta(seconds=window_seconds) - now).total_seconds())
    )
    return int(count), retry_after


async def purge_stale_counters(session: AsyncSession, older_than: timedelta) -> int:
    """Drop rate-limit windows that ended long ago (run by the retention job)."""
    cutoff = datetime.now(UTC) - older_than
    result = await session.execute(
        delete(ActionCounter)
        .where(ActionCounter.window_start < cutoff)
        .returning(ActionCounter.key_hash)
    )
    return len(result.all())
