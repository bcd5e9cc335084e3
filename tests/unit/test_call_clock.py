"""The call service's clocks: the manual one moves only when told, the real one on asyncio."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from signaling.calls.clock import AsyncioClock, Clock, ManualClock, Timer

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_manual_clock_runs_due_timers_in_deadline_order_at_their_time() -> None:
    clock = ManualClock(T0)
    seen: list[tuple[str, float, datetime]] = []

    def note(name: str) -> None:
        seen.append((name, clock.monotonic(), clock.now()))

    clock.call_later(15, lambda: note("grace"))
    clock.call_later(45, lambda: note("ring"))
    cancelled = clock.call_later(10, lambda: note("cancelled"))
    cancelled.cancel()
    assert clock.pending() == [15.0, 45.0]
    assert clock.advance(14.5) == 0 and seen == []
    assert clock.pending() == [0.5, 30.5]
    assert clock.advance(60) == 2
    assert seen == [
        ("grace", 15.0, T0 + timedelta(seconds=15)),
        ("ring", 45.0, T0 + timedelta(seconds=45)),
    ]
    assert clock.monotonic() == 74.5 and clock.pending() == []
    with pytest.raises(ValueError):
        clock.advance(-1)


async def test_manual_sleep_returns_when_advanced_and_timers_cancel_at_either_stage() -> None:
    clock = ManualClock(T0)
    woke = asyncio.Event()

    async def sleeper() -> None:
        await clock.sleep(10)
        woke.set()

    task = asyncio.create_task(sleeper())
    await asyncio.sleep(0)  # the sleeper arms its timer
    assert clock.pending() == [10.0]
    clock.advance(10)
    await asyncio.wait_for(woke.wait(), 5)
    await task

    ran: list[str] = []
    gate = asyncio.Event()

    async def work() -> None:
        ran.append("started")
        await gate.wait()
        ran.append("finished")

    waiting = Timer().arm(clock, 5, lambda: asyncio.create_task(work()))
    waiting.cancel()  # while it waits: never starts
    clock.advance(5)
    await asyncio.sleep(0)
    assert ran == []
    running = Timer().arm(clock, 5, lambda: asyncio.create_task(work()))
    clock.advance(5)
    await asyncio.sleep(0)
    assert ran == ["started"] and running.task is not None
    running.cancel()  # while its task runs: the task is cancelled
    with pytest.raises(asyncio.CancelledError):
        await running.task
    assert ran == ["started"]


async def test_a_timer_does_not_cancel_the_task_it_runs_in() -> None:
    clock = ManualClock(T0)
    done = asyncio.Event()
    timer = Timer()

    async def work() -> None:
        timer.cancel()  # e.g. a ring timeout that ends the call cancels the call's timers
        await asyncio.sleep(0)
        done.set()

    timer.arm(clock, 1, lambda: asyncio.create_task(work()))
    clock.advance(1)
    await asyncio.wait_for(done.wait(), 5)


async def test_asyncio_clock_is_the_real_time() -> None:
    clock: Clock = AsyncioClock()
    before = datetime.now(UTC)
    assert before <= clock.now() <= datetime.now(UTC)
    fired = asyncio.Event()
    clock.call_later(0.01, fired.set)
    await asyncio.wait_for(fired.wait(), 5)
    start = clock.monotonic()
    await clock.sleep(0)
    assert clock.monotonic() >= start
    manual: Clock = ManualClock()  # both satisfy the protocol
    assert manual.monotonic() == 0.0
