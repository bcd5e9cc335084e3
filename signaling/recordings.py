"""Which recordings exist (from the call records, through the RecordingIndex port) and what
follows from a thread's legal hold for the stored files."""

from __future__ import annotations

import asyncio
from typing import Any

from recording.naming import composite_key
from recording.storage import RecordingStorage
from signaling.domain.ports import RecordingIndex


async def recordings_of(
    index: RecordingIndex, *, thread_id: str | None = None
) -> list[dict[str, Any]]:
    """Every recorded segment (from the call records), newest first."""
    out = []
    for item in await index.recorded_segments(thread_id):
        segment = item.segment
        out.append(
            {
                "key": segment["key"],
                "call_id": item.call_id,
                "thread_id": item.thread_id,
                "started_at": segment.get("started_at"),
                "stopped_at": segment.get("stopped_at"),
                "bytes": segment.get("bytes"),
                "sha256": segment.get("sha256"),
                "duration_seconds": segment.get("duration_seconds"),
                "screen_shares": screen_shares(segment),
                "url": f"/api/recordings/{segment['key']}",
            }
        )
    return out


def screen_shares(segment: dict[str, Any]) -> list[dict[str, Any]]:
    """When a screen was shared in a segment, by whom (seconds into the recording), from its
    ``screen`` tracks; oldest first."""
    shares = []
    for track in segment.get("tracks") or []:
        if not isinstance(track, dict) or track.get("kind") != "screen":
            continue
        for span in track.get("spans") or []:
            if isinstance(span, list) and len(span) == 2:
                shares.append(
                    {
                        "participant_id": str(track.get("participant_id", "")),
                        "start_seconds": float(span[0]),
                        "end_seconds": float(span[1]),
                        "width": track.get("width"),
                        "height": track.get("height"),
                    }
                )
    return sorted(shares, key=lambda s: s["start_seconds"])


def stored_keys(items: list[dict[str, Any]]) -> list[str]:
    """The storage keys of these segments and of the composites rendered from them."""
    keys = []
    for item in items:
        key = str(item["key"])
        keys.append(key)
        try:
            keys.append(composite_key(key))
        except ValueError:
            continue
    return keys


async def apply_legal_hold(
    storage: RecordingStorage, index: RecordingIndex, thread_id: str, on: bool
) -> int:
    """Set (or release) the object store's legal hold on every stored recording of a thread;
    returns how many objects the store now holds (0 where only the server honours holds)."""
    keys = stored_keys(await recordings_of(index, thread_id=thread_id))

    def apply() -> int:
        return sum(1 for key in keys if storage.set_legal_hold(key, on))

    return await asyncio.to_thread(apply)
