"""Group commit of messages (signaling.store.batch) against both real backends.

Batches are made by sending concurrently to a store whose writer waits long enough for all
of them (``batch_wait``); the tests check what is stored and answered, never timings.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from signaling.domain.messages import SYSTEM_AUTHOR, MessageKind, NewMessage
from signaling.domain.ports import AppendResult
from signaling.domain.threads import Role, Stage
from signaling.errors import Conflict, NotFound
from signaling.events.outbox import EventRecorder
from signaling.store import schema as t
from signaling.store.sql import SqlStore, make_engine


@asynccontextmanager
async def batching_store(url: str, wait: float = 0.2) -> AsyncIterator[SqlStore]:
    """A store (its own engine, like a node) whose writer gathers for ``wait`` seconds."""
    store = SqlStore(make_engine(url), batch_max=500, batch_wait=wait)
    try:
        yield store
    finally:
        await store.close()


async def new_thread(store: SqlStore, job: str = "job-1") -> str:
    thread, _ = await store.create_thread(
        job_id=job, job_title="A job", client_id="c1", freelancer_id="f1", actor_id="c1"
    )
    return thread.id


def text(tid: str, words: str, cmid: str | None = None, who: str = "c1") -> NewMessage:
    return NewMessage(tid, who, MessageKind.TEXT, {"text": words}, cmid)


async def stored(store: SqlStore, tid: str) -> list[tuple[int, str]]:
    return [(m.seq, m.body["text"]) for m in await store.list_messages(tid, limit=10_000)]


@contextmanager
def failing_commits(store: SqlStore) -> Iterator[list[int]]:
    """Every COMMIT of ``store``'s engine fails (raised from SQLAlchemy's commit hook, so the
    database rolls the transaction back) while the block runs; yields the count of them."""
    failed: list[int] = []

    def refuse(_conn: Any) -> None:
        failed.append(1)
        raise RuntimeError("commit refused by the test")

    event.listen(store.engine.sync_engine, "commit", refuse)
    try:
        yield failed
    finally:
        event.remove(store.engine.sync_engine, "commit", refuse)


async def test_one_transaction_for_concurrent_sends_to_many_threads(database_url: str) -> None:
    async with batching_store(database_url) as store:
        store.events = EventRecorder()
        tids = [await new_thread(store, f"job-{i}") for i in range(5)]
        before = store.batcher.flushes
        results = await asyncio.gather(
            *(store.append_message(text(tid, f"{tid[:4]}-{n}")) for n in range(4) for tid in tids)
        )
        assert store.batcher.flushes == before + 1
        assert all(r.created for r in results)
        for tid in tids:
            assert [s for s, _ in await stored(store, tid)] == [1, 2, 3, 4]
            report = await store.verify_chain(tid)
            assert report.ok, report
            thread = await store.get_thread(tid)
            assert thread is not None and thread.last_seq == 4
            assert thread.stage is Stage.INTERVIEWING  # the first message moved it
        # each stored message has its event, in the thread's order
        async with store.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(t.event_outbox.c.thread_id, t.event_outbox.c.data)
                    .where(t.event_outbox.c.type == "message.created")
                    .order_by(t.event_outbox.c.id)
                )
            ).all()
        assert len(rows) == 20
        for tid in tids:
            seqs = [json.loads(row.data)["seq"] for row in rows if row.thread_id == tid]
            assert seqs == [1, 2, 3, 4]


async def test_client_msg_id_inside_one_batch_and_across_batches(database_url: str) -> None:
    async with batching_store(database_url) as store:
        tid = await new_thread(store)
        first, again, other = await asyncio.gather(
            store.append_message(text(tid, "hello", "k1")),
            store.append_message(text(tid, "hello", "k1")),
            store.append_message(text(tid, "world", "k2")),
        )
        assert first.created and not again.created and other.created
        assert again.message.id == first.message.id
        # another batch: the stored message comes back, nothing new is written
        later, fresh = await asyncio.gather(
            store.append_message(text(tid, "hello", "k1")),
            store.append_message(text(tid, "third", "k3")),
        )
        assert not later.created and later.message.id == first.message.id
        assert later.message.seq == first.message.seq
        assert fresh.created
        # the same client_msg_id from the other party is another message
        theirs = await store.append_message(text(tid, "hi", "k1", who="f1"))
        assert theirs.created and theirs.message.id != first.message.id
        assert [s for s, _ in await stored(store, tid)] == [1, 2, 3, 4]
        assert (await store.verify_chain(tid)).ok


async def test_a_bad_item_fails_alone(database_url: str) -> None:
    async with batching_store(database_url) as store:
        good, closed = await new_thread(store, "job-good"), await new_thread(store, "job-closed")
        await store.set_stage(closed, Stage.DECLINED, actor_id="c1", actor_role=Role.CLIENT)
        results = await asyncio.gather(
            store.append_message(text(good, "one")),
            store.append_message(text(closed, "nope")),
            store.append_message(text("no-such-thread", "nope")),
            store.append_message(text(good, "two")),
            return_exceptions=True,
        )
        assert isinstance(results[1], Conflict) and results[1].code == "thread_closed"
        assert isinstance(results[2], NotFound)
        assert isinstance(results[0], AppendResult) and isinstance(results[3], AppendResult)
        assert await stored(store, good) == [(1, "one"), (2, "two")]
        assert await stored(store, closed) == []
        assert (await store.verify_chain(good)).ok


async def test_a_database_error_in_a_batch_fails_only_its_message(database_url: str) -> None:
    """An item the database refuses (a trigger here) rolls the batch back; the batcher then
    writes the messages one by one, and only that one fails."""
    async with batching_store(database_url) as store:
        tid = await new_thread(store)
        async with store.engine.begin() as conn:
            if store.is_sqlite:
                await conn.execute(
                    sa.text(
                        "CREATE TRIGGER refuse_poison BEFORE INSERT ON messages "
                        "WHEN NEW.body LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'poison'); END"
                    )
                )
            else:
                await conn.execute(
                    sa.text(
                        "CREATE OR REPLACE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN "
                        "IF NEW.body LIKE '%poison%' THEN RAISE EXCEPTION 'poison'; END IF; "
                        "RETURN NEW; END $$ LANGUAGE plpgsql"
                    )
                )
                await conn.execute(
                    sa.text(
                        "CREATE TRIGGER refuse_poison BEFORE INSERT ON messages "
                        "FOR EACH ROW EXECUTE FUNCTION refuse_poison()"
                    )
                )
        try:
            results = await asyncio.gather(
                store.append_message(text(tid, "a")),
                store.append_message(text(tid, "poison")),
                store.append_message(text(tid, "b")),
                return_exceptions=True,
            )
        finally:
            async with store.engine.begin() as conn:
                await conn.execute(
                    sa.text(
                        "DROP TRIGGER refuse_poison" + ("" if store.is_sqlite else " ON messages")
                    )
                )
        assert isinstance(results[1], Exception) and not isinstance(results[1], AppendResult)
        ok = [r for r in results if isinstance(r, AppendResult)]
        assert len(ok) == 2
        assert await stored(store, tid) == [(1, "a"), (2, "b")]
        assert (await store.verify_chain(tid)).ok
        # and the writer goes on
        assert (await store.append_message(text(tid, "c"))).message.seq == 3


async def test_nothing_is_acknowledged_before_its_commit(database_url: str) -> None:
    async with batching_store(database_url, wait=0.05) as store:
        tid = await new_thread(store)
        await store.append_message(text(tid, "before"))
        with failing_commits(store) as failed:
            results = await asyncio.gather(
                *(store.append_message(text(tid, f"lost {i}")) for i in range(3)),
                return_exceptions=True,
            )
        assert failed
        assert all(isinstance(r, Exception) for r in results), results
        assert await stored(store, tid) == [(1, "before")]
        after = await store.append_message(text(tid, "after"))
        assert after.message.seq == 2
        assert await stored(store, tid) == [(1, "before"), (2, "after")]
        assert (await store.verify_chain(tid)).ok


async def test_two_nodes_on_one_database_keep_seq_gap_free(database_url: str) -> None:
    """Two stores (two engines, two caches: two nodes) send to the same threads at once; each
    one's cached seqs and chain heads go stale under the other's writes."""
    async with batching_store(database_url, 0.01) as a, batching_store(database_url, 0.01) as b:
        tids = [await new_thread(a, f"job-{i}") for i in range(3)]
        sends = []
        for round_ in range(8):
            for tid in tids:
                sends.append(a.append_message(text(tid, f"a{round_}", f"a{round_}")))
                sends.append(b.append_message(text(tid, f"b{round_}", f"b{round_}", who="f1")))
        results = await asyncio.gather(*sends)
        assert all(r.created for r in results)
        for tid in tids:
            seqs = [s for s, _ in await stored(a, tid)]
            assert seqs == list(range(1, 17))
            report = await b.verify_chain(tid)
            assert report.ok, report
            thread = await a.get_thread(tid)
            assert thread is not None and thread.last_seq == 16
        # a resend of each client_msg_id, on the other node, is the stored message
        again = await b.append_message(text(tids[0], "a3", "a3"))
        assert not again.created


async def test_another_nodes_stage_change_is_seen(database_url: str) -> None:
    async with batching_store(database_url, 0) as a, batching_store(database_url, 0) as b:
        tid = await new_thread(a)
        await a.append_message(text(tid, "cached now"))
        await b.set_stage(tid, Stage.DECLINED, actor_id="c1", actor_role=Role.CLIENT)
        with pytest.raises(Conflict) as refused:
            await a.append_message(text(tid, "too late"))
        assert refused.value.code == "thread_closed"
        assert await stored(a, tid) == [(1, "cached now")]


async def test_a_local_write_outside_the_batcher_drops_the_cache(database_url: str) -> None:
    async with batching_store(database_url, 0) as store:
        tid = await new_thread(store)
        await store.append_message(text(tid, "one"))
        await store.append_audit(tid, "note.added", "c1", {"n": 1})  # moves the chain head
        await store.append_message(text(tid, "two"))
        report = await store.verify_chain(tid)
        assert report.ok and report.checked == 5, report  # created, stage, one, note, two


async def test_exempt_links_follow_meeting_messages(database_url: str) -> None:
    async with batching_store(database_url, 0) as a, batching_store(database_url, 0) as b:
        tid = await new_thread(a)
        await a.append_message(text(tid, "hello"))
        meeting = {"join_url": "https://zoom.us/j/123", "start_url": "https://zoom.us/s/123"}
        posted = await a.append_message(
            NewMessage(tid, SYSTEM_AUTHOR, MessageKind.MEETING, meeting)
        )
        links = ["https://zoom.us/j/123", "https://zoom.us/s/123"]
        assert await a.exempt_links(tid, posted.message.seq) == links
        # the other node did not write it: it reads the meeting messages (its cache is behind)
        assert await b.exempt_links(tid, posted.message.seq) == links
        second = await b.append_message(
            NewMessage(tid, SYSTEM_AUTHOR, MessageKind.MEETING, {"join_url": "https://zoom.us/j/9"})
        )
        assert await a.exempt_links(tid, second.message.seq) == [*links, "https://zoom.us/j/9"]
        assert await b.exempt_links(tid, second.message.seq) == [*links, "https://zoom.us/j/9"]


async def test_a_write_beginning_during_a_flush_does_not_lose_its_threads(
    database_url: str,
) -> None:
    """A write outside the batcher that begins while a flush waits for the database (another
    REST call, a lease sweep), followed by a read of the cache (the next send's thread check),
    must not empty the heads that flush planned with: its cached threads came out as
    ``thread_not_found``."""
    async with batching_store(database_url) as store:
        fresh = await new_thread(store, "job-fresh")  # not cached: the flush reads it
        cached = [await new_thread(store, f"job-{i}") for i in range(2)]
        for tid in cached:
            await store.append_message(text(tid, "warm the cache"))
        loads: list[str] = []

        def meanwhile(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            # the flush's read of the uncached thread is on the wire: what another task does
            # then (a write beginning elsewhere, then a send checking its thread)
            if (
                not loads
                and statement.lstrip().upper().startswith("SELECT")
                and "threads" in (statement)
            ):
                loads.append(statement)
                store.generation += 1  # what SqlStore.write() does when it begins
                assert store.batcher.thread(cached[0]) is None  # that read sees no cache

        event.listen(store.engine.sync_engine, "before_cursor_execute", meanwhile)
        try:
            results = await asyncio.gather(
                *(store.append_message(text(tid, "in one batch")) for tid in [*cached, fresh])
            )
        finally:
            event.remove(store.engine.sync_engine, "before_cursor_execute", meanwhile)
        assert loads, "the flush never read a thread"
        assert [r.message.seq for r in results] == [2, 2, 1]
        for tid in cached:
            assert await stored(store, tid) == [(1, "warm the cache"), (2, "in one batch")]
