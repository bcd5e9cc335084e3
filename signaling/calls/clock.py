"""The call service's sense of time, injectable so tests advance it instead of sleeping.

A :class:`Clock` gives the wall time (call records), a monotonic time (rate windows) and
``call_later`` (the ring timeout, the peer-lost grace, the consultation notice); ``sleep`` is
built on ``call_later`` (the lease renewal loop). :class:`AsyncioClock` is the real one.
:class:`ManualClock` only moves when told to (``advance``): a timer due by then runs at once,
in deadline order, with the clock reading its deadline; nothing is ever waited for in real time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """Time as the call service sees it."""

    def now(self) -> datetime:
        """The wall time (aware, UTC): what call records and audit events carry."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (windows, rates)."""
        ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> Cancellable:
        """Run ``callback`` once, ``delay`` seconds from now, unless cancelled first."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return after ``seconds`` on this clock."""
        ...


class AsyncioClock:
    """The real clock: the system's wall time and the running event loop's timers."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def call_later(self, delay: float, callback: Callable[[], None]) -> Cancellable:
        return asyncio.get_running_loop().call_later(max(0.0, delay), callback)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class _Pending:
    def __init__(self, due: float, callback: Callable[[], None]) -> None:
        self.due = due
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """A clock for tests: time stands still until :meth:`advance` moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or datetime.now(UTC)
        self._elapsed = 0.0
        self._heap: list[tuple[float, int, _Pending]] = []
        self._order = itertools.count()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        return self._elapsed

    def call_later(self, delay: float, callback: Callable[[], None]) -> Cancellable:
        pending = _Pending(self._elapsed + max(0.0, delay), callback)
        heapq.heappush(self._heap, (pending.due, next(self._order), pending))
        return pending

    async def sleep(self, seconds: float) -> None:
        done = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not done.done():
                done.set_result(None)

        handle = self.call_later(seconds, wake)
        try:
            await done
        finally:
            handle.cancel()

    def pending(self) -> list[float]:
        """Seconds until each timer that is still armed, soonest first."""
        return sorted(p.due - self._elapsed for _, _, p in self._heap if not p.cancelled)

    def advance(self, seconds: float) -> int:
        """Move time on by ``seconds`` and run every timer due by then, in deadline order
        (the clock reads each one's deadline while it runs). Returns how many ran. A timer
        callback that starts a task returns at once; the task runs when the test next awaits,
        and reads the new time."""
        if seconds < 0:
            raise ValueError("time does not go back")
        target = self._elapsed + seconds
        ran = 0
        while self._heap and self._heap[0][0] <= target:
            due, _, pending = heapq.heappop(self._heap)
            if pending.cancelled:
                continue
            pending.cancel()  # fired: no longer armed
            self._elapsed = max(self._elapsed, due)
            pending.callback()
            ran += 1
        self._elapsed = target
        return ran


class Timer:
    """Work that a clock starts after a delay: ``arm`` schedules ``start`` (which returns the
    task doing the work); ``cancel`` stops it while it waits or while its task runs, except
    from inside that task (a timer that ends its call must finish writing the record)."""

    def __init__(self) -> None:
        self.handle: Cancellable | None = None
        self.task: asyncio.Task[None] | None = None

    def arm(self, clock: Clock, delay: float, start: Callable[[], asyncio.Task[None]]) -> Timer:
        def fire() -> None:
            self.task = start()

        self.handle = clock.call_later(delay, fire)
        return self

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
        if self.task is not None and self.task is not asyncio.current_task():
            self.task.cancel()
