"""The Zoom call log: webhook events (parsed like the edge does) reduced to a call record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signaling.domain.zoom_log import ZoomCallLog, ZoomEvent
from signaling.providers.zoom_webhook import parse_event
from tests.fakes.zoom_server import meeting_event, participant

MEETING = "85746065432"
T0 = datetime(2024, 5, 1, 15, 0, tzinfo=UTC)


def _z(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ts(minutes: float) -> int:
    return int((T0 + timedelta(minutes=minutes)).timestamp() * 1000)


def started(at: float) -> ZoomEvent:
    return parse_event(
        meeting_event("meeting.started", MEETING, event_ts=_ts(at), start_time=_z(at))
    )


def ended(start: float, end: float) -> ZoomEvent:
    return parse_event(
        meeting_event(
            "meeting.ended", MEETING, event_ts=_ts(end), start_time=_z(start), end_time=_z(end)
        )
    )


def joined(who: str, at: float, **extra: Any) -> ZoomEvent:
    p = participant(who, who.title(), join_time=_z(at), **extra)
    return parse_event(
        meeting_event("meeting.participant_joined", MEETING, event_ts=_ts(at), participant=p)
    )


def left(who: str, at: float, **extra: Any) -> ZoomEvent:
    p = participant(who, who.title(), leave_time=_z(at), **extra)
    return parse_event(
        meeting_event("meeting.participant_left", MEETING, event_ts=_ts(at), participant=p)
    )


def log() -> ZoomCallLog:
    return ZoomCallLog(meeting_id=MEETING, call_id="call-1")


STORY = [
    started(0),
    joined("ana", 0.5),
    joined("bo", 2),
    left("bo", 10),  # drops out
    joined("bo", 12),  # and comes back
    left("ana", 40),
    left("bo", 41),
    ended(0, 42),
]


def _by_user(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["user_id"]: p for p in record["participants"]}


def test_a_meeting_becomes_a_zoom_call_record() -> None:
    final = log().apply_all(STORY)
    assert final.is_final
    record = final.to_record()
    assert record["call_id"] == "call-1"
    assert record["kind"] == "zoom"
    assert record["meeting_id"] == MEETING
    assert record["started_at"] == T0.isoformat()
    assert record["ended_at"] == (T0 + timedelta(minutes=42)).isoformat()
    assert record["duration_seconds"] == 42 * 60
    assert record["end_reason"] == "hangup"
    assert record["outcome"] == "completed"
    assert record["ring_seconds"] == 0
    assert record["connected_at"] == (T0 + timedelta(minutes=0.5)).isoformat()
    users = _by_user(record)
    assert users["uuid-ana"]["seconds"] == 39.5 * 60
    assert users["uuid-ana"]["name"] == "Ana"
    assert users["uuid-bo"]["seconds"] == (8 + 29) * 60
    assert users["uuid-bo"]["joined_at"] == (T0 + timedelta(minutes=2)).isoformat()
    assert users["uuid-bo"]["left_at"] == (T0 + timedelta(minutes=41)).isoformat()
    assert len(users["uuid-bo"]["stays"]) == 2
    # Both were in: 2→10 and 12→40.
    assert record["connected_seconds"] == (8 + 28) * 60
    assert "example.invalid" not in repr(record)


def test_apply_returns_a_new_value_equal_when_nothing_changed() -> None:
    empty = log()
    first = empty.apply(joined("ana", 1))
    assert first != empty
    assert empty == log()  # the original is untouched
    again = first.apply(joined("ana", 1))
    assert again == first


def test_duplicate_deliveries_do_not_double_count() -> None:
    once = log().apply_all(STORY).to_record()
    twice = log().apply_all(STORY + STORY + [STORY[2], STORY[3]]).to_record()
    assert twice == once


def test_left_before_joined_is_paired_when_the_join_arrives() -> None:
    early = log().apply_all([started(0), left("bo", 20)])
    # Before the join arrives, the leave is counted from the meeting start (best known).
    assert _by_user(early.to_record())["uuid-bo"]["seconds"] == 20 * 60
    complete = early.apply_all([joined("bo", 5), ended(0, 30)])
    assert _by_user(complete.to_record())["uuid-bo"]["seconds"] == 15 * 60


def test_late_participant_left_after_meeting_ended() -> None:
    before_leave = log().apply_all([started(0), joined("ana", 1), ended(0, 30)])
    assert before_leave.is_final
    # Still in when the meeting ended: closed at the end.
    assert _by_user(before_leave.to_record())["uuid-ana"]["seconds"] == 29 * 60
    late = before_leave.apply(left("ana", 30.5))  # Zoom's leave stamp after the end
    assert late != before_leave
    assert _by_user(late.to_record())["uuid-ana"]["seconds"] == 29 * 60  # clipped to the end
    assert late.to_record()["duration_seconds"] == 30 * 60


def test_overlapping_joins_are_not_counted_twice() -> None:
    """Two joins without the leave between (a lost delivery) keep the first join."""
    final = log().apply_all([started(0), joined("ana", 1), joined("ana", 5), left("ana", 10)])
    final = final.apply_all([ended(0, 20)])
    assert _by_user(final.to_record())["uuid-ana"]["seconds"] == 9 * 60


def test_no_meeting_started_falls_back_to_first_join() -> None:
    final = log().apply_all([joined("ana", 3), left("ana", 13)])
    record = final.to_record()
    assert not final.is_final
    assert record["end_reason"] is None
    assert record["outcome"] == "in_progress"
    assert record["connected_seconds"] == 600  # only one participant: their presence
    assert record["started_at"] == (T0 + timedelta(minutes=3)).isoformat()
    assert _by_user(record)["uuid-ana"]["seconds"] == 600


def test_alone_in_the_meeting_counts_that_persons_presence() -> None:
    final = log().apply_all([started(0), joined("ana", 1), left("ana", 5), ended(0, 6)])
    record = final.to_record()
    assert record["connected_seconds"] == 4 * 60
    assert record["outcome"] == "completed"
    assert record["connected_at"] == (T0 + timedelta(minutes=1)).isoformat()


def test_two_people_who_never_overlap_have_no_connected_time() -> None:
    events = [started(0), joined("ana", 0), left("ana", 5), joined("bo", 6), left("bo", 9)]
    record = log().apply_all([*events, ended(0, 10)]).to_record()
    assert record["connected_seconds"] == 0
    assert record["outcome"] == "completed"


def test_nobody_joined_is_missed() -> None:
    record = log().apply_all([started(0), ended(0, 15)]).to_record()
    assert record["outcome"] == "missed"
    assert record["end_reason"] == "hangup"
    assert record["connected_at"] is None
    assert record["connected_seconds"] == 0
    assert record["participants"] == []


def test_call_id_defaults_to_the_meeting_uuid_then_the_id() -> None:
    bare = ZoomCallLog(meeting_id=MEETING)
    assert bare.to_record()["call_id"] == MEETING
    with_uuid = bare.apply(started(0))
    assert with_uuid.to_record()["call_id"] == "4444AAAiAAAAAiAiAiiAii=="


def test_flat_participant_fields_of_an_event() -> None:
    event = joined("ana", 2)
    assert event.participant_id == "uuid-ana"
    assert event.user_name == "Ana"
    assert event.join_time == T0 + timedelta(minutes=2)
    assert event.leave_time is None
    assert started(0).participant_id is None


def test_customer_key_groups_a_person_across_rejoins() -> None:
    events = [
        started(0),
        joined("111", 1, customer_key="freelancer-7", participant_uuid="a"),
        left("111", 4, customer_key="freelancer-7", participant_uuid="a"),
        joined("222", 6, customer_key="freelancer-7", participant_uuid="b"),
        left("222", 9, customer_key="freelancer-7", participant_uuid="b"),
        ended(0, 10),
    ]
    record = log().apply_all(events).to_record()
    assert [p["user_id"] for p in record["participants"]] == ["freelancer-7"]
    assert record["participants"][0]["seconds"] == 6 * 60


def test_events_of_other_meetings_are_refused_and_others_ignored() -> None:
    other = parse_event(meeting_event("meeting.started", "999", event_ts=1))
    with pytest.raises(ValueError, match="meeting 999"):
        log().apply(other)
    unrelated = parse_event(meeting_event("meeting.sharing_started", MEETING, event_ts=1))
    assert log().apply(unrelated) == log()


def test_snapshot_round_trip() -> None:
    partial = log().apply_all(STORY[:5])
    restored = ZoomCallLog.from_snapshot(partial.to_snapshot())
    assert restored == partial
    assert restored.apply_all(STORY[5:]).to_record() == log().apply_all(STORY).to_record()


@settings(max_examples=150, deadline=None)
@given(st.permutations(STORY), st.lists(st.sampled_from(STORY), max_size=6))
def test_any_order_and_duplicates_give_the_same_record(
    order: list[ZoomEvent], duplicates: list[ZoomEvent]
) -> None:
    expected = log().apply_all(STORY).to_record()
    assert log().apply_all([*order, *duplicates]).to_record() == expected
