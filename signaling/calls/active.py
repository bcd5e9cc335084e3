"""What a node holds for each call it serves: the call, its lock, media peers, recorder, timers."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from signaling.calls.clock import Timer
from signaling.domain.calls import Call
from signaling.domain.ports import CallRecording, MediaSessionPort


@dataclass
class ActiveCall:
    call: Call
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    media: MediaSessionPort | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    timers: set[Timer] = field(default_factory=set)  # ring timeout, consultation notice
    lost_timers: dict[str, Timer] = field(default_factory=dict)  # peer-lost grace, per party
    restarts: dict[str, deque[float]] = field(default_factory=dict)
    recorder: CallRecording | None = None
    media_state: dict[str, dict[str, bool]] = field(default_factory=dict)

    def stop_work(self) -> None:
        """Cancel every timer and task of this call (but the one running this)."""
        current = asyncio.current_task()
        for timer in [*self.timers, *self.lost_timers.values()]:
            timer.cancel()
        for task in list(self.tasks):
            if task is not current:
                task.cancel()
