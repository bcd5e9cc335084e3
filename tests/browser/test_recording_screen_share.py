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

    # The composite: during the share, the left three quarters show the (bright) screen
    # scaled down, which differs from the camera-only layout before and after.
    [[(_, frames)]] = [list(video_frames(composite).items())]
    sizes = {(f.width, f.height) for _, f in frames}
    assert len(sizes) == 1, sizes
    with av.open(str(original)) as container:
        assert container.duration is not None
    during = [f for t, f in frames if start + 0.5 < t < end - 0.5]
    before = [f for t, f in frames if camera[0][0] + 0.5 < t < start - 0.5]
    assert during and before
    # The fake screen is a light picture; the fake camera draws on a dark ground.
    share_luma = [luma(f, 0.1, 0.65).mean for f in during[:: max(1, len(during) // 10)]]
    camera_luma = [luma(f, 0.1, 0.65).mean for f in before[:: max(1, len(before) // 10)]]
    assert min(share_luma) > max(camera_luma) + 20, (share_luma, camera_luma)

    # The auditor console lists the share with its span.
    auditor = browser.new_context().new_page()
    auditor.goto(sign_in_link(server.url, "demo-auditor", "auditor"))
    auditor.get_by_test_id("audit-result").first.wait_for(timeout=15000)
    auditor.get_by_test_id("audit-result").first.get_by_text("Review").click()
    share = auditor.get_by_test_id("audit-screen-share").first
    share.wait_for(timeout=15000)
    text = share.inner_text()
    assert "shared a screen" in text and f"{width}×{height}" in text, text
