"""summary reports: published versions

Revision ID: 5e1c0d1f2a03
Revises: 5e1c0d1f2a02
Create Date: 2026-12-04 09:00:00+00:00

``report_versions``: each published version of a conversation's summary report, frozen as
JSON (``content``) with its number (1, 2, … per conversation, unique), time and publisher
(a member of staff, as the audit log records its actors). The draft is computed on request
and never stored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5e1c0d1f2a03"
down_revision: str | None = "5e1c0d1f2a02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_versions",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "published_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("published_by_id", sa.UUID(), nullable=False),
        sa.Column("published_by_label", sa.String(length=320), nullable=False),
        sa.Column("content", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_report_versions_version_positive")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_report_versions_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_versions")),
        sa.UniqueConstraint(
            "conversation_id", "version", name=op.f("uq_report_versions_conversation_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("report_versions")
