"""The message list renders incrementally: a message that arrives is inserted as one new
element, and the elements already on the page stay the same DOM nodes — when a message
arrives, when one is sent, and across a reconnect (the rejoin brings no full redraw)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.tour import check_page

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]

# Remember the message elements now on the page (by reference, in the page itself).
KEEP = """() => {
  window.__kept = [...document.querySelectorAll('[data-testid="message-item"]')];
  return window.__kept.length;
}"""
# How many remembered elements are still the very nodes the list shows, in the same order.
SAME = """() => {
  const now = [...document.querySelectorAll('[data-testid="message-item"]')];
  return window.__kept.filter((el, i) => el.isConnected && now[i] === el).length;
}"""
ITEMS = "() => document.querySelectorAll('[data-testid=\"message-item\"]').length"


def signed_in(browser: Any, server: Server, user: str, role: str, route: Any = None) -> Any:
    page = browser.new_context().new_page()
    if route is not None:
        page.route_web_socket(re.compile(r".*/socket\.io/.*"), route)
    page.goto(server.token_link(user, role))
    page.get_by_test_id("thread-item").first.click()
    page.get_by_test_id("message-list").wait_for()
    return page


def send(page: Any, text: str) -> None:
    page.get_by_test_id("message-input").fill(text)
    page.get_by_test_id("message-send").click()


def test_existing_message_elements_survive_new_messages_and_a_reconnect(
    browser: Any, server: Server
) -> None:
    sockets: list[tuple[Any, Any]] = []
    offline = {"on": False}

    def route(ws: Any) -> None:
        if offline["on"]:
            ws.close()
            return
        sockets.append((ws, ws.connect_to_server()))

    client = signed_in(browser, server, "demo-client", "client")
    freelancer = signed_in(browser, server, "demo-freelancer", "freelancer", route)
    for i in range(3):
        send(client, f"before {i}")
    freelancer.get_by_test_id("message-list").get_by_text("before 2").wait_for()
    kept = int(freelancer.evaluate(KEEP))
    assert kept >= 3

    # a message arrives: one element more, every earlier one is the same node
    send(client, "a new one")
    freelancer.get_by_test_id("message-list").get_by_text("a new one").wait_for()
    assert freelancer.evaluate(ITEMS) == kept + 1
    assert freelancer.evaluate(SAME) == kept

    # one is sent from this page: its pending element gives way to the stored message
    send(freelancer, "my answer")
    client.get_by_test_id("message-list").get_by_text("my answer").wait_for()
    freelancer.wait_for_function("n => " + ITEMS + "() === n", arg=kept + 2)
    assert freelancer.evaluate(SAME) == kept

    # the socket drops and comes back: the rejoin adds what was missed, redraws nothing
    kept = int(freelancer.evaluate(KEEP))
    offline["on"] = True
    for page_side, server_side in sockets:
        page_side.close()
        server_side.close()
    freelancer.get_by_test_id("connection").filter(has_text="Offline").wait_for()
    send(client, "while you were away")
    offline["on"] = False
    freelancer.get_by_test_id("message-list").get_by_text("while you were away").wait_for(
        timeout=30000
    )
    assert freelancer.evaluate(ITEMS) == kept + 1
    assert freelancer.evaluate(SAME) == kept
    check_page(freelancer, None)
