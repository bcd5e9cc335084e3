"""A recording cut by SIGKILL is finished, hashed and attached to its call at start-up.

The recording is written by the real remux writer in a subprocess that is SIGKILLed mid-call
(the pattern of test_writer's SIGKILL test); the call lives in a real store (SQLite and
PostgreSQL). The sweep's output is reopened with PyAV and ffprobe.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import av
import pytest

from recording.recovery import finish_cut_recording, is_unfinished, recover_cut_recordings
from signaling.api.recordings import recordings_of
from signaling.calls import CallService
from signaling.domain.calls import Call, CallKind
from signaling.domain.messages import MessageKind
from signaling.ratelimit import InMemoryRateLimiter
from signaling.routing import InMemoryCallRouter
from signaling.service import NullNotifier, ThreadService
from signaling.store.leases import SqlNodeLeases
from signaling.store.sql import SqlStore
from tests.recording.test_writer import KILL_SCRIPT, ROOT


def record_and_kill(target: Path) -> None:
    """Five seconds of two parties' media into ``target``, then SIGKILL (no trailer)."""
    script = textwrap.dedent(KILL_SCRIPT).format(root=str(ROOT), target=str(target))
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="module")
def cut_recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One killed recording per module (copied per test)."""
    path = tmp_path_factory.mktemp("cut") / "cut.webm"
    record_and_kill(path)
    return path


def probe(path: Path) -> dict[str, Any]:
    """What a player sees: ffprobe's duration, and frames PyAV decodes per track."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    decoded: dict[str, int] = {}
    with av.open(str(path)) as container:
        duration = container.duration
        for stream in container.streams:
            decoded[str(stream.metadata.get("title"))] = 0
        for packet in container.demux():
            if packet.size:
                title = str(packet.stream.metadata.get("title"))
                decoded[title] += len(packet.decode())
    return {
        "ffprobe_duration": json.loads(out.stdout)["format"].get("duration"),
        "duration": duration,
        "decoded": decoded,
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
@pytest.mark.allow_blocking
def test_finishing_a_cut_file_gives_duration_index_and_every_complete_frame(
    cut_recording: Path, tmp_path: Path
) -> None:
    path = tmp_path / "x-1.webm"
    shutil.copy(cut_recording, path)
    before = probe(path)
    assert before["duration"] is None and before["ffprobe_duration"] in (None, "N/A")
    assert is_unfinished(path)

    facts = finish_cut_recording(path)

    after = probe(path)
    assert not is_unfinished(path)
    assert after["duration"] is not None and float(after["ffprobe_duration"]) > 2.0
    assert float(after["ffprobe_duration"]) == pytest.approx(facts["duration_seconds"], abs=0.1)
    # A remux: the same frames as the cut file (nothing decoded and encoded again).
    assert after["decoded"] == before["decoded"]
    assert after["decoded"]["c1 video"] > 60 and after["decoded"]["f1 audio"] > 100
    assert facts["sha256"] == sha256(path) and facts["bytes"] == path.stat().st_size
    counts = {f"{t['participant_id']} {t['kind']}": t["packets"] for t in facts["tracks"]}
    assert counts["c1 video"] == after["decoded"]["c1 video"]
    assert counts["f1 video"] == 0  # the camera that was off stays an empty track
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


async def _call(store: SqlStore, node_id: str) -> tuple[Call, str]:
    thread, _ = await store.create_thread(
        job_id="job-1", job_title="A job", client_id="c1", freelancer_id="f1", actor_id="c1"
    )
    now = datetime.now(UTC) - timedelta(seconds=30)
    call, event = Call.start(
        call_id=str(uuid.uuid4()),
        thread_id=thread.id,
        kind=CallKind.VIDEO,
        initiator_id="c1",
        callee_id="f1",
        now=now,
    )
    await store.save_call(call, event=event, node_id=node_id)
    call, event = call.accept("f1", now + timedelta(seconds=2))
    await store.save_call(call, event=event, node_id=node_id)
    call, _ = call.give_consent("c1", now + timedelta(seconds=3), notice_version="2026-11")
    call, _ = call.give_consent("f1", now + timedelta(seconds=3), notice_version="2026-11")
    call, event = call.recording_started(now + timedelta(seconds=3))
    await store.save_call(call, event=event, node_id=node_id)
    return call, thread.id


def _service(store: SqlStore, node_id: str) -> CallService:
    return CallService(
        store,
        ThreadService(store, NullNotifier(), InMemoryRateLimiter(600, 100)),
        NullNotifier(),
        None,
        router=InMemoryCallRouter(node_id),
        leases=SqlNodeLeases(store),
    )


async def _attach(store: SqlStore) -> Any:
    async def attach(call_id: str, segment: dict[str, Any]) -> bool:
        return await store.add_recording_segment(call_id, segment) is not None

    return attach


@pytest.mark.slow
async def test_a_recording_cut_by_sigkill_is_finished_hashed_and_on_the_record(
    store: SqlStore, cut_recording: Path, tmp_path: Path
) -> None:
    call, thread_id = await _call(store, "node-a")
    root = tmp_path / "recordings"
    await asyncio.to_thread(root.mkdir)
    key = f"{call.id}-1.webm"
    await asyncio.to_thread(shutil.copy, cut_recording, root / key)
    # Files that are not originals are left alone.
    await asyncio.to_thread((root / f".{call.id}-2.webm.partial").write_bytes, b"x")

    # Start-up after the crash: the sweep first, then the open call is closed.
    attached = await recover_cut_recordings(root, store.get_call, await _attach(store))
    assert [s["key"] for s in attached] == [key]
    node = _service(store, "node-a")
    await node.start_lease()
    assert await node.recover() == 1

    digest = await asyncio.to_thread(sha256, root / key)
    messages = await store.list_messages(thread_id, after_seq=0, limit=100)
    (record,) = [m.body for m in messages if m.kind is MessageKind.CALL]
    (segment,) = record["recording"]["segments"]
    assert segment["key"] == key and segment["sha256"] == digest and segment["recovered"]
    assert record["recording"]["status"] == "stopped"
    (notice,) = [m.body for m in messages if m.kind is MessageKind.RECORDING]
    assert notice["sha256"] == digest and notice["key"] == key
    listed = await recordings_of(store, thread_id=thread_id)
    assert [(r["key"], r["sha256"]) for r in listed] == [(key, digest)]
    entries = await store.audit_entries(thread_id)
    recovered = [e for e in entries if e.event_type == "call.recording_recovered"]
    assert len(recovered) == 1 and json.loads(recovered[0].entry)["data"]["sha256"] == digest
    assert (await store.verify_chain(thread_id)).ok

    seen = await asyncio.to_thread(probe, root / key)
    assert float(seen["ffprobe_duration"]) == pytest.approx(segment["duration_seconds"], abs=0.1)
    assert seen["decoded"]["c1 video"] > 60 and seen["decoded"]["c1 audio"] > 100

    # A second start-up finds nothing new to do.
    assert await recover_cut_recordings(root, store.get_call, await _attach(store)) == []


@pytest.mark.slow
async def test_a_recording_found_after_its_call_was_closed_is_added_to_the_record(
    store: SqlStore, cut_recording: Path, tmp_path: Path
) -> None:
    call, thread_id = await _call(store, "dead-node")
    # Another node closed the call first (the dead node's lease expired).
    closer = _service(store, "node-b")
    await closer.start_lease()
    assert await closer.recover() == 1
    root = tmp_path / "recordings"
    await asyncio.to_thread(root.mkdir)
    key = f"{call.id}-1.webm"
    await asyncio.to_thread(shutil.copy, cut_recording, root / key)

    attached = await recover_cut_recordings(root, store.get_call, await _attach(store))
    assert [s["key"] for s in attached] == [key]
    digest = await asyncio.to_thread(sha256, root / key)
    listed = await recordings_of(store, thread_id=thread_id)
    assert [(r["key"], r["sha256"]) for r in listed] == [(key, digest)]
    messages = await store.list_messages(thread_id, after_seq=0, limit=100)
    assert len([m for m in messages if m.kind is MessageKind.CALL]) == 1  # still one record
    assert (await store.verify_chain(thread_id)).ok
