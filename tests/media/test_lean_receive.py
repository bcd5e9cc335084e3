"""The rtp forwarder's lean receive path (``aiortc_tap.LeanReceiver``).

Header rewriting on bytes is checked byte for byte against packets aiortc serializes, and
the whole path with real aiortc client peers over loopback: packets go around aiortc's
receive path once their SSRC is known, arrive unaltered except the rewritten header fields
(the mid too, when the legs' mids differ), and the receiver's RTCP statistics still count
them. A recording (a sink) hands the stream back to aiortc's path, which feeds the sink.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpParameters
from aiortc.rtp import HeaderExtensionsMap, RtpPacket

from media import aiortc_tap
from media.forwarding import (
    find_extension,
    rewrite_header,
    rtp_header_length,
    rtp_payload_size,
)
from media.session import MediaSession
from tests.media.conftest import ClientPeer, Clips, Recorder, SessionFactory, connect
from tests.media.test_rtp_forwarder import (
    make_session,
    out_stream,
    tap_received,
    tap_sent,
    wait_until,
)

__all__ = ["make_session"]  # the rtp forwarder's session fixture

MID = "urn:ietf:params:rtp-hdrext:sdes:mid"
ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

Clients = Callable[..., ClientPeer]


def extensions_map(mid: int = 1, abs_send_time: int = 3, audio_level: int = 2) -> Any:
    extensions = HeaderExtensionsMap()
    extensions.configure(
        RTCRtpParameters(
            headerExtensions=[
                RTCRtpHeaderExtensionParameters(id=mid, uri=MID),
                RTCRtpHeaderExtensionParameters(id=abs_send_time, uri=ABS_SEND_TIME),
                RTCRtpHeaderExtensionParameters(id=audio_level, uri=AUDIO_LEVEL),
            ]
        )
    )
    return extensions


def a_packet(mid: str | None = "1", padding: int = 0, csrc: int = 2) -> bytes:
    packet = RtpPacket(payload_type=96, marker=1, sequence_number=65530, timestamp=4_000_000_000)
    packet.ssrc = 0x11223344
    packet.csrc = [0xA0A0A0A0 + n for n in range(csrc)]
    packet.extensions.mid = mid
    packet.extensions.abs_send_time = 0x123456
    packet.extensions.audio_level = (True, 42)
    packet.payload = bytes(range(200))
    packet.padding_size = padding
    return packet.serialize(extensions_map())


def changed_bytes(before: bytes, after: bytes) -> set[int]:
    assert len(before) == len(after)
    return {n for n, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}


def test_rewrite_changes_only_the_rewritten_header_fields() -> None:
    data = a_packet(padding=7)
    out = rewrite_header(data, 111, 3, 5, 0x55667788, 1, b"1")
    assert out is not None
    # byte 1 (marker kept, payload type), 2-3 sequence, 4-7 timestamp, 8-11 SSRC
    assert changed_bytes(data, out) <= set(range(1, 12))
    parsed = RtpPacket.parse(out, extensions_map())
    original = RtpPacket.parse(data, extensions_map())
    assert (parsed.payload_type, parsed.sequence_number, parsed.timestamp, parsed.ssrc) == (
        111,
        3,
        5,
        0x55667788,
    )
    assert parsed.marker == 1
    assert parsed.csrc == original.csrc
    assert parsed.payload == original.payload == bytes(range(200))
    assert parsed.padding_size == 7
    assert parsed.extensions == original.extensions


def test_rewrite_sets_a_mid_of_the_same_length_in_place() -> None:
    data = a_packet(mid="1")
    out = rewrite_header(data, 96, 1, 2, 3, 1, b"7")
    assert out is not None
    span = find_extension(data, 1)
    assert span is not None and data[span[0] : span[0] + span[1]] == b"1"
    assert changed_bytes(data, out) <= set(range(1, 12)) | {span[0]}
    assert RtpPacket.parse(out, extensions_map()).extensions.mid == "7"


def test_rewrite_declines_a_mid_it_cannot_set_in_place() -> None:
    data = a_packet(mid="1")
    assert rewrite_header(data, 96, 1, 2, 3, 1, b"12") is None  # longer
    assert rewrite_header(data, 96, 1, 2, 3, 1, None) is None  # the subscriber has no mid
    # a packet without a mid extension needs nothing
    assert rewrite_header(a_packet(mid=None), 96, 1, 2, 3, 1, b"12") is not None


def test_extension_elements_are_found_in_both_header_forms() -> None:
    one_byte = a_packet(mid="abc")
    span = find_extension(one_byte, 1)
    assert span is not None and one_byte[span[0] : span[0] + span[1]] == b"abc"
    assert find_extension(one_byte, 9) is None
    # RFC 8285 two-byte form: profile 0x1000, then id, length, value; padded to 4 bytes
    header = bytes([0x90, 96, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3])
    block = bytes([0x10, 0x00, 0x00, 0x02, 5, 3, ord("x"), ord("y"), ord("z"), 0, 0, 0])
    data = header + block + b"payload"
    assert find_extension(data, 5) == (18, 3)
    assert rtp_header_length(data) == 24
    assert rtp_payload_size(data, 24) == len(b"payload")
    assert find_extension(header + b"payload", 5) is None  # no X bit


def test_header_length_and_payload_size_count_csrcs_extensions_and_padding() -> None:
    data = a_packet(padding=9, csrc=3)
    length = rtp_header_length(data)
    assert data[length:].startswith(bytes(range(200)))
    assert rtp_payload_size(data, length) == 200


async def test_known_streams_take_the_lean_path_and_arrive_unaltered(
    make_session: SessionFactory, clients: Clients, clips: Clips
) -> None:
    """Alice's video mid is "1", bob's "0": the mid is rewritten, nothing else but the header."""
    session: MediaSession = make_session()
    alice = clients("alice")
    bob = clients("bob", kinds=("video", "audio"))
    received = tap_received(bob)
    await connect(session, "alice", alice)
    sent = tap_sent(alice)
    await connect(session, "bob", bob)
    await bob.wait_frames("video", 60)
    server_receiver = session._peers["alice"].inbound["video"].receiver
    lean = aiortc_tap.lean_packets(server_receiver)
    assert lean > 100, f"only {lean} packets took the lean path"

    by_payload = {p.payload: p for p in sent if p.extensions.mid == "1"}
    stream = out_stream(session, "bob")
    assert stream.mid == "0"
    checked = 0
    for packet in received:
        original = by_payload.get(packet.payload)
        assert original is not None, "a packet arrived whose payload alice never sent"
        assert packet.extensions.mid == "0"
        assert packet.ssrc == stream.ssrc and packet.payload_type == stream.payload_type
        assert packet.marker == original.marker
        assert packet.csrc == original.csrc and packet.padding_size == original.padding_size
        assert packet.extensions.abs_send_time == original.extensions.abs_send_time
        checked += 1
    assert checked == len(received) > 100
    # The receiver reports stay true: aiortc's statistics counted the lean packets too
    # (audio and video share the bundled transport whose lean path counted them).
    counted = 0
    for inbound in session._peers["alice"].inbound.values():
        report = await inbound.receiver.getStats()
        counted += sum(s.packetsReceived for s in report.values() if s.type == "inbound-rtp")
    assert counted >= aiortc_tap.lean_packets(server_receiver) >= lean


async def test_a_recording_hands_the_stream_back_to_aiortc_which_feeds_it(
    make_session: SessionFactory, clients: Clients
) -> None:
    session: MediaSession = make_session()
    alice, bob = clients("alice"), clients("bob")
    await connect(session, "alice", alice)
    await connect(session, "bob", bob)
    await bob.wait_frames("video", 20)
    receiver = session._peers["alice"].inbound["video"].receiver
    await wait_until(lambda: aiortc_tap.lean_packets(receiver) > 0, "the lean path")

    frames: list[Any] = []

    class Sink:
        def on_packet(self, participant_id: str, kind: str, packet: Any) -> None:
            if participant_id == "alice" and kind == "video":
                frames.append(packet)

    session.add_sink(Sink())
    await asyncio.sleep(0.2)  # datagrams already queued for aiortc
    lean = aiortc_tap.lean_packets(receiver)
    before = len(bob.received["video"])
    await wait_until(lambda: len(frames) >= 20, "frames at the sink")
    assert aiortc_tap.lean_packets(receiver) == lean
    assert len(bob.received["video"]) > before  # still forwarded meanwhile


@pytest.mark.parametrize("lean_receive", [False])
async def test_the_lean_path_can_be_turned_off(
    make_session: SessionFactory, clients: Clients, lean_receive: bool
) -> None:
    session: MediaSession = make_session(lean_receive=lean_receive)
    alice, bob = clients("alice"), clients("bob")
    await connect(session, "alice", alice)
    await connect(session, "bob", bob)
    await bob.wait_frames("video", 30)
    assert aiortc_tap.lean_packets(session._peers["alice"].inbound["video"].receiver) == 0


async def test_media_started_is_reported_when_forwarding_starts_on_the_lean_path(
    make_session: SessionFactory, clients: Clients, recorder: Recorder
) -> None:
    """A call held until both parties are in: its first forwarded packet takes the lean path
    (the route was opened while held), and must still report ``media_started``."""
    session: MediaSession = make_session()
    session.set_forwarding(False)
    alice, bob = clients("alice"), clients("bob")
    await connect(session, "alice", alice)
    await connect(session, "bob", bob)
    await wait_until(lambda: session.frames_held["video"] > 10, "held frames")
    assert "media_started" not in recorder.kinds("alice")
    session.set_forwarding(True)
    await bob.wait_frames("video", 10)
    receiver = session._peers["alice"].inbound["video"].receiver
    assert aiortc_tap.lean_packets(receiver) > 0
    await recorder.wait_for("alice", "media_started")
