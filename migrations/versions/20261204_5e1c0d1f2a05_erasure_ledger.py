"""erasure ledger

Revision ID: 5e1c0d1f2a05
Revises: 5e1c0d1f2a04
Create Date: 2026-12-04 11:00:00+00:00

SKELETON: created empty so that work in parallel keeps one chain of revisions. Its owner
fills in upgrade() and downgrade() (autogenerate, reviewed by hand) and this docstring.
"""

from collections.abc import Sequence

revision: str = "5e1c0d1f2a05"
down_revision: str | None = "5e1c0d1f2a04"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
