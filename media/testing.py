"""Test and benchmark support: pre-encoded clips and tracks that send them as they are.

Encoding VP8 in a load generator costs more than forwarding it, so clips are encoded once
(PyAV) and sent as ``av.Packet`` s in a loop; aiortc's sender only re-packetizes them. Each
video frame carries its clip index as a row of black/white blocks, readable after a
decode (:func:`read_frame_index`), so even a transcoding relay can be timed per frame.
"""

from __future__ import annotations

import array
import asyncio
import fractions
import math
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from media.codecs import MediaKind

INDEX_BITS = 12
_BLOCK = 16  # pixels per bit block: survives lossy re-encoding at any sane bitrate


def _y_plane(width: int, height: int, index: int) -> bytes:
    row = bytes((x * 3 + index * 5) & 0xFF for x in range(width * 2))
    shift = (index * 4) % width
    lines = [row[(shift + y) % width : (shift + y) % width + width] for y in range(height)]
    marks = bytearray(width * _BLOCK)
    for bit in range(INDEX_BITS):
        value = 255 if (index >> bit) & 1 else 0
        for y in range(_BLOCK):
            start = y * width + bit * _BLOCK
            marks[start : start + _BLOCK] = bytes([value]) * _BLOCK
    top = bytes(marks)
    # A band of fresh noise per frame keeps the encoder at its target bitrate, like a
    # camera's sensor noise does; flat synthetic pictures would compress to almost nothing.
    band = height // 16
    noise = bytes(b & 0x1F | 0x60 for b in os.urandom(width * band))
    return top + b"".join(lines[_BLOCK : height - band]) + noise


def encode_vp8_clip(
    frames: int,
    *,
    width: int = 320,
    height: int = 240,
    fps: int = 30,
    gop: int = 15,
    bitrate: int = 500_000,
) -> list[bytes]:
    """``frames`` VP8 frames; a keyframe every ``gop`` frames; each marked with its index."""
    return _encode_video_clip("libvpx", frames, width, height, fps, gop, bitrate)


def encode_h264_clip(
    frames: int,
    *,
    width: int = 320,
    height: int = 240,
    fps: int = 30,
    gop: int = 15,
    bitrate: int = 500_000,
) -> list[bytes]:
    """Like :func:`encode_vp8_clip`, in H264 constrained baseline (Annex-B access units)."""
    return _encode_video_clip("libx264", frames, width, height, fps, gop, bitrate)


def _encode_video_clip(
    encoder: str, frames: int, width: int, height: int, fps: int, gop: int, bitrate: int
) -> list[bytes]:
    if width < INDEX_BITS * _BLOCK or height < 2 * _BLOCK:
        raise ValueError("frame too small for the index marks")
    codec: Any = av.CodecContext.create(encoder, "w")
    codec.width = width
    codec.height = height
    codec.pix_fmt = "yuv420p"
    codec.time_base = fractions.Fraction(1, fps)
    codec.bit_rate = bitrate
    codec.gop_size = gop
    if encoder == "libvpx":
        codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    else:
        codec.options = {"tune": "zerolatency", "preset": "ultrafast", "profile": "baseline"}
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    out: list[bytes] = []
    for i in range(frames):
        frame = av.VideoFrame(width, height, "yuv420p")
        frame.planes[0].update(_y_plane(width, height, i))
        frame.planes[1].update(chroma)
        frame.planes[2].update(chroma)
        frame.pts = i
        frame.time_base = fractions.Fraction(1, fps)
        if i % gop == 0:
            frame.pict_type = av.video.frame.PictureType.I
        out += [bytes(p) for p in codec.encode(frame)]
    out += [bytes(p) for p in codec.encode(None)]
    return out[:frames]


def read_frame_index(frame: av.VideoFrame) -> int:
    """The clip index drawn by :func:`encode_vp8_clip` into a decoded frame."""
    plane = frame.planes[0]
    data = bytes(plane)
    y = _BLOCK // 2
    index = 0
    for bit in range(INDEX_BITS):
        x = bit * _BLOCK + _BLOCK // 2
        if data[y * plane.line_size + x] > 128:
            index |= 1 << bit
    return index


def encode_opus_clip(packets: int, *, bitrate: int = 32_000) -> list[bytes]:
    """``packets`` Opus packets of 20 ms (a 440 Hz tone, 48 kHz stereo)."""
    codec = av.CodecContext.create("libopus", "w")
    codec.sample_rate = 48000
    codec.layout = "stereo"
    codec.format = "s16"
    codec.bit_rate = bitrate
    codec.time_base = fractions.Fraction(1, 48000)
    out: list[bytes] = []
    samples = 960
    for i in range(packets + 5):
        pcm = array.array("h")
        for n in range(samples):
            v = int(8000 * math.sin(2 * math.pi * 440 * (i * samples + n) / 48000))
            pcm.extend((v, v))
        frame = av.AudioFrame(format="s16", layout="stereo", samples=samples)
        frame.planes[0].update(pcm.tobytes())
        frame.sample_rate = 48000
        frame.pts = i * samples
        frame.time_base = fractions.Fraction(1, 48000)
        out += [bytes(p) for p in codec.encode(frame)]
    return out[:packets]


class ClipTrack(MediaStreamTrack):
    """Sends pre-encoded frames as ``av.Packet`` in real time, looping over the clip.

    ``on_sent(sequence, clip_index, wall_time)`` is called for each frame handed to the
    sender, so a test or benchmark can match what arrives with what was sent.
    """

    def __init__(
        self,
        kind: MediaKind,
        payloads: Sequence[bytes],
        *,
        on_sent: Callable[[int, int, float], None] | None = None,
        limit: int | None = None,
    ) -> None:
        super().__init__()
        if not payloads:
            raise ValueError("empty clip")
        self.kind = kind
        self._payloads = list(payloads)
        self._on_sent = on_sent
        self._limit = limit
        self._clock = 90000 if kind == "video" else 48000
        self._step = 3000 if kind == "video" else 960
        self._interval = 1 / 30 if kind == "video" else 0.02
        self._time_base = fractions.Fraction(1, self._clock)
        self._start: float | None = None
        self.sent = 0

    async def recv(self) -> av.Packet[Any]:
        """The next clip frame, at its due time; after ``limit`` frames, wait forever."""
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        if self._limit is not None and self.sent >= self._limit:
            await asyncio.Future()  # silent but connected: models a peer that stops sending
        due = self._start + self.sent * self._interval
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        index = self.sent % len(self._payloads)
        packet = av.Packet(self._payloads[index])
        packet.pts = self.sent * self._step
        packet.time_base = self._time_base
        if self._on_sent is not None:
            self._on_sent(self.sent, index, time.time())
        self.sent += 1
        return packet


class LiveVideoTrack(MediaStreamTrack):
    """Encodes a moving picture live, like a browser: keyframes only at start and on request.

    Browsers send a keyframe when they start and then only when asked (PLI/FIR); a
    pre-encoded clip with a fixed GOP hides a receiver that never asks. Frames are VP8
    ``av.Packet`` s (aiortc only packs them); wire the sender's keyframe requests to
    :meth:`request_keyframe` (``media.aiortc_tap.intercept_keyframe_requests``).
    """

    kind = "video"

    def __init__(
        self,
        *,
        width: int = 320,
        height: int = 240,
        fps: int = 30,
        lose_first_keyframe: bool = False,
    ) -> None:
        """``lose_first_keyframe``: the stream starts with deltas, as when its first keyframe
        was lost on the way (the receiver must ask for another)."""
        super().__init__()
        codec: Any = av.CodecContext.create("libvpx", "w")
        codec.width = width
        codec.height = height
        codec.pix_fmt = "yuv420p"
        codec.time_base = fractions.Fraction(1, fps)
        codec.bit_rate = 400_000
        codec.gop_size = 1 << 30  # no periodic keyframes
        codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
        self._codec = codec
        self._width = width
        self._height = height
        self._interval = 1 / fps
        self._chroma = bytes([128]) * ((width // 2) * (height // 2))
        self._start: float | None = None
        self._due = 0.0
        self._force = True
        self._lose_first_keyframe = lose_first_keyframe
        self.sent = 0
        self.keyframes_sent = 0
        self.keyframe_requests = 0

    def request_keyframe(self) -> None:
        """Make the next frame a keyframe (what a browser does on PLI)."""
        self.keyframe_requests += 1
        self._force = True

    async def recv(self) -> av.Packet[Any]:
        """The next frame, encoded now, at its due time."""
        if self.readyState != "live":
            raise MediaStreamError
        now = time.monotonic()
        if self._start is None:
            self._start = now
        elif self._due - now > 0:
            await asyncio.sleep(self._due - now)
        # Like a camera, drop what could not be sent in time instead of catching up in a burst.
        self._due = max(self._due + self._interval, time.monotonic())
        data = self._encode()
        if self._lose_first_keyframe:
            self._lose_first_keyframe = False
            self.sent += 1
            data = self._encode()  # the keyframe above never leaves: deltas follow
        packet = av.Packet(data)
        packet.pts = round((time.monotonic() - self._start) * 90000)
        packet.time_base = fractions.Fraction(1, 90000)
        if data and not data[0] & 0x01:
            self.keyframes_sent += 1
        self.sent += 1
        return packet

    def _encode(self) -> bytes:
        frame = av.VideoFrame(self._width, self._height, "yuv420p")
        frame.planes[0].update(_y_plane(self._width, self._height, self.sent))
        frame.planes[1].update(self._chroma)
        frame.planes[2].update(self._chroma)
        frame.pts = self.sent
        frame.time_base = self._codec.time_base
        if self._force:
            frame.pict_type = av.video.frame.PictureType.I
            self._force = False
        return b"".join(bytes(p) for p in self._codec.encode(frame))
