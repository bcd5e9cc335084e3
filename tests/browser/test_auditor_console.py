"""The auditor console in Chromium: a recorded call and a redacted message, then search, open
the thread, see it verify, play the recording, and export a bundle that verifies offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from signaling.audit.bundle import verify_bundle
from tests.browser.conftest import Server
from tests.browser.test_chat_and_call import REMOTE_PLAYING, send
from tests.browser.tour import PHONE, check_page, sign_in_link

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]

VIDEO_READY = """() => { const v = document.querySelector('[data-testid="audit-recording"]');
  return v && v.readyState >= 1 && v.duration > 0.5; }"""


def demo_thread(browser: Any, server: Server, user: str, role: str) -> Any:
    page = browser.new_context().new_page()
    page.goto(sign_in_link(server.url, user, role))  # under the demo names
    page.get_by_test_id("thread-item").first.click()
    page.get_by_test_id("message-list").wait_for()
    return page


def test_auditor_finds_reviews_verifies_plays_and_exports(browser: Any, server: Server) -> None:
    client = demo_thread(browser, server, "demo-client", "client")
    freelancer = demo_thread(browser, server, "demo-freelancer", "freelancer")
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
    auditor.goto(sign_in_link(server.url, "demo-auditor", "auditor"))
    auditor.get_by_test_id("audit-search").wait_for()
    auditor.get_by_test_id("audit-result").first.wait_for(timeout=15000)
    auditor.get_by_test_id("audit-result").first.get_by_text("Review").click()
    timeline = auditor.get_by_test_id("audit-timeline")
    timeline.wait_for()
    assert "original: call me on +44 7911 123456" in timeline.inner_text()
    assert "verified" in auditor.get_by_test_id("audit-verify-status").inner_text()
    check_page(auditor, "auditor-review")
    # recordings are collapsed behind a labelled row; opening it loads the player
    row = auditor.get_by_test_id("audit-recording-row").first
    assert "SHA-256" in row.inner_text() and "Carla Client" in row.inner_text()
    assert auditor.get_by_test_id("audit-recording").count() == 0
    row.locator("summary").click()
    auditor.wait_for_function(VIDEO_READY, timeout=20000)
    with auditor.expect_download() as info:
        auditor.get_by_test_id("audit-export").click()
    verdict = verify_bundle(Path(info.value.path()))
    assert verdict.ok, verdict.problems
    auditor.get_by_test_id("case-list").wait_for()
    for chart in ("chart-calls", "chart-duration", "chart-findings"):
        figure = auditor.get_by_test_id(chart)
        assert figure.locator("svg rect.bar").count() >= 1, chart  # a bar per day
        assert figure.locator("svg line.axis").count() == 2, chart  # both axes
        assert figure.locator("table tbody tr").count() >= 1, chart  # the table alternative
    assert auditor.get_by_test_id("open-cases").inner_text().startswith("Open cases: ")
    check_page(auditor, "auditor-console")

    # search by a person's name: names shown next to ids
    auditor.get_by_label("Person").fill("felix")
    auditor.get_by_role("button", name="Search", exact=True).click()
    auditor.wait_for_function(
        "() => document.querySelector('[data-testid=audit-search-status]').textContent"
        ".startsWith('1 call')"
    )
    assert (
        "Felix Freelancer (demo-freelancer)" in auditor.get_by_test_id("audit-result").inner_text()
    )
    auditor.get_by_label("Person").fill("nobody-by-this-name")
    auditor.get_by_role("button", name="Search", exact=True).click()
    auditor.get_by_test_id("audit-search-status").filter(has_text="No calls match").wait_for()
    # readable labels, not raw words
    labels = auditor.get_by_test_id("audit-timeline").locator(".tag").all_inner_texts()
    assert "Policy notice" in labels and "Call" in labels
    assert not {"schedule", "policy", "call", "text"} & set(labels)
    # the queue in the sidebar instead of "No threads yet"
    assert "No threads yet" not in auditor.get_by_test_id("thread-list").inner_text()
    auditor.get_by_test_id("queue-counts").wait_for()

    # the same console on a phone: one column, no horizontal scroll, a player that fits
    auditor.set_viewport_size(PHONE)
    auditor.get_by_test_id("audit-result").first.wait_for(state="detached")
    auditor.get_by_label("Person").fill("")
    auditor.get_by_role("button", name="Search", exact=True).click()
    auditor.get_by_test_id("audit-result").first.get_by_text("Review").click()
    auditor.get_by_test_id("audit-recording-row").first.locator("summary").click()
    video = auditor.get_by_test_id("audit-recording").first
    video.wait_for()
    box = video.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"] and box["height"] <= 340
    check_page(auditor, "phone-auditor-console")
