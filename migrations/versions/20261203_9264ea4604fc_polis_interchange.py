"""polis interchange: a pass is a vote of 0; where imported conversations came from

Revision ID: 9264ea4604fc
Revises: 5c1f0e7d9a21
Create Date: 2026-12-03 09:00:00+00:00

Pol.is has three answers to a statement: agree, disagree and pass. An imported pass is kept
in ``idea_votes`` as 0 (the opinion groups count it as a vote seen); it is neither a like
nor a dislike, so the maintained counters never move for it. Comment votes stay -1 or 1.

``polis_imports`` records, per imported conversation, the attribution that Pol.is data
(CC BY 4.0) must carry and what the files held.

Downgrading deletes the passes first: the old constraint cannot hold them, and no counter
counted them, so the counts stay exact.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9264ea4604fc"
down_revision: str | None = "5c1f0e7d9a21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint(op.f("ck_idea_votes_value_known"), "idea_votes", type_="check")
    op.create_check_constraint(
        op.f("ck_idea_votes_value_known"), "idea_votes", "value IN (-1, 0, 1)"
    )
    op.create_table(
        "polis_imports",
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("attribution", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "imported_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("hidden_statements", sa.Integer(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("passes", sa.Integer(), nullable=False),
        sa.Column("superseded_votes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_polis_imports_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_polis_imports")),
    )


def downgrade() -> None:
    op.drop_table("polis_imports")
    op.execute("DELETE FROM idea_votes WHERE value = 0")
    op.drop_constraint(op.f("ck_idea_votes_value_known"), "idea_votes", type_="check")
    op.create_check_constraint(op.f("ck_idea_votes_value_known"), "idea_votes", "value IN (-1, 1)")
