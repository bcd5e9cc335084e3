"""At-least-once, per-thread ordered, signed delivery to a real local receiver."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest

from signaling.domain.messages import MessageKind, NewMessage
from signaling.events.dispatcher import Dispatcher, WebhookSender
from signaling.events.outbox import DEAD, DELIVERED, EventRecorder, OutboxStore
from signaling.store.sql import SqlStore, make_engine
from tests.events.receiver import SECRET, Receiver


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def _dispatcher(
    store: SqlStore, receiver: Receiver, http: aiohttp.ClientSession, node: str, **kw: float
) -> Dispatcher:
    sender = WebhookSender(receiver.url, SECRET, http, timeout=kw.pop("timeout", 0.3))
    options: dict[str, float] = {
        "lease_seconds": 5.0,
        "max_attempts": 50,
        "retry_base_seconds": 0.01,
        "retry_max_seconds": 0.1,
        "poll_seconds": 0.05,
        **kw,
    }
    return Dispatcher(
        OutboxStore(store),
        sender,
        node_id=node,
        lease_seconds=options["lease_seconds"],
        max_attempts=int(options["max_attempts"]),
        retry_base_seconds=options["retry_base_seconds"],
        retry_max_seconds=options["retry_max_seconds"],
        poll_seconds=options["poll_seconds"],
        batch=int(options.get("batch", 200)),
        batch_body=bool(options.get("batch_body", False)),
        concurrency=int(options.get("concurrency", 16)),
    )


async def _threads(store: SqlStore, count: int, tag: str = "") -> list[str]:
    ids = []
    for i in range(count):
        thread, _ = await store.create_thread(
            job_id=f"job-{tag}{i}", job_title="T", client_id="c1", freelancer_id=f"f{i}",
            actor_id="c1",
        )  # fmt: skip
        ids.append(thread.id)
    return ids


async def _chat(store: SqlStore, threads: list[str], rounds: int) -> None:
    for n in range(rounds):
        for thread_id in threads:
            await store.append_message(
                NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": f"message {n}"})
            )


async def _all_ids(store: SqlStore) -> set[str]:
    return {r.event_id for r in await OutboxStore(store).events_after(0, limit=10_000)}


async def _until_delivered(outbox: OutboxStore, count: int) -> None:
    """Wait for the last acknowledgements to be recorded (after the receiver has them)."""
    for _ in range(600):
        if (await outbox.counts())[DELIVERED] >= count:
            return
        await asyncio.sleep(0.05)


async def _rounds_done(dispatcher: Dispatcher, count: int) -> None:
    """Wait until the dispatcher's rounds have seen ``count`` acknowledgements."""
    for _ in range(1200):
        if dispatcher.delivered_total >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{dispatcher.delivered_total} of {count} delivered")


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_misbehaving_receiver_gets_everything_in_order(
    store: SqlStore, http: aiohttp.ClientSession
) -> None:
    store.events = EventRecorder()
    cycle = ("ok", "reset", "timeout", "500")
    receiver = Receiver(modes=lambda n: cycle[n % 4], hang=0.6)
    await receiver.start()
    dispatcher = _dispatcher(store, receiver, http, "node-a")
    store.on_events = dispatcher.nudge
    task = asyncio.create_task(dispatcher.run())
    try:
        threads = await _threads(store, 3)
        await _chat(store, threads, 6)  # while the dispatcher runs
        expected = await _all_ids(store)
        assert len(expected) == 3 * (6 + 1)  # messages and the first-message stage change
        await receiver.wait_for(expected)
        await _until_delivered(OutboxStore(store), len(expected))
    finally:
        await _stop(task)
        await receiver.close()
    modes = {a.mode for a in receiver.attempts}
    assert modes == set(cycle)  # every kind of failure happened
    assert receiver.order_violations() == []
    assert receiver.bad_signatures == 0
    assert dispatcher.failed_total > 0
    rows = await OutboxStore(store).events_after(0, limit=1000)
    assert {r.state for r in rows} == {DELIVERED}
    # the bodies are the envelopes, with the thread's seq in order
    for thread_id in threads:
        seqs = [
            e["data"]["seq"]
            for e in sorted(receiver.acked.values(), key=lambda e: int(e["cursor"]))
            if e["thread_id"] == thread_id and e["type"] == "message.created"
        ]
        assert seqs == [1, 2, 3, 4, 5, 6]


async def test_batch_delivery_to_a_misbehaving_receiver_gets_everything_in_order(
    store: SqlStore, http: aiohttp.ClientSession
) -> None:
    """INTERVIEW_EVENTS_DELIVERY=batch: one signed JSON array per round, same guarantees."""
    store.events = EventRecorder()
    cycle = ("ok", "reset", "timeout", "500")
    receiver = Receiver(modes=lambda n: cycle[n % 4], hang=0.6)
    await receiver.start()
    dispatcher = _dispatcher(store, receiver, http, "node-a", batch_body=True, batch=5)
    store.on_events = dispatcher.nudge
    task = asyncio.create_task(dispatcher.run())
    try:
        threads = await _threads(store, 3)
        await _chat(store, threads, 6)
        expected = await _all_ids(store)
        await receiver.wait_for(expected)
        await _until_delivered(OutboxStore(store), len(expected))
    finally:
        await _stop(task)
        await receiver.close()
    assert {a.mode for a in receiver.attempts} == set(cycle)
    assert receiver.bad_signatures == 0  # the array body is signed with the batch's id
    assert receiver.order_violations() == []
    assert len(receiver.batches) >= 4 and max(len(b) for b in receiver.batches) > 1
    assert all(len(b) <= 5 for b in receiver.batches)  # at most INTERVIEW_EVENTS_BATCH
    cursors = {e["id"]: int(e["cursor"]) for e in receiver.acked.values()}
    for ids in receiver.batches:  # each array is in feed order
        if all(i in cursors for i in ids):
            assert [cursors[i] for i in ids] == sorted(cursors[i] for i in ids)
    assert dispatcher.failed_total > 0
    rows = await OutboxStore(store).events_after(0, limit=1000)
    assert {r.state for r in rows} == {DELIVERED}
    assert {r.event_id: r.envelope() for r in rows} == receiver.acked  # the stored envelopes


async def test_batch_delivery_dead_letters_after_the_last_attempt(
    store: SqlStore, http: aiohttp.ClientSession
) -> None:
    store.events = EventRecorder()
    failing = True
    receiver = Receiver(modes=lambda n: "500" if failing else "ok")
    await receiver.start()
    dispatcher = _dispatcher(store, receiver, http, "node-a", max_attempts=2, batch_body=True)
    try:
        [thread_id] = await _threads(store, 1)
        await _chat(store, [thread_id], 2)
        outbox = OutboxStore(store)
        for _ in range(200):
            await dispatcher.run_once()
            if len(await outbox.by_state(DEAD)) == 3:
                break
            await asyncio.sleep(0.02)
        dead = await outbox.by_state(DEAD)
        assert [r.attempts for r in dead] == [2, 2, 2]
        assert dead[0].last_error == "HTTP 500" and dispatcher.dead_total == 3
        failing = False
        held = (await outbox.events_after(0, limit=100))[-1].cursor  # a pull reader's cursor
        assert await outbox.replay(None, now=datetime.now(UTC)) == 3
        # the replayed events are back at the feed's end (same ids, new cursors after `held`)
        again = await outbox.events_after(held, limit=100)
        assert [r.event_id for r in again] == [r.event_id for r in dead]
        await dispatcher.run_once()
        assert set(receiver.acked) == await _all_ids(store)
        assert await outbox.counts() == {"pending": 0, "delivered": 3, "dead": 0}
        assert receiver.order_violations() == []
    finally:
        await receiver.close()


async def test_one_event_delivery_keeps_at_most_concurrency_posts_in_flight(
    store: SqlStore, http: aiohttp.ClientSession
) -> None:
    store.events = EventRecorder()
    receiver = Receiver(release=asyncio.Event())
    await receiver.start()
    dispatcher = _dispatcher(store, receiver, http, "node-a", concurrency=3, timeout=5.0)
    try:
        threads = await _threads(store, 8)  # 8 threads: 8 runs that could all send at once
        await _chat(store, threads, 1)  # a message and a stage change each
        round_ = asyncio.create_task(dispatcher.run_once())
        for _ in range(200):
            if receiver.in_flight >= 3:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # time for more to arrive, were they allowed
        assert receiver.in_flight == 3
        assert receiver.release is not None
        receiver.release.set()
        assert await round_ == 16
        assert receiver.max_in_flight == 3
        assert set(receiver.acked) == await _all_ids(store)
        assert receiver.order_violations() == []
    finally:
        await receiver.close()


async def test_dead_letters_stop_blocking_and_replay_delivers_them(
    store: SqlStore, http: aiohttp.ClientSession
) -> None:
    store.events = EventRecorder()
    failing = True
    receiver = Receiver(modes=lambda n: "500" if failing else "ok")
    await receiver.start()
    dispatcher = _dispatcher(store, receiver, http, "node-a", max_attempts=3)
    try:
        [thread_id] = await _threads(store, 1)
        await _chat(store, [thread_id], 2)
        outbox = OutboxStore(store)
        for _ in range(200):
            await dispatcher.run_once()
            if len(await outbox.by_state(DEAD)) == 3:
                break
            await asyncio.sleep(0.02)
        dead = await outbox.by_state(DEAD)
        assert len(dead) == 3 and all(r.attempts == 3 for r in dead)
        assert dead[0].last_error == "HTTP 500"
        assert dispatcher.dead_total == 3
        failing = False
        await _chat(store, [thread_id], 1)  # a dead letter does not hold its thread back
        await dispatcher.run_once()
        assert len(receiver.acked) == 1
        assert await outbox.replay(None, now=datetime.now(UTC)) == 3
        await dispatcher.run_once()
        assert set(receiver.acked) == await _all_ids(store)
        assert await outbox.counts() == {"pending": 0, "delivered": 4, "dead": 0}
    finally:
        await receiver.close()


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("batch_body", [False, True], ids=["one-event", "batch"])
async def test_two_nodes_share_the_work_without_losing_or_repeating(
    database_url: str, http: aiohttp.ClientSession, batch_body: bool
) -> None:
    """Two dispatchers (two engines, like two nodes) on one PostgreSQL database."""
    stores = [SqlStore(make_engine(database_url)) for _ in range(2)]
    for s in stores:
        s.events = EventRecorder()
    receiver = Receiver()
    await receiver.start()
    dispatchers = [
        _dispatcher(s, receiver, http, f"node-{i}", batch_body=batch_body)
        for i, s in enumerate(stores)
    ]
    for s, d in zip(stores, dispatchers, strict=True):
        s.on_events = d.nudge
    tasks = [asyncio.create_task(d.run()) for d in dispatchers]
    try:
        threads = [await _threads(s, 3, tag=f"n{i}") for i, s in enumerate(stores)]
        await asyncio.gather(*(_chat(s, t, 8) for s, t in zip(stores, threads, strict=True)))
        expected = await _all_ids(stores[0])
        assert len(expected) == 6 * 9
        await receiver.wait_for(expected)
        await _until_delivered(OutboxStore(stores[0]), len(expected))
    finally:
        for task in tasks:
            await _stop(task)
        await receiver.close()
        for s in stores:
            await s.close()
    assert receiver.order_violations() == []
    assert all(count == 1 for count in receiver.ack_count.values())  # no work done twice
    # together the nodes delivered each event once (which node does a round is a race: a node
    # whose claim takes the whole backlog in one statement may leave the other nothing to do)
    assert sum(d.delivered_total for d in dispatchers) == len(expected)


async def test_acknowledgements_are_recorded_by_the_next_round_and_on_shutdown(
    store: SqlStore, http: aiohttp.ClientSession
) -> None:
    """Under load a round's acknowledgements ride on the next claim's transaction; the last
    ones are recorded when the loop stops (or when the feed goes quiet for a poll)."""
    store.events = EventRecorder()
    receiver = Receiver()
    await receiver.start()
    dispatcher = _dispatcher(store, receiver, http, "node-a", poll_seconds=30.0)
    store.on_events = dispatcher.nudge
    outbox = OutboxStore(store)
    task = asyncio.create_task(dispatcher.run())
    try:
        threads = await _threads(store, 2)
        await _chat(store, threads, 1)
        first = await _all_ids(store)
        await _rounds_done(dispatcher, len(first))
        # acknowledged, not yet recorded: no later round, and the quiet poll is 30 s away
        assert (await outbox.counts())["delivered"] < len(first)
        await _chat(store, threads, 1)  # the next round records the first ones
        await _rounds_done(dispatcher, len(first) + 2)
        assert (await outbox.counts())["delivered"] >= len(first)
    finally:
        await _stop(task)
        await receiver.close()
    assert await outbox.counts() == {"pending": 0, "delivered": len(first) + 2, "dead": 0}
    assert all(count == 1 for count in receiver.ack_count.values())


async def test_batch_delivery_writes_no_row_per_event_and_switching_modes_resends_nothing(
    store: SqlStore, http: aiohttp.ClientSession
) -> None:
    """A delivered batch is recorded by moving the feed cursor, not by a write per event;
    its events still read as delivered (counts, pull feed, prune), and a node switched
    back to one POST per event neither resends them nor skips what came after."""
    from datetime import timedelta

    from sqlalchemy import select, update

    from signaling.store import schema as t

    store.events = EventRecorder()
    receiver = Receiver()
    await receiver.start()
    outbox = OutboxStore(store)
    try:
        threads = await _threads(store, 2)
        await _chat(store, threads, 3)  # 2 stage changes + 6 messages
        batch = _dispatcher(store, receiver, http, "node-a", batch_body=True, batch=3)
        while await batch.run_once():
            pass
        first = await _all_ids(store)
        assert set(receiver.acked) == first and len(first) == 8
        assert len(receiver.batches) == 3  # 3 + 3 + 2, in feed order
        async with store.engine.connect() as conn:
            o = t.event_outbox
            rows = (await conn.execute(select(o.c.state, o.c.delivered_at))).all()
        assert {r.state for r in rows} == {"pending"}  # no row was written to record them
        assert await outbox.counts() == {"pending": 0, "delivered": 8, "dead": 0}
        assert {r.state for r in await outbox.events_after(0, limit=100)} == {DELIVERED}
        assert len(await outbox.by_state(DELIVERED)) == 8

        await _chat(store, threads, 1)
        single = _dispatcher(store, receiver, http, "node-a")
        assert await single.run_once() == 2  # only the two new events
        assert all(count == 1 for count in receiver.ack_count.values())
        assert set(receiver.acked) == await _all_ids(store)
        assert receiver.order_violations() == []
        assert await outbox.counts() == {"pending": 0, "delivered": 10, "dead": 0}

        async with store.write() as conn:
            old = datetime.now(UTC) - timedelta(days=40)
            await conn.execute(update(t.event_outbox).values(occurred_at=old))
        # all but the newest (kept so positions keep rising) are delivered, so all but it go
        assert await outbox.prune(datetime.now(UTC) - timedelta(days=30), delivering=True) == 9
    finally:
        await receiver.close()


async def test_batch_lease_excludes_another_process_with_the_same_node_id(
    store: SqlStore, http: aiohttp.ClientSession
) -> None:
    """Two delivery loops whose node id is the same (``events deliver`` started twice on one
    host: the node id defaults to the host name) must still take turns: while one holds the
    cursor's lease with a batch in flight, the other sends nothing (it used to read the
    lease as its own and POST the same batch at the same time)."""
    store.events = EventRecorder()
    release = asyncio.Event()
    receiver = Receiver(release=release)
    await receiver.start()
    try:
        threads = await _threads(store, 1)
        await _chat(store, threads, 2)  # a stage change and two messages
        first = _dispatcher(store, receiver, http, "host-1", batch_body=True)
        second = _dispatcher(store, receiver, http, "host-1", batch_body=True)
        sending = asyncio.create_task(first.run_once())
        await receiver.first_request.wait()  # the first loop's batch is in flight
        other = asyncio.create_task(second.run_once())
        for _ in range(1000):  # until it is done, or has sent the batch a second time
            if other.done() or receiver.in_flight >= 2:
                break
            await asyncio.sleep(0.01)
        release.set()
        assert await sending == 3
        assert await other == 0  # the lease was held: nothing claimed, nothing sent
        assert len(receiver.batches) == 1
    finally:
        release.set()
        await receiver.close()


async def test_a_batch_loop_stopped_mid_post_gives_the_cursor_lease_back(
    store: SqlStore, http: aiohttp.ClientSession
) -> None:
    """A delivery loop stopped while its batch is in flight (SIGTERM of `events deliver`
    cancels the round) gives the cursor's lease back, so its restart sends the batch again
    at once rather than after the lease expires."""
    store.events = EventRecorder()
    release = asyncio.Event()
    receiver = Receiver(release=release)
    await receiver.start()
    try:
        threads = await _threads(store, 1)
        await _chat(store, threads, 2)  # a stage change and two messages
        stopped = _dispatcher(store, receiver, http, "host-1", batch_body=True, lease_seconds=600)
        task = asyncio.create_task(stopped.run())
        await receiver.first_request.wait()
        await _stop(task)
        release.set()
        restarted = _dispatcher(store, receiver, http, "host-1", batch_body=True)
        assert await restarted.run_once() == 3
        assert set(receiver.acked) == await _all_ids(store)
    finally:
        release.set()
        await receiver.close()
