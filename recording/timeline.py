"""RTP timestamps to recording time: the pure part of the remux writer (no I/O, no av).

Each track is anchored once, at its first muxed packet: that packet's arrival (seconds since
the recording started) becomes its position in the file, so a participant who joins later
starts later. After that the track follows its RTP clock, not arrival times, so a gap in the
RTP timestamps (mute, loss, camera off) stays a gap and network jitter does not move media.
Audio and video of one participant are anchored the same way against the same clock, which
keeps them within the jitter of their first packets of each other.

The RTP clock is 32 bits and wraps (every 13 h at 90 kHz, sooner with a random start); deltas
are taken modulo 2^32, which also copes with pts already unwrapped by the media path.
"""

from __future__ import annotations

from dataclasses import dataclass

RTP_WRAP = 1 << 32
_HALF_WRAP = RTP_WRAP // 2

# A jump between RTP time and arrival time larger than this is not a gap but a new RTP
# timeline (the publisher reconnected, a new SSRC with a random base): re-anchor on arrival.
RESYNC_SECONDS = 10.0


@dataclass
class Placement:
    """Where one packet goes: milliseconds from the start of the file, or why it was dropped."""

    ms: int | None
    reason: str = ""
    resynced: bool = False


class TrackClock:
    """Maps one track's RTP timestamps onto the file's millisecond clock.

    Timestamps given to the muxer increase strictly per track: late (reordered) packets and
    duplicates are dropped, and two distinct frames that round to the same millisecond are
    nudged one millisecond apart.
    """

    def __init__(self, clock_rate: int, *, resync_seconds: float = RESYNC_SECONDS) -> None:
        if clock_rate <= 0:
            raise ValueError("clock_rate must be positive")
        self.clock_rate = clock_rate
        self.resync_seconds = resync_seconds
        self.anchor_ms: int | None = None
        self._anchor_arrival = 0.0
        self._last_rtp = 0
        self._ticks = 0  # unwrapped RTP ticks since the anchor
        self.last_ms = -1
        self.resyncs = 0

    @property
    def anchored(self) -> bool:
        """Whether the track has placed its first packet."""
        return self.anchor_ms is not None

    def place(self, rtp: int, arrival: float) -> Placement:
        """Place a packet with RTP timestamp ``rtp`` that arrived ``arrival`` s into the call."""
        if self.anchor_ms is None:
            return Placement(self._anchor(rtp, arrival))
        delta = (rtp - self._last_rtp) % RTP_WRAP
        if delta >= _HALF_WRAP:
            delta -= RTP_WRAP  # a step backwards, across a wrap or not
        ticks = self._ticks + delta
        media_elapsed = ticks / self.clock_rate
        arrival_elapsed = arrival - self._anchor_arrival
        if abs(media_elapsed - arrival_elapsed) > self.resync_seconds:
            self.resyncs += 1
            return Placement(self._anchor(rtp, arrival), resynced=True)
        if delta < 0:
            return Placement(None, "late")
        if delta == 0:
            return Placement(None, "duplicate")
        self._last_rtp = rtp
        self._ticks = ticks
        ms = self.anchor_ms + ticks * 1000 // self.clock_rate
        return Placement(self._advance(ms))

    def _anchor(self, rtp: int, arrival: float) -> int:
        self._anchor_arrival = arrival
        self._last_rtp = rtp
        self._ticks = 0
        self.anchor_ms = self._advance(max(0, round(arrival * 1000)))
        return self.anchor_ms

    def _advance(self, ms: int) -> int:
        # Matroska wants strictly increasing timestamps per track.
        if ms <= self.last_ms:
            ms = self.last_ms + 1
        self.last_ms = ms
        return ms
