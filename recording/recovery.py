"""Crash recovery of recordings: the start-up sweep that finds recordings a killed process
left unfinished (no Cues, Duration or Segment size), finishes them by remuxing, hashes them
and attaches them to their call record and the audit chain."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import av

from recording.matroska import SEGMENT, UNKNOWN_SIZE, MatroskaWriter, MkvTrack
from recording.naming import parse_key
from signaling.domain.calls import Call

logger = logging.getLogger(__name__)

_MKV_CODECS = {"vp8": "V_VP8", "h264": "V_MPEG4/ISO/AVC", "opus": "A_OPUS"}


def is_unfinished(path: Path) -> bool:
    """True if the file was never finished: its Segment size is still "unknown" (our writer
    fills it in last) or a demuxer finds no duration."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    at = head.find(SEGMENT)
    if at >= 0 and head[at + 4 : at + 12] == UNKNOWN_SIZE:
        return True
    with av.open(str(path)) as container:
        return container.duration is None


def finish_cut_recording(path: Path) -> dict[str, Any]:
    """Finish a recording a killed process left without Cues, Duration or Segment size.

    Remux only (no decoding): every complete frame PyAV can demux from the cut file is
    written again, unchanged, through ``recording.matroska`` (libavformat's muxer would hold a
    silent VP8 track's whole file in memory) into a hidden temporary file, which then replaces
    the cut one (whose bytes were never hashed). Returns the segment facts for the call
    record: key, sha256, bytes, duration and per-track packet counts. Blocking.
    """
    tracks: list[MkvTrack] = []
    counts: list[dict[str, Any]] = []
    temp = path.with_name(f".{path.name}.recovering")
    with av.open(str(path)) as source:
        streams = list(source.streams)
        for number, stream in enumerate(streams, start=1):
            ctx = stream.codec_context
            codec = ctx.name
            if codec not in _MKV_CODECS or stream.type not in ("audio", "video"):
                raise ValueError(f"cannot finish a track of codec {codec!r}")
            title = str(stream.metadata.get("title", f"track{number} {stream.type}"))
            participant, _, _ = title.rpartition(" ")
            kind: Literal["audio", "video"] = "audio" if stream.type == "audio" else "video"
            extradata = bytes(ctx.extradata or b"")
            if kind == "video":
                tracks.append(
                    MkvTrack(
                        number,
                        "video",
                        _MKV_CODECS[codec],
                        title,
                        codec_private=extradata,
                        width=int(getattr(ctx, "width", 0) or 640),
                        height=int(getattr(ctx, "height", 0) or 480),
                    )
                )
            else:
                layout = getattr(ctx, "layout", None)
                tracks.append(
                    MkvTrack(
                        number,
                        "audio",
                        _MKV_CODECS[codec],
                        title,
                        codec_private=extradata,
                        sample_rate=int(getattr(ctx, "sample_rate", 0) or 48000),
                        channels=int(getattr(layout, "nb_channels", 0) or 2),
                    )
                )
            counts.append(
                {
                    "participant_id": participant or title,
                    "kind": kind,
                    "codec": codec,
                    "packets": 0,
                    "bytes": 0,
                }
            )
        doc_type: Literal["webm", "matroska"] = (
            "webm" if all(t.codec_id in ("V_VP8", "A_OPUS") for t in tracks) else "matroska"
        )
        index = {stream.index: number for number, stream in enumerate(streams, start=1)}
        with temp.open("wb") as out:
            muxer = MatroskaWriter(out, tracks, doc_type=doc_type, title=_title(source))
            muxer.write_header()
            try:
                for packet in source.demux():
                    if packet.size == 0 or packet.pts is None or packet.time_base is None:
                        continue
                    number = index[packet.stream.index]
                    ms = round(float(packet.pts * packet.time_base) * 1000)
                    muxer.add(number, ms, bytes(packet), bool(packet.is_keyframe))
                    counts[number - 1]["packets"] += 1
                    counts[number - 1]["bytes"] += packet.size
            except (av.error.FFmpegError, EOFError) as exc:
                # The cut: whatever follows the last complete block is lost.
                logger.info("cut recording ends here key=%s (%s)", path.name, exc)
            muxer.finish()
            out.flush()
            os.fsync(out.fileno())
            duration_ms = muxer.last_ms
    os.replace(temp, path)
    digest, size = _sha256(path)
    return {
        "path": str(path),
        "key": path.name,
        "sha256": digest,
        "bytes": size,
        "duration_seconds": round(duration_ms / 1000, 3),
        "format": path.suffix.lstrip("."),
        "tracks": counts,
        "recovered": True,
    }


def _original(name: str) -> bool:
    """An original recording (not a composite or other derived file, nor a temporary one)."""
    parsed = parse_key(name)
    return parsed is not None and parsed.is_original


def _title(container: Any) -> str:
    return str(container.metadata.get("title", ""))


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


AttachSegment = Callable[[str, dict[str, Any]], Awaitable[bool]]
"""Attach a recovered segment to call ``call_id``; False if it was already attached."""

LoadCall = Callable[[str], Awaitable[Call | None]]


async def recover_cut_recordings(
    root: Path, load_call: LoadCall, attach: AttachSegment
) -> list[dict[str, Any]]:
    """The start-up sweep (run before any recorder starts): every primary recording under
    ``root`` that no call lists is finished (if a crash cut it), hashed and attached to its
    call record and the audit chain. Returns the attached segments."""

    def primaries() -> list[Path]:
        if not root.is_dir():
            return []
        return sorted(p for p in root.iterdir() if p.is_file() and _original(p.name))

    attached: list[dict[str, Any]] = []
    for path in await asyncio.to_thread(primaries):
        parsed = parse_key(path.name)
        assert parsed is not None
        call = await load_call(parsed.call_id)
        if call is None:
            logger.warning("a recording without a call is left alone key=%s", path.name)
            continue
        known = {s.get("key") for s in (call.recording or {}).get("segments") or []}
        if path.name in known:
            continue
        try:
            if await asyncio.to_thread(is_unfinished, path):
                segment = await asyncio.to_thread(finish_cut_recording, path)
            else:
                segment = await asyncio.to_thread(_finished_facts, path)
        except (av.error.FFmpegError, OSError, ValueError):
            logger.exception("could not finish a cut recording key=%s", path.name)
            continue
        started = (call.recording or {}).get("started_at")
        if started:
            segment["started_at"] = started
            stopped = datetime.fromisoformat(started) + timedelta(
                seconds=float(segment["duration_seconds"])
            )
            segment["stopped_at"] = stopped.isoformat()
        if await attach(call.id, segment):
            logger.info(
                "recovered a recording cut by a crash key=%s sha256=%s duration=%.1fs",
                path.name,
                segment["sha256"],
                segment["duration_seconds"],
            )
            attached.append(segment)
    return attached


def _finished_facts(path: Path) -> dict[str, Any]:
    """Facts of a complete file a crash kept from being registered (no remux needed)."""
    with av.open(str(path)) as container:
        duration = (container.duration or 0) / 1_000_000
    digest, size = _sha256(path)
    return {
        "path": str(path),
        "key": path.name,
        "sha256": digest,
        "bytes": size,
        "duration_seconds": round(duration, 3),
        "format": path.suffix.lstrip("."),
        "recovered": True,
    }
