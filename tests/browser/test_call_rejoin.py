"""Rejoin: a party reloads the page mid-call. The reloaded page finds the live call and joins it
again, the other page shows "Reconnecting…" while no media arrives, video plays again on both
pages, and the thread ends with exactly one call record."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.test_chat_and_call import REMOTE_PLAYING, video_call
from tests.browser.tour import check_page

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]

QUALITY = "() => document.querySelector('[data-testid=\"call-quality\"]')?.dataset.quality"
# Decoded frames of the remote video (its currentTime runs on even when no frame arrives).
FRAMES = """() => {
  const v = document.querySelector('[data-testid="remote-video"]');
  return v ? v.getVideoPlaybackQuality().totalVideoFrames : 0;
}"""
FRAMES_ADVANCE = f"n => ({FRAMES})() > n + 15"


def frames(page: Any) -> int:
    return int(page.evaluate(FRAMES))


def test_reload_mid_call_rejoins_the_same_call(browser: Any, server: Server) -> None:
    client, freelancer = video_call(browser, server)
    call_id = client.get_by_test_id("in-call").get_attribute("data-call-id")

    # A reload: the page finds the live call and joins it again.
    freelancer.reload()
    freelancer.wait_for_selector(
        f'[data-testid="in-call"][data-call-id="{call_id}"]', timeout=30000
    )
    freelancer.wait_for_function(REMOTE_PLAYING, timeout=60000)
    client.wait_for_function(FRAMES_ADVANCE, arg=frames(client), timeout=60000)

    # Away for a few seconds (a slow reload, a closed and reopened tab): the other side says
    # "Reconnecting…" from the media itself, not from a stale quality label.
    url = freelancer.url
    freelancer.goto("about:blank")
    client.wait_for_function(f"() => ({QUALITY})() === 'reconnecting'", timeout=15000)
    check_page(client, "call_reconnecting")  # axe-core, no horizontal scroll, a screenshot
    freelancer.goto(url)
    freelancer.wait_for_selector(
        f'[data-testid="in-call"][data-call-id="{call_id}"]', timeout=30000
    )
    freelancer.wait_for_function(REMOTE_PLAYING, timeout=60000)
    client.wait_for_function(FRAMES_ADVANCE, arg=frames(client), timeout=60000)
    client.wait_for_function(f"() => ({QUALITY})() !== 'reconnecting'", timeout=15000)
    check_page(freelancer, "call_rejoined")  # axe-core, no horizontal scroll, a screenshot

    client.get_by_test_id("call-hangup").click()
    for page in (client, freelancer):
        page.get_by_test_id("call-log-item").wait_for(timeout=30000)
        page.wait_for_timeout(500)
        assert page.get_by_test_id("call-log-item").count() == 1
    record = client.get_by_test_id("call-log-item").inner_text()
    assert "connection lost" not in record, record
    # The record notes both interruptions (the reload and the time away) and their length.
    assert "· 2 interruptions (" in record, record


def test_five_seconds_offline_mid_call_comes_back(browser: Any, server: Server) -> None:
    client, freelancer = video_call(browser, server)
    call_id = client.get_by_test_id("in-call").get_attribute("data-call-id")

    freelancer.context.set_offline(True)
    freelancer.wait_for_timeout(5000)
    freelancer.context.set_offline(False)

    for page in (client, freelancer):
        page.wait_for_selector(f'[data-testid="in-call"][data-call-id="{call_id}"]', timeout=30000)
        page.wait_for_function(FRAMES_ADVANCE, arg=frames(page), timeout=60000)
    client.get_by_test_id("call-hangup").click()
    for page in (client, freelancer):
        page.get_by_test_id("call-log-item").wait_for(timeout=30000)
        page.wait_for_timeout(500)
        assert page.get_by_test_id("call-log-item").count() == 1
    record = client.get_by_test_id("call-log-item").inner_text()
    assert "connection lost" not in record, record
