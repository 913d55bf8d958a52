"""coding frame: codes, frame versions, codings, theme suggestions

Revision ID: 5e1c0d1f2a01
Revises: 9264ea4604fc
Create Date: 2026-12-04 09:00:00+00:00

The analysts' side of a conversation (``candour.analysis.coding``, docs/analysis.md):

- ``coding_frames``: one row per conversation holding the frame's current version number;
  every change to the frame locks it, so two changes at once get consecutive numbers.
- ``codes``: the hierarchy of codes. Never deleted: retired (merged, split or retired)
  codes keep their row. Names are unique, ignoring case, among the live children of one
  parent (a partial unique index with NULLS NOT DISTINCT, so top-level codes count as
  siblings).
- ``frame_versions``: one row per change (who, when, a structured change record and a
  snapshot of the frame after it).
- ``codings``: a code applied to an idea or comment, whole or as an excerpt, by an analyst
  (a staff account id, stored without a foreign key: content never points into identity).
- ``theme_suggestion_runs``, ``theme_suggestions``, ``theme_suggestion_posts``: clusterings
  of the shown posts and what the analysts decided about each candidate theme.

Codings and suggestion members go with their post (ON DELETE CASCADE); everything goes with
its conversation.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5e1c0d1f2a01"
down_revision: str | None = "9264ea4604fc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _now() -> sa.TextClause:
    return sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "coding_frames",
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_coding_frames_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_coding_frames")),
    )
    op.create_table(
        "codes",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("parent_id", sa.UUID(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "name_key",
            sa.String(length=100),
            sa.Computed("lower(name)", persisted=True),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_in", sa.Integer(), nullable=False),
        sa.Column("retired_in", sa.Integer(), nullable=True),
        sa.Column("merged_into_id", sa.UUID(), nullable=True),
        sa.Column("split_from_id", sa.UUID(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.CheckConstraint(
            "(state = 'retired') = (retired_in IS NOT NULL)",
            name=op.f("ck_codes_retired_in_version"),
        ),
        sa.CheckConstraint(
            "merged_into_id IS NULL OR state = 'retired'", name=op.f("ck_codes_merged_is_retired")
        ),
        sa.CheckConstraint("state IN ('live', 'retired')", name=op.f("ck_codes_state_known")),
        sa.CheckConstraint(
            "parent_id IS NULL OR parent_id <> id", name=op.f("ck_codes_not_own_parent")
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_codes_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["codes.id"],
            name=op.f("fk_codes_merged_into_id_codes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["codes.id"], name=op.f("fk_codes_parent_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["split_from_id"],
            ["codes.id"],
            name=op.f("fk_codes_split_from_id_codes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codes")),
    )
    op.create_index("ix_codes_conversation_id", "codes", ["conversation_id"], unique=False)
    op.create_index(
        "uq_codes_live_sibling_name",
        "codes",
        ["conversation_id", "parent_id", "name_key"],
        unique=True,
        postgresql_where=sa.text("state = 'live'"),
        postgresql_nulls_not_distinct=True,
    )
    op.create_table(
        "frame_versions",
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("actor_id", sa.UUID(), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("change", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("frame", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_frame_versions_number_positive")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_frame_versions_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", "number", name=op.f("pk_frame_versions")),
    )
    op.create_table(
        "theme_suggestion_runs",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("section_id", sa.UUID(), nullable=True),
        sa.Column("requested_by", sa.UUID(), nullable=False),
        sa.Column(
            "requested_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False
        ),
        sa.Column("themes_requested", sa.Integer(), nullable=True),
        sa.Column("posts_analysed", sa.Integer(), nullable=False),
        sa.Column("parameters", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_theme_suggestion_runs_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["sections.id"],
            name=op.f("fk_theme_suggestion_runs_section_id_sections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_suggestion_runs")),
    )
    op.create_index(
        "ix_theme_suggestion_runs_conversation_id",
        "theme_suggestion_runs",
        ["conversation_id"],
        unique=False,
    )
    op.create_table(
        "theme_suggestions",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("run_id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("keywords", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.UUID(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("code_id", sa.UUID(), nullable=True),
        sa.CheckConstraint(
            "(status = 'open') = (decided_by IS NULL AND decided_at IS NULL)",
            name=op.f("ck_theme_suggestions_decided_when_closed"),
        ),
        sa.CheckConstraint(
            "code_id IS NULL OR status = 'accepted'",
            name=op.f("ck_theme_suggestions_code_when_accepted"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'accepted', 'rejected')",
            name=op.f("ck_theme_suggestions_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["code_id"],
            ["codes.id"],
            name=op.f("fk_theme_suggestions_code_id_codes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_theme_suggestions_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["theme_suggestion_runs.id"],
            name=op.f("fk_theme_suggestions_run_id_theme_suggestion_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_suggestions")),
    )
    op.create_index(
        "ix_theme_suggestions_conversation_id",
        "theme_suggestions",
        ["conversation_id"],
        unique=False,
    )
    op.create_index("ix_theme_suggestions_run_id", "theme_suggestions", ["run_id"], unique=False)
    op.create_table(
        "theme_suggestion_posts",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("suggestion_id", sa.UUID(), nullable=False),
        sa.Column("idea_id", sa.UUID(), nullable=True),
        sa.Column("comment_id", sa.UUID(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("quote_rank", sa.Integer(), nullable=True),
        sa.Column("quote_start", sa.Integer(), nullable=True),
        sa.Column("quote_end", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(idea_id IS NULL) <> (comment_id IS NULL)",
            name=op.f("ck_theme_suggestion_posts_one_post"),
        ),
        sa.CheckConstraint(
            "(quote_start IS NULL) = (quote_end IS NULL) AND "
            "(quote_start IS NULL OR (quote_start >= 0 AND quote_end > quote_start))",
            name=op.f("ck_theme_suggestion_posts_quote_span"),
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_theme_suggestion_posts_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_theme_suggestion_posts_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["theme_suggestions.id"],
            name=op.f("fk_theme_suggestion_posts_suggestion_id_theme_suggestions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_suggestion_posts")),
    )
    for column in ("comment_id", "idea_id", "suggestion_id"):
        op.create_index(
            f"ix_theme_suggestion_posts_{column}", "theme_suggestion_posts", [column], unique=False
        )
    op.create_table(
        "codings",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("code_id", sa.UUID(), nullable=False),
        sa.Column("idea_id", sa.UUID(), nullable=True),
        sa.Column("comment_id", sa.UUID(), nullable=True),
        sa.Column("start_offset", sa.Integer(), nullable=True),
        sa.Column("end_offset", sa.Integer(), nullable=True),
        sa.Column("excerpt", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("analyst_id", sa.UUID(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), server_default=_now(), nullable=False),
        sa.Column("suggestion_id", sa.UUID(), nullable=True),
        sa.Column("reviewed_by", sa.UUID(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('confirmed', 'suggested', 'rejected')",
            name=op.f("ck_codings_status_known"),
        ),
        sa.CheckConstraint(
            "(idea_id IS NULL) <> (comment_id IS NULL)", name=op.f("ck_codings_one_post")
        ),
        sa.CheckConstraint(
            "(reviewed_by IS NULL) = (reviewed_at IS NULL)",
            name=op.f("ck_codings_reviewed_by_and_when"),
        ),
        sa.CheckConstraint(
            "(start_offset IS NULL) = (end_offset IS NULL) AND "
            "(start_offset IS NULL) = (excerpt IS NULL) AND "
            "(start_offset IS NULL OR (start_offset >= 0 AND end_offset > start_offset))",
            name=op.f("ck_codings_excerpt_span"),
        ),
        sa.ForeignKeyConstraint(
            ["code_id"], ["codes.id"], name=op.f("fk_codings_code_id_codes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_codings_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_codings_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_codings_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["suggestion_id"],
            ["theme_suggestions.id"],
            name=op.f("fk_codings_suggestion_id_theme_suggestions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codings")),
    )
    for column in ("code_id", "comment_id", "idea_id", "suggestion_id"):
        op.create_index(f"ix_codings_{column}", "codings", [column], unique=False)
    op.create_index(
        "ix_codings_conversation_id_analyst_id",
        "codings",
        ["conversation_id", "analyst_id"],
        unique=False,
    )
    op.create_index(
        "uq_codings_once_per_analyst",
        "codings",
        ["code_id", "analyst_id", "idea_id", "comment_id", "start_offset", "end_offset"],
        unique=True,
        postgresql_where=sa.text("status <> 'rejected'"),
        postgresql_nulls_not_distinct=True,
    )


def downgrade() -> None:
    # Dropping a table drops its indexes; children before parents.
    for table in (
        "codings",
        "theme_suggestion_posts",
        "theme_suggestions",
        "theme_suggestion_runs",
        "frame_versions",
        "codes",
        "coding_frames",
    ):
        op.drop_table(table)
