"""Call tiles: an audio call shows each person's initials and name instead of black boxes, every
tile is labelled with the person's name, and the speaking indicator follows the audio level."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.test_chat_and_call import REMOTE_PLAYING, open_demo_thread
from tests.browser.tour import check_page

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]

SPEAKING = """() => document.querySelector('[data-testid="tile-remote"]')?.dataset.speaking"""
CONNECTED = (
    "() => document.querySelector('[data-testid=\"in-call\"]')?.dataset.state === 'connected'"
)


def test_audio_call_shows_names_initials_and_who_speaks(browser: Any, server: Server) -> None:
    client = open_demo_thread(browser, server, "demo-client", "client")
    freelancer = open_demo_thread(browser, server, "demo-freelancer", "freelancer")
    client.get_by_test_id("call-audio").click()
    freelancer.get_by_test_id("incoming-call").wait_for(timeout=30000)
    freelancer.get_by_test_id("call-accept").click()
    for page in (client, freelancer):
        page.wait_for_function(CONNECTED, timeout=60000)
    names = {
        page: (
            page.get_by_test_id("tile-name-remote").inner_text(),
            page.get_by_test_id("tile-name-local").inner_text(),
        )
        for page in (client, freelancer)
    }
    # Each side sees the other's name (as the thread names them) on the remote tile, and its
    # own name, marked, on the local one.
    for page in (client, freelancer):
        remote, local = names[page]
        assert remote and remote in page.locator(".thread-head").inner_text()
        me = page.get_by_test_id("whoami").inner_text().split(" · ")[0]
        assert local == f"{me} (you)"
    for page in (client, freelancer):
        remote_name = names[page][0]
        avatar = page.get_by_test_id("avatar-remote")
        assert avatar.is_visible()
        expected = "".join(w[0].upper() for w in remote_name.replace("-", " ").split()[::1])
        assert avatar.inner_text() in (expected, expected[0] + expected[-1])
        # no black video boxes in an audio call
        me = page.get_by_test_id("whoami").inner_text().split(" · ")[0]
        mine = "".join(w[0].upper() for w in me.replace("-", " ").split())
        assert page.get_by_test_id("avatar-local").inner_text() in (mine, mine[0] + mine[-1])
        assert page.get_by_test_id("remote-video").is_hidden()
        assert page.get_by_test_id("local-video").is_hidden()
    # Chromium's fake microphone beeps: the other side's tile lights up while it does, and
    # goes quiet between beeps.
    client.wait_for_function(f"() => ({SPEAKING})() === 'true'", timeout=30000)
    check_page(client, "call_audio_speaking")  # axe-core, no horizontal scroll, a screenshot
    client.wait_for_function(f"() => ({SPEAKING})() === 'false'", timeout=30000)
    client.get_by_test_id("call-hangup").click()
    for page in (client, freelancer):
        page.get_by_test_id("call-log-item").wait_for(timeout=30000)


def test_video_tiles_are_labelled_with_names(browser: Any, server: Server) -> None:
    client = open_demo_thread(browser, server, "demo-client", "client")
    freelancer = open_demo_thread(browser, server, "demo-freelancer", "freelancer")
    client.get_by_test_id("call-video").click()
    freelancer.get_by_test_id("incoming-call").wait_for(timeout=30000)
    freelancer.get_by_test_id("call-accept").click()
    for page in (client, freelancer):
        page.wait_for_function(REMOTE_PLAYING, timeout=60000)
        assert page.get_by_test_id("avatar-remote").is_hidden()
        assert page.get_by_test_id("tile-name-remote").inner_text()
    # camera off: the local tile shows initials instead of a black frame
    client.get_by_test_id("call-camera").click()
    assert client.get_by_test_id("avatar-local").is_visible()
    assert client.get_by_test_id("local-video").is_hidden()
    freelancer.get_by_test_id("avatar-remote").wait_for(state="visible", timeout=15000)
    check_page(freelancer, "call_video_camera_off")  # axe-core, no horizontal scroll, a screenshot
    client.get_by_test_id("call-hangup").click()
