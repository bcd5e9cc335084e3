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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import pytest

from recording.writer import CallRecorder, Kind, RecordingResult, TrackSpec, vp8_dimensions
from signaling.errors import RecordingError
from tests.recording.clips import FLASHES, FPS, SR, Clip, VideoClip, vp8_flash_clip

VIDEO_TB = fractions.Fraction(1, 90000)
AUDIO_TB = fractions.Fraction(1, 48000)
ROOT = Path(__file__).resolve().parents[2]


class FakeClock:
    """The recorder's monotonic clock, moved by the feeder as packets 'arrive'."""

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


@dataclass(frozen=True)
class Source:
    """One participant's media as the media path would see it arrive."""

    who: str
    video_rtp0: int = 1234
    audio_rtp0: int = 777
    joins_at: float = 0.0  # seconds after the recording started
    video_delay: float = 0.0  # extra arrival latency of video (jitter buffer)
    first_video_frame: int = 0  # join mid-GOP: the recorder must wait for a keyframe
    skip_audio: range = range(0)
    skip_video: range = range(0)
    video: bool = True
    audio: bool = True


async def feed(recorder: CallRecorder, clock: FakeClock, clip: Clip, *sources: Source) -> None:
    """Interleave every source's packets in arrival order and hand them to ``on_packet``."""
    video, audio = clip
    events: list[tuple[float, str, Kind, bytes, int, bool]] = []
    for s in sources:
        if s.video:
            for i, (data, key) in enumerate(video):
                if i < s.first_video_frame or i in s.skip_video:
                    continue
                at = s.joins_at + i / FPS + s.video_delay
                events.append((at, s.who, "video", data, s.video_rtp0 + i * 3000, key))
        if s.audio:
            for i, data in enumerate(audio):
                if i not in s.skip_audio:
                    at = s.joins_at + i * 0.02
                    events.append((at, s.who, "audio", data, s.audio_rtp0 + i * 960, True))
    events.sort(key=lambda e: e[0])
    start = clock.now
    for n, (at, who, kind, data, rtp, key) in enumerate(events):
        clock.now = start + at
        tb = VIDEO_TB if kind == "video" else AUDIO_TB
        recorder.on_packet(who, kind, packet(data, rtp % (1 << 32), tb, key))
        if n % 50 == 0:
            await asyncio.sleep(0)  # as on the loop: let the queue drain now and then


def tracks(*who: str, kinds: tuple[Kind, ...] = ("audio", "video")) -> list[TrackSpec]:
    return [
        TrackSpec(p, k, "opus" if k == "audio" else "vp8")
        for p in who or ("c1", "f1")
        for k in kinds
    ]


async def record(
    path: Path, clip: Clip, specs: list[TrackSpec], *sources: Source, **kwargs: Any
) -> RecordingResult:
    clock = FakeClock()
    rec = CallRecorder(path, call_id="call-1", tracks=specs, clock=clock, **kwargs)
    await rec.start()
    await feed(rec, clock, clip, *sources)
    return await rec.stop()


@dataclass(frozen=True)
class Probed:
    title: str
    type: str
    codec: str
    start: float
    end: float
    packets: int
    width: int | None


def probe(path: Path) -> dict[str, Probed]:
    """Each track of the file by title, with its first/last timestamp (seconds)."""
    out = {}
    with av.open(str(path)) as container:
        for s in container.streams:
            stamps = [
                float(p.pts * p.time_base)
                for p in container.demux(s)
                if p.pts is not None and p.time_base is not None
            ]
            container.seek(0)
            title = s.metadata.get("title", "")
            out[title] = Probed(
                title,
                s.type,
                s.codec_context.name,
                min(stamps, default=-1.0),
                max(stamps, default=-1.0),
                len(stamps),
                getattr(s.codec_context, "width", None),
            )
    return out


async def test_remux_has_every_track_codec_and_duration(tmp_path: Path, clip: Clip) -> None:
    path = tmp_path / "call.webm"
    result = await record(path, clip, tracks(), Source("c1"), Source("f1"))
    streams = await asyncio.to_thread(probe, path)
    assert {(t, s.type, s.codec) for t, s in streams.items()} == {
        ("c1 audio", "audio", "opus"),
        ("c1 video", "video", "vp8"),
        ("f1 audio", "audio", "opus"),
        ("f1 video", "video", "vp8"),
    }
    for s in streams.values():
        assert abs(s.end - 3.0) < 0.5, s
        if s.type == "video":
            assert s.width == 320  # taken from the VP8 keyframe header, not a default
    size = (await asyncio.to_thread(path.stat)).st_size
    assert result.bytes == size and len(result.sha256) == 64
    assert abs(result.duration_seconds - 3.0) < 0.5
    assert result.packet_counts == {
        "c1/audio": len(clip[1]),
        "c1/video": len(clip[0]),
        "f1/audio": len(clip[1]),
        "f1/video": len(clip[0]),
    }
    assert result.dropped_packets == 0
    record_ = result.to_record()
    assert record_["key"] == "call.webm" and record_["sha256"] == result.sha256


def seconds(pts: int | None, time_base: fractions.Fraction | None) -> float:
    return float((pts or 0) * (time_base or 0))


def flash_and_beep_times(path: Path, who: str) -> tuple[list[float], list[float]]:
    """Decode one participant's tracks: when the picture turns white, when a beep starts."""
    with av.open(str(path)) as container:
        video = next(
            s for s in container.streams.video if s.metadata.get("title", "") == f"{who} video"
        )
        flashes = []
        for frame in container.decode(video):
            plane = frame.planes[0]
            sample = bytes(plane)[: plane.line_size * 8]
            if sum(sample) / len(sample) > 150:
                flashes.append(seconds(frame.pts, frame.time_base))
    with av.open(str(path)) as container:
        audio = next(
            s for s in container.streams.audio if s.metadata.get("title", "") == f"{who} audio"
        )
        beeps: list[float] = []
        was_loud = False
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SR)
        for decoded in container.decode(audio):
            start = seconds(decoded.pts, decoded.time_base)
            for chunk in resampler.resample(decoded):
                pcm = array.array("h", bytes(chunk.planes[0])[: chunk.samples * 2])
                loud_at = next((n for n, v in enumerate(pcm) if abs(v) > 2000), None)
                if loud_at is not None and not was_loud:
                    beeps.append(start + loud_at / SR)
                was_loud = loud_at is not None
    return flashes, beeps


async def test_flash_and_beep_stay_in_sync(tmp_path: Path, clip: Clip) -> None:
    """Different RTP bases, a later joiner, video late by a jitter buffer frame and joining
    mid-GOP: each participant's flash and beep still land within 80 ms of each other."""
    path = tmp_path / "sync.webm"
    await record(
        path,
        clip,
        tracks(),
        Source("c1", video_rtp0=90_000 * 7, audio_rtp0=48_000 * 3, video_delay=0.033),
        Source("f1", video_rtp0=5, audio_rtp0=(1 << 32) - 20_000, joins_at=0.4),
    )
    for who, joined in (("c1", 0.0), ("f1", 0.4)):
        flashes, beeps = await asyncio.to_thread(flash_and_beep_times, path, who)
        assert len(flashes) == len(FLASHES) and len(beeps) == len(FLASHES), (flashes, beeps)
        for expected, f, b in zip(FLASHES, flashes, beeps, strict=True):
            assert abs(f - b) <= 0.080, (who, flashes, beeps)
            assert abs(b - (joined + expected)) <= 0.080, (who, beeps)  # a late joiner is later


async def test_video_waits_for_a_keyframe_without_losing_sync(tmp_path: Path, clip: Clip) -> None:
    path = tmp_path / "midgop.webm"
    result = await record(path, clip, tracks("c1"), Source("c1", first_video_frame=5))
    (video,) = (t for t in result.tracks if t.kind == "video")
    assert video.discarded == 10  # frames 5..14 precede the keyframe at frame 15
    assert video.start_seconds == pytest.approx(0.5, abs=0.002)
    flashes, beeps = await asyncio.to_thread(flash_and_beep_times, path, "c1")
    # Exact but for Opus's 6.5 ms look-ahead, which WebRTC leaves in the stream too.
    assert [abs(f - b) < 0.010 for f, b in zip(flashes, beeps, strict=True)] == [True, True]


async def test_a_gap_stays_a_gap(tmp_path: Path, clip: Clip) -> None:
    path = tmp_path / "gap.webm"
    await record(
        path,
        clip,
        tracks("c1"),
        Source("c1", skip_audio=range(50, 100), skip_video=range(45, 75)),  # 1..2 s muted
    )

    def stamps(kind: str) -> list[float]:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0] if kind == "audio" else container.streams.video[0]
            return [
                seconds(p.pts, p.time_base) for p in container.demux(stream) if p.pts is not None
            ]

    audio = await asyncio.to_thread(stamps, "audio")
    gaps = [b - a for a, b in itertools.pairwise(audio)]
    assert max(gaps) == pytest.approx(1.02, abs=0.005)
    assert audio[-1] == pytest.approx(2.98, abs=0.005)  # later media was not shifted earlier
    video = await asyncio.to_thread(stamps, "video")
    assert max(b - a for a, b in itertools.pairwise(video)) == pytest.approx(1.033, abs=0.005)
    assert video[-1] == pytest.approx(89 / 30, abs=0.005)


async def test_rtp_wraparound(tmp_path: Path, clip: Clip) -> None:
    path = tmp_path / "wrap.webm"
    await record(
        path,
        clip,
        tracks("c1"),
        Source("c1", video_rtp0=(1 << 32) - 90_000, audio_rtp0=(1 << 32) - 48_000),
    )
    streams = await asyncio.to_thread(probe, path)
    assert streams["c1 video"].packets == len(clip[0])
    assert streams["c1 audio"].packets == len(clip[1])
    for s in streams.values():
        assert s.start < 0.05 and abs(s.end - 3.0) < 0.05, s


async def test_a_track_without_media_still_leaves_a_playable_file(
    tmp_path: Path, clip: Clip
) -> None:
    path = tmp_path / "camera-off.webm"
    result = await record(path, clip, tracks(), Source("c1"), Source("f1", video=False))
    streams = await asyncio.to_thread(probe, path)
    assert streams["f1 video"].packets == 0 and streams["f1 audio"].packets == len(clip[1])
    assert streams["c1 video"].packets == len(clip[0])
    assert result.packet_counts["f1/video"] == 0


async def test_no_media_at_all_gives_an_empty_but_valid_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.webm"
    rec = CallRecorder(path, call_id="call-1", tracks=tracks())
    await rec.start()
    result = await rec.stop()
    assert result.duration_seconds == 0 and result.bytes > 0

    def titles() -> list[str]:
        with av.open(str(path)) as container:
            return [s.metadata.get("title", "") for s in container.streams]

    assert await asyncio.to_thread(titles) == ["c1 audio", "c1 video", "f1 audio", "f1 video"]
    assert await rec.stop() is result  # idempotent


async def test_undeclared_tracks_and_packets_before_start_are_ignored(
    tmp_path: Path, clip: Clip
) -> None:
    rec = CallRecorder(tmp_path / "x.webm", call_id="call-1", tracks=tracks("c1"))
    rec.on_packet("c1", "audio", packet(clip[1][0], 0, AUDIO_TB, True))  # before start
    await rec.start()
    rec.on_packet("intruder", "audio", packet(clip[1][0], 0, AUDIO_TB, True))
    result = await rec.stop()
    assert rec.unknown == 1 and result.packet_counts["c1/audio"] == 0


async def test_overflow_drops_and_never_blocks(tmp_path: Path, clip: Clip) -> None:
    """The loop pushes far faster than the queue holds: it drops, counts and carries on."""
    rec = CallRecorder(tmp_path / "o.webm", call_id="call-1", tracks=tracks("c1"), queue_size=8)
    await rec.start()
    fed = 2000
    for i in range(fed):  # no await in between: the muxing thread cannot keep up
        rec.on_packet("c1", "audio", packet(clip[1][i % len(clip[1])], i * 960, AUDIO_TB, True))
    result = await rec.stop()
    (audio,) = (t for t in result.tracks if t.kind == "audio")
    assert result.dropped_packets == audio.dropped > 0
    assert audio.packets + audio.discarded + audio.dropped == fed


async def test_h264_goes_into_matroska(tmp_path: Path, h264: VideoClip, clip: Clip) -> None:
    path = tmp_path / "h264.mkv"
    specs = [TrackSpec("c1", "video", "h264"), TrackSpec("c1", "audio", "opus")]
    await record(path, (h264, clip[1][:100]), specs, Source("c1"))

    def decode() -> tuple[str, int, int]:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            frames = sum(1 for _ in container.decode(stream))
            return container.format.name, frames, stream.codec_context.width

    fmt, frames, width = await asyncio.to_thread(decode)
    assert "matroska" in fmt and frames == len(h264) and width == 320


def test_track_spec_validation() -> None:
    with pytest.raises(ValueError, match="cannot carry"):
        TrackSpec("c1", "audio", "vp8")
    with pytest.raises(ValueError, match="cannot record"):
        TrackSpec("c1", "video", "av1")  # type: ignore[arg-type]
    with pytest.raises(RecordingError):
        CallRecorder(Path("x.webm"), call_id="c", tracks=[])
    with pytest.raises(RecordingError):
        CallRecorder(Path("x.webm"), call_id="c", tracks=tracks("c1") + tracks("c1"))


def test_vp8_dimensions() -> None:
    key, is_key = vp8_flash_clip(0.1)[0]
    assert is_key and vp8_dimensions(key) == (320, 240)
    assert vp8_dimensions(b"\x01" * 20) is None


KILL_SCRIPT = """
import asyncio, fractions, pathlib, sys, time
sys.path.insert(0, {root!r})
import av
from recording.writer import CallRecorder, TrackSpec
from tests.recording.clips import opus_beep_clip, vp8_flash_clip

video, audio = vp8_flash_clip(2.0), opus_beep_clip(2.0)

def pkt(data, pts, rate, key):
    p = av.Packet(data)
    p.pts = pts
    p.time_base = fractions.Fraction(1, rate)
    p.is_keyframe = key
    return p

async def main():
    tracks = [TrackSpec(p, k, "opus" if k == "audio" else "vp8")
              for p in ("c1", "f1") for k in ("audio", "video")]
    rec = CallRecorder(pathlib.Path({target!r}), call_id="k", tracks=tracks)
    await rec.start()
    t0 = time.monotonic()
    a = v = 0
    while True:  # f1 has its camera off: its video track never gets a packet
        now = time.monotonic() - t0
        while a * 0.02 <= now:
            for who in ("c1", "f1"):
                rec.on_packet(who, "audio", pkt(audio[a % len(audio)], a * 960, 48000, True))
            a += 1
        while v / 30 <= now:
            data, key = video[v % len(video)]
            rec.on_packet("c1", "video", pkt(data, v * 3000, 90000, key and v % len(video) == 0))
            v += 1
            if v == 30 * 5:
                print("ready", flush=True)
        await asyncio.sleep(0.01)

asyncio.run(main())
"""


@pytest.mark.slow
@pytest.mark.allow_blocking
def test_sigkill_mid_call_leaves_a_playable_file(tmp_path: Path) -> None:
    target = tmp_path / "killed.webm"
    script = textwrap.dedent(KILL_SCRIPT).format(root=str(ROOT), target=str(target))
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"  # 5 s of media handed over
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    video_frames, last_video = 0, 0.0
    audio_frames, last_audio = 0, 0.0
    with av.open(str(target)) as container:
        for frame in container.decode(video=0):
            video_frames += 1
            last_video = seconds(frame.pts, frame.time_base)
    with av.open(str(target)) as container:
        audio = next(s for s in container.streams.audio if "f1" in s.metadata.get("title", ""))
        for decoded in container.decode(audio):
            audio_frames += 1
            last_audio = seconds(decoded.pts, decoded.time_base)
    # Plays up to the last couple of seconds: one cluster (1 s) plus interleaving (0.5 s).
    assert last_video > 5.0 - 2.5 and video_frames > 60, (last_video, video_frames)
    assert last_audio > 5.0 - 2.5 and audio_frames > 100, (last_audio, audio_frames)


async def test_waiting_video_asks_for_keyframes_until_one_arrives(
    tmp_path: Path, clip: Clip
) -> None:
    """Browsers send keyframes only when asked: the recorder asks at start, again while it
    waits (on deltas and on a timer when nothing arrives), and after an overflow."""
    video = clip[0]
    deltas = [(i, data) for i, (data, key) in enumerate(video) if not key]
    keyframes = [(i, data) for i, (data, key) in enumerate(video) if key and i > 0]
    asked: list[str] = []
    clock = FakeClock()
    rec = CallRecorder(
        tmp_path / "k.webm",
        call_id="call-1",
        tracks=tracks("c1", kinds=("video",)),
        clock=clock,
        request_keyframe=asked.append,
        keyframe_retry=0.05,
        queue_size=8,
    )
    await rec.start()
    assert asked == ["c1"]  # at once when the recording starts

    def send(i: int, data: bytes, key: bool) -> None:
        rec.on_packet("c1", "video", packet(data, 1234 + i * 3000, VIDEO_TB, key))

    send(*deltas[0], False)
    assert asked == ["c1"]  # asked just now: not again within keyframe_retry
    clock.now += 0.1
    send(*deltas[1], False)
    assert asked == ["c1"] * 2  # a delta while still waiting: ask again
    clock.now += 0.1
    for _ in range(100):  # nothing arrives: the timer asks again
        await asyncio.sleep(0.02)
        if len(asked) == 3:
            break
    assert asked == ["c1"] * 3
    i, data = keyframes[0]
    send(i, data, True)
    clock.now += 1.0
    await asyncio.sleep(0.2)
    for j, delta in deltas:
        if j > i:
            send(j, delta, False)  # no await: the queue of 8 overflows and drops video
    assert asked[3:] == ["c1"], "a dropped video frame must restart at a keyframe, asked for"
    result = await rec.stop()
    (track,) = result.tracks
    assert track.keyframe_requests == 4 and track.dropped > 0
    with av.open(str(tmp_path / "k.webm")) as container:
        first = next(iter(container.demux(container.streams.video[0])))
        assert first.is_keyframe  # the track starts at the keyframe; deltas before it skipped
