"""The transactional outbox: writing events with their change, and the delivery bookkeeping.

Writing (:class:`EventRecorder`): the store calls :meth:`~EventRecorder.on_audit` for every
audit entry and :meth:`~EventRecorder.on_message` for every message it writes; the events these
produce (see :mod:`signaling.events.catalogue`) are queued on the connection and inserted by
:meth:`SqlStore.write` just before the transaction commits, in one statement. A transaction
that rolls back takes its events with it; one that commits has them.

Commit order without a cluster-wide lock: writers insert their rows with ``feed_position``
NULL and take no lock for it (on PostgreSQL ids are drawn before commit, so a row with a
smaller id may become visible after one with a larger id). Positions are assigned after
commit by one assigner at a time (:meth:`OutboxStore.assign_positions`, under the claim lock
of the feed, never on the message path), to the rows *visible* at that moment, in id order,
each above every position handed out before: ``max(previous + 1, id)`` (so a position equals
the row's id unless the row committed late). The feed's order (the pull API's ``cursor``, the
order of claims) is ``feed_position``: a reader paging ``feed_position > cursor`` never skips
an event that commits late, because it gets a position above every one already handed out.
A thread's events keep their order: they are written under the thread's row lock, so they
become visible, and get positions, in the order they were written. Claims and reads assign
first, so an event is in the feed at the latest on the next claim or read after its commit.

Delivering (:class:`OutboxStore`): claims with leases. A claim takes, in id order, pending
events that are due and not leased, and only those with no earlier pending event of the same
thread (``order_key``) that is leased elsewhere or waiting for a retry, so a thread's events go
out in order. On PostgreSQL the candidate rows are read ``FOR UPDATE SKIP LOCKED`` under a
transaction advisory lock that serialises the (short) claim transactions of all nodes; the
lease is set by a conditional ``UPDATE ... WHERE`` the lease is still free or expired.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import and_, bindparam, case, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from signaling.domain.audit_chain import canonical_json
from signaling.domain.messages import Message
from signaling.events.catalogue import NewEvent, from_audit, from_message
from signaling.store import schema as t

# Serialises claim transactions and feed-position assignment across nodes (PostgreSQL).
CLAIM_LOCK_KEY = 0x0E7B0C
PENDING_EVENTS = "interview_pending_events"  # connection.info key: events of this transaction

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"
_INSERT = t.event_outbox.insert()
# SQLite has one writer at a time, so rows become visible in the order they are inserted: each
# gets its feed position as it goes in (the one after the top), and no assigner has to come
# back to the row (an update of two indexes per event). PostgreSQL assigns after commit.
_INSERT_POSITIONED = t.event_outbox.insert().values(
    feed_position=select(
        func.coalesce(func.max(t.event_outbox.c.feed_position), 0) + 1
    ).scalar_subquery()
)
STATES = (PENDING, DELIVERED, DEAD)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _text(value: str | None) -> str:
    """A JSON string (or null) as :func:`canonical_json` writes it."""
    return json.dumps(value, ensure_ascii=False)


def _iso(value: datetime | None) -> str | None:
    aware = _aware(value)
    return aware.isoformat().replace("+00:00", "Z") if aware else None


class EventRecorder:
    """Turns what a transaction writes into outbox rows of that same transaction."""

    def __init__(self, *, include_text: bool = False) -> None:
        self.include_text = include_text

    @staticmethod
    def queue(conn: AsyncConnection, events: Sequence[NewEvent]) -> None:
        """Queue events on the transaction; :meth:`flush` inserts them before it commits."""
        if events:
            conn.info.setdefault(PENDING_EVENTS, []).extend(events)

    def on_audit(
        self,
        conn: AsyncConnection,
        chain: str,
        event_type: str,
        actor_id: str,
        data: dict[str, Any],
        at: datetime,
    ) -> None:
        self.queue(conn, from_audit(chain, event_type, actor_id, data, at))

    def on_message(self, conn: AsyncConnection, message: Message) -> None:
        self.queue(conn, from_message(message, include_text=self.include_text))

    @staticmethod
    def discard(conn: AsyncConnection) -> None:
        """Forget events queued by an earlier transaction on this pooled connection."""
        conn.info.pop(PENDING_EVENTS, None)

    async def flush(self, conn: AsyncConnection) -> int:
        """Insert the queued events (in the still open transaction); returns how many."""
        events: list[NewEvent] = conn.info.pop(PENDING_EVENTS, None) or []
        await self.add(conn, events)
        return len(events)

    @staticmethod
    async def add(conn: AsyncConnection, events: Sequence[NewEvent]) -> None:
        """Insert ``events`` now, in ``conn``'s transaction, without a feed position (it is
        assigned after commit, in visibility order: see the module doc). No lock taken."""
        if not events:
            return
        rows = [
            {
                "event_id": "evt_" + os.urandom(16).hex(),  # 128 random bits, as uuid4 but cheaper
                "type": e.type,
                "version": e.version,
                "thread_id": e.thread_id,
                "order_key": e.order_key,
                "occurred_at": e.occurred_at,
                "data": canonical_json(e.data).decode(),
                "state": PENDING,
                "attempts": 0,
                "next_attempt_at": e.occurred_at,
            }
            for e in events
        ]
        # one row (the common case) as a plain execute: executemany costs more per statement
        statement = _INSERT_POSITIONED if conn.dialect.name == "sqlite" else _INSERT
        await conn.execute(statement, rows[0] if len(rows) == 1 else rows)


@dataclass(frozen=True)
class OutboxRow:
    """One stored event with its delivery state."""

    cursor: int
    event_id: str
    type: str
    version: int
    thread_id: str | None
    order_key: str
    occurred_at: datetime
    data_json: str  # ``data`` as stored: canonical JSON text
    state: str
    attempts: int
    next_attempt_at: datetime
    claim_token: str | None
    last_error: str | None
    delivered_at: datetime | None

    @cached_property
    def data(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.data_json)
        return value

    def envelope(self) -> dict[str, Any]:
        """The event as receivers get it (webhook body and pull API item)."""
        return {
            "id": self.event_id,
            "type": self.type,
            "version": self.version,
            "timestamp": _iso(self.occurred_at),
            "thread_id": self.thread_id,
            "cursor": str(self.cursor),
            "data": self.data,
        }

    def body(self) -> bytes:
        """The exact bytes POSTed (the same on every retry): ``canonical_json(envelope())``,
        spliced around the stored ``data`` text (already canonical) rather than parsing and
        encoding it again for every delivery."""
        return (
            f'{{"cursor":"{self.cursor}","data":{self.data_json},"id":{_text(self.event_id)},'
            f'"thread_id":{_text(self.thread_id)},"timestamp":{_text(_iso(self.occurred_at))},'
            f'"type":{_text(self.type)},"version":{int(self.version)}}}'
        ).encode()

    def admin_json(self) -> dict[str, Any]:
        return {
            **self.envelope(),
            "state": self.state,
            "attempts": self.attempts,
            "next_attempt_at": _iso(self.next_attempt_at),
            "last_error": self.last_error,
            "delivered_at": _iso(self.delivered_at),
        }


def _state_is(state: str) -> Any:
    """``state = :state`` for statements that select rows by feed position: written as an
    expression no index matches, so the planner walks the position index over the few rows
    asked for. Given ``state = 'pending'`` SQLite preferred the state
    index, reading (and sorting) every pending event in every round: quadratic in a
    backlog. (PostgreSQL's choice depends on its statistics; this leaves it the position
    index, the right one when the cursor is near the top of the feed.)"""
    return t.event_outbox.c.state.concat("") == state


def _delivered_through() -> Any:
    """The batch cursor's position (-1 before the first batch round): every event at or
    below it that is still ``pending`` in its row was delivered by a batch (see
    :class:`CursorOutbox`, which records a delivered batch by moving the cursor only)."""
    d = t.event_delivery
    return (
        select(func.coalesce(func.max(d.c.position), -1))
        .where(d.c.name == DELIVERY_CURSOR)
        .scalar_subquery()
    )


def _state() -> Any:
    """An event's delivery state: its row's, except that a ``pending`` row at or below the
    batch cursor is ``delivered``."""
    o = t.event_outbox
    return case(
        (and_(o.c.state == PENDING, o.c.feed_position <= _delivered_through()), DELIVERED),
        else_=o.c.state,
    )


def _with_state() -> Any:
    """Every column of the outbox, ``state`` being the delivery state (:func:`_state`)."""
    o = t.event_outbox
    return select(*(c for c in o.c if c.name != "state"), _state().label("state"))


def _row(r: Any) -> OutboxRow:
    return OutboxRow(
        cursor=int(r.feed_position),
        event_id=r.event_id,
        type=r.type,
        version=r.version,
        thread_id=r.thread_id,
        order_key=r.order_key,
        occurred_at=_aware(r.occurred_at) or utcnow(),
        data_json=r.data,
        state=r.state,
        attempts=r.attempts,
        next_attempt_at=_aware(r.next_attempt_at) or utcnow(),
        claim_token=r.claim_token,
        last_error=r.last_error,
        delivered_at=_aware(r.delivered_at),
    )


class OutboxStore:
    """Reading the feed and the delivery bookkeeping, over the :class:`SqlStore`'s engine
    (its writes go through the store's write transactions, serialised on SQLite)."""

    def __init__(self, store: Any) -> None:
        self.store = store  # SqlStore (typed loosely: signaling.store.sql imports this module)

    @property
    def _pg(self) -> bool:
        return not self.store.is_sqlite

    async def lock_feed(self, conn: AsyncConnection) -> None:
        """On PostgreSQL, take the feed's claim lock for ``conn``'s transaction: claims,
        position assignment and the batch cursor's changes run one at a time across nodes
        (SQLite's write transactions are serialised already)."""
        if self._pg:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CLAIM_LOCK_KEY})

    # --------------------------------------------------------------- positions
    async def _assign(self, conn: AsyncConnection, limit: int = 10_000) -> int:
        """Give feed positions to visible rows without one (in ``conn``'s transaction, which
        must hold the claim lock on PostgreSQL); returns how many."""
        o = t.event_outbox
        top_now = select(func.max(o.c.feed_position)).scalar_subquery()
        found = (
            await conn.execute(
                select(o.c.id, top_now.label("top"))
                .where(o.c.feed_position.is_(None))
                .order_by(o.c.id)
                .limit(limit)
            )
        ).all()
        if not found:
            return 0
        ids = [int(r.id) for r in found]
        top = found[0].top
        previous = 0 if top is None else int(top)
        if ids[0] > previous:
            # the common case: every row is above every position handed out, so each one's
            # position is its id (ids ascend); one statement instead of one per row
            await conn.execute(update(o).where(o.c.id.in_(ids)).values(feed_position=o.c.id))
            return len(ids)
        params = []
        for row_id in ids:
            previous = max(previous + 1, row_id)
            params.append({"row_id": row_id, "position": previous})
        await conn.execute(
            update(o)
            .where(o.c.id == bindparam("row_id"))
            .values(feed_position=bindparam("position")),
            params,
        )
        return len(ids)

    async def assign_positions(self) -> int:
        """Give feed positions to the events committed since the last time (module doc).
        SQLite's rows have theirs from their insert, so a read of the feed takes no write
        transaction from the message path (unless rows written before that are left)."""
        if not self._pg:
            o = t.event_outbox
            async with self.store.engine.connect() as conn:
                left = (
                    await conn.execute(select(o.c.id).where(o.c.feed_position.is_(None)).limit(1))
                ).first()
            if left is None:
                return 0
        total = 0
        while True:
            async with self.store.write(threads=False) as conn:
                await self.lock_feed(conn)
                count = await self._assign(conn)
            total += count
            if count < 10_000:
                return total

    # ------------------------------------------------------------------ reading
    async def events_after(
        self, after: int, *, types: Sequence[str] = (), limit: int = 100
    ) -> list[OutboxRow]:
        """Events in commit order after the cursor ``after`` (positions are assigned first)."""
        await self.assign_positions()
        o = t.event_outbox
        query = _with_state().where(o.c.feed_position > after)
        if types:
            query = query.where(o.c.type.in_(list(types)))
        async with self.store.engine.connect() as conn:
            rows = (await conn.execute(query.order_by(o.c.feed_position).limit(limit))).all()
        return [_row(r) for r in rows]

    async def by_state(self, state: str, *, after: int = 0, limit: int = 100) -> list[OutboxRow]:
        await self.assign_positions()
        o = t.event_outbox
        # dead letters by their row's state (indexed); the others by the delivery state
        which = o.c.state == DEAD if state == DEAD else _state() == state
        query = (
            _with_state()
            .where(which, o.c.feed_position > after)
            .order_by(o.c.feed_position)
            .limit(limit)
        )
        async with self.store.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_row(r) for r in rows]

    async def counts(self) -> dict[str, int]:
        state = _state()
        async with self.store.engine.connect() as conn:
            rows = (await conn.execute(select(state, func.count()).group_by(state))).all()
        found = {str(r[0]): int(r[1]) for r in rows}
        return {state: found.get(state, 0) for state in STATES}

    async def replay(self, event_ids: Sequence[str] | None, *, now: datetime) -> int:
        """Put dead letters back in the queue (all of them with ``event_ids=None``). Each
        gets a new feed position after every event so far (it keeps its id), so the pull feed
        lists it again there and batch delivery, whose cursor is past it, sends it again."""
        o = t.event_outbox
        condition = [o.c.state == DEAD]
        if event_ids is not None:
            if not event_ids:
                return 0
            condition.append(o.c.event_id.in_(list(event_ids)))
        async with self.store.write(threads=False) as conn:
            await self.lock_feed(conn)
            await self._assign(conn)
            ids = (
                (await conn.execute(select(o.c.id).where(*condition).order_by(o.c.feed_position)))
                .scalars()
                .all()
            )
            if not ids:
                return 0
            top = int((await conn.execute(select(func.max(o.c.feed_position)))).scalar() or 0)
            await conn.execute(
                update(o)
                .where(o.c.id == bindparam("row_id"))
                .values(
                    state=PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    lease_owner=None,
                    lease_until=None,
                    claim_token=None,
                    # back into the feed at its end (a new position, the same id): batch
                    # delivery resumes after its cursor, which is past the old position
                    feed_position=bindparam("position"),
                ),
                [{"row_id": row_id, "position": top + n} for n, row_id in enumerate(ids, 1)],
            )
        return len(ids)

    async def prune(self, before: datetime, *, delivering: bool) -> int:
        """Delete events that occurred before ``before``; returns how many. The pull feed
        then starts after them. Dead letters stay until replayed. When a webhook delivers
        the feed (``delivering``), only delivered events go: an event still waiting for
        its receiver is never dropped, however long the receiver has been down. Without a
        webhook the feed is pull-only and nothing marks events delivered, so age alone
        decides."""
        o = t.event_outbox
        removable = _state() == DELIVERED if delivering else o.c.state != DEAD
        # the newest event stays, whatever its age: positions (and SQLite's row ids) continue
        # above it, so a cursor held by a reader never points into a restarted numbering
        # (the newest by id and by position; a row without a position is not in the feed yet)
        newest = select(func.max(o.c.id)).scalar_subquery()
        top = select(func.max(o.c.feed_position)).scalar_subquery()
        kept = and_(o.c.id < newest, o.c.feed_position < top)
        async with self.store.write(threads=False) as conn:
            result = await conn.execute(o.delete().where(o.c.occurred_at < before, removable, kept))
        return int(result.rowcount or 0)

    # ---------------------------------------------------------------- delivering
    async def claim(
        self,
        node_id: str,
        *,
        now: datetime,
        lease_seconds: float,
        limit: int,
        delivered: Sequence[int] = (),
    ) -> list[OutboxRow]:
        """Lease up to ``limit`` deliverable events to ``node_id`` (see the module doc), after
        marking ``delivered`` (cursors of an earlier round the receiver acknowledged) in the
        same transaction."""
        o = t.event_outbox
        p = o.alias("earlier")
        claimable = and_(
            o.c.feed_position.is_not(None),
            o.c.feed_position > _delivered_through(),  # not delivered by a batch already
            o.c.state == PENDING,
            o.c.next_attempt_at <= now,
            or_(o.c.lease_until.is_(None), o.c.lease_until < now),
        )
        # A thread's first event that holds the rest back: pending and leased elsewhere or
        # waiting for a retry. Rows of the thread after it are not claimable. One aggregate
        # over the (few) blocking rows rather than a correlated lookup per candidate row,
        # which made a claim quadratic in the pending backlog.
        blockers = (
            select(p.c.order_key, func.min(p.c.feed_position).label("first"))
            .where(
                p.c.state == PENDING,
                # not one a batch delivered (at or below its cursor, the row as it was)
                p.c.feed_position > _delivered_through(),
                or_(
                    p.c.next_attempt_at > now,
                    and_(p.c.lease_until.is_not(None), p.c.lease_until >= now),
                ),
            )
            .group_by(p.c.order_key)
            .subquery("blockers")
        )
        query = (
            select(o.c.id)
            .select_from(o.outerjoin(blockers, blockers.c.order_key == o.c.order_key))
            .where(
                claimable,
                or_(blockers.c.first.is_(None), o.c.feed_position < blockers.c.first),
            )
            .order_by(o.c.feed_position)
            .limit(limit)
        )
        if self._pg:
            # a CTE evaluated once (PostgreSQL may run an IN subquery with FOR UPDATE and
            # LIMIT more than once, which would lease more than ``limit`` rows)
            query = query.with_for_update(skip_locked=True, of=o)
            picked = query.cte("picked").prefix_with("MATERIALIZED")
        else:
            picked = query.cte("picked")
        token = str(uuid.uuid4())
        async with self.store.write(threads=False) as conn:
            await self.lock_feed(conn)
            if delivered:
                await self._mark_delivered(conn, delivered, now)
            await self._assign(conn)  # what committed since the last claim joins the feed
            # the candidates and their lease in one statement; RETURNING gives them back
            rows = (
                await conn.execute(
                    update(o)
                    .where(o.c.id.in_(select(picked.c.id)), claimable)
                    .values(
                        lease_owner=node_id[:64],
                        lease_until=now + timedelta(seconds=lease_seconds),
                        claim_token=token,
                    )
                    .returning(*o.c)
                )
            ).all()
        rows.sort(key=lambda r: int(r.feed_position))
        return [_row(r) for r in rows]

    async def delivered(self, cursors: Sequence[int], *, now: datetime) -> None:
        """Mark events delivered (whoever holds their lease now: the receiver has them)."""
        if not cursors:
            return
        async with self.store.write(threads=False) as conn:
            await self._mark_delivered(conn, cursors, now)

    @staticmethod
    async def _mark_delivered(conn: AsyncConnection, cursors: Sequence[int], now: datetime) -> None:
        o = t.event_outbox
        await conn.execute(
            update(o)
            .where(o.c.feed_position.in_(list(cursors)), _state_is(PENDING))
            .values(
                state=DELIVERED,
                delivered_at=now,
                lease_owner=None,
                lease_until=None,
                claim_token=None,
            )
        )

    async def failed(
        self, row: OutboxRow, error: str, *, now: datetime, delay: float, max_attempts: int
    ) -> str:
        """Count a failed attempt: retry after ``delay``, or dead-letter after the last one.
        Returns the new state (unchanged if the lease was lost meanwhile)."""
        o = t.event_outbox
        attempts = row.attempts + 1
        state = DEAD if attempts >= max_attempts else PENDING
        async with self.store.write(threads=False) as conn:
            result = await conn.execute(
                update(o)
                .where(o.c.feed_position == row.cursor, o.c.claim_token == row.claim_token)
                .values(
                    attempts=attempts,
                    state=case((o.c.state == PENDING, state), else_=o.c.state),
                    next_attempt_at=now + timedelta(seconds=delay),
                    last_error=error[:500],
                    lease_owner=None,
                    lease_until=None,
                    claim_token=None,
                )
            )
        return state if result.rowcount else row.state

    async def release(self, rows: Sequence[OutboxRow]) -> None:
        """Give back leases not used (the events stay pending, in order)."""
        if not rows:
            return
        o = t.event_outbox
        async with self.store.write(threads=False) as conn:
            for token in {r.claim_token for r in rows}:
                await conn.execute(
                    update(o)
                    .where(
                        o.c.feed_position.in_([r.cursor for r in rows]),
                        o.c.claim_token == token,
                    )
                    .values(lease_owner=None, lease_until=None, claim_token=None)
                )


# ------------------------------------------------------------- batch delivery by cursor
_o = t.event_outbox
# what a batch needs (its rows are pending, unleased and their attempts are the cursor's)
_BATCH_COLUMNS = (
    _o.c.feed_position,
    _o.c.event_id,
    _o.c.type,
    _o.c.version,
    _o.c.thread_id,
    _o.c.order_key,
    _o.c.occurred_at,
    _o.c.data,
)


def batch_query(after: int, limit: int, through: int | None = None) -> Any:
    """The next batch: pending events after the cursor, in feed order (read by position);
    with ``through``, none after that position (a failed batch's retry)."""
    query = select(*_BATCH_COLUMNS).where(_o.c.feed_position > after, _state_is(PENDING))
    if through is not None:
        query = query.where(_o.c.feed_position <= through)
    return query.order_by(_o.c.feed_position).limit(limit)


def _batch_row(r: Any) -> OutboxRow:
    occurred = _aware(r.occurred_at) or utcnow()
    return OutboxRow(
        cursor=int(r.feed_position),
        event_id=r.event_id,
        type=r.type,
        version=r.version,
        thread_id=r.thread_id,
        order_key=r.order_key,
        occurred_at=occurred,
        data_json=r.data,
        state=PENDING,
        attempts=0,
        next_attempt_at=occurred,
        claim_token=None,
        last_error=None,
        delivered_at=None,
    )


DELIVERY_CURSOR = "webhook"  # event_delivery.name of the one webhook receiver


@dataclass(frozen=True)
class BatchClaim:
    """The next batch of a cursor round: the events after the cursor, in feed order."""

    rows: list[OutboxRow]
    attempts: int  # failed attempts of this batch so far (0: a first try)


class CursorOutbox:
    """Batch delivery (``INTERVIEW_EVENTS_DELIVERY=batch``) by a cursor instead of a lease per
    event. One row of ``event_delivery`` holds the feed position through which the receiver
    acknowledged everything, and a lease: the node holding it reads the next pending events
    after the cursor (a plain indexed read, no per-event write), POSTs them as one array,
    and moves the cursor past them in its next round's transaction; the rows are not
    rewritten (a pending row at or below the cursor reads as delivered: :func:`_state`). A
    failed batch is retried whole, and only it, after a backoff (the cursor's ``attempts``
    and ``through``), so every thread's order holds; after the last attempt its events
    become dead letters and the cursor moves past them. A node that dies holding the lease
    leaves the cursor where it was: after the lease expires another node sends the batch
    again (at least once). Per event, delivery costs one row read, where a lease per event
    costs a conditional update returning the row, then another to mark it delivered."""

    def __init__(self, outbox: OutboxStore) -> None:
        self.outbox = outbox

    @property
    def store(self) -> Any:
        return self.outbox.store

    async def _cursor(self, conn: AsyncConnection) -> Any:
        d = t.event_delivery
        row = (await conn.execute(select(d).where(d.c.name == DELIVERY_CURSOR))).first()
        if row is not None:
            return row
        # first round (or after a wipe): start before the oldest pending event, so nothing
        # pending is skipped and the delivered history is not read again
        o = t.event_outbox
        oldest = (
            await conn.execute(
                select(func.min(o.c.feed_position)).where(
                    o.c.state == PENDING, o.c.feed_position.is_not(None)
                )
            )
        ).scalar()
        if oldest is None:
            oldest = (await conn.execute(select(func.max(o.c.feed_position)))).scalar()
            start = int(oldest or 0)
        else:
            start = int(oldest) - 1
        await conn.execute(
            t.event_delivery.insert().values(
                name=DELIVERY_CURSOR,
                position=start,
                attempts=0,
                next_attempt_at=datetime(2000, 1, 1, tzinfo=UTC),
            )
        )
        return (await conn.execute(select(d).where(d.c.name == DELIVERY_CURSOR))).one()

    @staticmethod
    async def _advance(
        conn: AsyncConnection, through: tuple[int, int], *, dead: dict[str, Any] | None = None
    ) -> None:
        """Move the cursor past a batch, the positions ``through[0]..through[1]``. A
        delivered batch is recorded by the cursor alone (its rows stay as they are, and read
        as delivered: see :func:`_state`); a given-up batch's events (``dead``: their
        attempts and last error) become dead letters."""
        o, d = t.event_outbox, t.event_delivery
        first, last = through
        if dead is not None:
            # not what is at or below the cursor already: an acknowledgement of an earlier
            # holder (whose lease expired mid-POST) moved it, and those events are delivered
            await conn.execute(
                update(o)
                .where(
                    o.c.feed_position >= first,
                    o.c.feed_position <= last,
                    o.c.feed_position > _delivered_through(),
                    _state_is(PENDING),
                )
                .values(state=DEAD, lease_owner=None, lease_until=None, claim_token=None, **dead)
            )
        await conn.execute(
            update(d)
            .where(d.c.name == DELIVERY_CURSOR)
            .values(
                position=case((d.c.position < last, last), else_=d.c.position),
                attempts=0,
                last_error=None,
                through=None,
            )
        )

    @staticmethod
    async def _give_up_lease(conn: AsyncConnection, node_id: str) -> None:
        """Free the cursor's lease if ``node_id`` holds it."""
        d = t.event_delivery
        await conn.execute(
            update(d)
            .where(d.c.name == DELIVERY_CURSOR, d.c.lease_owner == node_id[:64])
            .values(lease_owner=None, lease_until=None)
        )

    async def claim(
        self,
        node_id: str,
        *,
        now: datetime,
        lease_seconds: float,
        limit: int,
        delivered: tuple[int, int] | None = None,
    ) -> BatchClaim | None:
        """Record ``delivered`` (the first and last position of a batch the receiver
        acknowledged), then take the cursor's lease and read the next batch. None: another
        node holds the lease, or the batch waits for its retry."""
        d = t.event_delivery
        async with self.store.write(threads=False) as conn:
            await self.outbox.lock_feed(conn)
            if delivered is not None:
                await self._advance(conn, delivered)
            await self.outbox._assign(conn)
            cursor = await self._cursor(conn)
            holder, until = cursor.lease_owner, _aware(cursor.lease_until)
            if holder not in (None, node_id[:64]) and until is not None and until >= now:
                return None
            if (_aware(cursor.next_attempt_at) or now) > now:
                return None
            # a failed batch is retried with its own events only (``through``): what
            # committed since waits for the next batch rather than inheriting its attempts
            through = cursor.through if cursor.attempts else None
            rows = (await conn.execute(batch_query(int(cursor.position), limit, through))).all()
            if not rows and through is not None:  # its events are gone (delivered, dead)
                rows = (await conn.execute(batch_query(int(cursor.position), limit))).all()
            # the lease, only while there is something to send (an idle node holds nothing)
            await conn.execute(
                update(d)
                .where(d.c.name == DELIVERY_CURSOR)
                .values(
                    lease_owner=node_id[:64] if rows else None,
                    lease_until=now + timedelta(seconds=lease_seconds) if rows else None,
                )
            )
        return BatchClaim([_batch_row(r) for r in rows], int(cursor.attempts))

    async def delivered(self, node_id: str, through: tuple[int, int] | None) -> None:
        """Record an acknowledged batch on its own (the feed went quiet, or shutdown) and
        give the lease up."""
        if through is None:
            return
        async with self.store.write(threads=False) as conn:
            await self.outbox.lock_feed(conn)  # not in the middle of a claim reading the cursor
            await self._advance(conn, through)
            await self._give_up_lease(conn, node_id)

    async def release(self, node_id: str) -> None:
        """Give the lease up if ``node_id`` holds it (a delivery loop stopping mid-POST): the
        cursor stays where it was, and the next holder sends that batch again now rather
        than after the lease expires."""
        async with self.store.write(threads=False) as conn:
            await self._give_up_lease(conn, node_id)

    async def failed(
        self,
        node_id: str,
        claim: BatchClaim,
        error: str,
        *,
        now: datetime,
        delay: float,
        max_attempts: int,
    ) -> str:
        """Count a failed attempt of the batch: retry it whole after ``delay`` (nothing
        after the cursor is sent before it), or, after the last attempt, dead-letter its
        events and move on. Returns the events' state."""
        attempts = claim.attempts + 1
        rows = claim.rows
        d = t.event_delivery
        async with self.store.write(threads=False) as conn:
            # after any claim in progress (which may be taking an expired lease over), so the
            # holder read next is the one that counts
            await self.outbox.lock_feed(conn)
            holder = (
                await conn.execute(select(d.c.lease_owner).where(d.c.name == DELIVERY_CURSOR))
            ).scalar()
            if holder != node_id[:64]:
                return PENDING  # the lease expired and another node has the batch now
            if attempts >= max_attempts:
                await self._advance(
                    conn,
                    (rows[0].cursor, rows[-1].cursor),
                    dead={"attempts": attempts, "last_error": error[:500]},
                )
                values: dict[str, Any] = {"next_attempt_at": now}
            else:
                values = {
                    "attempts": attempts,
                    "next_attempt_at": now + timedelta(seconds=delay),
                    "last_error": error[:500],
                    "through": rows[-1].cursor,
                }
            await conn.execute(
                update(t.event_delivery)
                .where(t.event_delivery.c.name == DELIVERY_CURSOR)
                .values(lease_owner=None, lease_until=None, **values)
            )
        return DEAD if attempts >= max_attempts else PENDING

    async def status(self) -> dict[str, Any] | None:
        """The cursor's state for the admin API (None before the first batch round)."""
        d = t.event_delivery
        async with self.store.engine.connect() as conn:
            row = (await conn.execute(select(d).where(d.c.name == DELIVERY_CURSOR))).first()
        if row is None:
            return None
        return {
            "cursor": str(row.position),
            "attempts": int(row.attempts),
            "next_attempt_at": _iso(row.next_attempt_at),
            "last_error": row.last_error,
            "lease_owner": row.lease_owner,
        }
