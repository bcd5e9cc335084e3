"""A browser hides its host addresses behind mDNS names (``<uuid>.local``). aiortc resolves
such a name inside ``setRemoteDescription`` and waits up to 1 s for each one that does not
resolve, so an offer carrying them held the server's answer for a second: the setup-time p95
in Chromium. The answer must not wait; the names are resolved and added afterwards."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aioice import mdns
from aiortc import RTCConfiguration, RTCPeerConnection

from media.session import DeferredCandidate, defer_mdns_candidates
from tests.media.conftest import SessionFactory

pytestmark = pytest.mark.slow

NAME = "0b6c4b84-7c1e-4a1f-9f71-3d2c1e0e4f10.local"


class _Resolver:
    """aioice's mDNS resolution, held until the test lets it answer."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.release = asyncio.Event()

    async def resolve(self, hostname: str) -> str | None:
        self.asked.append(hostname)
        await self.release.wait()
        return "127.0.0.1"


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Resolver]:
    held = _Resolver()

    async def resolve(_self: object, hostname: str, *_args: object, **_kw: object) -> str | None:
        return await held.resolve(hostname)  # aioice's own timeout (1 s) is not honoured

    monkeypatch.setattr(mdns.MDnsProtocol, "resolve", resolve)
    yield held
    held.release.set()


async def _offer_with_mdns_candidate() -> tuple[RTCPeerConnection, str]:
    client = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    client.addTransceiver("audio", direction="sendrecv")
    client.addTransceiver("video", direction="sendrecv")
    await client.setLocalDescription(await client.createOffer())
    sdp = client.localDescription.sdp
    line = f"a=candidate:1 1 udp 2113937151 {NAME} 47884 typ host\r\n"
    first = sdp.index("a=candidate:")
    return client, sdp[:first] + line + sdp[first:]


async def test_the_answer_does_not_wait_for_mdns_names(
    make_session: SessionFactory, resolver: _Resolver
) -> None:
    session = make_session()  # dev policy: mDNS names are taken
    client, offer = await _offer_with_mdns_candidate()
    try:
        # The resolution never finishes until released: the answer comes regardless.
        answer = await asyncio.wait_for(session.negotiate("alice", offer), timeout=30)
        assert "a=candidate:" in answer
        # Afterwards the name is resolved and becomes a remote candidate.
        resolver.release.set()
        for _ in range(200):
            if NAME in _remote_hosts(session):
                break
            await asyncio.sleep(0.05)
        assert resolver.asked == [NAME]
        assert NAME in _remote_hosts(session)
        # A trickled mDNS candidate is acknowledged at once too.
        resolver.release.clear()
        await asyncio.wait_for(
            session.add_candidate(
                "alice", f"candidate:2 1 udp 2113937151 {NAME} 47885 typ host", "0", 0
            ),
            timeout=30,
        )
    finally:
        resolver.release.set()
        await client.close()


def _remote_hosts(session: object) -> set[str]:
    peer = session._peers["alice"]  # type: ignore[attr-defined]
    ice = peer.pc.getTransceivers()[0].receiver.transport.transport
    return {c.ip for c in ice.getRemoteCandidates()}


def test_mdns_candidates_and_the_end_marker_move_out_of_the_offer() -> None:
    sdp = (
        "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n"
        f"a=candidate:1 1 udp 2113937151 {NAME} 47884 typ host\r\n"
        "a=candidate:2 1 udp 2113937151 203.0.113.9 47886 typ host\r\n"
        "a=end-of-candidates\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n"
        f"a=candidate:1 1 udp 2113937151 {NAME} 47884 typ host\r\n"
        "a=end-of-candidates\r\n"
    )
    kept, deferred = defer_mdns_candidates(sdp)
    assert NAME not in kept and "end-of-candidates" not in kept
    assert "203.0.113.9 47886" in kept  # an address stays in the offer
    assert deferred == [
        DeferredCandidate(f"1 1 udp 2113937151 {NAME} 47884 typ host", "0"),
        DeferredCandidate(f"1 1 udp 2113937151 {NAME} 47884 typ host", "1"),
        DeferredCandidate("", "0"),
    ]
    plain = sdp.replace(NAME, "203.0.113.10")
    assert defer_mdns_candidates(plain) == (plain, [])
