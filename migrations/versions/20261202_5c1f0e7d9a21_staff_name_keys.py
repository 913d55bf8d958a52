"""staff name keys: screening looks names up by index

Revision ID: 5c1f0e7d9a21
Revises: 8666954e57d7
Create Date: 2026-12-02 12:20:00+00:00

Screening used to normalise every account's name with regexp_replace for every post. The
normalised name is now a stored generated column with a b-tree index, so a post's runs of
words are index lookups (identity/staff_names.py). PostgreSQL computes the column for the
existing rows when it is added.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1f0e7d9a21"
down_revision: str | None = "8666954e57d7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here as it was written: a later change to identity.models.name_key_sql needs a
# migration of its own.
NAME_KEY = (
    "TRIM(BOTH FROM regexp_replace(lower((display_name)::text), "
    "'[^[:alnum:]'']+'::text, ' '::text, 'g'::text))"
)


def upgrade() -> None:
    op.add_column(
        "accounts",
        sa.Column("name_key", sa.Text(), sa.Computed(NAME_KEY, persisted=True), nullable=True),
    )
    op.create_index("ix_accounts_name_key", "accounts", ["name_key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_accounts_name_key", table_name="accounts")
    op.drop_column("accounts", "name_key")
