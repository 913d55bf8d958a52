"""erasure ledger: every erasure and retention run, so a restore can re-apply them

Revision ID: 5e1c0d1f2a05
Revises: 5e1c0d1f2a04
Create Date: 2026-12-04 11:00:00+00:00

``erasure_ledger`` (``candour.privacy.ledger``) holds no personal data: an erasure is a
keyed hash of the account id (the key is never in the database) and whether the posts were
withdrawn; a retention run is a conversation id, with no foreign key so that it outlives
the conversation. The same entries are appended to a file outside the database.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1c0d1f2a05"
down_revision: str | None = "5e1c0d1f2a04"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasure_ledger",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_token", sa.LargeBinary(length=32), nullable=True),
        sa.Column("posts_withdrawn", sa.Boolean(), nullable=True),
        sa.Column("conversation_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "(kind = 'erasure' AND account_token IS NOT NULL AND posts_withdrawn IS NOT NULL"
            " AND conversation_id IS NULL) OR (kind = 'retention' AND conversation_id IS NOT"
            " NULL AND account_token IS NULL AND posts_withdrawn IS NULL)",
            name=op.f("ck_erasure_ledger_shape"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_ledger")),
    )


def downgrade() -> None:
    op.drop_table("erasure_ledger")
