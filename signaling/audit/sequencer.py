"""The audit sequencer: one node at a time integrates queued audit rows into the Merkle log.

Writers append an audit row to its chain in their own transaction (under the chain's lock
only) and leave its ``leaf_index`` NULL: the row is *queued*. The sequencer, in the style of
Trillian's and of certificate-transparency logs, gives committed queued rows the next leaf
indexes, in id order, ``INTERVIEW_AUDIT_SEQUENCER_BATCH`` at a time, every
``INTERVIEW_AUDIT_SEQUENCER_INTERVAL_SECONDS`` (and again at once while a batch came back
full). A row whose transaction commits late, with a smaller id than rows already sequenced,
simply gets a later leaf: the log's order is the order of integration, stored with the row.

One sequencer in the cluster: it holds the ``audit_sequencer`` row of ``singleton_leases``
for ``INTERVIEW_AUDIT_SEQUENCER_LEASE_SECONDS``. Each round takes or renews that lease and
assigns the batch *in one transaction*, with the lease row locked, so a holder whose lease
lapsed (a paused or partitioned process) can never commit an assignment after another node took
over; a holder stalled inside that transaction is cut off by PostgreSQL
(``idle_in_transaction_session_timeout`` = the lease TTL). Expiry is judged by the database's
clock on PostgreSQL. Any node may take the lease once it lapsed; a node that stops cleanly
gives it up at once.

On SQLite (one process) the same sequencer runs in-process; the lease is trivially its own.

Maximum merge delay (until an entry has a leaf, i.e. is in the next tree head): one interval
while the holder lives (plus the time to drain a backlog, ``batch`` rows per round); when the
holder dies, up to one lease TTL plus one interval before another node takes over.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from signaling.store import schema as t
from signaling.store.sql import SqlStore

logger = logging.getLogger(__name__)

LEASE_NAME = "audit_sequencer"


class AuditSequencer:
    """Assigns leaf indexes to queued audit rows while it holds the cluster's sequencer lease."""

    def __init__(
        self,
        store: SqlStore,
        holder: str,
        *,
        batch: int = 1000,
        interval: float = 1.0,
        lease_seconds: float = 10.0,
        on_integrated: Callable[[int], None] | None = None,
    ) -> None:
        if batch < 1:
            raise ValueError("batch must be positive")
        if not 0 < interval < lease_seconds:
            raise ValueError("the interval must be positive and shorter than the lease")
        self.store = store
        self.holder = holder
        self.batch = batch
        self.interval = interval
        self.lease_seconds = lease_seconds
        self.on_integrated = on_integrated
        self.holding = False  # whether the last round held the lease
        self.integrated = 0  # rows this process sequenced (a counter for /metrics and tests)

    async def _now(self, conn: AsyncConnection) -> datetime:
        if self.store.is_sqlite:
            return datetime.now(UTC)
        value = (await conn.execute(text("SELECT clock_timestamp()"))).scalar_one()
        assert isinstance(value, datetime)
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    async def _take_lease(self, conn: AsyncConnection) -> bool:
        """Take or renew the lease in ``conn``'s transaction (its row stays locked until it
        ends); False if another live holder has it."""
        lease = t.singleton_leases
        if not self.store.is_sqlite:
            ttl_ms = max(1, int(self.lease_seconds * 1000))
            await conn.execute(text(f"SET LOCAL idle_in_transaction_session_timeout = {ttl_ms}"))
            await conn.execute(text(f"SET LOCAL lock_timeout = {ttl_ms}"))
        now = await self._now(conn)
        query = select(lease.c.holder, lease.c.expires_at).where(lease.c.name == LEASE_NAME)
        if not self.store.is_sqlite:
            query = query.with_for_update(nowait=True)
        try:
            row = (await conn.execute(query)).first()
        except DBAPIError:  # the lease row is locked: another node's round is running
            return False
        expires = now + timedelta(seconds=self.lease_seconds)
        if row is None:
            try:
                async with conn.begin_nested():
                    await conn.execute(
                        lease.insert().values(
                            name=LEASE_NAME, holder=self.holder, acquired_at=now, expires_at=expires
                        )
                    )
            except IntegrityError:  # another node created it first
                return False
            return True
        held_until = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
        if row.holder != self.holder and held_until >= now:
            return False
        values: dict[str, object] = {"holder": self.holder, "expires_at": expires}
        if row.holder != self.holder:
            values["acquired_at"] = now
            logger.info("audit sequencer: %s takes the lease over from %s", self.holder, row.holder)
        await conn.execute(lease.update().where(lease.c.name == LEASE_NAME).values(**values))
        return True

    async def step(self) -> int | None:
        """One round: take or renew the lease and integrate up to ``batch`` rows. Returns how
        many were integrated, or None when another node holds the lease."""
        try:
            async with self.store.write(threads=False) as conn:
                if not await self._take_lease(conn):
                    self.holding = False
                    return None
                count = await self.store.sequence_audit(conn, self.batch)
        except DBAPIError:
            # cut off by lock_timeout / idle_in_transaction_session_timeout, or the unique
            # leaf index refused a second sequencer: nothing was assigned; try next round
            logger.warning("audit sequencer round failed", exc_info=True)
            self.holding = False
            return None
        self.holding = True
        if count:
            self.integrated += count
            if self.on_integrated is not None:
                self.on_integrated(count)
        return count

    async def drain(self) -> int | None:
        """Rounds until a batch comes back short (the queue is empty); total, or None."""
        total = 0
        while True:
            count = await self.step()
            if count is None:
                return None if total == 0 else total
            total += count
            if count < self.batch:
                return total

    async def run(self) -> None:
        """Rounds every ``interval`` until cancelled (then the lease is given up)."""
        try:
            while True:
                try:
                    await self.drain()
                except Exception:  # a database hiccup must not end the loop
                    logger.exception("audit sequencer round failed")
                await asyncio.sleep(self.interval)
        finally:
            if self.holding:
                await asyncio.shield(self.release())

    async def release(self) -> None:
        """Give the lease up (another node may take it at once)."""
        try:
            async with self.store.write(threads=False) as conn:
                await conn.execute(
                    t.singleton_leases.delete().where(
                        t.singleton_leases.c.name == LEASE_NAME,
                        t.singleton_leases.c.holder == self.holder,
                    )
                )
        except Exception:  # the database may be gone at shutdown; the lease then lapses
            logger.warning("audit sequencer: could not give the lease up", exc_info=True)
        self.holding = False


async def sequence_all(store: SqlStore, *, batch: int = 10_000) -> int:
    """Integrate every queued row now, without a lease: for one process that owns the store
    (SQLite, a CLI run against a stopped cluster, tests). Returns how many rows."""
    total = 0
    while True:
        async with store.write(threads=False) as conn:
            count = await store.sequence_audit(conn, batch)
        total += count
        if count < batch:
            return total
