"""Initial schema: users, threads, messages, audit log, calls, policy findings.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_table(
        "threads",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("job_id", sa.String(128), nullable=False),
        sa.Column("job_title", sa.String(300), nullable=False),
        sa.Column("client_id", sa.String(128), nullable=False),
        sa.Column("freelancer_id", sa.String(128), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("contract_started_at", _TS, nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.UniqueConstraint("client_id", "freelancer_id", "job_id", name="uq_thread_parties_job"),
    )
    op.create_index("ix_threads_client", "threads", ["client_id"])
    op.create_index("ix_threads_freelancer", "threads", ["freelancer_id"])
    op.create_index("ix_threads_job", "threads", ["job_id"])
    op.create_table(
        "messages",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("thread_id", sa.String(36), sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("client_msg_id", sa.String(128), nullable=True),
        sa.UniqueConstraint("thread_id", "seq", name="uq_message_seq"),
        sa.UniqueConstraint("thread_id", "author_id", "client_msg_id", name="uq_message_client_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", _BIGID, primary_key=True, autoincrement=True),
        sa.Column("chain", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("actor_id", sa.String(128), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("entry", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("chain", "position", name="uq_audit_chain_position"),
    )
    op.create_index("ix_audit_type", "audit_log", ["event_type"])
    op.create_table(
        "calls",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("thread_id", sa.String(36), sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("initiator_id", sa.String(128), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("end_reason", sa.String(32), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("connected_at", _TS, nullable=True),
        sa.Column("ended_at", _TS, nullable=True),
        sa.Column("connected_seconds", sa.Float(), nullable=True),
        sa.Column("recorded", sa.Boolean(), nullable=False),
        sa.Column("record", sa.Text(), nullable=True),
        sa.Column("state_json", sa.Text(), nullable=False),
        sa.Column("node_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_calls_thread", "calls", ["thread_id"])
    op.create_index("ix_calls_state", "calls", ["state"])
    op.create_index("ix_calls_created", "calls", ["created_at"])
    op.create_table(
        "policy_findings",
        sa.Column("id", _BIGID, primary_key=True, autoincrement=True),
        sa.Column("thread_id", sa.String(36), sa.ForeignKey("threads.id"), nullable=False),
        sa.Column("message_id", sa.String(36), nullable=True),
        sa.Column("author_id", sa.String(128), nullable=False),
        sa.Column("label", sa.String(20), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("original_text", sa.Text(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_findings_thread", "policy_findings", ["thread_id"])
    op.create_index("ix_findings_label_author", "policy_findings", ["label", "author_id"])


def downgrade() -> None:
    for name in ("policy_findings", "calls", "audit_log", "messages", "threads", "users"):
        op.drop_table(name)
