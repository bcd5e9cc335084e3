"""The raw-RTP forwarder (``forwarder="rtp"``) with real aiortc client peers over loopback.

The session tests of ``test_session.py`` and the recording tests of
``test_recording_keyframes.py`` run again here against the rtp forwarder (this module's
``make_session`` fixture), and the tests below check what only a packet forwarder must do:
payloads arrive byte for byte with only the rewritten header fields changed, and a packet
lost on either leg is recovered by NACK.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiortc.rtp import RTCP_PSFB_APP, RtcpPsfbPacket, RtpPacket, is_rtcp, unpack_remb_fci

from media.codecs import starts_keyframe
from media.forwarding import RtpOutStream
from media.session import MediaSession
from signaling.ice import EVERYWHERE, IceAddressPolicy
from tests.media.conftest import ClientPeer, Clips, Recorder, SessionFactory, connect
from tests.media.test_recording_keyframes import (
    test_a_reconnected_party_reaches_the_recording_from_a_keyframe_asked_for as test_rtp_reconnected_party_reaches_the_recording,  # noqa: E501
)
from tests.media.test_recording_keyframes import (
    test_recording_started_mid_call_asks_for_keyframes_and_has_video_at_once as test_rtp_recording_started_mid_call_has_video_at_once,  # noqa: E501
)
from tests.media.test_session import (
    test_h264_is_forwarded_when_both_sides_negotiate_it as test_rtp_h264_is_forwarded,
)
from tests.media.test_session import (
    test_held_session_forwards_nothing as test_rtp_held_session_forwards_nothing,
)
from tests.media.test_session import (
    test_late_joiner_triggers_a_keyframe_request as test_rtp_late_joiner_triggers_a_keyframe,
)
from tests.media.test_session import (
    test_media_flows_both_ways_without_transcoding as test_rtp_media_flows_both_ways,
)
from tests.media.test_session import (
    test_peer_that_stops_sending_media_times_out as test_rtp_silent_peer_times_out,
)
from tests.media.test_session import (
    test_second_offer_replaces_the_participants_peer as test_rtp_second_offer_replaces_the_peer,
)
from tests.media.test_session import (
    test_sink_gets_every_forwarded_frame_with_timing as test_rtp_sink_gets_every_frame,
)
from tests.media.test_session import (
    test_subscriber_pli_is_relayed_to_the_publisher as test_rtp_subscriber_pli_is_relayed,
)

pytestmark = pytest.mark.slow

__all__ = [
    "test_rtp_h264_is_forwarded",
    "test_rtp_held_session_forwards_nothing",
    "test_rtp_late_joiner_triggers_a_keyframe",
    "test_rtp_media_flows_both_ways",
    "test_rtp_reconnected_party_reaches_the_recording",
    "test_rtp_recording_started_mid_call_has_video_at_once",
    "test_rtp_second_offer_replaces_the_peer",
    "test_rtp_silent_peer_times_out",
    "test_rtp_sink_gets_every_frame",
    "test_rtp_subscriber_pli_is_relayed",
]

Clients = Callable[..., ClientPeer]


@pytest.fixture
async def make_session(recorder: Recorder) -> AsyncIterator[SessionFactory]:
    """Like the package fixture, with the raw-RTP forwarder."""
    sessions: list[MediaSession] = []

    def factory(**kwargs: object) -> MediaSession:
        kwargs.setdefault("ice_policy", IceAddressPolicy.from_cidrs(EVERYWHERE))
        session = MediaSession(
            "call-test",
            on_event=recorder,
            forwarder="rtp",
            **kwargs,  # type: ignore[arg-type]
        )
        sessions.append(session)
        return session

    yield factory
    for session in sessions:
        await session.close()


Handler = Callable[[RtpPacket, int], Awaitable[None]]


def tap_received(
    client: ClientPeer, keep: Callable[[RtpPacket], bool] = lambda _p: True
) -> list[RtpPacket]:
    """Every video RTP packet the client's (stock aiortc) receiver gets; ``keep`` drops."""
    receiver = client.transceivers["video"].receiver
    original: Handler = receiver._handle_rtp_packet
    seen: list[RtpPacket] = []

    async def handle(packet: RtpPacket, arrival_time_ms: int) -> None:
        if not keep(packet):
            return
        seen.append(packet)
        await original(packet, arrival_time_ms)

    receiver._handle_rtp_packet = handle  # type: ignore[method-assign]
    return seen


def tap_sent(
    client: ClientPeer, keep: Callable[[RtpPacket], bool] = lambda _p: True
) -> list[RtpPacket]:
    """Every RTP packet the client sends (before SRTP); ``keep`` drops, like a lossy link.

    Call once the answer is applied (aiortc bundles the m-lines onto one transport then) and
    before the connection is up (it comes up in a task that runs later).
    """
    transport = client.transceivers["video"].sender.transport
    original: Callable[[bytes], Awaitable[None]] = transport._send_rtp
    sent: list[RtpPacket] = []

    async def send_rtp(data: bytes) -> None:
        if not is_rtcp(data):
            packet = RtpPacket.parse(data, transport._rtp_header_extensions_map)
            if not keep(packet):
                return
            sent.append(packet)
        await original(data)

    transport._send_rtp = send_rtp  # type: ignore[method-assign]
    return sent


def drop_incoming(client: ClientPeer, drop: Callable[[int, int], bool]) -> None:
    """A lossy link into the client: ``drop(ssrc, seq)`` discards a datagram before SRTP.

    SRTP leaves the RTP header in the clear, so the datagram's SSRC and sequence number are
    read as a router on the path could. Call once the answer is applied.
    """
    ice = client.transceivers["video"].receiver.transport.transport
    original: Callable[[], Awaitable[bytes]] = ice._recv

    async def recv() -> bytes:
        while True:
            data = await original()
            if not (127 < data[0] < 192) or is_rtcp(data) or len(data) < 12:
                return data
            ssrc = int.from_bytes(data[8:12], "big")
            if not drop(ssrc, int.from_bytes(data[2:4], "big")):
                return data

    ice._recv = recv
    return None


async def wait_until(condition: Callable[[], bool], what: str, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def out_stream(session: MediaSession, participant_id: str) -> RtpOutStream:
    stream = session._peers[participant_id].outbound["video"].track
    assert isinstance(stream, RtpOutStream)
    return stream


async def test_packets_arrive_unaltered_except_the_rewritten_header_fields(
    make_session: SessionFactory, clients: Clients, clips: Clips
) -> None:
    session = make_session()
    alice, bob = clients("alice"), clients("bob")
    received = tap_received(bob)
    await connect(session, "alice", alice)
    sent = tap_sent(alice)  # the bundled transport exists once the answer is applied
    await connect(session, "bob", bob)
    await bob.wait_frames("video", 40)

    video_pt = next(p.payload_type for p in sent if len(p.payload) > 200)
    by_payload = {p.payload: p for p in sent if p.payload_type == video_pt}
    assert received, "bob received no video packets"
    server_ssrc = out_stream(session, "bob").ssrc
    seq_shift: set[int] = set()
    ts_shift: set[int] = set()
    for packet in received:
        original = by_payload.get(packet.payload)
        assert original is not None, "a packet arrived whose payload alice never sent"
        assert packet.marker == original.marker
        assert packet.ssrc == server_ssrc != original.ssrc
        assert packet.extensions.abs_send_time == original.extensions.abs_send_time
        seq_shift.add((packet.sequence_number - original.sequence_number) & 0xFFFF)
        ts_shift.add((packet.timestamp - original.timestamp) & 0xFFFFFFFF)
    # One source: sequence numbers and timestamps are shifted by one constant each.
    assert len(seq_shift) == 1 and len(ts_shift) == 1
    # The subscriber's first packet starts a keyframe, and every frame it reassembled is
    # one alice sent (nothing re-packetized into different frames).
    assert starts_keyframe("VP8", received[0].payload)
    assert all(frame in set(clips.video) for frame in bob.received["video"])


async def test_nack_recovers_a_packet_lost_on_the_way_to_the_subscriber(
    make_session: SessionFactory, clients: Clients
) -> None:
    session = make_session()
    alice, bob = clients("alice"), clients("bob")
    dropped: list[int] = []
    count = 0
    received = tap_received(bob)
    await connect(session, "alice", alice)
    await connect(session, "bob", bob)
    video_ssrc = out_stream(session, "bob").ssrc

    def lossy(ssrc: int, seq: int) -> bool:
        nonlocal count
        if ssrc != video_ssrc:
            return False
        count += 1
        if count == 60 and not dropped:  # one packet, well into the stream
            dropped.append(seq)
            return True
        return False

    drop_incoming(bob, lossy)
    await wait_until(lambda: bool(dropped), "the dropped packet")
    seq = dropped[0]
    await wait_until(
        lambda: any(p.sequence_number == seq for p in received), "the dropped packet, resent"
    )
    assert out_stream(session, "bob").retransmitted >= 1


async def test_nack_for_a_packet_lost_before_the_server_is_relayed_to_the_publisher(
    make_session: SessionFactory, clients: Clients
) -> None:
    session = make_session()
    alice, bob = clients("alice"), clients("bob")
    dropped: list[RtpPacket] = []
    count = 0

    def lossy(packet: RtpPacket) -> bool:
        nonlocal count
        if len(packet.payload) < 200:  # audio
            return True
        count += 1
        if count == 60 and not dropped:
            dropped.append(packet)
            return False
        return True

    received = tap_received(bob)
    await connect(session, "alice", alice)
    tap_sent(alice, lossy)
    await connect(session, "bob", bob)
    await wait_until(lambda: bool(dropped), "the dropped packet")
    lost = dropped[0].payload
    # The server never had it: bob's NACK went on to alice, whose RTX came back through.
    await wait_until(lambda: any(p.payload == lost for p in received), "the lost packet")
    assert out_stream(session, "bob").retransmitted == 0


def test_vp8_keyframe_start_is_read_from_the_payload_descriptor() -> None:
    # X=1 S=1 PID=0 | I=1 | 15-bit picture id | frame tag with P=0 (key frame)
    assert starts_keyframe("VP8", bytes([0x90, 0x80, 0x81, 0x23, 0x10, 0x02]))
    assert not starts_keyframe("VP8", bytes([0x90, 0x80, 0x81, 0x23, 0x11, 0x02]))  # P=1
    assert not starts_keyframe("VP8", bytes([0x80, 0x80, 0x81, 0x23, 0x10]))  # S=0
    assert starts_keyframe("VP8", bytes([0x10, 0x10]))  # no extension
    assert not starts_keyframe("VP8", b"")


def test_h264_keyframe_start_is_read_from_the_nal_header() -> None:
    assert starts_keyframe("H264", bytes([0x65, 0x88]))  # IDR
    assert not starts_keyframe("H264", bytes([0x41, 0x9A]))  # non-IDR slice
    assert starts_keyframe("H264", bytes([0x7C, 0x85]))  # FU-A start of an IDR
    assert not starts_keyframe("H264", bytes([0x7C, 0x05]))  # FU-A continuation
    stap = bytes([0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xCE])
    assert starts_keyframe("H264", stap)  # STAP-A with SPS


async def test_subscriber_bitrate_estimate_reaches_the_publisher(
    make_session: SessionFactory, clients: Clients
) -> None:
    """The forward path runs no bandwidth estimation: bob's REMB is relayed to alice."""
    session = make_session()
    alice, bob = clients("alice"), clients("bob")
    sender = alice.transceivers["video"].sender
    original = sender._handle_rtcp_packet
    estimates: list[tuple[int, list[int]]] = []

    async def handle(packet: Any) -> None:
        if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
            estimates.append(unpack_remb_fci(packet.fci))
        await original(packet)

    sender._handle_rtcp_packet = handle  # type: ignore[method-assign]
    await connect(session, "alice", alice)
    await connect(session, "bob", bob)
    await wait_until(lambda: bool(estimates), "a REMB at alice")
    bitrate, ssrcs = estimates[0]
    assert bitrate > 0 and ssrcs == [sender._ssrc]
    assert out_stream(session, "bob").remb is not None
