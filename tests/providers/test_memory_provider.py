"""The in-memory meeting provider (the fake of our own port other tests use)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signaling.errors import ProviderError
from signaling.providers.base import InMemoryMeetingProvider, Meeting

START = datetime(2030, 5, 1, 15, tzinfo=UTC)


async def test_create_update_delete() -> None:
    provider = InMemoryMeetingProvider()
    meeting = await provider.create_meeting("Interview", START, 30, "UTC")
    assert meeting.provider == "memory"
    assert meeting.join_url.startswith("https://")
    await provider.update_meeting(meeting.meeting_id, start=START + timedelta(hours=1))
    stored = provider.meetings[meeting.meeting_id]
    assert stored.start == START + timedelta(hours=1)
    assert stored.duration_minutes == 30
    await provider.delete_meeting(meeting.meeting_id)
    await provider.delete_meeting(meeting.meeting_id)
    assert provider.meetings == {}
    with pytest.raises(ProviderError) as info:
        await provider.update_meeting(meeting.meeting_id, topic="x")
    assert info.value.code == "meeting_not_found"
    await provider.aclose()
    assert provider.closed


async def test_injected_failure_is_raised() -> None:
    provider = InMemoryMeetingProvider(fail_with=ProviderError("Zoom is down", code="zoom_down"))
    with pytest.raises(ProviderError, match="Zoom is down"):
        await provider.create_meeting("Interview", None, 30, "UTC")


def test_meeting_value_object() -> None:
    meeting = Meeting("zoom", "1", "https://zoom.us/j/1", "https://zoom.us/s/1", "pw")
    assert meeting.to_json()["join_url"] == "https://zoom.us/j/1"
    with pytest.raises(ValueError, match="https"):
        Meeting("zoom", "1", "javascript:alert(1)", "", "")
