"""``.ics`` invites: parsed back with icalendar and checked field by field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from signaling.calendar.ics import render_ics, render_ics_async
from signaling.domain.schedule import Schedule, Slot
from signaling.errors import Unprocessable

URL = "https://interview.example/threads/thr-1"
START = datetime(2030, 5, 2, 15, 0, tzinfo=UTC)
STAMP = datetime(2030, 5, 1, 9, 0, tzinfo=UTC)


def invite(**overrides: Any) -> bytes:
    args: dict[str, Any] = {
        "uid": "sch-1@interview.example",
        "sequence": 1,
        "method": "REQUEST",
        "start_utc": START,
        "duration_minutes": 45,
        "summary": "Interview: Data engineer",
        "description": "Video interview on the platform. Join from the thread.",
        "url": URL,
        "organizer_name": "Ana Client",
        "attendee_names": ["Ana Client", "Bo Freelancer"],
        "tz": None,
        "dtstamp": STAMP,
    }
    args.update(overrides)
    return render_ics(**args)


def parse(ics: bytes) -> tuple[Any, Any]:
    cal = icalendar.Calendar.from_ical(ics)
    (event,) = cal.walk("VEVENT")
    return cal, event


def test_request_invite_in_utc() -> None:
    cal, event = parse(invite())
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]).startswith("-//interview-server//")
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == "sch-1@interview.example"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTEND") == START + timedelta(minutes=45)
    assert event.decoded("DTSTAMP") == STAMP
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["URL"]) == URL
    assert str(event["SUMMARY"]) == "Interview: Data engineer"
    assert URL in str(event["DESCRIPTION"])
    assert b"DTSTART:20300502T150000Z" in invite()
    assert cal.walk("VTIMEZONE") == []


def test_attendees_are_names_without_contact_addresses() -> None:
    ics = invite()
    _, event = parse(ics)
    attendees = event["ATTENDEE"]
    assert [str(a.params["CN"]) for a in attendees] == ["Ana Client", "Bo Freelancer"]
    assert all(str(a).startswith("urn:uuid:") for a in attendees)
    assert str(event["ORGANIZER"].params["CN"]) == "Ana Client"
    assert str(event["ORGANIZER"]) == str(attendees[0])  # same person, same placeholder
    text = ics.decode()
    assert "mailto:" not in text.lower()
    assert "tel:" not in text.lower()
    assert "@" not in text.replace("sch-1@interview.example", "")


def test_placeholders_are_stable_across_updates() -> None:
    first = parse(invite(sequence=1))[1]
    second = parse(invite(sequence=2, start_utc=START + timedelta(days=1)))[1]
    assert [str(a) for a in first["ATTENDEE"]] == [str(a) for a in second["ATTENDEE"]]


def test_cancel_invite() -> None:
    cal, event = parse(invite(method="CANCEL", sequence=3))
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 3
    assert event.walk("VALARM") == []


def test_local_time_with_vtimezone() -> None:
    ics = invite(tz="America/New_York")
    cal, event = parse(ics)
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "America/New_York"
    assert b"DTSTART;TZID=America/New_York:20300502T110000" in ics
    start = event.decoded("DTSTART")
    assert start.utcoffset() == timedelta(hours=-4)
    assert start == START  # the same instant
    assert event.decoded("DTEND") - start == timedelta(minutes=45)
    # The embedded VTIMEZONE alone gives the right offset (what a calendar app without
    # the IANA database would use).
    assert vtimezone.to_tz().utcoffset(datetime(2030, 5, 2, 11)) == timedelta(hours=-4)
    assert vtimezone.to_tz().utcoffset(datetime(2030, 12, 2, 11)) == timedelta(hours=-5)


def test_reminder_alarm_15_minutes_before() -> None:
    _, event = parse(invite())
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-15)


def test_sequence_grows_across_reschedules() -> None:
    now = datetime(2030, 5, 1, 9, tzinfo=UTC)
    schedule, _ = Schedule.propose(
        schedule_id="sch-1",
        thread_id="thr-1",
        parties=("client-1", "freelancer-1"),
        proposer_id="client-1",
        proposal_id="p1",
        slots=[Slot(START, 45, "video")],
        timezone="Europe/Berlin",
        now=now,
    )
    schedule, _ = schedule.accept("freelancer-1", proposal_id="p1", slot_index=0, now=now)
    sequences = []
    for step in range(3):
        slot = schedule.accepted_slot
        assert slot is not None
        _, event = parse(
            invite(
                sequence=schedule.sequence,
                start_utc=slot.start_utc,
                tz=schedule.proposal.timezone,
            )
        )
        assert event.decoded("DTSTART").astimezone(UTC) == slot.start_utc
        assert str(event["UID"]) == "sch-1@interview.example"
        sequences.append(int(event["SEQUENCE"]))
        new_start = START + timedelta(days=step + 1)
        schedule, _ = schedule.reschedule(
            "client-1",
            new_proposal_id=f"p{step + 2}",
            slots=[Slot(new_start, 45, "video")],
            timezone="Europe/Berlin",
            now=now,
        )
        schedule, _ = schedule.accept(
            "freelancer-1", proposal_id=f"p{step + 2}", slot_index=0, now=now
        )
    cancelled, _ = schedule.cancel("client-1", now=now)
    _, event = parse(invite(method="CANCEL", sequence=cancelled.sequence))
    sequences.append(int(event["SEQUENCE"]))
    assert sequences == sorted(set(sequences))  # strictly increasing
    assert len(sequences) == 4


@pytest.mark.parametrize(
    ("field", "text", "masked"),
    [
        ("description", "Call me on +1 (415) 555-0100 instead", "[removed: phone]"),
        ("description", "write to ana.client@gmail.com", "[removed: email]"),
        ("description", "join https://zoom.us/j/123456789 instead", "[removed: meeting_link]"),
        ("summary", "Interview at www.other-site.example", "[removed: link]"),
    ],
)
def test_contact_details_are_masked_not_refused(field: str, text: str, masked: str) -> None:
    _, event = parse(invite(**{field: text}))
    shown = str(event[field.upper()])
    assert masked in shown
    assert not any(leak in shown for leak in ("555-0100", "gmail", "zoom.us", "other-site"))


def test_names_are_masked_in_organizer_and_attendees() -> None:
    _, event = parse(
        invite(
            organizer_name="Ana ana.client@gmail.com",
            attendee_names=["Ana ana.client@gmail.com", "Bo +44 7911 123456"],
        )
    )
    assert str(event["ORGANIZER"].params["CN"]) == "Ana [removed: email]"
    cns = [str(a.params["CN"]) for a in event["ATTENDEE"]]
    assert cns == ["Ana [removed: email]", "Bo [removed: phone]"]


@pytest.mark.parametrize(
    "text",
    [
        "Interview on 2030-05-02 15:00 (Europe/Berlin), 45 minutes.",
        "Thursday 02.05.2030, 15:00-15:45 Berlin time; starts 2030-05-02T13:00:00Z.",
        "Budget discussed: 1,500 USD for 20 hours.",
    ],
)
def test_dates_times_and_amounts_are_not_mistaken_for_phones(text: str) -> None:
    _, event = parse(invite(description=text))
    assert text in str(event["DESCRIPTION"])


def test_tz_defaults_to_utc() -> None:
    args: dict[str, Any] = {
        "uid": "sch-3@interview.example",
        "sequence": 0,
        "method": "CANCEL",
        "start_utc": START,
        "duration_minutes": 30,
        "summary": "Interview",
        "description": "On the platform.",
        "url": URL,
        "organizer_name": "Ana Client",
        "attendee_names": ["Bo Freelancer"],
    }
    ics = render_ics(**args)
    assert b"DTSTART:20300502T150000Z" in ics
    assert b"VTIMEZONE" not in ics


def test_the_platform_zoom_link_is_allowed_as_the_url() -> None:
    zoom = "https://zoom.us/j/85746065432?pwd=abc"
    _, event = parse(invite(url=zoom, description=f"Zoom interview: {zoom}"))
    assert str(event["URL"]) == zoom


def test_unknown_timezone_is_refused() -> None:
    with pytest.raises(Unprocessable) as info:
        invite(tz="Nowhere/Land")
    assert info.value.code == "unknown_timezone"


async def test_async_rendering_runs_off_the_loop() -> None:
    ics = await render_ics_async(
        uid="sch-2@interview.example",
        sequence=0,
        method="REQUEST",
        start_utc=START,
        duration_minutes=30,
        summary="Interview",
        description="On the platform.",
        url=URL,
        organizer_name="Ana Client",
        attendee_names=["Ana Client", "Bo Freelancer"],
        tz="Asia/Tokyo",
    )
    _, event = parse(ics)
    assert event.decoded("DTSTART").tzinfo is not None
    assert event.decoded("DTSTART") == START.astimezone(ZoneInfo("Asia/Tokyo"))
