"""Devices mid-call: the microphone (and the camera, where there are two) is switched during a
call with replaceTrack — the call goes on without a new offer — and the speaker can be chosen
where the browser has setSinkId."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.test_chat_and_call import video_call
from tests.browser.tour import check_page

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]

LOCAL_DEVICE = """k => document.querySelector('[data-testid="local-video"]').srcObject
  .getTracks().find(t => t.kind === k && t.readyState === 'live')?.getSettings().deviceId"""
FRAMES = """() => document.querySelector('[data-testid="remote-video"]')
  .getVideoPlaybackQuality().totalVideoFrames"""
# Count the media offers this page sends from now on (a renegotiation would send one).
COUNT_OFFERS = """() => { window.__offers = 0;
  const orig = RTCPeerConnection.prototype.createOffer;
  RTCPeerConnection.prototype.createOffer = function (...a) {
    window.__offers++; return orig.apply(this, a);
  };
}"""


def switch(page: Any, testid: str, kind: str) -> str:
    select = page.get_by_test_id(testid)
    before = page.evaluate(LOCAL_DEVICE, kind)
    options = [o for o in select.locator("option").evaluate_all("os => os.map(o => o.value)")]
    target = next(o for o in options if o != before)
    select.select_option(target)
    page.wait_for_function(f"([k, id]) => ({LOCAL_DEVICE})(k) === id", arg=[kind, target])
    return str(target)


def test_switch_microphone_and_camera_mid_call_without_renegotiating(
    browser: Any, server: Server
) -> None:
    client, freelancer = video_call(browser, server)
    client.evaluate(COUNT_OFFERS)
    mics = client.get_by_test_id("device-microphone").locator("option").count()
    assert mics >= 2, "Chromium's fake devices offer several microphones"
    switch(client, "device-microphone", "audio")
    cameras = client.get_by_test_id("device-camera").locator("option").count()
    if cameras >= 2:
        switch(client, "device-camera", "video")
    # The other side keeps receiving the client's video, and no new offer was made.
    start = int(freelancer.evaluate(FRAMES))
    freelancer.wait_for_function(f"n => ({FRAMES})() > n + 15", arg=start, timeout=30000)
    assert client.evaluate("() => window.__offers") == 0
    # Speaker choice where setSinkId exists (Chromium has it).
    if client.evaluate("() => 'setSinkId' in HTMLMediaElement.prototype"):
        speakers = client.get_by_test_id("device-speaker")
        assert speakers.locator("option").count() >= 1
        sink = speakers.locator("option").last.get_attribute("value")
        speakers.select_option(sink)
        client.wait_for_function(
            "id => document.querySelector('[data-testid=\"remote-video\"]').sinkId === id",
            arg=sink,
        )
    check_page(client, "call_devices")  # axe-core, no horizontal scroll, a screenshot
    client.get_by_test_id("call-hangup").click()
