"""Prometheus text for the media of this node (no module-level state).

Counters come from the node's :class:`~media.counters.MediaCounters`, which every media
session adds to as it forwards: they only ever grow while the process lives, whether calls
end or not. Gauges (sessions, connected peers) come from the sessions still running.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from media.counters import MediaCounters
from media.session import MediaSession

KEYFRAME_REASONS = ("pli", "late_join", "overflow")  # always shown, even at 0


def render_prometheus(sessions: Iterable[MediaSession], totals: MediaCounters) -> str:
    """Prometheus text: gauges of the active ``sessions``, counters of the node ``totals``."""
    active = list(sessions)
    peers = sum(session.active_peers() for session in active)
    frames: Counter[str] = totals.frames_forwarded
    octets: Counter[str] = totals.bytes_forwarded
    keyframes: Counter[str] = totals.keyframe_requests
    lines = [
        "# HELP interview_media_sessions_active Calls with a media session on this node.",
        "# TYPE interview_media_sessions_active gauge",
        f"interview_media_sessions_active {len(active)}",
        "# HELP interview_media_peers_active Server-side peer connections that are connected.",
        "# TYPE interview_media_peers_active gauge",
        f"interview_media_peers_active {peers}",
        "# HELP interview_media_sessions_total Media sessions started on this node.",
        "# TYPE interview_media_sessions_total counter",
        f"interview_media_sessions_total {totals.sessions}",
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
    for reason in sorted(set(KEYFRAME_REASONS) | set(keyframes)):
        lines.append(
            f'interview_media_keyframe_requests_total{{reason="{reason}"}} {keyframes[reason]}'
        )
    return "\n".join(lines)
