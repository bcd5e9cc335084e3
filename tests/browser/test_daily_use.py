"""The web client as people use it every day, on a phone (390 by 844) unless said otherwise:
one column with a back button, unread counts and the title badge, activity order and
previews, typing, read receipts that survive a reload, messages typed offline, the contact
warning before sending, notifications, an incoming call that takes focus, the scheduler.
Every state visited is checked with axe-core and for horizontal scrolling; screenshots go to
docs/tour/."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest

from signaling.domain.messages import SYSTEM_AUTHOR, MessageKind, NewMessage
from signaling.store.sql import SqlStore, make_engine
from tests.browser.conftest import Server
from tests.browser.tour import (
    PHONE,
    api,
    assert_no_horizontal_scroll,
    check_page,
    sign_in_link,
    token_for,
    within_viewport,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]

# Records every Notification the page creates (the real one is still shown) and lets the
# test say whether the tab is hidden, as when the person switched to another tab.
NOTIFICATIONS_AND_VISIBILITY = """
(() => {
  const Real = window.Notification;
  window.__notes = [];
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notes.push({ title, body: options && options.body });
    }
  }
  Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
  Recorded.requestPermission = (...a) => Real.requestPermission(...a);
  window.Notification = Recorded;
  window.__hidden = false;
  Object.defineProperty(document, "visibilityState", {
    get: () => (window.__hidden ? "hidden" : "visible"),
  });
  Object.defineProperty(document, "hidden", { get: () => window.__hidden });
})();
"""


def phone(browser: Any, server: Server, user: str, role: str, **context: Any) -> Any:
    ctx = browser.new_context(viewport=PHONE, **context)
    page = ctx.new_page()
    page.add_init_script(NOTIFICATIONS_AND_VISIBILITY)
    return page


def signed_in(page: Any, server: Server, user: str, role: str) -> Any:
    page.goto(sign_in_link(server.url, user, role))
    page.get_by_test_id("thread-list").wait_for()
    return page


def set_hidden(page: Any, hidden: bool) -> None:
    page.evaluate(
        "h => { window.__hidden = h; document.dispatchEvent(new Event('visibilitychange')); }",
        hidden,
    )


def second_thread(server: Server) -> str:
    token = token_for(server.url, "demo-client", "client")
    thread = api(
        server.url,
        "POST",
        "/api/threads",
        token,
        {
            "job_id": "job-bakery",
            "job_title": "Logo for a bakery",
            "freelancer_id": "demo-freelancer",
        },
    )
    return str(thread["id"])


def open_thread(page: Any, title: str) -> None:
    page.get_by_test_id("thread-item").filter(has_text=title).click()
    page.get_by_test_id("message-list").wait_for()


def send(page: Any, text: str) -> None:
    page.get_by_test_id("message-input").fill(text)
    page.get_by_test_id("message-send").click()


def test_phone_chat_unread_order_receipts_typing_and_warning(browser: Any, server: Server) -> None:
    second_thread(server)
    freelancer = signed_in(
        phone(browser, server, "demo-freelancer", "freelancer"),
        server,
        "demo-freelancer",
        "freelancer",
    )
    client = signed_in(
        phone(browser, server, "demo-client", "client"), server, "demo-client", "client"
    )
    # one column: the list fills the phone, no thread is open yet
    items = freelancer.get_by_test_id("thread-item")
    assert items.count() == 2
    assert not freelancer.get_by_test_id("message-list").is_visible()
    check_page(freelancer, "phone-thread-list")

    open_thread(client, "React dashboard")
    assert not client.get_by_test_id("thread-list").is_visible()  # the thread replaced it
    send(client, "Hello Felix, thanks for applying! When could you start?")

    # the freelancer's list: the dashboard thread moves to the top, with a count and preview
    first = freelancer.get_by_test_id("thread-item").first
    first.get_by_test_id("thread-unread").wait_for()
    assert "React dashboard" in first.inner_text()
    assert first.get_by_test_id("thread-unread").inner_text().split() == ["1", "unread"]
    assert "Carla Client: Hello Felix" in first.get_by_test_id("thread-preview").inner_text()
    assert freelancer.title() == "(1) Interviews"
    check_page(freelancer, "phone-unread")

    # the client's message was delivered to the freelancer's open socket, not yet seen
    receipt = client.get_by_test_id("receipt").last
    client.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=receipt]')].pop()"
        ".dataset.status === 'delivered'"
    )
    open_thread(freelancer, "React dashboard")
    freelancer.get_by_test_id("back-to-threads").wait_for()
    freelancer.wait_for_function("() => document.title === 'Interviews'")
    client.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=receipt]')].pop()"
        ".dataset.status === 'seen'"
    )
    assert receipt.inner_text() == "Seen"

    # typing: the other side sees it while the freelancer writes
    freelancer.get_by_test_id("message-input").press_sequentially("Next week wo")
    client.get_by_test_id("typing").filter(has_text="Felix Freelancer is typing").wait_for()

    # the warning before sending: contact details will be removed
    freelancer.get_by_test_id("message-input").fill("Sure! my email is felix.dev42@gmail.com")
    warning = freelancer.get_by_test_id("policy-preview")
    warning.filter(has_text="Contact details will be removed before sending").wait_for()
    assert "email" in warning.inner_text()
    check_page(freelancer, "phone-thread-warning")
    freelancer.get_by_test_id("message-send").click()
    notice = client.get_by_test_id("policy-notice").first
    notice.wait_for()
    assert notice.locator("summary").inner_text().startswith("Contact details were removed: email")
    check_page(client, "phone-thread")

    # receipts are stored: after a reload the client still sees "Seen"
    client.reload()  # the address keeps the open thread (#thread=…)
    client.get_by_test_id("receipt").first.wait_for()
    client.wait_for_function(
        "() => document.querySelector('[data-testid=receipt]').dataset.status === 'seen'"
    )

    # back to the list
    freelancer.get_by_test_id("back-to-threads").click()
    freelancer.get_by_test_id("thread-item").first.wait_for()
    assert not freelancer.get_by_test_id("message-list").is_visible()
    assert_no_horizontal_scroll(freelancer)


def test_offline_messages_wait_and_go_on_reconnect(browser: Any, server: Server) -> None:
    sockets: list[Any] = []
    offline = {"on": False}

    def route(ws: Any) -> None:
        if offline["on"]:
            ws.close()
            return
        server_side = ws.connect_to_server()
        sockets.append((ws, server_side))

    client = phone(browser, server, "demo-client", "client")
    client.route_web_socket(re.compile(r".*/socket\.io/.*"), route)
    signed_in(client, server, "demo-client", "client")
    open_thread(client, "React dashboard")
    freelancer = signed_in(
        phone(browser, server, "demo-freelancer", "freelancer"),
        server,
        "demo-freelancer",
        "freelancer",
    )
    open_thread(freelancer, "React dashboard")
    send(client, "first, while online")
    freelancer.get_by_test_id("message-list").get_by_text("first, while online").wait_for()

    offline["on"] = True
    for page_side, server_side in sockets:
        page_side.close()
        server_side.close()
    client.get_by_test_id("connection").filter(has_text="Offline").wait_for()
    send(client, "typed in a tunnel")
    send(client, "and another one")
    pending = client.get_by_test_id("message-pending")
    assert pending.count() == 2
    assert pending.first.get_by_test_id("receipt").inner_text() == "Waiting for connection…"
    check_page(client, "phone-offline-pending")

    offline["on"] = False  # socket.io reconnects by itself; the outbox is sent
    # (wait on the client's page first: its WebSocket route handler runs while Playwright
    # waits on that page)
    client.wait_for_function(
        "() => !document.querySelector('[data-testid=message-pending]')", timeout=30000
    )
    freelancer.get_by_test_id("message-list").get_by_text("and another one").wait_for()
    texts = freelancer.locator('[data-testid="message-item"][data-kind="text"] .text')
    assert texts.all_inner_texts() == [
        "first, while online",
        "typed in a tunnel",
        "and another one",
    ]


def test_notifications_and_an_incoming_call_that_takes_focus(browser: Any, server: Server) -> None:
    freelancer_ctx = browser.new_context(viewport=PHONE)
    freelancer_ctx.grant_permissions(["notifications"])
    freelancer = freelancer_ctx.new_page()
    freelancer.add_init_script(NOTIFICATIONS_AND_VISIBILITY)
    signed_in(freelancer, server, "demo-freelancer", "freelancer")
    client = signed_in(
        phone(browser, server, "demo-client", "client"), server, "demo-client", "client"
    )
    open_thread(client, "React dashboard")

    set_hidden(freelancer, True)  # the freelancer switched to another tab
    send(client, "Are you there?")
    freelancer.wait_for_function("() => window.__notes.length === 1")
    note = freelancer.evaluate("() => window.__notes[0]")
    assert note["title"].startswith("Carla Client") and note["body"] == "Are you there?"

    client.get_by_test_id("call-video").click()
    freelancer.wait_for_function("() => window.__notes.length === 2")
    assert freelancer.evaluate("() => window.__notes[1].title") == "Incoming video call"
    set_hidden(freelancer, False)

    # the call rings in the thread, focus is on Accept and Tab stays in the dialog
    freelancer.get_by_test_id("incoming-call").wait_for()
    active = "() => document.activeElement && document.activeElement.dataset.testid"
    assert freelancer.evaluate(active) == "call-accept"
    for _ in range(3):
        freelancer.keyboard.press("Tab")
        assert freelancer.evaluate(active) in ("call-accept", "call-decline")
    check_page(freelancer, "phone-incoming-call")
    freelancer.get_by_test_id("call-accept").click()
    for page in (client, freelancer):
        page.get_by_test_id("in-call").wait_for()
        page.wait_for_function(
            "() => { const v = document.querySelector('[data-testid=remote-video]');"
            " return v && v.videoWidth > 0; }",
            timeout=30000,
        )
    for control in ("call-mute", "call-camera", "call-hangup"):
        assert within_viewport(client, control), control
    client.get_by_test_id("call-mute").click()
    freelancer.get_by_test_id("remote-muted").filter(has_text="muted").wait_for()
    check_page(freelancer, "phone-call")
    client.get_by_test_id("call-hangup").click()
    freelancer.get_by_test_id("call-log-item").wait_for(timeout=20000)


def test_scheduler_labels_errors_and_cards_that_update(browser: Any, server: Server) -> None:
    client = signed_in(
        phone(browser, server, "demo-client", "client"), server, "demo-client", "client"
    )
    freelancer = signed_in(
        phone(browser, server, "demo-freelancer", "freelancer"),
        server,
        "demo-freelancer",
        "freelancer",
    )
    for page in (client, freelancer):
        open_thread(page, "React dashboard")
    client.get_by_test_id("schedule-open").click()
    dialog = client.get_by_test_id("scheduler")
    dialog.wait_for()
    # labelled inputs, the zone shown, focus inside the dialog
    assert client.get_by_label("Option 1").is_visible()
    assert client.get_by_label("Length (minutes)").input_value() == "30"
    assert client.get_by_label("Kind of call").is_visible()
    assert "Times are in your time zone:" in client.get_by_test_id("schedule-zone").inner_text()
    assert client.evaluate("() => document.activeElement.id") == "schedule-slot-0"
    # an empty form gets a human message
    client.get_by_test_id("schedule-propose").click()
    error = client.get_by_test_id("schedule-error")
    assert error.inner_text() == "Pick at least one time."
    check_page(client, "phone-scheduler")
    # Escape closes it; it opens again
    client.keyboard.press("Escape")
    assert not dialog.is_visible()
    client.get_by_test_id("schedule-open").click()

    day = datetime.now() + timedelta(days=3)
    client.get_by_label("Option 1").fill(day.strftime("%Y-%m-%dT10:00"))
    client.get_by_label("Option 2 (optional)").fill(day.strftime("%Y-%m-%dT15:30"))
    client.get_by_test_id("schedule-propose").click()
    client.get_by_test_id("scheduler").wait_for(state="detached")
    accept = freelancer.get_by_test_id("schedule-accept")
    accept.first.wait_for()
    assert accept.count() == 2
    check_page(freelancer, "phone-schedule-proposed")
    accept.nth(1).click()
    accepted = '[data-testid="schedule-item"][data-event="accepted"]'
    for page in (client, freelancer):
        page.wait_for_selector(accepted)
        # the proposal card was updated in place: its Accept buttons are gone
        assert page.get_by_test_id("schedule-accept").count() == 0
        proposal = page.locator('[data-testid="schedule-item"][data-event="proposed"]')
        assert "accepted" in proposal.inner_text()
        assert page.get_by_test_id("schedule-cancel").count() == 1
    check_page(freelancer, "phone-schedule-accepted")

    # Ten minutes after the start the server posts the attendance (MeetingService tick); the
    # same message is written here into the server's database, as that tick would.
    token = token_for(server.url, "demo-freelancer", "freelancer")
    thread_id = freelancer.evaluate("() => location.hash.replace('#thread=', '')")
    messages = api(server.url, "GET", f"/api/threads/{thread_id}/messages", token)["messages"]
    accepted_body = next(m["body"] for m in messages if m["body"].get("event") == "accepted")
    post_attendance(server, thread_id, accepted_body)
    freelancer.reload()
    card = freelancer.locator('[data-testid="schedule-item"][data-event="attendance"]')
    card.wait_for()
    result = card.get_by_test_id("attendance-result").inner_text()
    assert "Carla Client joined on time" in result and "You joined 3 min late" in result
    assert card.get_by_role("button").count() == 0  # a result, not the buttons again
    check_page(freelancer, "phone-attendance")


def post_attendance(server: Server, thread_id: str, accepted: dict[str, Any]) -> None:
    body = {
        "event": "attendance",
        "schedule_id": accepted["schedule_id"],
        "slot": accepted["slot"],
        "attendance": {
            "demo-client": {"status": "on_time", "delay_seconds": None},
            "demo-freelancer": {"status": "late", "delay_seconds": 185.0},
        },
        "summary": "Scheduled call: demo-client joined on time; demo-freelancer joined 3 min late.",
    }

    async def write() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{server.data_dir / 'interview.sqlite3'}")
        try:
            await SqlStore(engine).append_message(
                NewMessage(thread_id, SYSTEM_AUTHOR, MessageKind.SCHEDULE, body)
            )
        finally:
            await engine.dispose()

    # Playwright's sync API owns this thread's event loop: write from a thread of its own.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, write()).result(timeout=30)


def test_sign_in_page_on_a_phone(browser: Any, server: Server) -> None:
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(server.url)
    page.get_by_test_id("signin-client").wait_for()
    check_page(page, "phone-sign-in")
