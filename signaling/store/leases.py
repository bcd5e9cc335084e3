"""Node leases in the database (SQLite or PostgreSQL): the NodeLeases port.

A node writes ``node_leases(node_id, incarnation, expires_at)`` when it starts and renews it
every ``INTERVIEW_NODE_LEASE_RENEW_SECONDS``; a call row names the node that holds it. A call
without a record whose node holds no unexpired lease is an orphan. Expiry is judged by the
database's clock on PostgreSQL (so nodes' clocks may disagree) and by this process's clock on
SQLite (one process owns the file).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, exists, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from signaling.domain.calls import call_from_snapshot
from signaling.domain.ports import OpenCall
from signaling.store import schema as t
from signaling.store.sql import SqlStore


class SqlNodeLeases:
    """Leases and open-call queries over the store's engine."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.exclusive = store.is_sqlite

    async def _now(self, conn: AsyncConnection) -> datetime:
        if self.store.is_sqlite:
            return datetime.now(UTC)
        value = (await conn.execute(text("SELECT clock_timestamp()"))).scalar_one()
        assert isinstance(value, datetime)
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    async def acquire(self, node_id: str, incarnation: str, ttl: float) -> None:
        async with self.store.write(threads=False) as conn:
            now = await self._now(conn)
            values = {
                "incarnation": incarnation,
                "started_at": now,
                "renewed_at": now,
                "expires_at": now + timedelta(seconds=ttl),
            }
            updated = await conn.execute(
                update(t.node_leases).where(t.node_leases.c.node_id == node_id).values(**values)
            )
            if updated.rowcount == 0:
                await conn.execute(t.node_leases.insert().values(node_id=node_id, **values))

    async def renew(self, node_id: str, incarnation: str, ttl: float) -> bool:
        async with self.store.write(threads=False) as conn:
            now = await self._now(conn)
            updated = await conn.execute(
                update(t.node_leases)
                .where(
                    t.node_leases.c.node_id == node_id,
                    t.node_leases.c.incarnation == incarnation,
                    t.node_leases.c.expires_at >= now,
                )
                .values(renewed_at=now, expires_at=now + timedelta(seconds=ttl))
            )
            return bool(updated.rowcount)

    async def open_calls(self, node_id: str | None) -> list[OpenCall]:
        query = (
            select(t.calls.c.state_json, t.calls.c.node_id)
            .where(t.calls.c.record.is_(None), t.calls.c.kind.in_(("audio", "video")))
            .order_by(t.calls.c.created_at)
        )
        if node_id is not None:
            query = query.where(t.calls.c.node_id == node_id)
        async with self.store.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_open_call(r.state_json, r.node_id) for r in rows]

    async def open_call(self, call_id: str) -> OpenCall | None:
        query = select(t.calls.c.state_json, t.calls.c.node_id).where(
            t.calls.c.id == call_id, t.calls.c.record.is_(None)
        )
        async with self.store.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else _open_call(row.state_json, row.node_id)

    async def orphaned_calls(self, live_node_id: str) -> list[OpenCall]:
        async with self.store.engine.connect() as conn:
            now = await self._now(conn)
            live = exists().where(
                t.node_leases.c.node_id == t.calls.c.node_id,
                t.node_leases.c.expires_at >= now,
            )
            query = (
                select(t.calls.c.state_json, t.calls.c.node_id)
                .where(
                    t.calls.c.record.is_(None),
                    t.calls.c.kind.in_(("audio", "video")),
                    (t.calls.c.node_id.is_(None)) | ((t.calls.c.node_id != live_node_id) & ~live),
                )
                .order_by(t.calls.c.created_at)
            )
            rows = (await conn.execute(query)).all()
        return [_open_call(r.state_json, r.node_id) for r in rows]

    async def drop_expired(self) -> int:
        async with self.store.write(threads=False) as conn:  # node leases only
            now = await self._now(conn)
            holds = exists().where(
                t.calls.c.node_id == t.node_leases.c.node_id, t.calls.c.record.is_(None)
            )
            deleted = await conn.execute(
                delete(t.node_leases).where(t.node_leases.c.expires_at < now, ~holds)
            )
            return int(deleted.rowcount or 0)


def _open_call(snapshot: str, node_id: str | None) -> OpenCall:
    return OpenCall(call_from_snapshot(json.loads(snapshot)), snapshot, node_id)
