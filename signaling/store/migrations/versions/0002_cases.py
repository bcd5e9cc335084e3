"""Cases for the auditor queue, case notes, and search indexes.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("thread_id", sa.String(36), sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("call_id", sa.String(36), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("opened_by", sa.String(128), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("legal_hold", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_cases_status", "cases", ["status", "created_at"])
    op.create_index("ix_cases_thread", "cases", ["thread_id"])
    op.create_table(
        "case_notes",
        sa.Column("id", _BIGID, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("author_id", sa.String(128), nullable=False),
        sa.Column("status", sa.String(20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_case_notes_case", "case_notes", ["case_id"])
    op.create_index("ix_calls_created_id", "calls", ["created_at", "id"])
    op.create_index("ix_findings_created", "policy_findings", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_findings_created", "policy_findings")
    op.drop_index("ix_calls_created_id", "calls")
    op.drop_table("case_notes")
    op.drop_table("cases")
