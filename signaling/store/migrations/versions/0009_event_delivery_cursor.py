"""Batch delivery by cursor: one row per webhook receiver holding the feed position acknowledged
so far, the delivering node's lease and the current batch's retry state. The row is created on
the first batch round (from the oldest pending event), so nothing is copied here.

From this revision on, SQLite's events take their feed position in their own insert (the one
after the top). Before it they got one after commit, at the next claim or pull, so an upgraded
database may hold committed events without one: they get theirs here, in id order above every
position (as the assigner would have), so that events written after the upgrade come after
them rather than ahead of them.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "event_delivery",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("position", sa.BigInteger().with_variant(sa.Integer, "sqlite"), nullable=False),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", _TS, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", _TS, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        # the last position of the batch waiting for its retry (NULL when none is): a retry
        # sends that batch and only it, so later events do not inherit its attempts
        sa.Column("through", sa.BigInteger().with_variant(sa.Integer, "sqlite"), nullable=True),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        top = bind.execute(sa.text("SELECT max(feed_position) FROM event_outbox")).scalar()
        left = bind.execute(
            sa.text("SELECT id FROM event_outbox WHERE feed_position IS NULL ORDER BY id")
        ).scalars()
        previous = int(top or 0)
        for row_id in list(left):
            previous = max(previous + 1, int(row_id))
            bind.execute(
                sa.text("UPDATE event_outbox SET feed_position = :p WHERE id = :id"),
                {"p": previous, "id": row_id},
            )


def downgrade() -> None:
    op.drop_table("event_delivery")
