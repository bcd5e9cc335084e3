"""Fewer event-loop wake-ups under media load: an epoll selector that spaces them out.

A forwarding node receives a datagram every few hundred microseconds per call. asyncio
wakes for each one that finds the loop idle: an ``epoll_wait`` return, a pass of the loop
and the read, for one packet. :class:`CoalescingSelector` lets a wake-up that comes less
than ``window`` after the previous one wait out the rest of the window first, so one pass
reads every socket that became ready meanwhile (``media.aiortc_tap.batch_reads`` reads up
to 32 datagrams per socket per pass). A loop with work ready (asyncio passes a timeout of
0) never waits, and an idle loop's first wake-up is not delayed: only a busy loop trades
at most ``window`` of latency for fewer passes. ``INTERVIEW_MEDIA_WAKEUP_MS`` sets the
window of the server's loop (0 turns it off).
"""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import Callable


class CoalescingSelector(selectors.EpollSelector):
    """``select`` returns at most once per ``window`` seconds unless work is ready."""

    def __init__(
        self,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not 0 <= window <= 0.05:
            raise ValueError("the wake-up window must be 0..50 ms")
        super().__init__()
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._last = float("-inf")
        self.waits = 0  # wake-ups that waited out part of a window

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if self.window and (timeout is None or timeout > 0):
            gap = self._last + self.window - self._clock()
            if gap > 0:
                if timeout is not None and gap > timeout:
                    gap = timeout
                self._sleep(gap)
                self.waits += 1
                if timeout is not None:
                    timeout = max(0.0, timeout - gap)
        events = super().select(timeout)
        self._last = self._clock()
        return events


def event_loop(window_ms: float) -> asyncio.AbstractEventLoop:
    """A new event loop whose wake-ups are at least ``window_ms`` apart when busy (0: a plain
    selector loop)."""
    if window_ms <= 0:
        return asyncio.SelectorEventLoop()
    return asyncio.SelectorEventLoop(CoalescingSelector(window_ms / 1000))
