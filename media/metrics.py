"""Prometheus text for the media sessions of this node (no module-level state)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from media.session import MediaSession


class MediaMetrics:
    """Totals of closed sessions, so counters stay monotonic when calls end.

    Lives on the aiohttp app; call :meth:`retire` with a session when its call ends.
    """

    def __init__(self) -> None:
        self.frames_forwarded: Counter[str] = Counter()
        self.bytes_forwarded: Counter[str] = Counter()
        self.keyframe_requests: Counter[str] = Counter()
        self.sessions_closed = 0

    def retire(self, session: MediaSession) -> None:
        """Fold a finished session's counters into the node totals."""
        self.frames_forwarded.update(session.frames_forwarded)
        self.bytes_forwarded.update(session.bytes_forwarded)
        self.keyframe_requests.update(session.keyframe_requests)
        self.sessions_closed += 1

    def render(self, sessions: Iterable[MediaSession]) -> str:
        """Prometheus text for ``sessions`` (the active ones) plus the retired totals."""
        return render_prometheus(sessions, self)


def render_prometheus(sessions: Iterable[MediaSession], totals: MediaMetrics | None = None) -> str:
    """Prometheus text lines for active media sessions (and retired totals, if given)."""
    active = list(sessions)
    frames: Counter[str] = Counter()
    octets: Counter[str] = Counter()
    keyframes: Counter[str] = Counter()
    if totals is not None:
        frames.update(totals.frames_forwarded)
        octets.update(totals.bytes_forwarded)
        keyframes.update(totals.keyframe_requests)
    peers = 0
    for session in active:
        frames.update(session.frames_forwarded)
        octets.update(session.bytes_forwarded)
        keyframes.update(session.keyframe_requests)
        peers += session.active_peers()
    lines = [
        "# HELP interview_media_sessions_active Calls with a media session on this node.",
        "# TYPE interview_media_sessions_active gauge",
        f"interview_media_sessions_active {len(active)}",
        "# HELP interview_media_peers_active Server-side peer connections that are connected.",
        "# TYPE interview_media_peers_active gauge",
        f"interview_media_peers_active {peers}",
        "# HELP interview_media_packets_forwarded_total Encoded frames (av.Packet) forwarded "
        "to subscribers, without transcoding.",
        "# TYPE interview_media_packets_forwarded_total counter",
    ]
    for kind in ("audio", "video"):
        lines.append(f'interview_media_packets_forwarded_total{{kind="{kind}"}} {frames[kind]}')
    lines += [
        "# HELP interview_media_bytes_forwarded_total Encoded payload bytes forwarded.",
        "# TYPE interview_media_bytes_forwarded_total counter",
    ]
    for kind in ("audio", "video"):
        lines.append(f'interview_media_bytes_forwarded_total{{kind="{kind}"}} {octets[kind]}')
    lines += [
        "# HELP interview_media_keyframe_requests_total PLIs sent to publishers, by cause.",
        "# TYPE interview_media_keyframe_requests_total counter",
    ]
    for reason in ("pli", "late_join", "overflow"):
        lines.append(
            f'interview_media_keyframe_requests_total{{reason="{reason}"}} {keyframes[reason]}'
        )
    return "\n".join(lines)
