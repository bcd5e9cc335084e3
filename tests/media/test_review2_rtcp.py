"""Review of branch relay2 (review2): the lifecycle of aiortc_tap.RtcpReports.

The bundle runs one report loop while it has members; the last member leaving cancels it.
A member that joins in the same event-loop turn saw that loop as still running (a task is
not done until it has handled its cancellation) and never started another, so its reports
were never sent.
"""

from __future__ import annotations

import asyncio

import pytest
from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.rtcrtpreceiver import StreamStatistics
from aiortc.rtp import RtcpByePacket, RtcpPacket, RtcpRrPacket, RtcpSrPacket, RtpPacket

from media import aiortc_tap
from media.session import MediaSession
from tests.media.conftest import ClientPeer, SessionFactory, connect
from tests.media.test_rtcp_reports import Clients


class _Transport:
    """What a sender or receiver needs of a transport to be made and to send RTCP."""

    state = "new"

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def _send_rtp(self, data: bytes) -> None:
        self.sent.append(data)


def _receiver(transport: _Transport, rtcp_ssrc: int, media_ssrc: int) -> RTCRtpReceiver:
    receiver = RTCRtpReceiver("video", transport)  # type: ignore[arg-type]
    receiver._set_rtcp_ssrc(rtcp_ssrc)
    stream = StreamStatistics(90000)
    stream.add(RtpPacket(sequence_number=1, timestamp=3000, ssrc=media_ssrc))
    receiver._RTCRtpReceiver__remote_streams[media_ssrc] = stream  # type: ignore[attr-defined]
    return receiver


def _rr_senders(sent: list[bytes]) -> set[int]:
    return {p.ssrc for d in sent for p in RtcpPacket.parse(d) if isinstance(p, RtcpRrPacket)}


async def test_a_member_joining_as_the_last_one_leaves_is_reported() -> None:
    transport = _Transport()
    first, second = _receiver(transport, 11, 77), _receiver(transport, 22, 88)
    reports = aiortc_tap.RtcpReports(interval=lambda: 0.01)
    reports.adopt(first)
    reports.adopt(second)
    first_task = asyncio.ensure_future(first._run_rtcp())
    await asyncio.sleep(0)  # first joined: the loop runs
    first_task.cancel()  # first leaves, the loop is cancelled ...
    second_task = asyncio.ensure_future(second._run_rtcp())  # ... and second joins
    await first_task
    await asyncio.sleep(0.2)
    try:
        assert 22 in _rr_senders(transport.sent), "the second member was never reported"
    finally:
        second_task.cancel()
        await second_task
        await reports.close()


async def test_after_every_member_left_no_loop_is_left_and_each_sender_said_bye() -> None:
    transport = _Transport()
    receiver = _receiver(transport, 11, 77)
    sender = RTCRtpSender("audio", transport)  # type: ignore[arg-type]
    reports = aiortc_tap.RtcpReports(interval=lambda: 0.01)
    reports.adopt(receiver)
    reports.adopt(sender)
    tasks = [asyncio.ensure_future(m._run_rtcp()) for m in (receiver, sender)]
    await asyncio.sleep(0.1)
    for task in tasks:
        task.cancel()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=2)
    await asyncio.sleep(0)
    assert reports._task is None or reports._task.done()
    packets = [p for d in transport.sent for p in RtcpPacket.parse(d)]
    assert any(isinstance(p, RtcpSrPacket) for p in packets)
    assert isinstance(packets[-1], RtcpByePacket) and packets[-1].sources == [sender._ssrc]
    sent = len(transport.sent)
    await asyncio.sleep(0.1)
    assert len(transport.sent) == sent  # nothing after the BYE
    await reports.close()


@pytest.mark.slow
async def test_a_second_offer_ends_the_old_peers_report_loop(
    make_session: SessionFactory, clients: Clients
) -> None:
    session: MediaSession = make_session(forwarder="rtp")
    a, b = clients("a"), clients("b")
    await connect(session, "a", a)
    await connect(session, "b", b)
    await a.wait_frames("video", 3)
    old = session._peers["a"]
    assert old.reports is not None
    await asyncio.sleep(1.6)
    assert old.reports.sent > 0
    again: ClientPeer = clients("a2")
    await connect(session, "a", again)
    await again.wait_frames("video", 3)
    await asyncio.sleep(1.6)
    new = session._peers["a"]
    assert new is not old and new.reports is not None and new.reports.sent > 0
    assert old.reports._task is None or old.reports._task.done()
    sent = old.reports.sent
    await asyncio.sleep(1.6)
    assert old.reports.sent == sent


@pytest.mark.slow
async def test_a_peer_closed_before_it_connects_leaves_no_report_loop(
    make_session: SessionFactory, clients: Clients
) -> None:
    session: MediaSession = make_session(forwarder="rtp")
    a = clients("a")
    await a.pc.setLocalDescription(await a.pc.createOffer())
    await session.negotiate("a", a.pc.localDescription.sdp)  # the answer is never applied
    peer = session._peers["a"]
    assert peer.reports is not None
    await asyncio.wait_for(session.close(), timeout=10)
    assert peer.reports._task is None and peer.reports.sent == 0
