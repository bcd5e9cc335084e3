"""SQL implementation of the store ports (SQLite by default, PostgreSQL in production).

Writes that must be serialised (per-thread ``seq``, audit chains) run under a lock: an asyncio
lock on SQLite (a single process owns the embedded file); on PostgreSQL, so several nodes can
share one database, the thread's row lock for a thread's messages and chain, and a per-chain
transaction advisory lock for the few chains that are no thread (``access``, ``global``).
There is no cluster-wide lock: new audit rows are queued (``leaf_index`` NULL) and the
sequencer (signaling.audit.sequencer) gives them their place in the global Merkle log.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, event, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from signaling.domain.audit_chain import GENESIS_HASH, canonical_json, chain_hash
from signaling.domain.calls import Call, CallEvent, call_from_snapshot, call_to_snapshot
from signaling.domain.messages import SYSTEM_AUTHOR, Message, MessageKind, NewMessage
from signaling.domain.ports import (
    AppendResult,
    AuditEntry,
    ChainReport,
    FindingRow,
    RecordedSegment,
    UserProfile,
)
from signaling.domain.threads import Role, Stage, Thread
from signaling.errors import NotFound
from signaling.store import schema as t
from signaling.store.batch import (
    MessageBatcher,
    Planned,
    ThreadHead,
    plan_messages,
    platform_links,
    write_plan,
)

if TYPE_CHECKING:
    from signaling.events.catalogue import NewEvent
    from signaling.events.outbox import EventRecorder

logger = logging.getLogger(__name__)

GLOBAL_CHAIN = "global"
_CHAIN_REPORTS_KEPT = 1024  # chain verification reports cached (per chain head)
# Lock a thread's row (a thread's chain) in the transaction; no row: the chain is no thread.
# The head of one audit chain: its last position and hash.
_CHAIN_HEAD = (
    select(t.audit_log.c.position, t.audit_log.c.hash)
    .where(t.audit_log.c.chain == bindparam("chain"))
    .order_by(t.audit_log.c.position.desc())
    .limit(1)
)
_LOCK_CHAIN_THREAD = text("SELECT 1 FROM threads WHERE id = :chain FOR UPDATE")
# A chain that is no thread: a transaction advisory lock of its own (64-bit hash of its name).
_LOCK_CHAIN_NAME = text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))")
_INSERT_AUDIT = t.audit_log.insert()


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def body_digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(body)).hexdigest()


def make_engine(
    url: str, *, pool_recycle: float = 1800.0, sqlite_synchronous: str = "FULL"
) -> AsyncEngine:
    """Create the engine; SQLite gets WAL, a busy timeout, foreign keys and
    ``synchronous=FULL`` (each commit is on disk before it returns; see the README's
    "Group commit and durability").

    PostgreSQL connections are not pinged on each checkout (that was one round trip per
    statement batch on the hot path). Instead a connection is replaced after
    ``pool_recycle`` seconds (before servers or proxies drop idle ones), and when a statement
    fails on a dead connection SQLAlchemy invalidates the whole pool, so a database restart
    costs the requests in flight (the message batcher retries its batch on a fresh
    connection) and not every pooled connection in turn.
    """
    synchronous = sqlite_synchronous.upper()
    if synchronous not in ("NORMAL", "FULL"):
        raise ValueError("sqlite_synchronous must be NORMAL or FULL")
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_async_engine(
        url, pool_size=10, max_overflow=10, pool_recycle=pool_recycle, pool_pre_ping=False
    )


class SqlStore:
    """The ThreadStore (and friends) over SQLAlchemy Core async."""

    def __init__(
        self, engine: AsyncEngine, *, batch_max: int = 200, batch_wait: float = 0.002
    ) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._write_lock = asyncio.Lock()
        # Bumped by every write transaction outside the message batcher: the batcher's cache
        # of thread heads is dropped when it changes (see signaling.store.batch).
        self.generation = 0
        self.batcher = MessageBatcher(self, max_batch=batch_max, wait=batch_wait)
        # The event feed's unit of work (signaling.events.outbox): events derived from the
        # audit entries and messages a write transaction appends are inserted before it
        # commits; ``on_events`` runs after a commit that wrote some (wakes the dispatcher).
        self.events: EventRecorder | None = None
        self.on_events: Callable[[], None] | None = None
        # verify_chain's reports by chain, with the head (position, hash) they were made at
        self._chain_reports: dict[str, tuple[tuple[int, str] | None, ChainReport]] = {}

    async def close(self) -> None:
        await self.batcher.close()
        await self.engine.dispose()

    @staticmethod
    def now() -> datetime:
        return utcnow()

    @asynccontextmanager
    async def write(self, *, threads: bool = True) -> AsyncIterator[AsyncConnection]:
        """A write transaction; serialised on SQLite. ``threads=False`` promises it writes no
        thread, message or audit row, so the message batcher keeps its cache."""
        async with self.transaction() as conn:
            if threads:
                self.generation += 1  # the batcher's cached thread heads may be stale now
            yield conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction (serialised on SQLite) whose events go in before it commits;
        :meth:`write` for everything but the message batcher."""
        events = self.events
        written = 0
        if self.is_sqlite:
            async with self._write_lock, self.engine.begin() as conn:
                if events is not None:
                    events.discard(conn)
                yield conn
                if events is not None:
                    written = await events.flush(conn)
        else:
            async with self.engine.begin() as conn:
                if events is not None:
                    events.discard(conn)
                yield conn
                if events is not None:
                    written = await events.flush(conn)
        if written and self.on_events is not None:
            self.on_events()

    async def emit(self, events: Sequence[NewEvent]) -> None:
        """Write events that belong to no stored change of ours (a published tree head)."""
        if self.events is None or not events:
            return
        async with self.write(threads=False) as conn:
            self.events.queue(conn, events)

    # ---------------------------------------------------------------- users
    async def upsert_user(self, user_id: str, name: str, role: str) -> None:
        now = utcnow()
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(t.users.c.name, t.users.c.role).where(t.users.c.id == user_id)
                )
            ).first()
        if row is not None and (row.name, row.role) == (name, role):
            return  # the common case: nothing changed, no write lock taken
        async with self.write(threads=False) as conn:
            row = (
                await conn.execute(
                    select(t.users.c.name, t.users.c.role).where(t.users.c.id == user_id)
                )
            ).first()
            if row is None:
                try:
                    async with conn.begin_nested():
                        await conn.execute(
                            t.users.insert().values(
                                id=user_id, name=name, role=role, updated_at=now
                            )
                        )
                    return
                except IntegrityError:
                    pass  # a concurrent insert won; fall through to update
            elif (row.name, row.role) == (name, role):
                return
            await conn.execute(
                t.users.update()
                .where(t.users.c.id == user_id)
                .values(name=name, role=role, updated_at=now)
            )

    async def get_users(self, user_ids: Sequence[str]) -> dict[str, UserProfile]:
        if not user_ids:
            return {}
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(select(t.users).where(t.users.c.id.in_(list(set(user_ids)))))
            ).all()
        return {r.id: UserProfile(r.id, r.name, r.role) for r in rows}

    # -------------------------------------------------------------- threads
    @staticmethod
    def _thread(row: Any) -> Thread:
        return Thread(
            id=row.id,
            job_id=row.job_id,
            job_title=row.job_title,
            client_id=row.client_id,
            freelancer_id=row.freelancer_id,
            stage=Stage(row.stage),
            created_at=_aware(row.created_at) or utcnow(),
            contract_started_at=_aware(row.contract_started_at),
            last_seq=row.last_seq,
        )

    async def _lock_thread(self, conn: AsyncConnection, thread_id: str) -> Thread:
        query = select(t.threads).where(t.threads.c.id == thread_id)
        if not self.is_sqlite:
            query = query.with_for_update()
        row = (await conn.execute(query)).first()
        if row is None:
            raise NotFound("no such thread", code="thread_not_found")
        return self._thread(row)

    async def create_thread(
        self, *, job_id: str, job_title: str, client_id: str, freelancer_id: str, actor_id: str
    ) -> tuple[Thread, bool]:
        """Create the thread, or return the existing one for the same client x applicant x job."""
        now = utcnow()
        thread = Thread(
            id=str(uuid.uuid4()),
            job_id=job_id,
            job_title=job_title,
            client_id=client_id,
            freelancer_id=freelancer_id,
            stage=Stage.INVITED,
            created_at=now,
        )
        async with self.write() as conn:
            same = select(t.threads).where(
                t.threads.c.client_id == client_id,
                t.threads.c.freelancer_id == freelancer_id,
                t.threads.c.job_id == job_id,
            )
            existing = (await conn.execute(same)).first()
            if existing is not None:
                return self._thread(existing), False
            try:
                async with conn.begin_nested():
                    await conn.execute(
                        t.threads.insert().values(
                            id=thread.id,
                            job_id=job_id,
                            job_title=job_title,
                            client_id=client_id,
                            freelancer_id=freelancer_id,
                            stage=thread.stage.value,
                            created_at=now,
                            contract_started_at=None,
                            last_seq=0,
                        )
                    )
            except IntegrityError:  # a concurrent create won the race
                return self._thread((await conn.execute(same)).one()), False
            await self._audit(
                conn,
                thread.id,
                "thread.created",
                actor_id,
                {
                    "job_id": job_id,
                    "job_title": job_title,
                    "client_id": client_id,
                    "freelancer_id": freelancer_id,
                    "stage": thread.stage.value,
                },
                now,
            )
        return thread, True

    async def get_thread(self, thread_id: str) -> Thread | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(t.threads).where(t.threads.c.id == thread_id))).first()
        return self._thread(row) if row else None

    async def list_threads(self, user_id: str | None, *, limit: int = 200) -> list[Thread]:
        query = select(t.threads).order_by(t.threads.c.created_at.desc()).limit(limit)
        if user_id is not None:
            query = query.where(
                (t.threads.c.client_id == user_id) | (t.threads.c.freelancer_id == user_id)
            )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [self._thread(r) for r in rows]

    async def set_stage(
        self, thread_id: str, to: Stage, *, actor_id: str, actor_role: Role
    ) -> Thread:
        now = utcnow()
        async with self.write() as conn:
            thread = await self._lock_thread(conn, thread_id)
            moved = thread.transition(to, actor_role=actor_role, at=now)
            await conn.execute(
                t.threads.update()
                .where(t.threads.c.id == thread_id)
                .values(stage=moved.stage.value, contract_started_at=moved.contract_started_at)
            )
            await self._audit(
                conn,
                thread_id,
                "thread.stage_changed",
                actor_id,
                {
                    "from": thread.stage.value,
                    "to": moved.stage.value,
                    "actor_role": actor_role.value,
                },
                now,
            )
        return moved

    # ------------------------------------------------------------- messages
    @staticmethod
    def _message(row: Any) -> Message:
        return Message(
            id=row.id,
            thread_id=row.thread_id,
            seq=row.seq,
            author_id=row.author_id,
            kind=MessageKind(row.kind),
            body=json.loads(row.body),
            created_at=_aware(row.created_at) or utcnow(),
            client_msg_id=row.client_msg_id,
        )

    async def append_message(self, new: NewMessage) -> AppendResult:
        """Append with a gap-free seq; the same client_msg_id twice yields the same message.

        Group commit: the node's batcher writes it with the other messages waiting, and this
        returns once that transaction committed (signaling.store.batch)."""
        return await self.batcher.append(new)

    async def recent_thread(self, thread_id: str) -> Thread | None:
        """The thread as the message writer last committed or loaded it, else read. Its
        parties never change; its stage can lag a change another node made since, until this
        node's next write to the thread finds it (see signaling.store.batch)."""
        cached = self.batcher.thread(thread_id)
        return cached if cached is not None else await self.get_thread(thread_id)

    async def exempt_links(self, thread_id: str, seen_seq: int) -> list[str]:
        """The meeting links the platform posted in the thread (the policy guard lets them
        through). ``seen_seq`` is the thread's ``last_seq`` as the caller read it: when the
        batcher's cache has seen that far it answers without a query; otherwise the meeting
        messages are read."""
        cached = self.batcher.links(thread_id, seen_seq)
        if cached is not None:
            return cached
        return [
            link
            for body in await self.message_bodies(thread_id, MessageKind.MEETING)
            for link in platform_links(body)
        ]

    async def _append(self, conn: AsyncConnection, new: NewMessage, now: datetime) -> AppendResult:
        """One message in ``conn``'s transaction (call records, meetings: messages that belong
        to another change), by the message writer's own rules (``plan_messages``) from the
        thread's head read under its row lock."""
        thread = await self._lock_thread(conn, new.thread_id)
        last = (await conn.execute(_CHAIN_HEAD, {"chain": thread.id})).first()
        head = ThreadHead(
            thread,
            -1 if last is None else last.position,
            GENESIS_HASH if last is None else last.hash,
        )
        existing: dict[tuple[str, str, str], Message] = {}
        if new.client_msg_id is not None:
            row = (
                await conn.execute(
                    select(t.messages).where(
                        t.messages.c.thread_id == new.thread_id,
                        t.messages.c.author_id == new.author_id,
                        t.messages.c.client_msg_id == new.client_msg_id,
                    )
                )
            ).first()
            if row is not None:
                existing[(new.thread_id, new.author_id, new.client_msg_id)] = self._message(row)
        plan = plan_messages([Planned.of(new)], {thread.id: head}, existing, now)
        result = plan.results[0]
        if isinstance(result, Exception):
            raise result
        if plan.messages:
            await write_plan(self, conn, plan, now)
        return result

    async def list_messages(
        self, thread_id: str, *, after_seq: int = 0, limit: int = 200
    ) -> list[Message]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(t.messages)
                    .where(t.messages.c.thread_id == thread_id, t.messages.c.seq > after_seq)
                    .order_by(t.messages.c.seq)
                    .limit(limit)
                )
            ).all()
        return [self._message(r) for r in rows]

    async def message_bodies(self, thread_id: str, kind: MessageKind) -> list[dict[str, Any]]:
        """Bodies of one kind of message in a thread (e.g. the platform's meeting links)."""
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(t.messages.c.body).where(
                        t.messages.c.thread_id == thread_id, t.messages.c.kind == kind.value
                    )
                )
            ).all()
        return [json.loads(r.body) for r in rows]

    # ---------------------------------------------------------------- audit
    async def _audit(
        self,
        conn: AsyncConnection,
        chain: str,
        event_type: str,
        actor_id: str,
        data: dict[str, Any],
        at: datetime,
    ) -> AuditEntry:
        if not self.is_sqlite:
            # Serialise appends to this chain only (no cluster-wide lock; the global Merkle
            # order is assigned after commit by the sequencer). A thread's chain is guarded by
            # the thread's row lock, the one ``_lock_thread`` takes (re-taking it in the same
            # transaction is free), so every writer of a thread locks in the same order.
            thread_row = (await conn.execute(_LOCK_CHAIN_THREAD, {"chain": chain})).first()
            if thread_row is None:
                await conn.execute(_LOCK_CHAIN_NAME, {"name": f"audit-chain:{chain}"})
        last = (await conn.execute(_CHAIN_HEAD, {"chain": chain})).first()
        position = 0 if last is None else last.position + 1
        prev_hash = GENESIS_HASH if last is None else last.hash
        row = self.audit_row(chain, position, prev_hash, event_type, actor_id, data, at)
        result = await conn.execute(t.audit_log.insert().values(**row))
        index = int(result.inserted_primary_key[0]) if result.inserted_primary_key else 0
        if self.events is not None:
            self.events.on_audit(conn, chain, event_type, actor_id, data, at)
        return AuditEntry(
            index, chain, position, event_type, actor_id, at, row["entry"], prev_hash, row["hash"]
        )

    @staticmethod
    def audit_row(
        chain: str,
        position: int,
        prev_hash: str,
        event_type: str,
        actor_id: str,
        data: dict[str, Any],
        at: datetime,
    ) -> dict[str, Any]:
        """One ``audit_log`` row as :meth:`_audit` writes it, at a known chain head (the
        message batcher's cache; the unique (chain, position) checks it)."""
        entry = {
            "chain": chain,
            "position": position,
            "type": event_type,
            "actor": actor_id,
            "at": _iso(at),
            "data": data,
        }
        return {
            "chain": chain,
            "position": position,
            "event_type": event_type,
            "actor_id": actor_id,
            "created_at": at,
            "entry": canonical_json(entry).decode(),
            "prev_hash": prev_hash,
            "hash": chain_hash(prev_hash, entry),
        }

    async def audit_rows(self, conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
        """The batched variant of :meth:`_audit`: insert rows built by :meth:`audit_row`, in
        order, in one statement (the caller queues their events)."""
        if not rows:
            return
        # No lock of its own: every row is on a thread's chain and the caller (the message
        # batcher) already holds those threads' row locks, taken by its conditional UPDATE of
        # the threads; the rows are queued for the sequencer (leaf_index NULL) like _audit's.
        await conn.execute(_INSERT_AUDIT, rows[0] if len(rows) == 1 else list(rows))

    async def append_audit(
        self, chain: str, event_type: str, actor_id: str, data: dict[str, Any]
    ) -> AuditEntry:
        async with self.write() as conn:
            return await self._audit(conn, chain, event_type, actor_id, data, utcnow())

    @staticmethod
    def _entry(row: Any) -> AuditEntry:
        return AuditEntry(
            index=row.id,
            chain=row.chain,
            position=row.position,
            event_type=row.event_type,
            actor_id=row.actor_id,
            created_at=_aware(row.created_at) or utcnow(),
            entry=row.entry,
            prev_hash=row.prev_hash,
            hash=row.hash,
            leaf_index=row.leaf_index,
        )

    async def audit_entry(self, index: int) -> AuditEntry | None:
        """The audit row with this id (sequenced or not), or None."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(t.audit_log).where(t.audit_log.c.id == index))).first()
        return None if row is None else self._entry(row)

    async def sequenced_entries(
        self, *, after_leaf: int = -1, limit: int = 10_000
    ) -> list[AuditEntry]:
        """The global Merkle log: sequenced rows with ``leaf_index > after_leaf``, in leaf order
        (rows still queued for the sequencer are not in it)."""
        query = (
            select(t.audit_log)
            .where(t.audit_log.c.leaf_index > after_leaf)
            .order_by(t.audit_log.c.leaf_index)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [self._entry(r) for r in rows]

    async def unsequenced_count(self) -> int:
        """How many committed audit rows wait for the sequencer."""
        query = select(func.count()).where(t.audit_log.c.leaf_index.is_(None))
        async with self.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def sequence_audit(self, conn: AsyncConnection, limit: int) -> int:
        """Give the next leaf indexes to up to ``limit`` committed, queued rows (in id order) in
        ``conn``'s transaction; returns how many. The caller must be the only sequencer (it
        holds the sequencer lease in that transaction, or owns the SQLite file); the unique
        index on ``leaf_index`` rejects a second one."""
        # One set-based statement: the database numbers the queued rows in id order
        # (row_number over the first ``limit`` of them) and writes the leaf indexes itself;
        # nothing per row crosses to this process.
        log = t.audit_log
        top = (await conn.execute(select(func.max(log.c.leaf_index)))).scalar_one()
        base = 0 if top is None else int(top) + 1
        queued = (
            select(log.c.id, func.row_number().over(order_by=log.c.id).label("rn"))
            .where(log.c.leaf_index.is_(None))
            .order_by(log.c.id)
            .limit(limit)
            .subquery("queued")
        )
        result = await conn.execute(
            log.update().where(log.c.id == queued.c.id).values(leaf_index=queued.c.rn + (base - 1))
        )
        return int(result.rowcount)

    async def audit_entries(
        self, chain: str | None = None, *, after_index: int = 0, limit: int = 10_000
    ) -> list[AuditEntry]:
        query = select(t.audit_log).where(t.audit_log.c.id > after_index)
        if chain is not None:
            query = query.where(t.audit_log.c.chain == chain).order_by(t.audit_log.c.position)
        else:
            query = query.order_by(t.audit_log.c.id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.limit(limit))).all()
        return [self._entry(r) for r in rows]

    async def audit_chains(self) -> list[str]:
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(t.audit_log.c.chain).distinct().order_by(t.audit_log.c.chain)
                )
            ).all()
        return [r.chain for r in rows]

    async def verify_chain(self, chain: str, *, cached: bool = False) -> ChainReport:
        """Recompute a chain and cross-check its messages; name the first broken entry.

        The rows are read in pages on the loop; the hashing runs in a worker thread. Every
        report is remembered with the chain head (last position and hash) it was made at;
        with ``cached`` (the timeline view) a chain whose head has not moved is not
        recomputed: one indexed query. (An edit that leaves the head alone is then found by
        an uncached verification: the verify route, ``audit verify``, the Merkle log's
        checks.)"""
        head_query = (
            select(t.audit_log.c.position, t.audit_log.c.hash)
            .where(t.audit_log.c.chain == chain)
            .order_by(t.audit_log.c.position.desc())
            .limit(1)
        )
        async with self.engine.connect() as conn:
            last = (await conn.execute(head_query)).first()
        head = None if last is None else (int(last.position), str(last.hash))
        known = self._chain_reports.get(chain)
        if cached and known is not None and known[0] == head:
            return known[1]
        rows: list[Any] = []
        after = -1
        while True:
            async with self.engine.connect() as conn:
                page = (
                    await conn.execute(
                        select(t.audit_log)
                        .where(t.audit_log.c.chain == chain, t.audit_log.c.position > after)
                        .order_by(t.audit_log.c.position)
                        .limit(5_000)
                    )
                ).all()
            if not page:
                break
            rows.extend(page)
            after = page[-1].position
        messages: list[Any] = []
        if chain != GLOBAL_CHAIN:
            async with self.engine.connect() as conn:
                messages = list(
                    (
                        await conn.execute(
                            select(t.messages.c.id, t.messages.c.seq, t.messages.c.body)
                            .where(t.messages.c.thread_id == chain)
                            .order_by(t.messages.c.seq)
                        )
                    ).all()
                )
        report = await asyncio.to_thread(_verify_rows, chain, rows, messages)
        if len(self._chain_reports) >= _CHAIN_REPORTS_KEPT:
            self._chain_reports.pop(next(iter(self._chain_reports)))
        self._chain_reports[chain] = (head, report)
        return report

    # ---------------------------------------------------------------- calls
    async def save_call(
        self, call: Call, *, event: CallEvent | None = None, node_id: str = ""
    ) -> None:
        """Upsert a call's snapshot (and append its transition to the thread's audit chain)."""
        now = utcnow()
        values = {
            "thread_id": call.thread_id,
            "kind": call.kind.value,
            "initiator_id": call.initiator_id,
            "state": call.state.value,
            "end_reason": call.end_reason.value if call.end_reason else None,
            "created_at": call.ringing_at,
            "connected_at": call.connected_at,
            "ended_at": call.ended_at,
            "connected_seconds": call.connected_seconds if call.is_final else None,
            "recorded": bool(call.recording),
            "state_json": canonical_json(call_to_snapshot(call)).decode(),
            "node_id": node_id or None,
        }
        async with self.write() as conn:
            updated = await conn.execute(
                t.calls.update().where(t.calls.c.id == call.id).values(**values)
            )
            if updated.rowcount == 0:
                await conn.execute(t.calls.insert().values(id=call.id, record=None, **values))
            if event is not None:
                await self._audit(conn, call.thread_id, event.type, event.actor, event.data, now)

    async def get_call(self, call_id: str) -> Call | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(t.calls.c.state_json).where(t.calls.c.id == call_id))
            ).first()
        return call_from_snapshot(json.loads(row.state_json)) if row else None

    async def unfinished_calls(self, node_id: str | None = None) -> list[Call]:
        """Calls whose record was never written (e.g. the server crashed mid-call); with
        ``node_id``, only that node's (and unowned) calls."""
        query = select(t.calls.c.state_json).where(
            t.calls.c.record.is_(None), t.calls.c.kind.in_(("audio", "video"))
        )
        if node_id is not None:
            query = query.where((t.calls.c.node_id == node_id) | t.calls.c.node_id.is_(None))
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.order_by(t.calls.c.created_at))).all()
        return [call_from_snapshot(json.loads(r.state_json)) for r in rows]

    async def finish_call(
        self,
        call: Call,
        record: dict[str, Any],
        *,
        event: CallEvent | None = None,
        expect_snapshot: str | None = None,
    ) -> Message | None:
        """Write the call's one ``call`` message; a second attempt writes nothing.

        ``event`` (a crash sweep's ``call.ended``) goes onto the audit chain in the same
        transaction, only if this attempt wrote the record. With ``expect_snapshot`` the record
        is written only if the stored snapshot is still that text (compare-and-set: a sweep
        that read a stale snapshot writes nothing and reads again).
        """
        now = utcnow()
        condition = [t.calls.c.id == call.id, t.calls.c.record.is_(None)]
        if expect_snapshot is not None:
            condition.append(t.calls.c.state_json == expect_snapshot)
        async with self.write() as conn:
            claimed = await conn.execute(
                t.calls.update()
                .where(*condition)
                .values(
                    record=canonical_json(record).decode(),
                    state=call.state.value,
                    end_reason=call.end_reason.value if call.end_reason else None,
                    ended_at=call.ended_at,
                    connected_at=call.connected_at,
                    connected_seconds=call.connected_seconds,
                    recorded=bool(call.recording),
                    state_json=canonical_json(call_to_snapshot(call)).decode(),
                )
            )
            if claimed.rowcount == 0:
                return None
            if event is not None:
                await self._audit(conn, call.thread_id, event.type, event.actor, event.data, now)
            result = await self._append(
                conn,
                NewMessage(call.thread_id, SYSTEM_AUTHOR, MessageKind.CALL, record),
                now,
            )
            return result.message

    async def add_recording_segment(
        self, call_id: str, segment: dict[str, Any]
    ) -> tuple[Call, Message] | None:
        """Attach a recording segment recovered after a crash to its call, in one transaction:
        the call's snapshot (so a record written later lists it), its record if one was
        already written, a ``call.recording_recovered`` audit event and a ``recording``
        message. None if the call is unknown or the segment's key is already attached."""
        now = utcnow()
        async with self.write() as conn:
            query = select(t.calls.c.state_json, t.calls.c.record).where(t.calls.c.id == call_id)
            if not self.is_sqlite:
                query = query.with_for_update()
            row = (await conn.execute(query)).first()
            if row is None:
                return None
            call = call_from_snapshot(json.loads(row.state_json))
            record = json.loads(row.record) if row.record is not None else None
            info = _with_segment(call.recording, segment)
            if info is None:
                return None
            call = replace(call, recording=info)
            values: dict[str, Any] = {
                "recorded": True,
                "state_json": canonical_json(call_to_snapshot(call)).decode(),
            }
            if record is not None:
                record["recording"] = _with_segment(record.get("recording"), segment) or info
                values["record"] = canonical_json(record).decode()
            await conn.execute(t.calls.update().where(t.calls.c.id == call_id).values(**values))
            facts: dict[str, Any] = {
                k: segment[k] for k in ("key", "sha256", "bytes") if k in segment
            }
            await self._audit(
                conn,
                call.thread_id,
                "call.recording_recovered",
                "system",
                {"call_id": call_id, **facts},
                now,
            )
            shown = ("started_at", "stopped_at", "sha256", "bytes", "duration_seconds", "key")
            body: dict[str, Any] = {"call_id": call_id, "recovered": True}
            body.update({k: segment[k] for k in shown if k in segment})
            result = await self._append(
                conn, NewMessage(call.thread_id, SYSTEM_AUTHOR, MessageKind.RECORDING, body), now
            )
            return call, result.message

    # -------------------------------------------------------------- policy
    async def record_findings(
        self,
        *,
        thread_id: str,
        message_id: str | None,
        author_id: str,
        action: str,
        original_text: str,
        findings: Sequence[FindingRow],
    ) -> None:
        now = utcnow()
        async with self.write(threads=False) as conn:
            await conn.execute(
                t.policy_findings.insert(),
                [
                    {
                        "thread_id": thread_id,
                        "message_id": message_id,
                        "author_id": author_id,
                        "label": f.label,
                        "action": action,
                        "span_start": f.start,
                        "span_end": f.end,
                        "matched": f.matched,
                        "value": f.value,
                        "original_text": original_text,
                        "created_at": now,
                    }
                    for f in findings
                ],
            )

    # -------------------------------------------------------------- recording index
    async def recorded_segments(self, thread_id: str | None = None) -> list[RecordedSegment]:
        """Segments listed by the records of recorded calls, newest call first."""
        calls = t.calls.c
        query = select(calls.id, calls.thread_id, calls.record).where(
            calls.recorded.is_(True), calls.record.is_not(None)
        )
        if thread_id is not None:
            query = query.where(calls.thread_id == thread_id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query.order_by(calls.created_at.desc()))).all()
        out = []
        for row in rows:
            record = json.loads(row.record)
            for segment in (record.get("recording") or {}).get("segments") or []:
                if isinstance(segment, dict) and "key" in segment:
                    out.append(RecordedSegment(row.id, row.thread_id, segment))
        return out

    async def thread_of_call(self, call_id: str) -> str | None:
        """The call's thread, or None."""
        async with self.engine.connect() as conn:
            query = select(t.calls.c.thread_id).where(t.calls.c.id == call_id)
            found = (await conn.execute(query)).scalar_one_or_none()
        return None if found is None else str(found)

    async def count_rows(self, table: str) -> int:
        async with self.engine.connect() as conn:
            tbl = t.metadata.tables[table]
            return int((await conn.execute(select(func.count()).select_from(tbl))).scalar_one())


def _verify_rows(chain: str, rows: Sequence[Any], messages: Sequence[Any]) -> ChainReport:
    """The chain check over rows already read (blocking: runs in a worker thread)."""
    prev = GENESIS_HASH
    checked = 0
    message_digests: dict[str, tuple[int, str]] = {}
    for row in rows:
        problem = _check_entry(row, chain, checked, prev)
        if problem:
            return ChainReport(chain, False, checked, row.position, problem)
        entry = json.loads(row.entry)
        if entry["type"] == "message.created":
            message_digests[entry["data"]["message_id"]] = (
                row.position,
                entry["data"]["body_sha256"],
            )
        prev = row.hash
        checked += 1
    if chain != GLOBAL_CHAIN:
        problem_report = _check_messages(chain, messages, message_digests, checked)
        if problem_report is not None:
            return problem_report
    return ChainReport(chain, True, checked)


def _check_messages(
    chain: str, rows: Sequence[Any], digests: dict[str, tuple[int, str]], checked: int
) -> ChainReport | None:
    seen = set()
    for row in rows:
        known = digests.get(row.id)
        if known is None:
            return ChainReport(
                chain, False, checked, None, f"message seq {row.seq} has no audit entry"
            )
        try:
            actual = body_digest(json.loads(row.body))
        except ValueError:
            actual = "unparseable"
        if actual != known[1]:
            return ChainReport(
                chain,
                False,
                checked,
                known[0],
                f"message seq {row.seq} differs from what audit entry {known[0]} recorded",
            )
        seen.add(row.id)
    missing = [pos for mid, (pos, _) in digests.items() if mid not in seen]
    if missing:
        first = min(missing)
        return ChainReport(chain, False, checked, first, f"audit entry {first}'s message is gone")
    return None


def _check_entry(row: Any, chain: str, expected_position: int, prev: str) -> str:
    if row.position != expected_position:
        return (
            f"entry at position {row.position} breaks the sequence (expected {expected_position})"
        )
    if row.prev_hash != prev:
        return f"entry {row.position}: prev_hash does not match the previous entry's hash"
    try:
        entry = json.loads(row.entry)
    except ValueError:
        return f"entry {row.position}: stored entry is not valid JSON"
    if not isinstance(entry, dict):
        return f"entry {row.position}: stored entry is not an object"
    if canonical_json(entry).decode() != row.entry:
        return f"entry {row.position}: stored entry is not canonical"
    if (entry.get("chain"), entry.get("position"), entry.get("type"), entry.get("actor")) != (
        chain,
        row.position,
        row.event_type,
        row.actor_id,
    ):
        return f"entry {row.position}: columns disagree with the hashed entry"
    try:
        recomputed = chain_hash(prev, entry)
    except (ValueError, TypeError):  # a hash column edited into something that is not hex
        return f"entry {row.position}: stored hashes are malformed"
    if recomputed != row.hash:
        return f"entry {row.position}: hash mismatch"
    return ""


def _with_segment(info: dict[str, Any] | None, segment: dict[str, Any]) -> dict[str, Any] | None:
    """A call's recording info with ``segment`` added, or None if its key is already there."""
    info = dict(info or {})
    segments = list(info.get("segments") or [])
    if any(s.get("key") == segment.get("key") for s in segments):
        return None
    segments.append(segment)
    info["segments"] = segments
    info["status"] = "stopped"
    info.setdefault("started_at", segment.get("started_at"))
    info["stopped_at"] = segment.get("stopped_at")
    return info
