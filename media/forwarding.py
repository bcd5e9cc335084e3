"""The outgoing side of forwarding.

Two forwarders (``INTERVIEW_MEDIA_FORWARDER``): ``frame`` (:class:`PacketTrack`, a track
that yields encoded frames as ``av.Packet``) and ``rtp`` (:class:`RtpOutStream`, which
rewrites and sends each RTP packet as it arrives).

For ``frame``, aiortc's ``RTCRtpSender`` re-packetizes an ``av.Packet`` with ``encoder.pack()`` (VP8
rewrites the picture id, H264 splits NAL units, Opus passes through) and never encodes it.
"""

from __future__ import annotations

import asyncio
import fractions
import struct
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import av
from aiortc import clock
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtp import HeaderExtensionsMap, RtpPacket

from media import aiortc_tap
from media.codecs import MediaKind, starts_keyframe

CLOCK_RATES: dict[MediaKind, int] = {"audio": 48000, "video": 90000}
TIME_BASES: dict[MediaKind, fractions.Fraction] = {
    kind: fractions.Fraction(1, rate) for kind, rate in CLOCK_RATES.items()
}
#: About one second of media; a sender that falls further behind is stalled, and old media
#: is worth less than fresh media in a conversation.
MAX_QUEUED: dict[MediaKind, int] = {"audio": 50, "video": 30}


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One forwarded encoded frame on the session timeline."""

    data: bytes
    pts: int  # in 1/clock-rate units of the kind, on the session timeline
    keyframe: bool

    def to_packet(self, kind: MediaKind) -> av.Packet[Any]:
        """A fresh ``av.Packet`` (consumers own and may mutate theirs)."""
        packet = av.Packet(self.data)
        packet.pts = self.pts
        packet.dts = self.pts
        packet.time_base = TIME_BASES[kind]
        packet.is_keyframe = self.keyframe
        return packet


class PacketTrack(MediaStreamTrack):
    """An outgoing track fed with encoded frames by the session, read by aiortc's sender.

    Video waits for a keyframe after start and after an overflow, so the subscriber never
    gets deltas it cannot decode; ``on_need_keyframe`` asks the publisher for one.
    """

    def __init__(self, kind: MediaKind, on_need_keyframe: Callable[[str], None]) -> None:
        super().__init__()
        self.kind = kind
        self._kind: MediaKind = kind
        self._queue: deque[EncodedFrame] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._on_need_keyframe = on_need_keyframe
        self.waiting_keyframe = kind == "video"
        self.frames_in = 0
        self.frames_out = 0
        self.bytes_out = 0
        self.dropped = 0
        self.last_out_at: float | None = None

    def push(self, frame: EncodedFrame) -> None:
        """Queue a frame for the sender; never blocks (drops instead)."""
        if self.readyState != "live":
            return
        self.frames_in += 1
        if self.waiting_keyframe:
            if not frame.keyframe:
                self.dropped += 1
                self._on_need_keyframe("late_join")
                return
            self.waiting_keyframe = False
        if len(self._queue) >= MAX_QUEUED[self._kind]:
            if self._kind == "video":
                # Dropping single deltas would corrupt the picture: restart at a keyframe.
                self.dropped += len(self._queue) + (0 if frame.keyframe else 1)
                self._queue.clear()
                if not frame.keyframe:
                    self.waiting_keyframe = True
                    self._on_need_keyframe("overflow")
                    return
            else:
                self._queue.popleft()
                self.dropped += 1
        self._queue.append(frame)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def recv(self) -> av.Packet[Any]:
        """The next encoded frame as an ``av.Packet``; waits while none is queued."""
        while not self._queue:
            if self.readyState != "live":
                raise MediaStreamError
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        if self.readyState != "live":
            raise MediaStreamError
        frame = self._queue.popleft()
        self.frames_out += 1
        self.bytes_out += len(frame.data)
        self.last_out_at = time.monotonic()
        return frame.to_packet(self._kind)

    def stop(self) -> None:
        """End the track and wake a pending ``recv`` so the sender loop exits."""
        super().stop()
        self._queue.clear()
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


# ------------------------------------------------------------------ raw-RTP forwarding
#: Forwarded packets kept per outgoing stream to answer NACKs (about 3 s of 640x480 video).
RTP_HISTORY = 512
_SEQ = 0xFFFF
_TS = 0xFFFFFFFF
#: Every this many packets the sender's RTCP sender report is brought up to date.
_REPORT_EVERY = 32
#: Second byte (marker, payload type), sequence number, timestamp, SSRC: from offset 1.
_REWRITTEN = struct.Struct(">BHII")
_ONE_BYTE_PROFILE = 0xBEDE
_TWO_BYTE_PROFILE = 0x1000  # the low 4 bits are "appbits"


def rtp_header_length(data: bytes) -> int:
    """Length of an RTP packet's fixed header, CSRCs and header extension block."""
    length = 12 + 4 * (data[0] & 0x0F)
    if data[0] & 0x10:
        length += 4 + 4 * int.from_bytes(data[length + 2 : length + 4], "big")
    return length


def rtp_payload_size(data: bytes, header_length: int) -> int:
    """Payload bytes of an RTP packet, without its padding."""
    size = len(data) - header_length
    if data[0] & 0x20:
        size -= data[-1]
    return size if size > 0 else 0


def find_extension(data: bytes | bytearray, extension_id: int) -> tuple[int, int] | None:
    """``(offset, length)`` of one header extension element's value (RFC 8285), if present."""
    if not data[0] & 0x10 or not extension_id:
        return None
    pos = 12 + 4 * (data[0] & 0x0F)
    profile = (data[pos] << 8) | data[pos + 1]
    end = min(len(data), pos + 4 + 4 * ((data[pos + 2] << 8) | data[pos + 3]))
    pos += 4
    if profile == _ONE_BYTE_PROFILE:
        while pos < end:
            byte = data[pos]
            if byte == 0:  # padding
                pos += 1
                continue
            element, length = byte >> 4, (byte & 0x0F) + 1
            if element == 15:  # reserved: stop parsing
                return None
            if element == extension_id:
                return (pos + 1, length) if pos + 1 + length <= end else None
            pos += 1 + length
    elif profile & 0xFFF0 == _TWO_BYTE_PROFILE:
        while pos + 1 < end:
            element = data[pos]
            if element == 0:
                pos += 1
                continue
            length = data[pos + 1]
            if element == extension_id:
                return (pos + 2, length) if pos + 2 + length <= end else None
            pos += 2 + length
    return None


def rewrite_header(
    data: bytes,
    payload_type: int,
    sequence_number: int,
    timestamp: int,
    ssrc: int,
    mid_id: int | None,
    mid: bytes | None,
) -> bytes | None:
    """``data`` with the given header fields, every other byte as it was.

    A mid header extension (id ``mid_id``) is set to ``mid`` in place. ``None`` when that
    cannot be done in place (the values differ in length, or ``mid`` is ``None``): the
    caller then re-serializes the packet.
    """
    out = bytearray(data)
    _REWRITTEN.pack_into(out, 1, (data[1] & 0x80) | payload_type, sequence_number, timestamp, ssrc)
    if mid_id and data[0] & 0x10:
        span = find_extension(out, mid_id)
        if span is not None:
            start, length = span
            if mid is None or len(mid) != length:
                return None
            out[start : start + length] = mid
    return bytes(out)


class RtpOutStream(MediaStreamTrack):
    """One outgoing stream of the raw-RTP forwarder: packets in, rewritten packets out.

    The payload and every header field but SSRC, sequence number, timestamp, payload type
    and mid are kept. While the source stays the same, sequence numbers and timestamps are
    shifted by a constant, so the subscriber sees the publisher's gaps and NACKs them; when
    the source changes (the publisher reconnected, forwarding resumed), the offsets are
    chosen so that the stream continues without a gap. Video starts, and restarts after such
    a change, at a keyframe (``on_need_keyframe`` asks for one meanwhile). The last
    :data:`RTP_HISTORY` packets are kept, as sent, to answer NACKs.

    It is also the sender's track: aiortc's sender loop waits in :meth:`recv` forever (the
    packets go around it), until :meth:`stop`.
    """

    def __init__(
        self,
        kind: MediaKind,
        output: aiortc_tap.RtpOutput,
        *,
        codec: str,
        on_need_keyframe: Callable[[str], None],
        ssrc: int,
        payload_type: int,
        mid: str | None,
        report: Callable[[int, int, int, int], None],
    ) -> None:
        super().__init__()
        self.kind = kind
        self._output = output
        self._clock = CLOCK_RATES[kind]
        self._codec = codec
        self._on_need_keyframe = on_need_keyframe
        self.ssrc = ssrc
        self.payload_type = payload_type
        self.mid = mid
        self._report = report
        self._history: list[bytes | None] = [None] * RTP_HISTORY
        self._source: object = None
        self._seq_offset = 0
        self._ts_offset = 0
        self._last_seq = -1
        self._last_ts = 0
        self._stopped = asyncio.Event()
        self._connected = False
        self.waiting_keyframe = kind == "video"
        self.dropped = 0
        self.packets_out = 0
        self.frames_out = 0
        self.bytes_out = 0
        self.retransmitted = 0
        self.remb: int | None = None  # the subscriber's latest bitrate estimate (bit/s)
        self.last_out_at: float | None = None
        # lean path: header extensions copied as they are (same ids on both legs), and the
        # mid extension's id and the value this stream sends
        self._ids_of: object = None  # the source the two below were worked out for
        self._in_place = False
        self._mid_id: int | None = None
        self._mid_bytes = None if mid is None else mid.encode()

    def restart(self) -> None:
        """Continue the next packet seamlessly from the last one sent (after a hold)."""
        self._source = None
        self.waiting_keyframe = self.kind == "video"

    def upstream_sequence(self, sequence_number: int) -> int:
        """The publisher's sequence number of an outgoing one (for relaying a NACK)."""
        return (sequence_number - self._seq_offset) & _SEQ

    def rewrite(self, source: object, packet: RtpPacket) -> bytes:
        """The packet as this stream sends it; ``packet`` itself is left as it was."""
        now = time.monotonic()
        seq, timestamp = self._numbers(source, packet.sequence_number, packet.timestamp, now)
        data = self._serialize(packet, seq, timestamp)
        self._sent(data, seq, timestamp, packet.marker, len(packet.payload), now)
        return data

    def _serialize(self, packet: RtpPacket, seq: int, timestamp: int) -> bytes:
        extensions = packet.extensions
        kept = (packet.ssrc, packet.sequence_number, packet.timestamp, packet.payload_type)
        mid = extensions.mid
        packet.ssrc = self.ssrc
        packet.sequence_number = seq
        packet.timestamp = timestamp
        packet.payload_type = self.payload_type
        extensions.mid = self.mid
        try:
            return self._output.serialize(packet)
        finally:
            packet.ssrc, packet.sequence_number, packet.timestamp, packet.payload_type = kept
            extensions.mid = mid

    def _numbers(self, source: object, seq_in: int, ts_in: int, now: float) -> tuple[int, int]:
        if source is not self._source:
            self._switch(source, seq_in, ts_in, now)
        return (seq_in + self._seq_offset) & _SEQ, (ts_in + self._ts_offset) & _TS

    def _sent(
        self, data: bytes, seq: int, timestamp: int, marker: int, size: int, now: float
    ) -> None:
        self._history[seq % RTP_HISTORY] = data
        if self._last_seq < 0 or ((seq - self._last_seq) & _SEQ) < 0x8000:
            self._last_seq = seq
            self._last_ts = timestamp
        self.packets_out += 1
        self.bytes_out += size
        if marker or self.kind == "audio":
            self.frames_out += 1
        self.last_out_at = now
        if self.packets_out % _REPORT_EVERY == 1:
            self._report(clock.current_ntp_time(), timestamp, self.packets_out, self.bytes_out)

    def _admit(self, source: object, data: bytes, payload_at: int = 0) -> bool:
        """Whether a packet may go out now (connected; video from a keyframe on).

        ``data[payload_at:]`` is the payload (sliced only while waiting for a keyframe).
        """
        if not self._connected:
            # Asked only until the transport is up (the state property costs a few µs);
            # afterwards a failed send says it went down.
            if not self._output.ready():
                if self.kind == "video":
                    self.waiting_keyframe = True  # it will need one once connected
                return False
            self._connected = True
        if self.kind == "video" and source is not self._source:
            self.waiting_keyframe = True
        if self.waiting_keyframe:
            payload = data[payload_at:] if payload_at else data
            if not starts_keyframe(self._codec, payload):
                self.dropped += 1
                self._on_need_keyframe("late_join")
                return False
            self.waiting_keyframe = False
            self._source = None  # continue from here without a sequence gap
        return True

    async def forward(self, source: object, packet: RtpPacket) -> None:
        """Rewrite and send one packet; dropped while the subscriber is not connected."""
        if not self._admit(source, packet.payload):
            return
        self._send(self.rewrite(source, packet))

    def forward_data(
        self,
        source: object,
        data: bytes,
        header_length: int,
        extensions: HeaderExtensionsMap,
        source_mid: str | None = None,
    ) -> None:
        """:meth:`forward` for the lean receive path: a decrypted packet as bytes.

        Only the rewritten header fields change; the rest (CSRCs, header extensions, payload,
        padding) is copied as received. ``extensions`` is the publisher transport's map: when
        the subscriber's negotiated ids differ, or the mid cannot be rewritten in place, the
        packet is parsed and serialized as :meth:`forward` does. ``source_mid`` is the
        publisher's mid: when it is this stream's, a mid extension is left as it is.
        """
        # The common case (connected, same source, not waiting for a keyframe) is decided
        # here; anything else goes through _admit.
        if not (
            self._connected and source is self._source and not self.waiting_keyframe
        ) and not self._admit(source, data, header_length):
            return
        now = time.monotonic()
        if source is not self._ids_of:
            ids = aiortc_tap.header_extension_ids(extensions)
            self._in_place = ids == self._output.extension_ids()
            self._mid_id = None if source_mid is not None and source_mid == self.mid else ids.mid
            self._ids_of = source
        seq, timestamp = self._numbers(
            source, (data[2] << 8) | data[3], int.from_bytes(data[4:8], "big"), now
        )
        out = None
        if self._in_place:
            out = rewrite_header(
                data, self.payload_type, seq, timestamp, self.ssrc, self._mid_id, self._mid_bytes
            )
        if out is None:
            out = self._serialize(RtpPacket.parse(data, extensions), seq, timestamp)
        self._sent(out, seq, timestamp, data[1] & 0x80, rtp_payload_size(data, header_length), now)
        self._send(out)

    def _send(self, data: bytes) -> None:
        try:
            self._output.send_now(data)
        except ConnectionError:
            self._connected = False

    async def retransmit(self, lost: list[int]) -> list[int]:
        """Resend what the history holds of ``lost``; returns the sequence numbers it lacks."""
        missing: list[int] = []
        for seq in lost:
            data = self._history[seq % RTP_HISTORY]
            if data is None or int.from_bytes(data[2:4], "big") != seq:
                missing.append(seq)
                continue
            self.retransmitted += 1
            try:
                self._output.send_now(data)
            except ConnectionError:
                return []
        return missing

    def _switch(self, source: object, seq_in: int, ts_in: int, now: float) -> None:
        if self._last_seq >= 0:
            elapsed = 0.0 if self.last_out_at is None else now - self.last_out_at
            step = max(1, int(elapsed * self._clock))
            self._seq_offset = (self._last_seq + 1 - seq_in) & _SEQ
            self._ts_offset = (self._last_ts + step - ts_in) & _TS
        self._source = source

    async def recv(self) -> av.Packet[Any]:
        """Never yields media (forwarded packets bypass the sender loop); ends on stop."""
        await self._stopped.wait()
        raise MediaStreamError

    def stop(self) -> None:
        """End the stream and let aiortc's sender loop exit."""
        super().stop()
        self._stopped.set()
