"""Test clips encoded once with PyAV: video with white flashes, audio with beeps, at the
same instants, so the recording's audio/video sync can be measured after a decode."""

from __future__ import annotations

import array
import fractions
import math

import av

FPS = 30
SR = 48000
FLASHES = (1.0, 2.0)  # seconds
BEEP = 0.1  # seconds

VideoClip = list[tuple[bytes, bool]]
Clip = tuple[VideoClip, list[bytes]]


def vp8_flash_clip(seconds: float, width: int = 320, height: int = 240) -> list[tuple[bytes, bool]]:
    codec = av.CodecContext.create("libvpx", "w")
    codec.width = width
    codec.height = height
    codec.pix_fmt = "yuv420p"
    codec.time_base = fractions.Fraction(1, FPS)
    codec.bit_rate = 400_000
    codec.gop_size = 15
    codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    out: list[tuple[bytes, bool]] = []
    flash_frames = {round(t * FPS) for t in FLASHES}
    for i in range(int(seconds * FPS)):
        frame = av.VideoFrame(width, height, "yuv420p")
        luma = 235 if i in flash_frames else 40
        frame.planes[0].update(bytes([luma]) * (frame.planes[0].line_size * height))
        for plane in frame.planes[1:]:
            plane.update(bytes([128]) * (plane.line_size * (height // 2)))
        frame.pts = i
        for packet in codec.encode(frame):
            out.append((bytes(packet), bool(packet.is_keyframe)))
    for packet in codec.encode(None):
        out.append((bytes(packet), bool(packet.is_keyframe)))
    return out


def opus_beep_clip(seconds: float) -> list[bytes]:
    codec = av.CodecContext.create("libopus", "w")
    codec.sample_rate = SR
    codec.layout = "stereo"
    codec.format = "s16"
    codec.bit_rate = 64_000
    codec.time_base = fractions.Fraction(1, SR)
    out: list[bytes] = []
    samples = 960
    total = int(seconds * SR / samples)
    for i in range(total + 4):
        pcm = array.array("h")
        for n in range(samples):
            t = (i * samples + n) / SR
            on = any(start <= t < start + BEEP for start in FLASHES)
            v = int(12000 * math.sin(2 * math.pi * 1000 * t)) if on else 0
            pcm.extend((v, v))
        frame = av.AudioFrame(format="s16", layout="stereo", samples=samples)
        frame.planes[0].update(pcm.tobytes())
        frame.sample_rate = SR
        frame.pts = i * samples
        frame.time_base = fractions.Fraction(1, SR)
        out += [bytes(p) for p in codec.encode(frame)]
    return out[:total]


def h264_clip(seconds: float, width: int = 320, height: int = 240) -> list[tuple[bytes, bool]]:
    """Annex-B H264 access units (SPS/PPS in-band on each IDR), as aiortc depayloads them."""
    codec = av.CodecContext.create("libx264", "w")
    codec.width = width
    codec.height = height
    codec.pix_fmt = "yuv420p"
    codec.time_base = fractions.Fraction(1, FPS)
    codec.options = {
        "preset": "ultrafast",
        "tune": "zerolatency",
        "x264-params": "repeat-headers=1",
    }
    codec.gop_size = 30
    out: list[tuple[bytes, bool]] = []
    for i in range(int(seconds * FPS)):
        frame = av.VideoFrame(width, height, "yuv420p")
        for n, plane in enumerate(frame.planes):
            value = (40 + 4 * i) % 200 if n == 0 else 128
            plane.update(bytes([value]) * (plane.line_size * plane.height))
        frame.pts = i
        out += [(bytes(p), bool(p.is_keyframe)) for p in codec.encode(frame)]
    out += [(bytes(p), bool(p.is_keyframe)) for p in codec.encode(None)]
    return out
