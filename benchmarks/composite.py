"""CPU of rendering the composite, and what a shared screen costs in it.

A recording of ``--participants`` people (640x480@30 VP8 + Opus each, ``--seconds`` of media)
is written with the remux writer, once camera-only and once with participant 0 sharing a
1280x720 screen for the middle half of the call (a ``screen`` track). Each is rendered with
``recording.composite.composite``; the camera-only one is also rendered, in the same run, by
the composite of ``--baseline`` (default ``main``: the FFmpeg ``hstack`` filter graph, before
the layout was assembled in Python to place a screen), loaded from git. CPU is process CPU
time around each render (the renders decode, scale and encode VP8; all in this process).

    .venv/bin/python benchmarks/composite.py                 # 20 s, 2 participants
    .venv/bin/python benchmarks/composite.py --baseline 7c7850b --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import av

_ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(_ROOT)] + [
    p for p in sys.path if Path(p or ".").resolve() != _ROOT / "benchmarks"
]

from benchmarks.recording import AUDIO_TB, FPS, VIDEO_TB, Clock, encode_clip  # noqa: E402
from recording.composite import composite  # noqa: E402
from recording.writer import CallRecorder, TrackSpec  # noqa: E402


async def write_call(
    path: Path,
    camera: tuple[list[Any], list[Any]],
    screen: list[Any] | None,
    seconds: float,
    participants: int,
) -> None:
    """A recording; with ``screen``, p0's video is the screen from 1/4 to 3/4 of the call."""
    video, audio = camera
    who = [f"p{n}" for n in range(participants)]
    specs = [
        TrackSpec(p, k, "opus" if k == "audio" else "vp8") for p in who for k in ("audio", "video")
    ]
    specs += [TrackSpec(p, "screen", "vp8") for p in who]
    share = (seconds / 4, seconds * 3 / 4) if screen is not None else (seconds, seconds)
    events: list[tuple[float, int, str, Any, int]] = []
    switches = [round(t * FPS) for t in share]
    for i in range(int(seconds * FPS)):
        for n in range(participants):
            sharing = n == 0 and share[0] <= i / FPS < share[1] and screen is not None
            source = screen if sharing and screen is not None else video
            # A browser's encoder starts a new source with a keyframe (the size changes):
            # each stretch starts at its clip's first (key) frame.
            since = max([0] + [s for s in switches if s <= i]) if n == 0 else 0
            events.append((i / FPS, n, "video", source[(i - since) % len(source)], i * 3000))
    for i in range(int(seconds * 50)):
        for n in range(participants):
            events.append((i * 0.02, n, "audio", audio[i % len(audio)], i * 960))
    events.sort(key=lambda e: (e[0], e[1]))
    clock = Clock()
    rec = CallRecorder(path, call_id="bench", tracks=specs, queue_size=len(events) + 1, clock=clock)
    await rec.start()
    flags = {share[0]: True, share[1]: False}
    for k, (at, n, kind, p, pts) in enumerate(events):
        clock.now = at
        for when in [w for w in flags if w <= at]:
            rec.set_screen("p0", flags.pop(when))
        packet = av.Packet(bytes(p))
        packet.pts = pts
        packet.time_base = VIDEO_TB if kind == "video" else AUDIO_TB
        packet.is_keyframe = bool(p.is_keyframe) if kind == "video" else True
        rec.on_packet(who[n], "video" if kind == "video" else "audio", packet)
        if k % 64 == 0:
            await asyncio.sleep(0)
    await rec.stop()


def baseline_module(rev: str) -> ModuleType:
    """``recording/composite.py`` as it is at ``rev``, imported under another name."""
    source = subprocess.run(
        ["git", "-C", str(_ROOT), "show", f"{rev}:recording/composite.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    folder = Path(tempfile.mkdtemp())
    (folder / "composite_baseline.py").write_text(source)
    spec = importlib.util.spec_from_file_location(
        "composite_baseline", folder / "composite_baseline.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["composite_baseline"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def timed(render: Any, src: Path, out: Path) -> float:
    cpu = time.process_time()
    render(src, out)
    return time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--participants", type=int, default=2)
    parser.add_argument("--baseline", default="main", help="git revision of the baseline composite")
    args = parser.parse_args()
    camera = encode_clip(4.0, 640, 480)
    screen, _ = encode_clip(4.0, 1280, 720)
    base = baseline_module(args.baseline)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain, shared = folder / "plain.webm", folder / "shared.webm"
        asyncio.run(write_call(plain, camera, None, args.seconds, args.participants))
        asyncio.run(write_call(shared, camera, screen, args.seconds, args.participants))
        rows = [
            (
                f"baseline ({args.baseline}), camera only",
                timed(base.composite, plain, folder / "a.webm"),
            ),
            ("this tree, camera only", timed(composite, plain, folder / "b.webm")),
            ("this tree, screen shared half the call", timed(composite, shared, folder / "c.webm")),
        ]
    print(
        f"call: {args.participants} participants x VP8 640x480@30 + Opus, {args.seconds:.0f} s; "
        "screen: 1280x720 VP8"
    )
    print(f"{'composite':<44}{'CPU s':>8}{'CPU ms / media s':>18}")
    for name, cpu in rows:
        print(f"{name:<44}{cpu:>8.2f}{cpu * 1000 / args.seconds:>18.1f}")
    print(f"this tree / baseline, camera only: {rows[1][1] / rows[0][1]:.2f}x")


if __name__ == "__main__":
    main()
