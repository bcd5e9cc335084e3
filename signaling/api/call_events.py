"""socket.io events for calls: ``call:*`` and ``rtc:*`` (see docs/protocol.md).

Every handler goes through :meth:`CallService.handle`, which runs the action on the node that
holds the call (forwarding over Redis when it is another node).
"""

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
        return await calls.handle(who, "start", {"thread_id": body.thread_id, "kind": body.kind})

    def simple(name: str) -> None:
        async def handler(who: Principal, sid: str, data: Any) -> dict[str, Any]:
            body = parse(m.CallRef, data)
            return await calls.handle(who, name, {"call_id": body.call_id})

        edge.on(f"call:{name}", handler)

    for name in ("accept", "decline", "cancel", "hangup"):
        simple(name)

    async def offer(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.RtcOffer, data)
        return await calls.handle(who, "offer", {"call_id": body.call_id, "sdp": body.sdp})

    async def restart(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.RtcOffer, data)
        return await calls.handle(
            who, "offer", {"call_id": body.call_id, "sdp": body.sdp, "restart": True}
        )

    async def candidate(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.RtcCandidate, data)
        return await calls.handle(
            who,
            "candidate",
            {
                "call_id": body.call_id,
                "candidate": body.candidate,
                "sdp_mid": body.sdpMid,
                "sdp_mline_index": body.sdpMLineIndex,
            },
        )

    async def media(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.CallMedia, data)
        return await calls.handle(
            who,
            "media",
            {
                "call_id": body.call_id,
                "audio": body.audio,
                "video": body.video,
                "screen": body.screen,
            },
        )

    async def consent(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.CallConsent, data)
        return await calls.handle(
            who, "consent", {"call_id": body.call_id, "consent": body.consent}
        )

    edge.on("call:consent", consent)
    edge.on("call:start", start)
    edge.on("rtc:offer", offer)
    edge.on("rtc:restart", restart)
    edge.on("rtc:candidate", candidate)
    edge.on("call:media", media)
