"""What the web client needs to never miss a message: read receipts, typing, thread activity,
and the composer's contact-details warning.

- ``thread:read`` (socket): a party's client says which seq it received and which it saw; the
  marks are stored (they survive a reload) and relayed to the thread as ``thread:read``.
- ``thread:typing`` (socket): relayed to the thread's other sockets, never stored; limited per
  user (INTERVIEW_TYPING_RATE_PER_MINUTE).
- ``GET /api/activity``: per thread of the caller, the last message (ordering and a
  preview), the caller's unread count, and both parties' marks.
- ``POST /api/threads/{thread_id}/policy-preview``: runs the contact guard on a draft without
  sending or recording anything, so the sender learns before sending that contact details
  will be removed or the message blocked (INTERVIEW_POLICY_PREVIEW_RATE_PER_MINUTE).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from signaling.api import models as m
from signaling.api.rest import Route, ctx, json_response, parse_body, principal
from signaling.api.socket import SocketEdge, parse
from signaling.auth import Principal
from signaling.policy.guard import PolicyAction, apply_policy
from signaling.service import thread_room
from signaling.store.reads import SqlReadStore

READS: web.AppKey[SqlReadStore] = web.AppKey("reads", SqlReadStore)

_WORDS = {
    "email": "email address",
    "phone": "phone number",
    "handle": "messaging handle",
    "meeting_link": "meeting link",
    "file_share": "file-sharing link",
    "off_platform": "request to move off the platform",
}


def preview_warning(action: PolicyAction | None, labels: list[str]) -> str:
    """One short sentence for the composer; empty when the draft is clean."""
    if action is None:
        return ""
    what = ", ".join(_WORDS.get(label, label.replace("_", " ")) for label in labels)
    if action is PolicyAction.BLOCK:
        return f"This message will not be sent: it contains contact details ({what})."
    if action is PolicyAction.REDACT:
        return f"Contact details will be removed before sending: {what}."
    return f"Contact details will be flagged to both of you: {what}."


def register_presence_events(edge: SocketEdge, reads: SqlReadStore) -> None:
    async def read(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.ThreadRead, data)
        thread = await edge.ctx.threads.party_thread(who, body.thread_id)
        # A mark past the end of the thread would hide later messages as already read.
        mark = await reads.mark(
            thread.id,
            who.user_id,
            delivered_seq=min(body.delivered_seq, thread.last_seq),
            read_seq=min(body.read_seq, thread.last_seq),
        )
        payload = {"thread_id": thread.id, **mark.json()}
        await edge.sio.emit("thread:read", payload, room=thread_room(thread.id))
        return {"read": payload}

    async def typing(who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.ThreadTyping, data)
        thread = await edge.ctx.threads.open_thread(who, body.thread_id)
        await edge.sio.emit(
            "thread:typing",
            {"thread_id": thread.id, "user_id": who.user_id},
            room=thread_room(thread.id),
            skip_sid=sid,
        )
        return {}

    edge.on("thread:read", read)
    edge.on("thread:typing", typing)


async def thread_activity(request: web.Request) -> web.Response:
    who = principal(request)
    c = ctx(request)
    threads = await c.threads.list_threads(who)
    items = await request.app[READS].activity(who.user_id, [t.id for t in threads])
    return json_response({"threads": items})


async def policy_preview(request: web.Request) -> web.Response:
    who = principal(request)
    body = await parse_body(request, m.PolicyPreview)
    c = ctx(request)
    thread = await c.threads.party_thread(who, request.match_info["thread_id"])
    if "policy_preview" in c.threads.limits:
        await c.threads.limits.check("policy_preview", who.user_id)
    decision = apply_policy(
        body.text,
        action=c.threads.policy_action,
        pre_contract=thread.pre_contract,
        exempt_urls=await c.threads.exempt_urls(thread) if thread.pre_contract else (),
    )
    labels = list(decision.labels)
    return json_response(
        {
            "action": decision.action.value if decision.action is not None else None,
            "labels": labels,
            "warning": preview_warning(decision.action, labels),
        }
    )


PRESENCE_ROUTES: list[Route] = [
    Route(
        "GET",
        "/api/activity",
        thread_activity,
        "Per thread: last message, unread count, read receipts",
        access="threads.activity",
    ),
    Route(
        "POST",
        "/api/threads/{thread_id}/policy-preview",
        policy_preview,
        "What the contact guard would do with a draft (nothing is sent or stored)",
        body=m.PolicyPreview,
    ),
]
