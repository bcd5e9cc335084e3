"""Remux the encoded media the server forwards into one Matroska/WebM file per call.

No decoding, no encoding: each ``av.Packet`` (a VP8/H264 frame or an Opus packet, with its
RTP timestamp) is rebased onto the recording's clock and muxed as it is. ``on_packet`` runs on
the event loop and only enqueues; a dedicated thread muxes, so the loop never blocks. The
Matroska muxer writes clusters as it goes (at most ``cluster_ms`` apart), so a process killed
mid-call leaves a file that plays up to its last complete cluster.

Timing: the first packet of each track is anchored at its arrival time relative to the start
of the recording; later packets follow their RTP timestamps (unwrapped past 2^32). A gap in the
RTP clock (mute, loss, camera off) stays a gap, so one participant's audio and video stay in
sync as they were sent.
"""

from __future__ import annotations

import asyncio
import fractions
import hashlib
import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import av

from signaling.errors import RecordingError

logger = logging.getLogger(__name__)

Kind = Literal["audio", "video"]
MS = fractions.Fraction(1, 1000)
RTP_WRAP = 1 << 32
_CODEC_NAMES = {"vp8": "vp8", "h264": "h264", "opus": "opus"}


@dataclass(frozen=True)
class TrackSpec:
    """One track of the file: a participant's audio or video."""

    participant_id: str
    kind: Kind
    codec: str = "vp8"
    width: int = 640
    height: int = 480

    def __post_init__(self) -> None:
        if self.codec not in _CODEC_NAMES:
            raise ValueError(f"cannot record codec {self.codec!r}")
        if (self.kind == "audio") != (self.codec == "opus"):
            raise ValueError(f"{self.kind} track cannot carry {self.codec}")


@dataclass
class _TrackState:
    spec: TrackSpec
    stream: Any = None
    clock_rate: int = 90000
    first_rtp: int | None = None
    last_raw: int = 0
    wraps: int = 0
    offset_ms: int = 0
    last_ms: int = -1
    packets: int = 0
    bytes: int = 0


@dataclass
class _Item:
    key: tuple[str, Kind]
    data: bytes
    rtp: int
    clock_rate: int
    arrival: float
    keyframe: bool


@dataclass
class RecorderStats:
    packets: dict[str, int] = field(default_factory=dict)
    dropped: int = 0


def vp8_dimensions(frame: bytes) -> tuple[int, int] | None:
    """Width and height from a VP8 keyframe header (RFC 6386 §9.1), or None."""
    if len(frame) < 10 or frame[0] & 0x01 or frame[3:6] != b"\x9d\x01\x2a":
        return None
    width = int.from_bytes(frame[6:8], "little") & 0x3FFF
    height = int.from_bytes(frame[8:10], "little") & 0x3FFF
    return (width, height) if width and height else None


class CallRecorder:
    """A PacketSink that remuxes one call's forwarded media into ``path``."""

    def __init__(
        self,
        path: Path,
        *,
        call_id: str,
        tracks: list[TrackSpec],
        queue_size: int = 4000,
        cluster_ms: int = 1000,
        clock: Any = time.monotonic,
    ) -> None:
        if not tracks:
            raise RecordingError("a recording needs at least one track", code="no_tracks")
        self.path = path
        self.call_id = call_id
        self.tracks = tracks
        self._clock = clock
        self._queue: queue.Queue[_Item | None] = queue.Queue(maxsize=queue_size)
        self._cluster_ms = cluster_ms
        self._state = {(t.participant_id, t.kind): _TrackState(t) for t in tracks}
        self._started: float | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.dropped = 0

    # ----------------------------------------------------------- event-loop side
    def on_packet(self, participant_id: str, kind: Kind, packet: av.Packet[Any]) -> None:
        """Called by the media path for every forwarded frame; never blocks."""
        if self._started is None or (participant_id, kind) not in self._state:
            return
        time_base = packet.time_base
        clock_rate = int(1 / time_base) if time_base else (90000 if kind == "video" else 48000)
        item = _Item(
            key=(participant_id, kind),
            data=bytes(packet),
            rtp=int(packet.pts or 0),
            clock_rate=clock_rate,
            arrival=self._clock(),
            keyframe=bool(packet.is_keyframe),
        )
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self.dropped += 1

    async def start(self) -> None:
        """Open the file and start the muxing thread."""
        await asyncio.to_thread(self.path.parent.mkdir, parents=True, exist_ok=True)
        self._started = self._clock()
        self._thread = threading.Thread(
            target=self._run, name=f"recorder-{self.call_id[:8]}", daemon=True
        )
        self._thread.start()

    async def stop(self) -> dict[str, Any]:
        """Finish the file; returns its path, size, SHA-256 and per-track counts."""
        if self._thread is None:
            raise RecordingError("the recording was never started", code="not_started")
        self._queue.put(None)
        await asyncio.to_thread(self._thread.join)
        if self._error is not None:
            raise RecordingError(f"the recording failed: {self._error}", code="recording_failed")
        digest, size = await asyncio.to_thread(_sha256, self.path)
        duration = max(0.0, (self._clock() - (self._started or self._clock())))
        return {
            "path": str(self.path),
            "key": self.path.name,
            "sha256": digest,
            "bytes": size,
            "duration_seconds": round(duration, 3),
            "format": self.path.suffix.lstrip("."),
            "tracks": [
                {
                    "participant_id": s.spec.participant_id,
                    "kind": s.spec.kind,
                    "codec": s.spec.codec,
                    "packets": s.packets,
                    "bytes": s.bytes,
                }
                for s in self._state.values()
            ],
            "dropped_packets": self.dropped,
        }

    # ------------------------------------------------------------- thread side
    def _run(self) -> None:
        container = None
        try:
            fmt = "webm" if all(t.codec in {"vp8", "opus"} for t in self.tracks) else "matroska"
            container = av.open(
                str(self.path),
                "w",
                format=fmt,
                options={"cluster_time_limit": str(self._cluster_ms), "flush_packets": "1"},
            )
            for state in self._state.values():
                spec = state.spec
                stream: Any
                if spec.kind == "video":
                    stream = container.add_stream(_CODEC_NAMES[spec.codec], rate=30)
                    stream.width = spec.width
                    stream.height = spec.height
                    state.clock_rate = 90000
                else:
                    stream = container.add_stream("opus", rate=48000)
                    state.clock_rate = 48000
                stream.time_base = MS
                stream.metadata["title"] = f"{spec.participant_id} {spec.kind}"
                state.stream = stream
            # The header (with each video track's size) is written on the first mux, so hold
            # packets until every video track has shown a keyframe (or a few seconds passed).
            pending: list[_Item] = []
            waiting = {k for k, s in self._state.items() if s.spec.kind == "video"}
            while True:
                item = self._queue.get()
                if item is None:
                    break
                if waiting:
                    pending.append(item)
                    if item.keyframe and item.key in waiting:
                        dims = vp8_dimensions(item.data) if item.key[1] == "video" else None
                        if dims is not None:
                            self._state[item.key].stream.width = dims[0]
                            self._state[item.key].stream.height = dims[1]
                        waiting.discard(item.key)
                    if waiting and item.arrival - (self._started or 0.0) < 5.0:
                        continue
                    waiting.clear()
                    for held in pending:
                        self._mux(container, held)
                    pending.clear()
                    continue
                self._mux(container, item)
            for held in pending:
                self._mux(container, held)
        except BaseException as exc:  # recorded and re-raised in stop()
            logger.exception("recorder failed call_id=%s", self.call_id)
            self._error = exc
            while self._queue.get() is not None:  # keep draining so stop() returns
                pass
        finally:
            if container is not None:
                try:
                    container.close()
                except Exception as exc:
                    logger.exception("closing the recording failed call_id=%s", self.call_id)
                    self._error = self._error or exc

    def _mux(self, container: Any, item: _Item) -> None:
        state = self._state[item.key]
        if state.first_rtp is None:
            if state.spec.kind == "video" and not item.keyframe:
                return  # a decodable file starts on a keyframe
            state.first_rtp = item.rtp
            state.last_raw = item.rtp
            state.offset_ms = round((item.arrival - (self._started or 0.0)) * 1000)
        else:
            delta = item.rtp - state.last_raw
            if delta < -(RTP_WRAP // 2):
                state.wraps += 1
            elif delta > RTP_WRAP // 2:
                return  # a late packet from before a wrap: drop rather than jump back
            state.last_raw = item.rtp
        unwrapped = item.rtp + state.wraps * RTP_WRAP - state.first_rtp
        pts = state.offset_ms + unwrapped * 1000 // item.clock_rate
        if pts <= state.last_ms:
            pts = state.last_ms + 1  # Matroska needs increasing timestamps per track
        state.last_ms = pts
        packet = av.Packet(item.data)
        packet.stream = state.stream
        packet.pts = packet.dts = pts
        packet.time_base = MS
        packet.is_keyframe = item.keyframe
        container.mux(packet)
        state.packets += 1
        state.bytes += len(item.data)


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
