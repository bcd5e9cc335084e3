"""Benchmark: concurrent 1:1 video calls forwarded by one server process.

Each call is two client peers (640x480@30 VP8 + Opus, ~1 Mbps per direction) talking
through a server process. Two server modes run in the same invocation:

* ``forward``: this project's :class:`media.session.MediaSession` (encoded frames are
  forwarded; nothing is decoded or encoded);
* ``baseline``: aiortc's stock topology: the server decodes each received track and a
  ``MediaRelay`` feeds it to the other party's sender, which re-encodes it.

The load generator never encodes: a short clip is encoded once with PyAV and sent as
``av.Packet`` s in a loop. Every video frame carries its clip index (as pixel blocks, so it
survives the baseline's re-encoding); the receiving peer matches frames to their send time
(forward mode: by payload bytes, which also proves no transcoding; baseline: by decoding
the index). Calls are added step by step; each step reports the server's CPU per call
(``time.process_time`` in the server process: all its threads), the received frame rate
and the forwarding latency (send -> receive, including both jitter buffers, ~2 frames).

    .venv/bin/python benchmarks/relay.py                 # default, about 3-4 minutes
    .venv/bin/python benchmarks/relay.py --forward-steps 2,4,8,12,16,20 --window 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
import av
from aiohttp import web
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from media import aiortc_tap
from media.session import MediaSession
from media.testing import (
    ClipTrack,
    encode_opus_clip,
    encode_vp8_clip,
    read_frame_index,
)

FPS = 30
HELD_FPS = 0.9 * FPS  # a stream is "at full frame rate" at >= 27 fps
MAX_LATENCY_GROWTH = 0.050  # p50 of a window's second half minus first half, seconds


# ---------------------------------------------------------------------------- server
class _LateTrack(MediaStreamTrack):
    """Baseline: the other party's relayed track, once that party has joined."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind
        self.source: asyncio.Future[MediaStreamTrack] = asyncio.get_running_loop().create_future()

    async def recv(self) -> Any:
        source = await self.source
        try:
            return await source.recv()
        except MediaStreamError:
            self.stop()
            raise


@dataclass
class _BaselineCall:
    pcs: dict[str, RTCPeerConnection] = field(default_factory=dict)
    remote: dict[str, dict[str, MediaStreamTrack]] = field(default_factory=dict)
    outgoing: dict[str, dict[str, _LateTrack]] = field(default_factory=dict)


class _Server:
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sessions: dict[str, MediaSession] = {}
        self.calls: dict[str, _BaselineCall] = {}
        self.relay = MediaRelay()

    async def offer(self, request: web.Request) -> web.Response:
        body = await request.json()
        call_id, pid, sdp = body["call"], body["pid"], body["sdp"]
        if self.mode == "forward":
            session = self.sessions.get(call_id)
            if session is None:
                session = self.sessions[call_id] = MediaSession(call_id, media_timeout=60)
            answer = await session.negotiate(pid, sdp)
        else:
            answer = await self._baseline_offer(call_id, pid, sdp)
        return web.json_response({"sdp": answer})

    async def _baseline_offer(self, call_id: str, pid: str, sdp: str) -> str:
        call = self.calls.setdefault(call_id, _BaselineCall())
        pc = RTCPeerConnection()
        call.pcs[pid] = pc
        call.remote[pid] = {}
        call.outgoing[pid] = {}

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            call.remote[pid][track.kind] = track

        await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        for kind in ("audio", "video"):
            late = _LateTrack(kind)
            call.outgoing[pid][kind] = late
            pc.addTrack(late)
        # Wire both directions through the stock MediaRelay (decode once, encode per sender).
        for other, tracks in call.outgoing.items():
            if other == pid:
                continue
            for kind, late in tracks.items():
                if kind in call.remote[pid] and not late.source.done():
                    late.source.set_result(self.relay.subscribe(call.remote[pid][kind]))
            for kind, late in call.outgoing[pid].items():
                if kind in call.remote[other] and not late.source.done():
                    late.source.set_result(self.relay.subscribe(call.remote[other][kind]))
        await pc.setLocalDescription(await pc.createAnswer())
        return str(pc.localDescription.sdp)

    async def cpu(self, _request: web.Request) -> web.Response:
        return web.json_response({"cpu": time.process_time(), "wall": time.monotonic()})

    async def close_all(self) -> None:
        for session in self.sessions.values():
            await session.close()
        for call in self.calls.values():
            for pc in call.pcs.values():
                await pc.close()


def _serve(mode: str, port_queue: Any) -> None:
    async def main() -> None:
        server = _Server(mode)
        app = web.Application(client_max_size=1 << 20)
        app.router.add_post("/offer", server.offer)
        app.router.add_get("/cpu", server.cpu)
        stop = asyncio.Event()
        app.router.add_post("/stop", lambda _r: _stop(stop))
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        port_queue.put(port)
        with contextlib.suppress(asyncio.CancelledError):
            await stop.wait()
        await server.close_all()
        await runner.cleanup()

    async def _stop(stop: asyncio.Event) -> web.Response:
        stop.set()
        return web.json_response({})

    asyncio.run(main())


# ---------------------------------------------------------------------------- clients
@dataclass
class _Stream:
    """What one client receives: arrival times and latencies of video frames."""

    arrivals: list[float] = field(default_factory=list)
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (arrival, latency)
    foreign: int = 0  # frames whose payload is not a clip frame (i.e. transcoded)


class _Client:
    def __init__(
        self, mode: str, video: list[bytes], audio: list[bytes], index_of: dict[bytes, int]
    ) -> None:
        self.pc = RTCPeerConnection()
        self.sent_at: dict[int, float] = {}
        self.peer: _Client | None = None
        self.stream = _Stream()
        self.tasks: list[asyncio.Task[None]] = []
        self.mode = mode

        def on_sent(_seq: int, index: int, at: float) -> None:
            self.sent_at[index] = at

        for kind, clip in (("audio", audio), ("video", video)):
            sender = self.pc.addTrack(
                ClipTrack(kind, clip, on_sent=on_sent if kind == "video" else None)  # type: ignore[arg-type]
            )
            transceiver = next(t for t in self.pc.getTransceivers() if t.sender is sender)
            if mode == "forward":
                if kind == "video":
                    aiortc_tap.install_frame_tap(
                        transceiver.receiver,
                        lambda _c, data, _ts: self._on_encoded(index_of.get(data), data),
                    )
                else:
                    aiortc_tap.install_frame_tap(transceiver.receiver, lambda *_: None)
            aiortc_tap.intercept_keyframe_requests(sender, lambda: None)

        if mode == "baseline":

            @self.pc.on("track")
            def on_track(track: MediaStreamTrack) -> None:
                self.tasks.append(asyncio.ensure_future(self._consume(track)))

    def _on_encoded(self, index: int | None, _data: bytes) -> None:
        now = time.time()
        self.stream.arrivals.append(now)
        if index is None:
            self.stream.foreign += 1
            return
        self._record(index, now)

    def _record(self, index: int, now: float) -> None:
        sender = self.peer
        if sender is None or index not in sender.sent_at:
            return
        self.stream.latencies.append((now, now - sender.sent_at[index]))

    async def _consume(self, track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                if isinstance(frame, av.VideoFrame):
                    now = time.time()
                    self.stream.arrivals.append(now)
                    self._record(read_frame_index(frame), now)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await self.pc.close()


async def _connect(http: aiohttp.ClientSession, base: str, call: str, pid: str, c: _Client) -> None:
    await c.pc.setLocalDescription(await c.pc.createOffer())
    async with http.post(
        f"{base}/offer", json={"call": call, "pid": pid, "sdp": c.pc.localDescription.sdp}
    ) as response:
        response.raise_for_status()
        answer = (await response.json())["sdp"]
    await c.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))


@dataclass(frozen=True)
class StepResult:
    calls: int
    cpu_cores: float  # server CPU over the window, in cores
    gen_cores: float  # load generator CPU, in cores
    fps_min: float
    fps_mean: float
    p50_ms: float
    p99_ms: float
    growth_ms: float
    foreign_frames: int

    @property
    def cpu_per_call_pct(self) -> float:
        return 100 * self.cpu_cores / self.calls

    @property
    def held(self) -> bool:
        return self.fps_min >= HELD_FPS and self.growth_ms <= MAX_LATENCY_GROWTH * 1000


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _run_mode(
    mode: str,
    steps: list[int],
    video: list[bytes],
    audio: list[bytes],
    warmup: float,
    window: float,
    log: Callable[[str], None],
) -> list[StepResult]:
    ctx = multiprocessing.get_context("spawn")
    ports = ctx.Queue()
    server = ctx.Process(target=_serve, args=(mode, ports), daemon=True)
    server.start()
    results: list[StepResult] = []
    clients: list[_Client] = []
    index_of = {payload: i for i, payload in enumerate(video)}
    try:
        port = await asyncio.get_running_loop().run_in_executor(None, ports.get, True, 60)
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:

            async def server_cpu() -> tuple[float, float]:
                async with http.get(f"{base}/cpu") as r:
                    body = await r.json()
                return float(body["cpu"]), float(body["wall"])

            calls = 0
            for target in steps:
                while calls < target:
                    a = _Client(mode, video, audio, index_of)
                    b = _Client(mode, video, audio, index_of)
                    a.peer, b.peer = b, a
                    clients += [a, b]
                    await _connect(http, base, f"call{calls}", "a", a)
                    await _connect(http, base, f"call{calls}", "b", b)
                    calls += 1
                await asyncio.sleep(warmup)
                cpu0, wall0 = await server_cpu()
                gen0, t0 = time.process_time(), time.time()
                await asyncio.sleep(window)
                cpu1, wall1 = await server_cpu()
                gen1, t1 = time.process_time(), time.time()
                fps = [
                    sum(1 for t in c.stream.arrivals if t0 <= t < t1) / (t1 - t0) for c in clients
                ]
                lat = [(a, v) for c in clients for a, v in c.stream.latencies if t0 <= a < t1]
                mid = (t0 + t1) / 2
                first = [v for a, v in lat if a < mid]
                second = [v for a, v in lat if a >= mid]
                growth = (
                    statistics.median(second) - statistics.median(first)
                    if first and second
                    else float("inf")
                )
                result = StepResult(
                    calls=calls,
                    cpu_cores=(cpu1 - cpu0) / (wall1 - wall0),
                    gen_cores=(gen1 - gen0) / (t1 - t0),
                    fps_min=min(fps),
                    fps_mean=statistics.mean(fps),
                    p50_ms=1000 * _pct([v for _, v in lat], 0.5),
                    p99_ms=1000 * _pct([v for _, v in lat], 0.99),
                    growth_ms=1000 * growth,
                    foreign_frames=sum(c.stream.foreign for c in clients),
                )
                results.append(result)
                log(
                    f"  {mode:8s} calls={calls:3d}  server CPU {100 * result.cpu_cores:6.1f}% "
                    f"({result.cpu_per_call_pct:5.1f}%/call)  fps min/mean "
                    f"{result.fps_min:4.1f}/{result.fps_mean:4.1f}  latency p50 "
                    f"{result.p50_ms:6.1f} ms p99 {result.p99_ms:7.1f} ms  growth "
                    f"{result.growth_ms:+7.1f} ms  generator CPU {100 * result.gen_cores:5.1f}%"
                    f"  {'held' if result.held else 'NOT held'}"
                )
                if not result.held:
                    break
                if result.gen_cores > 0.95:
                    log("  (load generator saturated one core: stopping the ramp here)")
                    break
            with contextlib.suppress(Exception):
                async with http.post(f"{base}/stop") as r:
                    await r.read()
    finally:
        for c in clients:
            with contextlib.suppress(Exception):
                await c.close()
        server.join(timeout=20)
        if server.is_alive():
            server.kill()
    return results


def _summary(mode: str, results: list[StepResult]) -> tuple[int, float]:
    held = [r for r in results if r.held]
    best = held[-1] if held else None
    # CPU per call from the largest step measured (fixed costs amortised best there).
    per_call = min(r.cpu_per_call_pct for r in results) if results else float("nan")
    if best is not None:
        per_call = best.cpu_per_call_pct
    return (best.calls if best else 0), per_call


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forward-steps", default="1,2,4,8,12,16")
    parser.add_argument("--baseline-steps", default="1,2,3,4")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--window", type=float, default=6.0)
    parser.add_argument("--clip-seconds", type=float, default=10.0)
    parser.add_argument("--bitrate", type=int, default=1_000_000)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args(argv)

    t = time.monotonic()
    frames = int(args.clip_seconds * FPS)
    video = encode_vp8_clip(
        frames, width=640, height=480, fps=FPS, gop=2 * FPS, bitrate=args.bitrate
    )
    audio = encode_opus_clip(int(args.clip_seconds * 50))
    kbps = sum(map(len, video)) * 8 / args.clip_seconds / 1000
    print(
        f"clip: {frames} frames 640x480@{FPS} VP8 {kbps:.0f} kbit/s + Opus 32 kbit/s, "
        f"encoded once in {time.monotonic() - t:.1f}s"
    )

    def log(line: str) -> None:
        print(line, flush=True)

    forward_steps = [int(x) for x in args.forward_steps.split(",")]
    baseline_steps = [int(x) for x in args.baseline_steps.split(",")]
    forward = asyncio.run(
        _run_mode("forward", forward_steps, video, audio, args.warmup, args.window, log)
    )
    baseline: list[StepResult] = []
    if not args.skip_baseline:
        baseline = asyncio.run(
            _run_mode("baseline", baseline_steps, video, audio, args.warmup, args.window, log)
        )

    f_calls, f_cpu = _summary("forward", forward)
    print()
    print(
        f"forward : largest N held {f_calls} calls; CPU {f_cpu:.1f}% of a core per call "
        f"-> {100 / f_cpu:.1f} calls per core"
    )
    foreign = sum(r.foreign_frames for r in forward)
    print(f"          frames not byte-identical to a sent frame: {foreign}")
    if forward:
        held = [r for r in forward if r.held] or forward
        print(
            f"          latency at {held[-1].calls} calls: p50 {held[-1].p50_ms:.1f} ms, "
            f"p99 {held[-1].p99_ms:.1f} ms"
        )
    if baseline:
        b_calls, b_cpu = _summary("baseline", baseline)
        print(
            f"baseline: largest N held {b_calls} calls; CPU {b_cpu:.1f}% of a core per call "
            f"-> {100 / b_cpu:.1f} calls per core"
        )
        held = [r for r in baseline if r.held] or baseline
        print(
            f"          latency at {held[-1].calls} calls: p50 {held[-1].p50_ms:.1f} ms, "
            f"p99 {held[-1].p99_ms:.1f} ms"
        )
        ratio = (100 / f_cpu) / (100 / b_cpu)
        print(f"calls per core, forward / baseline: {ratio:.1f}x (target >= 10x)")
    print(f"total run time {time.monotonic() - t:.0f}s")


if __name__ == "__main__":
    main()
