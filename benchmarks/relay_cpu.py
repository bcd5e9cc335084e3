"""Benchmark: the raw-RTP forwarder's server CPU per forwarded packet, without real time.

``benchmarks/relay.py`` ramps real-time calls and needs the machine to itself: on a shared
2-core machine, when other processes take most of it, no step holds 30 fps and its figures
say more about the machine than about the server. This benchmark asks only what the server
*spends*, which contention changes much less:

1. ``--calls`` 1:1 calls are set up through one server process (``relay.ServerProcess``), as
   in ``relay.py``. Each client sends a short clip (its first frame a keyframe) and then goes
   silent, keeping its connection (~4 s, so that a subscriber that connects late gets the
   clip's next keyframe); every RTP packet it sent is kept, before SRTP.
2. *Idle window*: the server's CPU with every call connected and no media (RTCP reports,
   ICE consent checks, timers): the fixed cost of a call.
3. *Burst*: the clients send their recorded packets again, renumbered to continue their
   streams (sequence numbers, timestamps) and SRTP-protected by their own sessions, paced at
   ``--rate`` packets per second in total, until ``--packets`` have gone out. The server's
   CPU over the burst (less the idle cost) divided by the packets it received (its RTCP
   statistics) is its CPU per packet; in a 1:1 call each packet received is forwarded once
   (the count of those forwarded is printed too: a subscriber waiting for a keyframe drops).

The server modes run in the same invocation: ``rtp`` (the lean receive path, RTCP reports
bundled per peer), ``rtp-split`` (the same with aiortc's RTCP report loops, one packet per
sender and per receiver) and ``rtp-queue`` (the same forwarder through aioice's queue and
aiortc's receive path). Calls
per core = 1 / (idle CPU per call + packets per second of a call x CPU per packet), where a
call at 640x480@30 forwards the clip's packets both ways (its VP8 frames as aiortc's
packetizer splits them, and 50 Opus packets/s).

    .venv/bin/python benchmarks/relay_cpu.py
    .venv/bin/python benchmarks/relay_cpu.py --calls 8 --packets 40000 --rate 8000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiortc.rtp import RtpPacket, is_rtcp

from benchmarks.relay import (
    FPS,
    HEIGHT,
    WIDTH,
    Clip,
    Mode,
    ServerProcess,
    connect_call,
    machine_busy_seconds,
    process_cpu_seconds,
    video_packets_per_frame,
)
from benchmarks.relay import (
    Client as RelayClient,
)
from media import aiortc_tap
from media.testing import ClipTrack, encode_opus_clip, encode_vp8_clip

MODES: tuple[Mode, ...] = ("rtp", "rtp-split", "rtp-queue")
CLIP_FRAMES = 125  # video frames sent before going silent: ~4 s, keyframes at 0, 2 and 4 s


class Client(RelayClient):
    """A relay.py client whose tracks stop after the clip and whose packets are kept."""

    def __init__(self, mode: Mode, clip: Clip) -> None:
        super().__init__(mode, clip)
        self.packets: list[RtpPacket] = []
        self.next_seq: dict[int, int] = {}
        self.ts_step: dict[int, int] = {}
        self.last_ts: dict[int, int] = {}
        self.outputs: dict[int, aiortc_tap.RtpOutput] = {}
        for transceiver in self.pc.getTransceivers():
            track = transceiver.sender.track
            if isinstance(track, ClipTrack):
                track._limit = CLIP_FRAMES if track.kind == "video" else CLIP_FRAMES * 5 // 3

    def clip_done(self) -> bool:
        """Whether both tracks sent their whole (limited) clip."""
        tracks = [t.sender.track for t in self.pc.getTransceivers()]
        return all(
            isinstance(t, ClipTrack) and t._limit is not None and t.sent >= t._limit for t in tracks
        )

    def keep_sent(self) -> None:
        """Record every RTP packet sent (call once the answer is applied)."""
        transport = self.pc.getTransceivers()[0].sender.transport
        for transceiver in self.pc.getTransceivers():
            output = aiortc_tap.RtpOutput(transceiver.sender)
            self.outputs[aiortc_tap.sender_ssrc(transceiver.sender)] = output
            self.ts_step[aiortc_tap.sender_ssrc(transceiver.sender)] = (
                3000 if transceiver.kind == "video" else 960
            )
        original = transport._send_rtp
        extensions = transport._rtp_header_extensions_map

        async def send_rtp(data: bytes) -> None:
            if not is_rtcp(data) and int.from_bytes(data[8:12], "big") in self.outputs:
                packet = RtpPacket.parse(data, extensions)  # media, not RTX
                self.packets.append(packet)
                self.next_seq[packet.ssrc] = (packet.sequence_number + 1) & 0xFFFF
                self.last_ts[packet.ssrc] = packet.timestamp
            await original(data)

        transport._send_rtp = send_rtp  # type: ignore[method-assign]

    def replay(self, index: int) -> None:
        """Send recorded packet ``index`` again, continuing its stream's numbering."""
        packet = self.packets[index % len(self.packets)]
        ssrc = packet.ssrc
        output = self.outputs[ssrc]
        seq = self.next_seq[ssrc]
        self.next_seq[ssrc] = (seq + 1) & 0xFFFF
        if packet.marker or self.ts_step[ssrc] == 960:
            self.last_ts[ssrc] = (self.last_ts[ssrc] + self.ts_step[ssrc]) & 0xFFFFFFFF
        copy = RtpPacket(
            payload_type=packet.payload_type,
            marker=packet.marker,
            sequence_number=seq,
            timestamp=self.last_ts[ssrc],
            ssrc=ssrc,
            payload=packet.payload,
        )
        copy.extensions = packet.extensions
        try:
            output.send_now(output.serialize(copy))
        except ConnectionError:
            pass


@dataclass(frozen=True)
class Result:
    mode: Mode
    calls: int
    idle_cores_per_call: float
    us_per_packet: float
    forwarded: int
    received: int
    sent: int
    burst_seconds: float
    other_cores: float


async def run_mode(
    mode: Mode, clip: Clip, calls: int, packets: int, rate: float, idle_seconds: float = 5.0
) -> Result:
    server = ServerProcess(mode)
    clients: list[Client] = []
    try:
        for n in range(calls):
            a, b = Client(mode, clip), Client(mode, clip)
            clients += [a, b]
            await connect_call(server, f"call-{n}", a, b)
            a.keep_sent()
            b.keep_sent()
        deadline = time.monotonic() + 60
        while any(not c.received.arrivals or not c.clip_done() for c in clients):
            if time.monotonic() > deadline:
                raise RuntimeError(
                    "the clips did not go through within 60 s: frames received "
                    f"{[len(c.received.arrivals) for c in clients]}, packets sent "
                    f"{[len(c.packets) for c in clients]}"
                )
            await asyncio.sleep(0.1)
        await asyncio.sleep(1)  # the last packets drain
        # idle window: connected calls, no media
        cpu0, busy0, t0 = process_cpu_seconds(server.pid), machine_busy_seconds(), time.monotonic()
        await asyncio.sleep(idle_seconds)
        idle = (process_cpu_seconds(server.pid) - cpu0) / (time.monotonic() - t0)
        # burst
        forwarded0, received0 = await server.packet_counts()
        cpu0, busy0, t0 = process_cpu_seconds(server.pid), machine_busy_seconds(), time.monotonic()
        gen0 = process_cpu_seconds("self")
        sent = 0
        tick = 0.01
        per_tick = max(1, int(rate * tick))
        next_at = time.monotonic()
        while sent < packets:
            for _ in range(per_tick):
                client = clients[sent % len(clients)]
                client.replay(sent // len(clients))
                sent += 1
            next_at += tick
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        await asyncio.sleep(0.5)  # the server drains its socket buffers
        elapsed = time.monotonic() - t0
        server_cpu = process_cpu_seconds(server.pid) - cpu0
        other = (
            machine_busy_seconds() - busy0 - server_cpu - (process_cpu_seconds("self") - gen0)
        ) / elapsed
        forwarded1, received1 = await server.packet_counts()
        forwarded, received = forwarded1 - forwarded0, received1 - received0
        # the idle cost runs during the burst too; a packet received costs its unprotect and
        # bookkeeping even when the forwarder drops it (a subscriber waiting for a keyframe)
        busy = server_cpu - idle * elapsed
        us = 1e6 * busy / received if received else float("nan")
        return Result(mode, calls, idle / calls, us, forwarded, received, sent, elapsed, other)
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
        await server.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=4)
    parser.add_argument("--packets", type=int, default=20000, help="sent in each burst")
    parser.add_argument("--rate", type=float, default=5000, help="burst packets/s, all clients")
    parser.add_argument(
        "--modes",
        default="rtp,rtp-split,rtp-queue",
        help="comma-separated: rtp,rtp-split,rtp-queue",
    )
    parser.add_argument(
        "--idle-seconds", type=float, default=5.0, help="idle window (the fixed cost of a call)"
    )
    parser.add_argument("--bitrate", type=int, default=900_000, help="clip VP8 bitrate, bit/s")
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or any(m not in MODES for m in modes):
        parser.error(f"--modes takes a comma-separated subset of {','.join(MODES)}")
    if args.calls < 1 or args.packets < 1 or args.rate <= 0:
        parser.error("--calls, --packets and --rate must be positive")
    frames = 10 * FPS
    video = encode_vp8_clip(
        frames, width=WIDTH, height=HEIGHT, fps=FPS, gop=2 * FPS, bitrate=args.bitrate
    )
    audio = encode_opus_clip(500)
    clip = Clip(video=video, audio=audio, index_of={p: i for i, p in enumerate(video)})
    per_call = 2 * (FPS * video_packets_per_frame(video) + 50)
    print(
        f"clip {WIDTH}x{HEIGHT}@{FPS} VP8 {clip.video_kbps:.0f} kbit/s + Opus: a call forwards "
        f"{per_call:.0f} packets/s; {os.cpu_count()} cores; load average "
        f"{Path('/proc/loadavg').read_text().split()[0]}",
        flush=True,
    )
    results: list[Result] = []
    for mode in cast(list[Mode], modes):
        result = asyncio.run(
            run_mode(mode, clip, args.calls, args.packets, args.rate, args.idle_seconds)
        )
        results.append(result)
        cost = result.idle_cores_per_call + per_call * result.us_per_packet / 1e6
        print(
            f"{mode:<10} {result.calls} calls: idle {100 * result.idle_cores_per_call:.2f}% of a "
            f"core per call; {result.us_per_packet:.1f} us of server CPU per packet received "
            f"({result.sent} sent, {result.received} received, {result.forwarded} forwarded "
            f"in {result.burst_seconds:.1f} s; others used {100 * result.other_cores:.0f}% of "
            "a core) -> "
            f"{cost:.4f} CPU-seconds per call-second -> {1 / cost:.1f} calls per core",
            flush=True,
        )
    by_mode = {r.mode: r for r in results}
    if "rtp" in by_mode and "rtp-queue" in by_mode:
        lean, queue = by_mode["rtp"], by_mode["rtp-queue"]
        print(
            f"rtp / rtp-queue: {queue.us_per_packet / lean.us_per_packet:.2f}x less CPU per "
            "packet on the lean path"
        )
    if "rtp" in by_mode and "rtp-split" in by_mode:
        bundled, split = by_mode["rtp"], by_mode["rtp-split"]
        print(
            f"rtp / rtp-split: idle {100 * bundled.idle_cores_per_call:.2f}% against "
            f"{100 * split.idle_cores_per_call:.2f}% of a core per call with RTCP reports bundled"
        )
    print(f"load average after: {Path('/proc/loadavg').read_text().split()[0]}")


if __name__ == "__main__":
    main()
