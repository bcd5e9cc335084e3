"""The call record of a Zoom meeting, reduced from Zoom's webhook events.

Zoom delivers webhooks at least once and in no guaranteed order, so the log is built as a
function of the *set* of facts seen, never of their arrival order:

* each participant has a set of join times and a set of leave times (Zoom's own server
  times from the payload; ``event_ts`` only when a time is missing). Adding a fact twice
  changes nothing, so duplicate deliveries are free.
* intervals are derived on demand: after sorting, each join pairs with the first leave that
  follows it before the next join. A leave with no join before it (``participant_left``
  delivered before ``participant_joined``, or a join we never got) starts at the meeting's
  start; a join with no leave stays open and, once the meeting ended, closes at its end.
  Leaves after ``meeting.ended`` (late deliveries) are clipped to the end.
* the meeting span is the earliest ``meeting.started``/``start_time`` seen to the latest
  ``meeting.ended`` ``end_time``; without a ``meeting.started`` the first join counts.

Durations (all in seconds, from Zoom's times only):

* ``participants[].seconds``: the union of that participant's intervals inside the span
  (overlapping intervals from duplicate joins never count twice);
* ``duration_seconds``: the meeting span, ``ended_at - started_at``;
* ``connected_seconds``: time during which at least two distinct participants were present,
  the Zoom counterpart of a platform call's connected time (with a single participant, the
  time that participant was present).

Participants are grouped by a stable key: ``customer_key`` (which the platform can set to
its own user id), else ``participant_uuid``, else Zoom's user ``id``, else the in-meeting
``user_id``. Contact fields Zoom sends (email, phone) are never read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

MEETING_STARTED = "meeting.started"
MEETING_ENDED = "meeting.ended"
PARTICIPANT_JOINED = "meeting.participant_joined"
PARTICIPANT_LEFT = "meeting.participant_left"
HANDLED_EVENTS = frozenset({MEETING_STARTED, MEETING_ENDED, PARTICIPANT_JOINED, PARTICIPANT_LEFT})


@dataclass(frozen=True)
class ZoomParticipant:
    """The participant part of a joined/left event, without contact details."""

    key: str
    user_id: str
    name: str
    join_time: datetime | None = None
    leave_time: datetime | None = None
    customer_key: str | None = None


@dataclass(frozen=True)
class ZoomEvent:
    """One Zoom meeting webhook, parsed at the edge (``signaling.providers.zoom_webhook``)."""

    event: str
    meeting_id: str
    event_ts: int  # milliseconds since the epoch, Zoom's clock
    meeting_uuid: str = ""
    start_time: datetime | None = None
    end_time: datetime | None = None
    participant: ZoomParticipant | None = None

    def __post_init__(self) -> None:
        if not self.meeting_id:
            raise ValueError("a Zoom event needs a meeting id")
        if self.event in (PARTICIPANT_JOINED, PARTICIPANT_LEFT) and self.participant is None:
            raise ValueError(f"{self.event} needs a participant")
        for value in (self.start_time, self.end_time):
            if value is not None and value.utcoffset() is None:
                raise ValueError("Zoom times must be timezone-aware")

    @property
    def participant_id(self) -> str | None:
        """The participant's stable key (see the module docstring), if a participant event."""
        return self.participant.key if self.participant else None

    @property
    def user_name(self) -> str | None:
        return self.participant.name if self.participant else None

    @property
    def join_time(self) -> datetime | None:
        return self.participant.join_time if self.participant else None

    @property
    def leave_time(self) -> datetime | None:
        return self.participant.leave_time if self.participant else None

    @property
    def at(self) -> datetime:
        """``event_ts`` as an aware UTC datetime (fallback when the payload has no time)."""
        return datetime.fromtimestamp(self.event_ts / 1000, UTC)


@dataclass(frozen=True)
class _Person:
    name: str
    joins: frozenset[datetime] = frozenset()
    leaves: frozenset[datetime] = frozenset()


@dataclass(frozen=True)
class Interval:
    """One stay of a participant, clipped to the meeting span (``end`` None while open)."""

    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class ZoomCallLog:
    """What is known about one Zoom meeting so far; :meth:`apply` returns a new log.

    ``call_id`` may be set by the caller (e.g. the platform's own id for the meeting);
    otherwise the record uses Zoom's meeting UUID once an event carried it, else the
    meeting id.
    """

    meeting_id: str
    call_id: str = ""
    meeting_uuid: str = ""
    started_at: datetime | None = None
    ended_at: datetime | None = None
    people: tuple[tuple[str, _Person], ...] = ()

    # ------------------------------------------------------------------ reducing
    def apply(self, event: ZoomEvent) -> ZoomCallLog:
        """Fold one event in and return the new log (equal to ``self`` if nothing changed,
        so ``log.apply(e) != log`` tells the caller whether to store and re-post).

        Events of another meeting raise ``ValueError``; events the log does not use
        (other ``meeting.*`` types) change nothing.
        """
        if event.meeting_id != self.meeting_id:
            raise ValueError(
                f"event for meeting {event.meeting_id} applied to meeting {self.meeting_id}"
            )
        if event.event not in HANDLED_EVENTS:
            return self
        new = self
        # Zoom sends one UUID per meeting instance; min() keeps the choice order-independent.
        if event.meeting_uuid and (not new.meeting_uuid or event.meeting_uuid < new.meeting_uuid):
            new = replace(new, meeting_uuid=event.meeting_uuid)
        if event.event == MEETING_STARTED:
            new = new._with_start(event.start_time or event.at)
        elif event.event == MEETING_ENDED:
            if event.start_time is not None:
                new = new._with_start(event.start_time)
            end = event.end_time or event.at
            if new.ended_at is None or end > new.ended_at:
                new = replace(new, ended_at=end)
        else:
            p = event.participant
            assert p is not None  # ZoomEvent checks this
            people = dict(new.people)
            person = people.get(p.key, _Person(p.name))
            if event.event == PARTICIPANT_JOINED:
                person = replace(person, joins=person.joins | {p.join_time or event.at})
            else:
                person = replace(person, leaves=person.leaves | {p.leave_time or event.at})
            if p.name and not person.name:
                person = replace(person, name=p.name)
            people[p.key] = person
            new = replace(new, people=tuple(sorted(people.items())))
        return new

    def apply_all(self, events: Iterable[ZoomEvent]) -> ZoomCallLog:
        """Fold several events in, in the given order (any order gives the same log)."""
        log = self
        for event in events:
            log = log.apply(event)
        return log

    def _with_start(self, start: datetime) -> ZoomCallLog:
        if self.started_at is None or start < self.started_at:
            return replace(self, started_at=start)
        return self

    # ------------------------------------------------------------------ reading
    @property
    def is_final(self) -> bool:
        """True once ``meeting.ended`` arrived; later deliveries can still refine intervals."""
        return self.ended_at is not None

    @property
    def span_start(self) -> datetime | None:
        """The meeting start, or the first join when ``meeting.started`` never arrived."""
        if self.started_at is not None:
            return self.started_at
        joins = [t for _, person in self.people for t in person.joins]
        return min(joins) if joins else None

    def intervals(self, key: str) -> list[Interval]:
        """The participant's stays, in order, clipped to the meeting span."""
        person = dict(self.people).get(key)
        if person is None:
            return []
        start, end = self.span_start, self.ended_at
        marks = sorted([(t, 0) for t in person.joins] + [(t, 1) for t in person.leaves])
        result: list[Interval] = []
        open_at: datetime | None = None
        previous: datetime | None = None
        for t, kind in marks:
            if kind == 0:
                if open_at is None:
                    open_at = t
                # A join while already in: its leave was lost; keep the stay's first join.
            elif open_at is not None:
                result.append(Interval(open_at, t))
                open_at = None
            else:
                # A leave whose join we have not seen: the stay began after the previous
                # mark at the latest, so it never overlaps (and double-counts) an earlier one.
                result.append(Interval(previous or start or t, t))
            previous = t
        if open_at is not None:
            result.append(Interval(open_at, end))
        clipped: list[Interval] = []
        for interval in result:
            b = max(interval.start, start) if start is not None else interval.start
            e = interval.end
            if e is not None and end is not None:
                e = min(e, end)
            if e is not None and e < b:
                continue
            clipped.append(Interval(b, e))
        return clipped

    def participant_seconds(self, key: str) -> float:
        return sum(_seconds(i) for i in _union(self.intervals(key)))

    @property
    def duration_seconds(self) -> float:
        start = self.span_start
        if start is None or self.ended_at is None:
            return 0.0
        return max(0.0, (self.ended_at - start).total_seconds())

    @property
    def connected_seconds(self) -> float:
        """The Zoom counterpart of a platform call's connected time.

        With two or more distinct participants: the time at least two of them were present
        together. With one: the time that participant was present (nobody to overlap with,
        but the meeting was used). Only closed stays count.
        """
        return self._presence_seconds(2 if len(self.people) >= 2 else 1)

    def _presence_seconds(self, at_least: int) -> float:
        edges: list[tuple[datetime, int]] = []
        for key, _ in self.people:
            for interval in _union(self.intervals(key)):
                if interval.end is None:
                    continue
                edges += [(interval.start, 1), (interval.end, -1)]
        edges.sort(key=lambda e: (e[0], e[1]))  # leaves before joins at the same instant
        present, total, since = 0, 0.0, None
        for t, delta in edges:
            if present >= at_least and since is not None:
                total += (t - since).total_seconds()
            present += delta
            since = t
        return total

    @property
    def connected_at(self) -> datetime | None:
        """The first join of anyone (Zoom's time), clipped to the meeting span."""
        starts = [stay.start for key, _ in self.people for stay in self.intervals(key)]
        return min(starts) if starts else None

    @property
    def record_call_id(self) -> str:
        return self.call_id or self.meeting_uuid or self.meeting_id

    def to_record(self) -> dict[str, Any]:
        """The body of the thread's ``call`` message (kind ``zoom``) for this meeting.

        Shaped like a platform call's record: ``outcome`` is ``completed`` when anyone
        joined, ``missed`` when nobody did (``in_progress`` until ``meeting.ended``);
        ``end_reason`` is ``hangup`` once ended; ``ring_seconds`` is 0 (Zoom does not ring).
        ``participants[].user_id`` is the participant's stable key (the platform's user id
        when the join link carried it as ``customer_key``). Zoom's e-mail and phone fields
        are never read, so they never reach the record.
        """
        participants = []
        for key, person in self.people:
            stays = self.intervals(key)
            participants.append(
                {
                    "user_id": key,
                    "name": person.name,
                    "joined_at": _iso(stays[0].start) if stays else None,
                    "left_at": _iso(stays[-1].end) if stays else None,
                    "seconds": round(self.participant_seconds(key), 3),
                    "stays": [{"joined_at": _iso(s.start), "left_at": _iso(s.end)} for s in stays],
                }
            )
        return {
            "call_id": self.record_call_id,
            "kind": "zoom",
            "meeting_id": self.meeting_id,
            "outcome": self._outcome(),
            "end_reason": "hangup" if self.is_final else None,
            "started_at": _iso(self.span_start),
            "connected_at": _iso(self.connected_at),
            "ended_at": _iso(self.ended_at),
            "ring_seconds": 0,
            "connected_seconds": round(self.connected_seconds, 3),
            "duration_seconds": round(self.duration_seconds, 3),
            "participants": participants,
        }

    def _outcome(self) -> str:
        if not self.is_final:
            return "in_progress"
        return "completed" if self.connected_at is not None else "missed"

    # ------------------------------------------------------------------ storage
    def to_snapshot(self) -> dict[str, Any]:
        """JSON-safe state, so the log can be stored between webhook deliveries."""
        return {
            "call_id": self.call_id,
            "meeting_id": self.meeting_id,
            "meeting_uuid": self.meeting_uuid,
            "started_at": _iso(self.started_at),
            "ended_at": _iso(self.ended_at),
            "people": {
                key: {
                    "name": p.name,
                    "joins": sorted(_iso(t) for t in p.joins),
                    "leaves": sorted(_iso(t) for t in p.leaves),
                }
                for key, p in self.people
            },
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> ZoomCallLog:
        people = {
            key: _Person(
                name=p["name"],
                joins=frozenset(datetime.fromisoformat(t) for t in p["joins"]),
                leaves=frozenset(datetime.fromisoformat(t) for t in p["leaves"]),
            )
            for key, p in data["people"].items()
        }
        return cls(
            call_id=data["call_id"],
            meeting_id=data["meeting_id"],
            meeting_uuid=data.get("meeting_uuid", ""),
            started_at=_dt(data["started_at"]),
            ended_at=_dt(data["ended_at"]),
            people=tuple(sorted(people.items())),
        )


def _union(intervals: list[Interval]) -> list[Interval]:
    """Merge overlapping closed intervals; open ones are kept as they are."""
    closed = sorted((i for i in intervals if i.end is not None), key=lambda i: i.start)
    merged: list[Interval] = []
    for interval in closed:
        assert interval.end is not None
        if merged and merged[-1].end is not None and interval.start <= merged[-1].end:
            last = merged[-1]
            assert last.end is not None
            merged[-1] = Interval(last.start, max(last.end, interval.end))
        else:
            merged.append(interval)
    return merged + [i for i in intervals if i.end is None]


def _seconds(interval: Interval) -> float:
    if interval.end is None:
        return 0.0
    return max(0.0, (interval.end - interval.start).total_seconds())


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
