"""The remux writer: fed encoded packets the way the media path does, reopened with PyAV."""

from __future__ import annotations

import array
import asyncio
import fractions
import itertools
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import av
import pytest

from recording.retention import sweep
from recording.storage import LocalDiskStorage
from recording.writer import CallRecorder, TrackSpec, vp8_dimensions
from tests.recording.clips import FLASHES, FPS, SR, opus_beep_clip, vp8_flash_clip

VIDEO_TB = fractions.Fraction(1, 90000)
AUDIO_TB = fractions.Fraction(1, 48000)


@pytest.fixture(scope="module")
def clip() -> tuple[list[tuple[bytes, bool]], list[bytes]]:
    return vp8_flash_clip(3.0), opus_beep_clip(3.0)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def packet(data: bytes, pts: int, tb: fractions.Fraction, key: bool) -> av.Packet[Any]:
    p = av.Packet(data)
    p.pts = pts
    p.time_base = tb
    p.is_keyframe = key
    return p


async def feed(
    recorder: CallRecorder,
    clock: FakeClock,
    clip: tuple[list[tuple[bytes, bool]], list[bytes]],
    participants: tuple[str, ...] = ("c1", "f1"),
    *,
    video_rtp0: int = 1234,
    audio_rtp0: int = 777,
    skip_audio: range | None = None,
) -> None:
    """Interleave both participants' audio and video in arrival order, as the media path does."""
    video, audio = clip
    events: list[tuple[float, str, str, Any]] = []
    for i, (data, key) in enumerate(video):
        for p in participants:
            events.append((i / FPS, p, "video", (data, video_rtp0 + i * 3000, key)))
    for i, data in enumerate(audio):
        if skip_audio is not None and i in skip_audio:
            continue
        for p in participants:
            events.append((i * 0.02, p, "audio", (data, audio_rtp0 + i * 960, True)))
    events.sort(key=lambda e: e[0])
    start = clock.now
    for at, who, kind, (data, rtp, key) in events:
        clock.now = start + at
        tb = VIDEO_TB if kind == "video" else AUDIO_TB
        recorder.on_packet(who, kind, packet(data, rtp % (1 << 32), tb, key))  # type: ignore[arg-type]


def tracks(kinds: tuple[str, ...] = ("audio", "video")) -> list[TrackSpec]:
    out = []
    for p in ("c1", "f1"):
        for k in kinds:
            out.append(TrackSpec(p, k, "opus" if k == "audio" else "vp8"))  # type: ignore[arg-type]
    return out


def probe(path: Path) -> list[dict[str, Any]]:
    with av.open(str(path)) as container:
        out = []
        for s in container.streams:
            last = 0.0
            for pkt in container.demux(s):
                if pkt.pts is not None:
                    last = max(last, float(pkt.pts * pkt.time_base))
            container.seek(0)
            out.append(
                {
                    "type": s.type,
                    "codec": s.codec_context.name,
                    "end": last,
                    "title": s.metadata.get("title", ""),
                    "width": getattr(s.codec_context, "width", None),
                }
            )
        return out


async def test_remux_has_every_track_codec_and_duration(
    tmp_path: Path, clip: tuple[list[tuple[bytes, bool]], list[bytes]]
) -> None:
    clock = FakeClock()
    rec = CallRecorder(tmp_path / "call.webm", call_id="k1", tracks=tracks(), clock=clock)
    await rec.start()
    await feed(rec, clock, clip)
    result = await rec.stop()
    streams = await asyncio.to_thread(probe, tmp_path / "call.webm")
    assert sorted((s["type"], s["codec"]) for s in streams) == [
        ("audio", "opus"),
        ("audio", "opus"),
        ("video", "vp8"),
        ("video", "vp8"),
    ]
    for s in streams:
        assert abs(s["end"] - 3.0) < 0.5, s
        if s["type"] == "video":
            assert s["width"] == 320  # taken from the VP8 keyframe header, not a default
    size = (await asyncio.to_thread((tmp_path / "call.webm").stat)).st_size
    assert result["sha256"] and result["bytes"] == size
    assert {t["packets"] > 0 for t in result["tracks"]} == {True}
    assert result["dropped_packets"] == 0


def seconds(pts: int | None, time_base: fractions.Fraction | None) -> float:
    return float((pts or 0) * (time_base or 0))


def flash_and_beep_times(path: Path, who: str) -> tuple[list[float], list[float]]:
    with av.open(str(path)) as container:
        video = next(s for s in container.streams.video if who in s.metadata.get("title", ""))
        flashes = []
        for frame in container.decode(video):
            plane = frame.planes[0]
            sample = bytes(plane)[: plane.line_size * 8]
            if sum(sample) / len(sample) > 150:
                flashes.append(seconds(frame.pts, frame.time_base))
    with av.open(str(path)) as container:
        audio = next(s for s in container.streams.audio if who in s.metadata.get("title", ""))
        beeps: list[float] = []
        was_loud = False
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SR)
        for decoded in container.decode(audio):
            start = seconds(decoded.pts, decoded.time_base)
            for chunk in resampler.resample(decoded):
                pcm = array.array("h", bytes(chunk.planes[0])[: chunk.samples * 2])
                loud = max((abs(v) for v in pcm), default=0) > 2000
                if loud and not was_loud:
                    beeps.append(start)
                was_loud = loud
    return flashes, beeps


async def test_audio_and_video_stay_in_sync(
    tmp_path: Path, clip: tuple[list[tuple[bytes, bool]], list[bytes]]
) -> None:
    clock = FakeClock()
    rec = CallRecorder(tmp_path / "sync.webm", call_id="k2", tracks=tracks(), clock=clock)
    await rec.start()
    await feed(rec, clock, clip, video_rtp0=90_000 * 7, audio_rtp0=48_000 * 3)
    await rec.stop()
    for who in ("c1", "f1"):
        flashes, beeps = await asyncio.to_thread(flash_and_beep_times, tmp_path / "sync.webm", who)
        assert len(flashes) == len(FLASHES) and len(beeps) == len(FLASHES), (flashes, beeps)
        for f, b in zip(flashes, beeps, strict=True):
            assert abs(f - b) <= 0.080, (who, flashes, beeps)


def audio_stamps(path: Path) -> list[float]:
    with av.open(str(path)) as container:
        return [
            float(p.pts * p.time_base)
            for p in container.demux(container.streams.audio[0])
            if p.pts is not None
        ]


async def test_a_gap_stays_a_gap(
    tmp_path: Path, clip: tuple[list[tuple[bytes, bool]], list[bytes]]
) -> None:
    clock = FakeClock()
    rec = CallRecorder(tmp_path / "gap.webm", call_id="k3", tracks=tracks(("audio",)), clock=clock)
    await rec.start()
    await feed(rec, clock, ([], clip[1]), skip_audio=range(50, 100))  # 1.0 s .. 2.0 s muted
    await rec.stop()
    with av.open(str(tmp_path / "gap.webm")) as container:
        stamps = [
            float(p.pts * p.time_base)
            for p in container.demux(container.streams.audio[0])
            if p.pts is not None
        ]
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert max(gaps) == pytest.approx(1.02, abs=0.03)
    assert stamps[-1] == pytest.approx(2.98, abs=0.05)  # later media was not shifted earlier


async def test_rtp_wraparound(
    tmp_path: Path, clip: tuple[list[tuple[bytes, bool]], list[bytes]]
) -> None:
    clock = FakeClock()
    rec = CallRecorder(tmp_path / "wrap.webm", call_id="k4", tracks=tracks(), clock=clock)
    await rec.start()
    await feed(rec, clock, clip, video_rtp0=(1 << 32) - 90_000, audio_rtp0=(1 << 32) - 48_000)
    await rec.stop()
    for s in await asyncio.to_thread(probe, tmp_path / "wrap.webm"):
        assert abs(s["end"] - 3.0) < 0.5, s


async def test_overflow_drops_instead_of_blocking(tmp_path: Path) -> None:
    rec = CallRecorder(tmp_path / "o.webm", call_id="k5", tracks=tracks(("audio",)), queue_size=5)
    rec._started = time.monotonic()  # accept packets without a running muxer thread
    for i in range(50):
        rec.on_packet("c1", "audio", packet(b"\xfc\xff\xfe", i * 960, AUDIO_TB, True))
    assert rec.dropped == 45


def test_vp8_dimensions() -> None:
    key, is_key = vp8_flash_clip(0.1)[0]
    assert is_key and vp8_dimensions(key) == (320, 240)
    assert vp8_dimensions(b"\x01" * 20) is None


@pytest.mark.slow
@pytest.mark.allow_blocking
def test_sigkill_mid_call_leaves_a_playable_file(tmp_path: Path) -> None:
    target = tmp_path / "killed.webm"
    script = textwrap.dedent(
        f"""
        import asyncio, fractions, sys, time
        sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})
        import av
        from recording.writer import CallRecorder, TrackSpec
        from tests.recording.clips import vp8_flash_clip
        clip = vp8_flash_clip(2.0)
        async def main():
            rec = CallRecorder(__import__("pathlib").Path({str(target)!r}), call_id="k",
                               tracks=[TrackSpec("c1", "video", "vp8")])
            await rec.start()
            i = 0
            while True:
                data, key = clip[i % len(clip)]
                p = av.Packet(data); p.pts = i * 3000; p.time_base = fractions.Fraction(1, 90000)
                p.is_keyframe = key and i % len(clip) == 0
                rec.on_packet("c1", "video", p)
                if i == 30 * 4:
                    print("ready", flush=True)
                i += 1
                await asyncio.sleep(1 / 30)
        asyncio.run(main())
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"  # about 4 s recorded
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    frames = 0
    last = 0.0
    with av.open(str(target)) as container:
        for frame in container.decode(video=0):
            frames += 1
            last = seconds(frame.pts, frame.time_base)
    assert frames > 60 and last > 2.0  # plays up to the last second or so


@pytest.mark.allow_blocking
def test_retention_deletes_and_legal_hold_keeps(tmp_path: Path) -> None:
    storage = LocalDiskStorage(tmp_path)
    now = datetime.now(UTC)
    for name, age in (("old.webm", 100), ("held.webm", 100), ("new.webm", 1)):
        path = tmp_path / name
        path.write_bytes(b"x")
        stamp = (now - timedelta(days=age)).timestamp()
        os.utime(path, (stamp, stamp))
    deleted = sweep(storage, retention_days=90, now=now, held=lambda key: key == "held.webm")
    assert deleted == ["old.webm"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["held.webm", "new.webm"]
