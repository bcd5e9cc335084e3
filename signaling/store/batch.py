"""Group commit for message appends: one writer per node, one transaction per flush.

:meth:`SqlStore.append_message` hands its message to the :class:`MessageBatcher` and waits.
The batcher gathers the messages of every thread that arrive while it is idle for at most
``wait`` seconds (or until ``max_batch`` are waiting), and the ones that arrive while a flush
runs, and writes them in one transaction:

* per thread, ``last_seq``, the stage and the head of its audit chain come from a cache, not
  from a read per message. The cache is checked by the database, not trusted: the threads are
  updated by one ``UPDATE ... WHERE last_seq = <cached> AND stage = <cached>`` whose row count
  must match, and messages and audit entries carry ``UNIQUE (thread_id, seq)`` and
  ``UNIQUE (chain, position)``. When another node (or a write of this node outside the batcher)
  wrote first, one of them fails: the batch rolls back, the cache is dropped, and the batch is
  written again from fresh reads;
* the statements are built once (per batch size for the thread update) and SQLAlchemy's
  compiled cache keeps their SQL;
* messages, audit entries and the event outbox rows go in with one ``executemany`` each;
* body JSON and digests are computed before the write lock; the policy scan and the fan-out
  happen in the caller, before and after;
* each caller's future is resolved only after the transaction committed, so a socket ack
  (``ok``) never reports a message that a rollback took away. A message that cannot be stored
  (thread unknown or closed) gets its own error; an unexpected database error in a batch makes
  the batcher write its messages one transaction each, so only the bad one fails.

A commit whose outcome is unknown (the connection died during ``COMMIT``) is not retried: the
callers get an error, and a client that resends with its ``client_msg_id`` gets the stored
message if the commit had happened.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, String, and_, bindparam, case, func, or_, select, tuple_, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Update

from signaling.domain.audit_chain import GENESIS_HASH, canonical_json
from signaling.domain.messages import Message, MessageKind, NewMessage
from signaling.domain.ports import AppendResult
from signaling.domain.threads import Thread
from signaling.errors import Conflict, NotFound
from signaling.store import schema as t

if TYPE_CHECKING:
    from signaling.store.sql import SqlStore

logger = logging.getLogger(__name__)

# How often a batch is written again after a conflict (another writer changed a cached thread)
# before its messages are written one transaction each.
CONFLICT_RETRIES = 3
# PostgreSQL SQLSTATEs worth a retry of the whole batch: deadlock, serialization failure.
_RETRY_SQLSTATES = frozenset({"40P01", "40001"})

_MESSAGE_LINK_KEYS = ("join_url", "start_url")

_a = t.audit_log
_m = t.messages
_LOAD_THREADS = select(t.threads).where(t.threads.c.id.in_(bindparam("ids", expanding=True)))
_LOAD_THREADS_LOCKED = _LOAD_THREADS.order_by(t.threads.c.id).with_for_update()
_LAST_POSITION = (
    select(_a.c.chain, func.max(_a.c.position).label("position"))
    .where(_a.c.chain.in_(bindparam("chains", expanding=True)))
    .group_by(_a.c.chain)
    .subquery()
)
_LOAD_HEADS = select(_a.c.chain, _a.c.position, _a.c.hash).join(
    _LAST_POSITION,
    and_(_a.c.chain == _LAST_POSITION.c.chain, _a.c.position == _LAST_POSITION.c.position),
)
_LOAD_LINKS = select(_m.c.thread_id, _m.c.body).where(
    _m.c.thread_id.in_(bindparam("ids", expanding=True)), _m.c.kind == MessageKind.MEETING.value
)
_INSERT_MESSAGES = _m.insert()
_INSERT_AUDIT = _a.insert()
_UPDATE_THREADS: dict[int, Update] = {}


def platform_links(body: dict[str, Any]) -> list[str]:
    """The links a platform meeting message carries (the policy guard lets them through)."""
    links = []
    for key in _MESSAGE_LINK_KEYS:
        value = body.get(key)
        if isinstance(value, str) and value:
            links.append(value)
    return links


def _update_threads(n: int) -> Update:
    """``UPDATE threads`` of ``n`` rows, each only if its cached seq and stage still hold."""
    stmt = _UPDATE_THREADS.get(n)
    if stmt is None:
        c = t.threads.c
        ids = [bindparam(f"b_id{k}", type_=String) for k in range(n)]
        stmt = (
            update(t.threads)
            .where(
                or_(
                    *[
                        and_(
                            c.id == ids[k],
                            c.last_seq == bindparam(f"b_old{k}", type_=Integer),
                            c.stage == bindparam(f"b_ostage{k}", type_=String),
                        )
                        for k in range(n)
                    ]
                )
            )
            .values(
                last_seq=case(
                    *[(c.id == ids[k], bindparam(f"b_seq{k}", type_=Integer)) for k in range(n)],
                    else_=c.last_seq,
                ),
                stage=case(
                    *[(c.id == ids[k], bindparam(f"b_stage{k}", type_=String)) for k in range(n)],
                    else_=c.stage,
                ),
            )
        )
        _UPDATE_THREADS[n] = stmt
    return stmt


@dataclass(frozen=True)
class ThreadHead:
    """What the batcher knows of a thread as last committed: the row, the head of its audit
    chain and the platform's meeting links in it."""

    thread: Thread
    position: int  # of the chain's last entry; -1 when the chain is empty
    hash: str
    links: tuple[str, ...] = ()


@dataclass
class Planned:
    """A message to append, with its body encoded once (outside any write lock)."""

    new: NewMessage
    body_text: str
    body_sha256: str

    @classmethod
    def of(cls, new: NewMessage) -> Planned:
        body = canonical_json(new.body)
        return cls(new, body.decode(), hashlib.sha256(body).hexdigest())


@dataclass
class _Item(Planned):
    future: asyncio.Future[AppendResult] = field(default_factory=asyncio.Future)


class _Stale(Exception):
    """A cached thread no longer matches the database (someone else wrote)."""


@dataclass
class _Plan:
    """One batch, worked out against the cache before anything is written."""

    results: list[AppendResult | Exception] = field(default_factory=list)
    heads: dict[str, ThreadHead] = field(default_factory=dict)
    start: dict[str, ThreadHead] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    audits: list[tuple[str, str, str, dict[str, Any]]] = field(default_factory=list)
    created: list[Message] = field(default_factory=list)


class MessageBatcher:
    """The node's one message writer (see the module doc)."""

    def __init__(self, store: SqlStore, *, max_batch: int, wait: float) -> None:
        self.store = store
        self.max_batch = max(1, max_batch)
        self.wait = max(0.0, wait)
        self._queue: list[_Item] = []
        self._full = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._heads: dict[str, ThreadHead] = {}
        self._generation = -1  # store.generation the cache belongs to
        # Threads another writer also writes to (a conflict was seen): read again, with their
        # rows locked, at every flush instead of trusting the cache (see _write).
        self._shared: set[str] = set()
        self.flushes = 0  # transactions written (for tests and metrics)

    # ------------------------------------------------------------------ callers
    async def append(self, new: NewMessage) -> AppendResult:
        planned = Planned.of(new)  # outside the write lock
        loop = asyncio.get_running_loop()
        item = _Item(planned.new, planned.body_text, planned.body_sha256, loop.create_future())
        self._queue.append(item)
        if len(self._queue) >= self.max_batch:
            self._full.set()
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._drain())
        return await item.future

    def thread(self, thread_id: str) -> Thread | None:
        """The cached thread (as last committed or loaded), if any."""
        head = self._current().get(thread_id)
        return head.thread if head is not None else None

    def links(self, thread_id: str, seen_seq: int) -> list[str] | None:
        """The thread's platform links if the cache has seen everything up to ``seen_seq``
        (a seq read from the database), else None."""
        head = self._current().get(thread_id)
        if head is None or head.thread.last_seq < seen_seq:
            return None
        return list(head.links)

    async def close(self) -> None:
        """Write what is queued (callers waiting get their answers)."""
        while self._task is not None and not self._task.done():
            self._full.set()
            await self._task

    # ------------------------------------------------------------------- writer
    def _current(self) -> dict[str, ThreadHead]:
        """The cache, emptied when a write outside the batcher began since it was filled."""
        if self._generation != self.store.generation:
            # A new dict, not clear(): a flush in progress keeps the heads it planned with
            # (the database checks them when it writes); emptying its dict under it made
            # the batch's cached threads look unknown (``thread_not_found``).
            self._heads = {}
            self._generation = self.store.generation
        return self._heads

    async def _drain(self) -> None:
        first = True
        while self._queue:
            if first and self.wait > 0 and len(self._queue) < self.max_batch:
                self._full.clear()
                try:
                    await asyncio.wait_for(self._full.wait(), self.wait)
                except TimeoutError:
                    pass
            first = False
            batch = self._queue[: self.max_batch]
            del self._queue[: self.max_batch]
            if len(self._queue) < self.max_batch:
                self._full.clear()
            try:
                await self._flush(batch)
            except BaseException as exc:  # cancelled while writing: nobody waits forever
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(exc)
                raise

    async def _flush(self, items: Sequence[_Item]) -> None:
        attempt = 0
        while True:
            try:
                plan = await self._write(items)
            except _Ambiguous as exc:
                _fail(items, exc.error)
                return
            except (_Stale, IntegrityError) as exc:
                attempt += 1
                logger.debug("batch conflict (attempt %d): %s", attempt, exc)
                self._heads.clear()
                if len(self._shared) > 100_000:
                    self._shared.clear()
                self._shared.update(i.new.thread_id for i in items)
                if attempt < CONFLICT_RETRIES:
                    continue
                await self._one_by_one(items, exc)
                return
            except DBAPIError as exc:
                self._heads.clear()
                retry = exc.connection_invalidated or _sqlstate(exc) in _RETRY_SQLSTATES
                attempt += 1
                if retry and attempt < CONFLICT_RETRIES:
                    continue
                await self._one_by_one(items, exc)
                return
            except Exception as exc:  # not the database's doing: each message on its own
                self._heads.clear()
                await self._one_by_one(items, exc)
                return
            for item, result in zip(items, plan.results, strict=True):
                if item.future.done():
                    continue
                if isinstance(result, Exception):
                    item.future.set_exception(result)
                else:
                    item.future.set_result(result)
            return

    async def _one_by_one(self, items: Sequence[_Item], error: Exception) -> None:
        if len(items) == 1:
            logger.warning("message append failed thread_id=%s: %r", items[0].new.thread_id, error)
            _fail(items, error)
            return
        for item in items:
            await self._flush([item])

    async def _write(self, items: Sequence[_Item]) -> _Plan:
        store = self.store
        committing = False
        try:
            async with store.transaction() as conn:
                heads = self._current()
                generation = store.generation
                now = store.now()
                thread_ids = list(dict.fromkeys(i.new.thread_id for i in items))
                missing = [tid for tid in thread_ids if tid not in heads or tid in self._shared]
                if missing:
                    heads.update(await self._load(conn, missing))
                existing = await self._existing(conn, items)
                plan = plan_messages(items, heads, existing, now)
                if plan.messages:
                    await write_plan(store, conn, plan, now)
                committing = True  # the events' insert and the commit run when the block ends
        except DBAPIError as exc:
            if committing and exc.connection_invalidated:
                raise _Ambiguous(exc) from exc
            raise
        self.flushes += 1
        # The cache follows what committed, unless a write outside the batcher began meanwhile
        # (then the next flush reads those threads again).
        if generation == store.generation:
            self._heads.update(plan.heads)
        else:
            self._current()
        return plan

    async def _load(self, conn: AsyncConnection, thread_ids: list[str]) -> dict[str, ThreadHead]:
        from signaling.store.sql import SqlStore

        query = _LOAD_THREADS
        if not self.store.is_sqlite and any(tid in self._shared for tid in thread_ids):
            query = _LOAD_THREADS_LOCKED  # another node writes them too: wait for it here
        rows = (await conn.execute(query, {"ids": sorted(thread_ids)})).all()
        threads = {r.id: SqlStore._thread(r) for r in rows}
        found = list(threads)
        if not found:
            return {}
        chain_heads = {
            r.chain: (r.position, r.hash)
            for r in (await conn.execute(_LOAD_HEADS, {"chains": found})).all()
        }
        links: dict[str, list[str]] = {}
        for r in (await conn.execute(_LOAD_LINKS, {"ids": found})).all():
            links.setdefault(r.thread_id, []).extend(platform_links(json.loads(r.body)))
        loaded = {}
        for tid, thread in threads.items():
            position, digest = chain_heads.get(tid, (-1, GENESIS_HASH))
            loaded[tid] = ThreadHead(thread, position, digest, tuple(links.get(tid, ())))
        return loaded

    async def _existing(
        self, conn: AsyncConnection, items: Sequence[_Item]
    ) -> dict[tuple[str, str, str], Message]:
        """Messages already stored under the client_msg_ids of this batch."""
        from signaling.store.sql import SqlStore

        keys = list(
            dict.fromkeys(
                (i.new.thread_id, i.new.author_id, i.new.client_msg_id)
                for i in items
                if i.new.client_msg_id is not None
            )
        )
        if not keys:
            return {}
        rows = (
            await conn.execute(
                select(_m).where(
                    tuple_(_m.c.thread_id, _m.c.author_id, _m.c.client_msg_id).in_(keys)
                )
            )
        ).all()
        return {(r.thread_id, r.author_id, r.client_msg_id): SqlStore._message(r) for r in rows}


class _Ambiguous(Exception):
    """The commit itself failed on a dead connection: it may or may not have happened."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _pair(
    audits: list[tuple[str, str, str, dict[str, Any]]], created: list[Message]
) -> list[tuple[tuple[str, str, str, dict[str, Any]], Message | None]]:
    """Each audit entry with its message (``message.created``) or None (a stage change), in
    the order the per-message path queued their events."""
    out: list[tuple[tuple[str, str, str, dict[str, Any]], Message | None]] = []
    messages = iter(created)
    for audit in audits:
        out.append((audit, next(messages) if audit[1] == "message.created" else None))
    return out


def _sqlstate(exc: DBAPIError) -> str:
    orig = exc.orig
    return str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")


def _fail(items: Sequence[_Item], error: BaseException) -> None:
    for item in items:
        if not item.future.done():
            item.future.set_exception(error)


def plan_messages(
    items: Sequence[Planned],
    heads: dict[str, ThreadHead],
    existing: dict[tuple[str, str, str], Message],
    now: datetime,
) -> _Plan:
    """The rows of appending ``items`` in order, worked out from the threads' heads (cached or
    read under their locks) before anything is written: closed threads refused, the first
    text moves the stage, ``client_msg_id`` repeats answered with the stored message, each
    message's audit entry. The one set of rules for every message append (the batcher and
    :meth:`SqlStore._append`)."""
    plan = _Plan()
    for item in items:
        new = item.new
        head = plan.heads.get(new.thread_id) or heads.get(new.thread_id)
        if head is None:
            plan.results.append(NotFound("no such thread", code="thread_not_found"))
            continue
        if new.thread_id not in plan.start:
            plan.start[new.thread_id] = head
        thread = head.thread
        key = (new.thread_id, new.author_id, new.client_msg_id or "")
        if new.client_msg_id is not None and key in existing:
            plan.results.append(AppendResult(existing[key], False, thread))
            continue
        if new.kind in (MessageKind.TEXT, MessageKind.FILE) and not thread.open_for_messages:
            plan.results.append(
                Conflict(
                    f"the thread is {thread.stage.value}; no new messages can be sent",
                    code="thread_closed",
                )
            )
            continue
        position, prev = head.position, head.hash
        if new.kind is MessageKind.TEXT:
            moved = thread.on_message()
            if moved.stage is not thread.stage:
                plan.audits.append(
                    (
                        thread.id,
                        "thread.stage_changed",
                        new.author_id,
                        {
                            "from": thread.stage.value,
                            "to": moved.stage.value,
                            "cause": "first_message",
                        },
                    )
                )
                position += 1
                thread = moved
        seq = thread.last_seq + 1
        message = Message(
            id=str(uuid.uuid4()),
            thread_id=thread.id,
            seq=seq,
            author_id=new.author_id,
            kind=new.kind,
            body=new.body,
            created_at=now,
            client_msg_id=new.client_msg_id,
        )
        plan.messages.append(
            {
                "id": message.id,
                "thread_id": thread.id,
                "seq": seq,
                "author_id": new.author_id,
                "kind": new.kind.value,
                "body": item.body_text,
                "created_at": now,
                "client_msg_id": new.client_msg_id,
            }
        )
        plan.audits.append(
            (
                thread.id,
                "message.created",
                new.author_id,
                {
                    "message_id": message.id,
                    "seq": seq,
                    "kind": new.kind.value,
                    "body_sha256": item.body_sha256,
                    "client_msg_id": new.client_msg_id,
                    **new.audit,
                },
            )
        )
        position += 1
        plan.created.append(message)
        if new.client_msg_id is not None:
            existing[key] = message  # the same id again in this batch: this message
        thread = replace(thread, last_seq=seq)
        links = head.links
        if new.kind is MessageKind.MEETING:
            links = (*links, *platform_links(new.body))
        # the hash is filled in by _store (it needs the entries in order)
        plan.heads[thread.id] = ThreadHead(thread, position, prev, links)
        plan.results.append(AppendResult(message, True, thread))
    return plan


async def write_plan(store: SqlStore, conn: AsyncConnection, plan: _Plan, now: datetime) -> None:
    """Write a plan in ``conn``'s transaction: the threads (each only if its head still
    holds: :class:`_Stale` otherwise), the messages, the audit entries and their events."""
    # 1. the threads, each only if the cache still holds (this also takes their row locks,
    #    in one statement, before the audit chains are appended)
    changed = [tid for tid in plan.heads if plan.heads[tid].thread != plan.start[tid].thread]
    params: dict[str, Any] = {}
    for k, tid in enumerate(changed):
        before, after = plan.start[tid].thread, plan.heads[tid].thread
        params.update(
            {
                f"b_id{k}": tid,
                f"b_old{k}": before.last_seq,
                f"b_ostage{k}": before.stage.value,
                f"b_seq{k}": after.last_seq,
                f"b_stage{k}": after.stage.value,
            }
        )
    updated = await conn.execute(_update_threads(len(changed)), params)
    if updated.rowcount != len(changed):
        raise _Stale(f"{len(changed) - updated.rowcount} thread(s) changed elsewhere")
    # 2. the messages
    await conn.execute(
        _INSERT_MESSAGES, plan.messages[0] if len(plan.messages) == 1 else plan.messages
    )
    # 3. the audit chains, from the cached heads
    tips = {tid: (h.position, h.hash) for tid, h in plan.start.items()}
    rows = []
    for chain, event_type, actor_id, data in plan.audits:
        position, prev_hash = tips[chain]
        entry_row = store.audit_row(chain, position + 1, prev_hash, event_type, actor_id, data, now)
        tips[chain] = (position + 1, entry_row["hash"])
        rows.append(entry_row)
    await store.audit_rows(conn, rows)
    for tid, head in plan.heads.items():
        assert tips[tid][0] == head.position
        plan.heads[tid] = replace(head, hash=tips[tid][1])
    # 4. the events of it all (inserted by the transaction, in one statement, at its end)
    events = store.events
    if events is not None:
        for (chain, event_type, actor_id, data), message in _pair(plan.audits, plan.created):
            events.on_audit(conn, chain, event_type, actor_id, data, now)
            if message is not None:
                events.on_message(conn, message)
