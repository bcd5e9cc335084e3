"""The audit sequencer: queued entries, leaf indexes in batches, one lease holder, takeover.

Nodes are real stores (one engine each, like processes) on the same database. A killed
sequencer is one whose rounds stop without giving the lease up (what a SIGKILL leaves); a
paused one holds its round's transaction open (what SIGSTOP mid-round leaves).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signaling.audit import log
from signaling.audit.sequencer import AuditSequencer, sequence_all
from signaling.domain import merkle
from signaling.domain.messages import MessageKind, NewMessage
from signaling.errors import Conflict
from signaling.store.sql import SqlStore, make_engine, utcnow


@pytest.fixture
async def nodes(store: SqlStore, database_url: str) -> AsyncIterator[tuple[SqlStore, SqlStore]]:
    """Two nodes on the same database (SQLite: the same store; it has one process)."""
    if store.is_sqlite:
        yield store, store
        return
    other = SqlStore(make_engine(database_url))
    try:
        yield store, other
    finally:
        await other.close()


async def full_root(store: SqlStore) -> tuple[int, bytes]:
    """Size and root recomputed from every sequenced row (the slow, trusted way)."""
    leaves = await log.leaf_hashes(store)
    return len(leaves), merkle.root(leaves)


async def new_thread(store: SqlStore, n: int) -> str:
    thread, _ = await store.create_thread(
        job_id=f"job-{n}", job_title="Logo", client_id=f"c{n}", freelancer_id="f1", actor_id="c1"
    )
    return thread.id


async def send(store: SqlStore, thread_id: str, text: str) -> None:
    await store.append_message(NewMessage(thread_id, "f1", MessageKind.TEXT, {"text": text}))


async def take_over(sequencer: AuditSequencer) -> None:
    """Run rounds until this sequencer holds the lease and has drained the queue."""
    for _ in range(10_000):  # bounded by the test timeout, not a wall-clock assertion
        if await sequencer.drain() is not None:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the lease was never taken over")


async def test_entries_are_queued_then_integrated_in_batches(store: SqlStore) -> None:
    for i in range(7):
        await store.append_audit(f"chain-{i % 2}", "test.event", "u1", {"i": i})
    assert await store.unsequenced_count() == 7
    assert all(e.leaf_index is None for e in await store.audit_entries(None))
    live = log.LiveMerkleLog(page=2)
    assert await live.sync(store) == 0  # nothing is in the log before the sequencer runs

    sequencer = AuditSequencer(store, "node-a", batch=3, interval=0.1, lease_seconds=5)
    assert await sequencer.step() == 3  # one batch
    assert await sequencer.drain() == 4  # the rest, batch by batch
    assert await sequencer.step() == 0
    rows = await store.audit_entries(None)
    assert [r.leaf_index for r in rows] == list(range(7))  # committed one by one: id order
    assert await live.sync(store) == 7
    key = Ed25519PrivateKey.generate()
    head = await live.tree_head(store, key)
    assert (head.tree_size, head.root) == await full_root(store)
    assert (await live.check(store)).ok


async def test_a_queued_entry_answers_not_yet_integrated(store: SqlStore) -> None:
    await store.append_audit("chain-a", "test.event", "u1", {"i": 0})
    await sequence_all(store)
    queued = await store.append_audit("chain-a", "test.event", "u1", {"i": 1})
    live = log.LiveMerkleLog(retry_after=2.5)
    key = Ed25519PrivateKey.generate()
    with pytest.raises(Conflict) as caught:
        await live.inclusion(store, queued.index, key)
    assert caught.value.code == "not_yet_integrated"
    assert caught.value.extra == {"retry_after": 2.5}
    assert "retry after 2.5 s" in caught.value.reason
    await sequence_all(store)
    proof = await live.inclusion(store, queued.index, key)
    assert proof["leaf_index"] == 1


async def test_one_holder_and_takeover_when_its_lease_lapses(
    nodes: tuple[SqlStore, SqlStore],
) -> None:
    """Node A sequences, then dies without giving the lease up. Both nodes keep committing
    messages meanwhile (queued, nothing waits for the sequencer); node B takes the lease over
    once it lapsed and integrates the backlog; the root equals a full recomputation; A, back
    from the dead, is fenced off."""
    store_a, store_b = nodes
    a = AuditSequencer(store_a, "node-a", batch=5, interval=0.05, lease_seconds=0.5)
    b = AuditSequencer(store_b, "node-b", batch=5, interval=0.05, lease_seconds=0.5)
    threads = [await new_thread(store_a, 1), await new_thread(store_b, 2)]
    assert await a.drain() == 2  # A takes the lease and integrates the two thread.created
    if not store_a.is_sqlite:  # one process on SQLite: B is A's own store, nothing to race
        assert await b.step() is None  # A holds the lease

    # A is killed: no more rounds, the lease is not given up. Both nodes keep writing.
    for i in range(6):
        await send(store_a, threads[0], f"a{i}")
        await send(store_b, threads[1], f"b{i}")
    assert await store_b.unsequenced_count() >= 12  # queued, none lost, nobody blocked

    await take_over(b)  # once A's lease lapsed (by the database's clock)
    assert await store_b.unsequenced_count() == 0
    if not store_a.is_sqlite:
        assert await a.step() is None  # A wakes up: B holds the lease now
        assert not a.holding

    rows = await store_b.audit_entries(None, limit=1000)
    assert sorted(-1 if r.leaf_index is None else r.leaf_index for r in rows) == list(
        range(len(rows))
    )  # no gaps, no repeats
    live = log.LiveMerkleLog(page=4)
    head = await live.tree_head(store_b, Ed25519PrivateKey.generate())
    assert (head.tree_size, head.root) == await full_root(store_a)
    assert live.anomalies == []  # every chain's positions follow each other in leaf order
    for thread_id in threads:
        report = await store_b.verify_chain(thread_id)
        assert report.ok, report.reason
        seqs = [m.seq for m in await store_a.list_messages(thread_id)]
        assert seqs == list(range(1, 7))  # gap-free


async def test_a_paused_holder_is_cut_off_and_another_node_takes_over(
    nodes: tuple[SqlStore, SqlStore],
) -> None:
    """Node A stalls in the middle of a round, its transaction open and the lease row locked
    (a SIGSTOP). Writers on both nodes go on; B cannot take the row while A holds it, until
    PostgreSQL ends A's idle transaction after the lease TTL; A's assignment never commits."""
    store_a, store_b = nodes
    if store_a.is_sqlite:
        pytest.skip("one process owns a SQLite file: there is no other node to pause")
    a = AuditSequencer(store_a, "node-a", batch=100, interval=0.1, lease_seconds=1.0)
    b = AuditSequencer(store_b, "node-b", batch=100, interval=0.1, lease_seconds=1.0)
    thread_id = await new_thread(store_b, 1)
    assert await a.step() == 1
    await send(store_b, thread_id, "queued while A is paused")

    paused = asyncio.Event()
    resume = asyncio.Event()

    async def paused_round() -> None:
        async with store_a.write() as conn:
            assert await a._take_lease(conn)
            await store_a.sequence_audit(conn, 100)
            paused.set()
            await resume.wait()  # stalled inside the transaction

    stalled = asyncio.create_task(paused_round())
    await paused.wait()
    await send(store_a, thread_id, "written on A's node meanwhile")
    await send(store_b, thread_id, "and on B's")
    await take_over(b)  # refused while the row is locked, then taken
    resume.set()
    with pytest.raises(Exception):  # noqa: B017 - the server closed A's connection
        await stalled
    assert await store_b.unsequenced_count() == 0
    live = log.LiveMerkleLog()
    head = await live.tree_head(store_b, Ed25519PrivateKey.generate())
    assert (head.tree_size, head.root) == await full_root(store_b)
    assert head.tree_size == 5  # thread.created, stage_changed and three messages
    assert (await store_b.verify_chain(thread_id)).ok


async def test_a_late_commit_with_a_smaller_id_gets_a_later_leaf(
    nodes: tuple[SqlStore, SqlStore],
) -> None:
    """No global lock: a transaction appending to one chain does not wait for another still
    open on another chain; the entry committed first is integrated first, and the late one
    (smaller id) joins the log after it, without changing what was signed."""
    store_a, store_b = nodes
    if store_a.is_sqlite:
        pytest.skip("SQLite has one writer at a time: commit order is id order")
    opened = asyncio.Event()
    finish = asyncio.Event()

    async def slow() -> int:
        async with store_a.write() as conn:
            entry = await store_a._audit(conn, "chain-slow", "test.event", "u1", {}, utcnow())
            opened.set()
            await finish.wait()
        return entry.index

    slow_task = asyncio.create_task(slow())
    await opened.wait()
    # with a cluster-wide lock this append would wait for the open transaction above
    fast = await asyncio.wait_for(store_b.append_audit("chain-fast", "test.event", "u1", {}), 60)
    sequencer = AuditSequencer(store_b, "node-b", interval=0.1, lease_seconds=5)
    assert await sequencer.step() == 1
    live = log.LiveMerkleLog()
    key = Ed25519PrivateKey.generate()
    first = await live.tree_head(store_b, key)
    finish.set()
    slow_id = await slow_task
    assert slow_id < fast.index
    assert await sequencer.step() == 1
    leaves = {r.index: r.leaf_index for r in await store_b.audit_entries(None)}
    assert leaves == {fast.index: 0, slow_id: 1}
    second = await live.tree_head(store_b, key)
    assert (second.tree_size, second.root) == await full_root(store_b)
    consistency = await live.consistency(store_b, first.tree_size, second.tree_size)
    assert consistency["first_root"] == first.root.hex()


async def test_timeline_verification_is_cached_per_chain_head(store: SqlStore) -> None:
    import sqlalchemy as sa

    thread_id = await new_thread(store, 1)
    await send(store, thread_id, "hello")
    first = await store.verify_chain(thread_id, cached=True)
    assert first.ok and first.checked == 3
    assert await store.verify_chain(thread_id, cached=True) is first  # head unchanged
    async with store.engine.begin() as conn:  # someone edits a stored message body
        await conn.execute(
            sa.text("UPDATE messages SET body = :b WHERE thread_id = :t"),
            {"b": '{"text":"edited"}', "t": thread_id},
        )
    uncached = await store.verify_chain(thread_id)  # the verify route recomputes
    assert not uncached.ok and "differs" in uncached.reason
    await send(store, thread_id, "the chain grew")  # a new head: the timeline recomputes
    again = await store.verify_chain(thread_id, cached=True)
    assert not again.ok and again.checked == 4
