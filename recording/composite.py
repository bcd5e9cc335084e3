"""Side-by-side export: one WebM with a single video track and a single audio track.

The per-call recording keeps one track per participant and kind, which media players do not
show side by side. This offline job decodes it, places the participants' pictures next to
each other (same height, ``hstack``) and mixes their audio (``amix``) with PyAV filter
graphs, and encodes VP8 + Opus for browser playback. It does decode and encode: run it in a
worker or a CLI, never on the event loop.

Timing follows the recording: a participant who joined late, or whose camera was off, shows
black until (or while) there is no picture; missing audio is silence. Frames are re-stamped
onto one 30 fps output clock before the filter graph, so the graph never waits for a track
that has no frame yet.
"""

from __future__ import annotations

import fractions
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av

from recording.naming import composite_key
from recording.storage import RecordingExists, RecordingStorage
from signaling.errors import RecordingError

logger = logging.getLogger(__name__)

FPS = 30
RATE = 48000
_VIDEO_TB = fractions.Fraction(1, FPS)
_AUDIO_TB = fractions.Fraction(1, RATE)
_LOOKAHEAD = 0.5  # seconds decoded ahead of the output clock (the file interleaves ~1 s)
_STALE = 1.0  # a picture older than this is a camera that went off: show black
_MAX_HEIGHT = 720


@dataclass
class _Panel:
    """One participant's place in the output picture."""

    participant_id: str
    width: int
    height: int
    stream: Any = None
    frames: deque[tuple[float, Any]] = field(default_factory=deque)
    current: tuple[float, Any] | None = None
    source: Any = None  # the filter graph's buffer

    def frame_at(self, t: float) -> Any:
        while self.frames and self.frames[0][0] <= t + 1e-6:
            self.current = self.frames.popleft()
        if self.current is None or t - self.current[0] > _STALE:
            return _black(self.width, self.height)
        return self.current[1]


@dataclass
class _Voice:
    """One participant's audio, made continuous from t = 0 with silence."""

    participant_id: str
    stream: Any = None
    next_sample: int = 0
    source: Any = None
    resampler: Any = None


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def _black(width: int, height: int) -> av.VideoFrame:
    frame = av.VideoFrame(width, height, "yuv420p")
    for n, plane in enumerate(frame.planes):
        plane.update(bytes([16 if n == 0 else 128]) * plane.buffer_size)
    return frame


def _silence(samples: int) -> av.AudioFrame:
    frame = av.AudioFrame(format="fltp", layout="stereo", samples=samples)
    for plane in frame.planes:
        plane.update(bytes(plane.buffer_size))
    frame.sample_rate = RATE
    return frame


def _tracks(container: Any) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
    """Participants in track order, and their video and audio streams (by track name)."""
    order: list[str] = []
    video: dict[str, Any] = {}
    audio: dict[str, Any] = {}
    for stream in container.streams:
        title = stream.metadata.get("title", "")
        who, _, kind = title.rpartition(" ")
        if not who or kind not in ("audio", "video") or stream.type != kind:
            who = f"track{stream.index}"
        if who not in order:
            order.append(who)
        if stream.type == "video":
            video.setdefault(who, stream)
        elif stream.type == "audio":
            audio.setdefault(who, stream)
    return order, video, audio


def _duration(path: Path) -> float:
    """The media duration: the container's, or (a file cut off by a crash) the last packet."""
    with av.open(str(path)) as container:
        if container.duration:
            return float(container.duration / av.time_base)
        last = 0.0
        for packet in container.demux():
            if packet.pts is not None and packet.time_base is not None:
                last = max(last, float(packet.pts * packet.time_base))
        return last


def _drain(sink: Any, encode: Callable[[Any], None]) -> bool:
    """Pull every ready frame from a buffersink into ``encode``; False once at end."""
    while True:
        try:
            frame = sink.pull()
        except av.error.BlockingIOError:
            return True
        except av.error.EOFError:
            return False
        encode(frame)


def composite(
    inputs: Path,
    output: Path,
    *,
    progress: Callable[[float], None] | None = None,
    height: int | None = None,
) -> Path:
    """Render ``inputs`` (a call recording) as one side-by-side WebM at ``output``; blocking.

    Every participant's picture is scaled to the same ``height`` (default: the tallest
    recorded picture, at most 720) and placed left to right in track order; a participant
    without video gets a black 4:3 panel. Audio of all participants is mixed. ``progress``
    is called with 0..1 as output time advances against the recording's duration.
    """
    duration = _duration(inputs)
    report = progress or (lambda _: None)
    report(0.0)
    with av.open(str(inputs)) as src:
        order, video, audio = _tracks(src)
        if not order:
            raise RecordingError("the recording has no tracks", code="empty_recording")
        heights = [s.codec_context.height for s in video.values() if s.codec_context.height]
        out_h = _even(height or min(max(heights, default=360), _MAX_HEIGHT))
        panels = []
        for who in order:
            stream = video.get(who)
            ctx = stream.codec_context if stream is not None else None
            if ctx is not None and ctx.width and ctx.height:
                width = _even(ctx.width * out_h / ctx.height)
            else:
                width = _even(out_h * 4 / 3)
            panels.append(_Panel(who, width, out_h, stream=stream))
        voices = [_Voice(who, stream=audio[who]) for who in order if who in audio]

        output.parent.mkdir(parents=True, exist_ok=True)
        with av.open(str(output), "w", format="webm") as dst:
            ov: Any = dst.add_stream("libvpx", rate=FPS)
            ov.width = sum(p.width for p in panels)
            ov.height = out_h
            ov.pix_fmt = "yuv420p"
            ov.bit_rate = 600_000 * len(panels)
            ov.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
            oa: Any = dst.add_stream("libopus", rate=RATE)
            oa.layout = "stereo"
            oa.bit_rate = 64_000

            def encode_video(frame: Any) -> None:
                dst.mux(ov.encode(frame))

            def encode_audio(frame: Any) -> None:
                frame.pts = None  # the encoder's own clock; the mix is continuous from 0
                dst.mux(oa.encode(frame))

            vgraph = av.filter.Graph()
            for panel in panels:
                panel.source = vgraph.add_buffer(
                    width=panel.width,
                    height=out_h,
                    format=av.VideoFormat("yuv420p"),
                    time_base=_VIDEO_TB,
                )
            vsink = vgraph.add("buffersink")
            if len(panels) == 1:
                panels[0].source.link_to(vsink)
            else:
                stack = vgraph.add("hstack", inputs=str(len(panels)))
                for n, panel in enumerate(panels):
                    panel.source.link_to(stack, 0, n)
                stack.link_to(vsink)
            vgraph.configure()

            agraph = av.filter.Graph()
            if not voices:
                voices = [_Voice("silence")]  # a single (silent) audio track regardless
            for voice in voices:
                voice.source = agraph.add_abuffer(
                    sample_rate=RATE, format="fltp", layout="stereo", time_base=_AUDIO_TB
                )
                voice.resampler = av.AudioResampler(format="fltp", layout="stereo", rate=RATE)
            asink = agraph.add("abuffersink")
            if len(voices) == 1:
                voices[0].source.link_to(asink)
            else:
                mix = agraph.add(
                    "amix",
                    inputs=str(len(voices)),
                    duration="longest",
                    dropout_transition="0",
                    normalize="0",
                )
                for n, voice in enumerate(voices):
                    voice.source.link_to(mix, 0, n)
                mix.link_to(asink)
            agraph.configure()

            tick = 0
            last_report = 0.0

            def push_audio(voice: _Voice, frame: Any | None, until: int) -> None:
                """Append ``frame`` (or silence up to sample ``until``) to the voice."""
                if frame is not None:
                    start = round(float(frame.pts * frame.time_base) * RATE)
                    if start > voice.next_sample:
                        push_audio(voice, None, start)
                    for chunk in voice.resampler.resample(frame):
                        chunk.pts = voice.next_sample
                        chunk.time_base = _AUDIO_TB
                        voice.source.push(chunk)
                        voice.next_sample += chunk.samples
                    return
                while voice.next_sample < until:
                    samples = min(until - voice.next_sample, 960)
                    chunk = _silence(samples)
                    chunk.pts = voice.next_sample
                    chunk.time_base = _AUDIO_TB
                    voice.source.push(chunk)
                    voice.next_sample += samples

            def advance(until: float) -> None:
                """Emit output up to ``until`` s: video ticks, and silence for lagging audio."""
                nonlocal tick, last_report
                while tick / FPS <= until and tick / FPS < duration:
                    t = tick / FPS
                    for panel in panels:
                        frame = panel.frame_at(t)
                        frame.pts = tick
                        frame.time_base = _VIDEO_TB
                        panel.source.push(frame)
                    _drain(vsink, encode_video)
                    tick += 1
                    if t / duration - last_report >= 0.01:
                        last_report = t / duration
                        report(min(last_report, 1.0))
                for voice in voices:
                    push_audio(voice, None, int(min(until, duration) * RATE))
                _drain(asink, encode_audio)

            streams = [p.stream for p in panels if p.stream is not None]
            streams += [v.stream for v in voices if v.stream is not None]
            by_index = {p.stream.index: p for p in panels if p.stream is not None}
            voice_by_index = {v.stream.index: v for v in voices if v.stream is not None}
            watermark = 0.0
            for packet in src.demux(*streams):
                if packet.pts is None:
                    continue
                for frame in packet.decode():
                    t = float(frame.pts * frame.time_base) if frame.pts is not None else 0.0
                    target = by_index.get(packet.stream.index)
                    if target is not None:
                        scaled = frame.reformat(width=target.width, height=out_h, format="yuv420p")
                        target.frames.append((t, scaled))
                    else:
                        voice = voice_by_index[packet.stream.index]
                        push_audio(voice, frame, 0)
                    watermark = max(watermark, t)
                advance(watermark - _LOOKAHEAD)
            advance(duration)
            for panel in panels:
                panel.source.push(None)
            for voice in voices:
                voice.source.push(None)
            for _ in range(1000):  # end of stream reaches the sinks after a few pulls
                if not (_drain(vsink, encode_video) | _drain(asink, encode_audio)):
                    break
            dst.mux(ov.encode(None))
            dst.mux(oa.encode(None))
    report(1.0)
    logger.info("composite written input=%s output=%s duration=%.1fs", inputs, output, duration)
    return output


def render_composite(
    storage: RecordingStorage,
    key: str,
    *,
    progress: Callable[[float], None] | None = None,
    height: int | None = None,
) -> str:
    """Render the composite of the original recording ``key`` into storage; return its key.

    The target key comes from :func:`recording.naming.composite_key` (never the original's),
    and the storage commits it write-once: an existing composite is refused with
    ``RecordingExists``, and the original is only ever opened for reading. Blocking.
    """
    try:
        target = composite_key(key)
    except ValueError as exc:
        raise RecordingError(str(exc), code="not_an_original") from None
    if not storage.exists(key):
        raise RecordingError(f"no recording stored under {key}", code="recording_not_found")
    if storage.exists(target):
        raise RecordingExists(
            f"a recording is already stored under {target}; stored files are never overwritten",
            code="recording_exists",
        )
    with storage.local_copy(key) as source:  # the file itself on disk, a download from S3
        storage.put_file(
            target, lambda path: composite(source, path, progress=progress, height=height)
        )
    return target


def main_composite(
    storage: RecordingStorage,
    key: str,
    out: Path | str | None = None,
    show_progress: bool = True,
) -> str:
    """CLI helper: composite the original ``key`` with a tqdm progress bar, into storage under
    its composite key, or to ``out`` (which must not exist yet); returns where it was written
    (a path, or the storage's location of the composite)."""
    from tqdm import tqdm

    if not storage.exists(key):
        raise RecordingError(f"no recording stored under {key}", code="recording_not_found")
    if out is not None and Path(out).exists():
        raise RecordingError(f"{out} exists; it is not overwritten", code="recording_exists")
    with tqdm(total=100, unit="%", desc=f"composite {key}", disable=not show_progress) as bar:

        def update(fraction: float) -> None:
            bar.update(round(fraction * 100) - bar.n)

        if out is None:
            return storage.location(render_composite(storage, key, progress=update))
        with storage.local_copy(key) as source:
            return str(composite(source, Path(out), progress=update))
