"""Browser paths where something is refused: a blocked message, a denied or missing camera."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DIST, Server, start_server
from tests.browser.test_chat_and_call import open_demo_thread, send, texts

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]

# getUserMedia fails the way the browser does when the person denies access or has no
# device; the error name is read per call so one page can try both.
FAILING_MEDIA = """
navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException(
  "refused by the test", sessionStorage.getItem("gum-error") || "NotAllowedError"));
"""


@pytest.fixture
def blocking_server(tmp_path: Path) -> Iterator[Server]:
    if not DIST.is_file():
        pytest.skip("web/dist is not built (run `make web`)")
    srv = start_server(tmp_path, INTERVIEW_POLICY_ACTION="block")
    yield srv
    srv.stop()


def test_blocked_message_shows_the_reason_and_the_notice(
    browser: Any, blocking_server: Server
) -> None:
    client = open_demo_thread(browser, blocking_server, "demo-client", "client")
    freelancer = open_demo_thread(browser, blocking_server, "demo-freelancer", "freelancer")
    send(client, "hello, thanks for applying")
    freelancer.get_by_test_id("message-list").get_by_text("hello, thanks for applying").wait_for()
    blocked = "write me at felix.dev42 at gmail dot com"
    send(freelancer, blocked)
    error = freelancer.get_by_test_id("send-error")
    error.wait_for()
    freelancer.wait_for_function(
        "() => document.querySelector('[data-testid=\"send-error\"]').textContent.length > 10"
    )
    # the text is kept for editing, and was never delivered
    assert freelancer.get_by_test_id("message-input").input_value() == blocked
    for page in (client, freelancer):
        page.get_by_test_id("policy-notice").first.wait_for()
        assert texts(page) == ["hello, thanks for applying"]
        assert "gmail" not in page.get_by_test_id("message-list").inner_text()


def test_denied_and_missing_devices_are_explained(browser: Any, server: Server) -> None:
    client = open_demo_thread(browser, server, "demo-client", "client")
    context = browser.new_context()
    context.add_init_script(FAILING_MEDIA)
    freelancer = context.new_page()
    freelancer.goto(server.token_link("demo-freelancer", "freelancer"))
    freelancer.get_by_test_id("thread-item").first.click()
    freelancer.get_by_test_id("message-list").wait_for()

    freelancer.get_by_test_id("call-video").click()
    error = freelancer.get_by_test_id("call-error")
    error.wait_for()
    assert "permission was denied" in error.inner_text()
    assert freelancer.get_by_test_id("in-call").count() == 0

    freelancer.evaluate("sessionStorage.setItem('gum-error', 'NotFoundError')")
    freelancer.get_by_test_id("call-audio").click()
    freelancer.wait_for_function(
        "() => document.querySelector('[data-testid=\"call-error\"]')"
        ".textContent.includes('No camera or microphone')"
    )

    # accepting without a usable device declines the call, and the reason stays on screen
    freelancer.evaluate("sessionStorage.setItem('gum-error', 'NotAllowedError')")
    client.get_by_test_id("call-video").click()
    freelancer.get_by_test_id("incoming-call").wait_for(timeout=20000)
    freelancer.get_by_test_id("call-accept").click()
    for page in (client, freelancer):
        item = page.get_by_test_id("call-log-item")
        item.wait_for(timeout=20000)
        assert item.get_attribute("data-outcome") == "declined"
    assert "permission was denied" in freelancer.get_by_test_id("call-error").inner_text()
    assert client.get_by_test_id("in-call").count() == 0
