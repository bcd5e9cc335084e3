"""Ring anywhere, in every tab: a second tab of the callee rings too, and once one tab answers
the other stops ringing and says the call goes on elsewhere (no dead call panel, and it does
not take the call away when it reloads)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.test_chat_and_call import REMOTE_PLAYING, open_demo_thread
from tests.browser.tour import check_page

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]


def test_second_tab_rings_and_stops_when_the_first_answers(browser: Any, server: Server) -> None:
    client = open_demo_thread(browser, server, "demo-client", "client")
    tab_a = open_demo_thread(browser, server, "demo-freelancer", "freelancer")
    tab_b = tab_a.context.new_page()
    tab_b.goto(server.token_link("demo-freelancer", "freelancer"))
    tab_b.get_by_test_id("thread-item").first.click()
    tab_b.get_by_test_id("message-list").wait_for()

    client.get_by_test_id("call-video").click()
    for tab in (tab_a, tab_b):
        tab.get_by_test_id("incoming-call").wait_for(timeout=30000)
        # the title says so, for a tab in the background
        assert tab.title().startswith("📞 Incoming call from ")
        # the prompt takes focus, on Accept
        assert tab.evaluate("() => document.activeElement?.dataset.testid") == "call-accept"
    tab_a.get_by_test_id("call-accept").click()
    tab_b.get_by_test_id("call-elsewhere").wait_for(timeout=30000)
    assert "Incoming call" not in tab_b.title()
    assert tab_b.get_by_test_id("incoming-call").count() == 0
    assert tab_b.get_by_test_id("in-call").count() == 0
    assert "in another tab" in tab_b.get_by_test_id("call-elsewhere").inner_text()
    for page in (client, tab_a):
        page.wait_for_function(REMOTE_PLAYING, timeout=60000)
    check_page(tab_b, "call_answered_elsewhere")  # axe-core, no horizontal scroll, a screenshot

    # Reloading the other tab does not move the call there.
    tab_b.reload()
    tab_b.get_by_test_id("call-elsewhere").wait_for(timeout=30000)
    tab_a.wait_for_timeout(1500)
    assert tab_b.get_by_test_id("in-call").count() == 0
    assert tab_a.get_by_test_id("in-call").count() == 1
    tab_a.wait_for_function(
        "() => document.querySelector('[data-testid=\"call-quality\"]')?.dataset.quality"
        " !== 'reconnecting'"
    )

    client.get_by_test_id("call-hangup").click()
    for page in (client, tab_a, tab_b):
        page.get_by_test_id("call-log-item").wait_for(timeout=30000)
    assert tab_b.get_by_test_id("call-elsewhere").count() == 0
