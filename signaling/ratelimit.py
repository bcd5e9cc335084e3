"""Per-user rate limiting (token bucket). In-memory for one node; the Redis variant in
``signaling.store.redis`` shares buckets across nodes.

:class:`Limits` holds one bucket family per named limit (``thread_join``, ``call_media``,
``case``, ``meeting``, …), each with its own rate and burst from the settings, and raises
:class:`~signaling.errors.RateLimited` (429 + ``Retry-After`` on REST, an error ack with
``retry_after`` on socket.io) when a user's bucket is empty.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from signaling.errors import RateLimited

if TYPE_CHECKING:
    from signaling.settings import Settings


class RateLimiter(Protocol):
    async def hit(self, key: str) -> float | None:
        """Take one token; return None if allowed, else the seconds to wait."""
        ...


@dataclass
class _Bucket:
    tokens: float
    updated: float


class InMemoryRateLimiter:
    """Token bucket: ``burst`` tokens, refilled at ``per_minute`` per minute.

    Full buckets are forgotten once more than ``max_keys`` are held, so a stream of distinct
    keys cannot grow the table without bound.
    """

    def __init__(
        self,
        per_minute: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_keys: int = 10_000,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self._rate = per_minute / 60.0
        self._burst = float(max(burst, 1))
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}

    async def hit(self, key: str) -> float | None:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._max_keys:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(self._burst, now)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return (1.0 - bucket.tokens) / self._rate

    def _prune(self, now: float) -> None:
        """Drop buckets that have refilled completely (they hold no state worth keeping)."""
        full = [
            key
            for key, b in self._buckets.items()
            if b.tokens + (now - b.updated) * self._rate >= self._burst
        ]
        for key in full:
            del self._buckets[key]


@dataclass(frozen=True)
class Limit:
    """One named limit: ``burst`` actions at once, refilled at ``per_minute``."""

    name: str
    per_minute: float
    burst: int
    reason: str


LimiterFactory = Callable[[Limit], RateLimiter]


def in_memory(limit: Limit) -> RateLimiter:
    return InMemoryRateLimiter(limit.per_minute, limit.burst)


class Limits:
    """Named per-user token buckets; :meth:`check` raises ``RateLimited`` when one is empty."""

    def __init__(self, limits: Iterable[Limit], factory: LimiterFactory = in_memory) -> None:
        self._limits = {limit.name: limit for limit in limits}
        self._buckets = {name: factory(limit) for name, limit in self._limits.items()}

    def __contains__(self, name: str) -> bool:
        return name in self._limits

    def limit(self, name: str) -> Limit:
        return self._limits[name]

    async def check(self, name: str, key: str) -> None:
        """Take one token of limit ``name`` for ``key`` (a user id), or raise RateLimited."""
        wait = await self._buckets[name].hit(f"{name}:{key}")
        if wait is not None:
            raise RateLimited(self._limits[name].reason, retry_after=wait)

    async def close(self) -> None:
        for bucket in self._buckets.values():
            closer = getattr(bucket, "close", None)
            if closer is not None:
                await closer()


def limits_from_settings(settings: Settings, factory: LimiterFactory = in_memory) -> Limits:
    """The server's limits, each from its ``INTERVIEW_*_RATE_PER_MINUTE``/``*_BURST`` pair."""
    s = settings
    return Limits(
        [
            Limit(
                "socket_event",
                s.socket_event_rate_per_minute,
                s.socket_event_burst,
                "you are sending events too fast; wait a moment",
            ),
            Limit(
                "thread_join",
                s.thread_join_rate_per_minute,
                s.thread_join_burst,
                "you are opening threads too fast; wait a moment",
            ),
            Limit(
                "call_media",
                s.call_media_rate_per_minute,
                s.call_media_burst,
                "you are changing mute/camera too fast; wait a moment",
            ),
            Limit(
                "typing",
                s.typing_rate_per_minute,
                s.typing_burst,
                "you are sending typing notices too fast; wait a moment",
            ),
            Limit(
                "policy_preview",
                s.policy_preview_rate_per_minute,
                s.policy_preview_burst,
                "too many previews; wait a moment",
            ),
            Limit("case", s.case_rate_per_minute, s.case_burst, "too many cases opened; try later"),
            Limit(
                "meeting",
                s.meeting_rate_per_minute,
                s.meeting_burst,
                "too many Zoom meetings created; try later",
            ),
            Limit(
                "file_upload",
                s.file_upload_rate_per_minute,
                s.file_upload_burst,
                "you are uploading files too fast; wait a moment",
            ),
            Limit(
                "schedule",
                s.schedule_rate_per_minute,
                s.schedule_burst,
                "too many schedule proposals; try later",
            ),
        ],
        factory,
    )
