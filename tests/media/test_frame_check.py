"""A frame cut short by a jitter-buffer skip never reaches a recording (nor a subscriber).

Real packets: a VP8 clip packetized by aiortc's own ``Vp8Encoder.pack`` and depayloaded as
aiortc's receiver does, fed through the jitter buffer the receiver gets in production
(:func:`media.aiortc_tap.install_frame_check`), and the frames it releases written by the
production recorder. When the first packet of a delta frame is lost for good, aiortc's
buffer waits, then skips into the middle of that frame and releases what is left of it;
the deltas that follow depend on it. The file must decode without a single error.
"""

from __future__ import annotations

import fractions
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import pytest
from aiortc import RTCRtpReceiver
from aiortc.codecs import depayload
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.jitterbuffer import JitterBuffer
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import RtpPacket

from media import aiortc_tap
from media.codecs import is_keyframe, starts_frame
from media.session import MediaSession
from media.testing import encode_vp8_clip
from recording.writer import CallRecorder, TrackSpec
from tests.media.conftest import ClientPeer, SessionFactory, connect

VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)
TB = fractions.Fraction(1, 90000)
FRAMES = 400
KEYFRAME_EVERY = 300  # the keyframe at 300 stands for the one a PLI brings
LOST_FRAME = 10  # a delta whose first packet never arrives (nor its retransmission)


def packetize(frames: list[bytes], first_seq: int = 65000) -> list[tuple[int, RtpPacket]]:
    """``(frame index, packet)`` for every RTP packet aiortc's VP8 sender would send."""
    encoder = Vp8Encoder()
    out: list[tuple[int, RtpPacket]] = []
    seq = first_seq
    for index, data in enumerate(frames):
        packet = av.Packet(data)
        packet.pts = index * 3000
        packet.time_base = TB
        payloads, timestamp = encoder.pack(packet)
        for n, payload in enumerate(payloads):
            rtp = RtpPacket(
                payload_type=96,
                marker=int(n == len(payloads) - 1),
                sequence_number=seq & 0xFFFF,
                timestamp=timestamp,
                ssrc=4242,
                payload=payload,
            )
            out.append((index, rtp))
            seq += 1
    return out


@pytest.fixture(scope="module")
def stream() -> list[tuple[int, RtpPacket]]:
    frames = encode_vp8_clip(FRAMES, gop=KEYFRAME_EVERY, bitrate=1_500_000)
    packets = packetize(frames)
    # the skip needs a frame of several packets and a buffer's worth of packets behind it
    assert sum(1 for index, _ in packets if index == LOST_FRAME) >= 2
    assert sum(1 for index, _ in packets if LOST_FRAME < index < KEYFRAME_EVERY) > 512
    return packets


def released(buffer: JitterBuffer, packets: list[tuple[int, RtpPacket]]) -> list[Any]:
    """The frames ``buffer`` releases, as aiortc's receiver feeds it (depayloaded)."""
    out = []
    for index, original in packets:
        if index == LOST_FRAME and starts_frame("VP8", original.payload):
            continue
        packet = RtpPacket.parse(original.serialize())
        packet._data = depayload(VP8, packet.payload)  # type: ignore[attr-defined]
        _pli, frame = buffer.add(packet)
        if frame is not None:
            out.append(frame)
    return out


async def record(path: Path, frames: list[Any]) -> None:
    """Write ``frames`` as the session hands them to the recorder (keyframes detected)."""
    recorder = CallRecorder(path, call_id="call-1", tracks=[TrackSpec("c1", "video", "vp8")])
    await recorder.start()
    for frame in frames:
        packet = av.Packet(frame.data)
        packet.pts = frame.timestamp
        packet.time_base = TB
        packet.is_keyframe = is_keyframe("VP8", frame.data)
        recorder.on_packet("c1", "video", packet)
    await recorder.stop()


def decode(path: Path) -> tuple[int, list[str]]:
    """Frames decoded from the file, and every decoder error on the way."""
    decoded = 0
    errors: list[str] = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            try:
                decoded += len(stream.codec_context.decode(packet))
            except av.error.FFmpegError as exc:
                errors.append(f"pts {packet.pts}: {exc}")
    return decoded, errors


async def test_a_frame_cut_short_by_a_skip_is_not_recorded(
    tmp_path: Path, stream: list[tuple[int, RtpPacket]]
) -> None:
    drops: list[int] = []
    receiver = RTCRtpReceiver("video", aiortc_tap._probe_transport())
    buffer = aiortc_tap.install_frame_check(receiver, "VP8", lambda: drops.append(1))
    assert receiver._RTCRtpReceiver__jitter_buffer is buffer  # type: ignore[attr-defined]
    frames = released(buffer, stream)
    path = tmp_path / "checked.webm"
    await record(path, frames)
    decoded, errors = decode(path)
    assert errors == []
    # Frames before the lost one (the one just before it waits for the lost packet and is
    # skipped with it), then from the next keyframe on (the last waits for a next frame).
    first = frames[0].timestamp
    indices = [(frame.timestamp - first) // 3000 for frame in frames]
    assert indices == [*range(LOST_FRAME - 1), *range(KEYFRAME_EVERY, FRAMES - 1)]
    assert decoded == len(frames)
    assert buffer.dropped == len(drops) > 0  # each drop asked for a keyframe


async def test_without_the_check_the_recording_does_not_decode(
    tmp_path: Path, stream: list[tuple[int, RtpPacket]]
) -> None:
    """The scenario above is real: aiortc's own buffer releases a frame that breaks decoding."""
    frames = released(JitterBuffer(capacity=512, is_video=True), stream)
    path = tmp_path / "plain.webm"
    await record(path, frames)
    _decoded, errors = decode(path)
    assert errors


def packet(seq: int, ts: int, payload: bytes, marker: int = 0) -> RtpPacket:
    return RtpPacket(sequence_number=seq & 0xFFFF, timestamp=ts, marker=marker, payload=payload)


def test_a_frame_is_whole_from_its_start_packet_to_its_marker() -> None:
    start, middle = b"\x10\x9d", b"\x00\x01"
    whole = [packet(65535, 9, start), packet(0, 9, middle), packet(1, 9, middle, marker=1)]
    assert aiortc_tap.frame_is_whole("VP8", list(whole))
    assert not aiortc_tap.frame_is_whole("VP8", whole[1:])  # no leading packet
    assert not aiortc_tap.frame_is_whole("VP8", [whole[0], whole[2]])  # a gap in the middle
    assert not aiortc_tap.frame_is_whole("VP8", [whole[0], None, whole[2]])
    assert not aiortc_tap.frame_is_whole("VP8", whole[:2])  # no marker
    assert not aiortc_tap.frame_is_whole("VP8", [])
    padding = packet(2, 9, b"")
    assert aiortc_tap.frame_is_whole("VP8", [*whole, padding])  # padding carries no media
    # H264: an FU-A continuation does not start a frame, its start fragment does
    fu_start, fu_end = b"\x7c\x85", b"\x7c\x45"
    assert aiortc_tap.frame_is_whole("H264", [packet(5, 1, fu_start), packet(6, 1, fu_end, 1)])
    assert not aiortc_tap.frame_is_whole("H264", [packet(6, 1, fu_end, 1)])


async def test_the_session_gives_video_receivers_the_checked_buffer(
    make_session: SessionFactory, clients: Callable[..., ClientPeer]
) -> None:
    """The production wiring: a session's video receiver releases frames through the check
    (and a frame the check holds back asks the publisher for a keyframe)."""
    session: MediaSession = make_session()
    alice = clients("alice")
    await connect(session, "alice", alice)
    peer = session._peers["alice"]
    video = peer.inbound["video"].receiver._RTCRtpReceiver__jitter_buffer  # type: ignore[attr-defined]
    audio = peer.inbound["audio"].receiver._RTCRtpReceiver__jitter_buffer  # type: ignore[attr-defined]
    assert isinstance(video, aiortc_tap.CheckedJitterBuffer)
    assert video.codec == "VP8"
    assert not isinstance(audio, aiortc_tap.CheckedJitterBuffer)
    assert video._on_drop is not None
    video._on_drop()
    assert session.keyframe_requests["frame_lost"] == 1
