"""Issue 11 items 7 and 13 in the browser: a refused socket shows its reason, and a thread
longer than one thread:join page still shows every message."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DIST, Server, start_server

pytestmark = [pytest.mark.browser, pytest.mark.allow_blocking]


@pytest.fixture
def small_server(tmp_path: Path) -> Iterator[Server]:
    if not DIST.is_file():
        pytest.skip("web/dist is not built (run `make web`)")
    srv = start_server(
        tmp_path,
        INTERVIEW_MAX_SOCKETS_PER_USER="1",
        INTERVIEW_THREAD_JOIN_PAGE_SIZE="5",
        INTERVIEW_MESSAGE_BURST="100",
    )
    yield srv
    srv.stop()


def api(server: Server, token: str, method: str, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        f"{server.url}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.loads(resp.read())


def test_a_refused_socket_shows_its_reason(browser: Any, small_server: Server) -> None:
    link = small_server.token_link("demo-client", "client")
    first = browser.new_context().new_page()
    first.goto(link)
    first.get_by_test_id("thread-item").first.wait_for()
    # the second tab is over the one-socket cap: the banner gives the server's reason
    second = browser.new_context().new_page()
    second.goto(small_server.token_link("demo-client", "client"))
    banner = second.get_by_test_id("banner")
    banner.wait_for()
    assert "Not connected: at most 1 connections per user" in banner.inner_text()


def test_a_thread_longer_than_a_join_page_shows_every_message(
    browser: Any, small_server: Server
) -> None:
    link = small_server.token_link("demo-client", "client")
    token = link.split("#token=")[1]
    thread = api(small_server, token, "GET", "/api/threads")["threads"][0]
    before = len(
        api(small_server, token, "GET", f"/api/threads/{thread['id']}/messages")["messages"]
    )
    for i in range(12):
        api(small_server, token, "POST", f"/api/threads/{thread['id']}/messages", {"text": f"n{i}"})
    page = browser.new_context().new_page()
    page.goto(link)
    page.locator(f'[data-testid="thread-item"][data-thread-id="{thread["id"]}"]').click()
    total = before + 12
    assert total > 5  # more than one join page
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=message-item]').length >= n", arg=total
    )
    seqs = page.eval_on_selector_all(
        "[data-testid=message-item]", "items => items.map(i => Number(i.dataset.seq))"
    )
    assert seqs == list(range(1, total + 1))
