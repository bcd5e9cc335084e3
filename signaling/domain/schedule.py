"""Scheduling an interview from a thread: a pure state machine, reminders and attendance.

A :class:`Schedule` starts with a :class:`Proposal` of one to three :class:`Slot` s by one
party. States::

    proposed ──accept(other party, one slot)──▶ accepted
    proposed ──counter(other party)──▶ proposed (new proposal supersedes the old one)
    proposed | accepted ──reschedule(either party)──▶ proposed (new proposal)
    proposed | accepted ──cancel(either party)──▶ cancelled (final)

Every transition increments ``sequence`` (the iCalendar SEQUENCE of the invite, which must
grow with each change) and returns an event dict that is the body of a ``schedule`` thread
message and of the audit-chain entry. Times are UTC; the proposer's IANA zone travels with
each proposal so every viewer can be shown the zone explicitly.

Validation failures raise :class:`~signaling.errors.Unprocessable` (422) with a code per
rule; acting on a cancelled or superseded proposal raises
:class:`~signaling.errors.Conflict` (409); acting out of turn raises
:class:`~signaling.errors.Forbidden` (403).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal, get_args

from signaling.errors import Conflict, Forbidden, Unprocessable

SlotKind = Literal["audio", "video", "zoom"]
SLOT_KINDS: frozenset[str] = frozenset(get_args(SlotKind))
MAX_SLOTS = 3
MAX_DURATION_MINUTES = 4 * 60
MAX_HORIZON = timedelta(days=366)
DEFAULT_REMINDER_OFFSETS_MINUTES: tuple[int, ...] = (15, 0)
DEFAULT_GRACE_MINUTES = 10

# Read once at import: looking a zone up later would touch the disk on the event loop.
# "localtime"/"posixrules"/"Factory" are files in the zone directory, not IANA zones.
KNOWN_TIMEZONES: frozenset[str] = frozenset(
    zoneinfo.available_timezones() - {"localtime", "posixrules", "Factory"}
)


def is_known_timezone(name: str) -> bool:
    """True for an IANA time zone name (``Europe/Berlin``, ``UTC``)."""
    return name in KNOWN_TIMEZONES


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _aware_utc(value: datetime, what: str) -> datetime:
    if value.utcoffset() is None:
        raise Unprocessable(f"{what} must include a time zone offset", code="naive_datetime")
    return value.astimezone(UTC)


# ---------------------------------------------------------------------- slots
@dataclass(frozen=True)
class Slot:
    """One proposed time: a UTC start, a duration and the kind of call."""

    start_utc: datetime
    duration_minutes: int
    kind: SlotKind

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_utc", _aware_utc(self.start_utc, "a slot start"))
        if self.kind not in SLOT_KINDS:
            raise Unprocessable(
                f"a slot kind is one of {', '.join(sorted(SLOT_KINDS))}, not {self.kind!r}",
                code="bad_kind",
            )
        if isinstance(self.duration_minutes, bool) or not isinstance(self.duration_minutes, int):
            raise Unprocessable("a slot duration is a whole number of minutes", code="bad_duration")

    @property
    def end_utc(self) -> datetime:
        return self.start_utc + timedelta(minutes=self.duration_minutes)

    def overlaps(self, other: Slot) -> bool:
        return self.start_utc < other.end_utc and other.start_utc < self.end_utc

    def to_json(self) -> dict[str, Any]:
        return {
            "start_utc": self.start_utc.isoformat().replace("+00:00", "Z"),
            "end_utc": self.end_utc.isoformat().replace("+00:00", "Z"),
            "duration_minutes": self.duration_minutes,
            "kind": self.kind,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Slot:
        return cls(
            start_utc=datetime.fromisoformat(str(data["start_utc"])),
            duration_minutes=data["duration_minutes"],
            kind=data["kind"],
        )


def validate_slots(
    slots: Sequence[Slot], tz: str, now: datetime, *, horizon: timedelta = MAX_HORIZON
) -> None:
    """Raise :class:`Unprocessable` unless the slots make a valid proposal at ``now``.

    Codes: ``slot_count`` (none, or more than three), ``unknown_timezone``, ``bad_duration``
    (zero or negative), ``duration_too_long`` (over four hours), ``slot_in_past``,
    ``slot_too_far`` (over a year ahead), ``overlapping_slots``.
    """
    if not slots:
        raise Unprocessable("propose at least one time slot", code="slot_count")
    if len(slots) > MAX_SLOTS:
        raise Unprocessable(
            f"propose at most {MAX_SLOTS} time slots, not {len(slots)}", code="slot_count"
        )
    if not is_known_timezone(tz):
        raise Unprocessable(f"unknown time zone {tz!r}", code="unknown_timezone", field="timezone")
    now = _aware_utc(now, "now")
    for index, slot in enumerate(slots):
        if slot.duration_minutes <= 0:
            raise Unprocessable(
                "a slot must last at least one minute", code="bad_duration", slot=index
            )
        if slot.duration_minutes > MAX_DURATION_MINUTES:
            raise Unprocessable(
                f"a slot lasts at most {MAX_DURATION_MINUTES // 60} hours "
                f"({slot.duration_minutes} minutes proposed)",
                code="duration_too_long",
                slot=index,
            )
        if slot.start_utc <= now:
            raise Unprocessable(
                f"the slot at {slot.start_utc:%Y-%m-%d %H:%M} UTC is in the past",
                code="slot_in_past",
                slot=index,
            )
        if slot.start_utc - now > horizon:
            raise Unprocessable(
                f"a slot can be at most {horizon.days} days ahead", code="slot_too_far", slot=index
            )
    for i, a in enumerate(slots):
        for j in range(i + 1, len(slots)):
            if a.overlaps(slots[j]):
                raise Unprocessable(
                    f"slots {i + 1} and {j + 1} overlap", code="overlapping_slots", slot=j
                )


# ---------------------------------------------------------------------- proposals
class ScheduleState(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Proposal:
    """One to three slots offered by one party, with that party's IANA time zone."""

    id: str
    slots: tuple[Slot, ...]
    proposer_id: str
    timezone: str
    created_at: datetime

    def __post_init__(self) -> None:
        if not 1 <= len(self.slots) <= MAX_SLOTS:
            raise Unprocessable(
                f"a proposal has 1 to {MAX_SLOTS} slots, not {len(self.slots)}",
                code="slot_count",
            )

    def to_json(self) -> dict[str, Any]:
        return {
            "proposal_id": self.id,
            "proposer_id": self.proposer_id,
            "timezone": self.timezone,
            "created_at": _iso(self.created_at),
            "slots": [slot.to_json() for slot in self.slots],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Proposal:
        return cls(
            id=data["proposal_id"],
            slots=tuple(Slot.from_json(s) for s in data["slots"]),
            proposer_id=data["proposer_id"],
            timezone=data["timezone"],
            created_at=datetime.fromisoformat(data["created_at"]),
        )


@dataclass(frozen=True)
class Schedule:
    """The scheduling of one interview in one thread; transitions return a new value."""

    id: str
    thread_id: str
    parties: tuple[str, str]
    state: ScheduleState
    proposal: Proposal
    sequence: int = 0
    accepted_slot: Slot | None = None
    accepted_by: str | None = None
    cancelled_by: str | None = None
    updated_at: datetime | None = None
    superseded: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.parties[0] == self.parties[1]:
            raise ValueError("a schedule needs two different parties")
        if self.proposal.proposer_id not in self.parties:
            raise ValueError("the proposer must be a party")

    # ------------------------------------------------------------------ factory
    @classmethod
    def propose(
        cls,
        *,
        schedule_id: str,
        thread_id: str,
        parties: tuple[str, str],
        proposer_id: str,
        proposal_id: str,
        slots: Sequence[Slot],
        timezone: str,
        now: datetime,
    ) -> tuple[Schedule, dict[str, Any]]:
        """Open a schedule with a first proposal; ``proposer_id`` must be one of ``parties``."""
        if proposer_id not in parties:
            raise Forbidden("only the thread's parties can schedule", code="not_a_party")
        validate_slots(slots, timezone, now)
        proposal = Proposal(proposal_id, tuple(slots), proposer_id, timezone, now)
        schedule = cls(
            id=schedule_id,
            thread_id=thread_id,
            parties=parties,
            state=ScheduleState.PROPOSED,
            proposal=proposal,
            updated_at=now,
        )
        return schedule, schedule._event("proposed", proposer_id, now)

    # ------------------------------------------------------------------ helpers
    def other_party(self, user_id: str) -> str:
        self._require_party(user_id)
        return self.parties[1] if user_id == self.parties[0] else self.parties[0]

    def _require_party(self, user_id: str) -> None:
        if user_id not in self.parties:
            raise Forbidden("only the thread's parties can schedule", code="not_a_party")

    def _require_current(self, proposal_id: str) -> None:
        if self.state is ScheduleState.CANCELLED:
            raise Conflict("this schedule was cancelled", code="schedule_cancelled")
        if proposal_id != self.proposal.id:
            raise Conflict("that proposal was replaced by a newer one", code="proposal_superseded")

    def _event(self, event: str, by: str, now: datetime, **extra: Any) -> dict[str, Any]:
        """The body of the ``schedule`` thread message (and audit entry) for a transition.

        ``event`` is ``proposed``, ``countered``, ``accepted``, ``rescheduled`` or
        ``cancelled``; ``slots`` are the current proposal's, ``slot`` the accepted one (or
        None); ``tz`` is the current proposal's IANA zone, so viewers can show it.
        """
        return {
            "event": event,
            "schedule_id": self.id,
            "thread_id": self.thread_id,
            "sequence": self.sequence,
            "state": self.state.value,
            "by": by,
            "at": _iso(now),
            "tz": self.proposal.timezone,
            "proposal_id": self.proposal.id,
            "proposer_id": self.proposal.proposer_id,
            "slots": [slot.to_json() for slot in self.proposal.slots],
            "slot": self.accepted_slot.to_json() if self.accepted_slot else None,
            **extra,
        }

    def _new_proposal(
        self, actor: str, proposal_id: str, slots: Sequence[Slot], timezone: str, now: datetime
    ) -> Schedule:
        validate_slots(slots, timezone, now)
        if proposal_id == self.proposal.id or proposal_id in self.superseded:
            raise Conflict("that proposal id is already used", code="duplicate_proposal")
        return replace(
            self,
            state=ScheduleState.PROPOSED,
            proposal=Proposal(proposal_id, tuple(slots), actor, timezone, now),
            sequence=self.sequence + 1,
            accepted_slot=None,
            accepted_by=None,
            updated_at=now,
            superseded=(*self.superseded, self.proposal.id),
        )

    # ------------------------------------------------------------------ transitions
    def accept(
        self, user_id: str, *, proposal_id: str, slot_index: int, now: datetime
    ) -> tuple[Schedule, dict[str, Any]]:
        """The other party picks one slot of the current proposal."""
        self._require_party(user_id)
        self._require_current(proposal_id)
        if self.state is ScheduleState.ACCEPTED:
            raise Conflict("this proposal was already accepted", code="already_accepted")
        if user_id == self.proposal.proposer_id:
            raise Forbidden("only the other party can accept a proposal", code="own_proposal")
        if not 0 <= slot_index < len(self.proposal.slots):
            raise Unprocessable(
                f"there is no slot {slot_index + 1} in this proposal", code="no_such_slot"
            )
        slot = self.proposal.slots[slot_index]
        if slot.start_utc <= _aware_utc(now, "now"):
            raise Unprocessable("that slot has already started", code="slot_in_past")
        schedule = replace(
            self,
            state=ScheduleState.ACCEPTED,
            accepted_slot=slot,
            accepted_by=user_id,
            sequence=self.sequence + 1,
            updated_at=now,
        )
        return schedule, schedule._event("accepted", user_id, now, slot_index=slot_index)

    def counter(
        self,
        user_id: str,
        *,
        proposal_id: str,
        new_proposal_id: str,
        slots: Sequence[Slot],
        timezone: str,
        now: datetime,
    ) -> tuple[Schedule, dict[str, Any]]:
        """The other party answers a proposal with slots of their own."""
        self._require_party(user_id)
        self._require_current(proposal_id)
        if self.state is not ScheduleState.PROPOSED:
            raise Conflict(
                "an accepted schedule is changed by rescheduling", code="already_accepted"
            )
        if user_id == self.proposal.proposer_id:
            raise Forbidden(
                "you cannot counter your own proposal; reschedule it instead",
                code="own_proposal",
            )
        schedule = self._new_proposal(user_id, new_proposal_id, slots, timezone, now)
        return schedule, schedule._event(
            "countered", user_id, now, replaces_proposal_id=proposal_id
        )

    def reschedule(
        self,
        user_id: str,
        *,
        new_proposal_id: str,
        slots: Sequence[Slot],
        timezone: str,
        now: datetime,
    ) -> tuple[Schedule, dict[str, Any]]:
        """Either party replaces the current proposal or accepted slot with new slots."""
        self._require_party(user_id)
        if self.state is ScheduleState.CANCELLED:
            raise Conflict("this schedule was cancelled", code="schedule_cancelled")
        previous = self.accepted_slot
        old_id = self.proposal.id
        schedule = self._new_proposal(user_id, new_proposal_id, slots, timezone, now)
        return schedule, schedule._event(
            "rescheduled",
            user_id,
            now,
            replaces_proposal_id=old_id,
            previous_slot=previous.to_json() if previous else None,
        )

    def cancel(
        self, user_id: str, *, now: datetime, reason: str | None = None
    ) -> tuple[Schedule, dict[str, Any]]:
        """Either party cancels; a cancelled schedule is final."""
        self._require_party(user_id)
        if self.state is ScheduleState.CANCELLED:
            raise Conflict("this schedule was already cancelled", code="schedule_cancelled")
        previous = self.accepted_slot
        schedule = replace(
            self,
            state=ScheduleState.CANCELLED,
            cancelled_by=user_id,
            sequence=self.sequence + 1,
            updated_at=now,
        )
        return schedule, schedule._event(
            "cancelled",
            user_id,
            now,
            reason=reason,
            previous_slot=previous.to_json() if previous else None,
        )

    # ------------------------------------------------------------------ storage
    def to_snapshot(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "thread_id": self.thread_id,
            "parties": list(self.parties),
            "state": self.state.value,
            "proposal": self.proposal.to_json(),
            "sequence": self.sequence,
            "accepted_slot": self.accepted_slot.to_json() if self.accepted_slot else None,
            "accepted_by": self.accepted_by,
            "cancelled_by": self.cancelled_by,
            "updated_at": _iso(self.updated_at),
            "superseded": list(self.superseded),
        }

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> Schedule:
        a, b = data["parties"]
        return cls(
            id=data["id"],
            thread_id=data["thread_id"],
            parties=(a, b),
            state=ScheduleState(data["state"]),
            proposal=Proposal.from_json(data["proposal"]),
            sequence=int(data["sequence"]),
            accepted_slot=Slot.from_json(data["accepted_slot"]) if data["accepted_slot"] else None,
            accepted_by=data["accepted_by"],
            cancelled_by=data["cancelled_by"],
            updated_at=datetime.fromisoformat(data["updated_at"]) if data["updated_at"] else None,
            superseded=tuple(data["superseded"]),
        )


# ---------------------------------------------------------------------- reminders
def _offsets(offsets_minutes: Iterable[int]) -> set[timedelta]:
    offsets = set()
    for minutes in offsets_minutes:
        if minutes < 0:
            raise ValueError("reminder offsets are minutes before the start")
        offsets.add(timedelta(minutes=minutes))
    return offsets


def reminder_times(
    start_utc: datetime, offsets_minutes: Iterable[int] = DEFAULT_REMINDER_OFFSETS_MINUTES
) -> list[datetime]:
    """When reminders fire for a call at ``start_utc``: one per offset (minutes before it;
    0 is at the start), in time order, duplicates merged."""
    start = _aware_utc(start_utc, "the start")
    return sorted(start - offset for offset in _offsets(offsets_minutes))


@dataclass(frozen=True)
class Reminder:
    """One reminder of an accepted schedule; ``key`` identifies it across nodes/restarts."""

    schedule_id: str
    thread_id: str
    start_utc: datetime
    offset: timedelta
    fire_at: datetime
    slot: Slot

    @property
    def key(self) -> str:
        # Keyed by the start time, not the sequence: a reschedule to a new time gets new
        # reminders, while unrelated changes never make one fire twice.
        return (
            f"{self.schedule_id}:{self.start_utc:%Y%m%dT%H%M%SZ}:{int(self.offset.total_seconds())}"
        )

    def to_event(self) -> dict[str, Any]:
        """The ``schedule`` notice / outbound webhook body for this reminder."""
        return {
            "type": "schedule.reminder",
            "id": self.key,
            "schedule_id": self.schedule_id,
            "thread_id": self.thread_id,
            "starts_in_seconds": int(self.offset.total_seconds()),
            "slot": self.slot.to_json(),
        }


def reminders_for(
    schedule: Schedule, offsets_minutes: Iterable[int] = DEFAULT_REMINDER_OFFSETS_MINUTES
) -> list[Reminder]:
    """The reminders of an accepted schedule (none otherwise), in firing order."""
    slot = schedule.accepted_slot
    if schedule.state is not ScheduleState.ACCEPTED or slot is None:
        return []
    result = [
        Reminder(
            schedule.id, schedule.thread_id, slot.start_utc, offset, slot.start_utc - offset, slot
        )
        for offset in _offsets(offsets_minutes)
    ]
    return sorted(result, key=lambda r: r.fire_at)


def due_reminders(reminders: Iterable[Reminder], now: datetime) -> list[Reminder]:
    """Reminders whose time has come while the call is not over yet, oldest first."""
    now = _aware_utc(now, "now")
    return sorted(
        (r for r in reminders if r.fire_at <= now < r.slot.end_utc), key=lambda r: r.fire_at
    )


# ---------------------------------------------------------------------- attendance
AttendanceStatus = Literal["on_time", "late", "no_show", "pending"]


def attendance(
    start_utc: datetime,
    joins: Mapping[str, datetime | None],
    parties: Iterable[str],
    now: datetime,
    grace_minutes: int = DEFAULT_GRACE_MINUTES,
) -> dict[str, dict[str, Any]]:
    """Each party's attendance of a call scheduled at ``start_utc``:
    ``{user: {"status": ..., "delay_seconds": float | None}}``.

    ``joins`` maps a party to their first join time (None or absent: not joined).
    Joined at or before the start: ``on_time``. Joined after it: ``late`` with the delay,
    however long (someone recorded as a no-show who turns up later becomes late). Not
    joined: ``no_show`` from ``start + grace_minutes`` on, ``pending`` before.
    """
    start = _aware_utc(start_utc, "the start")
    now = _aware_utc(now, "now")
    deadline = start + timedelta(minutes=grace_minutes)
    result: dict[str, dict[str, Any]] = {}
    for party in parties:
        joined = joins.get(party)
        status: AttendanceStatus
        delay: float | None = None
        if joined is None:
            status = "no_show" if now >= deadline else "pending"
        else:
            seconds = (_aware_utc(joined, "a join time") - start).total_seconds()
            status, delay = ("on_time", None) if seconds <= 0 else ("late", seconds)
        result[party] = {"status": status, "delay_seconds": delay}
    return result
