"""The event catalogue: which public events a committed change produces.

Events are derived *inside the store's transaction* from the two facts every change already
writes there: its audit entries and its messages (see :meth:`EventRecorder.on_audit` and
:meth:`EventRecorder.on_message` in :mod:`signaling.events.outbox`). Cases and tree heads,
which have no message, name their event directly. One translation table, so a new code path
that posts a ``call`` message or changes a stage emits its event without remembering to.

Every type has a ``version``; a change to a type's ``data`` that a receiver could notice
(a field removed or its meaning changed) gets a new version, added fields do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from signaling.domain.messages import Message, MessageKind


@dataclass(frozen=True)
class EventType:
    name: str
    version: int
    summary: str


CATALOGUE: dict[str, EventType] = {
    e.name: e
    for e in (
        EventType(
            "message.created",
            1,
            "A message was stored (any kind); metadata only, the text only with "
            "INTERVIEW_EVENTS_INCLUDE_TEXT=1",
        ),
        EventType("thread.stage_changed", 1, "The application moved to another stage"),
        EventType("call.started", 1, "A call was placed (it rings)"),
        EventType(
            "call.ended", 1, "A call's one record was written (every final state but missed)"
        ),
        EventType("call.missed", 1, "A call's one record was written: nobody answered"),
        EventType("recording.ready", 1, "A recording segment was finished, hashed and stored"),
        EventType("policy.flagged", 1, "The contact-policy guard blocked, redacted or flagged"),
        EventType("consultation.suggested", 1, "A pre-contract call ran past the notice time"),
        EventType("schedule.proposed", 1, "Slots were proposed, countered or rescheduled"),
        EventType("schedule.accepted", 1, "A slot was accepted"),
        EventType("schedule.cancelled", 1, "A schedule was cancelled"),
        EventType("schedule.reminder", 1, "A scheduled call starts soon (or now)"),
        EventType("attendance.recorded", 1, "Who joined a scheduled call on time, late or not"),
        EventType("case.opened", 1, "A report or an auditor opened a case"),
        EventType("case.resolved", 1, "A case was resolved"),
        EventType("tree_head.published", 1, "A signed tree head of the audit log was published"),
    )
}

GLOBAL_KEY = "global"  # ordering key of events that belong to no thread


@dataclass(frozen=True)
class NewEvent:
    """An event about to be written to the outbox."""

    type: str
    thread_id: str | None
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.type not in CATALOGUE:
            raise ValueError(f"{self.type!r} is not in the event catalogue")

    @property
    def version(self) -> int:
        return CATALOGUE[self.type].version

    @property
    def order_key(self) -> str:
        return self.thread_id or GLOBAL_KEY


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def from_audit(
    chain: str, event_type: str, actor_id: str, data: dict[str, Any], at: datetime
) -> list[NewEvent]:
    """Events for one audit entry appended to ``chain`` (a thread id, or another chain)."""
    if event_type == "thread.stage_changed":
        body = {"thread_id": chain, "actor_id": actor_id, "at": _iso(at), **data}
        return [NewEvent("thread.stage_changed", chain, at, body)]
    if event_type == "call.ringing":
        body = {
            "thread_id": chain,
            "call_id": data.get("call_id"),
            "kind": data.get("kind"),
            "initiator_id": actor_id,
            "at": _iso(at),
        }
        return [NewEvent("call.started", chain, at, body)]
    if event_type == "meeting.created":  # a Zoom meeting: its calls row is the call
        body = {
            "thread_id": chain,
            "call_id": data.get("call_id"),
            "kind": "zoom",
            "initiator_id": actor_id,
            "meeting_id": data.get("meeting_id"),
            "at": _iso(at),
        }
        return [NewEvent("call.started", chain, at, body)]
    if event_type == "call.consultation_notice":
        body = {"thread_id": chain, "call_id": data.get("call_id"), "at": _iso(at)}
        return [NewEvent("consultation.suggested", chain, at, body)]
    return []


_SCHEDULE_EVENTS = {
    "proposed": "schedule.proposed",
    "countered": "schedule.proposed",
    "rescheduled": "schedule.proposed",
    "accepted": "schedule.accepted",
    "cancelled": "schedule.cancelled",
    "schedule.reminder": "schedule.reminder",
    "attendance": "attendance.recorded",
}
_RECORDING_FIELDS = (
    "call_id",
    "key",
    "sha256",
    "bytes",
    "duration_seconds",
    "started_at",
    "stopped_at",
    "recovered",
)


def from_message(message: Message, *, include_text: bool = False) -> list[NewEvent]:
    """Events for one stored message: ``message.created`` and, by kind, the outcome it is."""
    at, thread, body = message.created_at, message.thread_id, message.body
    meta: dict[str, Any] = {
        "thread_id": thread,
        "message_id": message.id,
        "seq": message.seq,
        "kind": message.kind.value,
        "author_id": message.author_id,
        "client_msg_id": message.client_msg_id,
        "created_at": _iso(at),
    }
    if include_text and message.kind is MessageKind.TEXT and isinstance(body.get("text"), str):
        meta["text"] = body["text"]
    events = [NewEvent("message.created", thread, at, meta)]
    ref = {"thread_id": thread, "message_id": message.id, "seq": message.seq}
    if message.kind is MessageKind.CALL:
        kind = "call.missed" if body.get("outcome") == "missed" else "call.ended"
        events.append(
            NewEvent(kind, thread, at, {**ref, "call_id": body.get("call_id"), "record": body})
        )
    elif message.kind is MessageKind.RECORDING:
        facts = {k: body[k] for k in _RECORDING_FIELDS if k in body}
        events.append(NewEvent("recording.ready", thread, at, {**ref, **facts}))
    elif message.kind is MessageKind.POLICY and body.get("action") in ("block", "redact", "warn"):
        facts = {k: body.get(k) for k in ("action", "labels", "author_id", "message_seq")}
        events.append(NewEvent("policy.flagged", thread, at, {**ref, **facts}))
    elif message.kind is MessageKind.SCHEDULE:
        name = _SCHEDULE_EVENTS.get(str(body.get("event")))
        if name is not None:
            data = {**ref, **{k: v for k, v in body.items() if k != "summary"}}
            data["change"] = data.pop("event")
            if name == "schedule.reminder":
                data["reminder_key"] = data.pop("id", None)
                data.pop("type", None)
            events.append(NewEvent(name, thread, at, data))
    return events


def case_event(case: dict[str, Any], *, resolved: bool, at: datetime) -> NewEvent:
    """``case.opened`` / ``case.resolved`` for a case row (its reason stays inside)."""
    data = {
        "case_id": case["id"],
        "thread_id": case["thread_id"],
        "call_id": case.get("call_id"),
        "source": case.get("source"),
        "status": case.get("status"),
        "by": case.get("by"),
        "at": _iso(at),
    }
    return NewEvent("case.resolved" if resolved else "case.opened", case["thread_id"], at, data)
