"""Issue 11 item 3: sign-in links carry the token in the fragment, never the query string."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.allow_blocking]


def test_fragment_link_signs_in_and_leaves_no_token_behind(browser: Any, server: Server) -> None:
    link = server.token_link("demo-client", "client")
    assert "/#token=" in link and "?token=" not in link
    token = link.split("#token=")[1]
    requested: list[str] = []
    context = browser.new_context()
    page = context.new_page()
    page.on("request", lambda request: requested.append(request.url))
    page.goto(link)
    page.get_by_test_id("thread-item").first.wait_for()
    assert token not in page.url
    assert page.evaluate("sessionStorage.getItem('interview.token')") == token
    assert not [url for url in requested if token in url]  # never sent in a URL
    page.reload()  # the session survives a reload in this tab
    page.get_by_test_id("thread-item").first.wait_for()
    visited = page.evaluate("history.length")
    for _ in range(visited):  # no history entry holds the token (it was replaced)
        assert token not in page.url
        if page.go_back() is None and page.url.startswith("about:"):
            break
    context.close()


def test_query_string_token_does_not_sign_in(browser: Any, server: Server) -> None:
    token = server.token_link("demo-client", "client").split("#token=")[1]
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/?token={token}")
    page.locator(".signin").wait_for()
    assert page.get_by_test_id("thread-item").count() == 0
    assert page.evaluate("sessionStorage.getItem('interview.token')") is None
    context.close()
