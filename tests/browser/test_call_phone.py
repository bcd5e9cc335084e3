"""A video call on a phone (390 by 844): the call controls are a bar fixed to the bottom of the
screen, so Hang up is visible and clickable without scrolling, wherever the page is scrolled."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.tour import PHONE, assert_no_horizontal_scroll, check_page, tappable

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]

REMOTE_PLAYING = """() => {
  const v = document.querySelector('[data-testid="remote-video"]');
  return v && v.videoWidth > 0;
}"""
SCROLL_MAIN = """to => {
  const m = document.getElementById('main');
  m.scrollTop = to === 'end' ? m.scrollHeight : 0;
}"""
SCROLLS = "() => [window.scrollY, document.getElementById('main').scrollTop]"
CONTROLS = ("call-mute", "call-camera", "call-share", "call-record", "call-hangup")


def on_phone(browser: Any, server: Server, user: str, role: str) -> Any:
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(server.token_link(user, role))
    page.get_by_test_id("thread-item").first.click()
    page.get_by_test_id("message-list").wait_for()
    return page


def test_hang_up_is_always_on_screen_on_a_phone(browser: Any, server: Server) -> None:
    client = on_phone(browser, server, "demo-client", "client")
    freelancer = on_phone(browser, server, "demo-freelancer", "freelancer")
    client.get_by_test_id("call-video").click()
    freelancer.get_by_test_id("incoming-call").wait_for(timeout=30000)
    freelancer.get_by_test_id("call-accept").click()
    for page in (client, freelancer):
        page.get_by_test_id("in-call").wait_for()
        page.wait_for_function(REMOTE_PLAYING, timeout=60000)
    # some chat below the call, so that the thread scrolls
    for i in range(12):
        client.get_by_test_id("message-input").fill(f"during the call {i}")
        client.get_by_test_id("message-send").click()
    freelancer.get_by_test_id("message-list").get_by_text("during the call 11").wait_for()
    for where in ("top", "end"):
        freelancer.evaluate(SCROLL_MAIN, where)
        before = freelancer.evaluate(SCROLLS)
        for control in CONTROLS:
            tappable(freelancer, control)
        assert freelancer.evaluate(SCROLLS) == before  # nothing scrolled to find them
        assert_no_horizontal_scroll(freelancer)
    freelancer.evaluate(SCROLL_MAIN, "top")
    check_page(freelancer, "phone-call-controls")  # axe-core, no horizontal scroll, screenshot
    # a tap on Hang up where it is on the screen (no scrolling into view) ends the call
    box = tappable(freelancer, "call-hangup")
    freelancer.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for page in (client, freelancer):
        page.get_by_test_id("call-log-item").wait_for(timeout=20000)
        assert page.get_by_test_id("in-call").count() == 0
