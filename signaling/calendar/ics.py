"""RFC 5545 invites for scheduled interviews, built with the ``icalendar`` library.

* ``UID`` is stable per schedule (the caller passes e.g. ``<schedule_id>@<platform host>``);
  ``SEQUENCE`` is the schedule's sequence, which grows with each change, so calendar apps
  replace the earlier invite instead of adding a second one.
* ``METHOD:REQUEST`` for a booked call, ``METHOD:CANCEL`` (with ``STATUS:CANCELLED``) when
  it is called off.
* Times are UTC (``...Z``) unless ``tz`` is given; then ``DTSTART``/``DTEND`` carry that
  ``TZID`` and the calendar includes the matching ``VTIMEZONE``.

No personal contact details, ever. The only link is ``url`` (the platform's thread, or the
platform-created Zoom link); any other link, e-mail address or phone-like number in the
summary, description or a person's name is masked (``[removed: …]``) by the policy guard, so
a job title or display name a party chose never stops the invite from being downloaded.
``ORGANIZER`` and ``ATTENDEE`` need a calendar address, so each person gets a ``urn:uuid:``
derived from the invite UID and their name: stable across updates of the same invite, and
not a way to contact anyone. Names go in ``CN``.

Building a ``VTIMEZONE`` reads zone data from disk: call :func:`render_ics_async` from a
coroutine (it runs in a worker thread).
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import icalendar

from signaling.domain.schedule import is_known_timezone
from signaling.errors import Unprocessable
from signaling.policy.guard import redact_contact_details

PRODID = "-//interview-server//Interview scheduling//EN"
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_PHONE_MIN_DIGITS = 8
# Dates and clock times are digit runs too; they are removed before looking for phones, so
# "2030-05-02 15:00" in a description is not mistaken for a number.
_DATE_TIME = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?Z?)?\b"
    r"|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[-\u2013]\s*\d{1,2}:\d{2}(?::\d{2})?)?\b"
)


def _person_uri(uid: str, name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{uid}#{name}").urn


def _redact(text: str, url: str) -> str:
    """``text`` with contact details masked (never refused): the policy guard first, then any
    link other than the platform's, e-mail addresses and phone-like numbers the guard let
    through (dates and clock times are not phones)."""
    text = redact_contact_details(text, exempt_urls=(url,))
    text = _URL.sub(
        lambda m: m[0] if m[0].rstrip(".,;)") == url else "[removed: link]",
        text,
    )
    text = _EMAIL.sub("[removed: email]", text)
    # Look for phones in a copy with the platform link and dates blanked (same length, so the
    # spans found there are the spans to mask in the text).
    blank = text.replace(url, " " * len(url))
    blank = _DATE_TIME.sub(lambda m: " " * len(m[0]), blank)
    spans = [
        m.span()
        for m in _PHONE.finditer(blank)
        if sum(c.isdigit() for c in m[0]) >= _PHONE_MIN_DIGITS
    ]
    for start, end in reversed(spans):
        text = text[:start] + "[removed: phone]" + text[end:]
    return text


def render_ics(
    *,
    uid: str,
    sequence: int,
    method: Literal["REQUEST", "CANCEL"],
    start_utc: datetime,
    duration_minutes: int,
    summary: str,
    description: str,
    url: str,
    organizer_name: str,
    attendee_names: Sequence[str],
    tz: str | None = None,
    dtstamp: datetime | None = None,
) -> bytes:
    """The ``.ics`` bytes of one invite. ``dtstamp`` defaults to now (when it was created).

    With ``tz=None`` (or ``"UTC"``) times are UTC (``...Z``) and no zone data is read, so it
    is safe on the event loop; with a zone, use :func:`render_ics_async`.
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported METHOD {method!r}")
    if sequence < 0:
        raise ValueError("SEQUENCE is a non-negative integer")
    if start_utc.utcoffset() is None:
        raise ValueError("start_utc must be timezone-aware")
    if not url.startswith("https://") and not url.startswith("http://"):
        raise ValueError("url must be the platform's http(s) link")
    if tz is not None and not is_known_timezone(tz):
        raise Unprocessable(f"unknown time zone {tz!r}", code="unknown_timezone")
    # Everything in the invite came from people: job title, names, notes. Mask, never refuse.
    summary = _redact(summary, url)
    description = _redact(description, url)
    organizer_name = _redact(organizer_name, url)
    attendee_names = [_redact(name, url) for name in attendee_names]

    start = start_utc.astimezone(UTC)
    end = start + timedelta(minutes=duration_minutes)
    if tz is not None and tz != "UTC":
        zone = ZoneInfo(tz)
        start, end = start.astimezone(zone), end.astimezone(zone)

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)

    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", (dtstamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    event.add("description", f"{description}\n\n{url}" if url not in description else description)
    event.add("url", url)
    event.add("location", url)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = icalendar.vCalAddress(_person_uri(uid, organizer_name))
    organizer.params["cn"] = icalendar.vText(organizer_name)
    event.add("organizer", organizer)
    for name in attendee_names:
        attendee = icalendar.vCalAddress(_person_uri(uid, name))
        attendee.params["cn"] = icalendar.vText(name)
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText("ACCEPTED")
        event.add("attendee", attendee, encode=False)
    if method == "REQUEST":
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", timedelta(minutes=-15))
        event.add_component(alarm)
    cal.add_component(event)
    if tz is not None and tz != "UTC":
        # Only the rules around the call: a compact VTIMEZONE instead of decades of RDATEs.
        day = start_utc.astimezone(UTC).date()
        cal.add_missing_timezones(
            first_date=day - timedelta(days=366), last_date=day + timedelta(days=366)
        )
    ics: bytes = cal.to_ical()
    return ics


async def render_ics_async(**kwargs: Any) -> bytes:
    """:func:`render_ics` in a worker thread (zone data is read from disk)."""
    return await asyncio.to_thread(lambda: render_ics(**kwargs))
