"""Benchmark: concurrent 1:1 video calls forwarded by one server process.

Each call is two aiortc client peers, each sending 640x480@30 VP8 (~0.9 Mbit/s) + Opus
(32 kbit/s) to one server process, which forwards it to the other peer. Three server modes
run one after the other in the same invocation, against the same load generator:

* ``rtp``: :class:`media.session.MediaSession` with ``forwarder="rtp"``: each RTP packet is
  rewritten (SSRC, sequence number, timestamp, payload type, mid) and re-encrypted, nothing
  reassembled (``INTERVIEW_MEDIA_FORWARDER=rtp``);
* ``rtp-split``: the ``rtp`` forwarder with aiortc's own RTCP report loops, one packet
  per sender and per receiver (``bundle_rtcp=False``), as before
  :class:`media.aiortc_tap.RtcpReports` bundled them;
* ``rtp-queue``: the same forwarder without its lean receive path
  (``lean_receive=False``): every packet takes aioice's queue and aiortc's DTLS task,
  ``RtpPacket.parse`` and the receiver (as before the lean path existed);
* ``frame``: :class:`media.session.MediaSession` with ``forwarder="frame"``, which forwards
  reassembled encoded frames and re-packetizes them (nothing is decoded or encoded);
* ``baseline``: aiortc's stock topology: a plain ``RTCPeerConnection`` per participant, the
  remote tracks decoded by aiortc, fanned out with ``MediaRelay().subscribe(track)`` and
  added to the other participant's peer, whose sender re-encodes them.

The server runs in its own process (multiprocessing ``spawn``; SDP goes over a Pipe), so its
CPU is read from ``/proc/<pid>/stat`` (utime + stime, all threads) over each measurement
window. The load generator never encodes or decodes in the hot path: clips are encoded once
and sent as ``av.Packet`` s (:class:`media.testing.ClipTrack`); receivers tap the reassembled
encoded frames (:func:`media.aiortc_tap.install_frame_tap`).

Latency is send (``ClipTrack``'s ``on_sent``) to the receiver's tap, so it includes the
receiving client's aiortc jitter buffer (it holds a frame until the next frame's first
packet: ~33 ms), and in ``frame`` and ``baseline`` modes the server's as well. In ``rtp`` and
``frame`` modes a received frame is matched to its send time by its payload bytes
(which also proves nothing was transcoded). In ``baseline`` mode the payload is re-encoded;
the frame's RTP timestamp still carries the sender's timeline (aiortc's decoder copies it to
the frame's pts, its encoder back to RTP), so each stream is calibrated once by decoding the
frame index the clip draws into the picture (:func:`media.testing.read_frame_index`), and a
sample of frames (the first 30 from the first keyframe, and every later keyframe) is decoded
to verify the mapping.

``--loss 0,2,5`` runs the lossy-link comparison instead of the ramp: every client reaches the
server through a UDP proxy in its own process (:mod:`benchmarks.lossy_link`) that drops each
RTP and RTCP datagram with probability P % in either direction and delays every datagram by
a uniform 0..``--jitter-ms`` (so some arrive out of order). For each loss level, each mode
runs ``--calls`` calls for one window, in the same invocation. NACK, RTX and PLI are
exercised and counted by the proxy (an SRTCP packet's first header is not encrypted).
Besides CPU and latency it reports, per video stream, the frames shown *intact* (rtp and
frame modes: byte-identical to a sent frame, with every frame since the last keyframe
received too, so a decoder shows it uncorrupted; baseline: every complete re-encoded frame)
against the frames sent, and *freezes* (a gap between shown frames longer than
max(3 x 33 ms, 33 ms + 150 ms), the webrtc-stats freezeCount rule) with their total length.
The clip sends a keyframe every 2 s and does not answer PLI, so a loss that NACK does not
repair freezes the picture until the next keyframe, as a sender that ignores PLI would.

Calls are added in steps (1, 2, 3, 4, 6, 8, 12, 16, 24; caps: 24 rtp and frame, 6
baseline). A step
is *held* when every stream still receives >= 27 fps and the p99 latency is at most twice
the 1-call p99. A step that is not held is measured once more (the machine is shared) and
the ramp stops if it fails again.
Calls per core = 100 / (server CPU % per call at the largest step held).

    .venv/bin/python benchmarks/relay.py                     # all three modes, ~6 minutes
    .venv/bin/python benchmarks/relay.py --modes rtp --max-calls 64 --seconds 10
    .venv/bin/python benchmarks/relay.py --loss 0,2,5 --modes rtp,rtp-queue,baseline --calls 4
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fractions
import itertools
import math
import multiprocessing
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import av
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from benchmarks.lossy_link import LinkProcess, pipe_inbox
from media import aiortc_tap
from media.codecs import MediaKind, codec_preferences, is_keyframe
from media.session import Forwarder, MediaSession
from media.testing import ClipTrack, encode_opus_clip, encode_vp8_clip, read_frame_index
from signaling.ice import EVERYWHERE, IceAddressPolicy

Mode = Literal["rtp", "rtp-split", "rtp-queue", "frame", "baseline"]
MODES: tuple[Mode, ...] = ("rtp", "rtp-split", "rtp-queue", "frame", "baseline")
FORWARDING: tuple[Mode, ...] = ("rtp", "rtp-split", "rtp-queue", "frame")  # our MediaSession

FPS = 30
WIDTH, HEIGHT = 640, 480
VIDEO_TICKS = 90000 // FPS  # RTP clock ticks per video frame
HELD_FPS = 27.0  # a stream is "at full frame rate" at >= 90 % of 30 fps
MAX_P99_GROWTH = 2.0  # p99 latency may grow to this multiple of the 1-call p99
CHECK_FRAMES = 30  # baseline: frames decoded per stream from its first keyframe
GENERATOR_SATURATED = 0.9  # of one core: beyond this the generator, not the server, limits
MACHINE_BUSY = 0.5  # of one core used by other processes: the window competed for CPU
MACHINE_FULL = 0.9  # of all cores busy: the machine, not one process, is the limit
FIRST_FRAME_TIMEOUT = 20.0
FRAME_INTERVAL = 1 / FPS
FREEZE_GAP = max(3 * FRAME_INTERVAL, FRAME_INTERVAL + 0.150)  # webrtc-stats freezeCount
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------ CPU accounting
def process_cpu_seconds(pid: int | str) -> float:
    """utime + stime of a process (all its threads), from ``/proc/<pid>/stat``."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text.rsplit(")", 1)[1].split()  # the command name may contain spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (``/proc/stat``)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / CLOCK_TICKS


# ------------------------------------------------------------------------ server process
def _server_main(mode: Mode, conn: Connection) -> None:
    """Entry point of the spawned server process."""
    asyncio.run(_serve(mode, conn))


async def _serve(mode: Mode, conn: Connection) -> None:
    """Answer ``("call", call_id, (offer_a, offer_b))`` messages until ``("stop",)``."""
    loop = asyncio.get_running_loop()
    inbox = pipe_inbox(conn)
    sessions: list[MediaSession] = []
    pcs: list[RTCPeerConnection] = []
    relay = MediaRelay()
    try:
        while (message := await inbox.get()) is not None and message[0] in ("call", "count"):
            if message[0] == "count":
                stats = await asyncio.gather(*(s.refresh_stats() for s in sessions))
                received = sum(
                    stream.packets
                    for per_session in stats
                    for participant in per_session.values()
                    for stream in participant.streams
                    if stream.direction == "inbound"
                )
                conn.send(("count", sum(s.packets_forwarded() for s in sessions), received))
                continue
            _, call_id, offers = message
            try:
                if mode == "rtp" or mode == "frame":
                    answers = await _ours_call(call_id, offers, sessions, mode)
                elif mode == "rtp-queue":
                    answers = await _ours_call(call_id, offers, sessions, "rtp", lean=False)
                elif mode == "rtp-split":
                    answers = await _ours_call(call_id, offers, sessions, "rtp", bundle=False)
                else:
                    answers = await _baseline_call(relay, offers, pcs)
                conn.send(("answers", answers))
            except Exception as exc:
                conn.send(("error", repr(exc)))
    finally:
        with contextlib.suppress(OSError, ValueError):
            loop.remove_reader(conn.fileno())
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
        await asyncio.gather(*(pc.close() for pc in pcs), return_exceptions=True)
        with contextlib.suppress(OSError):
            conn.send(("stopped",))


async def _ours_call(
    call_id: str,
    offers: tuple[str, str],
    sessions: list[MediaSession],
    forwarder: Forwarder,
    lean: bool = True,
    bundle: bool = True,
) -> tuple[str, str]:
    # the benchmark's peers are on this machine: allow its (non-global) addresses
    session = MediaSession(
        call_id,
        ice_policy=IceAddressPolicy.from_cidrs(EVERYWHERE),
        forwarder=forwarder,
        lean_receive=lean,
        bundle_rtcp=bundle,
    )
    sessions.append(session)
    return (await session.negotiate("a", offers[0]), await session.negotiate("b", offers[1]))


async def _baseline_call(
    relay: MediaRelay, offers: tuple[str, str], pcs: list[RTCPeerConnection]
) -> tuple[str, str]:
    """aiortc's stock relay: decode each remote track, MediaRelay it, re-encode per sender."""
    pair = (RTCPeerConnection(), RTCPeerConnection())
    pcs.extend(pair)
    remote: tuple[dict[str, MediaStreamTrack], dict[str, MediaStreamTrack]] = ({}, {})
    for pc, tracks, offer in zip(pair, remote, offers, strict=True):

        def on_track(track: MediaStreamTrack, tracks: dict[str, MediaStreamTrack] = tracks) -> None:
            tracks[track.kind] = track

        pc.on("track", on_track)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
    for pc, other in ((pair[0], remote[1]), (pair[1], remote[0])):
        for kind in ("audio", "video"):
            pc.addTrack(relay.subscribe(other[kind]))
    answers: list[str] = []
    for pc in pair:
        await pc.setLocalDescription(await pc.createAnswer())
        answers.append(pc.localDescription.sdp)
    return answers[0], answers[1]


class ServerProcess:
    """The spawned server process and the Pipe that carries SDP to it."""

    def __init__(self, mode: Mode) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_server_main, args=(mode, child), name=f"relay-{mode}", daemon=True
        )
        self.process.start()
        child.close()  # so the server sees EOF if this process dies
        self._lock = asyncio.Lock()

    @property
    def pid(self) -> int:
        """The server's process id."""
        pid = self.process.pid
        if pid is None:
            raise RuntimeError("server process not started")
        return pid

    async def call(self, call_id: str, offers: tuple[str, str]) -> tuple[str, str]:
        """Both answers for a call's two offers."""
        async with self._lock:
            self.conn.send(("call", call_id, offers))
            reply = await asyncio.get_running_loop().run_in_executor(None, self._reply, 60.0)
        if reply[0] != "answers":
            raise RuntimeError(f"server refused the call: {reply}")
        return cast(tuple[str, str], reply[1])

    async def packets_forwarded(self) -> int:
        """RTP packets the server forwarded so far (rtp modes; 0 otherwise)."""
        return (await self.packet_counts())[0]

    async def packet_counts(self) -> tuple[int, int]:
        """RTP packets the server forwarded (rtp modes) and received (RTCP statistics)."""
        async with self._lock:
            self.conn.send(("count",))
            reply = await asyncio.get_running_loop().run_in_executor(None, self._reply, 30.0)
        return int(reply[1]), int(reply[2])

    def _reply(self, timeout: float) -> tuple[Any, ...]:
        if not self.conn.poll(timeout):
            raise TimeoutError("no answer from the server process")
        return cast(tuple[Any, ...], self.conn.recv())

    async def stop(self) -> None:
        """Close the server's peers, then make sure the process is gone."""
        loop = asyncio.get_running_loop()
        with contextlib.suppress(OSError, TimeoutError, EOFError):
            async with self._lock:
                self.conn.send(("stop",))
                await loop.run_in_executor(None, self._reply, 30.0)
        await loop.run_in_executor(None, self.process.join, 10.0)
        if self.process.is_alive():
            self.process.kill()
            await loop.run_in_executor(None, self.process.join, 5.0)
        self.conn.close()


# ------------------------------------------------------------------------ load generator
@dataclass(frozen=True)
class Clip:
    """Pre-encoded media every client sends in a loop."""

    video: list[bytes]
    audio: list[bytes]
    index_of: dict[bytes, int]

    @property
    def video_kbps(self) -> float:
        """Mean video bitrate of the clip."""
        return sum(map(len, self.video)) * 8 * FPS / len(self.video) / 1000


@dataclass
class Received:
    """One received video stream: arrival times and (arrival, latency) pairs."""

    arrivals: list[float] = field(default_factory=list)
    latencies: list[tuple[float, float]] = field(default_factory=list)
    not_clip_frames: int = 0  # rtp, frame: payloads that are not byte-identical to a sent frame
    checks_ok: int = 0  # baseline: decoded frame index == index from the RTP timestamp
    checks_bad: int = 0
    failed_at: list[float] = field(default_factory=list)  # arrival times of the two above
    offset: int | None = None  # baseline: sender pts - received RTP timestamp (0-based)
    shown: list[float] = field(default_factory=list)  # arrival times of frames shown intact
    intact: set[int] = field(default_factory=set)  # rtp, frame: sender sequences shown intact
    decode_run: int = 0
    decoder: Any = None


def _ignore(_codec: RTCRtpCodecParameters, _data: bytes, _timestamp: int) -> None:
    """Tap for audio: it must not be decoded, and is not measured."""


class Client:
    """A browser stand-in: sends the clip, taps (never fully decodes) what it receives."""

    def __init__(self, mode: Mode, clip: Clip) -> None:
        self.mode = mode
        self.clip = clip
        self.pc = RTCPeerConnection()
        self.sent_at: list[float] = []  # video send time by sequence number
        self.latest_seq: dict[int, int] = {}  # clip index -> latest sequence that sent it
        self.source: Client | None = None  # whose video this client receives
        self.received = Received()
        # A browser sends compound RTCP reports (libwebrtc: about one a second for video, one
        # every five seconds for audio); aiortc's peers send one packet per sender and per
        # receiver, four a second. The clients bundle theirs, as the server's peers do.
        self.reports = aiortc_tap.RtcpReports()
        kinds: tuple[tuple[MediaKind, list[bytes]], ...] = (
            ("audio", clip.audio),
            ("video", clip.video),
        )
        for kind, payloads in kinds:
            track = ClipTrack(kind, payloads, on_sent=self._on_sent if kind == "video" else None)
            sender = self.pc.addTrack(track)
            transceiver = next(t for t in self.pc.getTransceivers() if t.sender is sender)
            # The clip is VP8/Opus: never let the sender negotiate a codec it would mislabel.
            transceiver.setCodecPreferences(
                codec_preferences(kind, "VP8" if kind == "video" else "opus")
            )
            tap = self._on_video if kind == "video" else _ignore
            aiortc_tap.install_frame_tap(transceiver.receiver, tap)
            self.reports.adopt(transceiver.sender)
            self.reports.adopt(transceiver.receiver)

    def _on_sent(self, sequence: int, index: int, at: float) -> None:
        self.sent_at.append(at)
        self.latest_seq[index] = sequence

    def _on_video(self, _codec: RTCRtpCodecParameters, data: bytes, timestamp: int) -> None:
        now = time.time()
        received = self.received
        received.arrivals.append(now)
        source = self.source
        if source is None:
            return
        if self.mode in FORWARDING:
            index = self.clip.index_of.get(data)
            if index is None:
                received.not_clip_frames += 1
                received.failed_at.append(now)
                return
            sequence: int | None = source.latest_seq.get(index)
            # Shown intact: a keyframe, or the frame before it was (VP8 deltas reference
            # earlier frames: after a gap a decoder shows garbage or waits for a keyframe).
            if sequence is not None and (
                sequence - 1 in received.intact or is_keyframe("VP8", data)
            ):
                received.intact.add(sequence)
                received.shown.append(now)
        else:
            sequence = self._baseline_sequence(received, source, data, timestamp)
            received.shown.append(now)  # aiortc's sender re-encodes what its decoder showed
            if sequence is not None:
                received.intact.add(sequence)
        if sequence is not None and 0 <= sequence < len(source.sent_at):
            received.latencies.append((now, now - source.sent_at[sequence]))

    def _baseline_sequence(
        self, received: Received, source: Client, data: bytes, timestamp: int
    ) -> int | None:
        """The sender's sequence number of a re-encoded frame, from its RTP timestamp."""
        if is_keyframe("VP8", data):
            # VP8 deltas need every earlier frame, so samples are runs from a keyframe.
            run = CHECK_FRAMES if received.offset is None else 1
            received.decode_run = max(received.decode_run, run)
        if received.decode_run > 0:
            received.decode_run -= 1
            index = _decode_index(received, data)
            if index is not None:
                if received.offset is None and index in source.latest_seq:
                    received.offset = source.latest_seq[index] * VIDEO_TICKS - timestamp
                if received.offset is not None:
                    sequence = _sequence_of(timestamp + received.offset)
                    expected = None if sequence is None else sequence % len(self.clip.video)
                    if expected == index:
                        received.checks_ok += 1
                    else:
                        received.checks_bad += 1
                        received.failed_at.append(time.time())
        if received.offset is None:
            return None
        return _sequence_of(timestamp + received.offset)

    async def close(self) -> None:
        """Close the peer connection."""
        await self.pc.close()
        await self.reports.close()


def _sequence_of(ticks: int) -> int | None:
    """The frame sequence number at ``ticks`` on the sender's 90 kHz timeline.

    aiortc's encoder converts pts between time bases, so a re-encoded frame's timestamp can
    be a tick off the sender's exact multiple of 3000.
    """
    sequence = round(ticks / VIDEO_TICKS)
    return sequence if abs(ticks - sequence * VIDEO_TICKS) <= VIDEO_TICKS // 4 else None


def _decode_index(received: Received, data: bytes) -> int | None:
    """Decode one sampled frame and read the clip index drawn into it."""
    if received.decoder is None:
        received.decoder = av.CodecContext.create("libvpx", "r")
    try:
        frames = received.decoder.decode(av.Packet(data))
    except av.error.FFmpegError:
        return None
    return read_frame_index(frames[-1]) if frames else None


async def connect_call(
    server: ServerProcess, call_id: str, a: Client, b: Client, link: LinkProcess | None = None
) -> None:
    """Offer from both clients, answers from the server (candidates are in the SDP); with a
    ``link``, each side's candidates are moved onto the lossy proxy."""
    a.source, b.source = b, a
    offers: list[str] = []
    for client in (a, b):
        await client.pc.setLocalDescription(await client.pc.createOffer())
        offer = client.pc.localDescription.sdp
        offers.append(offer if link is None else await link.route("client", offer))
    answers = await server.call(call_id, (offers[0], offers[1]))
    for client, answer in zip((a, b), answers, strict=True):
        if link is not None:
            answer = await link.route("server", answer)
        await client.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))


# ------------------------------------------------------------------------ measurement
@dataclass(frozen=True)
class Step:
    """One measurement window at a number of concurrent calls."""

    mode: Mode
    calls: int
    server_cores: float  # server CPU over the window, in cores
    generator_cores: float
    other_cores: float  # the rest of the machine (other users) during the window
    fps_min: float
    fps_mean: float
    p50_ms: float
    p99_ms: float
    samples: int
    reference_p99_ms: float  # this mode's 1-call p99
    seconds: float = 0.0  # the window's length
    packets: int = 0  # RTP packets the server forwarded in the window (rtp modes)
    failures: int = 0  # integrity failures in the window (see integrity_note)
    attempt: int = 1  # 2: a re-measurement after a window that was not held
    frames_sent: int = 0  # video frames all clients sent in the window
    frames_shown: int = 0  # of those, shown intact by the receiver (see run_link)
    freezes: int = 0  # gaps between frames shown > FREEZE_GAP, all streams
    freeze_seconds: float = 0.0  # their total length

    @property
    def server_pct_per_call(self) -> float:
        """Server CPU per call, in % of one core."""
        return 100 * self.server_cores / self.calls

    @property
    def us_per_packet(self) -> float:
        """Server CPU per forwarded RTP packet, in µs (rtp modes; nan otherwise)."""
        return 1e6 * self.server_cores * self.seconds / self.packets if self.packets else math.nan

    @property
    def fps_held(self) -> bool:
        """Every stream at full frame rate."""
        return self.fps_min >= HELD_FPS

    @property
    def latency_held(self) -> bool:
        """No latency growth against the 1-call step."""
        return self.samples > 0 and self.p99_ms <= MAX_P99_GROWTH * self.reference_p99_ms

    @property
    def held(self) -> bool:
        """Full frame rate without latency growth."""
        return self.fps_held and self.latency_held

    @property
    def generator_bound(self) -> bool:
        """The load generator used (nearly) a whole core: it may be the limit here."""
        return self.generator_cores >= GENERATOR_SATURATED

    def verdict(self) -> str:
        """Held, or why not."""
        if self.held:
            return "held"
        reasons = []
        if not self.fps_held:
            reasons.append("fps")
        if not self.latency_held:
            reasons.append("latency")
        return "NOT held (" + ", ".join(reasons) + ")"


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ramp_steps(cap: int) -> list[int]:
    """1, 2, 3, 4, 6, 8, 12, 16, 24, 32, ... below ``cap``, then ``cap``.

    Doubling, with a half step in between from 2 on, so the largest N held is found to
    within ~33 % without many more windows.
    """
    steps: list[int] = []
    n = 1
    while n < cap:
        steps.append(n)
        n += max(1, (1 << (n.bit_length() - 1)) // 2)
    return [*steps, cap]


async def _wait_first_frames(clients: Sequence[Client]) -> None:
    deadline = time.monotonic() + FIRST_FRAME_TIMEOUT
    while any(not c.received.arrivals for c in clients):
        if time.monotonic() > deadline:
            missing = sum(1 for c in clients if not c.received.arrivals)
            raise RuntimeError(f"{missing} clients received no video in {FIRST_FRAME_TIMEOUT}s")
        await asyncio.sleep(0.1)


async def run_mode(
    mode: Mode,
    clip: Clip,
    cap: int,
    warmup: float,
    seconds: float,
    report: Callable[[Step], None],
    *,
    keep_going: bool = False,
) -> tuple[list[Step], str]:
    """Ramp calls through one server process of ``mode``.

    Returns one :class:`Step` per window and a line on the integrity checks (ours: frames
    byte-identical to what was sent; baseline: sampled decoded indexes vs RTP timestamps).
    """
    server = ServerProcess(mode)
    clients: list[Client] = []
    steps: list[Step] = []
    try:
        for target in ramp_steps(cap):
            new: list[Client] = []
            while len(clients) // 2 < target:
                a, b = Client(mode, clip), Client(mode, clip)
                clients += [a, b]
                new += [a, b]
                await connect_call(server, f"call-{len(clients) // 2}", a, b)
            await _wait_first_frames(new)
            await asyncio.sleep(warmup)
            step = await _measure(mode, server, clients, seconds, steps)
            if not step.held and not keep_going:
                # The machine is shared: re-measure once so a transient hiccup elsewhere
                # does not end the ramp; the second window's figures stand.
                report(step)
                step = replace(await _measure(mode, server, clients, seconds, steps), attempt=2)
            steps.append(step)
            report(step)
            if not step.held and not keep_going:
                break
        return steps, integrity_note(mode, clients, steps)
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
        await server.stop()


async def run_link(
    mode: Mode,
    clip: Clip,
    calls: int,
    loss: float,
    jitter: float,
    warmup: float,
    seconds: float,
) -> tuple[Step, LinkWindow, str]:
    """``calls`` calls of ``mode`` through a lossy proxy (``loss`` 0..1, ``jitter`` s): one
    window."""
    server = ServerProcess(mode)
    link = LinkProcess(loss, jitter, seed=calls)
    clients: list[Client] = []
    try:
        for n in range(calls):
            a, b = Client(mode, clip), Client(mode, clip)
            clients += [a, b]
            await connect_call(server, f"call-{n + 1}", a, b, link)
        missing = ""
        try:
            await _wait_first_frames(clients)
        except RuntimeError as exc:  # measured anyway: a stream that never starts is 0 fps
            missing = f"; {exc}"
        await asyncio.sleep(warmup)
        counts0 = await link.counts()
        link_cpu0 = process_cpu_seconds(link.pid)
        step = await _measure(mode, server, clients, seconds, [])
        window = LinkWindow.between(
            counts0, await link.counts(), process_cpu_seconds(link.pid) - link_cpu0, step.seconds
        )
        return step, window, integrity_note(mode, clients, [step]) + missing
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
        await server.stop()
        await link.stop()


@dataclass(frozen=True)
class LinkWindow:
    """What the lossy proxy saw in a window: ``up`` is client to server, ``down`` back."""

    rtp: int
    dropped: int
    nack_up: int  # receivers asking the server to retransmit
    nack_down: int  # the server asking publishers
    pli_up: int
    pli_down: int
    fir: int
    link_cores: float  # the proxy process's CPU, in cores

    @classmethod
    def between(
        cls, c0: Counter[tuple[str, str]], c1: Counter[tuple[str, str]], cpu: float, seconds: float
    ) -> LinkWindow:
        """The difference of two counter readings."""
        d = Counter({k: c1[k] - c0.get(k, 0) for k in c1})
        return cls(
            rtp=d[("up", "rtp")] + d[("down", "rtp")],
            dropped=d[("dropped", "up")] + d[("dropped", "down")],
            nack_up=d[("up", "nack")],
            nack_down=d[("down", "nack")],
            pli_up=d[("up", "pli")],
            pli_down=d[("down", "pli")],
            fir=d[("up", "fir")] + d[("down", "fir")],
            link_cores=cpu / seconds if seconds else math.nan,
        )


def _shown_in(received: Received, t0: float, t1: float) -> tuple[int, int, float]:
    """Frames shown in [t0, t1), freezes among them, and their total length in seconds."""
    times = [t for t in received.shown if t0 <= t < t1]
    edges = [t0, *times, t1]
    gaps = [b - a for a, b in itertools.pairwise(edges) if b - a > FREEZE_GAP]
    return len(times), len(gaps), sum(gaps)


async def _measure(
    mode: Mode, server: ServerProcess, clients: Sequence[Client], seconds: float, done: list[Step]
) -> Step:
    packets0 = await server.packets_forwarded()
    server0, gen0 = process_cpu_seconds(server.pid), process_cpu_seconds("self")
    busy0 = machine_busy_seconds()
    t0, m0 = time.time(), time.monotonic()
    await asyncio.sleep(seconds)
    server1, gen1, busy1 = (
        process_cpu_seconds(server.pid),
        process_cpu_seconds("self"),
        machine_busy_seconds(),
    )
    t1, m1 = time.time(), time.monotonic()
    packets1 = await server.packets_forwarded()
    elapsed = m1 - m0
    shown = [_shown_in(c.received, t0, t1) for c in clients]
    # Frames sent in the window, and how many of them the other side showed intact (by the
    # sender's sequence number, so a late or repeated frame is not counted twice).
    sent_in = [
        (c.source, [n for n, t in enumerate(c.source.sent_at) if t0 <= t < t1])
        for c in clients
        if c.source is not None
    ]
    sent = sum(len(seqs) for _, seqs in sent_in)
    intact = sum(
        sum(1 for n in seqs if n in c.received.intact)
        for c, (_, seqs) in zip(clients, sent_in, strict=True)
    )
    fps = [sum(1 for t in c.received.arrivals if t0 <= t < t1) / (t1 - t0) for c in clients]
    latencies = [v for c in clients for at, v in c.received.latencies if t0 <= at < t1]
    p99 = 1000 * _percentile(latencies, 0.99)
    server_cores = (server1 - server0) / elapsed
    generator_cores = (gen1 - gen0) / elapsed
    return Step(
        mode=mode,
        calls=len(clients) // 2,
        server_cores=server_cores,
        generator_cores=generator_cores,
        other_cores=max(0.0, (busy1 - busy0) / elapsed - server_cores - generator_cores),
        fps_min=min(fps),
        fps_mean=statistics.mean(fps),
        p50_ms=1000 * _percentile(latencies, 0.5),
        p99_ms=p99,
        samples=len(latencies),
        reference_p99_ms=done[0].p99_ms if done else p99,
        failures=sum(1 for c in clients for at in c.received.failed_at if t0 <= at < t1),
        packets=packets1 - packets0,
        seconds=elapsed,
        frames_sent=sent,
        frames_shown=intact,
        freezes=sum(f for _, f, _ in shown),
        freeze_seconds=sum(x for _, _, x in shown),
    )


def integrity_note(mode: Mode, clients: Sequence[Client], steps: Sequence[Step]) -> str:
    """What the receivers' checks found over a mode's run, and within its held windows."""
    frames = sum(len(c.received.arrivals) for c in clients)
    in_held = sum(s.failures for s in steps if s.held)
    if mode in FORWARDING:
        foreign = sum(c.received.not_clip_frames for c in clients)
        return (
            f"video frames received not byte-identical to a sent frame: {foreign} of {frames} "
            f"({in_held} in held windows)"
        )
    ok = sum(c.received.checks_ok for c in clients)
    bad = sum(c.received.checks_bad for c in clients)
    calibrated = sum(1 for c in clients if c.received.offset is not None)
    return (
        f"{frames} re-encoded video frames received; sampled decodes whose index matches the "
        f"RTP-timestamp mapping: {ok} of {ok + bad} ({in_held} mismatches in held windows); "
        f"streams calibrated: {calibrated} of {len(clients)}"
    )


# ------------------------------------------------------------------------ report
HEADER = (
    f"{'mode':<10}{'calls':>5}  {'server CPU':>10}  {'per call':>8}  {'generator':>9}  "
    f"{'others':>6}  {'fps/stream min/mean':>19}  {'p50 ms':>7}  {'p99 ms':>7}  "
    f"{'us/pkt':>6}  verdict"
)


def format_step(step: Step) -> str:
    """One table row; CPU figures are % of one core."""
    note = "  [generator >= 90 % of a core]" if step.generator_bound else ""
    if step.other_cores >= MACHINE_BUSY:
        note += "  [machine busy]"
    if step.attempt > 1:
        note += "  [re-measured]"
    return (
        f"{step.mode:<10}{step.calls:>5}  {100 * step.server_cores:>9.1f}%  "
        f"{step.server_pct_per_call:>7.1f}%  {100 * step.generator_cores:>8.1f}%  "
        f"{100 * step.other_cores:>5.0f}%  {step.fps_min:>9.1f} / {step.fps_mean:<7.1f}  "
        f"{step.p50_ms:>7.1f}  {step.p99_ms:>7.1f}  {step.us_per_packet:>6.1f}  "
        f"{step.verdict()}{note}"
    )


@dataclass(frozen=True)
class Summary:
    """A mode's capacity: the largest step held and its CPU per call."""

    mode: Mode
    held_calls: int
    pct_per_call: float
    basis: Step
    stop: str

    @property
    def calls_per_core(self) -> float:
        """Calls one core forwards at this mode's measured CPU per call."""
        return 100 / self.pct_per_call


def summarize(mode: Mode, steps: Sequence[Step], cap: int) -> Summary | None:
    """The largest held step (or the first step, if none held) and why the ramp stopped."""
    if not steps:
        return None
    held = [s for s in steps if s.held]
    basis = held[-1] if held else steps[0]
    last = steps[-1]
    if last.held:
        stop = f"reached the cap of {cap} calls"
    else:
        stop = f"{last.calls} calls: {last.verdict()}"
        if last.generator_bound:
            stop += " with the load generator at a full core: the generator may be the limit"
    return Summary(mode, basis.calls if held else 0, basis.server_pct_per_call, basis, stop)


AUDIO_PTIME_MS = 20


def video_packets_per_frame(frames: Sequence[bytes]) -> float:
    """Mean RTP packets per frame of the clip, as aiortc's VP8 packetizer splits it."""
    encoder = Vp8Encoder()
    count = 0
    for n, data in enumerate(frames):
        packet = av.Packet(data)
        packet.pts = n * VIDEO_TICKS
        packet.time_base = fractions.Fraction(1, 90000)
        count += len(encoder.pack(packet)[0])
    return count / len(frames)


LINK_HEADER = (
    f"{'loss':>4} {'mode':<10}{'calls':>5} {'CPU-s/call-s':>12} {'calls/core':>10} "
    f"{'gen':>5} {'link':>5} {'others':>6} {'fps min':>7} {'p50 ms':>7} {'p99 ms':>7} "
    f"{'intact':>7} {'freezes/min':>11} {'frozen':>7} {'NACK up/down':>12} "
    f"{'PLI up/down':>11} {'dropped':>7}"
)


def format_link(loss: float, step: Step, window: LinkWindow) -> str:
    """One row of the lossy-link table: CPU per call-second and calls per core are the
    server's; gen, link and others are cores; intact is frames shown intact / frames sent;
    freezes per stream-minute; frozen is the share of stream time inside freezes."""
    streams = 2 * step.calls
    minutes = streams * step.seconds / 60
    per_call = step.server_cores / step.calls
    intact = step.frames_shown / step.frames_sent if step.frames_sent else math.nan
    return (
        f"{loss:>3g}% {step.mode:<10}{step.calls:>5} {per_call:>12.4f} {1 / per_call:>10.1f} "
        f"{step.generator_cores:>5.2f} {window.link_cores:>5.2f} {step.other_cores:>6.2f} "
        f"{step.fps_min:>7.1f} {step.p50_ms:>7.1f} {step.p99_ms:>7.1f} {100 * intact:>6.1f}% "
        f"{step.freezes / minutes:>11.1f} "
        f"{100 * step.freeze_seconds / (streams * step.seconds):>6.1f}% "
        f"{f'{window.nack_up}/{window.nack_down}':>12} "
        f"{f'{window.pli_up}/{window.pli_down}':>11} {window.dropped:>7}"
    )


def link_run(modes: list[Mode], clip: Clip, losses: list[float], args: argparse.Namespace) -> None:
    """Every mode at every loss level through the lossy proxy, one window each."""
    print(
        f"lossy link: {args.calls} calls per mode, window {args.seconds:g}s after "
        f"{args.warmup:g}s warm-up; RTP/RTCP dropped with the given probability each way, "
        f"every datagram delayed 0..{args.jitter_ms:g} ms; CPU-s/call-s and calls/core are "
        "the server's; gen, link (the proxy), others in cores",
        flush=True,
    )
    print(LINK_HEADER, flush=True)
    rows: list[str] = []
    notes: list[str] = []
    for loss in losses:
        for mode in modes:
            step, window, note = asyncio.run(
                run_link(
                    mode,
                    clip,
                    args.calls,
                    loss / 100,
                    args.jitter_ms / 1000,
                    args.warmup,
                    args.seconds,
                )
            )
            rows.append(format_link(loss, step, window))
            print(rows[-1], flush=True)
            used = step.server_cores + step.generator_cores + window.link_cores
            if step.server_cores >= GENERATOR_SATURATED:
                limit = "the server (>= 90 % of a core)"
            elif step.generator_bound:
                limit = "the load generator (>= 90 % of a core)"
            elif used + step.other_cores >= MACHINE_FULL * (os.cpu_count() or 1):
                limit = (
                    f"the shared machine: full ({used:.2f} cores ours, "
                    f"{step.other_cores:.2f} other processes)"
                )
            else:
                limit = "none reached (server and generator below a core, machine not full)"
            notes.append(f"{loss:g}% {mode}: {note}; limit: {limit}")
    print()
    print(LINK_HEADER)
    print("\n".join(rows))
    print()
    print("\n".join(notes))


# ------------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> None:
    """Encode the clips, ramp each mode, print the table and the summary."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--modes",
        default="rtp,rtp-queue,frame,baseline",
        help="comma-separated: rtp,rtp-split,rtp-queue,frame,baseline",
    )
    parser.add_argument("--max-calls", type=int, default=24, help="ramp cap for our forwarders")
    parser.add_argument("--max-baseline-calls", type=int, default=6, help="ramp cap for baseline")
    parser.add_argument("--seconds", type=float, default=8.0, help="measurement window per step")
    parser.add_argument("--warmup", type=float, default=2.0, help="after the new calls' 1st frame")
    parser.add_argument("--clip-seconds", type=float, default=10.0)
    parser.add_argument("--bitrate", type=int, default=900_000, help="clip VP8 bitrate, bit/s")
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help="ramp to the cap even past steps not held (CPU per packet on a busy machine)",
    )
    parser.add_argument(
        "--loss",
        default="",
        help="comma-separated loss %% per link direction (e.g. 0,2,5): the lossy-link run",
    )
    parser.add_argument("--jitter-ms", type=float, default=10.0, help="lossy link: 0..J ms delay")
    parser.add_argument("--calls", type=int, default=4, help="lossy link: calls per mode")
    args = parser.parse_args(argv)
    try:
        losses = [float(v) for v in args.loss.split(",") if v.strip()]
    except ValueError:
        parser.error("--loss takes comma-separated percentages, e.g. 0,2,5")
    if any(not 0 <= v < 50 for v in losses) or args.jitter_ms < 0 or args.calls < 1:
        parser.error("--loss values must be 0..50 (%), --jitter-ms >= 0, --calls >= 1")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or any(m not in MODES for m in modes):
        parser.error(f"--modes takes a comma-separated subset of {','.join(MODES)}")
    if args.max_calls < 1 or args.max_baseline_calls < 1 or args.seconds <= 0:
        parser.error("--max-calls, --max-baseline-calls and --seconds must be positive")

    started = time.monotonic()
    frames = int(args.clip_seconds * FPS)
    video = encode_vp8_clip(
        frames, width=WIDTH, height=HEIGHT, fps=FPS, gop=2 * FPS, bitrate=args.bitrate
    )
    audio = encode_opus_clip(int(args.clip_seconds * 50))
    clip = Clip(video=video, audio=audio, index_of={p: i for i, p in enumerate(video)})
    packets_per_call = 2 * (FPS * video_packets_per_frame(video) + 1000 / AUDIO_PTIME_MS)
    if len(clip.index_of) != len(video):
        raise SystemExit("clip frames are not unique: cannot match payloads to send times")
    print(
        f"clip: {frames} frames {WIDTH}x{HEIGHT}@{FPS} VP8 {clip.video_kbps:.0f} kbit/s "
        f"(keyframe every 2 s) + Opus 32 kbit/s; encoded once in "
        f"{time.monotonic() - started:.1f}s; {os.cpu_count()} cores; "
        f"load average {Path('/proc/loadavg').read_text().split()[0]}",
        flush=True,
    )
    if losses:
        link_run(cast(list[Mode], modes), clip, losses, args)
        print(f"total run time {time.monotonic() - started:.0f}s")
        return
    print(
        f"window {args.seconds:g}s per step after {args.warmup:g}s warm-up; CPU in % of one "
        "core; 'others' = rest of the machine during the window",
        flush=True,
    )
    print(HEADER, flush=True)

    rows: list[str] = []

    def report(step: Step) -> None:
        rows.append(format_step(step))
        print(rows[-1], flush=True)

    results: dict[Mode, list[Step]] = {}
    notes: dict[Mode, str] = {}
    for mode in cast(list[Mode], modes):
        cap = args.max_calls if mode in FORWARDING else args.max_baseline_calls
        results[mode], notes[mode] = asyncio.run(
            run_mode(
                mode,
                clip,
                cap,
                args.warmup,
                args.seconds,
                report,
                keep_going=args.keep_going,
            )
        )

    print()
    print("table")
    print(HEADER)
    print("\n".join(rows))
    print()
    summaries: dict[Mode, Summary] = {}
    for mode, steps in results.items():
        cap = args.max_calls if mode in FORWARDING else args.max_baseline_calls
        summary = summarize(mode, steps, cap)
        if summary is None:
            continue
        summaries[mode] = summary
        b = summary.basis
        print(
            f"{mode:<10}largest N held: {summary.held_calls} calls; at {b.calls} calls "
            f"{summary.pct_per_call:.1f}% of a core per call -> "
            f"{summary.calls_per_core:.1f} calls per core; latency p50 {b.p50_ms:.1f} ms, "
            f"p99 {b.p99_ms:.1f} ms"
        )
        print(f"{'':<10}ramp stopped: {summary.stop}")
        others = statistics.mean(100 * s.other_cores for s in steps)
        print(f"{'':<10}other processes used {others:.0f}% of a core on average meanwhile")
        print(f"{'':<10}{notes[mode]}")
        busiest = max((s for s in steps if s.packets), key=lambda s: s.calls, default=None)
        if busiest is not None:
            per_call = busiest.us_per_packet * packets_per_call / 1e6  # CPU-s per call-second
            print(
                f"{'':<10}CPU per packet at {busiest.calls} calls: "
                f"{busiest.us_per_packet:.1f} us -> {per_call:.4f} CPU-seconds per call-second "
                f"at the clip's {packets_per_call:.0f} packets/s per call -> "
                f"{1 / per_call:.1f} calls per core by CPU (whether or not the step held)"
            )
    for mode in FORWARDING:
        for other in ("rtp-split", "rtp-queue", "frame", "baseline"):
            if mode == other or mode not in summaries or other not in summaries:
                continue
            ours, base = summaries[mode], summaries[other]
            ratio = ours.calls_per_core / base.calls_per_core
            held_ratio = (
                f"{ours.held_calls / base.held_calls:.1f}x" if base.held_calls else "n/a (0 held)"
            )
            print(
                f"{mode} / {other}: {ratio:.1f}x calls per core; "
                f"largest N held {ours.held_calls} vs {base.held_calls} ({held_ratio})"
            )
    print(f"total run time {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
