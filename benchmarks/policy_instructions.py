"""Count the CPU instructions the contact guard spends on `policy_speed.py`'s messages.

Wall and CPU clocks on a shared virtual machine swing by 20-50 % between identical runs, and
the host itself changes between sessions; an instruction count does neither. This runs
`policy_speed.py`'s messages (same seed, same warm-up) under valgrind's callgrind twice, once
scanning only the warm-up and once scanning the warm-up plus the timed messages, and prints the
difference: the instructions of the timed scans alone. Trees are compared in one run.

    python benchmarks/policy_instructions.py [--tree PATH]... [--short 2000] [--long 80]

Needs `valgrind` (Debian package `valgrind`); without it the script says so and exits 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _scan(tree: Path, short: int, long: int, work: bool) -> None:
    sys.path.insert(0, str(tree))
    sys.path.insert(0, str(tree / "benchmarks"))
    ps: Any = importlib.import_module("policy_speed")  # the tree's own generator and detector

    rng = random.Random(7)
    shorts = [ps.make_short(rng) for _ in range(short)]
    longs = [ps.make_long(rng) for _ in range(long)]
    detector = ps.default_detector()
    for msg in shorts[:200]:
        detector.scan(msg)
    warm_rng = random.Random(8)
    for _ in range(5):
        detector.scan(ps.make_long(warm_rng))
    if work:
        for msg in shorts:
            detector.scan(msg)
        for msg in longs:
            detector.scan(msg)


def _instructions(tree: Path, short: int, long: int, work: bool) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cg.out"
        cmd = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--child",
            str(tree),
            str(short if work else 0),
            str(long if work else 0),
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        m = re.search(r"Collected\s*:\s*(\d+)", proc.stderr)
        if proc.returncode != 0 or m is None:
            raise SystemExit(f"callgrind failed for {tree}:\n{proc.stderr[-2000:]}")
        return int(m.group(1))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["--child"]:
        tree, short, long = Path(args_in[1]), int(args_in[2]), int(args_in[3])
        _scan(tree, short, long, work=short + long > 0)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", type=Path, help="a checkout (default: this)")
    parser.add_argument("--short", type=int, default=2000)
    parser.add_argument("--long", type=int, default=80)
    args = parser.parse_args(args_in)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    trees = args.tree or [REPO]
    print(f"{'tree':<40}{'short, M instr':>16}{'per short':>12}{'10k, M instr':>15}{'per 10k':>12}")
    for tree in trees:
        idle = _instructions(tree, 0, 0, work=False)
        both = _instructions(tree, args.short, args.long, work=True)
        only_short = _instructions(tree, args.short, 0, work=True)
        s = only_short - idle
        lg = both - only_short
        print(
            f"{tree!s:<40}{s / 1e6:>16.0f}{s / max(args.short, 1) / 1e3:>10.0f} k"
            f"{lg / 1e6:>15.0f}{lg / max(args.long, 1) / 1e6:>10.1f} M"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
