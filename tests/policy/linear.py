"""Growth checks for the guard's adversarial inputs, without a wall-clock limit.

A test of "linear time" that asserts an absolute duration fails on a loaded CI machine (it did:
0.10 s measured against a 0.1 s limit) and passes a quadratic scan on a fast one. Instead the
same input is measured at two sizes, four times apart, in CPU time (best of three, so other
processes and a stray garbage collection count for little): a linear scan grows about 4x, a
quadratic one about 16x. ``MAX_GROWTH`` sits between the two.
"""

from __future__ import annotations

import time
from collections.abc import Callable

MAX_GROWTH = 9.0
# Below this the small input's time is mostly timer and interpreter noise; it is raised to it.
FLOOR_SECONDS = 0.002


def _best_cpu_seconds(work: Callable[[], object], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def growth(run: Callable[[int], object], small: int = 10_000, factor: int = 4) -> float:
    """How many times longer ``run(small * factor)`` takes than ``run(small)`` (CPU time)."""
    run(small)  # warm caches and lazily built tables
    little = max(_best_cpu_seconds(lambda: run(small)), FLOOR_SECONDS)
    big = _best_cpu_seconds(lambda: run(small * factor))
    return big / little


def assert_linear(run: Callable[[int], object], small: int = 10_000, factor: int = 4) -> None:
    ratio = growth(run, small, factor)
    assert ratio < MAX_GROWTH, f"{factor}x the input took {ratio:.1f}x the time (linear ~{factor}x)"


def repeated(unit: str, n: int) -> str:
    """``unit`` repeated to exactly ``n`` characters."""
    return (unit * (n // len(unit) + 1))[:n]
