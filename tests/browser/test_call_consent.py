"""Recording consent both ways, in two Chromium pages through the real server: one party asks,
the other gets a prompt with Accept and Decline, recording starts only once both agree, and
both pages show the current state all along."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.test_chat_and_call import REMOTE_PLAYING, open_demo_thread
from tests.browser.tour import check_page, tappable

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]

REC_SHOWN = """() => {
  const r = document.querySelector('[data-testid="recording-indicator"]');
  return r !== null && !r.hidden;
}"""


def status(page: Any) -> str:
    return str(page.get_by_test_id("consent-status").inner_text())


def test_a_request_to_record_prompts_the_other_party(browser: Any, server: Server) -> None:
    client = open_demo_thread(browser, server, "demo-client", "client")
    freelancer = open_demo_thread(browser, server, "demo-freelancer", "freelancer")
    client.get_by_test_id("call-video").click()
    freelancer.get_by_test_id("incoming-call").wait_for(timeout=30000)
    freelancer.get_by_test_id("call-accept").click()
    for page in (client, freelancer):
        page.wait_for_function(REMOTE_PLAYING, timeout=60000)
        assert page.get_by_test_id("consent-prompt").is_hidden()

    # The client asks: the freelancer gets a prompt, with focus on Accept; nothing records yet.
    client.get_by_test_id("call-record").click()
    prompt = freelancer.get_by_test_id("consent-prompt")
    prompt.wait_for(state="visible", timeout=15000)
    assert "Client asks to record this call" in prompt.inner_text()
    assert freelancer.evaluate("() => document.activeElement?.dataset.testid") == "consent-accept"
    client.wait_for_function(
        "() => document.querySelector('[data-testid=\"consent-status\"]')"
        ".textContent.includes('waiting for')",
        timeout=15000,
    )
    assert client.get_by_test_id("consent-prompt").is_hidden()
    check_page(freelancer, "call_consent_prompt")  # axe-core, no horizontal scroll, a screenshot
    tappable(freelancer, "call-hangup")  # the prompt makes the panel taller: the bar sticks

    # Decline: the prompt goes, the asker is told, and nothing is recorded.
    freelancer.get_by_test_id("consent-decline").click()
    prompt.wait_for(state="hidden", timeout=15000)
    client.wait_for_function(
        "() => document.querySelector('[data-testid=\"consent-status\"]')"
        ".textContent.includes('declined')",
        timeout=15000,
    )
    assert "Freelancer declined" in status(client)
    assert "you declined" in status(freelancer)
    for page in (client, freelancer):
        assert not page.evaluate(REC_SHOWN)

    # Changing one's mind: consenting now makes both agree, and both pages show the recording.
    freelancer.get_by_test_id("call-record").click()
    for page in (client, freelancer):
        page.wait_for_function(REC_SHOWN, timeout=30000)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"consent-status\"]')"
            ".textContent.includes('both of you agreed')",
            timeout=15000,
        )
    check_page(client, "call_recording_on")  # axe-core, no horizontal scroll, a screenshot

    # Either may withdraw: recording stops for both.
    client.get_by_test_id("call-record").click()
    for page in (client, freelancer):
        page.wait_for_function(f"() => !({REC_SHOWN})()", timeout=30000)
    assert "you declined" in status(client)
    client.get_by_test_id("call-hangup").click()
    for page in (client, freelancer):
        page.get_by_test_id("call-log-item").wait_for(timeout=30000)
