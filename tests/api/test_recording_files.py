"""Derived recording files never replace an original: an H.264 call recorded through the real
app (real recorder, real background composite job), then checked byte for byte."""

from __future__ import annotations

import asyncio
import fractions
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import pytest

from media.stats import ParticipantStats, StreamStats
from recording.naming import composite_key
from signaling.api.context import CTX
from tests.api.conftest import Harness, HarnessFactory
from tests.api.fake_media import InMemoryMediaSession
from tests.api.test_socket import wait_for
from tests.recording.clips import h264_clip, opus_beep_clip

pytestmark = pytest.mark.slow

VIDEO_TB = fractions.Fraction(1, 90000)
AUDIO_TB = fractions.Fraction(1, 48000)


@dataclass
class TappedSession(InMemoryMediaSession):
    """The in-memory media port plus the packet-sink tap, publishing H.264 video."""

    sinks: list[Any] = field(default_factory=list)

    def add_sink(self, sink: Any) -> None:
        self.sinks.append(sink)

    def remove_sink(self, sink: Any) -> None:
        self.sinks.remove(sink)

    def stats(self) -> dict[str, Any]:
        return {
            p: ParticipantStats(
                p,
                "connected",
                None,
                None,
                None,
                (
                    StreamStats("video", "inbound", "video/H264"),
                    StreamStats("audio", "inbound", "audio/opus"),
                ),
            )
            for p in self.offers
        }

    async def publish(self, video: list[tuple[bytes, bool]], audio: list[bytes]) -> None:
        """Both parties' encoded frames, as the forwarding path hands them to its sinks."""
        events: list[tuple[float, str, str, bytes, int, bool]] = []
        for who in ("c1", "f1"):
            for i, (data, key) in enumerate(video):
                events.append((i / 30, who, "video", data, 1000 + i * 3000, key))
            for i, data in enumerate(audio):
                events.append((i * 0.02, who, "audio", data, 500 + i * 960, True))
        events.sort(key=lambda e: e[0])
        for n, (_, who, kind, data, pts, key) in enumerate(events):
            packet = av.Packet(data)
            packet.pts = pts
            packet.time_base = VIDEO_TB if kind == "video" else AUDIO_TB
            packet.is_keyframe = key
            for sink in list(self.sinks):
                sink.on_packet(who, kind, packet)
            if n % 20 == 0:
                await asyncio.sleep(0.005)


class TappedFactory:
    def __init__(self) -> None:
        self.sessions: dict[str, TappedSession] = {}

    def __call__(self, call_id: str, on_event: Any) -> TappedSession:
        session = TappedSession(call_id, on_event)
        self.sessions[call_id] = session
        return session


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def decoded_video_frames(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


async def test_h264_original_survives_compositing(
    make_harness: HarnessFactory, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the file path")
    video, audio = await asyncio.to_thread(h264_clip, 2.0), opus_beep_clip(2.0)
    media = TappedFactory()
    harness: Harness = await make_harness(media_factory=media, recording="optional")
    thread = await harness.thread()
    client = await harness.socket("c1", "client")
    freelancer = await harness.socket("f1", "freelancer")
    start = await client.call("call:start", {"thread_id": thread["id"], "kind": "video"})
    call_id = start["call"]["call_id"]
    await client.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 c"})
    await freelancer.call("call:accept", {"call_id": call_id})
    await freelancer.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 f"})
    for sio in (client, freelancer):
        assert (await sio.call("call:consent", {"call_id": call_id, "consent": True}))["ok"]
    session = media.sessions[call_id]
    await wait_for(lambda: bool(session.sinks))
    await session.publish(video, audio)
    assert (await client.call("call:hangup", {"call_id": call_id}))["ok"]

    auditor = harness.headers("a1", "auditor")

    async def listed() -> dict[str, Any]:
        resp = await harness.client.get("/api/audit/recordings", headers=auditor)
        assert resp.status == 200
        (item,) = (await resp.json())["recordings"]
        return dict(item)

    async with asyncio.timeout(60):
        item = await listed()
        while item["composite_url"] is None:
            await asyncio.sleep(0.2)
            item = await listed()
    root = harness.app[CTX].settings.recordings_dir
    key = item["key"]
    assert key == f"{call_id}-1.mkv"  # H.264 goes into Matroska
    # the composite is its own file; the original still has the bytes whose hash was logged
    assert item["composite_url"] == f"/api/recordings/{call_id}-1.composite.webm"
    assert await asyncio.to_thread(sha256, root / key) == item["sha256"]
    assert (await asyncio.to_thread((root / key).stat)).st_size == item["bytes"]
    assert await asyncio.to_thread(decoded_video_frames, root / key) > 0
    composite = root / composite_key(key)
    assert await asyncio.to_thread(decoded_video_frames, composite) > 0

    original = await harness.client.get(item["url"], headers=auditor)
    assert original.status == 200
    assert original.headers["Content-Type"] == "video/x-matroska"
    assert hashlib.sha256(await original.read()).hexdigest() == item["sha256"]
    rendered = await harness.client.get(item["composite_url"], headers=auditor)
    assert rendered.status == 200 and rendered.headers["Content-Type"] == "video/webm"


async def test_cli_composite_of_h264_keeps_the_original(tmp_path: Path) -> None:
    """`interview-server recordings composite` names the same file, and a second run keeps
    the stored composite instead of rendering over it."""
    import os
    import sys

    from recording.writer import CallRecorder, TrackSpec

    root = tmp_path / "recordings"
    call_id = "0b7f5c1e-0000-4000-8000-000000000001"
    path = root / f"{call_id}-1.mkv"
    recorder = CallRecorder(
        path,
        call_id=call_id,
        tracks=[TrackSpec("c1", "video", "h264"), TrackSpec("c1", "audio", "opus")],
    )
    await recorder.start()
    video = await asyncio.to_thread(h264_clip, 1.0)
    for i, (data, key) in enumerate(video):
        packet = av.Packet(data)
        packet.pts, packet.time_base, packet.is_keyframe = 1000 + i * 3000, VIDEO_TB, key
        recorder.on_packet("c1", "video", packet)
    result = await recorder.stop()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
    env["INTERVIEW_DATA_DIR"] = str(tmp_path)

    async def run() -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "signaling",
            "recordings",
            "composite",
            call_id,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        assert proc.returncode is not None
        return proc.returncode, out.decode(), err.decode()

    code, out, err = await run()
    assert code == 0, err
    assert out.strip().splitlines()[-1] == str(root / f"{call_id}-1.composite.webm")
    assert await asyncio.to_thread(sha256, path) == result.sha256
    first = await asyncio.to_thread(sha256, root / f"{call_id}-1.composite.webm")
    code, out, err = await run()  # rendered already: kept, not rendered over
    assert code == 0 and "already rendered" in err
    assert out.strip().splitlines()[-1] == str(root / f"{call_id}-1.composite.webm")
    assert await asyncio.to_thread(sha256, path) == result.sha256
    assert await asyncio.to_thread(sha256, root / f"{call_id}-1.composite.webm") == first
