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
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import av
from aiortc import clock
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtp import RtpPacket

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
        if source is not self._source:
            self._switch(source, packet, now)
        seq = (packet.sequence_number + self._seq_offset) & _SEQ
        timestamp = (packet.timestamp + self._ts_offset) & _TS
        extensions = packet.extensions
        kept = (packet.ssrc, packet.sequence_number, packet.timestamp, packet.payload_type)
        mid = extensions.mid
        packet.ssrc = self.ssrc
        packet.sequence_number = seq
        packet.timestamp = timestamp
        packet.payload_type = self.payload_type
        extensions.mid = self.mid
        try:
            data = self._output.serialize(packet)
        finally:
            packet.ssrc, packet.sequence_number, packet.timestamp, packet.payload_type = kept
            extensions.mid = mid
        self._history[seq % RTP_HISTORY] = data
        if self._last_seq < 0 or ((seq - self._last_seq) & _SEQ) < 0x8000:
            self._last_seq = seq
            self._last_ts = timestamp
        self.packets_out += 1
        self.bytes_out += len(packet.payload)
        if packet.marker or self.kind == "audio":
            self.frames_out += 1
        self.last_out_at = now
        if self.packets_out % _REPORT_EVERY == 1:
            self._report(clock.current_ntp_time(), timestamp, self.packets_out, self.bytes_out)
        return data

    async def forward(self, source: object, packet: RtpPacket) -> None:
        """Rewrite and send one packet; dropped while the subscriber is not connected."""
        if not self._connected:
            # Asked only until the transport is up (the state property costs a few µs);
            # afterwards a failed send says it went down.
            if not self._output.ready():
                if self.kind == "video":
                    self.waiting_keyframe = True  # it will need one once connected
                return
            self._connected = True
        if self.kind == "video" and source is not self._source:
            self.waiting_keyframe = True
        if self.waiting_keyframe:
            if not starts_keyframe(self._codec, packet.payload):
                self.dropped += 1
                self._on_need_keyframe("late_join")
                return
            self.waiting_keyframe = False
            self._source = None  # continue from here without a sequence gap
        data = self.rewrite(source, packet)
        try:
            await self._output.send(data)
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
                await self._output.send(data)
            except ConnectionError:
                return []
        return missing

    def _switch(self, source: object, packet: RtpPacket, now: float) -> None:
        if self._last_seq >= 0:
            elapsed = 0.0 if self.last_out_at is None else now - self.last_out_at
            step = max(1, int(elapsed * self._clock))
            self._seq_offset = (self._last_seq + 1 - packet.sequence_number) & _SEQ
            self._ts_offset = (self._last_ts + step - packet.timestamp) & _TS
        self._source = source

    async def recv(self) -> av.Packet[Any]:
        """Never yields media (forwarded packets bypass the sender loop); ends on stop."""
        await self._stopped.wait()
        raise MediaStreamError

    def stop(self) -> None:
        """End the stream and let aiortc's sender loop exit."""
        super().stop()
        self._stopped.set()
