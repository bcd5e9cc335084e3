"""The socket.io protocol in one place: event names, payload models and acks.

``docs/protocol.md`` is generated from this module (``python -m signaling.api.events``) and a
test checks that the committed document and the registered handlers match it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from pydantic import BaseModel

from signaling.api import models as m


@dataclass(frozen=True)
class ClientEvent:
    name: str
    payload: type[BaseModel]
    ack: str
    doc: str


@dataclass(frozen=True)
class ServerEvent:
    name: str
    payload: str  # a schema of the OpenAPI document (components/schemas), e.g. "Message"
    doc: str


CLIENT_EVENTS: tuple[ClientEvent, ...] = (
    ClientEvent(
        "thread:join",
        m.ThreadJoin,
        "{ok, thread, messages: [Message], has_more, call: CallState|null}",
        "Join a thread's room; the ack returns the messages after `after_seq`, at most "
        "INTERVIEW_THREAD_JOIN_PAGE_SIZE of them, and the active call, if any. While `has_more` "
        "is true, join again with the last `seq` (resume after a reconnect loses nothing). "
        "Limited per user (INTERVIEW_THREAD_JOIN_RATE_PER_MINUTE).",
    ),
    ClientEvent(
        "message:send",
        m.SocketSend,
        "{ok, message, created}",
        "Send a text. The same `client_msg_id` twice yields the same message. A blocked message "
        "acks `{ok: false, code: 'policy_blocked', reason, labels}`.",
    ),
    ClientEvent(
        "call:start",
        m.CallStart,
        "{ok, call: CallState}",
        "Start ringing the other party. One active call per thread.",
    ),
    ClientEvent("call:accept", m.CallRef, "{ok, call}", "The callee accepts."),
    ClientEvent("call:decline", m.CallRef, "{ok, call}", "The callee declines."),
    ClientEvent("call:cancel", m.CallRef, "{ok, call}", "The caller cancels while ringing."),
    ClientEvent(
        "call:hangup",
        m.CallRef,
        "{ok, call}",
        "End the call (cancels or declines while ringing).",
    ),
    ClientEvent(
        "rtc:offer",
        m.RtcOffer,
        "{ok, type: 'answer', sdp}",
        "The browser's offer to the server's peer (SDP ≤ 64 KiB). The caller may offer while "
        "ringing; the callee after accepting. A second offer (second tab, reconnect) replaces "
        "that party's peer and resumes the same call.",
    ),
    ClientEvent(
        "rtc:restart",
        m.RtcOffer,
        "{ok, type: 'answer', sdp}",
        "An ICE-restart offer; at most 5 a minute per party.",
    ),
    ClientEvent(
        "rtc:candidate",
        m.RtcCandidate,
        "{ok}",
        "A trickled ICE candidate (≤ 1 KiB); an empty candidate ends gathering.",
    ),
    ClientEvent(
        "call:consent",
        m.CallConsent,
        "{ok, call}",
        "Give (`consent: true`) or withdraw consent to recording; `false` from a party who has "
        "not consented declines the other's request (the call state lists them in `declined`). "
        "Recording runs only while "
        "both parties consent; each receipt (who, when, notice version) goes on the audit chain. "
        "Under INTERVIEW_RECORDING=required no media is forwarded until both consent.",
    ),
    ClientEvent(
        "call:media",
        m.CallMedia,
        "{ok}",
        "Mute / camera state (and `screen`: the video is a shared screen), relayed to the other "
        "party as `call:media`. Limited per user "
        "(INTERVIEW_CALL_MEDIA_RATE_PER_MINUTE).",
    ),
    ClientEvent(
        "thread:read",
        m.ThreadRead,
        "{ok, read: {thread_id, user_id, delivered_seq, read_seq}}",
        "Read receipts: the highest seq this party's client received (`delivered_seq`) and "
        "saw (`read_seq`). Marks only move forward, are capped at the thread's last seq, and "
        "are stored (`GET /api/activity` returns them after a reload); the thread gets "
        "`thread:read`. Parties only.",
    ),
    ClientEvent(
        "thread:typing",
        m.ThreadTyping,
        "{ok}",
        "The party is typing; relayed to the thread's other sockets as `thread:typing`, never "
        "stored. Limited per user (INTERVIEW_TYPING_RATE_PER_MINUTE).",
    ),
)

SERVER_EVENTS: tuple[ServerEvent, ...] = (
    ServerEvent("message:new", "Message", "A message appended to a joined thread."),
    ServerEvent("thread:new", "Thread", "A thread was opened with you as a party."),
    ServerEvent(
        "call:state",
        "CallState",
        "Every call transition, to both parties (all their tabs), so an incoming call rings "
        "even when the thread is not open.",
    ),
    ServerEvent("call:media", "CallMediaState", "The other party muted/unmuted."),
    ServerEvent("thread:read", "ReadMark", "A party's read receipt moved forward."),
    ServerEvent("thread:typing", "Typing", "A party is typing (sent at most every few seconds)."),
    ServerEvent(
        "call:notice",
        "CallNotice",
        "The consultation notice when a pre-contract call passes the configured length.",
    ),
)


def render_markdown() -> str:
    lines = [
        "# socket.io protocol",
        "",
        "<!-- generated by `python -m signaling.api.events > docs/protocol.md`; do not edit -->",
        "",
        'Connect to `/socket.io` with `auth={"token": JWT}`; a bad or expired token is refused',
        "at connect: the `connect_error` carries `data: {code, reason}` (`too_many_sockets`",
        "past INTERVIEW_MAX_SOCKETS_PER_USER). Every client event has an ack: success is",
        '`{"ok": true, ...}`, failure is `{"ok": false, "code", "reason"}`. Payloads with',
        'unknown fields or wrong types get `code: "invalid"`; an event sent with other than',
        'one argument gets `"bad_arguments"`; an event nobody handles gets `"unknown_event"`;',
        "reserved names (`connect`, `disconnect`) sent by a client are ignored. Too many events",
        '(INTERVIEW_SOCKET_EVENT_RATE_PER_MINUTE, or an event\'s own limit) get `"rate_limited"`',
        "with `retry_after` in seconds.",
        "",
        "## Client → server",
        "",
    ]
    for event in CLIENT_EVENTS:
        schema = event.payload.model_json_schema()
        fields = ", ".join(
            f"`{name}`{'' if name in schema.get('required', []) else '?'}"
            for name in schema.get("properties", {})
        )
        lines += [
            f"### `{event.name}`",
            "",
            event.doc,
            "",
            f"- payload: {fields}",
            f"- ack: `{event.ack}`",
            "",
        ]
    lines += ["## Server → client", ""]
    from signaling.api.openapi import RESPONSE_SCHEMAS

    for server_event in SERVER_EVENTS:
        fields = ", ".join(RESPONSE_SCHEMAS[server_event.payload].get("properties", {}))
        lines += [
            f"### `{server_event.name}`",
            "",
            server_event.doc,
            "",
            f"- payload: `{server_event.payload}` `{{{fields}}}` (a schema of `/api/openapi.json`)",
            "",
        ]
    lines += ["## Payload schemas", "", "```json"]
    lines.append(
        json.dumps({e.name: e.payload.model_json_schema() for e in CLIENT_EVENTS}, indent=2)
    )
    lines += ["```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
