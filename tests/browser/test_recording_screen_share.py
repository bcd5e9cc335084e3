"""A recorded Chromium↔Chromium call where the client shares a screen mid-recording: the
recording has a ``screen`` track of its own (Chromium's fake screen, 1280x720, copied packet
for packet) spanning the share, read by PyAV, ffprobe and mkvmerge; the composite shows the
screen large while it was shared; the auditor console lists who shared it and when.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from typing import Any

import av
import pytest

from recording.naming import composite_key, parse_key
from tests.browser.conftest import Server
from tests.browser.test_call_screen_share import REMOTE_SIZE, sharing_browser  # noqa: F401
from tests.browser.test_chat_and_call import REMOTE_PLAYING, open_demo_thread
from tests.browser.test_recording_browser import (
    REC_SHOWN,
    REMOTE_AT_LEAST,
    REMOTE_TIME,
    ffprobe,
    luma,
    video_frames,
    wait_for,
)
from tests.browser.tour import sign_in_link

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.allow_blocking,
    pytest.mark.timeout(480),
]

SHARED_SECONDS = 4.0


def area(
    frame: av.VideoFrame, x0: float, x1: float, y0: float, y1: float
) -> tuple[float, int, float]:
    """Mean and maximum luma, and mean chroma distance from grey (|U-128| + |V-128|), of a
    rectangle given in fractions of the frame. Chromium's fake pictures are green: dark in
    luma (Y ~ 11) but far from grey in chroma, where black bars are grey (U = V = 128)."""
    frame = frame.reformat(format="yuv420p")
    width, height = frame.width, frame.height

    def samples(n: int, div: int) -> list[int]:
        plane = frame.planes[n]
        data = bytes(plane)
        left, right = int(width * x0) // div, int(width * x1) // div
        return [
            v
            for y in range(int(height * y0) // div, int(height * y1) // div, 2)
            for v in data[y * plane.line_size + left : y * plane.line_size + right : 2]
        ]

    luma, u, v = samples(0, 1), samples(1, 2), samples(2, 2)
    chroma = sum(abs(a - 128) + abs(b - 128) for a, b in zip(u, v, strict=True)) / len(u)
    return sum(luma) / len(luma), max(luma), chroma


def test_screen_shared_mid_recording_is_its_own_track_and_fills_the_composite(
    sharing_browser: Any,  # noqa: F811
    server: Server,
) -> None:
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe (Debian ffmpeg) is not installed")
    browser = sharing_browser
    client = open_demo_thread(browser, server, "demo-client", "client")
    freelancer = open_demo_thread(browser, server, "demo-freelancer", "freelancer")
    client.get_by_test_id("call-video").click()
    freelancer.get_by_test_id("incoming-call").wait_for(timeout=30000)
    freelancer.get_by_test_id("call-accept").click()
    for page in (client, freelancer):
        page.wait_for_function(REMOTE_PLAYING, timeout=60000)
    for page in (client, freelancer):
        page.get_by_test_id("call-record").click()
    for page in (client, freelancer):
        page.wait_for_function(REC_SHOWN, timeout=30000)
    freelancer.wait_for_function(
        REMOTE_AT_LEAST, arg=freelancer.evaluate(REMOTE_TIME) + 2.0, timeout=60000
    )

    # Share for a while: the other page shows the screen (its frames take the screen's size).
    client.get_by_test_id("call-share").click()
    freelancer.wait_for_function(f"() => ({REMOTE_SIZE})()[0] > 640", timeout=30000)
    shown = time.monotonic()
    freelancer.wait_for_function(
        REMOTE_AT_LEAST, arg=freelancer.evaluate(REMOTE_TIME) + SHARED_SECONDS, timeout=60000
    )
    client.get_by_test_id("call-share").click()
    freelancer.wait_for_function(f"() => ({REMOTE_SIZE})()[0] <= 640", timeout=30000)
    shared_for = time.monotonic() - shown
    freelancer.wait_for_function(
        REMOTE_AT_LEAST, arg=freelancer.evaluate(REMOTE_TIME) + 2.0, timeout=60000
    )
    client.get_by_test_id("call-hangup").click()
    for page in (client, freelancer):
        page.get_by_test_id("call-log-item").wait_for(timeout=30000)

    recordings = server.data_dir / "recordings"

    def originals() -> list[Any]:
        found = [p for p in recordings.glob("*") if (k := parse_key(p.name)) and k.is_original]
        return sorted(found)

    wait_for(lambda: len(originals()) == 1, "the recording", within=60)
    [original] = originals()
    composite = recordings / composite_key(original.name)
    wait_for(composite.is_file, f"the composite {composite.name}", within=300)

    # The recording: the client's screen is a track of its own, between two camera stretches.
    tracks = video_frames(original)
    assert sorted(tracks) == [
        "demo-client screen",
        "demo-client video",
        "demo-freelancer video",
    ], sorted(tracks)
    screen = tracks["demo-client screen"]
    camera = tracks["demo-client video"]
    assert len(screen) >= 15, f"only {len(screen)} screen frames"
    width, height = screen[0][1].width, screen[0][1].height
    assert width > 640 and (width, height) != (camera[0][1].width, camera[0][1].height)
    start, end = screen[0][0], screen[-1][0]
    assert abs((end - start) - shared_for) < 1.5, (start, end, shared_for)
    assert camera[0][0] < start and camera[-1][0] > end  # the camera before and after
    assert sum(1 for t, _ in camera if start + 0.3 < t < end - 0.3) == 0  # not during
    assert all(luma(f).is_picture for _, f in screen[:: max(1, len(screen) // 10)])

    # ffprobe and mkvmerge read the screen's size from the header (written at its first
    # keyframe, after the header of the call was already on disk).
    probe = ffprobe(original)
    [probed] = [s for s in probe["streams"] if s["tags"].get("title") == "demo-client screen"]
    assert (probed["codec_name"], probed["width"], probed["height"]) == ("vp8", width, height)
    if shutil.which("mkvmerge") is not None:
        result = subprocess.run(
            ["mkvmerge", "-J", str(original)], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stdout
        info = json.loads(result.stdout)
        assert not info.get("errors"), info["errors"]
        [track] = [
            t for t in info["tracks"] if t["properties"].get("track_name") == "demo-client screen"
        ]
        assert track["properties"]["pixel_dimensions"] == f"{width}x{height}"
        assert len(info["tracks"]) == 5

    # The composite keeps one size. During the share its picture differs from the camera-only
    # layout where the known sizes say it must: the 16:9 screen (1280x720), fitted into the
    # left three quarters, leaves black bars either side where the client's 4:3 camera was;
    # under it, a dark bar with the sharer's name; the right column has the freelancer's
    # camera on top and black below it, where the camera-only layout shows a picture.
    [[(_, frames)]] = [list(video_frames(composite).items())]
    sizes = {(f.width, f.height) for _, f in frames}
    assert len(sizes) == 1, sizes
    during = [f for t, f in frames if start + 0.5 < t < end - 0.5]
    before = [f for t, f in frames if camera[0][0] + 0.5 < t < start - 0.5]
    assert during and before
    during = during[:: max(1, len(during) // 10)]
    before = before[:: max(1, len(before) // 10)]
    left_bar, below_tile = (0.0, 0.05, 0.0, 0.85), (0.8, 1.0, 0.6, 0.9)
    for region in (left_bar, below_tile):
        black = [area(f, *region) for f in during]
        assert all(y < 25 and chroma < 6 for y, _, chroma in black), black
        picture = [area(f, *region) for f in before]
        assert all(chroma > 40 for _, _, chroma in picture), picture
    screen_area = [area(f, 0.1, 0.65, 0.1, 0.85) for f in during]
    assert all(chroma > 40 for _, _, chroma in screen_area), screen_area  # the green picture
    name_bar = [area(f, 0.0, 0.7, 0.93, 1.0) for f in during]
    assert all(y < 100 and top > 180 and c < 6 for y, top, c in name_bar), name_bar

    # The auditor console lists the share with its span.
    auditor = browser.new_context().new_page()
    auditor.goto(sign_in_link(server.url, "demo-auditor", "auditor"))
    auditor.get_by_test_id("audit-result").first.wait_for(timeout=15000)
    auditor.get_by_test_id("audit-result").first.get_by_text("Review").click()
    share = auditor.get_by_test_id("audit-screen-share").first
    share.wait_for(timeout=15000)
    text = share.inner_text()
    assert "shared a screen" in text and f"{width}\u00d7{height}" in text, text
