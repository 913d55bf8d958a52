"""Imports every domain's models so Alembic and the tests see the whole schema."""

from __future__ import annotations


def load_all_models() -> None:
    import candour.activity.models
    import candour.analysis.coding.models
    import candour.analysis.models
    import candour.analysis.reports.models
    import candour.audit.models
    import candour.contributions.models
    import candour.conversations.models
    import candour.identity.models
    import candour.mail.models
    import candour.messaging.models
    import candour.moderation.models
    import candour.privacy.ledger
    import candour.privacy.models
    import candour.queue.models  # noqa: F401
