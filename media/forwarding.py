"""The outgoing side of forwarding: a track that yields encoded frames as ``av.Packet``.

aiortc's ``RTCRtpSender`` re-packetizes an ``av.Packet`` with ``encoder.pack()`` (VP8
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
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from media.codecs import MediaKind

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
