"""Background loops that every app process may run: safe because each step takes its
work with database locks (``SKIP LOCKED``), never from process memory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from candour.core.errors import describe_unexpected

logger = logging.getLogger("candour.periodic")


async def run_periodically(
    step: Callable[[], Awaitable[object]], interval_seconds: float, stop: asyncio.Event, name: str
) -> None:
    """Run ``step`` every ``interval_seconds`` until ``stop`` is set.

    A failing step (a database outage, say) is logged and tried again next time; it must
    not end the loop."""
    while not stop.is_set():
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # Without the message: a database error's DETAIL quotes the row (errors.py).
            logger.error("%s round failed: %s", name, describe_unexpected(exc))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval_seconds)
