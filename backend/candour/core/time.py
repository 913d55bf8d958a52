"""Public timestamps are coarsened so they cannot be matched against sign-in or network records."""

from __future__ import annotations

from datetime import UTC, datetime


def coarsen(moment: datetime, granularity_seconds: int) -> datetime:
    """Round down to a multiple of the granularity (default: the hour), in UTC."""
    seconds = int(moment.timestamp())
    return datetime.fromtimestamp(seconds - seconds % granularity_seconds, UTC)
