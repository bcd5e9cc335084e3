"""Node-wide media counters (no aiortc import: the app builds them before any call)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class MediaCounters:
    """Totals of every media session this process ever ran, monotonic for its lifetime.

    Each :class:`media.session.MediaSession` given these adds to them as it forwards, so a
    call that ends takes nothing away (Prometheus counters must never go down). A session's
    own counters still describe just its call.
    """

    frames_forwarded: Counter[str] = field(default_factory=Counter)
    bytes_forwarded: Counter[str] = field(default_factory=Counter)
    keyframe_requests: Counter[str] = field(default_factory=Counter)
    sessions: int = 0  # media sessions started
