from __future__ import annotations

from candour.core.errors import DomainError


class LiveFeedFull(DomainError):
    status, code, title = 503, "live_feed_full", "Live updates are busy"
