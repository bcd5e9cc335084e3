"""socket.io events for calls: ``call:*`` and ``rtc:*`` (see docs/protocol.md).

Each handler validates its payload into a typed call command (``signaling.calls.commands``)
and hands it to :meth:`CallService.handle`, which runs it on the node that holds the call
(forwarding over Redis when it is another node).
"""

from __future__ import annotations

from typing import Any

from signaling.api import models as m
from signaling.api.socket import SocketEdge, parse
from signaling.auth import Principal
from signaling.calls import CallService
from signaling.calls.commands import (
    Accept,
    Cancel,
    Candidate,
    Consent,
    Decline,
    HangUp,
    MediaFlags,
    Offer,
    Start,
)


def register_call_events(edge: SocketEdge, calls: CallService) -> None:
    """Attach the call events to the socket edge."""

    async def start(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.CallStart, data)
        return await calls.handle(who, Start(body.thread_id, body.kind))

    async def accept(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        return await calls.handle(who, Accept(parse(m.CallRef, data).call_id))

    async def decline(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        return await calls.handle(who, Decline(parse(m.CallRef, data).call_id))

    async def cancel(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        return await calls.handle(who, Cancel(parse(m.CallRef, data).call_id))

    async def hangup(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        return await calls.handle(who, HangUp(parse(m.CallRef, data).call_id))

    async def offer(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.RtcOffer, data)
        return await calls.handle(who, Offer(body.call_id, body.sdp))

    async def restart(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.RtcOffer, data)
        return await calls.handle(who, Offer(body.call_id, body.sdp, restart=True))

    async def candidate(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.RtcCandidate, data)
        return await calls.handle(
            who, Candidate(body.call_id, body.candidate, body.sdpMid, body.sdpMLineIndex)
        )

    async def media(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.CallMedia, data)
        return await calls.handle(
            who, MediaFlags(body.call_id, body.audio, body.video, screen=body.screen)
        )

    async def consent(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.CallConsent, data)
        return await calls.handle(who, Consent(body.call_id, body.consent))

    edge.on("call:consent", consent)
    edge.on("call:start", start)
    edge.on("call:accept", accept)
    edge.on("call:decline", decline)
    edge.on("call:cancel", cancel)
    edge.on("call:hangup", hangup)
    edge.on("rtc:offer", offer)
    edge.on("rtc:restart", restart)
    edge.on("rtc:candidate", candidate)
    edge.on("call:media", media)
