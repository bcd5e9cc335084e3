"""Crash and chaos: two real server nodes on PostgreSQL + Redis, aiortc peers for the media
path and socket.io clients, while nodes are SIGKILLed and Redis is restarted.

After each: exactly one record per call within the documented time, no duplicate, a new call
in the same thread works, every acknowledged message is stored once with gap-free seq,
recordings are listed and hashed, and ``audit verify`` passes. The counts are printed at
the end of the run (tests/chaos/conftest.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import av
import pytest
import socketio
from sqlalchemy import select

from media.testing import encode_opus_clip, encode_vp8_clip
from signaling.store import schema as t
from signaling.store.sql import SqlStore, make_engine
from tests.api.test_call_media import Browser
from tests.chaos.conftest import ORPHAN_BOUND, SLACK, ChaosCounts, Cluster, Node

pytestmark = [pytest.mark.slow, pytest.mark.allow_blocking, pytest.mark.timeout(300)]

Clips = tuple[list[bytes], list[bytes]]


@pytest.fixture(scope="module")
def clips() -> Clips:
    return encode_vp8_clip(30, gop=15), encode_opus_clip(50)


class Chat:
    """Messages sent with a client_msg_id, retried until acknowledged (or given up on)."""

    def __init__(self) -> None:
        self.acked: dict[str, int] = {}  # client_msg_id -> seq in the ack

    async def send(self, sio: Any, thread_id: str, text: str, *, within: float = 30.0) -> bool:
        client_msg_id = uuid.uuid4().hex
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            try:
                ack = await sio.call(
                    "message:send",
                    {"thread_id": thread_id, "text": text, "client_msg_id": client_msg_id},
                    timeout=5,
                )
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                ack = None
            if ack and ack.get("ok"):
                self.acked[client_msg_id] = int(ack["message"]["seq"])
                return True
            if not sio.connected:
                return False
            await asyncio.sleep(0.2)
        return False


class Ledger:
    """Reads what the database holds (the source of truth) and counts it."""

    def __init__(self, cluster: Cluster, counts: ChaosCounts) -> None:
        url = cluster.database_url.replace("postgresql://", "postgresql+asyncpg://")
        self.store = SqlStore(make_engine(url))
        self.counts = counts
        self.calls: dict[str, str] = {}  # call id -> thread id

    async def close(self) -> None:
        await self.store.close()

    def started(self, call_id: str, thread_id: str) -> None:
        self.calls[call_id] = thread_id

    async def records_of(self, call_id: str) -> list[dict[str, Any]]:
        thread_id = self.calls[call_id]
        async with self.store.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(t.messages.c.body).where(
                        t.messages.c.thread_id == thread_id, t.messages.c.kind == "call"
                    )
                )
            ).all()
        bodies = [json.loads(r.body) for r in rows]
        return [b for b in bodies if b.get("call_id") == call_id]

    async def wait_record(self, call_id: str, within: float) -> float:
        """Seconds until the call's record exists (fails after ``within``)."""
        start = time.monotonic()
        async with asyncio.timeout(within):
            while not await self.records_of(call_id):  # noqa: ASYNC110 - another process writes
                await asyncio.sleep(0.1)
        return time.monotonic() - start

    async def settle(self, chat: Chat) -> None:
        """Count calls, records and messages; assert none is lost or doubled."""
        for call_id in self.calls:
            records = await self.records_of(call_id)
            self.counts.calls += 1
            self.counts.records += min(len(records), 1)
            self.counts.duplicates += max(len(records) - 1, 0)
            self.counts.lost += 0 if records else 1
            assert len(records) == 1, (call_id, records)
        for thread_id in set(self.calls.values()):
            messages = await self.store.list_messages(thread_id, after_seq=0, limit=100_000)
            seqs = [m.seq for m in messages]
            gaps = len(set(range(1, max(seqs, default=0) + 1)) - set(seqs))
            self.counts.seq_gaps += gaps
            assert gaps == 0 and len(seqs) == len(set(seqs)), seqs
        stored: Counter[str] = Counter()
        for thread_id in set(self.calls.values()):
            messages = await self.store.list_messages(thread_id, after_seq=0, limit=100_000)
            stored.update(m.client_msg_id for m in messages if m.client_msg_id)
        self.counts.messages_acked += len(chat.acked)
        for client_msg_id in chat.acked:
            n = stored.get(client_msg_id, 0)
            self.counts.messages_stored += min(n, 1)
            self.counts.message_duplicates += max(n - 1, 0)
            self.counts.messages_lost += 0 if n else 1
            assert n == 1, (client_msg_id, n)


@pytest.fixture
async def ledger(cluster: Cluster, counts: ChaosCounts) -> Any:
    led = Ledger(cluster, counts)
    yield led
    await led.close()


async def open_thread(cluster: Cluster, node: Node, job: str = "job-1") -> str:
    status, thread = await cluster.rest(
        node,
        "POST",
        "/api/threads",
        "c1",
        "client",
        {"job_id": job, "job_title": "Logo design", "freelancer_id": "f1"},
    )
    assert status in (200, 201), thread
    return str(thread["id"])


async def join(sio: Any, thread_id: str) -> None:
    ack = await sio.call("thread:join", {"thread_id": thread_id}, timeout=10)
    assert ack["ok"], ack


async def wait_until(predicate: Any, within: float) -> None:
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110 - state owned by aiortc's tasks
            await asyncio.sleep(0.05)


async def media_call(
    ledger: Ledger, caller: Any, callee: Any, thread_id: str, clips: Clips
) -> tuple[str, list[Browser]]:
    """A video call with media flowing both ways through the caller's node (its owner)."""
    video, audio = clips
    a, b = Browser(video, audio), Browser(video, audio)
    states: list[dict[str, Any]] = []
    caller.on("call:state", states.append)  # broadcast after the snapshot is stored
    ack = await caller.call("call:start", {"thread_id": thread_id, "kind": "video"}, timeout=10)
    assert ack["ok"], ack
    call_id = str(ack["call"]["call_id"])
    ledger.started(call_id, thread_id)
    await a.offer(caller, call_id)
    accepted = await callee.call("call:accept", {"call_id": call_id}, timeout=10)
    assert accepted["ok"], accepted
    await b.offer(callee, call_id)
    await wait_until(lambda: all(len(p.received["video"]) >= 10 for p in (a, b)), within=60)
    await wait_until(
        lambda: any(s["call_id"] == call_id and s["state"] == "connected" for s in states),
        within=30,
    )
    return call_id, [a, b]


async def close_peers(peers: list[Browser]) -> None:
    for peer in peers:
        await peer.pc.close()


async def new_call_works(ledger: Ledger, sio: Any, thread_id: str, counts: ChaosCounts) -> None:
    """A new call in the same thread starts (it was refused as call_in_progress), then ends."""
    ack: dict[str, Any] = {}
    # After a Redis restart a claim release may wait for the next renewal; never longer than
    # the documented bound.
    deadline = time.monotonic() + ORPHAN_BOUND + SLACK
    while time.monotonic() < deadline:
        ack = await sio.call("call:start", {"thread_id": thread_id, "kind": "audio"}, timeout=10)
        if ack.get("code") not in ("router_unavailable", "call_in_progress"):
            break
        await asyncio.sleep(0.25)
    assert ack.get("ok"), ack
    call_id = str(ack["call"]["call_id"])
    ledger.started(call_id, thread_id)
    counts.new_calls_after_crash += 1
    done = await sio.call("call:hangup", {"call_id": call_id}, timeout=10)
    assert done["ok"], done
    await ledger.wait_record(call_id, within=10)


def verify_audit(cluster: Cluster, data_dir: Path, counts: ChaosCounts) -> None:
    result = cluster.audit_verify(data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    counts.audit_verified += 1


async def test_sigkill_the_media_node_then_restart_with_the_same_id_then_a_new_id(
    cluster: Cluster, ledger: Ledger, counts: ChaosCounts, clips: Clips
) -> None:
    a = await cluster.node("node-a")
    b = await cluster.node("node-b")
    thread_id = await open_thread(cluster, a)
    client = await cluster.socket(a, "c1", "client")
    freelancer = await cluster.socket(b, "f1", "freelancer")
    for sio in (client, freelancer):
        await join(sio, thread_id)
    chat = Chat()
    assert await chat.send(client, thread_id, "hello from node A")
    assert await chat.send(freelancer, thread_id, "hello from node B")

    # 1. SIGKILL the node holding the call's media, mid-call; restart it with the same id.
    first, peers = await media_call(ledger, client, freelancer, thread_id, clips)
    await chat.send(freelancer, thread_id, "during the first call")
    killed = time.monotonic()
    a.kill()
    await close_peers(peers)
    # Chat goes on through the live node while A is down.
    client = await cluster.socket(b, "c1", "client")
    await join(client, thread_id)
    assert await chat.send(client, thread_id, "while node A is down")
    await a.start()  # same INTERVIEW_NODE_ID, same data dir
    await ledger.wait_record(first, within=ORPHAN_BOUND + SLACK)
    counts.orphan_seconds.append(time.monotonic() - killed)
    (record,) = await ledger.records_of(first)
    assert record["end_reason"] == "server_shutdown" and record["connected_at"]
    await new_call_works(ledger, freelancer, thread_id, counts)

    # 2. A call held by the restarted node; SIGKILL it and bring it back under a new id
    #    (a new container: new hostname, same volume). Node B closes the call once the
    #    dead node's lease expires.
    client = await cluster.socket(a, "c1", "client")
    await join(client, thread_id)
    second, peers = await media_call(ledger, client, freelancer, thread_id, clips)
    assert await chat.send(client, thread_id, "during the second call")
    killed = time.monotonic()
    a.kill()
    await close_peers(peers)
    renamed = await cluster.node("node-a-2", data_dir="node-a")
    await ledger.wait_record(second, within=ORPHAN_BOUND + SLACK)
    counts.orphan_seconds.append(time.monotonic() - killed)
    (record,) = await ledger.records_of(second)
    assert record["end_reason"] == "server_shutdown"
    await new_call_works(ledger, freelancer, thread_id, counts)
    client = await cluster.socket(renamed, "c1", "client")
    await join(client, thread_id)
    await new_call_works(ledger, client, thread_id, counts)
    assert await chat.send(client, thread_id, "after both crashes")

    await ledger.settle(chat)
    await asyncio.to_thread(verify_audit, cluster, b.data_dir, counts)


async def test_restart_redis_mid_call_and_mid_chat(
    cluster: Cluster, ledger: Ledger, counts: ChaosCounts, clips: Clips
) -> None:
    a = await cluster.node("node-a")
    b = await cluster.node("node-b")
    thread_id = await open_thread(cluster, a)
    client = await cluster.socket(a, "c1", "client")
    freelancer = await cluster.socket(b, "f1", "freelancer")
    for sio in (client, freelancer):
        await join(sio, thread_id)
    call_id, peers = await media_call(ledger, client, freelancer, thread_id, clips)

    chat = Chat()
    stop = asyncio.Event()

    async def talk(sio: Any, who: str) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            await chat.send(sio, thread_id, f"{who} says {n}", within=20)
            await asyncio.sleep(0.05)

    talkers = [asyncio.create_task(talk(client, "c1")), asyncio.create_task(talk(freelancer, "f1"))]
    await wait_until(lambda: len(chat.acked) >= 10, within=30)
    cluster.redis.kill()  # every key is gone: claims, call owners, rate buckets
    down = len(chat.acked)
    await asyncio.sleep(1.5)
    before = len(chat.acked)
    counts.messages_during_redis_outage += before - down
    cluster.redis.start()
    await wait_until(lambda: len(chat.acked) >= before + 20, within=60)
    stop.set()
    await asyncio.gather(*talkers)
    # Media kept flowing through node A; signaling from node B reaches it again.
    received = len(peers[1].received["video"])
    await wait_until(lambda: len(peers[1].received["video"]) > received + 10, within=30)
    ended: dict[str, Any] = {}
    for _ in range(40):
        ended = await freelancer.call("call:hangup", {"call_id": call_id}, timeout=10)
        if ended.get("ok"):
            break
        await asyncio.sleep(0.5)
    assert ended.get("ok"), ended
    await close_peers(peers)
    await ledger.wait_record(call_id, within=30)
    (record,) = await ledger.records_of(call_id)
    assert record["end_reason"] == "hangup"
    await new_call_works(ledger, client, thread_id, counts)
    await new_call_works(ledger, freelancer, thread_id, counts)

    await ledger.settle(chat)
    await asyncio.to_thread(verify_audit, cluster, a.data_dir, counts)


def probe(path: Path) -> tuple[float | None, dict[str, int], dict[str, int]]:
    """Duration as a player sees it, decodable and undecodable frames per video track.

    A player skips a frame it cannot decode and goes on; so does this probe. The media went
    through a real, loaded network path, where a frame can arrive damaged: such frames are
    counted (and printed in the suite's summary), not hidden.
    """
    frames: dict[str, int] = {}
    damaged: dict[str, int] = {}
    with av.open(str(path)) as container:
        duration = None if container.duration is None else container.duration / 1_000_000
        for stream in container.streams.video:
            title = str(stream.metadata.get("title"))
            frames[title] = damaged[title] = 0
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue
                try:
                    frames[title] += len(packet.decode())
                except av.error.InvalidDataError:
                    damaged[title] += 1
            container.seek(0)
    return duration, frames, damaged


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_sigkill_during_a_recording(
    cluster: Cluster, ledger: Ledger, counts: ChaosCounts, clips: Clips
) -> None:
    a = await cluster.node("node-a")
    b = await cluster.node("node-b")
    thread_id = await open_thread(cluster, a)
    client = await cluster.socket(a, "c1", "client")
    freelancer = await cluster.socket(b, "f1", "freelancer")
    for sio in (client, freelancer):
        await join(sio, thread_id)
    call_id, peers = await media_call(ledger, client, freelancer, thread_id, clips)
    for sio in (client, freelancer):
        ack = await sio.call("call:consent", {"call_id": call_id, "consent": True}, timeout=10)
        assert ack["ok"], ack
    assert ack["call"]["recording"]["status"] == "recording"
    recordings = a.data_dir / "recordings"
    # Let a few clusters reach the disk (the writer flushes one per second).
    await wait_until(
        lambda: any(p.stat().st_size > 200_000 for p in recordings.glob(f"{call_id}-*")),
        within=60,
    )
    a.kill()
    await close_peers(peers)
    (path,) = [p for p in recordings.glob(f"{call_id}-*") if not p.name.startswith(".")]
    await a.start()  # the start-up sweep finishes the file and attaches it
    await ledger.wait_record(call_id, within=ORPHAN_BOUND + SLACK)
    counts.recordings += 1

    listed: list[dict[str, Any]] = []
    async with asyncio.timeout(30):
        while not listed:
            status, body = await cluster.rest(b, "GET", "/api/audit/recordings", "au1", "auditor")
            assert status == 200, body
            listed = [r for r in body["recordings"] if r["call_id"] == call_id]
            await asyncio.sleep(0.2)
    (item,) = listed
    assert item["key"] == path.name
    counts.recordings_listed += 1
    digest = await asyncio.to_thread(sha256, path)
    assert item["sha256"] == digest
    counts.recordings_hashed += 1
    duration, frames, damaged = await asyncio.to_thread(probe, path)
    counts.recorded_frames += sum(frames.values())
    counts.damaged_frames += sum(damaged.values())
    assert duration is not None and duration > 1.0
    assert frames and all(n > 10 for n in frames.values()), frames
    # At most one frame in twenty damaged in transit, per track.
    assert all(damaged[t] * 20 <= frames[t] for t in frames), (frames, damaged)
    (record,) = await ledger.records_of(call_id)
    assert record["end_reason"] == "server_shutdown"

    client = await cluster.socket(a, "c1", "client")
    await join(client, thread_id)
    await new_call_works(ledger, client, thread_id, counts)
    chat = Chat()
    assert await chat.send(client, thread_id, "after the recorded crash")
    await ledger.settle(chat)
    await asyncio.to_thread(verify_audit, cluster, a.data_dir, counts)
