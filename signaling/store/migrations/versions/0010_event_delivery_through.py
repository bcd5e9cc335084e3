"""Batch delivery retries the batch that failed and only it: ``event_delivery.through`` holds
the last feed position of the batch waiting for its retry (NULL when none is), so events
committed after the failure wait for the next batch instead of joining one near its last
attempt.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event_delivery") as batch:
        batch.add_column(
            sa.Column("through", sa.BigInteger().with_variant(sa.Integer, "sqlite"), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("event_delivery") as batch:
        batch.drop_column("through")
