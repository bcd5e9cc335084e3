"""The audit sequencer: a leaf index per audit row (assigned after commit), singleton leases,
and a feed position per outbox row (assigned after commit), replacing the global append lock.

Existing rows keep the order they had: leaf ``i`` is the ``i``-th row in id order (what the
log used to mean), and an outbox row's feed position is its id (the cursor clients hold).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("leaf_index", _BIG, nullable=True))
    op.execute(
        "UPDATE audit_log SET leaf_index = ranked.rn - 1 FROM "
        "(SELECT id, row_number() OVER (ORDER BY id) AS rn FROM audit_log) AS ranked "
        "WHERE audit_log.id = ranked.id"
    )
    op.create_index("uq_audit_leaf_index", "audit_log", ["leaf_index"], unique=True)
    queued = sa.text("leaf_index IS NULL")
    op.create_index(
        "ix_audit_unsequenced",
        "audit_log",
        ["id"],
        postgresql_where=queued,
        sqlite_where=queued,
    )
    op.create_table(
        "singleton_leases",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(128), nullable=False),
        sa.Column("acquired_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
    )
    with op.batch_alter_table("event_outbox") as batch:
        batch.add_column(sa.Column("feed_position", _BIG, nullable=True))
    op.execute("UPDATE event_outbox SET feed_position = id")
    op.create_index("uq_event_outbox_feed_position", "event_outbox", ["feed_position"], unique=True)
    unpositioned = sa.text("feed_position IS NULL")
    op.create_index(
        "ix_event_outbox_unpositioned",
        "event_outbox",
        ["id"],
        postgresql_where=unpositioned,
        sqlite_where=unpositioned,
    )


def downgrade() -> None:
    op.drop_index("ix_event_outbox_unpositioned", table_name="event_outbox")
    op.drop_index("uq_event_outbox_feed_position", table_name="event_outbox")
    with op.batch_alter_table("event_outbox") as batch:
        batch.drop_column("feed_position")
    op.drop_table("singleton_leases")
    op.drop_index("ix_audit_unsequenced", table_name="audit_log")
    op.drop_index("uq_audit_leaf_index", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("leaf_index")
