"""The scheduling state machine, slot validation, reminder times and attendance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from signaling.domain.schedule import (
    Schedule,
    ScheduleState,
    Slot,
    attendance,
    due_reminders,
    reminder_times,
    reminders_for,
    validate_slots,
)
from signaling.errors import Conflict, Forbidden, Unprocessable

NOW = datetime(2030, 5, 1, 9, 0, tzinfo=UTC)
CLIENT, FREELANCER = "client-1", "freelancer-1"


def slot(hours_from_now: float, minutes: int = 60, kind: str = "video") -> Slot:
    return Slot(NOW + timedelta(hours=hours_from_now), minutes, kind)  # type: ignore[arg-type]


def proposed(*slots: Slot, by: str = CLIENT) -> Schedule:
    schedule, _ = Schedule.propose(
        schedule_id="sch-1",
        thread_id="thr-1",
        parties=(CLIENT, FREELANCER),
        proposer_id=by,
        proposal_id="p1",
        slots=slots or (slot(24), slot(48)),
        timezone="America/New_York",
        now=NOW,
    )
    return schedule


# ---------------------------------------------------------------------- validation
def test_slots_are_normalised_to_utc() -> None:
    local = Slot(datetime(2030, 5, 2, 11, 0, tzinfo=timezone(timedelta(hours=2))), 30, "audio")
    assert local.start_utc == datetime(2030, 5, 2, 9, 0, tzinfo=UTC)
    assert local.start_utc.tzinfo is UTC
    assert local.to_json()["start_utc"] == "2030-05-02T09:00:00Z"
    assert Slot.from_json(local.to_json()) == local


@pytest.mark.parametrize(
    ("slots", "tz", "code"),
    [
        ([], "UTC", "slot_count"),
        ([slot(1), slot(3), slot(5), slot(7)], "UTC", "slot_count"),
        ([slot(1)], "Mars/Olympus_Mons", "unknown_timezone"),
        ([slot(1)], "localtime", "unknown_timezone"),
        ([slot(-1)], "UTC", "slot_in_past"),
        ([slot(0)], "UTC", "slot_in_past"),
        ([slot(1, minutes=241)], "UTC", "duration_too_long"),
        ([slot(1, minutes=0)], "UTC", "bad_duration"),
        ([slot(1, minutes=-30)], "UTC", "bad_duration"),
        ([slot(1, minutes=90), slot(2)], "UTC", "overlapping_slots"),
        ([slot(4), slot(1, minutes=240)], "UTC", "overlapping_slots"),
        ([slot(24 * 400)], "UTC", "slot_too_far"),
    ],
)
def test_invalid_slots_get_a_clear_422(slots: list[Slot], tz: str, code: str) -> None:
    with pytest.raises(Unprocessable) as info:
        validate_slots(slots, tz, NOW)
    assert info.value.code == code
    assert info.value.status == 422
    assert info.value.reason


def test_valid_slots_pass() -> None:
    validate_slots([slot(1, minutes=240), slot(5), slot(6)], "Asia/Kolkata", NOW)  # back to back


def test_slot_needs_an_aware_start_and_a_known_kind() -> None:
    with pytest.raises(Unprocessable) as info:
        Slot(datetime(2030, 1, 1), 30, "video")
    assert info.value.code == "naive_datetime"
    with pytest.raises(Unprocessable) as info:
        Slot(NOW, 30, "fax")  # type: ignore[arg-type]
    assert info.value.code == "bad_kind"


# ---------------------------------------------------------------------- transitions
def test_propose_emits_a_schedule_event() -> None:
    schedule, event = Schedule.propose(
        schedule_id="sch-1",
        thread_id="thr-1",
        parties=(CLIENT, FREELANCER),
        proposer_id=CLIENT,
        proposal_id="p1",
        slots=[slot(24, kind="zoom")],
        timezone="America/New_York",
        now=NOW,
    )
    assert schedule.state is ScheduleState.PROPOSED
    assert schedule.sequence == 0
    assert event == {
        "event": "proposed",
        "schedule_id": "sch-1",
        "thread_id": "thr-1",
        "sequence": 0,
        "state": "proposed",
        "by": CLIENT,
        "at": NOW.isoformat(),
        "tz": "America/New_York",
        "proposal_id": "p1",
        "proposer_id": CLIENT,
        "slots": [
            {
                "start_utc": "2030-05-02T09:00:00Z",
                "end_utc": "2030-05-02T10:00:00Z",
                "duration_minutes": 60,
                "kind": "zoom",
            }
        ],
        "slot": None,
    }


def test_outsiders_cannot_propose() -> None:
    with pytest.raises(Forbidden):
        proposed(by="mallory")


def test_the_other_party_accepts_one_slot() -> None:
    schedule = proposed()
    accepted, event = schedule.accept(FREELANCER, proposal_id="p1", slot_index=1, now=NOW)
    assert accepted.state is ScheduleState.ACCEPTED
    assert accepted.accepted_slot == slot(48)
    assert accepted.sequence == 1
    assert event["event"] == "accepted"
    assert event["by"] == FREELANCER
    assert event["sequence"] == 1
    assert event["slot_index"] == 1
    assert event["slot"]["start_utc"] == "2030-05-03T09:00:00Z"
    assert event["tz"] == "America/New_York"  # the proposer's zone travels with the slots


def test_the_proposer_cannot_accept_their_own_proposal() -> None:
    with pytest.raises(Forbidden) as info:
        proposed().accept(CLIENT, proposal_id="p1", slot_index=0, now=NOW)
    assert info.value.code == "own_proposal"


def test_accept_needs_an_existing_future_slot() -> None:
    with pytest.raises(Unprocessable) as info:
        proposed().accept(FREELANCER, proposal_id="p1", slot_index=2, now=NOW)
    assert info.value.code == "no_such_slot"
    with pytest.raises(Unprocessable) as info:
        proposed().accept(FREELANCER, proposal_id="p1", slot_index=0, now=NOW + timedelta(hours=25))
    assert info.value.code == "slot_in_past"


def test_counter_proposal_supersedes_and_accepting_the_old_one_conflicts() -> None:
    schedule = proposed()
    countered, event = schedule.counter(
        FREELANCER,
        proposal_id="p1",
        new_proposal_id="p2",
        slots=[slot(30)],
        timezone="Europe/Lisbon",
        now=NOW,
    )
    assert event["event"] == "countered"
    assert event["tz"] == "Europe/Lisbon"
    assert event["by"] == FREELANCER
    assert [s["start_utc"] for s in event["slots"]] == ["2030-05-02T15:00:00Z"]
    assert event["replaces_proposal_id"] == "p1"
    assert countered.proposal.proposer_id == FREELANCER
    assert countered.sequence == 1
    with pytest.raises(Conflict) as info:
        countered.accept(CLIENT, proposal_id="p1", slot_index=0, now=NOW)
    assert info.value.code == "proposal_superseded"
    assert info.value.status == 409
    # Now the client (the other party of p2) accepts it; the freelancer could not.
    with pytest.raises(Forbidden):
        countered.accept(FREELANCER, proposal_id="p2", slot_index=0, now=NOW)
    accepted, _ = countered.accept(CLIENT, proposal_id="p2", slot_index=0, now=NOW)
    assert accepted.accepted_slot == slot(30)


def test_the_proposer_reschedules_rather_than_counters() -> None:
    with pytest.raises(Forbidden):
        proposed().counter(
            CLIENT,
            proposal_id="p1",
            new_proposal_id="p2",
            slots=[slot(30)],
            timezone="UTC",
            now=NOW,
        )


def test_counter_slots_are_validated() -> None:
    with pytest.raises(Unprocessable) as info:
        proposed().counter(
            FREELANCER,
            proposal_id="p1",
            new_proposal_id="p2",
            slots=[slot(-2)],
            timezone="UTC",
            now=NOW,
        )
    assert info.value.code == "slot_in_past"


def test_reschedule_of_an_accepted_call_increments_the_sequence() -> None:
    accepted, _ = proposed().accept(FREELANCER, proposal_id="p1", slot_index=0, now=NOW)
    moved, event = accepted.reschedule(
        FREELANCER, new_proposal_id="p2", slots=[slot(72)], timezone="UTC", now=NOW
    )
    assert moved.state is ScheduleState.PROPOSED
    assert moved.accepted_slot is None
    assert moved.sequence == accepted.sequence + 1 == 2
    assert event["event"] == "rescheduled"
    assert event["slot"] is None
    assert event["previous_slot"]["start_utc"] == "2030-05-02T09:00:00Z"
    reaccepted, _ = moved.accept(CLIENT, proposal_id="p2", slot_index=0, now=NOW)
    assert reaccepted.sequence == 3
    assert reaccepted.superseded == ("p1",)


def test_proposal_ids_cannot_be_reused() -> None:
    with pytest.raises(Conflict) as info:
        proposed().reschedule(
            CLIENT, new_proposal_id="p1", slots=[slot(5)], timezone="UTC", now=NOW
        )
    assert info.value.code == "duplicate_proposal"


@pytest.mark.parametrize("who", [CLIENT, FREELANCER])
def test_either_party_cancels_and_cancelled_is_final(who: str) -> None:
    accepted, _ = proposed().accept(FREELANCER, proposal_id="p1", slot_index=0, now=NOW)
    cancelled, event = accepted.cancel(who, now=NOW, reason="found someone")
    assert cancelled.state is ScheduleState.CANCELLED
    assert cancelled.sequence == 2
    assert event["event"] == "cancelled"
    assert event["by"] == who
    assert event["sequence"] == 2
    assert event["reason"] == "found someone"
    assert event["previous_slot"] is not None
    with pytest.raises(Conflict) as info:
        cancelled.accept(FREELANCER, proposal_id="p1", slot_index=0, now=NOW)
    assert info.value.code == "schedule_cancelled"
    with pytest.raises(Conflict):
        cancelled.cancel(who, now=NOW)
    with pytest.raises(Conflict):
        cancelled.reschedule(who, new_proposal_id="p9", slots=[slot(5)], timezone="UTC", now=NOW)


def test_accepting_twice_conflicts_and_outsiders_are_forbidden() -> None:
    accepted, _ = proposed().accept(FREELANCER, proposal_id="p1", slot_index=0, now=NOW)
    with pytest.raises(Conflict) as info:
        accepted.accept(FREELANCER, proposal_id="p1", slot_index=1, now=NOW)
    assert info.value.code == "already_accepted"
    with pytest.raises(Forbidden):
        accepted.cancel("mallory", now=NOW)


def test_snapshot_round_trip() -> None:
    accepted, _ = proposed().accept(FREELANCER, proposal_id="p1", slot_index=1, now=NOW)
    moved, _ = accepted.reschedule(
        CLIENT, new_proposal_id="p2", slots=[slot(5), slot(9)], timezone="Asia/Tokyo", now=NOW
    )
    assert Schedule.from_snapshot(moved.to_snapshot()) == moved
    assert Schedule.from_snapshot(accepted.to_snapshot()) == accepted


# ---------------------------------------------------------------------- reminders
def test_reminder_times_default_to_15_minutes_and_the_start() -> None:
    start = NOW + timedelta(hours=5)
    assert reminder_times(start) == [start - timedelta(minutes=15), start]
    assert reminder_times(start, [60, 24 * 60, 60]) == [
        start - timedelta(days=1),
        start - timedelta(hours=1),
    ]
    local = start.astimezone(timezone(timedelta(hours=-5)))
    assert reminder_times(local, (0,)) == [start]
    assert reminder_times(start, (0,))[0].tzinfo is UTC
    with pytest.raises(ValueError, match="before the start"):
        reminder_times(start, [-5])


def test_reminders_exist_only_for_an_accepted_schedule() -> None:
    schedule = proposed()
    assert reminders_for(schedule) == []
    accepted, _ = schedule.accept(FREELANCER, proposal_id="p1", slot_index=0, now=NOW)
    reminders = reminders_for(accepted)
    start = slot(24).start_utc
    assert [r.fire_at for r in reminders] == [start - timedelta(minutes=15), start]
    assert len({r.key for r in reminders}) == 2
    event = reminders[0].to_event()
    assert event["type"] == "schedule.reminder"
    assert event["starts_in_seconds"] == 900
    assert event["thread_id"] == "thr-1"
    cancelled, _ = accepted.cancel(CLIENT, now=NOW)
    assert reminders_for(cancelled) == []


def test_due_reminders_until_the_call_ends() -> None:
    accepted, _ = proposed(slot(24, minutes=30)).accept(
        FREELANCER, proposal_id="p1", slot_index=0, now=NOW
    )
    reminders = reminders_for(accepted)
    start = slot(24).start_utc
    assert due_reminders(reminders, start - timedelta(minutes=16)) == []
    assert due_reminders(reminders, start - timedelta(minutes=15)) == reminders[:1]
    assert due_reminders(reminders, start + timedelta(minutes=5)) == reminders
    assert due_reminders(reminders, start + timedelta(minutes=30)) == []  # call over


def test_reminder_keys_follow_the_start_time() -> None:
    accepted, _ = proposed().accept(FREELANCER, proposal_id="p1", slot_index=0, now=NOW)
    moved, _ = accepted.reschedule(
        CLIENT, new_proposal_id="p2", slots=[slot(30)], timezone="UTC", now=NOW
    )
    again, _ = moved.accept(FREELANCER, proposal_id="p2", slot_index=0, now=NOW)
    old = {r.key for r in reminders_for(accepted)}
    new = {r.key for r in reminders_for(again)}
    assert old.isdisjoint(new)


# ---------------------------------------------------------------------- attendance
START = datetime(2030, 5, 2, 15, 0, tzinfo=UTC)


def test_attendance_on_time_late_and_pending() -> None:
    result = attendance(
        START,
        {CLIENT: START - timedelta(minutes=2), FREELANCER: START + timedelta(seconds=95)},
        (CLIENT, FREELANCER),
        now=START + timedelta(minutes=3),
    )
    assert result == {
        CLIENT: {"status": "on_time", "delay_seconds": None},
        FREELANCER: {"status": "late", "delay_seconds": 95.0},
    }
    pending = attendance(START, {CLIENT: None}, (CLIENT, FREELANCER), START)
    assert {user: a["status"] for user, a in pending.items()} == {
        CLIENT: "pending",
        FREELANCER: "pending",
    }


def test_no_show_after_the_grace_period() -> None:
    joins = {CLIENT: START}
    before = attendance(START, joins, (CLIENT, FREELANCER), now=START + timedelta(minutes=9))
    assert before[FREELANCER]["status"] == "pending"
    after = attendance(START, joins, (CLIENT, FREELANCER), now=START + timedelta(minutes=10))
    assert after[FREELANCER] == {"status": "no_show", "delay_seconds": None}
    assert after[CLIENT]["status"] == "on_time"


def test_joining_after_the_grace_is_late_with_its_delay() -> None:
    result = attendance(
        START,
        {FREELANCER: START + timedelta(minutes=25)},
        (FREELANCER,),
        now=START + timedelta(minutes=30),
        grace_minutes=5,
    )
    assert result[FREELANCER] == {"status": "late", "delay_seconds": 1500.0}
