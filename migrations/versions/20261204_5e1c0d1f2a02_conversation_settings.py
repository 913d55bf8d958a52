"""conversation settings: allowed email domains, minimum reporting group size, retention

Revision ID: 5e1c0d1f2a02
Revises: 5e1c0d1f2a01
Create Date: 2026-12-04 09:00:00+00:00

Three settings that were platform-wide become each conversation's own:

- ``allowed_email_domains``: a new address under one of them may ask for a sign-in link and
  joins the conversation (the platform-wide ``ALLOWED_EMAIL_DOMAINS`` still works too);
- ``min_group_size`` (default 10, never below 5): the smallest group of participants a
  report may show;
- ``retention_days``: days after completion until personal data is deleted; NULL keeps the
  platform's default (``RETENTION_DAYS``), so existing conversations keep their dates.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5e1c0d1f2a02"
down_revision: str | None = "5e1c0d1f2a01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("conversations", sa.Column("retention_days", sa.Integer(), nullable=True))
    op.add_column(
        "conversations",
        sa.Column(
            "allowed_email_domains",
            postgresql.ARRAY(sa.String(length=253)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
    )
    op.add_column(
        "conversations",
        sa.Column("min_group_size", sa.Integer(), server_default="10", nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_conversations_min_group_size_floor"), "conversations", "min_group_size >= 5"
    )
    op.create_check_constraint(
        op.f("ck_conversations_retention_days_not_negative"),
        "conversations",
        "retention_days >= 0",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("ck_conversations_retention_days_not_negative"), "conversations", type_="check"
    )
    op.drop_constraint(
        op.f("ck_conversations_min_group_size_floor"), "conversations", type_="check"
    )
    op.drop_column("conversations", "min_group_size")
    op.drop_column("conversations", "allowed_email_domains")
    op.drop_column("conversations", "retention_days")
