"""Node leases (crash recovery across nodes) and an index of calls without a record.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "node_leases",
        sa.Column("node_id", sa.String(64), primary_key=True),
        sa.Column("incarnation", sa.String(36), nullable=False),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("renewed_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
    )
    unfinished = sa.text("record IS NULL")
    op.create_index(
        "ix_calls_unfinished",
        "calls",
        ["node_id"],
        postgresql_where=unfinished,
        sqlite_where=unfinished,
    )


def downgrade() -> None:
    op.drop_index("ix_calls_unfinished", table_name="calls")
    op.drop_table("node_leases")
