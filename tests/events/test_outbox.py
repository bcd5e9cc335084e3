"""The transactional outbox on both backends: events exist exactly when their change
committed, in commit order, derived by one mechanism from what the transaction wrote."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from signaling.domain.calls import Call, CallKind
from signaling.domain.messages import SYSTEM_AUTHOR, MessageKind, NewMessage
from signaling.domain.threads import Role, Stage
from signaling.errors import Conflict, NotFound
from signaling.events.catalogue import CATALOGUE, NewEvent, from_audit
from signaling.events.outbox import EventRecorder, OutboxStore
from signaling.store import schema as t
from signaling.store.audit import SqlAuditStore
from signaling.store.meetings import SqlMeetingStore
from signaling.store.migrate import upgrade
from signaling.store.sql import SqlStore, make_engine


@pytest.fixture
def recording_store(store: SqlStore) -> SqlStore:
    store.events = EventRecorder()
    return store


async def _thread(store: SqlStore) -> str:
    thread, _ = await store.create_thread(
        job_id="job-1", job_title="Logo", client_id="c1", freelancer_id="f1", actor_id="c1"
    )
    return thread.id


async def _types(store: SqlStore) -> list[str]:
    return [r.type for r in await OutboxStore(store).events_after(0, limit=1000)]


async def test_first_message_writes_stage_change_and_message_in_order(
    recording_store: SqlStore,
) -> None:
    thread_id = await _thread(recording_store)
    assert await _types(recording_store) == []  # thread.created is not a public event
    result = await recording_store.append_message(
        NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "hello there"}, "m-1")
    )
    rows = await OutboxStore(recording_store).events_after(0)
    assert [r.type for r in rows] == ["thread.stage_changed", "message.created"]
    stage, created = rows
    assert stage.data["from"] == "invited" and stage.data["to"] == "interviewing"
    assert created.data["message_id"] == result.message.id
    assert created.data["seq"] == 1
    assert "text" not in created.data  # metadata only by default
    assert {r.thread_id for r in rows} == {thread_id}
    assert stage.cursor < created.cursor
    assert all(r.event_id.startswith("evt_") for r in rows)
    assert len({r.event_id for r in rows}) == 2
    # a retry with the same client_msg_id stores nothing, so emits nothing
    await recording_store.append_message(
        NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "hello there"}, "m-1")
    )
    assert len(await _types(recording_store)) == 2


async def test_text_only_when_configured(store: SqlStore) -> None:
    store.events = EventRecorder(include_text=True)
    thread_id = await _thread(store)
    await store.append_message(NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "hi"}))
    created = (await OutboxStore(store).events_after(0, types=["message.created"]))[0]
    assert created.data["text"] == "hi"


async def test_a_rolled_back_change_leaves_no_event(recording_store: SqlStore) -> None:
    thread_id = await _thread(recording_store)
    with pytest.raises(RuntimeError):
        async with recording_store.write() as conn:
            await recording_store._append(
                conn,
                NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "gone"}),
                datetime.now(UTC),
            )
            raise RuntimeError("the change fails after its events were queued")
    assert await recording_store.list_messages(thread_id) == []
    assert await _types(recording_store) == []
    # the next transaction (likely on the same pooled connection) does not pick them up
    await recording_store.set_stage(
        thread_id, Stage.DECLINED, actor_id="c1", actor_role=Role.CLIENT
    )
    assert await _types(recording_store) == ["thread.stage_changed"]
    # a refused change (409) emits nothing either
    with pytest.raises(Conflict):
        await recording_store.append_message(
            NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "too late"})
        )
    assert await _types(recording_store) == ["thread.stage_changed"]


async def test_call_events_come_from_the_call_transactions(recording_store: SqlStore) -> None:
    thread_id = await _thread(recording_store)
    now = datetime.now(UTC)
    call, event = Call.start(
        call_id="call-1",
        thread_id=thread_id,
        kind=CallKind.AUDIO,
        initiator_id="c1",
        callee_id="f1",
        now=now,
        pre_contract=True,
    )
    await recording_store.save_call(call, event=event)
    missed, event = call.ring_timeout(now)
    await recording_store.save_call(missed, event=event)
    await recording_store.finish_call(missed, missed.record({}))
    assert await recording_store.finish_call(missed, missed.record({})) is None  # written once
    rows = await OutboxStore(recording_store).events_after(0)
    assert [r.type for r in rows] == ["call.started", "message.created", "call.missed"]
    assert rows[0].data["call_id"] == "call-1" and rows[0].data["kind"] == "audio"
    assert rows[2].data["record"]["outcome"] == "missed"
    assert rows[2].data["call_id"] == "call-1"


async def test_schedule_reminder_claim_message_and_event_are_one_transaction(
    recording_store: SqlStore,
) -> None:
    meetings = SqlMeetingStore(recording_store, "node-a")
    thread_id = await _thread(recording_store)
    body = {"event": "schedule.reminder", "id": "sch-1:0", "schedule_id": "sch-1"}
    reminder = NewMessage(thread_id, SYSTEM_AUTHOR, MessageKind.SCHEDULE, body)
    # the post fails (no such thread): the claim is not kept, so the next tick sends it
    with pytest.raises(NotFound):
        await meetings.claim_and_post(
            "sch-1:0", NewMessage("no-such-thread", SYSTEM_AUTHOR, MessageKind.SCHEDULE, body)
        )
    first = await meetings.claim_and_post("sch-1:0", reminder)
    assert first is not None
    assert await meetings.claim_and_post("sch-1:0", reminder) is None  # once, across nodes
    rows = await OutboxStore(recording_store).events_after(0, types=["schedule.reminder"])
    assert len(rows) == 1
    assert rows[0].data["reminder_key"] == "sch-1:0"
    assert rows[0].data["message_id"] == first.id


async def test_cases_and_tree_heads(recording_store: SqlStore) -> None:
    thread_id = await _thread(recording_store)
    audit = SqlAuditStore(recording_store.engine, recording_store.events)
    case = await audit.open_case(
        thread_id=thread_id, call_id=None, reason="spam", opened_by="f1", source="report"
    )
    await audit.update_case(case["id"], author_id="a1", status="reviewing", note="n", hold=None)
    await audit.update_case(case["id"], author_id="a1", status="resolved", note="n", hold=None)
    await recording_store.emit(
        [NewEvent("tree_head.published", None, datetime.now(UTC), {"tree_size": 3})]
    )
    rows = await OutboxStore(recording_store).events_after(0)
    assert [r.type for r in rows] == ["case.opened", "case.resolved", "tree_head.published"]
    assert rows[0].data["case_id"] == case["id"] and "reason" not in rows[0].data
    assert rows[2].thread_id is None and rows[2].order_key == "global"


async def test_pull_pages_in_commit_order_with_a_type_filter(recording_store: SqlStore) -> None:
    thread_id = await _thread(recording_store)
    for i in range(5):
        await recording_store.append_message(
            NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": f"m{i}"})
        )
    outbox = OutboxStore(recording_store)
    seen, cursor = [], 0
    while page := await outbox.events_after(cursor, types=["message.created"], limit=2):
        seen += [r.data["seq"] for r in page]
        cursor = page[-1].cursor
    assert seen == [1, 2, 3, 4, 5]
    async with recording_store.engine.connect() as conn:
        ids = (await conn.execute(select(t.event_outbox.c.id))).scalars().all()
    assert len(ids) == 6


def test_every_type_is_versioned_and_named_like_the_catalogue() -> None:
    assert all(e.version >= 1 and e.name == name for name, e in CATALOGUE.items())
    with pytest.raises(ValueError):
        NewEvent("nonsense.happened", None, datetime.now(UTC))


def test_audit_entries_that_are_events() -> None:
    """The audit side of the translation table (what a call's or meeting's transaction
    appends), as pure data."""
    at = datetime(2030, 1, 1, tzinfo=UTC)
    [started] = from_audit("t1", "call.ringing", "c1", {"call_id": "k", "kind": "video"}, at)
    assert (started.type, started.data["kind"], started.data["initiator_id"]) == (
        "call.started", "video", "c1",
    )  # fmt: skip
    [zoom] = from_audit("t1", "meeting.created", "c1", {"call_id": "z", "meeting_id": "9"}, at)
    assert (zoom.type, zoom.data["kind"], zoom.data["call_id"]) == ("call.started", "zoom", "z")
    [notice] = from_audit("t1", "call.consultation_notice", "system", {"call_id": "k"}, at)
    assert notice.type == "consultation.suggested" and notice.thread_id == "t1"
    assert from_audit("t1", "call.accepted", "f1", {"call_id": "k"}, at) == []
    assert from_audit("access", "audit.access", "a1", {}, at) == []


async def test_prune_keeps_dead_letters_and_recent_events(recording_store: SqlStore) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    thread_id = await _thread(recording_store)
    for text in ("old", "dead", "new"):
        await recording_store.append_message(
            NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": text})
        )
    outbox = OutboxStore(recording_store)
    rows = await outbox.events_after(0, types=["message.created"])
    long_ago = datetime.now(UTC) - timedelta(days=40)
    o = t.event_outbox
    async with recording_store.write() as conn:
        await conn.execute(
            update(o)
            .where(o.c.id.in_([rows[0].cursor, rows[1].cursor]))
            .values(occurred_at=long_ago)
        )
        await conn.execute(update(o).where(o.c.id == rows[1].cursor).values(state="dead"))
    pruned = await outbox.prune(datetime.now(UTC) - timedelta(days=30), delivering=False)
    assert pruned == 1
    left = {r.cursor for r in await outbox.events_after(0, limit=100)}
    assert rows[0].cursor not in left
    assert {rows[1].cursor, rows[2].cursor} <= left


async def test_prune_never_drops_an_event_its_webhook_has_not_received(
    recording_store: SqlStore,
) -> None:
    """A receiver down for longer than the retention still gets every event afterwards."""
    from datetime import timedelta

    from sqlalchemy import update

    thread_id = await _thread(recording_store)
    for text in ("delivered", "waiting"):
        await recording_store.append_message(
            NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": text})
        )
    outbox = OutboxStore(recording_store)
    rows = await outbox.events_after(0, types=["message.created"])
    o = t.event_outbox
    async with recording_store.write() as conn:
        await conn.execute(update(o).values(occurred_at=datetime.now(UTC) - timedelta(days=40)))
        await conn.execute(
            update(o).where(o.c.feed_position == rows[0].cursor).values(state="delivered")
        )
    cutoff = datetime.now(UTC) - timedelta(days=30)
    assert await outbox.prune(cutoff, delivering=True) >= 1
    left = {r.cursor for r in await outbox.events_after(0, limit=100)}
    assert rows[0].cursor not in left
    assert rows[1].cursor in left


async def test_cursors_keep_rising_after_a_prune_removes_every_old_event(
    recording_store: SqlStore,
) -> None:
    """A reader holding a cursor must never see new events numbered below it: pruning all
    the old events once made SQLite hand out row ids (and so positions) from 1 again."""
    from datetime import timedelta

    from sqlalchemy import update

    thread_id = await _thread(recording_store)
    for text in ("one", "two"):
        await recording_store.append_message(
            NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": text})
        )
    outbox = OutboxStore(recording_store)
    held = (await outbox.events_after(0, limit=100))[-1].cursor
    async with recording_store.write() as conn:
        old = datetime.now(UTC) - timedelta(days=40)
        await conn.execute(update(t.event_outbox).values(occurred_at=old, state="delivered"))
    assert await outbox.prune(datetime.now(UTC) - timedelta(days=30), delivering=True) >= 1
    await recording_store.append_message(
        NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "three"})
    )
    new = await outbox.events_after(held, limit=100)
    assert [r.type for r in new] == ["message.created"]
    assert new[0].data["seq"] == 3


async def test_an_event_that_commits_late_with_a_smaller_id_is_not_skipped(
    recording_store: SqlStore, database_url: str
) -> None:
    """No cluster-wide lock orders the outbox: a transaction writing an event does not wait
    for another one still open. The late one (smaller id) gets a feed position after the
    cursor a reader already holds, so paging ``after=cursor`` still returns it."""
    import asyncio

    from signaling.store.sql import make_engine

    if recording_store.is_sqlite:
        pytest.skip("SQLite has one writer at a time: commit order is id order")
    other = SqlStore(make_engine(database_url))  # a second node
    other.events = EventRecorder()
    outbox = OutboxStore(recording_store)
    at = datetime.now(UTC)
    opened, finish = asyncio.Event(), asyncio.Event()

    async def slow() -> None:
        async with recording_store.write() as conn:
            await EventRecorder.add(conn, [NewEvent("policy.flagged", "thread-late", at, {})])
            opened.set()
            await finish.wait()

    try:
        late = asyncio.create_task(slow())
        await opened.wait()
        # with a cluster-wide lock this insert would wait for the open transaction above
        await asyncio.wait_for(other.emit([NewEvent("policy.flagged", "thread-early", at, {})]), 60)
        first = await outbox.events_after(0)
        assert [r.thread_id for r in first] == ["thread-early"]
        finish.set()
        await late
        rest = await outbox.events_after(first[-1].cursor)
        assert [r.thread_id for r in rest] == ["thread-late"]
        assert rest[0].cursor > first[-1].cursor
        async with recording_store.engine.connect() as conn:
            ids = dict(
                (await conn.execute(select(t.event_outbox.c.thread_id, t.event_outbox.c.id))).all()
            )
        assert ids["thread-late"] < ids["thread-early"]  # drawn first, committed last
        claimed = await outbox.claim("n1", now=datetime.now(UTC), lease_seconds=30, limit=10)
        assert [r.thread_id for r in claimed] == ["thread-early", "thread-late"]
    finally:
        finish.set()
        await other.close()


async def test_a_claim_skips_threads_held_back_by_a_lease_or_a_retry(
    recording_store: SqlStore,
) -> None:
    """A thread's events after one leased elsewhere or waiting for a retry are not claimed;
    other threads' are, and a dead letter stops holding its thread back."""
    outbox = OutboxStore(recording_store)
    at = datetime.now(UTC)
    for thread, count in (("thread-a", 3), ("thread-b", 2)):
        await recording_store.emit(
            [NewEvent("policy.flagged", thread, at, {"n": n}) for n in range(count)]
        )
    now = datetime.now(UTC)
    [first] = await outbox.claim("n1", now=now, lease_seconds=30, limit=1)
    assert (first.thread_id, first.data) == ("thread-a", {"n": 0})
    # n1 holds a's first event: a's later ones wait, b's go to n2 in order
    claimed = await outbox.claim("n2", now=now, lease_seconds=30, limit=10)
    assert [(r.thread_id, r.data["n"]) for r in claimed] == [("thread-b", 0), ("thread-b", 1)]
    await outbox.delivered([r.cursor for r in claimed], now=now)
    # a's first event fails: it waits for its retry, and a's later events wait with it
    await outbox.failed(first, "HTTP 500", now=now, delay=60, max_attempts=2)
    assert await outbox.claim("n2", now=now, lease_seconds=30, limit=10) == []
    # after the retry delay a's events go out again, in order
    later = datetime.fromtimestamp(now.timestamp() + 61, UTC)
    again = await outbox.claim("n2", now=later, lease_seconds=30, limit=10)
    assert [r.data["n"] for r in again] == [0, 1, 2]
    await outbox.release(again[1:])
    # its last attempt fails too: a dead letter, which no longer holds the thread back
    assert await outbox.failed(again[0], "HTTP 500", now=later, delay=60, max_attempts=2) == "dead"
    rest = await outbox.claim("n1", now=later, lease_seconds=30, limit=10)
    assert [r.data["n"] for r in rest] == [1, 2]
    assert (await outbox.counts()) == {"pending": 2, "delivered": 2, "dead": 1}


async def test_the_posted_body_is_the_canonical_envelope(recording_store: SqlStore) -> None:
    """The delivery body is spliced around the stored data text: byte for byte the canonical
    JSON of the envelope the pull API returns, whatever the data holds."""
    from signaling.domain.audit_chain import canonical_json

    at = datetime.now(UTC)
    odd = {
        "text": 'quote " backslash \\ newline \n tab \t émoji 🎉 \u2028 nul-ish \x01',
        "nested": {"b": [1, 2.5, None, True], "a": {"z": "", "é": -0.0}},
        "big": 2**60,
    }
    await recording_store.emit(
        [
            NewEvent("policy.flagged", 'thread "x" é', at, odd),
            NewEvent("tree_head.published", None, at, {"tree_head": {"size": 3}}),
            NewEvent("case.opened", "t", at, {}),
        ]
    )
    thread_id = await _thread(recording_store)
    await recording_store.append_message(
        NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "héllo"})
    )
    rows = await OutboxStore(recording_store).events_after(0, limit=100)
    assert len(rows) == 5
    for row in rows:
        assert row.body() == canonical_json(row.envelope())
    assert rows[0].data == odd


async def test_sqlite_rows_are_in_the_feed_as_they_commit(
    recording_store: SqlStore, database_url: str
) -> None:
    """SQLite has one writer at a time, so each event gets its feed position in its own
    insert, in order: nothing is left for an assigner (whose update per row cost as much as
    the insert) and reading the feed takes no write transaction."""
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL assigns positions after commit (visibility order)")
    thread_id = await _thread(recording_store)
    for text in ("one", "two", "three"):
        await recording_store.append_message(
            NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": text})
        )
    o = t.event_outbox
    async with recording_store.engine.connect() as conn:
        rows = (await conn.execute(select(o.c.id, o.c.feed_position).order_by(o.c.id))).all()
    assert [r.feed_position for r in rows] == list(range(1, len(rows) + 1))
    assert await OutboxStore(recording_store).assign_positions() == 0


async def test_a_batch_is_read_by_feed_position_not_by_sorting_every_pending_event(
    recording_store: SqlStore, database_url: str
) -> None:
    """With ``state = 'pending'`` in the condition SQLite chose the state index and sorted
    every pending event in every delivery round (quadratic in a backlog); the batch read
    walks the position index and stops after ``limit`` rows."""
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's plan follows its statistics")
    from signaling.events.outbox import batch_query

    statement = batch_query(10, 200).compile(
        dialect=recording_store.engine.dialect, compile_kwargs={"literal_binds": True}
    )
    async with recording_store.engine.connect() as conn:
        plan = " ".join(
            str(row[-1])
            for row in (await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}")).all()
        )
    assert "uq_event_outbox_feed_position" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


async def test_sqlite_rows_left_unpositioned_before_the_upgrade_stay_before_new_ones(
    tmp_path: Path,
) -> None:
    """Before migration 0009 SQLite's events got their feed position after commit (at the
    next claim or pull), so a database upgraded from 0008 may hold committed events without
    one. Events written after the upgrade take theirs in their insert: they must not go
    ahead of those older events (a thread's order), as they did when the older rows were
    only positioned afterwards, above the new ones."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    await upgrade(url, "0008")
    store = SqlStore(make_engine(url))
    try:
        store.events = EventRecorder()
        thread_id = await _thread(store)
        for text in ("one", "two"):
            await store.append_message(
                NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": text})
            )
        o = t.event_outbox
        async with store.write() as conn:  # as the code before 0009 left them: not yet in the feed
            await conn.execute(update(o).where(o.c.id > 1).values(feed_position=None))
    finally:
        await store.close()
    await upgrade(url)
    store = SqlStore(make_engine(url))
    try:
        store.events = EventRecorder()
        await store.append_message(NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "3"}))
        feed = await OutboxStore(store).events_after(0, limit=100)
    finally:
        await store.close()
    seqs = [r.data["seq"] for r in feed if r.type == "message.created"]
    assert seqs == [1, 2, 3]
    assert [r.cursor for r in feed] == sorted({r.cursor for r in feed})


async def test_a_given_up_batch_leaves_what_an_expired_lease_holder_delivered_delivered(
    recording_store: SqlStore,
) -> None:
    """Node a's lease expires while its batch is in flight; node b takes the cursor and reads
    a larger batch; a's POST is acknowledged after all (the cursor moves past a's events);
    b's attempt fails for the last time. Only what the receiver never acknowledged becomes a
    dead letter: a's events stay delivered (they used to be dead-lettered with b's batch,
    counted dead and sent again on a replay)."""
    from datetime import timedelta

    from signaling.events.outbox import DEAD, DELIVERED, CursorOutbox

    thread_id = await _thread(recording_store)
    await recording_store.append_message(
        NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "one"})
    )  # a stage change and a message
    cursor = CursorOutbox(OutboxStore(recording_store))
    t0 = datetime.now(UTC)
    a = await cursor.claim("a", now=t0, lease_seconds=1, limit=1)
    assert a is not None and len(a.rows) == 1
    later = t0 + timedelta(seconds=5)  # a's lease has expired
    b = await cursor.claim("b", now=later, lease_seconds=60, limit=10)
    assert b is not None and [r.cursor for r in b.rows][:1] == [a.rows[0].cursor]
    assert len(b.rows) == 2
    await cursor.delivered("a", (a.rows[0].cursor, a.rows[0].cursor))
    state = await cursor.failed("b", b, "HTTP 500", now=later, delay=1, max_attempts=1)
    assert state == DEAD
    outbox = OutboxStore(recording_store)
    assert await outbox.counts() == {"pending": 0, "delivered": 1, "dead": 1}
    assert [r.event_id for r in await outbox.by_state(DEAD)] == [b.rows[1].event_id]
    assert [r.event_id for r in await outbox.by_state(DELIVERED)] == [a.rows[0].event_id]


async def test_a_failed_batch_is_retried_with_the_same_events_only(
    recording_store: SqlStore,
) -> None:
    """A batch that failed is retried whole and only itself: events committed after the
    failure wait for the next batch. (The retry used to re-read up to the batch limit, so
    later events joined a batch near its last attempt and became dead letters after one
    try, recorded with the batch's attempts.)"""
    from datetime import timedelta

    from signaling.events.outbox import DEAD, CursorOutbox

    thread_id = await _thread(recording_store)
    await recording_store.append_message(
        NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "one"})
    )  # a stage change and a message
    cursor = CursorOutbox(OutboxStore(recording_store))
    t0 = datetime.now(UTC)
    first = await cursor.claim("a", now=t0, lease_seconds=60, limit=10)
    assert first is not None and len(first.rows) == 2
    assert await cursor.failed("a", first, "HTTP 500", now=t0, delay=0, max_attempts=2) != DEAD
    await recording_store.append_message(
        NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "two"})
    )
    t1 = t0 + timedelta(seconds=1)
    retry = await cursor.claim("a", now=t1, lease_seconds=60, limit=10)
    assert retry is not None and retry.attempts == 1
    assert [r.event_id for r in retry.rows] == [r.event_id for r in first.rows]
    assert await cursor.failed("a", retry, "HTTP 500", now=t1, delay=0, max_attempts=2) == DEAD
    outbox = OutboxStore(recording_store)
    assert await outbox.counts() == {"pending": 1, "delivered": 0, "dead": 2}
    after = await cursor.claim("a", now=t1 + timedelta(seconds=1), lease_seconds=60, limit=10)
    assert after is not None and after.attempts == 0  # a new batch: the new event, first try
    assert [r.data["seq"] for r in after.rows] == [2]


async def test_an_event_a_batch_delivered_holds_nothing_back_after_a_switch_to_single(
    recording_store: SqlStore,
) -> None:
    """An event that failed in one-event mode waits for its retry; a switch to batch delivery
    sends it (the cursor moves past it, its row stays as it was). Back in one-event mode it
    is delivered, so it must not hold its thread's next events back until its old retry
    time (it did: the claim counted it as a pending event waiting for a retry)."""
    from datetime import timedelta

    from signaling.events.outbox import PENDING, CursorOutbox

    thread_id = await _thread(recording_store)
    await recording_store.append_message(
        NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "one"})
    )  # a stage change and a message
    outbox = OutboxStore(recording_store)
    t0 = datetime.now(UTC)
    claimed = await outbox.claim("a", now=t0, lease_seconds=60, limit=10)
    assert len(claimed) == 2
    state = await outbox.failed(claimed[0], "HTTP 500", now=t0, delay=600, max_attempts=5)
    assert state == PENDING
    await outbox.release(claimed[1:])
    cursor = CursorOutbox(outbox)
    batch = await cursor.claim("a", now=t0, lease_seconds=60, limit=10)
    assert batch is not None and len(batch.rows) == 2
    await cursor.delivered("a", (batch.rows[0].cursor, batch.rows[-1].cursor))
    assert await outbox.counts() == {"pending": 0, "delivered": 2, "dead": 0}
    await recording_store.append_message(
        NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "two"})
    )
    again = await outbox.claim("a", now=t0 + timedelta(seconds=1), lease_seconds=60, limit=10)
    assert [r.data["seq"] for r in again] == [2]


async def test_a_failed_batch_is_counted_only_by_the_lease_holder_after_a_claim_in_progress(
    recording_store: SqlStore, database_url: str
) -> None:
    """Node a's lease has expired; node b's claim transaction (under the feed's claim lock)
    is taking the cursor over when a's last attempt fails. a must wait for that claim and
    then see it no longer holds the lease: nothing is dead-lettered and b keeps its lease.
    (a used to read the lease unlocked, dead-letter b's batch and clear b's lease.)"""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite has one writer at a time: transactions do not interleave")
    from datetime import timedelta

    from sqlalchemy import text

    from signaling.events.outbox import CLAIM_LOCK_KEY, PENDING, CursorOutbox

    thread_id = await _thread(recording_store)
    await recording_store.append_message(
        NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "one"})
    )
    outbox = OutboxStore(recording_store)
    cursor = CursorOutbox(outbox)
    t0 = datetime.now(UTC)
    a = await cursor.claim("a", now=t0 - timedelta(seconds=10), lease_seconds=1, limit=10)
    assert a is not None and len(a.rows) == 2
    other = make_engine(database_url)  # node b
    try:
        async with other.begin() as conn:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CLAIM_LOCK_KEY})
            failing = asyncio.create_task(
                cursor.failed("a", a, "HTTP 500", now=t0, delay=1, max_attempts=1)
            )
            await asyncio.wait({failing}, timeout=1.0)  # let it run as far as it can
            d = t.event_delivery
            await conn.execute(  # b's claim takes the expired lease
                update(d).values(lease_owner="b", lease_until=t0 + timedelta(seconds=60))
            )
        assert await failing == PENDING
    finally:
        await other.dispose()
    assert await outbox.counts() == {"pending": 2, "delivered": 0, "dead": 0}
    status = await cursor.status()
    assert status is not None and status["lease_owner"] == "b"
