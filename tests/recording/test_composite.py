"""Side-by-side export: one video and one audio track, decodable, the expected size."""

from __future__ import annotations

import asyncio
from pathlib import Path

import av
import pytest

from recording.composite import composite, main_composite
from recording.storage import LocalDiskStorage
from recording.writer import TrackSpec
from signaling.errors import RecordingError
from tests.recording.clips import Clip
from tests.recording.test_writer import Source, record, tracks


def summary(path: Path) -> tuple[list[tuple[str, str, int, int]], int, float]:
    """Streams (type, codec, width, height), decoded video frames, decoded audio seconds."""
    with av.open(str(path)) as container:
        streams = [
            (
                str(s.type),
                s.codec_context.name,
                int(getattr(s.codec_context, "width", 0)),
                int(getattr(s.codec_context, "height", 0)),
            )
            for s in container.streams
        ]
        frames = sum(1 for _ in container.decode(video=0))
    with av.open(str(path)) as container:
        samples = sum(f.samples for f in container.decode(audio=0))
    return streams, frames, samples / 48000


@pytest.mark.slow
async def test_side_by_side_with_mixed_audio(tmp_path: Path, clip: Clip) -> None:
    src = tmp_path / "call.webm"
    await record(src, clip, tracks(), Source("c1"), Source("f1", joins_at=0.5))
    seen: list[float] = []
    out = await asyncio.to_thread(composite, src, tmp_path / "side.webm", progress=seen.append)
    streams, frames, audio_seconds = await asyncio.to_thread(summary, out)
    assert streams == [("video", "vp8", 640, 240), ("audio", "opus", 0, 0)]
    assert abs(frames / 30 - 3.5) < 0.2  # the later joiner's last frame ends the call
    assert abs(audio_seconds - 3.5) < 0.2
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


@pytest.mark.slow
async def test_participant_without_video_gets_a_black_panel(tmp_path: Path, clip: Clip) -> None:
    src = tmp_path / "camera-off.webm"
    await record(src, clip, tracks(), Source("c1"), Source("f1", video=False))
    out = await asyncio.to_thread(composite, src, tmp_path / "side.webm", height=240)
    streams, frames, _ = await asyncio.to_thread(summary, out)
    assert streams == [("video", "vp8", 640, 240), ("audio", "opus", 0, 0)]
    assert frames >= 85

    def right_half_luma() -> float:
        with av.open(str(out)) as container:
            decoded = next(iter(container.decode(video=0)))
            plane = decoded.planes[0]
            row = bytes(plane)[plane.line_size * 120 : plane.line_size * 120 + 640]
            return sum(row[400:]) / len(row[400:])

    assert await asyncio.to_thread(right_half_luma) < 30  # black, not the other's picture


@pytest.mark.slow
async def test_audio_only_participant_and_no_audio_at_all(tmp_path: Path, clip: Clip) -> None:
    video_only = [TrackSpec("c1", "video", "vp8"), TrackSpec("f1", "video", "vp8")]
    src = tmp_path / "silent.webm"
    await record(src, clip, video_only, Source("c1", audio=False), Source("f1", audio=False))
    out = await asyncio.to_thread(composite, src, tmp_path / "side.webm")
    streams, frames, audio_seconds = await asyncio.to_thread(summary, out)
    assert [s[0] for s in streams] == ["video", "audio"]  # silence, but one audio track
    assert abs(audio_seconds - 3.0) < 0.2 and frames >= 85


@pytest.mark.allow_blocking
def test_main_composite_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RecordingError):
        main_composite(
            LocalDiskStorage(tmp_path), "nope-1.webm", tmp_path / "out.webm", show_progress=False
        )
