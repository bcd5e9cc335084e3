"""Calls in threads (see ``README.md``, *Calls*, for the structure).

- :mod:`signaling.calls.commands`: typed call commands and their wire form between nodes;
- :mod:`signaling.calls.service`: :class:`CallService`, which runs them, media events, timers,
  node leases and the single call record;
- :mod:`signaling.calls.recording`: :class:`RecordingController` (consent, recorder, segments);
- :mod:`signaling.calls.clock`: the injectable :class:`Clock` (real and manual).
"""

from signaling.calls.active import ActiveCall
from signaling.calls.clock import AsyncioClock, Clock, ManualClock
from signaling.calls.recording import RecordingController
from signaling.calls.service import (
    MAX_CANDIDATE_BYTES,
    MAX_RESTARTS_PER_MINUTE,
    MAX_SDP_BYTES,
    CallService,
    RemoteError,
    Store,
)

__all__ = [
    "MAX_CANDIDATE_BYTES",
    "MAX_RESTARTS_PER_MINUTE",
    "MAX_SDP_BYTES",
    "ActiveCall",
    "AsyncioClock",
    "CallService",
    "Clock",
    "ManualClock",
    "RecordingController",
    "RemoteError",
    "Store",
]
