"""Screen sharing with Chromium's fake capture: the shared screen replaces the camera on the
same video track (replaceTrack, forwarded without transcoding like the camera), the other page
receives it (its frames take the screen's size) with a label, and the camera comes back after."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import CHROME_ARGS, CHROMIUM, Server
from tests.browser.test_chat_and_call import REMOTE_PLAYING, open_demo_thread
from tests.browser.tour import check_page

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]

REMOTE_SIZE = """() => { const v = document.querySelector('[data-testid="remote-video"]');
  return [v.videoWidth, v.videoHeight]; }"""


@pytest.fixture
def sharing_browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    args = [*CHROME_ARGS, "--auto-select-desktop-capture-source=Entire screen"]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)
        yield b
        b.close()


def test_shared_screen_reaches_the_other_page_labelled(
    sharing_browser: Any, server: Server
) -> None:
    client = open_demo_thread(sharing_browser, server, "demo-client", "client")
    freelancer = open_demo_thread(sharing_browser, server, "demo-freelancer", "freelancer")
    client.get_by_test_id("call-video").click()
    freelancer.get_by_test_id("incoming-call").wait_for(timeout=30000)
    freelancer.get_by_test_id("call-accept").click()
    for page in (client, freelancer):
        page.wait_for_function(REMOTE_PLAYING, timeout=60000)
    camera = freelancer.evaluate(REMOTE_SIZE)
    assert camera[0] <= 640, camera

    client.get_by_test_id("call-share").click()
    # The fake screen is 1280x720: the other page's frames take its size.
    freelancer.wait_for_function(f"() => ({REMOTE_SIZE})()[0] > 640", timeout=30000)
    label = freelancer.get_by_test_id("tile-name-remote")
    freelancer.wait_for_function(
        "() => document.querySelector('[data-testid=\"tile-name-remote\"]')"
        ".textContent.includes('sharing their screen')",
        timeout=15000,
    )
    assert "sharing their screen" in label.inner_text()
    assert client.get_by_test_id("call-share").inner_text() == "Stop sharing"
    check_page(freelancer, "call_screen_share")  # axe-core, no horizontal scroll, a screenshot

    client.get_by_test_id("call-share").click()
    freelancer.wait_for_function(f"() => ({REMOTE_SIZE})()[0] <= 640", timeout=30000)
    freelancer.wait_for_function(
        "() => !document.querySelector('[data-testid=\"tile-name-remote\"]')"
        ".textContent.includes('screen')",
        timeout=15000,
    )
    client.get_by_test_id("call-hangup").click()
    for page in (client, freelancer):
        page.get_by_test_id("call-log-item").wait_for(timeout=30000)
