"""Remux the encoded media the server forwards into one Matroska/WebM file per call.

No decoding, no encoding: each ``av.Packet`` (a VP8/H264 frame or an Opus packet, with its
RTP timestamp) is placed on the recording's clock (see ``recording.timeline``) and muxed as
it is. ``on_packet`` runs on the event loop and only enqueues onto a bounded queue (a full
queue drops and counts, it never blocks); a dedicated thread muxes, and the SHA-256 of the
finished file is computed in a worker thread.

Crash safety: the file is written by ``recording.matroska`` (not libavformat, whose
interleaver holds everything while a VP8 track is silent): header first with an unknown
segment size, then one cluster of at most ``cluster_ms`` at a time, each flushed to the OS as
it closes (and after 0.25 s without packets). A process killed mid-call leaves a file that
plays up to its last second; the page cache keeps what was written though the process died.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import hashlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal

import av

from recording.matroska import MatroskaWriter, MkvTrack, opus_head
from recording.timeline import TrackClock
from signaling.errors import RecordingError

logger = logging.getLogger(__name__)

Kind = Literal["audio", "video"]
#: A track of the file: a party's audio, camera video, or shared screen (a video track of its
#: own, fed from the same RTP video stream while the party shares; see ``set_screen``).
TrackKind = Literal["audio", "video", "screen"]
Codec = Literal["opus", "vp8", "h264"]
MS = fractions.Fraction(1, 1000)
_CLOCK_RATES: dict[TrackKind, int] = {"audio": 48000, "video": 90000, "screen": 90000}
_KIND_OF: dict[str, Kind] = {"opus": "audio", "vp8": "video", "h264": "video"}
_WEBM_CODECS = frozenset({"opus", "vp8"})
_CODEC_IDS = {"vp8": "V_VP8", "h264": "V_MPEG4/ISO/AVC", "opus": "A_OPUS"}
_STOP = object()
_IDLE_FLUSH = 0.25  # seconds without packets before the open cluster is written out
_WAIT_WARNING = 5.0  # seconds a video track may wait for a keyframe before a warning is logged


@dataclass(frozen=True)
class TrackSpec:
    """One track of the file: a participant's audio, video or screen, with its codec.

    A ``screen`` track is a video track that carries the party's video packets while they
    share a screen (the browser replaces the camera on the same sender), in place of their
    ``video`` track; it needs that party's ``video`` track declared too.

    ``width``/``height`` are only a hint for the file header: a VP8 track takes its size from
    its first keyframe. Opus is always 48 kHz on the RTP clock; ``channels`` is what the
    header announces (WebRTC negotiates opus/48000/2).
    """

    participant_id: str
    kind: TrackKind
    codec: Codec
    width: int | None = None
    height: int | None = None
    sample_rate: int = 48000
    channels: int = 2

    def __post_init__(self) -> None:
        if not self.participant_id:
            raise ValueError("participant_id is empty")
        if self.codec not in _KIND_OF:
            raise ValueError(f"cannot record codec {self.codec!r}")
        if _KIND_OF[self.codec] != self.media:
            raise ValueError(f"a {self.kind} track cannot carry {self.codec}")
        for name in ("width", "height"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be positive")
        if self.sample_rate <= 0 or self.channels not in (1, 2):
            raise ValueError("bad audio parameters")

    @property
    def key(self) -> tuple[str, TrackKind]:
        """The (participant, kind) pair naming this track."""
        return (self.participant_id, self.kind)

    @property
    def media(self) -> Kind:
        """What the media path tags this track's packets with: a screen is video."""
        return "audio" if self.kind == "audio" else "video"

    @property
    def title(self) -> str:
        """The Matroska track name, ``"<participant> <kind>"``; composite reads it back."""
        return f"{self.participant_id} {self.kind}"


@dataclass(frozen=True)
class TrackResult:
    """What one track received and wrote.

    ``spans``: the stretches of the file (seconds) the track has media in, one per time its
    party's video was routed to it (a camera track is split where a screen share replaced it).
    ``width``/``height``: the picture size of the track's first keyframe (video, screen).
    """

    participant_id: str
    kind: TrackKind
    codec: Codec
    packets: int
    bytes: int
    dropped: int  # queue overflow
    discarded: int  # late, duplicate, or video before the first keyframe
    start_seconds: float | None
    end_seconds: float | None
    keyframe_requests: int = 0  # keyframes (PLI) asked of the sender while this track waited
    spans: tuple[tuple[float, float], ...] = ()
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class RecordingResult:
    """A finished recording: where it is, its digest, and what went into it."""

    path: Path
    call_id: str
    sha256: str
    bytes: int
    duration_seconds: float  # media: the last timestamp written in any track
    started_at: datetime
    tracks: tuple[TrackResult, ...]
    dropped_packets: int

    @property
    def packet_counts(self) -> dict[str, int]:
        """Packets written per track, keyed ``"<participant>/<kind>"``."""
        return {f"{t.participant_id}/{t.kind}": t.packets for t in self.tracks}

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready summary for the call record and the audit chain.

        ``started_at`` is left out: the call record stamps segments with its own clock.
        """
        return {
            "path": str(self.path),
            "key": self.path.name,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "duration_seconds": round(self.duration_seconds, 3),
            "format": self.path.suffix.lstrip("."),
            "tracks": [
                {
                    "participant_id": t.participant_id,
                    "kind": t.kind,
                    "codec": t.codec,
                    "packets": t.packets,
                    "bytes": t.bytes,
                    "dropped": t.dropped,
                    "discarded": t.discarded,
                    "keyframe_requests": t.keyframe_requests,
                    "start_seconds": t.start_seconds,
                    "end_seconds": t.end_seconds,
                    "spans": [[round(a, 3), round(b, 3)] for a, b in t.spans],
                    **({"width": t.width, "height": t.height} if t.width else {}),
                }
                for t in self.tracks
            ],
            "dropped_packets": self.dropped_packets,
        }


@dataclass(frozen=True, slots=True)
class _Item:
    key: tuple[str, TrackKind]
    data: bytes
    rtp: int
    arrival: float  # seconds since the recording started
    keyframe: bool
    route: int = 0  # which routing of the party's video this packet came under (spans)


@dataclass
class _Track:
    spec: TrackSpec
    clock: TrackClock
    stream: Any = None
    packets: int = 0
    octets: int = 0
    dropped: int = 0
    discarded: int = 0
    keyframe_seen: bool = False
    # Event-loop side: video deltas are not queued until a keyframe is (a decodable track
    # starts on one), and a keyframe is asked for meanwhile.
    waiting_keyframe: bool = False
    waiting_since: float = 0.0
    last_request: float | None = None
    keyframe_requests: int = 0
    wait_reported: bool = False
    skipped: int = 0
    first_ms: int | None = None
    size: tuple[int, int] | None = None
    codec_private: bytes = b""
    number: int = 0
    header_size: tuple[int, int] | None = None  # the PixelWidth/Height the header announced
    route: int = -1
    spans: list[list[int]] = field(default_factory=list)  # [first ms, last ms] per routing


def vp8_dimensions(frame: bytes) -> tuple[int, int] | None:
    """Width and height from a VP8 keyframe header (RFC 6386 §9.1), or None."""
    if len(frame) < 10 or frame[0] & 0x01 or frame[3:6] != b"\x9d\x01\x2a":
        return None
    width = int.from_bytes(frame[6:8], "little") & 0x3FFF
    height = int.from_bytes(frame[8:10], "little") & 0x3FFF
    return (width, height) if width and height else None


#: ``request_keyframe(participant_id)``: ask that participant's sender for a keyframe (PLI).
KeyframeRequester = Callable[[str], object]


class CallRecorder:
    """A ``media.session.PacketSink`` that remuxes one call's forwarded media into ``path``.

    Every track is declared up front (Matroska writes all track headers before the first
    cluster); packets for undeclared tracks are counted and ignored. The header is written
    once every video track has shown a keyframe (its size comes from it) or ``header_wait``
    seconds after the first packet, whichever is first; packets are held in the muxing thread
    until then.

    A video track can only start at a keyframe, and browsers send one only when asked. So
    while a video track waits for one (from the start, and again after a queue overflow
    drops a frame) its deltas are skipped and ``request_keyframe`` is called: at once when
    the recording starts, then every ``keyframe_retry`` seconds until a keyframe arrives.

    Screen sharing: a party with both a ``video`` and a ``screen`` track has its video packets
    routed to one of them: the camera, or the screen while :meth:`set_screen` says it shares
    (also right after ``start`` for a party already sharing). The route changes at the
    first keyframe after ``set_screen`` (one is asked for at once), so each track starts on a
    keyframe of its own source; the packets are copied as they are either way.
    """

    def __init__(
        self,
        path: Path,
        *,
        call_id: str,
        tracks: Sequence[TrackSpec],
        queue_size: int = 4000,
        cluster_ms: int = 1000,
        header_wait: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        request_keyframe: KeyframeRequester | None = None,
        keyframe_retry: float = 0.5,
    ) -> None:
        if not tracks:
            raise RecordingError("a recording needs at least one track", code="no_tracks")
        keys = [t.key for t in tracks]
        if len(set(keys)) != len(keys):
            raise RecordingError("a track is declared twice", code="duplicate_track")
        if keyframe_retry <= 0:
            raise ValueError("keyframe_retry must be positive")
        for spec in tracks:
            if spec.kind == "screen" and (spec.participant_id, "video") not in keys:
                raise RecordingError(
                    "a screen track needs its party's video track", code="screen_without_video"
                )
        self.path = path
        self.call_id = call_id
        self.tracks: tuple[TrackSpec, ...] = tuple(tracks)
        self._clock = clock
        self._queue: queue.Queue[_Item | object] = queue.Queue(maxsize=queue_size)
        self._cluster_ms = cluster_ms
        self._header_wait = header_wait
        self._request_keyframe = request_keyframe
        self._keyframe_retry = keyframe_retry
        self._retry_task: asyncio.Task[None] | None = None
        self._state = {t.key: _Track(t, TrackClock(_CLOCK_RATES[t.kind])) for t in tracks}
        # Where each party's video packets go: "video" (camera) or "screen"; a pending change
        # waits for a keyframe. ``_routes`` counts the changes (a new span per change).
        self._video_to: dict[str, TrackKind] = {
            t.participant_id: "video" for t in tracks if t.kind == "screen"
        }
        self._pending: dict[str, TrackKind] = {}
        self._routes: dict[str, int] = {}
        self._started: float | None = None
        self._started_at: datetime | None = None
        self._accepting = False
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._result: RecordingResult | None = None
        self.dropped = 0
        self.unknown = 0

    # ----------------------------------------------------------- event-loop side
    def on_packet(self, participant_id: str, kind: Kind, packet: av.Packet[Any]) -> None:
        """Take one forwarded encoded frame; never blocks (drops and counts when full)."""
        if not self._accepting or self._started is None:
            return
        keyframe = bool(packet.is_keyframe)
        track: TrackKind = kind
        if kind == "video" and participant_id in self._video_to:
            pending = self._pending.get(participant_id)
            if pending is not None and keyframe:
                self._switch(participant_id, pending)
            track = self._video_to[participant_id]
        state = self._state.get((participant_id, track))
        if state is None:
            self.unknown += 1
            return
        if state.waiting_keyframe and not keyframe:
            state.skipped += 1
            self._ask_keyframe(state, self._clock())
            return
        item = _Item(
            key=state.spec.key,
            data=bytes(packet),
            rtp=int(packet.pts or 0),
            arrival=self._clock() - self._started,
            keyframe=keyframe,
            route=self._routes.get(participant_id, 0) if kind == "video" else 0,
        )
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self.dropped += 1
            state.dropped += 1
            if state.spec.kind != "audio":
                # The deltas after a lost frame do not decode: restart at a keyframe.
                self._wait_for_keyframe(state, self._clock())
            return
        if state.waiting_keyframe:
            state.waiting_keyframe = False
            logger.info(
                "recording got a keyframe call_id=%s track=%s after=%.2fs requests=%d",
                self.call_id,
                state.spec.title,
                self._clock() - state.waiting_since,
                state.keyframe_requests,
            )

    def set_screen(self, participant_id: str, sharing: bool) -> bool:
        """The party started (True) or stopped sharing a screen on its video sender.

        From the next keyframe of that party's video on, its packets go to its ``screen``
        track (or back to its ``video`` track); a keyframe is asked for now. Returns False
        when the recording has no screen track for the party (an audio call, say).
        """
        current = self._video_to.get(participant_id)
        if current is None:
            return False
        target: TrackKind = "screen" if sharing else "video"
        if target == current:
            dropped = self._pending.pop(participant_id, None)  # a change undone before a keyframe
            if dropped is not None:
                self._state[(participant_id, dropped)].waiting_keyframe = False
            return True
        self._pending[participant_id] = target
        logger.info(
            "recording routes video to %s at the next keyframe call_id=%s participant=%s",
            target,
            self.call_id,
            participant_id,
        )
        if self._accepting:
            self._wait_for_keyframe(self._state[(participant_id, target)], self._clock())
        return True

    def _switch(self, participant_id: str, target: TrackKind) -> None:
        """A keyframe arrived after ``set_screen``: from it on, the party's video is ``target``."""
        del self._pending[participant_id]
        old = self._video_to[participant_id]
        self._state[(participant_id, old)].waiting_keyframe = False
        self._video_to[participant_id] = target
        self._routes[participant_id] = self._routes.get(participant_id, 0) + 1

    def _wait_for_keyframe(self, state: _Track, now: float) -> None:
        state.waiting_keyframe = True
        state.waiting_since = now
        state.wait_reported = False
        state.last_request = None
        self._ask_keyframe(state, now)

    def _ask_keyframe(self, state: _Track, now: float) -> None:
        """Ask the sender for a keyframe, at most once per ``keyframe_retry`` per track."""
        if self._request_keyframe is None:
            return
        if state.last_request is not None and now - state.last_request < self._keyframe_retry:
            return
        state.last_request = now
        state.keyframe_requests += 1
        try:
            self._request_keyframe(state.spec.participant_id)
        except Exception:
            logger.exception("keyframe request failed call_id=%s", self.call_id)

    async def _retry_keyframes(self) -> None:
        """Ask again while a video track waits, even when no delta arrives to prompt it."""
        while self._accepting:
            await asyncio.sleep(self._keyframe_retry)
            now = self._clock()
            for state in self._state.values():
                if state.waiting_keyframe:
                    self._ask_keyframe(state, now)
                    if not state.wait_reported and now - state.waiting_since >= _WAIT_WARNING:
                        state.wait_reported = True
                        logger.warning(
                            "recording still waits for a keyframe call_id=%s track=%s "
                            "after=%.1fs requests=%d",
                            self.call_id,
                            state.spec.title,
                            now - state.waiting_since,
                            state.keyframe_requests,
                        )

    def _is_routed(self, spec: TrackSpec) -> bool:
        """Whether the party's video goes to this track now (always, without a screen track)."""
        return spec.kind == "audio" or self._video_to.get(spec.participant_id, "video") == spec.kind

    @property
    def started_at(self) -> datetime | None:
        """Wall-clock time the recording started, once started."""
        return self._started_at

    async def start(self) -> None:
        """Create the directory and start the muxing thread; packets are accepted from now."""
        if self._thread is not None:
            raise RecordingError("the recording was already started", code="already_started")
        await asyncio.to_thread(self.path.parent.mkdir, parents=True, exist_ok=True)
        self._started = self._clock()
        self._started_at = datetime.now(UTC)
        self._thread = threading.Thread(
            target=self._run, name=f"recorder-{self.call_id[:8]}", daemon=True
        )
        self._thread.start()
        self._accepting = True
        now = self._clock()
        for state in self._state.values():
            if state.spec.kind != "audio" and self._is_routed(state.spec):
                self._wait_for_keyframe(state, now)  # recording starts mid-stream: ask now
        if self._request_keyframe is not None:
            self._retry_task = asyncio.get_running_loop().create_task(self._retry_keyframes())
        logger.info("recording started call_id=%s path=%s", self.call_id, self.path)

    async def stop(self) -> RecordingResult:
        """Finalise the file (trailer, cues, duration) and hash it; idempotent."""
        if self._result is not None:
            return self._result
        if self._thread is None or self._started_at is None:
            raise RecordingError("the recording was never started", code="not_started")
        self._accepting = False
        if self._retry_task is not None:
            self._retry_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retry_task
        # The queue may be full; the muxing thread drains it, so wait for room off the loop.
        await asyncio.to_thread(self._queue.put, _STOP)
        await asyncio.to_thread(self._thread.join)
        if self._error is not None:
            raise RecordingError(
                f"the recording failed: {self._error}", code="recording_failed"
            ) from self._error
        digest, size = await asyncio.to_thread(_sha256, self.path)
        ends = [s.clock.last_ms for s in self._state.values() if s.packets]
        self._result = RecordingResult(
            path=self.path,
            call_id=self.call_id,
            sha256=digest,
            bytes=size,
            duration_seconds=max(ends, default=0) / 1000,
            started_at=self._started_at,
            tracks=tuple(
                TrackResult(
                    participant_id=s.spec.participant_id,
                    kind=s.spec.kind,
                    codec=s.spec.codec,
                    packets=s.packets,
                    bytes=s.octets,
                    dropped=s.dropped,
                    discarded=s.discarded + s.skipped,
                    keyframe_requests=s.keyframe_requests,
                    start_seconds=None if s.first_ms is None else s.first_ms / 1000,
                    end_seconds=s.clock.last_ms / 1000 if s.packets else None,
                    spans=tuple((a / 1000, b / 1000) for a, b in s.spans),
                    width=s.size[0] if s.size else None,
                    height=s.size[1] if s.size else None,
                )
                for s in self._state.values()
                if s.spec.kind != "screen" or s.packets  # an unused screen track is not in the file
            ),
            dropped_packets=self.dropped,
        )
        logger.info(
            "recording finished call_id=%s bytes=%d duration=%.1fs dropped=%d sha256=%s",
            self.call_id,
            size,
            self._result.duration_seconds,
            self.dropped,
            digest,
        )
        return self._result

    # ------------------------------------------------------------- thread side
    def _run(self) -> None:
        fh: BinaryIO | None = None
        muxer: MatroskaWriter | None = None
        try:
            fh = self.path.open("xb")  # write-once: never truncate a stored recording
            pending: list[_Item] = []
            # The header waits for the keyframes of the video tracks that get packets now (a
            # screen track is empty until a share starts; its size is filled in then).
            waiting = {
                k
                for k, s in self._state.items()
                if s.spec.kind != "audio" and self._is_routed(s.spec)
            }
            first_arrival: float | None = None
            while True:
                try:
                    got = self._queue.get(timeout=_IDLE_FLUSH)
                except queue.Empty:
                    got = None
                if got is _STOP:
                    break
                if muxer is not None:
                    if isinstance(got, _Item):
                        self._mux(muxer, got)
                    else:
                        muxer.close_cluster()  # nothing arriving: put what we have on disk
                    continue
                if isinstance(got, _Item):
                    pending.append(got)
                    first_arrival = got.arrival if first_arrival is None else first_arrival
                    if got.key in waiting and got.keyframe:
                        self._learn_from_keyframe(got)
                        waiting.discard(got.key)
                    # Judge the wait by the packets' own arrival: the thread may lag the loop.
                    elapsed = got.arrival
                else:
                    elapsed = self._clock() - (self._started or 0.0)
                if first_arrival is not None and (
                    not waiting or elapsed - first_arrival >= self._header_wait
                ):
                    muxer = self._begin(fh, pending)
            if muxer is None:
                muxer = self._begin(fh, pending)
            muxer.finish()
        except BaseException as exc:  # re-raised by stop() as a RecordingError
            logger.exception("recorder failed call_id=%s", self.call_id)
            self._error = exc
            self._accepting = False
            while self._queue.get() is not _STOP:  # keep draining so stop() returns
                pass
        finally:
            if fh is not None:
                try:
                    fh.close()
                except OSError as exc:
                    logger.exception("closing the recording failed call_id=%s", self.call_id)
                    self._error = self._error or exc

    def _begin(self, fh: BinaryIO, pending: list[_Item]) -> MatroskaWriter:
        """Write the header (every track, with what keyframes told us) and the held packets.

        A screen track with no packet yet is left out of the header; it is announced when
        its first keyframe is muxed (:meth:`_mux`), so a call without a share has no empty
        screen tracks.
        """
        doc_type: Literal["webm", "matroska"] = (
            "webm" if all(t.codec in _WEBM_CODECS for t in self.tracks) else "matroska"
        )
        held = {item.key for item in pending}
        later = set()
        for number, state in enumerate(self._state.values(), start=1):
            state.number = number
            if state.spec.kind == "screen" and state.spec.key not in held:
                later.add(number)
        muxer = MatroskaWriter(
            fh,
            [self._mkv_track(state) for state in self._state.values()],
            doc_type=doc_type,
            title=f"call {self.call_id}",
            cluster_ms=self._cluster_ms,
            later=frozenset(later),
        )
        muxer.write_header()
        for item in pending:
            self._mux(muxer, item)
        pending.clear()
        return muxer

    def _mkv_track(self, state: _Track) -> MkvTrack:
        spec = state.spec
        if spec.kind == "audio":
            return MkvTrack(
                state.number,
                "audio",
                "A_OPUS",
                spec.title,
                codec_private=opus_head(spec.channels, spec.sample_rate),
                sample_rate=spec.sample_rate,
                channels=spec.channels,
            )
        width, height = state.size or (spec.width or 640, spec.height or 480)
        state.header_size = (width, height)
        return MkvTrack(
            state.number,
            "video",
            _CODEC_IDS[spec.codec],
            spec.title,
            codec_private=state.codec_private,
            width=width,
            height=height,
        )

    def _learn_from_keyframe(self, item: _Item) -> None:
        state = self._state[item.key]
        if state.spec.codec == "vp8":
            state.size = vp8_dimensions(item.data)
        elif state.spec.codec == "h264":
            state.codec_private = h264_avcc(item.data) or b""

    def _mux(self, muxer: MatroskaWriter, item: _Item) -> None:
        state = self._state[item.key]
        if state.spec.kind != "audio" and not state.keyframe_seen:
            if not item.keyframe:
                state.discarded += 1  # a decodable track starts on a keyframe
                return
            if not muxer.announced(state.number):
                # A screen's first keyframe: its track joins the header, with its size.
                self._learn_from_keyframe(item)
                if not muxer.announce(self._mkv_track(state)):
                    logger.error("no room left in the header call_id=%s", self.call_id)
                    state.discarded += 1
                    return
            elif state.spec.codec == "vp8" and state.size is None:
                # The header was written before this track's first keyframe: fix its size.
                state.size = vp8_dimensions(item.data)
                if state.size is not None and state.size != state.header_size:
                    muxer.set_video_size(state.number, *state.size)
                    state.header_size = state.size
            state.keyframe_seen = True
        placed = state.clock.place(item.rtp, item.arrival)
        if placed.resynced:
            logger.warning(
                "recording re-anchored a track on a new RTP timeline call_id=%s track=%s",
                self.call_id,
                state.spec.title,
            )
        if placed.ms is None:
            state.discarded += 1
            return
        if state.first_ms is None:
            state.first_ms = placed.ms
        if item.route != state.route:
            state.route = item.route
            state.spans.append([placed.ms, placed.ms])
        else:
            state.spans[-1][1] = placed.ms
        data = item.data
        if state.codec_private and state.spec.codec == "h264":
            data = annexb_to_avcc(data)  # the avcC CodecPrivate promises length-prefixed NALs
        muxer.add(state.number, placed.ms, data, item.keyframe)
        state.packets += 1
        state.octets += len(item.data)


def h264_nals(frame: bytes) -> list[bytes]:
    """The NAL units of an Annex-B access unit (start codes removed)."""
    out = []
    for part in frame.split(b"\x00\x00\x01"):
        part = part.rstrip(b"\x00")  # a 4-byte start code leaves a zero; NALs never end in one
        if part:
            out.append(part)
    return out


def annexb_to_avcc(frame: bytes) -> bytes:
    """Annex-B (start codes) to AVCC (4-byte big-endian lengths), as Matroska stores H264."""
    return b"".join(len(n).to_bytes(4, "big") + n for n in h264_nals(frame))


def h264_avcc(frame: bytes) -> bytes | None:
    """An AVCDecoderConfigurationRecord from a keyframe's SPS and PPS, or None."""
    nals = h264_nals(frame)
    sps = next((n for n in nals if n[0] & 0x1F == 7 and len(n) >= 4), None)
    pps = next((n for n in nals if n[0] & 0x1F == 8), None)
    if sps is None or pps is None:
        return None
    return (
        bytes([1, sps[1], sps[2], sps[3], 0xFF, 0xE1])
        + len(sps).to_bytes(2, "big")
        + sps
        + b"\x01"
        + len(pps).to_bytes(2, "big")
        + pps
    )


def _sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
