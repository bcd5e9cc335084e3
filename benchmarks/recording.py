"""CPU per recorded call: the remux writer vs aiortc's MediaRecorder (which transcodes).

Both record the same call: ``--participants`` people, each sending 640x480@30 VP8 and 20 ms
Opus, for ``--seconds`` of media. The remux writer gets the encoded packets the way the media
path hands them over (``on_packet`` on the event loop, RTP pts); MediaRecorder gets the
decoded frames the way aiortc's receiver would give them to it (a MediaStreamTrack per kind
and participant), so its figure leaves out decoding and is the cheaper side of a transcode.
CPU is process CPU time (every thread), measured around each run separately; the media is
encoded/decoded beforehand and not counted. Media is fed as fast as each recorder accepts
it, so the figure is CPU per second of media, not wall time.

    .venv/bin/python benchmarks/recording.py            # 20 s call, 2 participants
    .venv/bin/python benchmarks/recording.py --seconds 60 --participants 4
"""

from __future__ import annotations

import argparse
import asyncio
import fractions
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import av
from aiortc.contrib.media import MediaRecorder
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

# Run as a script, this file's folder comes first on sys.path and its own name ("recording")
# would hide the recording package: look the package up from the repository root instead.
_ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(_ROOT)] + [
    p for p in sys.path if Path(p or ".").resolve() != _ROOT / "benchmarks"
]

from recording.writer import CallRecorder, Kind, TrackSpec  # noqa: E402

FPS = 30
VIDEO_TB = fractions.Fraction(1, 90000)
AUDIO_TB = fractions.Fraction(1, 48000)


def encode_clip(seconds: float, width: int, height: int) -> tuple[list[Any], list[Any]]:
    """VP8 packets (~1 Mbps, a moving pattern) and Opus packets, as a browser would send."""
    vp8 = av.CodecContext.create("libvpx", "w")
    vp8.width, vp8.height, vp8.pix_fmt = width, height, "yuv420p"
    vp8.time_base = fractions.Fraction(1, FPS)
    vp8.bit_rate = 1_000_000
    vp8.gop_size = 60
    vp8.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    video: list[Any] = []
    for i in range(int(seconds * FPS)):
        frame = av.VideoFrame(width, height, "yuv420p")
        y = bytearray((x * 3 + i * 5 + (x // 97) * i) % 256 for x in range(width))
        frame.planes[0].update(bytes(y) * height)
        for plane in frame.planes[1:]:
            plane.update(bytes([(128 + i) % 256]) * plane.buffer_size)
        frame.pts = i
        video += vp8.encode(frame)
    video += vp8.encode(None)
    opus = av.CodecContext.create("libopus", "w")
    opus.sample_rate, opus.layout, opus.format = 48000, "stereo", "s16"
    opus.time_base = AUDIO_TB
    opus.bit_rate = 48_000
    audio: list[Any] = []
    for i in range(int(seconds * 50)):
        chunk = av.AudioFrame(format="s16", layout="stereo", samples=960)
        chunk.planes[0].update(bytes((n * 7 + i) % 256 for n in range(960 * 4)))
        chunk.sample_rate, chunk.pts, chunk.time_base = 48000, i * 960, AUDIO_TB
        audio += opus.encode(chunk)
    return video, audio


def decode_clip(video: list[Any], audio: list[Any]) -> tuple[list[Any], list[Any]]:
    """What aiortc's receiver would hand a MediaRecorder: yuv420p frames, s16 stereo 20 ms."""
    vdec = av.CodecContext.create("vp8", "r")
    frames = [f for p in video for f in vdec.decode(av.Packet(bytes(p)))]
    adec = av.CodecContext.create("opus", "r")
    adec.sample_rate = 48000
    resampler = av.AudioResampler(format="s16", layout="stereo", rate=48000)
    chunks = []
    for p in audio:
        for f in adec.decode(av.Packet(bytes(p))):
            chunks += resampler.resample(f)
    return frames, chunks


class FrameTrack(MediaStreamTrack):
    """Replays decoded frames with aiortc's timestamps until ``seconds`` of media are out."""

    def __init__(self, kind: str, frames: list[Any], count: int, done: asyncio.Event) -> None:
        super().__init__()
        self.kind = kind
        self._frames = frames
        self._count = count
        self._sent = 0
        self._done = done

    async def recv(self) -> Any:
        if self._sent >= self._count:
            self._done.set()
            raise MediaStreamError
        frame = self._frames[self._sent % len(self._frames)]
        if self.kind == "video":
            frame.pts, frame.time_base = self._sent * 3000, VIDEO_TB
        else:
            frame.pts, frame.time_base = self._sent * 960, AUDIO_TB
        self._sent += 1
        return frame


async def run_mediarecorder(
    folder: Path, frames: tuple[list[Any], list[Any]], seconds: float, participants: int
) -> float:
    # One MediaRecorder per participant, video track first: its first frame sizes the video
    # encoder before the header is written (a second video track in the same container would
    # be opened unsized by the first mux and fail).
    recorders = []
    done = []
    for n in range(participants):
        recorder = MediaRecorder(str(folder / f"mediarecorder-{n}.webm"))
        for kind, items, rate in (("video", frames[0], FPS), ("audio", frames[1], 50)):
            event = asyncio.Event()
            done.append(event)
            recorder.addTrack(FrameTrack(kind, items, int(seconds * rate), event))
        recorders.append(recorder)
    cpu = time.process_time()
    for recorder in recorders:
        await recorder.start()
    for event in done:
        await asyncio.wait_for(event.wait(), timeout=600)
    for recorder in recorders:
        await recorder.stop()
    return time.process_time() - cpu


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def run_remux(
    path: Path, packets: tuple[list[Any], list[Any]], seconds: float, participants: int
) -> tuple[float, int]:
    video, audio = packets
    who = [f"p{n}" for n in range(participants)]
    specs = [
        TrackSpec(p, k, "opus" if k == "audio" else "vp8") for p in who for k in ("audio", "video")
    ]
    clock = Clock()
    events: list[tuple[float, int, Kind, bytes, int, bool]] = []
    for i in range(int(seconds * FPS)):
        p = video[i % len(video)]
        key = bool(p.is_keyframe)  # the clip starts on one, so each loop does too
        for n in range(participants):
            events.append((i / FPS, n, "video", bytes(p), i * 3000, key))
    for i in range(int(seconds * 50)):
        data = bytes(audio[i % len(audio)])
        for n in range(participants):
            events.append((i * 0.02, n, "audio", data, i * 960, True))
    events.sort(key=lambda e: e[0])
    rec = CallRecorder(path, call_id="bench", tracks=specs, queue_size=len(events), clock=clock)
    cpu = time.process_time()
    await rec.start()
    for k, (at, n, kind, data, pts, key) in enumerate(events):
        clock.now = at
        packet = av.Packet(data)
        packet.pts = pts
        packet.time_base = VIDEO_TB if kind == "video" else AUDIO_TB
        packet.is_keyframe = key
        rec.on_packet(who[n], kind, packet)
        if k % 64 == 0:
            await asyncio.sleep(0)
    result = await rec.stop()
    return time.process_time() - cpu, result.dropped_packets


def file_sizes(folder: Path) -> tuple[int, int]:
    """Bytes written by the remux writer and by the MediaRecorders."""
    remux = (folder / "remux.webm").stat().st_size
    return remux, sum(p.stat().st_size for p in folder.glob("mediarecorder-*.webm"))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="media length of the call")
    parser.add_argument("--participants", type=int, default=2)
    parser.add_argument("--clip", type=float, default=4.0, help="source clip, looped")
    args = parser.parse_args()
    packets = encode_clip(args.clip, 640, 480)
    frames = decode_clip(*packets)
    with tempfile.TemporaryDirectory() as tmp:
        remux_cpu, dropped = await run_remux(
            Path(tmp) / "remux.webm", packets, args.seconds, args.participants
        )
        base_cpu = await run_mediarecorder(Path(tmp), frames, args.seconds, args.participants)
        remux_bytes, base_bytes = await asyncio.to_thread(file_sizes, Path(tmp))
    media = args.seconds
    per = 1000 / media
    print(
        f"call: {args.participants} participants x (VP8 640x480@30 + Opus 20 ms), "
        f"{media:.0f} s of media"
    )
    print(f"{'recorder':<34}{'CPU s':>9}{'CPU ms / media s':>19}{'file bytes':>13}")
    print(
        f"{'remux (recording.writer)':<34}{remux_cpu:>9.3f}{remux_cpu * per:>19.2f}"
        f"{remux_bytes:>13}"
    )
    print(
        f"{'aiortc MediaRecorder (transcode)':<34}{base_cpu:>9.3f}{base_cpu * per:>19.2f}"
        f"{base_bytes:>13}"
    )
    ratio = remux_cpu / base_cpu if base_cpu else float("inf")
    verdict = "meets" if ratio <= 1 / 20 else "MISSES"
    print(f"ratio remux/baseline: {ratio:.4f} (1/{1 / ratio:.0f}); target <= 1/20: {verdict}")
    if dropped:
        print(f"warning: the remux writer dropped {dropped} packets")


if __name__ == "__main__":
    asyncio.run(main())
