"""Typed call commands: what a party asks of a call, from a socket event or another node.

The socket edge (``signaling/api/call_events.py``) builds one of these from a validated
payload; :meth:`CallService.handle` runs it on the node that holds the call, dispatching with
``match``. Between nodes a command travels as ``{"action": ..., "args": {...}}`` (the wire
format of the Redis call router, unchanged): :func:`to_wire` and :func:`from_wire`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from signaling.errors import Unprocessable


@dataclass(frozen=True)
class Start:
    """Ring the other party of a thread (``call:start``)."""

    thread_id: str
    kind: str


@dataclass(frozen=True)
class Accept:
    """The callee answers (``call:accept``)."""

    call_id: str


@dataclass(frozen=True)
class Decline:
    """The callee refuses (``call:decline``)."""

    call_id: str


@dataclass(frozen=True)
class Cancel:
    """The caller gives up before an answer (``call:cancel``)."""

    call_id: str


@dataclass(frozen=True)
class HangUp:
    """Either party leaves: cancels or declines while ringing, else ends (``call:hangup``)."""

    call_id: str


@dataclass(frozen=True)
class Offer:
    """A party's SDP offer (``rtc:offer``); ``restart`` for an ICE restart (``rtc:restart``)."""

    call_id: str
    sdp: str
    restart: bool = False


@dataclass(frozen=True)
class Candidate:
    """A trickled ICE candidate (``rtc:candidate``)."""

    call_id: str
    candidate: str
    sdp_mid: str | None = None
    sdp_mline_index: int | None = None


@dataclass(frozen=True)
class Consent:
    """A party gives or withdraws consent to recording (``call:consent``)."""

    call_id: str
    consent: bool


@dataclass(frozen=True)
class MediaFlags:
    """Mute, camera and screen-share state, relayed to the other party (``call:media``)."""

    call_id: str
    audio: bool
    video: bool
    screen: bool = False


CallCommand = Start | Accept | Decline | Cancel | HangUp | Offer | Candidate | Consent | MediaFlags
"""Every command; all but :class:`Start` name an existing call."""

CallRef = Accept | Decline | Cancel | HangUp | Offer | Candidate | Consent | MediaFlags

_SIMPLE: dict[str, type[Accept | Decline | Cancel | HangUp]] = {
    "accept": Accept,
    "decline": Decline,
    "cancel": Cancel,
    "hangup": HangUp,
}


def to_wire(command: CallRef) -> tuple[str, dict[str, Any]]:
    """The ``(action, args)`` another node's :func:`from_wire` reads."""
    match command:
        case Accept(call_id=call_id):
            return "accept", {"call_id": call_id}
        case Decline(call_id=call_id):
            return "decline", {"call_id": call_id}
        case Cancel(call_id=call_id):
            return "cancel", {"call_id": call_id}
        case HangUp(call_id=call_id):
            return "hangup", {"call_id": call_id}
        case Offer(call_id=call_id, sdp=sdp, restart=restart):
            args: dict[str, Any] = {"call_id": call_id, "sdp": sdp}
            if restart:
                args["restart"] = True
            return "offer", args
        case Candidate(call_id, candidate, sdp_mid, sdp_mline_index):
            return "candidate", {
                "call_id": call_id,
                "candidate": candidate,
                "sdp_mid": sdp_mid,
                "sdp_mline_index": sdp_mline_index,
            }
        case Consent(call_id=call_id, consent=consent):
            return "consent", {"call_id": call_id, "consent": consent}
        case MediaFlags(call_id, audio, video, screen):
            return "media", {"call_id": call_id, "audio": audio, "video": video, "screen": screen}


def from_wire(action: str, args: dict[str, Any]) -> CallRef:
    """A command forwarded by another node. Raises ``KeyError``/``TypeError``/``ValueError``
    for a malformed request and :class:`Unprocessable` for an unknown action."""
    call_id = str(args["call_id"])
    if action in _SIMPLE:
        return _SIMPLE[action](call_id)
    match action:
        case "offer":
            return Offer(call_id, str(args["sdp"]), restart=bool(args.get("restart")))
        case "candidate":
            index = args.get("sdp_mline_index")
            mid = args.get("sdp_mid")
            return Candidate(
                call_id,
                str(args["candidate"]),
                None if mid is None else str(mid),
                None if index is None else int(index),
            )
        case "consent":
            return Consent(call_id, bool(args["consent"]))
        case "media":
            return MediaFlags(
                call_id,
                bool(args["audio"]),
                bool(args["video"]),
                screen=bool(args.get("screen", False)),
            )
    raise Unprocessable(f"unknown call action {action!r}", code="invalid")
