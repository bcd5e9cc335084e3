"""A screen shared mid-call: its own track in the recording (packets copied, not decoded), with
its size and time span, read back by PyAV, ffprobe and mkvmerge; placed large in the composite.

The party's video is one RTP stream (the browser replaces the camera with the screen on the
same sender): camera frames, then screen frames, then camera frames again, on one RTP clock.
``set_screen`` (what ``call:media`` with ``screen`` drives) moves them between the party's
``video`` and ``screen`` tracks at keyframes.
"""

from __future__ import annotations

import asyncio
import fractions
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import av
import pytest

from recording.composite import composite
from recording.writer import CallRecorder, Codec, RecordingResult, TrackSpec
from tests.recording.clips import FPS, Clip, VideoClip, h264_clip
from tests.recording.test_writer import AUDIO_TB, VIDEO_TB, FakeClock, packet

SCREEN = (640, 360)
SCREEN_LUMA = 200  # the fake screen: bright; the camera clip is dark (40) but for two flashes
SHARE = (2.0, 4.0)  # seconds: the party's sender carries the screen from 2 s to 4 s
SECONDS = 6.0


def flat_vp8(seconds: float, width: int, height: int, luma: int) -> VideoClip:
    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height, codec.pix_fmt = width, height, "yuv420p"
    codec.time_base = fractions.Fraction(1, FPS)
    codec.bit_rate = 400_000
    codec.gop_size = 15
    codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    out: VideoClip = []
    for i in range(int(seconds * FPS)):
        frame = av.VideoFrame(width, height, "yuv420p")
        frame.planes[0].update(bytes([luma]) * frame.planes[0].buffer_size)
        for plane in frame.planes[1:]:
            plane.update(bytes([128]) * plane.buffer_size)
        frame.pts = i
        out += [(bytes(p), bool(p.is_keyframe)) for p in codec.encode(frame)]
    out += [(bytes(p), bool(p.is_keyframe)) for p in codec.encode(None)]
    return out


@pytest.fixture(scope="module")
def camera() -> VideoClip:
    return flat_vp8(SECONDS, 320, 240, 40)


@pytest.fixture(scope="module")
def screen() -> VideoClip:
    return flat_vp8(SECONDS, *SCREEN, SCREEN_LUMA)


def specs(video: Codec = "vp8") -> list[TrackSpec]:
    return [
        TrackSpec(who, kind, "opus" if kind == "audio" else video)
        for who in ("c1", "f1")
        for kind in ("audio", "video", "screen")
    ]


async def record_share(
    path: Path,
    camera: VideoClip,
    screen: VideoClip,
    audio: list[bytes],
    *,
    flag_delay: float = 0.0,
    codec: Codec = "vp8",
    **kwargs: Any,
) -> tuple[RecordingResult, list[str]]:
    """c1 shares its screen during ``SHARE`` (the flag ``flag_delay`` s after the sender
    switched); f1 sends its camera throughout. Both send audio."""
    clock = FakeClock()
    asked: list[str] = []
    rec = CallRecorder(
        path,
        call_id="call-1",
        tracks=specs(codec),
        clock=clock,
        request_keyframe=asked.append,
        **kwargs,
    )
    await rec.start()
    events: list[tuple[float, int, str, str, bytes, int, bool]] = []
    n_frames = int(SECONDS * FPS)
    for i in range(n_frames):
        at = i / FPS
        sharing = SHARE[0] <= at < SHARE[1]
        data, key = (screen if sharing else camera)[i]
        events.append((at, 1, "c1", "video", data, 1234 + i * 3000, key))
        events.append((at, 1, "f1", "video", camera[i][0], 99 + i * 3000, camera[i][1]))
    for i in range(int(SECONDS / 0.02)):
        for who in ("c1", "f1"):
            events.append((i * 0.02, 1, who, "audio", audio[i % len(audio)], 7 + i * 960, True))
    for at, on in ((SHARE[0] + flag_delay, True), (SHARE[1] + flag_delay, False)):
        events.append((at, 0, "c1", "flag", b"", 0, on))
    events.sort(key=lambda e: (e[0], e[1]))
    start = clock.now
    for n, (at, _, who, kind, data, rtp, key) in enumerate(events):
        clock.now = start + at
        if kind == "flag":
            assert rec.set_screen(who, key)
            continue
        tb = VIDEO_TB if kind == "video" else AUDIO_TB
        rec.on_packet(who, "video" if kind == "video" else "audio", packet(data, rtp, tb, key))
        if n % 50 == 0:
            await asyncio.sleep(0)
    return await rec.stop(), asked


def mean_y(frame: av.VideoFrame, x0: int = 0, y0: int = 0, w: int = 0, h: int = 0) -> float:
    """Mean luma (Y, video range) of a rectangle (default: the whole picture)."""
    frame = frame.reformat(format="yuv420p")
    plane = frame.planes[0]
    data = bytes(plane)
    w, h = w or frame.width, h or frame.height
    values = [
        v
        for row in range(y0, y0 + h, 4)
        for v in data[row * plane.line_size + x0 : row * plane.line_size + x0 + w : 4]
    ]
    return sum(values) / len(values)


def decoded(path: Path, title: str) -> list[tuple[float, int, int, float]]:
    """(time, width, height, mean luma) of every frame of the track titled ``title``."""
    out = []
    with av.open(str(path)) as container:
        [stream] = [s for s in container.streams.video if s.metadata.get("title") == title]
        for frame in container.decode(stream):
            assert isinstance(frame, av.VideoFrame)
            assert frame.pts is not None and frame.time_base is not None
            t = float(frame.pts * frame.time_base)
            out.append((t, frame.width, frame.height, mean_y(frame)))
    return out


def tool_json(*args: str) -> dict[str, Any]:
    result = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stderr.lower(), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.slow
@pytest.mark.allow_blocking  # ffprobe and mkvmerge, after the recording
async def test_shared_screen_is_a_track_of_its_own_with_its_size_and_span(
    tmp_path: Path, clip: Clip, camera: VideoClip, screen: VideoClip
) -> None:
    path = tmp_path / "call-1-1.webm"
    result, asked = await record_share(path, camera, screen, clip[1])

    # The record: c1's screen track with its span; no empty screen track for f1.
    tracks = {f"{t.participant_id} {t.kind}": t for t in result.tracks}
    assert sorted(tracks) == ["c1 audio", "c1 screen", "c1 video", "f1 audio", "f1 video"]
    shared = tracks["c1 screen"]
    assert (shared.width, shared.height) == SCREEN
    [(start, end)] = shared.spans
    assert start == pytest.approx(SHARE[0], abs=0.05) and end == pytest.approx(SHARE[1], abs=0.1)
    cam = tracks["c1 video"].spans
    assert len(cam) == 2 and cam[0][1] < SHARE[0] and cam[1][0] == pytest.approx(SHARE[1], abs=0.05)
    [(f1_start, f1_end)] = tracks["f1 video"].spans
    assert f1_start == pytest.approx(0.0, abs=0.05) and f1_end == pytest.approx(5.97, abs=0.05)
    record = result.to_record()
    [entry] = [t for t in record["tracks"] if t["kind"] == "screen"]
    assert (
        entry["participant_id"] == "c1"
        and entry["width"] == 640
        and entry["spans"] == [[start, end]]
    )
    assert asked.count("c1") >= 2  # a keyframe asked for at each switch (and at the start)

    # Remux only: the screen track holds exactly the screen packets, byte for byte.
    with av.open(str(path)) as container:
        [stream] = [s for s in container.streams if s.metadata.get("title") == "c1 screen"]
        written = [bytes(p) for p in container.demux(stream) if p.size]
    first, last = int(SHARE[0] * FPS), int(SHARE[1] * FPS)
    assert written == [data for data, _ in screen[first:last]]

    # PyAV decodes every frame: the screen at its size and brightness, the camera around it.
    frames = decoded(path, "c1 screen")
    assert len(frames) == last - first
    assert all((w, h) == SCREEN and abs(y - SCREEN_LUMA) < 8 for _, w, h, y in frames)
    assert all((w, h) == (320, 240) for _, w, h, _ in decoded(path, "c1 video"))

    # ffprobe and mkvmerge (the second parser) read the header: the screen's size and name.
    probe = tool_json("ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path))
    [probed] = [s for s in probe["streams"] if s.get("tags", {}).get("title") == "c1 screen"]
    assert (probed["codec_name"], probed["width"], probed["height"]) == ("vp8", *SCREEN)
    if shutil.which("mkvmerge") is None:
        pytest.skip("mkvmerge (mkvtoolnix) is not installed")
    info = tool_json("mkvmerge", "-J", str(path))
    assert not info.get("errors") and not info.get("warnings"), info
    [track] = [t for t in info["tracks"] if t["properties"].get("track_name") == "c1 screen"]
    assert track["type"] == "video" and track["properties"]["pixel_dimensions"] == "640x360"
    assert len(info["tracks"]) == 5


@pytest.mark.slow
async def test_the_switch_waits_for_a_keyframe_of_the_new_source(
    tmp_path: Path, clip: Clip, camera: VideoClip, screen: VideoClip
) -> None:
    """The flag arrives 0.1 s after the sender switched: the track changes at the next
    keyframe, so each track still starts on a keyframe and decodes."""
    path = tmp_path / "call-1-1.webm"
    result, _ = await record_share(path, camera, screen, clip[1], flag_delay=0.1)
    [(start, _)] = next(t for t in result.tracks if t.kind == "screen").spans
    assert start == pytest.approx(SHARE[0] + 0.5, abs=0.05)  # the clips' keyframes: every 0.5 s
    for title in ("c1 screen", "c1 video"):
        assert decoded(path, title)  # decodes without an error (PyAV raises on one)


async def test_no_share_no_screen_track(tmp_path: Path, clip: Clip, camera: VideoClip) -> None:
    path = tmp_path / "call-1-1.webm"
    clock = FakeClock()
    rec = CallRecorder(path, call_id="call-1", tracks=specs(), clock=clock)
    await rec.start()
    for i in range(60):
        clock.now += 1 / FPS
        data, key = camera[i]
        rec.on_packet("c1", "video", packet(data, 1 + i * 3000, VIDEO_TB, key))
    result = await rec.stop()
    assert [t.kind for t in result.tracks if t.participant_id == "c1"] == ["audio", "video"]
    with av.open(str(path)) as container:
        assert sorted(s.metadata["title"] for s in container.streams) == [
            "c1 audio",
            "c1 video",
            "f1 audio",
            "f1 video",
        ]


@pytest.mark.slow
async def test_composite_places_the_screen_large_while_it_is_shared(
    tmp_path: Path, clip: Clip, camera: VideoClip, screen: VideoClip
) -> None:
    src = tmp_path / "call-1-1.webm"
    await record_share(src, camera, screen, clip[1])
    out = await asyncio.to_thread(composite, src, tmp_path / "composite.webm")

    bars: list[av.VideoFrame] = []

    def sample() -> list[tuple[float, int, int, float, float]]:
        """(t, width, height, luma at the screen area's centre, luma of f1's tile)."""
        rows = []
        with av.open(str(out)) as container:
            for frame in container.decode(video=0):
                assert frame.pts is not None and frame.time_base is not None
                w, h = frame.width, frame.height
                centre = mean_y(frame, w * 3 // 8 - 8, h // 2 - 8, 16, 16)
                tile = mean_y(frame, w * 7 // 8 - 8, h // 4 - 8, 16, 16)
                rows.append((float(frame.pts * frame.time_base), w, h, centre, tile))
                if SHARE[0] + 1 < rows[-1][0] < SHARE[0] + 1.04:
                    bars.append(frame.reformat(format="yuv420p"))
        return rows

    rows = await asyncio.to_thread(sample)
    assert {(w, h) for _, w, h, _, _ in rows} == {(640, 240)}  # one size throughout
    during = [r for r in rows if SHARE[0] + 0.2 <= r[0] <= SHARE[1] - 0.2]
    before = [r for r in rows if 0.2 <= r[0] <= SHARE[0] - 0.2 and abs(r[0] - 1.0) > 0.1]
    after = [r for r in rows if SHARE[1] + 0.2 <= r[0] <= SECONDS - 0.2]
    assert during and before and after
    # The screen (bright) fills the middle of the left three quarters while shared; before
    # and after, that spot is c1's dark camera picture. The right column shows f1's camera
    # (c1's camera is what the screen replaced on its sender).
    assert all(abs(r[3] - SCREEN_LUMA) < 12 for r in during), during[:3]
    assert all(r[3] < 80 for r in before + after), (before[:3], after[:3])
    assert all(abs(r[4] - 40) < 12 for r in during), during[:3]
    # Under the screen, a dark bar with the sharer's name in white dots.
    [frame] = bars
    plane = frame.planes[0]
    bar = [
        v
        for row in range(frame.height - 16, frame.height - 4)
        for v in bytes(plane)[row * plane.line_size : row * plane.line_size + 200]
    ]
    assert sum(bar) / len(bar) < 100 and max(bar) > 180


@pytest.mark.slow
async def test_an_h264_screen_track_decodes_at_its_size(tmp_path: Path, clip: Clip) -> None:
    """H.264 goes into Matroska with an avcC per track: the screen's comes from its own first
    keyframe (SPS/PPS), which arrives after the header was written."""
    path = tmp_path / "call-1-1.mkv"
    camera, screen = h264_clip(SECONDS, 320, 240), h264_clip(SECONDS, *SCREEN)
    result, _ = await record_share(path, camera, screen, clip[1], codec="h264")
    [shared] = [t for t in result.tracks if t.kind == "screen"]
    assert shared.packets == int((SHARE[1] - SHARE[0]) * FPS)
    frames = decoded(path, "c1 screen")
    assert len(frames) == shared.packets and {(w, h) for _, w, h, _ in frames} == {SCREEN}
    assert {(w, h) for _, w, h, _ in decoded(path, "c1 video")} == {(320, 240)}


@pytest.mark.slow
async def test_composite_skips_undecodable_frames_instead_of_failing(
    tmp_path: Path, camera: VideoClip, screen: VideoClip
) -> None:
    """A frame the decoder refuses (damaged, or deltas of another source whose keyframe is
    not in the track) is skipped: the composite renders the call rather than failing."""
    path = tmp_path / "call-1-1.webm"
    clock = FakeClock()
    rec = CallRecorder(
        path, call_id="call-1", tracks=[TrackSpec("c1", "video", "vp8")], clock=clock
    )
    await rec.start()
    frames = [*camera[:30], (camera[30][0][:3], False), *camera[31:90]]  # one cut short
    for i, (data, key) in enumerate(frames):
        clock.now += 1 / FPS
        rec.on_packet("c1", "video", packet(data, 1 + i * 3000, VIDEO_TB, key))
    await rec.stop()
    out = await asyncio.to_thread(composite, path, tmp_path / "composite.webm")
    with av.open(str(out)) as container:
        assert sum(1 for _ in container.decode(video=0)) >= 80


async def test_a_recording_started_mid_share_starts_on_the_screen(
    tmp_path: Path, screen: VideoClip
) -> None:
    """Consent given while c1 already shares: the controller calls ``set_screen`` right after
    ``start``, and the first keyframe (the PLI's answer) opens the screen track."""
    path = tmp_path / "call-1-1.webm"
    clock = FakeClock()
    asked: list[str] = []
    rec = CallRecorder(
        path,
        call_id="call-1",
        tracks=[TrackSpec("c1", "video", "vp8"), TrackSpec("c1", "screen", "vp8")],
        clock=clock,
        request_keyframe=asked.append,
    )
    await rec.start()
    assert rec.set_screen("c1", True) and not rec.set_screen("f1", True)  # f1: no screen track
    for i in range(5, 65):  # joined mid-GOP: deltas until the keyframe at frame 15
        clock.now += 1 / FPS
        data, key = screen[i]
        rec.on_packet("c1", "video", packet(data, 1 + i * 3000, VIDEO_TB, key))
    result = await rec.stop()
    tracks = {t.kind: t for t in result.tracks}
    assert tracks["video"].packets == 0 and tracks["screen"].packets == 50
    assert (tracks["screen"].width, tracks["screen"].height) == SCREEN and asked
    assert [(w, h) for _, w, h, _ in decoded(path, "c1 screen")] == [SCREEN] * 50
