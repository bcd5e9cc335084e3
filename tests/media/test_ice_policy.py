"""Remote ICE candidates cannot make the server's media peer probe its own network.

A client names the addresses the server sends ICE checks (STUN binding requests) to, in the
SDP offer and by trickling. The real aiortc server peer must send nothing to a loopback,
link-local, private… address unless the allow-list names it. Observed with UDP sockets bound
on 127.0.0.x: a denied one receives nothing while an allowed one (checked *after* it, by
priority) receives STUN, so the test cannot pass by being too quick.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from signaling.app import media_session_factory
from signaling.domain.ports import MediaSessionPort
from signaling.errors import ConfigError
from signaling.ice import EVERYWHERE, IceAddressPolicy, candidate_address
from signaling.settings import Settings
from tests.media.conftest import ClientPeer, SessionFactory

STUN_MAGIC = bytes.fromhex("2112a442")

DENIED_BY_DEFAULT = [
    "127.0.0.1",
    "127.0.0.2",
    "0.0.0.0",
    "::",
    "::1",
    "169.254.169.254",
    "fe80::1",
    "224.0.0.251",
    "ff02::fb",
    "255.255.255.255",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.10",
    "100.64.0.1",
    "fc00::1",
    "fd12:3456::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:10.0.0.1",
    "::127.0.0.1",
    "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::1",
    "192.0.2.7",
    "240.0.0.1",
    "metadata.google.internal",
    "abcd-1234.local",
]
GLOBAL = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"]


@pytest.mark.parametrize("host", DENIED_BY_DEFAULT)
def test_default_policy_refuses_non_global_addresses(host: str) -> None:
    assert not IceAddressPolicy().allows(host)


@pytest.mark.parametrize("host", GLOBAL)
def test_default_policy_takes_global_unicast(host: str) -> None:
    assert IceAddressPolicy().allows(host)


def test_allow_list_opens_only_its_networks() -> None:
    policy = IceAddressPolicy.from_cidrs(["127.0.0.0/8", "10.1.0.0/16"])
    assert policy.allows("127.0.0.2") and policy.allows("::ffff:127.0.0.2")
    assert policy.allows("10.1.2.3") and not policy.allows("10.2.0.1")
    assert not policy.allows("169.254.169.254")
    assert not policy.allows("host.local")  # where it resolves is not known to us


def test_multicast_and_unspecified_stay_refused_when_everything_is_allowed() -> None:
    policy = IceAddressPolicy.from_cidrs(EVERYWHERE)
    assert policy.allows("127.0.0.1") and policy.allows("192.168.1.2")
    assert policy.allows("abcd-1234.local")  # dev mode: mDNS names work
    for host in ("0.0.0.0", "::", "224.0.0.1", "ff02::1", "255.255.255.255", "evil.example"):
        assert not policy.allows(host), host


def test_filter_sdp_drops_only_refused_candidate_lines() -> None:
    sdp = (
        "v=0\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
        "a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host\r\n"
        "a=candidate:2 1 udp 1694498815 203.0.113.9 5001 typ srflx raddr 10.0.0.2 rport 5001\r\n"
        "a=candidate:3 1 udp 1694498815 8.8.4.4 5002 typ srflx raddr 10.0.0.2 rport 5002\r\n"
        "a=candidate:broken\r\n"
        "a=end-of-candidates\r\n"
    )
    kept, dropped = IceAddressPolicy().filter_sdp(sdp)
    assert dropped == ["127.0.0.1", "203.0.113.9", "?"]
    assert "8.8.4.4 5002" in kept and "127.0.0.1" not in kept and "a=end-of-candidates" in kept
    assert candidate_address("candidate:1 1 udp 1 10.0.0.1 9 typ host") == "10.0.0.1"
    # aiortc splits the value on any whitespace, so a space after the colon is still read
    assert candidate_address("a=candidate: 1 1 udp 1 127.0.0.1 9 typ host") == "127.0.0.1"
    assert candidate_address("candidate:1 1 udp 1 8.8.8.8 9") is None  # too short: dropped


def test_settings_default_allow_list_is_empty_outside_dev_mode() -> None:
    assert Settings(dev_mode=False).ice_networks == ()
    assert Settings(dev_mode=True).ice_networks == EVERYWHERE
    configured = Settings.from_env(
        {"INTERVIEW_ICE_ALLOWED_NETWORKS": "10.0.0.0/8, fd00::/8", "INTERVIEW_DEV_MODE": "1"}
    )
    assert configured.ice_networks == ("10.0.0.0/8", "fd00::/8")
    for bad in ("10.0.0.0/33", "not-a-network", "10.0.0.0/8;rm"):
        with pytest.raises(ConfigError, match="INTERVIEW_ICE_ALLOWED_NETWORKS"):
            Settings.from_env({"INTERVIEW_ICE_ALLOWED_NETWORKS": bad})


# ---------------------------------------------------------------- a real aiortc server peer


class _Listener(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.stun_requests = 0

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        # A STUN Binding request: type 0x0001 and the magic cookie (RFC 5389).
        if data[:2] == b"\x00\x01" and data[4:8] == STUN_MAGIC:
            self.stun_requests += 1


async def _listen(host: str) -> tuple[_Listener, int, asyncio.DatagramTransport]:
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(_Listener, local_addr=(host, 0))
    port = transport.get_extra_info("sockname")[1]
    return protocol, port, transport


def _candidate(foundation: int, priority: int, host: str, port: int) -> str:
    return f"candidate:{foundation} 1 udp {priority} {host} {port} typ host"


async def _until(predicate: Callable[[], bool], what: str, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def _probe(session: MediaSessionPort, client: ClientPeer) -> tuple[int, int]:
    """STUN checks the server peer sent to 127.0.0.2, named in the offer and trickled.

    Each 127.0.0.2 candidate is followed by a sentinel at 127.0.0.3 (which the policy under
    test must allow) with a lower priority, so aioice checks 127.0.0.2 first: once the
    sentinel has had two checks, 127.0.0.2 would have had its own if it were allowed.
    """
    offered, offered_port, t1 = await _listen("127.0.0.2")
    trickled, trickled_port, t2 = await _listen("127.0.0.2")
    sentinel_offered, sentinel_port, t3 = await _listen("127.0.0.3")
    sentinel_trickled, sentinel_trickled_port, t4 = await _listen("127.0.0.3")
    try:
        await client.pc.setLocalDescription(await client.pc.createOffer())
        # aiortc offers complete candidate lists; drop the marker so trickled ones still count
        offer = client.pc.localDescription.sdp.replace("a=end-of-candidates\r\n", "")
        extra = (
            f"a={_candidate(901, 2130706431, '127.0.0.2', offered_port)}\r\n"
            f"a={_candidate(902, 100, '127.0.0.3', sentinel_port)}\r\n"
        )
        mid_line = "a=mid:0\r\n"
        assert mid_line in offer
        await session.negotiate("alice", offer.replace(mid_line, mid_line + extra, 1))
        await _until(lambda: sentinel_offered.stun_requests > 1, "STUN at the offered sentinel")

        await session.add_candidate(
            "alice", _candidate(903, 2130706431, "127.0.0.2", trickled_port), "0", 0
        )
        await session.add_candidate(
            "alice", _candidate(904, 100, "127.0.0.3", sentinel_trickled_port), "0", 0
        )
        await _until(lambda: sentinel_trickled.stun_requests > 1, "STUN at the trickled sentinel")
        return offered.stun_requests, trickled.stun_requests
    finally:
        for transport in (t1, t2, t3, t4):
            transport.close()


@pytest.mark.slow
async def test_server_peer_sends_no_ice_checks_to_denied_candidates(
    make_session: SessionFactory, clients: Callable[..., ClientPeer]
) -> None:
    """Denied 127.0.0.2 (offered and trickled) gets no STUN; the allowed 127.0.0.3 does."""
    # Only the sentinel's /32 is allowed: 127.0.0.2 is loopback like any other.
    session = make_session(ice_policy=IceAddressPolicy.from_cidrs(["127.0.0.3/32"]))
    assert await _probe(session, clients("alice", kinds=("audio",))) == (0, 0)


@pytest.mark.slow
async def test_allow_list_lets_loopback_candidates_through(
    make_session: SessionFactory, clients: Callable[..., ClientPeer]
) -> None:
    """The control: with 127.0.0.0/8 allowed, the same candidates get STUN."""
    session = make_session(ice_policy=IceAddressPolicy.from_cidrs(["127.0.0.0/8"]))
    offered, trickled = await _probe(session, clients("alice", kinds=("audio",)))
    assert offered > 0 and trickled > 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("environ", "reaches_loopback"),
    [
        ({"INTERVIEW_ICE_ALLOWED_NETWORKS": "127.0.0.3/32"}, False),  # production + a node
        ({"INTERVIEW_DEV_MODE": "1"}, True),  # dev mode: the demo's browser on this machine
    ],
)
async def test_the_apps_media_sessions_apply_the_settings(
    clients: Callable[..., ClientPeer], environ: dict[str, str], reaches_loopback: bool
) -> None:
    """The server's own media factory, from INTERVIEW_* settings, filters the same way."""
    factory = media_session_factory(Settings.from_env(environ))
    session = factory("call-ice", lambda _event: None)
    try:
        offered, trickled = await _probe(session, clients("alice", kinds=("audio",)))
    finally:
        await session.close()
    assert (offered > 0, trickled > 0) == (reaches_loopback, reaches_loopback)
