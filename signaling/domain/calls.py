"""The call lifecycle: a pure state machine with server-measured times.

States: ringing → accepted | declined | cancelled | missed; accepted → connected (both
parties' media flowing) → ended. End reasons: hangup, peer_lost, failed, server_shutdown.
Every transition returns the new :class:`Call` and an event for the audit chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from signaling.errors import Conflict, Forbidden


class CallKind(StrEnum):
    AUDIO = "audio"
    VIDEO = "video"


class CallState(StrEnum):
    RINGING = "ringing"
    ACCEPTED = "accepted"
    CONNECTED = "connected"
    ENDED = "ended"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    MISSED = "missed"


class EndReason(StrEnum):
    HANGUP = "hangup"
    PEER_LOST = "peer_lost"
    FAILED = "failed"
    SERVER_SHUTDOWN = "server_shutdown"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    MISSED = "missed"


FINAL = frozenset({CallState.ENDED, CallState.DECLINED, CallState.CANCELLED, CallState.MISSED})
LIVE = frozenset({CallState.ACCEPTED, CallState.CONNECTED})


@dataclass(frozen=True)
class Interruption:
    """A stretch without a party's media in a connected call."""

    user_id: str
    started_at: datetime
    ended_at: datetime | None = None

    def seconds(self, until: datetime | None) -> float:
        end = self.ended_at or until
        return 0.0 if end is None else max(0.0, (end - self.started_at).total_seconds())


@dataclass(frozen=True)
class Presence:
    """One party's presence in the call, as observed by the server."""

    user_id: str
    joined_at: datetime | None = None  # first signaling for the call (offer)
    media_at: datetime | None = None  # first media packet from this party
    last_media_at: datetime | None = None
    left_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "joined_at": _iso(self.joined_at),
            "media_started_at": _iso(self.media_at),
            "left_at": _iso(self.left_at),
        }


@dataclass(frozen=True)
class CallEvent:
    """An audit-chain event produced by a transition."""

    type: str
    actor: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One call in one thread between its two parties."""

    id: str
    thread_id: str
    kind: CallKind
    initiator_id: str
    callee_id: str
    state: CallState
    ringing_at: datetime
    accepted_at: datetime | None = None
    connected_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: EndReason | None = None
    presence: tuple[Presence, Presence] = field(default=(Presence(""), Presence("")))
    consultation_notice_at: datetime | None = None
    recording: dict[str, Any] | None = None
    pre_contract: bool = True
    consent: frozenset[str] = frozenset()
    # Parties who said no to recording (declined the other's request, or withdrew); cleared
    # when they consent. Both parties see it, so a request does not wait on a silent "no".
    declined: frozenset[str] = frozenset()
    # Times a connected party's media stopped (reload, network drop, ICE restart) and resumed.
    interruptions: tuple[Interruption, ...] = ()

    def __post_init__(self) -> None:
        if self.initiator_id == self.callee_id:
            raise ValueError("a call needs two different parties")

    # ------------------------------------------------------------------ factory
    @classmethod
    def start(
        cls,
        *,
        call_id: str,
        thread_id: str,
        kind: CallKind,
        initiator_id: str,
        callee_id: str,
        now: datetime,
        pre_contract: bool = True,
    ) -> tuple[Call, CallEvent]:
        call = cls(
            id=call_id,
            thread_id=thread_id,
            kind=kind,
            initiator_id=initiator_id,
            callee_id=callee_id,
            state=CallState.RINGING,
            ringing_at=now,
            presence=(Presence(initiator_id), Presence(callee_id)),
            pre_contract=pre_contract,
        )
        return call, call._event("call.ringing", initiator_id, kind=kind.value)

    # ------------------------------------------------------------------ helpers
    @property
    def is_final(self) -> bool:
        return self.state in FINAL

    def parties(self) -> tuple[str, str]:
        return (self.initiator_id, self.callee_id)

    def presence_of(self, user_id: str) -> Presence:
        for p in self.presence:
            if p.user_id == user_id:
                return p
        raise Forbidden("only the thread's two parties can take part in a call", code="not_a_party")

    def _with_presence(self, user_id: str, **changes: Any) -> tuple[Presence, Presence]:
        a, b = self.presence
        if a.user_id == user_id:
            return (replace(a, **changes), b)
        if b.user_id == user_id:
            return (a, replace(b, **changes))
        raise Forbidden("only the thread's two parties can take part in a call", code="not_a_party")

    def _event(self, type_: str, actor: str, **data: Any) -> CallEvent:
        return CallEvent(type_, actor, {"call_id": self.id, "state": self.state.value, **data})

    def _require(self, *states: CallState, action: str) -> None:
        if self.state not in states:
            raise Conflict(
                f"cannot {action} a call that is {self.state.value}", code="illegal_call_transition"
            )

    def _require_party(self, user_id: str) -> None:
        self.presence_of(user_id)

    # -------------------------------------------------------------- transitions
    def accept(self, user_id: str, now: datetime) -> tuple[Call, CallEvent]:
        self._require_party(user_id)
        self._require(CallState.RINGING, action="accept")
        if user_id != self.callee_id:
            raise Forbidden("only the called party can accept", code="not_callee")
        call = replace(self, state=CallState.ACCEPTED, accepted_at=now)
        return call, call._event("call.accepted", user_id)

    def decline(self, user_id: str, now: datetime) -> tuple[Call, CallEvent]:
        self._require_party(user_id)
        self._require(CallState.RINGING, action="decline")
        if user_id != self.callee_id:
            raise Forbidden("only the called party can decline", code="not_callee")
        call = replace(self, state=CallState.DECLINED, ended_at=now, end_reason=EndReason.DECLINED)
        return call, call._event("call.declined", user_id)

    def cancel(self, user_id: str, now: datetime) -> tuple[Call, CallEvent]:
        self._require_party(user_id)
        self._require(CallState.RINGING, action="cancel")
        if user_id != self.initiator_id:
            raise Forbidden("only the caller can cancel", code="not_caller")
        call = replace(
            self, state=CallState.CANCELLED, ended_at=now, end_reason=EndReason.CANCELLED
        )
        return call, call._event("call.cancelled", user_id)

    def ring_timeout(self, now: datetime) -> tuple[Call, CallEvent]:
        self._require(CallState.RINGING, action="time out")
        call = replace(self, state=CallState.MISSED, ended_at=now, end_reason=EndReason.MISSED)
        return call, call._event("call.missed", "system")

    def joined(self, user_id: str, now: datetime) -> tuple[Call, CallEvent | None]:
        """A party's peer connection reached the server (offer)."""
        presence = self.presence_of(user_id)
        if self.state is CallState.RINGING and user_id != self.initiator_id:
            raise Conflict("accept the call before joining it", code="not_accepted")
        if self.is_final:
            raise Conflict(f"the call is {self.state.value}", code="call_over")
        if presence.joined_at is not None and presence.left_at is None:
            return self, None
        call = replace(self, presence=self._with_presence(user_id, joined_at=now, left_at=None))
        return call, call._event("call.joined", user_id)

    def media_started(self, user_id: str, now: datetime) -> tuple[Call, CallEvent | None]:
        """First media from a party; when both flow in an accepted call, it is connected."""
        presence = self.presence_of(user_id)
        if self.is_final:
            return self, None
        call = self
        if presence.media_at is None:
            call = replace(
                call, presence=call._with_presence(user_id, media_at=now, last_media_at=now)
            )
        both = all(p.media_at is not None for p in call.presence)
        if call.state is CallState.ACCEPTED and both:
            call = replace(call, state=CallState.CONNECTED, connected_at=now)
            return call, call._event("call.connected", "system")
        return call, None

    def media_seen(self, user_id: str, now: datetime) -> Call:
        return replace(self, presence=self._with_presence(user_id, last_media_at=now))

    def end(
        self, reason: EndReason, now: datetime, *, actor: str = "system"
    ) -> tuple[Call, CallEvent]:
        """End an accepted or connected call."""
        if reason in {EndReason.DECLINED, EndReason.CANCELLED, EndReason.MISSED}:
            raise ValueError("use decline/cancel/ring_timeout for those outcomes")
        if self.state is CallState.RINGING and reason is EndReason.SERVER_SHUTDOWN:
            call = replace(self, state=CallState.ENDED, ended_at=now, end_reason=reason)
            return call, call._event("call.ended", actor, end_reason=reason.value)
        self._require(CallState.ACCEPTED, CallState.CONNECTED, action="end")
        a, b = self.presence
        presence = (
            replace(a, left_at=now) if a.left_at is None else a,
            replace(b, left_at=now) if b.left_at is None else b,
        )
        call = replace(
            self, state=CallState.ENDED, ended_at=now, end_reason=reason, presence=presence
        )
        return call, call._event("call.ended", actor, end_reason=reason.value)

    def hangup(self, user_id: str, now: datetime) -> tuple[Call, CallEvent]:
        """Hang up: cancels or declines while ringing, otherwise ends the call."""
        self._require_party(user_id)
        if self.state is CallState.RINGING:
            if user_id == self.initiator_id:
                return self.cancel(user_id, now)
            return self.decline(user_id, now)
        return self.end(EndReason.HANGUP, now, actor=user_id)

    def consultation_notice(self, now: datetime) -> tuple[Call, CallEvent]:
        self._require(CallState.CONNECTED, action="give a consultation notice for")
        call = replace(self, consultation_notice_at=now)
        return call, call._event("call.consultation_notice", "system")

    # ---------------------------------------------------------------- recording
    @property
    def recording_segments(self) -> list[dict[str, Any]]:
        """The finished recording segments of this call, oldest first."""
        return list((self.recording or {}).get("segments", ()))

    def recording_started(self, now: datetime) -> tuple[Call, CallEvent]:
        """The recorder started: a new segment opens (both parties consent, media flows)."""
        self._require(CallState.ACCEPTED, CallState.CONNECTED, action="record")
        if not self.both_consented:
            raise Conflict("both parties must consent to recording", code="consent_required")
        started = now.isoformat()
        call = replace(
            self,
            recording={
                "status": "recording",
                "started_at": started,
                "segments": self.recording_segments,
            },
        )
        return call, call._event("call.recording_started", "system", at=started)

    def recording_stopped(
        self, now: datetime, result: dict[str, Any]
    ) -> tuple[Call, CallEvent, dict[str, Any]]:
        """The recorder stopped (consent withdrawn, or the call ended): the open segment is
        closed with what the recorder reported (key, sha256, bytes, ... or an error).
        Returns the call, its event and the closed segment."""
        started = (self.recording or {}).get("started_at")
        stopped = now.isoformat()
        segment = {"started_at": started, "stopped_at": stopped, **result}
        call = replace(
            self,
            recording={
                "status": "stopped",
                "started_at": started,
                "stopped_at": stopped,
                "segments": [*self.recording_segments, segment],
            },
        )
        facts = {k: result[k] for k in ("sha256", "bytes", "path") if k in result}
        return call, call._event("call.recording_stopped", "system", at=stopped, **facts), segment

    @property
    def both_consented(self) -> bool:
        return set(self.parties()) <= self.consent

    def give_consent(
        self, user_id: str, now: datetime, *, notice_version: str
    ) -> tuple[Call, CallEvent | None]:
        """A party agrees to recording; the receipt goes onto the audit chain."""
        self._require_party(user_id)
        if self.is_final:
            raise Conflict(f"the call is {self.state.value}", code="call_over")
        if user_id in self.consent:
            return self, None
        call = replace(self, consent=self.consent | {user_id}, declined=self.declined - {user_id})
        return call, call._event(
            "call.consent_given", user_id, at=_iso(now), notice_version=notice_version
        )

    def withdraw_consent(self, user_id: str, now: datetime) -> tuple[Call, CallEvent | None]:
        """A party withdraws consent (recording stops), or declines a request to record."""
        self._require_party(user_id)
        if user_id in self.consent:
            call = replace(
                self, consent=self.consent - {user_id}, declined=self.declined | {user_id}
            )
            return call, call._event("call.consent_withdrawn", user_id, at=_iso(now))
        if user_id in self.declined or self.is_final:
            return self, None
        call = replace(self, declined=self.declined | {user_id})
        return call, call._event("call.consent_declined", user_id, at=_iso(now))

    def interrupted(self, user_id: str, now: datetime) -> tuple[Call, CallEvent | None]:
        """A connected party's media stopped, or it joins again (reload, ICE restart)."""
        self._require_party(user_id)
        if self.state is not CallState.CONNECTED:
            return self, None
        if any(i.user_id == user_id and i.ended_at is None for i in self.interruptions):
            return self, None
        call = replace(self, interruptions=(*self.interruptions, Interruption(user_id, now)))
        return call, call._event("call.interrupted", user_id, at=_iso(now))

    def resumed(self, user_id: str, now: datetime) -> tuple[Call, CallEvent | None]:
        """Media from ``user_id`` flows again after an interruption."""
        if self.is_final:
            return self, None
        items = list(self.interruptions)
        for k, item in enumerate(items):
            if item.user_id == user_id and item.ended_at is None:
                items[k] = replace(item, ended_at=max(now, item.started_at))
                call = replace(self, interruptions=tuple(items))
                seconds = round(items[k].seconds(now), 3)
                return call, call._event("call.resumed", user_id, at=_iso(now), seconds=seconds)
        return self, None

    @property
    def interruption_summary(self) -> dict[str, float | int]:
        """How many interruptions and how long in all (an open one runs to the call's end)."""
        total = sum(i.seconds(self.ended_at) for i in self.interruptions)
        return {"count": len(self.interruptions), "seconds": round(total, 3)}

    # ------------------------------------------------------------------ output
    @property
    def connected_seconds(self) -> float:
        """Connected time, measured by the server from media (0 if never connected)."""
        if self.connected_at is None:
            return 0.0
        end = self.ended_at
        if self.end_reason is EndReason.PEER_LOST:
            # The call really ended when media last flowed, not when we gave up waiting.
            lasts = [p.last_media_at for p in self.presence if p.last_media_at is not None]
            if lasts:
                end = min(max(lasts), end) if end else max(lasts)
        if end is None:
            return 0.0
        return max(0.0, (end - self.connected_at).total_seconds())

    @property
    def ring_seconds(self) -> float:
        stop = self.accepted_at or self.ended_at
        return 0.0 if stop is None else max(0.0, (stop - self.ringing_at).total_seconds())

    @property
    def outcome(self) -> str:
        if self.state is CallState.ENDED:
            return "completed" if self.connected_at is not None else "failed"
        return self.state.value

    def state_json(self) -> dict[str, Any]:
        """The ``call:state`` payload."""
        return {
            "call_id": self.id,
            "thread_id": self.thread_id,
            "kind": self.kind.value,
            "initiator_id": self.initiator_id,
            "callee_id": self.callee_id,
            "state": self.state.value,
            "end_reason": self.end_reason.value if self.end_reason else None,
            "ringing_at": _iso(self.ringing_at),
            "accepted_at": _iso(self.accepted_at),
            "connected_at": _iso(self.connected_at),
            "ended_at": _iso(self.ended_at),
            "recording": self.recording,
            "consent": sorted(self.consent),
            "declined": sorted(self.declined),
        }

    def record(self, media: dict[str, Any] | None = None) -> dict[str, Any]:
        """The body of the single ``call`` message written to the thread when the call ends."""
        if not self.is_final:
            raise Conflict("the call has not ended", code="call_not_over")
        return {
            "call_id": self.id,
            "kind": self.kind.value,
            "initiator_id": self.initiator_id,
            "callee_id": self.callee_id,
            "outcome": self.outcome,
            "end_reason": self.end_reason.value if self.end_reason else None,
            "started_at": _iso(self.ringing_at),
            "accepted_at": _iso(self.accepted_at),
            "connected_at": _iso(self.connected_at),
            "ended_at": _iso(self.ended_at),
            "ring_seconds": round(self.ring_seconds, 3),
            "connected_seconds": round(self.connected_seconds, 3),
            "participants": [p.to_json() for p in self.presence],
            "media": media or {},
            "consultation_notice_at": _iso(self.consultation_notice_at),
            "pre_contract": self.pre_contract,
            "recording": self.recording,
            "interruptions": self.interruption_summary,
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def call_to_snapshot(call: Call) -> dict[str, Any]:
    """A JSON snapshot of a live call, stored so a crash can still close it with known times."""
    return {
        "id": call.id,
        "thread_id": call.thread_id,
        "kind": call.kind.value,
        "initiator_id": call.initiator_id,
        "callee_id": call.callee_id,
        "state": call.state.value,
        "ringing_at": _iso(call.ringing_at),
        "accepted_at": _iso(call.accepted_at),
        "connected_at": _iso(call.connected_at),
        "ended_at": _iso(call.ended_at),
        "end_reason": call.end_reason.value if call.end_reason else None,
        "presence": [
            {
                "user_id": p.user_id,
                "joined_at": _iso(p.joined_at),
                "media_at": _iso(p.media_at),
                "last_media_at": _iso(p.last_media_at),
                "left_at": _iso(p.left_at),
            }
            for p in call.presence
        ],
        "consultation_notice_at": _iso(call.consultation_notice_at),
        "recording": call.recording,
        "pre_contract": call.pre_contract,
        "consent": sorted(call.consent),
        "declined": sorted(call.declined),
        "interruptions": [
            [i.user_id, _iso(i.started_at), _iso(i.ended_at)] for i in call.interruptions
        ],
    }


def call_from_snapshot(data: dict[str, Any]) -> Call:
    a, b = (
        Presence(
            user_id=p["user_id"],
            joined_at=_dt(p["joined_at"]),
            media_at=_dt(p["media_at"]),
            last_media_at=_dt(p["last_media_at"]),
            left_at=_dt(p["left_at"]),
        )
        for p in data["presence"]
    )
    ringing_at = _dt(data["ringing_at"])
    assert ringing_at is not None
    return Call(
        id=data["id"],
        thread_id=data["thread_id"],
        kind=CallKind(data["kind"]),
        initiator_id=data["initiator_id"],
        callee_id=data["callee_id"],
        state=CallState(data["state"]),
        ringing_at=ringing_at,
        accepted_at=_dt(data["accepted_at"]),
        connected_at=_dt(data["connected_at"]),
        ended_at=_dt(data["ended_at"]),
        end_reason=EndReason(data["end_reason"]) if data["end_reason"] else None,
        presence=(a, b),
        consultation_notice_at=_dt(data["consultation_notice_at"]),
        recording=data["recording"],
        pre_contract=bool(data.get("pre_contract", True)),
        consent=frozenset(data.get("consent", ())),
        declined=frozenset(data.get("declined", ())),
        interruptions=tuple(
            Interruption(str(u), _dt(a) or ringing_at, _dt(b))
            for u, a, b in data.get("interruptions", ())
        ),
    )


def last_known_time(call: Call) -> datetime:
    """The latest moment the server knew the call was alive (for crash recovery)."""
    times = [call.ringing_at, call.accepted_at, call.connected_at]
    for p in call.presence:
        times.extend([p.joined_at, p.media_at, p.last_media_at])
    return max(t for t in times if t is not None)
