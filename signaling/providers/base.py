"""The meeting-provider port, its value object, and an in-memory implementation.

A provider creates, updates and deletes meetings on a third-party service (Zoom). The thread
posts the resulting link as a ``meeting`` message; the policy guard exempts links the platform
created itself. Every failure of a real provider is raised as
:class:`signaling.errors.ProviderError`, so the edge shows the user a clear message.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from signaling.domain.schedule import is_known_timezone
from signaling.errors import ProviderError

MAX_DURATION_MINUTES = 24 * 60


@dataclass(frozen=True)
class Meeting:
    """A meeting the platform created on a provider.

    ``start_url`` lets its holder start the meeting as host; it is a secret of the platform's
    account and must only be shown to the party who hosts.
    """

    provider: str
    meeting_id: str
    join_url: str
    start_url: str
    passcode: str

    def __post_init__(self) -> None:
        if not self.provider or not self.meeting_id:
            raise ValueError("a meeting needs a provider and an id")
        if not self.join_url.startswith("https://"):
            raise ValueError("a meeting join_url must be an https URL")

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "meeting_id": self.meeting_id,
            "join_url": self.join_url,
            "start_url": self.start_url,
            "passcode": self.passcode,
        }


class MeetingProvider(Protocol):
    """Creates, changes and deletes meetings on a provider.

    ``start`` is an aware datetime (scheduled meeting) or ``None`` (instant meeting);
    ``timezone`` is an IANA name the provider shows the meeting in. Implementations raise
    :class:`ProviderError` with a human reason for every failure.
    """

    async def create_meeting(
        self, topic: str, start: datetime | None, duration_minutes: int, timezone: str
    ) -> Meeting: ...

    async def update_meeting(
        self,
        meeting_id: str,
        *,
        topic: str | None = None,
        start: datetime | None = None,
        duration_minutes: int | None = None,
        timezone: str | None = None,
    ) -> None: ...

    async def delete_meeting(self, meeting_id: str) -> None: ...

    async def aclose(self) -> None:
        """Release the provider's resources (HTTP session); called on app cleanup."""
        ...


def check_meeting_args(
    start: datetime | None, duration_minutes: int | None, timezone: str | None
) -> None:
    """Reject arguments no provider could accept, before any network call.

    Raised as :class:`ProviderError` (not a 4xx) because callers validate user input in the
    schedule domain first; reaching this means a programming error upstream, still never a 500.
    """
    if start is not None and start.utcoffset() is None:
        raise ProviderError("the meeting start time has no time zone", code="bad_meeting_args")
    if duration_minutes is not None and not 0 < duration_minutes <= MAX_DURATION_MINUTES:
        raise ProviderError(
            f"a meeting lasts 1 to {MAX_DURATION_MINUTES} minutes, not {duration_minutes}",
            code="bad_meeting_args",
        )
    if timezone is not None and not is_known_timezone(timezone):
        raise ProviderError(f"unknown time zone {timezone!r}", code="bad_meeting_args")


@dataclass(frozen=True)
class StoredMeeting:
    """What :class:`InMemoryMeetingProvider` remembers about one meeting."""

    meeting: Meeting
    topic: str
    start: datetime | None
    duration_minutes: int
    timezone: str


@dataclass
class InMemoryMeetingProvider:
    """A provider that keeps meetings in a dict: the fake of our own port for other tests.

    ``fail_with`` makes every call raise that error, to test how callers surface failures.
    """

    name: str = "memory"
    meetings: dict[str, StoredMeeting] = field(default_factory=dict)
    fail_with: ProviderError | None = None
    closed: bool = False
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    def _check(self) -> None:
        if self.fail_with is not None:
            raise self.fail_with

    async def create_meeting(
        self, topic: str, start: datetime | None, duration_minutes: int, timezone: str
    ) -> Meeting:
        self._check()
        check_meeting_args(start, duration_minutes, timezone)
        meeting_id = str(next(self._ids))
        meeting = Meeting(
            provider=self.name,
            meeting_id=meeting_id,
            join_url=f"https://meet.invalid/j/{meeting_id}",
            start_url=f"https://meet.invalid/s/{meeting_id}",
            passcode=f"pw{meeting_id}",
        )
        self.meetings[meeting_id] = StoredMeeting(meeting, topic, start, duration_minutes, timezone)
        return meeting

    async def update_meeting(
        self,
        meeting_id: str,
        *,
        topic: str | None = None,
        start: datetime | None = None,
        duration_minutes: int | None = None,
        timezone: str | None = None,
    ) -> None:
        self._check()
        check_meeting_args(start, duration_minutes, timezone)
        stored = self.meetings.get(meeting_id)
        if stored is None:
            raise ProviderError(f"meeting {meeting_id} does not exist", code="meeting_not_found")
        self.meetings[meeting_id] = replace(
            stored,
            topic=stored.topic if topic is None else topic,
            start=stored.start if start is None else start,
            duration_minutes=(
                stored.duration_minutes if duration_minutes is None else duration_minutes
            ),
            timezone=stored.timezone if timezone is None else timezone,
        )

    async def delete_meeting(self, meeting_id: str) -> None:
        """Delete; deleting a meeting that is already gone succeeds (idempotent)."""
        self._check()
        self.meetings.pop(meeting_id, None)

    async def aclose(self) -> None:
        """Nothing to release; present to satisfy the port."""
        self.closed = True
