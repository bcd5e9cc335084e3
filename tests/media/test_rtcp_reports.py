"""The server's RTCP reports: one compound packet per peer and interval (aiortc_tap.RtcpReports).

aiortc sends a report per sender (SR + SDES) and per receiver (RR), each on its own timer.
The session bundles them: every report datagram a client receives carries the SRs of both
of the server's senders, the RR of its receivers and the CNAMEs. The datagrams are read
with this module's own RTCP header walker and with aiortc's parser; the round-trip times
both ends compute from them show the SR/RR timing fields still echo each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiortc import RTCRtpReceiver
from aiortc.rtcrtpreceiver import StreamStatistics
from aiortc.rtp import RtcpPacket, RtcpRrPacket, RtpPacket

from media import aiortc_tap
from media.session import MediaSession
from tests.media.conftest import ClientPeer, SessionFactory, connect

pytestmark = pytest.mark.slow

SR, RR, SDES, BYE = 200, 201, 202, 203

Clients = Callable[..., ClientPeer]


def walk(data: bytes) -> list[tuple[int, int]]:
    """(packet type, sender SSRC) of each packet of a compound RTCP datagram.

    Written from RFC 3550 section 6.4, independently of aiortc's parser: every packet
    starts with version 2, its type, and its length in 32-bit words minus one.
    """
    found: list[tuple[int, int]] = []
    at = 0
    while at < len(data):
        assert data[at] >> 6 == 2, f"not RTCP version 2 at byte {at}"
        packet_type = data[at + 1]
        length = (int.from_bytes(data[at + 2 : at + 4], "big") + 1) * 4
        assert at + length <= len(data), "an RTCP packet runs past its datagram"
        found.append((packet_type, int.from_bytes(data[at + 4 : at + 8], "big")))
        at += length
    return found


def capture_rtcp(client: ClientPeer) -> list[bytes]:
    """Every decrypted RTCP datagram the client's transport receives."""
    transport: Any = client.transceivers["video"].receiver.transport
    original: Callable[[bytes], Awaitable[None]] = transport._handle_rtcp_data
    seen: list[bytes] = []

    async def handle(data: bytes) -> None:
        seen.append(data)
        await original(data)

    transport._handle_rtcp_data = handle
    return seen


async def _call(
    make_session: SessionFactory, clients: Clients
) -> tuple[MediaSession, ClientPeer, ClientPeer]:
    session = make_session(forwarder="rtp")
    a, b = clients("a"), clients("b")
    await connect(session, "a", a)
    await connect(session, "b", b)
    await a.wait_frames("video", 3)
    await b.wait_frames("video", 3)
    return session, a, b


async def test_each_report_datagram_carries_every_report_of_the_peer(
    make_session: SessionFactory, clients: Clients
) -> None:
    session, a, _b = await _call(make_session, clients)
    seen = capture_rtcp(a)
    await asyncio.sleep(3.5)
    reports = [walk(d) for d in seen if walk(d)[0][0] in (SR, RR)]
    assert len(reports) >= 2, f"{len(reports)} report datagrams in 3.5 s"
    # the SSRCs the server sends a's media from
    sr_ssrcs = {ssrc for packets in reports for kind, ssrc in packets if kind == SR}
    assert len(sr_ssrcs) == 2, sr_ssrcs
    for packets in reports:
        kinds = [kind for kind, _ in packets]
        # RFC 3550 6.1: reports first, then SDES; one datagram with all of them
        assert kinds[0] in (SR, RR)
        assert {ssrc for kind, ssrc in packets if kind == SR} == sr_ssrcs, packets
        assert kinds.count(RR) >= 1, packets
        assert kinds[-1] == SDES, packets
    # aiortc's parser reads the same: the RRs cover what a sends, with extended sequence
    # numbers that match what a sent
    sent = {aiortc_tap.sender_ssrc(t.sender) for t in a.transceivers.values()}
    covered = {
        block.ssrc
        for data in seen
        for packet in RtcpPacket.parse(data)
        if isinstance(packet, RtcpRrPacket)
        for block in packet.reports
    }
    assert covered == sent
    # round trips: the server's SR timing came back in a's RRs, and a's in the server's
    await asyncio.sleep(1.5)
    stats = await session.refresh_stats()
    outbound = stats["a"].stream("video", "outbound")
    assert outbound is not None and outbound.rtt_ms is not None and outbound.rtt_ms >= 0
    client_stats = await a.transceivers["video"].sender.getStats()
    remote = [s for s in client_stats.values() if s.type == "remote-inbound-rtp"]
    assert remote and remote[0].roundTripTime is not None and remote[0].roundTripTime >= 0


async def test_closing_the_session_says_bye_for_every_sender(
    make_session: SessionFactory, clients: Clients
) -> None:
    session, a, _b = await _call(make_session, clients)
    seen = capture_rtcp(a)
    await asyncio.sleep(1.6)
    sr_ssrcs = {ssrc for d in seen for kind, ssrc in walk(d) if kind == SR}
    await asyncio.wait_for(session.close(), timeout=10)
    await asyncio.sleep(0.3)
    byes = {ssrc for d in seen for kind, ssrc in walk(d) if kind == BYE}
    assert byes == sr_ssrcs and len(byes) == 2


class _Transport:
    """What a receiver needs of a transport to be made and to send RTCP."""

    state = "new"

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def _send_rtp(self, data: bytes) -> None:
        self.sent.append(data)


async def test_receiver_reports_give_the_extended_highest_sequence_number() -> None:
    transport = _Transport()
    receiver = RTCRtpReceiver("video", transport)  # type: ignore[arg-type]
    receiver._set_rtcp_ssrc(4242)
    reports = aiortc_tap.RtcpReports(interval=lambda: 3600.0)
    reports.adopt(receiver)
    task = asyncio.ensure_future(receiver._run_rtcp())
    await asyncio.sleep(0)
    stream = StreamStatistics(90000)
    for seq in (65533, 65534, 65535, 0, 1, 2):  # the sequence numbers wrap once
        stream.add(RtpPacket(sequence_number=seq, timestamp=seq * 3000, ssrc=77))
    receiver._RTCRtpReceiver__remote_streams[77] = stream  # type: ignore[attr-defined]
    await reports.send_now()
    task.cancel()
    await task
    assert len(transport.sent) == 1
    (packet,) = RtcpPacket.parse(transport.sent[0])
    assert isinstance(packet, RtcpRrPacket) and packet.ssrc == 4242
    (block,) = packet.reports
    assert (block.ssrc, block.highest_sequence, block.packets_lost) == (77, 65536 + 2, 0)
    await reports.close()


@pytest.mark.allow_blocking  # inspect.getsource reads aiortc's source files
def test_the_self_check_names_a_missing_report_attribute(monkeypatch: pytest.MonkeyPatch) -> None:
    assert aiortc_tap.check_internals() == []
    monkeypatch.setattr(aiortc_tap, "_SENDER_CNAME", "_RTCRtpSender__cname_renamed")
    assert aiortc_tap.check_internals() == [
        "RTCRtpSender._RTCRtpSender__cname_renamed is gone (bundled RTCP reports)"
    ]
