"""Files, reports and the auditor case workflow in Chromium (issue 14 items 3 and 4), with
screenshots under docs/tour/ (files_*, cases_*) for the README's tour.

- A party attaches a file with the picker (upload progress shown, the upload throttled so the
  bar is seen mid-way), the other party sees the card and downloads the same bytes.
- A PDF with an email dropped onto the thread is refused and the sender is told why; an
  executable is refused.
- Report buttons on the thread and on a call record open a dialog that keeps focus inside.
- The auditor works the reported case from the console: assignee, status, legal hold, a note,
  the case's bundle (verifies offline); exporting a thread's bundle opens no case.
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from signaling.audit.bundle import verify_bundle
from tests.api.test_files import make_pdf
from tests.browser.conftest import Server
from tests.browser.test_chat_and_call import open_demo_thread
from tests.browser.tour import PHONE, check_page

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]

FOCUS_IN_DIALOG = """(id) => {
  const d = document.querySelector(`[data-testid="${id}"]`);
  return !!d && d.contains(document.activeElement);
}"""
QUEUE_COUNTS = """([open, reviewing, resolved]) => {
  const dd = [...document.querySelectorAll('[data-testid="queue-counts"] dd')];
  return dd.map((d) => Number(d.textContent)).join() === [open, reviewing, resolved].join();
}"""
PART_WAY = """() => {
  const row = document.querySelector('[data-testid="upload-row"]');
  const done = row ? Number(row.dataset.progress) : 0;
  return done >= 10 && done < 100;
}"""
DROP_FILE = """([name, bytes, type]) => {
  const data = new DataTransfer();
  data.items.add(new File([new Uint8Array(bytes)], name, { type }));
  const target = document.querySelector('[data-testid="message-list"]');
  for (const kind of ["dragenter", "dragover", "drop"]) {
    const init = { bubbles: true, cancelable: true, dataTransfer: data };
    target.dispatchEvent(new DragEvent(kind, init));
  }
}"""


def api(server: Server, path: str, token: str) -> Any:
    request = urllib.request.Request(
        f"{server.url}{path}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.loads(resp.read())


def token_of(server: Server, user: str, role: str) -> str:
    return server.token_link(user, role).split("#token=", 1)[1]


def test_attach_with_progress_download_and_refusals(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    client = open_demo_thread(browser, server, "demo-client", "client")
    freelancer_context = browser.new_context(accept_downloads=True)
    freelancer = freelancer_context.new_page()
    freelancer.goto(server.token_link("demo-freelancer", "freelancer"))
    freelancer.get_by_test_id("thread-item").first.click()
    freelancer.get_by_test_id("message-list").wait_for()

    brief = tmp_path / "project-brief.txt"
    content = b"Logo brief: three colours, a round mark, a wordmark.\n" * 30_000  # ~1.6 MB
    brief.write_bytes(content)
    # Slow the upload down (Chromium's network emulation) so the bar is seen part-way.
    cdp = client.context.new_cdp_session(client)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 400_000},
    )
    client.get_by_test_id("file-input").set_input_files(str(brief))
    row = client.get_by_test_id("upload-row")
    client.wait_for_function(PART_WAY, timeout=20000)
    assert "Uploading project-brief.txt" in row.inner_text()
    check_page(client, "files_upload_progress")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    client.get_by_test_id("file-card").wait_for(timeout=30000)
    assert client.get_by_test_id("upload-row").count() == 0

    card = freelancer.get_by_test_id("file-card")
    card.wait_for(timeout=15000)
    assert "project-brief.txt" in card.inner_text() and "text/plain" in card.inner_text()
    check_page(freelancer, "files_thread")
    freelancer.set_viewport_size(PHONE)  # the card and the attach button on a phone
    freelancer.get_by_test_id("file-attach").scroll_into_view_if_needed()
    check_page(freelancer, "files_phone")
    freelancer.set_viewport_size({"width": 1280, "height": 720})
    with freelancer.expect_download() as info:
        card.get_by_test_id("file-download").click()
    download = info.value
    assert download.suggested_filename == "project-brief.txt"
    assert hashlib.sha256(Path(download.path()).read_bytes()).hexdigest() == (
        hashlib.sha256(content).hexdigest()
    )

    # Dropped onto the thread: a PDF with an email is refused before a contract, and says why.
    pdf = make_pdf("Portfolio - write to felix.dev42@gmail.com")
    freelancer.evaluate(DROP_FILE, ["portfolio.pdf", list(pdf), "application/pdf"])
    refused = freelancer.locator('[data-testid="upload-row"].error')
    refused.wait_for(timeout=15000)
    text = refused.inner_text()
    assert "portfolio.pdf was not shared" in text and "contact details" in text
    assert "cannot be edited" in text
    freelancer.get_by_test_id("policy-notice").last.wait_for()
    # one drop, one upload (the view is re-rendered into the same element: listeners replaced)
    assert freelancer.get_by_test_id("policy-notice").count() == 1
    check_page(freelancer, "files_blocked")
    freelancer.evaluate(DROP_FILE, ["setup.exe", list(b"MZ\x90\x00" + bytes(64)), ""])
    freelancer.get_by_text("Programs and scripts cannot be shared here.").wait_for(timeout=15000)
    assert freelancer.get_by_test_id("file-card").count() == 1


def test_report_buttons_and_the_auditor_case_workflow(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    client = open_demo_thread(browser, server, "demo-client", "client")
    freelancer = open_demo_thread(browser, server, "demo-freelancer", "freelancer")

    # A call record to report: the client calls, the freelancer declines.
    client.get_by_test_id("call-audio").click()
    freelancer.get_by_test_id("call-decline").click(timeout=20000)
    freelancer.get_by_test_id("call-log-item").wait_for(timeout=20000)

    # The thread's Report button: the dialog holds focus; Escape closes it and gives it back.
    opener = freelancer.get_by_test_id("report-thread")
    opener.click()
    freelancer.get_by_test_id("report-dialog").wait_for()
    assert freelancer.evaluate(FOCUS_IN_DIALOG, "report-dialog")
    for key in ["Tab"] * 5 + ["Shift+Tab"] * 5:
        freelancer.keyboard.press(key)
        assert freelancer.evaluate(FOCUS_IN_DIALOG, "report-dialog"), key
    freelancer.keyboard.press("Escape")
    assert freelancer.get_by_test_id("report-dialog").count() == 0
    assert freelancer.evaluate("() => document.activeElement.dataset.testid") == "report-thread"
    opener.click()
    freelancer.get_by_test_id("report-submit").click()
    assert "say what happened" in freelancer.get_by_test_id("report-error").inner_text()
    freelancer.get_by_test_id("report-reason").fill("The client keeps asking for my phone number.")
    check_page(freelancer, "cases_report_dialog")
    freelancer.get_by_test_id("report-submit").click()
    freelancer.get_by_test_id("report-sent").wait_for()
    freelancer.get_by_test_id("report-done").click()

    # The call record's Report button reports that call (here on a phone).
    freelancer.set_viewport_size(PHONE)
    freelancer.get_by_test_id("call-log-item").get_by_test_id("report-call").click()
    freelancer.get_by_test_id("report-reason").fill("Rude on the call.")
    check_page(freelancer, "cases_report_call_phone")
    freelancer.get_by_test_id("report-submit").click()
    freelancer.get_by_test_id("report-sent").wait_for()
    freelancer.keyboard.press("Escape")

    auditor_token = token_of(server, "demo-auditor", "auditor")
    cases = api(server, "/api/audit/cases", auditor_token)["cases"]
    assert len(cases) == 2
    call_case = next(c for c in cases if c["call_id"])
    assert call_case["reason"] == "Rude on the call." and call_case["source"] == "report"

    auditor = browser.new_context(accept_downloads=True).new_page()
    auditor.goto(server.token_link("demo-auditor", "auditor"))
    items = auditor.get_by_test_id("case-item")
    items.first.wait_for(timeout=15000)
    assert items.count() == 2
    phone_case = auditor.locator('[data-testid="case-item"]', has_text="asking for my phone number")
    phone_case.get_by_test_id("case-open").click()
    panel = auditor.get_by_test_id("case-panel")
    panel.wait_for()
    auditor.get_by_test_id("case-assignee").select_option("demo-auditor")
    auditor.get_by_test_id("case-status").select_option("reviewing")
    auditor.get_by_test_id("case-hold").check()
    auditor.get_by_test_id("case-note").fill("Asked the client to keep contact on the platform.")
    auditor.get_by_test_id("case-save").click()
    auditor.get_by_test_id("case-saved").filter(has_text="Saved.").wait_for()
    notes = auditor.get_by_test_id("case-note-item").all_inner_texts()
    assert any("Asked the client to keep contact" in n for n in notes)
    assert auditor.get_by_test_id("case-status").input_value() == "reviewing"
    assert auditor.get_by_test_id("case-hold").is_checked()
    reviewing = auditor.locator('[data-testid="case-item"][data-status="reviewing"]')
    reviewing.wait_for()
    assert "assigned to demo-auditor" in reviewing.inner_text()
    assert "Legal hold" in reviewing.inner_text()
    auditor.set_viewport_size({"width": 1280, "height": 1000})
    auditor.get_by_test_id("case-list").evaluate("el => el.scrollIntoView()")
    check_page(auditor, "cases_console")
    stored = api(server, f"/api/audit/cases/{panel.get_attribute('data-case-id')}", auditor_token)
    assert stored["assignee_id"] == "demo-auditor" and stored["legal_hold"] is True
    assert stored["status"] == "reviewing"

    with auditor.expect_download() as info:
        auditor.get_by_test_id("case-bundle").click()
    verdict = verify_bundle(Path(info.value.path()))
    assert verdict.ok, verdict.problems

    # Exporting the thread's bundle from its timeline opens no case.
    auditor.get_by_test_id("case-timeline").click()
    auditor.get_by_test_id("audit-timeline").wait_for()
    with auditor.expect_download() as info:
        auditor.get_by_test_id("audit-export").click()
    assert verify_bundle(Path(info.value.path())).ok
    assert len(api(server, "/api/audit/cases", auditor_token)["cases"]) == 2
    access = api(server, "/api/audit/access", token_of(server, "demo-admin", "admin"))["access"]
    assert any('"thread.export"' in json.dumps(a) for a in access)

    # Resolve it.
    auditor.get_by_test_id("case-status").select_option("resolved")
    auditor.get_by_test_id("case-save").click()
    auditor.locator('[data-testid="case-item"][data-status="resolved"]').wait_for()
    # the sidebar's counts follow a change made in the case panel
    auditor.wait_for_function(QUEUE_COUNTS, arg=[1, 0, 1])
    check_page(auditor, "cases_resolved")
