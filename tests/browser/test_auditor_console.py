"""The auditor console in Chromium: a recorded call and a redacted message, then search, open
the thread, see it verify, play the recording, and export a bundle that verifies offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from signaling.audit.bundle import verify_bundle
from tests.browser.conftest import Server
from tests.browser.test_chat_and_call import REMOTE_PLAYING, open_demo_thread, send

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]

VIDEO_READY = """() => { const v = document.querySelector('[data-testid="audit-recording"]');
  return v && v.readyState >= 1 && v.duration > 0.5; }"""


def test_auditor_finds_reviews_verifies_plays_and_exports(browser: Any, server: Server) -> None:
    client = open_demo_thread(browser, server, "demo-client", "client")
    freelancer = open_demo_thread(browser, server, "demo-freelancer", "freelancer")
    send(freelancer, "call me on +44 7911 123456")
    client.get_by_test_id("policy-notice").first.wait_for()
    client.get_by_test_id("call-video").click()
    freelancer.get_by_test_id("call-accept").click()
    for page in (client, freelancer):
        page.wait_for_function(REMOTE_PLAYING, timeout=30000)
    for page in (client, freelancer):
        page.get_by_test_id("call-record").click()
    client.get_by_test_id("recording-indicator").wait_for(timeout=15000)
    client.wait_for_timeout(3000)
    client.get_by_test_id("call-hangup").click()
    client.get_by_test_id("call-log-item").wait_for(timeout=20000)

    auditor = browser.new_context(accept_downloads=True).new_page()
    auditor.goto(server.token_link("demo-auditor", "auditor"))
    auditor.get_by_test_id("audit-search").wait_for()
    auditor.get_by_test_id("audit-result").first.wait_for(timeout=15000)
    auditor.get_by_test_id("audit-result").first.get_by_text("Review").click()
    timeline = auditor.get_by_test_id("audit-timeline")
    timeline.wait_for()
    assert "original: call me on +44 7911 123456" in timeline.inner_text()
    assert "verified" in auditor.get_by_test_id("audit-verify-status").inner_text()
    auditor.wait_for_function(VIDEO_READY, timeout=20000)
    with auditor.expect_download() as info:
        auditor.get_by_test_id("audit-export").click()
    verdict = verify_bundle(Path(info.value.path()))
    assert verdict.ok, verdict.problems
    auditor.get_by_test_id("case-list").wait_for()
    for chart in ("chart-calls", "chart-duration", "chart-findings"):
        assert auditor.get_by_test_id(chart).locator("div").count() >= 1, chart
    assert auditor.get_by_test_id("open-cases").inner_text().startswith("Open cases: ")
