"""An in-memory MediaSessionPort: the media layer's contract without aiortc, for signaling tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from signaling.domain.ports import MediaEventLike, MediaSessionPort
from signaling.errors import MediaError


@dataclass(frozen=True)
class FakeEvent:
    kind: str
    participant_id: str


@dataclass
class InMemoryMediaSession:
    call_id: str
    on_event: Callable[[MediaEventLike], None]
    offers: dict[str, list[str]] = field(default_factory=dict)
    candidates: list[tuple[str, str]] = field(default_factory=list)
    forwarding: bool = False
    closed: bool = False

    async def negotiate(self, participant_id: str, offer_sdp: str) -> str:
        if not offer_sdp.startswith("v=0"):
            raise MediaError("the offer is not an SDP document", code="bad_sdp")
        self.offers.setdefault(participant_id, []).append(offer_sdp)
        return f"v=0 answer for {participant_id}"

    async def add_candidate(
        self, participant_id: str, candidate: str, sdp_mid: str | None, sdp_mline_index: int | None
    ) -> None:
        if candidate and not candidate.startswith("candidate:"):
            raise MediaError("malformed ICE candidate", code="bad_candidate")
        self.candidates.append((participant_id, candidate))

    def set_forwarding(self, enabled: bool) -> None:
        self.forwarding = enabled

    def stats(self) -> dict[str, Any]:
        return {p: {"packets": 10 * len(o)} for p, o in self.offers.items()}

    async def close(self) -> None:
        self.closed = True

    def emit(self, kind: str, participant_id: str) -> None:
        self.on_event(FakeEvent(kind, participant_id))


class FakeMediaFactory:
    def __init__(self) -> None:
        self.sessions: dict[str, InMemoryMediaSession] = {}

    def __call__(
        self, call_id: str, on_event: Callable[[MediaEventLike], None]
    ) -> MediaSessionPort:
        session = InMemoryMediaSession(call_id, on_event)
        self.sessions[call_id] = session
        return session
