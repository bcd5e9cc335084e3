"""Two headless Chromium pages: chat with a reload mid-conversation, and a video call."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.tour import check_page

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]


def open_demo_thread(browser: Any, server: Server, user: str, role: str) -> Any:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.token_link(user, role))
    page.get_by_test_id("thread-item").first.click()
    page.get_by_test_id("message-list").wait_for()
    return page


def texts(page: Any) -> list[str]:
    return [
        t.strip()
        for t in page.locator(
            '[data-testid="message-item"][data-kind="text"] .text'
        ).all_inner_texts()
    ]


def seqs(page: Any) -> list[int]:
    return [
        int(s)
        for s in page.locator('[data-testid="message-item"]').evaluate_all(
            "els => els.map(e => e.dataset.seq)"
        )
    ]


def send(page: Any, text: str) -> None:
    page.get_by_test_id("message-input").fill(text)
    page.get_by_test_id("message-send").click()


def test_chat_survives_a_reload(browser: Any, server: Server) -> None:
    client = open_demo_thread(browser, server, "demo-client", "client")
    freelancer = open_demo_thread(browser, server, "demo-freelancer", "freelancer")
    sent: list[str] = []
    for i in range(3):
        sent.append(f"hello from the client {i}")
        send(client, sent[-1])
    freelancer.get_by_test_id("message-list").get_by_text(sent[-1]).wait_for()
    # the freelancer reloads while the client keeps writing
    freelancer.reload()
    for i in range(3):
        sent.append(f"while you reloaded {i}")
        send(client, sent[-1])
    freelancer.get_by_test_id("thread-item").first.click()
    freelancer.get_by_test_id("message-list").get_by_text(sent[-1]).wait_for()
    sent.append("back, thanks")
    send(freelancer, sent[-1])
    client.get_by_test_id("message-list").get_by_text(sent[-1]).wait_for()
    for page in (client, freelancer):
        assert texts(page) == sent  # every message exactly once, in order
        got = seqs(page)
        assert got == list(range(1, len(got) + 1))  # gap-free
    check_page(client, "desktop-thread")


def test_policy_notice_is_shown_to_both(browser: Any, server: Server) -> None:
    client = open_demo_thread(browser, server, "demo-client", "client")
    freelancer = open_demo_thread(browser, server, "demo-freelancer", "freelancer")
    send(freelancer, "add me on telegram @felix_dev_42 and we talk there")
    for page in (client, freelancer):
        page.get_by_test_id("policy-notice").first.wait_for()
        assert "felix_dev_42" not in " ".join(texts(page))


REMOTE_PLAYING = """() => {
  const v = document.querySelector('[data-testid="remote-video"]');
  return v && v.videoWidth > 0 && v.currentTime > 0.5;
}"""


def video_call(browser: Any, server: Server) -> tuple[Any, Any]:
    """The demo client video-calls the demo freelancer, who accepts; both see the other's video."""
    client = open_demo_thread(browser, server, "demo-client", "client")
    freelancer = open_demo_thread(browser, server, "demo-freelancer", "freelancer")
    client.get_by_test_id("call-video").click()
    freelancer.get_by_test_id("incoming-call").wait_for(timeout=30000)
    freelancer.get_by_test_id("call-accept").click()
    for page in (client, freelancer):
        page.wait_for_function(REMOTE_PLAYING, timeout=60000)
    return client, freelancer


# The frame size the other side's fake camera really captures (not what we asked for).
CAMERA_SIZE = """() => {
  const s = document.querySelector('[data-testid="local-video"]')
    .srcObject.getVideoTracks()[0].getSettings();
  return [s.width, s.height];
}"""
REMOTE_AT_SIZE = """([w, h]) => {
  const v = document.querySelector('[data-testid="remote-video"]');
  return v.videoWidth === w && v.videoHeight === h;
}"""
REMOTE_TIME = "() => document.querySelector('[data-testid=\"remote-video\"]').currentTime"
REMOTE_ADVANCED = (
    "t => document.querySelector('[data-testid=\"remote-video\"]').currentTime > t + 1"
)
AUDIO_ENABLED = """() => document.querySelector('[data-testid="local-video"]')
  .srcObject.getAudioTracks()[0].enabled"""
TOLD_MUTED = """() => document.querySelector('[data-testid="remote-muted"]')
  .textContent.includes('muted')"""
TIMER_RUNS = """() => /^\\d{2}:\\d{2}$/.test(
  document.querySelector('[data-testid="call-timer"]').textContent)"""


def test_video_call_between_two_browsers(browser: Any, server: Server) -> None:
    client = open_demo_thread(browser, server, "demo-client", "client")
    freelancer = open_demo_thread(browser, server, "demo-freelancer", "freelancer")
    client.get_by_test_id("call-video").click()
    freelancer.get_by_test_id("incoming-call").wait_for(timeout=20000)
    check_page(freelancer, "desktop-incoming-call")  # the incoming call, checked like the rest
    check_page(client, None)  # the caller's ringing call
    freelancer.get_by_test_id("call-accept").click()
    for page in (client, freelancer):
        page.wait_for_function(REMOTE_PLAYING, timeout=30000)
        page.wait_for_function(TIMER_RUNS)  # mm:ss since connected
    # each side's remote video plays at the size the other side's camera captures, and plays on
    for me, other in ((client, freelancer), (freelancer, client)):
        width, height = other.evaluate(CAMERA_SIZE)
        assert width >= 320 and height > 0, (width, height)
        # the encoder may start small while bandwidth estimation ramps up: wait for full size
        me.wait_for_function(REMOTE_AT_SIZE, arg=[width, height], timeout=30000)
        me.wait_for_function(REMOTE_ADVANCED, arg=me.evaluate(REMOTE_TIME), timeout=10000)
    # mute: the client's audio track is disabled, the button says so, and the freelancer is told
    client.get_by_test_id("call-mute").click()
    assert client.evaluate(AUDIO_ENABLED) is False
    assert client.get_by_test_id("call-mute").get_attribute("aria-pressed") == "true"
    freelancer.wait_for_function(TOLD_MUTED)
    check_page(freelancer, "desktop-call")  # axe-core, no horizontal scroll, a screenshot
    client.get_by_test_id("call-hangup").click()
    for page in (client, freelancer):
        item = page.get_by_test_id("call-log-item")
        item.wait_for(timeout=20000)
        text = item.inner_text()
        assert "Video call" in text and "completed" in text, text
        assert item.get_attribute("data-outcome") == "completed"
        assert page.get_by_test_id("in-call").count() == 0


def test_schedule_a_call_and_download_the_invite(browser: Any, server: Server) -> None:
    client = open_demo_thread(browser, server, "demo-client", "client")
    freelancer = open_demo_thread(browser, server, "demo-freelancer", "freelancer")
    client.get_by_test_id("schedule-open").click()
    soon = (datetime.now() + timedelta(days=3)).strftime("%Y-%m-%dT15:30")
    client.get_by_test_id("schedule-slot-0").fill(soon)
    client.get_by_test_id("schedule-propose").click()
    freelancer.get_by_test_id("schedule-accept").first.click()
    accepted = '[data-testid="schedule-item"][data-event="accepted"]'
    for page in (client, freelancer):
        page.wait_for_selector(accepted)
    with freelancer.expect_download() as download_info:
        freelancer.locator(accepted).get_by_test_id("schedule-ics").click()
    path = download_info.value.path()
    text = Path(path).read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in text and "METHOD:REQUEST" in text
