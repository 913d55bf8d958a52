"""participation: visits per day, and sections' vote tallies per day

Revision ID: 5e1c0d1f2a04
Revises: 5e1c0d1f2a03
Create Date: 2026-12-04 10:00:00+00:00

``daily_visits`` counts participants' sign-ins per conversation and calendar day (its own
time zone): a number per day, nothing that points at a person. ``section_vote_tallies``
keeps each section's count of votes held at the last tally of each day; votes have no time
of their own, so the votes of a day are the difference between two days' tallies.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1c0d1f2a04"
down_revision: str | None = "5e1c0d1f2a03"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daily_visits",
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("visits", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_daily_visits_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", "day", name=op.f("pk_daily_visits")),
    )
    op.create_table(
        "section_vote_tallies",
        sa.Column("section_id", sa.UUID(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column(
            "counted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_section_vote_tallies_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["sections.id"],
            name=op.f("fk_section_vote_tallies_section_id_sections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("section_id", "day", name=op.f("pk_section_vote_tallies")),
    )
    op.create_index(
        op.f("ix_section_vote_tallies_conversation_id"),
        "section_vote_tallies",
        ["conversation_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_section_vote_tallies_conversation_id"), table_name="section_vote_tallies"
    )
    op.drop_table("section_vote_tallies")
    op.drop_table("daily_visits")
