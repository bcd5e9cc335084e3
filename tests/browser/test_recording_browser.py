"""A recorded Chromium↔Chromium video call: both videos are in the file, and in the composite.

Two headless Chromium pages (fake camera: a moving test pattern, never black) hold a video
call through the server, both consent to recording, and hang up. The recording and the
side-by-side composite the server renders are then reopened: decoded with PyAV, and read by
ffprobe (and by mkvtoolnix's ``mkvmerge -J`` when installed) as independent parsers.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import pytest

from recording.naming import composite_key, parse_key
from tests.browser.conftest import Server
from tests.browser.test_chat_and_call import REMOTE_PLAYING, open_demo_thread
from tests.browser.tour import check_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.allow_blocking,
    pytest.mark.timeout(420),
]

# A picture, not black: black (Y=16) or any flat fill has no variance; Chromium's fake camera
# draws a bright moving pattern on a dark ground (measured: variance 3,700-8,500).
MIN_LUMA_VARIANCE = 200.0
RECORDED_SECONDS = 4.0

REC_SHOWN = """() => {
  const r = document.querySelector('[data-testid="recording-indicator"]');
  return r !== null && !r.hidden;
}"""
REMOTE_AT_LEAST = """t => {
  const v = document.querySelector('[data-testid="remote-video"]');
  return v !== null && v.currentTime >= t;
}"""
REMOTE_TIME = "() => document.querySelector('[data-testid=\"remote-video\"]').currentTime"


@dataclass(frozen=True)
class Luma:
    mean: float
    variance: float

    @property
    def is_picture(self) -> bool:
        return self.variance >= MIN_LUMA_VARIANCE


def luma(frame: av.VideoFrame, x0: float = 0.0, x1: float = 1.0) -> Luma:
    """Mean and variance of the luma of the columns ``x0..x1`` (fractions of the width)."""
    gray = frame.reformat(format="gray")
    plane = gray.planes[0]
    data = bytes(plane)
    left, right = int(gray.width * x0), int(gray.width * x1)
    values: list[int] = []
    for y in range(0, gray.height, 4):
        row = data[y * plane.line_size + left : y * plane.line_size + right]
        values.extend(row[::4])
    mean = sum(values) / len(values)
    return Luma(mean, sum((v - mean) ** 2 for v in values) / len(values))


def video_frames(path: Path) -> dict[str, list[tuple[float, av.VideoFrame]]]:
    """Every decoded frame of every video track, by track title (one pass per track)."""
    with av.open(str(path)) as container:
        count = len(container.streams.video)
    out: dict[str, list[tuple[float, av.VideoFrame]]] = {}
    for n in range(count):
        with av.open(str(path)) as container:
            stream = container.streams.video[n]
            frames = []
            for frame in container.decode(stream):
                assert frame.pts is not None and frame.time_base is not None
                frames.append((float(frame.pts * frame.time_base), frame))
            out[stream.metadata.get("title", f"track {n}")] = frames
    return out


def wait_for(condition: Callable[[], bool], what: str, within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within:g}s waiting for {what}")
        time.sleep(0.25)


def ffprobe(path: Path) -> dict[str, Any]:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stderr == "", result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_recorded_browser_call_has_both_videos_from_the_start(browser: Any, server: Server) -> None:
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe (Debian ffmpeg) is not installed")
    client = open_demo_thread(browser, server, "demo-client", "client")
    freelancer = open_demo_thread(browser, server, "demo-freelancer", "freelancer")
    client.get_by_test_id("call-video").click()
    freelancer.get_by_test_id("incoming-call").wait_for(timeout=30000)
    freelancer.get_by_test_id("call-accept").click()
    for page in (client, freelancer):
        page.wait_for_function(REMOTE_PLAYING, timeout=60000)
    # The call has run a while (the browsers' first keyframes are long gone) when both
    # parties consent and the recording starts.
    for page in (client, freelancer):
        page.wait_for_function(REMOTE_AT_LEAST, arg=2.0, timeout=30000)
    for page in (client, freelancer):
        page.get_by_test_id("call-record").click()
    for page in (client, freelancer):
        page.wait_for_function(REC_SHOWN, timeout=30000)
    for page in (client, freelancer):
        page.wait_for_function(
            REMOTE_AT_LEAST, arg=page.evaluate(REMOTE_TIME) + RECORDED_SECONDS, timeout=60000
        )
    # still recording: axe-core on both pages (after the recorded stretch, so that axe's work
    # in the page does not overlap the recording's first seconds), and a screenshot
    check_page(client, "call_recording_browser")
    check_page(freelancer, None)
    client.get_by_test_id("call-hangup").click()
    for page in (client, freelancer):
        page.get_by_test_id("call-log-item").wait_for(timeout=30000)

    recordings = server.data_dir / "recordings"

    def originals() -> list[Path]:
        found = [p for p in recordings.glob("*") if (k := parse_key(p.name)) and k.is_original]
        return sorted(found)

    wait_for(lambda: len(originals()) == 1, "the recording", within=60)
    [original] = originals()
    composite = recordings / composite_key(original.name)
    wait_for(composite.is_file, f"the composite {composite.name}", within=240)

    # Every video track of both parties decodes from within 1 s of the recording's start,
    # and shows a picture (not black).
    tracks = video_frames(original)
    assert sorted(tracks) == ["demo-client video", "demo-freelancer video"], sorted(tracks)
    for title, frames in tracks.items():
        assert frames, f"{title}: no decodable frame"
        first = frames[0][0]
        assert first <= 1.0, f"{title}: video starts at {first:.2f}s"
        assert len(frames) >= 30, f"{title}: only {len(frames)} frames"
        pictures = [luma(f) for _, f in frames[:: max(1, len(frames) // 20)]]
        assert all(p.is_picture for p in pictures), (title, pictures)

    # Both halves of the composite show a picture once both videos have started.
    start = max(frames[0][0] for frames in tracks.values())
    [[(_, composite_frames)]] = [list(video_frames(composite).items())]
    later = [f for t, f in composite_frames if t >= start + 0.2]
    assert len(later) >= 30, f"composite has {len(later)} frames after both videos started"
    sample = later[:: max(1, len(later) // 20)]
    for name, (x0, x1) in (("left", (0.0, 0.5)), ("right", (0.5, 1.0))):
        halves = [luma(f, x0, x1) for f in sample]
        assert all(h.is_picture for h in halves), (name, halves)

    # Independent parsers agree the files are sane.
    probe = ffprobe(original)
    kinds = sorted(s["codec_type"] for s in probe["streams"])
    assert kinds == ["audio", "audio", "video", "video"], kinds
    duration = float(probe["format"]["duration"])
    assert RECORDED_SECONDS - 1 <= duration <= 120, duration
    composite_probe = ffprobe(composite)
    assert sorted(s["codec_type"] for s in composite_probe["streams"]) == ["audio", "video"]
    [video] = [s for s in composite_probe["streams"] if s["codec_type"] == "video"]
    assert int(video["width"]) > int(video["height"]), video  # side by side
    assert abs(float(composite_probe["format"]["duration"]) - duration) <= 1.0
    if shutil.which("mkvmerge") is not None:
        for path in (original, composite):
            result = subprocess.run(
                ["mkvmerge", "-J", str(path)], capture_output=True, text=True, timeout=60
            )
            assert result.returncode == 0, result.stdout
            info = json.loads(result.stdout)
            assert info["container"]["recognized"] and info["container"]["supported"], info
            assert not info.get("errors"), info["errors"]
            assert len(info["tracks"]) == (4 if path == original else 2), info["tracks"]
