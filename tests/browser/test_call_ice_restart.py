"""ICE restart: the network under one party's media goes away mid-call. That party's media runs
only through a TURN relay (coturn), and the test kills the relay, as a network change or a
relay failover does: every allocation on it is gone, so ICE really fails for that page and
only that page. The browser notices, restarts ICE with a fresh offer (``rtc:restart``), video
plays again on both pages, and the thread ends with exactly one call record that notes the
interruption."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import DIST, Coturn, Server, start_server
from tests.browser.test_call_rejoin import FRAMES_ADVANCE, QUALITY, frames
from tests.browser.test_chat_and_call import REMOTE_PLAYING

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.allow_blocking]

# Test-only: this page may use relayed candidates only (iceTransportPolicy "relay"), so its
# media depends on the relay; its peer connections are kept for the test to inspect.
RELAY_ONLY = """(() => {
  const Native = window.RTCPeerConnection;
  window.__peers = [];
  window.__states = [];  // "<peer number>:<ICE state>@<ms>", for the failure message
  window.RTCPeerConnection = class extends Native {
    constructor(config) {
      super({ ...(config || {}), iceTransportPolicy: "relay" });
      window.__peers.push(this);
      const n = window.__peers.length;
      this.addEventListener("iceconnectionstatechange", () =>
        window.__states.push(`${n}:${this.iceConnectionState}@${Math.round(performance.now())}`));
    }
  };
})();"""
# The local candidate type of the newest peer connection's selected pair ("relay", "host"...).
SELECTED_TYPE = """async () => {
  const pc = window.__peers[window.__peers.length - 1];
  if (!pc) return null;
  const stats = [...(await pc.getStats()).values()];
  const transport = stats.find((s) => s.type === "transport" && s.selectedCandidatePairId);
  if (!transport) return null;
  const pair = stats.find((s) => s.id === transport.selectedCandidatePairId);
  return stats.find((s) => s.id === pair.localCandidateId)?.candidateType ?? null;
}"""
PEERS = "() => window.__peers.length"


@pytest.fixture
def relayed_server(tmp_path: Path, coturn: Coturn) -> Iterator[Server]:
    if not DIST.is_file():
        pytest.skip("web/dist is not built (run `make web`)")
    data = tmp_path / "server"
    data.mkdir()
    srv = start_server(data, INTERVIEW_TURN_URLS=coturn.url, INTERVIEW_TURN_SECRET=coturn.secret)
    yield srv
    srv.stop()


def open_thread(browser: Any, server: Server, user: str, role: str, script: str = "") -> Any:
    context = browser.new_context()
    if script:
        context.add_init_script(script)
    page = context.new_page()
    page.goto(server.token_link(user, role))
    page.get_by_test_id("thread-item").first.click()
    page.get_by_test_id("message-list").wait_for()
    return page


def test_ice_failure_restarts_ice_and_media_flows_again(
    browser: Any, relayed_server: Server, coturn: Coturn
) -> None:
    server = relayed_server
    client = open_thread(browser, server, "demo-client", "client")
    freelancer = open_thread(browser, server, "demo-freelancer", "freelancer", RELAY_ONLY)
    client.get_by_test_id("call-video").click()
    freelancer.get_by_test_id("incoming-call").wait_for(timeout=30000)
    freelancer.get_by_test_id("call-accept").click()
    for page in (client, freelancer):
        page.wait_for_function(REMOTE_PLAYING, timeout=60000)
    call_id = client.get_by_test_id("in-call").get_attribute("data-call-id")
    assert freelancer.evaluate(SELECTED_TYPE) == "relay"  # its media runs through coturn
    assert freelancer.evaluate(PEERS) == 1

    # The relay goes away: the freelancer's media stops, and the client sees it at once.
    coturn.stop()
    client.wait_for_function(f"() => ({QUALITY})() === 'reconnecting'", timeout=20000)
    coturn.start()  # the network is back (a fresh relay, none of the old allocations)

    # The freelancer's browser restarts ICE by itself (no reload, no click): a fresh peer
    # connection, relayed again, and video plays again on both pages.
    try:
        freelancer.wait_for_function(f"() => ({PEERS})() >= 2", timeout=60000)
    except PlaywrightTimeout:
        states = freelancer.evaluate("() => window.__states")
        raise AssertionError(f"no ICE restart in 60 s; ICE states: {states}") from None
    for page in (client, freelancer):
        page.wait_for_function(FRAMES_ADVANCE, arg=frames(page), timeout=60000)
        page.wait_for_selector(f'[data-testid="in-call"][data-call-id="{call_id}"]')
    client.wait_for_function(f"() => ({QUALITY})() !== 'reconnecting'", timeout=15000)
    assert freelancer.evaluate(SELECTED_TYPE) == "relay"

    client.get_by_test_id("call-hangup").click()
    for page in (client, freelancer):
        page.get_by_test_id("call-log-item").wait_for(timeout=30000)
        page.wait_for_timeout(500)
        assert page.get_by_test_id("call-log-item").count() == 1
    record = client.get_by_test_id("call-log-item").inner_text()
    assert "connection lost" not in record, record
    assert "· 1 interruption (" in record, record
