"""socket.io events for calls: ``call:*`` and ``rtc:*`` (see docs/protocol.md)."""

from __future__ import annotations

from typing import Any

from signaling.api import models as m
from signaling.api.socket import SocketEdge, parse
from signaling.auth import Principal
from signaling.calls import CallService


def register_call_events(edge: SocketEdge, calls: CallService) -> None:
    """Attach the call events to the socket edge."""

    async def start(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.CallStart, data)
        call = await calls.start(who, body.thread_id, body.kind)
        return {"call": call.state_json()}

    def simple(name: str) -> None:
        async def handler(who: Principal, sid: str, data: Any) -> dict[str, Any]:
            body = parse(m.CallRef, data)
            call = await getattr(calls, name)(who, body.call_id)
            return {"call": call.state_json()}

        edge.on(f"call:{name}", handler)

    for name in ("accept", "decline", "cancel", "hangup"):
        simple(name)

    async def offer(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.RtcOffer, data)
        return {"sdp": await calls.offer(who, body.call_id, body.sdp), "type": "answer"}

    async def restart(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.RtcOffer, data)
        return {
            "sdp": await calls.offer(who, body.call_id, body.sdp, restart=True),
            "type": "answer",
        }

    async def candidate(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.RtcCandidate, data)
        await calls.candidate(who, body.call_id, body.candidate, body.sdpMid, body.sdpMLineIndex)
        return {}

    async def media(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.CallMedia, data)
        await calls.media_flags(who, body.call_id, body.audio, body.video)
        return {}

    edge.on("call:start", start)
    edge.on("rtc:offer", offer)
    edge.on("rtc:restart", restart)
    edge.on("rtc:candidate", candidate)
    edge.on("call:media", media)
