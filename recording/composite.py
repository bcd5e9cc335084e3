"""Side-by-side export: one WebM with a single video track and a single audio track.

The per-call recording keeps one track per participant and kind, which media players do not
show side by side. This offline job decodes it, places the participants' pictures next to
each other (same height, ``hstack``) and mixes their audio (``amix``) with PyAV filter graphs,
and encodes VP8 + Opus for browser playback. It does decode and encode: run it in a worker or
a CLI, never on the event loop.

A shared screen (a ``"<participant> screen"`` track) takes the picture while it is shared:
the screen large on the left (scaled to fit, keeping its shape), the other participants'
camera pictures in a column on the right, the sharer's name in a bar under the screen (these
pictures are assembled in Python: one yuv420p canvas, pictures copied row by row). The
output keeps one size throughout; the side-by-side layout comes back when the share ends (the
sharer's camera track has a newer picture than the screen track, or the screen has had none
for ``_SCREEN_STALE`` seconds).

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

from recording import glyphs
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
_SCREEN_STALE = 3.0  # a shared screen may send few frames while nothing moves on it


@dataclass
class _Panel:
    """One participant's place in the output picture."""

    participant_id: str
    width: int
    height: int
    stream: Any = None
    frames: deque[tuple[float, Any]] = field(default_factory=deque)
    current: tuple[float, Any] | None = None
    source: Any = None  # the side-by-side filter graph's buffer

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


@dataclass
class _Tracks:
    """The recording's streams by participant (from the track names)."""

    order: list[str] = field(default_factory=list)  # participants, in track order
    video: dict[str, Any] = field(default_factory=dict)
    audio: dict[str, Any] = field(default_factory=dict)
    screen: dict[str, Any] = field(default_factory=dict)


def _tracks(container: Any) -> _Tracks:
    """Participants in track order, and their camera, audio and screen streams."""
    found = _Tracks()
    for stream in container.streams:
        title = stream.metadata.get("title", "")
        who, _, kind = title.rpartition(" ")
        expected = "video" if kind == "screen" else kind
        if not who or kind not in ("audio", "video", "screen") or stream.type != expected:
            who, kind = f"track{stream.index}", stream.type
        if kind == "screen":
            found.screen.setdefault(who, stream)
            continue  # a screen without camera or audio gets no panel of its own
        if who not in found.order:
            found.order.append(who)
        if stream.type == "video":
            found.video.setdefault(who, stream)
        elif stream.type == "audio":
            found.audio.setdefault(who, stream)
    for who in found.screen:
        if who not in found.order:
            found.order.append(who)
    return found


@dataclass
class _Screen:
    """One participant's shared screen: pictures already scaled to fit the screen area."""

    participant_id: str
    stream: Any
    frames: deque[tuple[float, Any]] = field(default_factory=deque)
    current: tuple[float, Any] | None = None

    def frame_at(self, t: float, camera: _Panel | None) -> Any | None:
        """The screen's picture at ``t``, or None when it is not being shared then."""
        while self.frames and self.frames[0][0] <= t + 1e-6:
            self.current = self.frames.popleft()
        if self.current is None or t - self.current[0] > _SCREEN_STALE:
            return None
        if camera is not None and camera.current is not None:
            if camera.current[0] > self.current[0]:
                return None  # the camera came back on the same sender: the share ended
        return self.current[1]


def _fit(width: int, height: int, box_w: int, box_h: int) -> tuple[int, int]:
    """The even size of a ``width`` x ``height`` picture scaled to fit in the box."""
    scale = min(box_w / width, box_h / height)
    return min(box_w, _even(width * scale)), min(box_h, _even(height * scale))


class _Canvas:
    """One yuv420p output picture, assembled by copying scaled pictures into place."""

    def __init__(self, width: int, height: int) -> None:
        self.frame = _black(width, height)
        self.planes = [bytearray(bytes(p)) for p in self.frame.planes]
        self.line = [p.line_size for p in self.frame.planes]

    def put(self, picture: Any, x: int, y: int) -> None:
        """Copy ``picture`` (yuv420p, even size) with its top left corner at even (x, y)."""
        for n, plane in enumerate(picture.planes):
            div = 1 if n == 0 else 2
            src, src_line = memoryview(bytes(plane)), plane.line_size
            dst, dst_line = self.planes[n], self.line[n]
            w, h, x0, y0 = picture.width // div, picture.height // div, x // div, y // div
            for row in range(h):
                at = (y0 + row) * dst_line + x0
                dst[at : at + w] = src[row * src_line : row * src_line + w]

    def fill(self, x: int, y: int, width: int, height: int, luma: int) -> None:
        """A grey rectangle (neutral chroma)."""
        for n in range(3):
            div = 1 if n == 0 else 2
            value = luma if n == 0 else 128
            for row in range(y // div, (y + height) // div):
                at = row * self.line[n] + x // div
                self.planes[n][at : at + width // div] = bytes([value]) * (width // div)

    def write(self, text: str, x: int, y: int, scale: int, luma: int, width: int) -> None:
        """``text`` in the 5x7 font, ``scale`` pixels a dot, cut to ``width`` pixels."""
        fits = max(0, (width // scale + 1) // (glyphs.WIDTH + 1))
        mask = glyphs.text_mask(text[:fits])
        ink = bytes([luma]) * scale
        line = self.line[0]
        for row, dots in enumerate(mask):
            for col, on in enumerate(dots):
                if on:
                    for dy in range(scale):
                        at = (y + row * scale + dy) * line + x + col * scale
                        self.planes[0][at : at + scale] = ink

    def done(self) -> Any:
        for plane, data in zip(self.frame.planes, self.planes, strict=True):
            plane.update(bytes(data))
        return self.frame


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
    recorded camera picture, at most 720) and placed left to right in track order; a
    participant without video gets a black 4:3 panel. While a screen is shared, it takes the
    left three quarters of the picture and the cameras a column on the right (module doc).
    Audio of all participants is mixed. ``progress`` is called with 0..1 as output time
    advances against the recording's duration.
    """
    duration = _duration(inputs)
    report = progress or (lambda _: None)
    report(0.0)
    with av.open(str(inputs)) as src:
        found = _tracks(src)
        order, video, audio = found.order, found.video, found.audio
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
        out_w = sum(p.width for p in panels)
        screens = [_Screen(who, stream) for who, stream in found.screen.items()]
        camera_of = {p.participant_id: p for p in panels}
        # While a screen is shared: the screen area on the left, a column of camera tiles.
        side = _even(out_w / 4)
        label_h = _even(max(16, out_h / 12))
        screen_w, screen_h = out_w - side, out_h - label_h

        output.parent.mkdir(parents=True, exist_ok=True)
        with av.open(str(output), "w", format="webm") as dst:
            ov: Any = dst.add_stream("libvpx", rate=FPS)
            ov.width = out_w
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

            # Side by side: an FFmpeg ``hstack`` graph (it answers each tick at once, so its
            # output and the shared-screen pictures below interleave in tick order).
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

            def picture_at(tick: int) -> None:
                """Encode the output picture of ``tick``: side by side, or a shared screen."""
                t = tick / FPS
                pictures = [(panel, panel.frame_at(t)) for panel in panels]
                shown, sharer = None, ""
                for screen in screens:
                    frame = screen.frame_at(t, camera_of.get(screen.participant_id))
                    if frame is not None and shown is None:
                        shown, sharer = frame, screen.participant_id
                if shown is None:
                    for panel, picture in pictures:
                        picture.pts = tick
                        picture.time_base = _VIDEO_TB
                        panel.source.push(picture)
                    _drain(vsink, encode_video)
                    return
                canvas = _Canvas(out_w, out_h)
                canvas.put(shown, (screen_w - shown.width) // 2 // 2 * 2, 0)
                canvas.fill(0, screen_h, screen_w, label_h, 32)  # the sharer's name, white on dark
                dot = max(1, label_h // 10)
                canvas.write(
                    f"{sharer} - shared screen",
                    dot * 2,
                    screen_h + (label_h - glyphs.HEIGHT * dot) // 2,
                    dot,
                    235,
                    screen_w - dot * 4,
                )
                # The others' cameras beside it (the sharer's camera is what the screen replaced).
                others = [(p, f) for p, f in pictures if p.participant_id != sharer]
                y = 0
                for panel, picture in others:
                    tile_w, tile_h = _fit(panel.width, panel.height, side, out_h // len(others))
                    scaled = picture.reformat(width=tile_w, height=tile_h, format="yuv420p")
                    canvas.put(scaled, screen_w + (side - tile_w) // 2 // 2 * 2, y)
                    y += tile_h
                picture = canvas.done()
                picture.pts = tick
                picture.time_base = _VIDEO_TB
                encode_video(picture)

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
                    picture_at(tick)
                    tick += 1
                    if t / duration - last_report >= 0.01:
                        last_report = t / duration
                        report(min(last_report, 1.0))
                for voice in voices:
                    push_audio(voice, None, int(min(until, duration) * RATE))
                _drain(asink, encode_audio)

            streams = [p.stream for p in panels if p.stream is not None]
            streams += [v.stream for v in voices if v.stream is not None]
            streams += [s.stream for s in screens]
            by_index = {p.stream.index: p for p in panels if p.stream is not None}
            screen_by_index = {s.stream.index: s for s in screens}
            voice_by_index = {v.stream.index: v for v in voices if v.stream is not None}
            watermark = 0.0
            undecodable = 0
            for packet in src.demux(*streams):
                if packet.pts is None:
                    continue
                try:
                    decoded = packet.decode()
                except av.error.InvalidDataError:
                    # A damaged frame (or deltas whose keyframe is not in the file): skip it,
                    # the track shows its last good picture until its next keyframe.
                    undecodable += 1
                    continue
                for frame in decoded:
                    t = float(frame.pts * frame.time_base) if frame.pts is not None else 0.0
                    target = by_index.get(packet.stream.index)
                    screen = screen_by_index.get(packet.stream.index)
                    if target is not None:
                        scaled = frame.reformat(width=target.width, height=out_h, format="yuv420p")
                        target.frames.append((t, scaled))
                    elif screen is not None:
                        w, h = _fit(frame.width, frame.height, screen_w, screen_h)
                        fitted = frame.reformat(width=w, height=h, format="yuv420p")
                        screen.frames.append((t, fitted))
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
    if undecodable:
        logger.warning("composite skipped %d undecodable packets input=%s", undecodable, inputs)
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
