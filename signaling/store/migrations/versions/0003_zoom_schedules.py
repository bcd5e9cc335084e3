"""Zoom meetings (with their call-log snapshots), schedules and reminder claims.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("thread_id", sa.String(36), sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("start_utc", _TS, nullable=True),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_schedules_thread", "schedules", ["thread_id"])
    op.create_index("ix_schedules_state_start", "schedules", ["state", "start_utc"])
    op.create_table(
        "reminder_claims",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("node_id", sa.String(64), nullable=True),
        sa.Column("claimed_at", _TS, nullable=False),
    )
    op.create_table(
        "zoom_meetings",
        sa.Column("meeting_id", sa.String(32), primary_key=True),
        sa.Column("call_id", sa.String(36), sa.ForeignKey("calls.id"), nullable=False),
        sa.Column("thread_id", sa.String(36), sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("join_url", sa.Text(), nullable=False),
        sa.Column("log", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("zoom_meetings")
    op.drop_table("reminder_claims")
    op.drop_table("schedules")
