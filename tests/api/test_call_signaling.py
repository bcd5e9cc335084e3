"""Call signaling through socket.io with the in-memory media port (real app, real store)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from signaling.api.context import CTX
from signaling.app import CALLS
from signaling.calls import ManualClock
from signaling.domain.calls import Call, CallKind
from signaling.store.sql import SqlStore
from tests.api.conftest import Harness, HarnessFactory
from tests.api.fake_media import FakeMediaFactory, InMemoryMediaSession
from tests.api.test_socket import collect, wait_for


async def setup_call(
    make_harness: HarnessFactory, **settings: Any
) -> tuple[Harness, FakeMediaFactory, dict[str, Any], Any, Any]:
    media = FakeMediaFactory()
    harness = await make_harness(media_factory=media, **settings)
    thread = await harness.thread()
    client = await harness.socket("c1", "client")
    freelancer = await harness.socket("f1", "freelancer")
    for sio in (client, freelancer):
        assert (await sio.call("thread:join", {"thread_id": thread["id"]}))["ok"]
    return harness, media, thread, client, freelancer


def forwarding(session: InMemoryMediaSession) -> bool:
    return session.forwarding


async def call_messages(harness: Harness, thread_id: str) -> list[dict[str, Any]]:
    resp = await harness.client.get(
        f"/api/threads/{thread_id}/messages", headers=harness.headers("c1")
    )
    return [m for m in (await resp.json())["messages"] if m["kind"] == "call"]


async def test_completed_call_writes_exactly_one_record(make_harness: HarnessFactory) -> None:
    harness, media, thread, client, freelancer = await setup_call(make_harness)
    rings = await collect(freelancer, "call:state")
    ack = await client.call("call:start", {"thread_id": thread["id"], "kind": "video"})
    assert ack["ok"] and ack["call"]["state"] == "ringing"
    call_id = ack["call"]["call_id"]
    await wait_for(lambda: any(s["state"] == "ringing" for s in rings))

    busy = await freelancer.call("call:start", {"thread_id": thread["id"], "kind": "audio"})
    assert busy["code"] == "call_in_progress"
    early = await freelancer.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 f"})
    assert early["code"] == "not_accepted"

    offer = await client.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 c"})
    assert offer == {"ok": True, "sdp": "v=0 answer for c1", "type": "answer"}
    session = media.sessions[call_id]
    assert not forwarding(session)  # nothing flows before the callee accepts
    assert (await freelancer.call("call:accept", {"call_id": call_id}))["call"][
        "state"
    ] == "accepted"
    assert forwarding(session)
    assert (await freelancer.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 f"}))["ok"]
    bad = await client.call("rtc:candidate", {"call_id": call_id, "candidate": "garbage"})
    assert bad["code"] == "bad_candidate"
    ok = await client.call(
        "rtc:candidate",
        {
            "call_id": call_id,
            "candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host",
            "sdpMid": "0",
            "sdpMLineIndex": 0,
        },
    )
    assert ok["ok"]

    session.emit("media_started", "c1")
    session.emit("media_started", "f1")
    await wait_for(lambda: any(s["state"] == "connected" for s in rings))
    ack = await client.call("call:hangup", {"call_id": call_id})
    assert ack["call"]["state"] == "ended" and ack["call"]["end_reason"] == "hangup"
    again = await freelancer.call("call:hangup", {"call_id": call_id})
    assert again["code"] == "call_not_found"
    assert session.closed

    records = await call_messages(harness, thread["id"])
    assert len(records) == 1
    body = records[0]["body"]
    assert body["outcome"] == "completed" and body["end_reason"] == "hangup"
    assert body["kind"] == "video" and body["initiator_id"] == "c1"
    assert body["connected_seconds"] >= 0 and body["connected_at"] is not None
    assert {p["user_id"] for p in body["participants"]} == {"c1", "f1"}
    assert body["media"] == {"c1": {"packets": 10}, "f1": {"packets": 10}}
    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    report = await store.verify_chain(thread["id"])
    assert report.ok
    entries = [e.event_type for e in await store.audit_entries(thread["id"])]
    for expected in (
        "call.ringing",
        "call.accepted",
        "call.joined",
        "call.connected",
        "call.ended",
    ):
        assert expected in entries


async def test_unanswered_call_is_missed_and_logged(make_harness: HarnessFactory) -> None:
    clock = ManualClock()
    harness, _, thread, client, _ = await setup_call(
        make_harness, ring_timeout_seconds=45, call_clock=clock
    )
    ack = await client.call("call:start", {"thread_id": thread["id"], "kind": "audio"})
    assert ack["ok"]
    assert 45.0 in clock.pending()  # the ring timeout is armed
    clock.advance(44.9)
    assert _state(harness, thread["id"]) == "ringing"
    clock.advance(0.1)
    await wait_until(lambda: _records(harness, thread["id"], 1))
    (record,) = await call_messages(harness, thread["id"])
    assert record["body"]["outcome"] == "missed" and record["body"]["ring_seconds"] == 45.0


async def test_ring_timeout_on_the_real_clock(make_harness: HarnessFactory) -> None:
    """The one test of the call timers on the event loop's own clock (no ManualClock)."""
    harness, _, thread, client, _ = await setup_call(make_harness, ring_timeout_seconds=0.2)
    ack = await client.call("call:start", {"thread_id": thread["id"], "kind": "audio"})
    assert ack["ok"]
    await wait_until(lambda: _records(harness, thread["id"], 1))
    (record,) = await call_messages(harness, thread["id"])
    assert record["body"]["outcome"] == "missed" and record["body"]["ring_seconds"] >= 0.2


@pytest.mark.parametrize(
    ("who", "action", "outcome"),
    [("f1", "call:decline", "declined"), ("c1", "call:cancel", "cancelled")],
)
async def test_declined_and_cancelled_calls_are_logged(
    make_harness: HarnessFactory, who: str, action: str, outcome: str
) -> None:
    harness, _, thread, client, freelancer = await setup_call(make_harness)
    call_id = (await client.call("call:start", {"thread_id": thread["id"], "kind": "audio"}))[
        "call"
    ]["call_id"]
    sio = freelancer if who == "f1" else client
    wrong = client if who == "f1" else freelancer
    assert not (await wrong.call(action, {"call_id": call_id}))["ok"]
    assert (await sio.call(action, {"call_id": call_id}))["call"]["state"] == outcome
    (record,) = await call_messages(harness, thread["id"])
    assert record["body"]["outcome"] == outcome


async def test_vanished_peer_ends_call_as_peer_lost(make_harness: HarnessFactory) -> None:
    clock = ManualClock()
    harness, media, thread, client, freelancer = await setup_call(
        make_harness, peer_lost_seconds=15, call_clock=clock
    )
    call_id = (await client.call("call:start", {"thread_id": thread["id"], "kind": "video"}))[
        "call"
    ]["call_id"]
    await freelancer.call("call:accept", {"call_id": call_id})
    await client.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 c"})
    await freelancer.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 f"})
    session = media.sessions[call_id]
    session.emit("media_started", "c1")
    session.emit("media_started", "f1")
    await wait_until(lambda: _has(harness, thread["id"], "call.connected"))
    clock.advance(60)  # a minute of call
    session.emit("disconnected", "f1")
    await wait_until(lambda: _armed(clock, 15.0))  # the grace period runs
    clock.advance(14.9)
    assert _state(harness, thread["id"]) == "connected"
    clock.advance(0.1)
    await wait_until(lambda: _records(harness, thread["id"], 1))
    (record,) = await call_messages(harness, thread["id"])
    assert record["body"]["end_reason"] == "peer_lost"
    # The call ended when the media last flowed, not when the server stopped waiting.
    assert record["body"]["connected_seconds"] == 60.0


async def test_a_long_pre_contract_call_gets_the_consultation_notice(
    make_harness: HarnessFactory,
) -> None:
    clock = ManualClock()
    harness, media, thread, client, freelancer = await setup_call(
        make_harness, consultation_notice_minutes=30, call_clock=clock
    )
    notices = await collect(freelancer, "call:notice")
    call_id = (await client.call("call:start", {"thread_id": thread["id"], "kind": "video"}))[
        "call"
    ]["call_id"]
    await freelancer.call("call:accept", {"call_id": call_id})
    await client.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 c"})
    await freelancer.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 f"})
    session = media.sessions[call_id]
    session.emit("media_started", "c1")
    session.emit("media_started", "f1")
    await wait_until(lambda: _armed(clock, 1800.0))  # armed when the call connected
    clock.advance(1799)
    assert not await _has(harness, thread["id"], "call.consultation_notice")
    clock.advance(1)
    await wait_until(lambda: _has(harness, thread["id"], "call.consultation_notice"))
    await wait_for(lambda: len(notices) == 1)
    assert notices[0]["call_id"] == call_id and "30 minutes" in notices[0]["notice"]
    assert (await client.call("call:hangup", {"call_id": call_id}))["ok"]
    (record,) = await call_messages(harness, thread["id"])
    assert record["body"]["consultation_notice_at"] is not None
    assert record["body"]["connected_seconds"] == 1800.0


async def test_reconnect_within_grace_resumes_same_call(make_harness: HarnessFactory) -> None:
    clock = ManualClock()
    harness, media, thread, client, freelancer = await setup_call(
        make_harness, peer_lost_seconds=15, call_clock=clock
    )
    call_id = (await client.call("call:start", {"thread_id": thread["id"], "kind": "video"}))[
        "call"
    ]["call_id"]
    await freelancer.call("call:accept", {"call_id": call_id})
    await freelancer.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 f"})
    session = media.sessions[call_id]
    session.emit("disconnected", "f1")
    await wait_until(lambda: _armed(clock, 15.0))
    clock.advance(10)
    # the freelancer comes back (new tab) and offers again: the same call continues
    tab2 = await harness.socket("f1", "freelancer")
    assert (await tab2.call("rtc:restart", {"call_id": call_id, "sdp": "v=0 f2"}))["ok"]
    assert 5.0 not in clock.pending()  # the grace timer was disarmed
    clock.advance(20)  # past the grace period: nothing ends the call
    assert _state(harness, thread["id"]) == "accepted"
    assert session.offers["f1"] == ["v=0 f", "v=0 f2"]
    # Had the grace timer fired, its task would hold the call's lock before this hangup.
    ack = await tab2.call("call:hangup", {"call_id": call_id})
    assert ack["call"]["end_reason"] == "hangup"
    (record,) = await call_messages(harness, thread["id"])
    assert record["body"]["end_reason"] == "hangup"


async def test_signaling_limits(make_harness: HarnessFactory) -> None:
    _harness, _, thread, client, freelancer = await setup_call(make_harness)
    call_id = (await client.call("call:start", {"thread_id": thread["id"], "kind": "video"}))[
        "call"
    ]["call_id"]
    big = await client.call("rtc:offer", {"call_id": call_id, "sdp": "v=0" + "a" * 70_000})
    assert big["code"] == "sdp_too_large"
    cand = await client.call(
        "rtc:candidate", {"call_id": call_id, "candidate": "candidate:" + "1" * 2000}
    )
    assert cand["code"] == "candidate_too_large"
    bad = await client.call("rtc:offer", {"call_id": call_id, "sdp": "not sdp"})
    assert bad["code"] == "bad_sdp"
    codes = [
        (await client.call("rtc:restart", {"call_id": call_id, "sdp": "v=0 r"})).get("code")
        for _ in range(6)
    ]
    assert codes == [None] * 5 + ["rate_limited"]
    # the call is unharmed
    assert (await freelancer.call("call:accept", {"call_id": call_id}))["ok"]


async def test_ice_restarts_are_limited_per_minute_of_the_call_clock(
    make_harness: HarnessFactory,
) -> None:
    clock = ManualClock()
    _harness, _, thread, client, _ = await setup_call(
        make_harness, call_clock=clock, ring_timeout_seconds=600
    )
    call_id = (await client.call("call:start", {"thread_id": thread["id"], "kind": "video"}))[
        "call"
    ]["call_id"]
    restart = {"call_id": call_id, "sdp": "v=0 r"}
    assert (await client.call("rtc:restart", restart))["ok"]
    clock.advance(20)
    for _ in range(4):
        assert (await client.call("rtc:restart", restart))["ok"]
    refused = await client.call("rtc:restart", restart)
    assert refused["code"] == "rate_limited" and refused["retry_after"] == 40.0
    clock.advance(40.5)  # the first restart left the window
    assert (await client.call("rtc:restart", restart))["ok"]
    assert (await client.call("rtc:restart", restart))["code"] == "rate_limited"


async def test_outsiders_and_auditors_cannot_call(make_harness: HarnessFactory) -> None:
    harness, _, thread, client, _ = await setup_call(make_harness)
    auditor = await harness.socket("a1", "auditor")
    ack = await auditor.call("call:start", {"thread_id": thread["id"], "kind": "audio"})
    assert ack["code"] == "not_a_party"
    outsider = await harness.socket("m1", "client")
    ack = await outsider.call("call:start", {"thread_id": thread["id"], "kind": "audio"})
    assert ack["code"] == "thread_not_found"
    call_id = (await client.call("call:start", {"thread_id": thread["id"], "kind": "video"}))[
        "call"
    ]["call_id"]
    ack = await outsider.call("rtc:offer", {"call_id": call_id, "sdp": "v=0"})
    assert ack["code"] == "call_not_found"  # the same answer as for an id that does not exist


async def test_calls_left_open_by_a_crash_are_closed_at_startup(
    make_harness: HarnessFactory,
) -> None:
    first = await make_harness()
    thread = await first.thread()
    store = first.app[CTX].store
    assert isinstance(store, SqlStore)
    t0 = datetime.now(UTC) - timedelta(minutes=5)
    call, event = Call.start(
        call_id="crashed-call",
        thread_id=thread["id"],
        kind=CallKind.VIDEO,
        initiator_id="c1",
        callee_id="f1",
        now=t0,
    )
    call, _ = call.accept("f1", t0 + timedelta(seconds=2))
    call, _ = call.media_started("c1", t0 + timedelta(seconds=3))
    call, _ = call.media_started("f1", t0 + timedelta(seconds=3))
    call = call.media_seen("c1", t0 + timedelta(seconds=63))
    await store.save_call(call, event=event)  # the process "dies" here
    second = await make_harness()  # start-up sweep runs in the new app
    resp = await second.client.get(
        f"/api/threads/{thread['id']}/messages", headers=second.headers("c1")
    )
    records = [m for m in (await resp.json())["messages"] if m["kind"] == "call"]
    assert len(records) == 1
    body = records[0]["body"]
    assert body["end_reason"] == "server_shutdown"
    assert body["connected_seconds"] == pytest.approx(60.0)
    third = await make_harness()  # a further restart writes nothing new
    resp = await third.client.get(
        f"/api/threads/{thread['id']}/messages", headers=third.headers("c1")
    )
    assert len([m for m in (await resp.json())["messages"] if m["kind"] == "call"]) == 1


async def test_record_notes_each_interruption_and_its_length(
    make_harness: HarnessFactory,
) -> None:
    clock = ManualClock()
    harness, media, thread, client, freelancer = await setup_call(
        make_harness, peer_lost_seconds=15, call_clock=clock
    )
    call_id = (await client.call("call:start", {"thread_id": thread["id"], "kind": "video"}))[
        "call"
    ]["call_id"]
    await client.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 c"})
    await freelancer.call("call:accept", {"call_id": call_id})
    await freelancer.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 f"})
    session = media.sessions[call_id]
    session.emit("media_started", "c1")
    session.emit("media_started", "f1")
    await wait_until(lambda: _has(harness, thread["id"], "call.connected"))
    # 1: the freelancer's network drops, then media flows again on the same peer
    session.emit("disconnected", "f1")
    await wait_until(lambda: _has(harness, thread["id"], "call.interrupted"))
    clock.advance(2)  # two seconds without the freelancer's media (within the grace)
    session.emit("media_started", "f1")
    await wait_until(lambda: _has(harness, thread["id"], "call.resumed"))
    # 2: the client reloads the page: a new tab offers again, its media starts
    tab2 = await harness.socket("c1", "client")
    assert (await tab2.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 c2"}))["ok"]
    session.emit("media_started", "c1")
    await wait_until(lambda: _count(harness, thread["id"], "call.resumed", 2))
    assert (await tab2.call("call:hangup", {"call_id": call_id}))["ok"]
    (record,) = await call_messages(harness, thread["id"])
    notes = record["body"]["interruptions"]
    assert notes["count"] == 2
    assert notes["seconds"] == 2.0  # the reload took no time on the call's clock
    assert record["body"]["outcome"] == "completed"


async def _has(harness: Harness, thread_id: str, event_type: str) -> bool:
    return await _count(harness, thread_id, event_type, 1)


async def _count(harness: Harness, thread_id: str, event_type: str, n: int) -> bool:
    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    return sum(e.event_type == event_type for e in await store.audit_entries(thread_id)) >= n


async def _records(harness: Harness, thread_id: str, n: int) -> bool:
    return len(await call_messages(harness, thread_id)) >= n


def _state(harness: Harness, thread_id: str) -> str | None:
    """The state of the thread's live call on this node (None: no live call)."""
    state = harness.app[CALLS].active_state_json(thread_id)
    return None if state is None else str(state["state"])


async def _armed(clock: ManualClock, seconds: float) -> bool:
    """A timer of ``seconds`` is armed on the clock (armed by a task the test cannot await)."""
    return seconds in clock.pending()


async def wait_until(check: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        assert loop.time() < deadline, "condition not reached"
        await asyncio.sleep(0.02)


async def test_a_shared_screen_is_relayed_with_the_media_state(
    make_harness: HarnessFactory,
) -> None:
    _harness, _media, thread, client, freelancer = await setup_call(make_harness)
    call_id = (await client.call("call:start", {"thread_id": thread["id"], "kind": "video"}))[
        "call"
    ]["call_id"]
    await freelancer.call("call:accept", {"call_id": call_id})
    relayed = await collect(freelancer, "call:media")
    sharing = {"call_id": call_id, "audio": True, "video": True, "screen": True}
    assert (await client.call("call:media", sharing))["ok"]
    assert (await client.call("call:media", {**sharing, "screen": False}))["ok"]
    # an older client that does not send the flag means "not sharing"
    assert (await client.call("call:media", {"call_id": call_id, "audio": True, "video": True}))[
        "ok"
    ]
    bad = await client.call("call:media", {**sharing, "screen": "yes please"})
    assert not bad["ok"]
    await wait_for(lambda: len(relayed) == 3)
    assert [r["screen"] for r in relayed] == [True, False, False]
    assert all(r["user_id"] == "c1" for r in relayed)


async def test_joining_a_thread_shows_its_live_call_to_parties_only(
    make_harness: HarnessFactory,
) -> None:
    """A page that reloads mid-call learns of the live call from thread:join (and rejoins);
    an auditor reading the thread is not shown it."""
    harness, _media, thread, client, _freelancer = await setup_call(make_harness)
    idle = await client.call("thread:join", {"thread_id": thread["id"]})
    assert idle["ok"] and idle["call"] is None
    ack = await client.call("call:start", {"thread_id": thread["id"], "kind": "video"})
    call_id = ack["call"]["call_id"]
    reloaded = await harness.socket("f1", "freelancer")
    joined = await reloaded.call("thread:join", {"thread_id": thread["id"]})
    assert joined["call"]["call_id"] == call_id and joined["call"]["state"] == "ringing"
    auditor = await harness.socket("aud1", "auditor")
    read = await auditor.call("thread:join", {"thread_id": thread["id"]})
    assert read["ok"] and read["call"] is None
