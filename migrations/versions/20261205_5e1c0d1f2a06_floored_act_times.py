"""floored act times: posts and queue items keep the hour they were made, not the moment

Revision ID: 5e1c0d1f2a06
Revises: 5e1c0d1f2a05
Create Date: 2026-12-05 10:00:00+00:00

``ideas.created_at``, ``comments.created_at`` and ``moderation_items.created_at`` are
floored when written (``candour.core.database.floored_now``, at the configured public
granularity), so lists ordered by them show no order within the hour and a copy of the
database holds no exact time of a participant's act. Rows written before this migration
are floored to the hour (the default granularity; a coarser one is still applied when they
are shown), and the columns' default floors to the hour for any writer that passes no time.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5e1c0d1f2a06"
down_revision: str | None = "5e1c0d1f2a05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("ideas", "comments", "moderation_items")
_EPOCH = "TIMESTAMPTZ '1970-01-01 00:00:00+00'"


def upgrade() -> None:
    for table in _TABLES:
        floored = f"date_bin('1 hour', created_at, {_EPOCH})"
        # The table names are this module's own constants.
        op.execute(f"UPDATE {table} SET created_at = {floored} WHERE created_at <> {floored}")  # noqa: S608
        op.execute(
            f"ALTER TABLE {table} ALTER COLUMN created_at"
            f" SET DEFAULT date_bin('1 hour', now(), {_EPOCH})"
        )


def downgrade() -> None:
    # The exact times are gone for good; only the default goes back.
    for table in _TABLES:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN created_at SET DEFAULT now()")
