"""Server-side media statistics per participant and direction (value objects)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from media.codecs import MediaKind

#: ``inbound``: what the participant sent to the server; ``outbound``: what the server
#: forwarded to the participant.
Direction = Literal["inbound", "outbound"]


@dataclass(frozen=True)
class StreamStats:
    """One media stream of one participant in one direction.

    ``packets`` counts RTP packets, ``frames`` encoded frames, ``bytes`` payload bytes.
    Loss, jitter and RTT come from RTCP: for ``inbound`` from what aiortc's receiver
    measured, for ``outbound`` from the participant's receiver reports.
    """

    kind: MediaKind
    direction: Direction
    codec: str | None
    packets: int = 0
    frames: int = 0
    bytes: int = 0
    packets_lost: int = 0
    fraction_lost: float | None = None
    jitter_ms: float | None = None
    rtt_ms: float | None = None
    first_media_at: float | None = None  # time.monotonic()
    last_media_at: float | None = None

    def __post_init__(self) -> None:
        if min(self.packets, self.frames, self.bytes) < 0:
            raise ValueError("stream counters cannot be negative")


@dataclass(frozen=True)
class ParticipantStats:
    """Everything the server measured about one participant's media."""

    participant_id: str
    connection_state: str
    connected_at: float | None
    media_started_at: float | None
    last_media_at: float | None
    streams: tuple[StreamStats, ...]

    def stream(self, kind: MediaKind, direction: Direction) -> StreamStats | None:
        """The stream of that kind and direction, if negotiated."""
        for s in self.streams:
            if s.kind == kind and s.direction == direction:
                return s
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for the call record."""
        return asdict(self)
