"""OpenAPI 3.1 document built from the route table (served at ``/api/openapi.json``).

Request schemas come from the routes' pydantic models (their ``$defs`` hoisted into
``components/schemas``); response schemas, statuses and media types are declared here, per
operation, in :data:`RESPONSES`. Every error is an RFC 9457 problem (``application/problem+json``).

``python -m signaling.api.openapi [PATH]`` writes the document (the web client's types are
generated from it: ``web/src/generated/openapi.json``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, get_args

from pydantic import BaseModel, StringConstraints

from signaling.api.rest import Route
from signaling.domain.calls import CallState
from signaling.domain.messages import MessageKind
from signaling.domain.schedule import MAX_DURATION_MINUTES
from signaling.domain.threads import Role, Stage
from signaling.policy.guard import PolicyAction

_PARAM = re.compile(r"{(\w+)(?::([^}]*))?}")
_WORDS = re.compile(r"^[\w.-]+(?:\|[\w.-]+)*$")
REF = "#/components/schemas/{model}"


def openapi_path(path: str) -> str:
    """aiohttp's ``{name:regex}`` becomes OpenAPI's ``{name}``."""
    return _PARAM.sub(lambda m: "{" + m.group(1) + "}", path)


def ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def _obj(
    props: dict[str, Any], *, required: Sequence[str] | None = None, closed: bool = False
) -> dict[str, Any]:
    """An object schema; every listed property is required unless ``required`` says otherwise.
    Open objects (the default) allow properties added later without breaking clients."""
    schema: dict[str, Any] = {
        "type": "object",
        "required": list(props) if required is None else list(required),
        "properties": props,
    }
    if closed:
        schema["additionalProperties"] = False
    return schema


STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
NUM = {"type": "number"}
OBJ = {"type": "object", "additionalProperties": True}
TIME = {"type": "string", "format": "date-time"}
ID = {"type": "string", "minLength": 1}


def _kind(value: str) -> dict[str, Any]:
    """A ``type`` discriminator property that has this one value."""
    return {"type": "string", "enum": [value]}


def _counts() -> dict[str, Any]:
    """An object of counts by name (a call kind, a policy label)."""
    return {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}


def _by_day(values: dict[str, Any]) -> dict[str, Any]:
    """An object keyed by UTC day (``YYYY-MM-DD``)."""
    return {
        "type": "object",
        "propertyNames": {"pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "additionalProperties": values,
    }


# --------------------------------------------------------------------------- response schemas
RESPONSE_SCHEMAS: dict[str, dict[str, Any]] = {
    "Problem": {
        "description": "RFC 9457 problem details, with a machine-readable `code` extension.",
        "type": "object",
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": {"type": "string", "format": "uri-reference"},
            "title": STR,
            "status": {"type": "integer", "minimum": 100, "maximum": 599},
            "detail": STR,
            "instance": {"type": "string", "format": "uri-reference"},
            "code": {"type": "string", "minLength": 1},
            "retry_after": {"type": "number", "minimum": 0},
        },
        "additionalProperties": True,
    },
    "Config": _obj(
        {
            "dev_mode": BOOL,
            "zoom_enabled": BOOL,
            "recording_policy": {"type": "string", "enum": ["off", "optional", "required"]},
            "policy_action": {"type": "string", "enum": ["block", "redact", "warn"]},
            "ring_timeout_seconds": NUM,
            "file_max_bytes": INT,
        }
    ),
    "DevUser": _obj(
        {
            "user_id": STR,
            "name": STR,
            "role": {"type": "string", "enum": ["client", "freelancer", "auditor", "admin"]},
        }
    ),
    "DevUsers": _obj({"users": _array(ref("DevUser"))}),
    "Token": _obj({"token": STR}),
    "Me": _obj(
        {
            "user_id": STR,
            "name": STR,
            "role": {"type": "string", "enum": _values(Role)},
        }
    ),
    "Stage": {"type": "string", "enum": _values(Stage)},
    "Thread": _obj(
        {
            "id": STR,
            "job_id": STR,
            "job_title": STR,
            "client_id": STR,
            "freelancer_id": STR,
            "client_name": _nullable(STR),
            "freelancer_name": _nullable(STR),
            "stage": ref("Stage"),
            "pre_contract": BOOL,
            "created_at": TIME,
            "contract_started_at": _nullable(TIME),
            "last_seq": INT,
        }
    ),
    "ThreadList": _obj({"threads": _array(ref("Thread"))}),
    "Message": _obj(
        {
            "id": STR,
            "thread_id": STR,
            "seq": {"type": "integer", "minimum": 1},
            "author_id": STR,
            "kind": {
                "type": "string",
                "enum": _values(MessageKind),
            },
            "body": OBJ,
            "created_at": TIME,
            "client_msg_id": _nullable(STR),
        }
    ),
    "MessageList": _obj(
        {"messages": _array(ref("Message")), "has_more": BOOL}, required=["messages"]
    ),
    "IceServer": _obj({"urls": _array(STR), "username": STR, "credential": STR}, required=["urls"]),
    "IceServers": _obj({"ice_servers": _array(ref("IceServer")), "ttl_seconds": INT}),
    "ReadMark": _obj(
        {
            "thread_id": STR,
            "user_id": STR,
            "delivered_seq": {"type": "integer", "minimum": 0},
            "read_seq": {"type": "integer", "minimum": 0},
        }
    ),
    "Typing": _obj({"thread_id": STR, "user_id": STR}),
    "ThreadActivity": _obj(
        {
            "thread_id": STR,
            "last_message": _nullable(
                _obj(
                    {
                        "seq": INT,
                        "author_id": STR,
                        "kind": STR,
                        "preview": STR,
                        "created_at": TIME,
                    }
                )
            ),
            "unread": {"type": "integer", "minimum": 0},
            "reads": _array(
                _obj(
                    {
                        "user_id": STR,
                        "delivered_seq": {"type": "integer", "minimum": 0},
                        "read_seq": {"type": "integer", "minimum": 0},
                    }
                )
            ),
        }
    ),
    "ThreadActivityList": _obj({"threads": _array(ref("ThreadActivity"))}),
    "PolicyPreviewResult": _obj(
        {
            "action": _nullable({"type": "string", "enum": ["block", "redact", "warn"]}),
            "labels": _array(STR),
            "warning": STR,
        }
    ),
    "CallRecord": _obj(
        {
            "call_id": STR,
            "thread_id": STR,
            "job_id": STR,
            "job_title": STR,
            "client_id": STR,
            "client_name": _nullable(STR),
            "freelancer_id": STR,
            "freelancer_name": _nullable(STR),
            "kind": STR,
            "initiator_id": STR,
            "state": STR,
            "end_reason": _nullable(STR),
            "started_at": TIME,
            "connected_at": _nullable(TIME),
            "ended_at": _nullable(TIME),
            "connected_seconds": _nullable(NUM),
            "recorded": BOOL,
            "record": _nullable(OBJ),
        },
        required=["call_id", "thread_id", "kind", "state", "started_at"],
    ),
    "CallPage": _obj({"calls": _array(ref("CallRecord")), "next_cursor": _nullable(STR)}),
    "Finding": {
        "description": "One policy finding: what the guard matched in a message, and the "
        "message's original text (`message_id` is null when the message was blocked).",
        **_obj(
            {
                "id": INT,
                "thread_id": STR,
                "message_id": _nullable(STR),
                "author_id": STR,
                "label": STR,
                "action": {"type": "string", "enum": _values(PolicyAction)},
                "span": {**_array(INT), "minItems": 2, "maxItems": 2},
                "matched": STR,
                "value": STR,
                "original_text": STR,
                "created_at": TIME,
            }
        ),
    },
    "FindingPage": _obj({"findings": _array(ref("Finding")), "next_cursor": _nullable(STR)}),
    "Verification": _obj(
        {
            "ok": BOOL,
            "checked": INT,
            "first_bad_position": _nullable(INT),
            "reason": _nullable(STR),
        }
    ),
    "ThreadVerification": {
        "allOf": [ref("Verification"), _obj({"thread_id": STR})],
    },
    "CaseNote": _obj({"author_id": STR, "status": _nullable(STR), "note": STR, "created_at": TIME}),
    "Case": _obj(
        {
            "id": STR,
            "thread_id": STR,
            "call_id": _nullable(STR),
            "status": {"type": "string", "enum": ["open", "reviewing", "resolved"]},
            "reason": STR,
            "opened_by": STR,
            "source": STR,
            "legal_hold": BOOL,
            "assignee_id": _nullable(STR),
            "created_at": TIME,
            "updated_at": TIME,
            "notes": _array(ref("CaseNote")),
        }
    ),
    "CaseList": _obj({"cases": _array(ref("Case"))}),
    "Auditor": _obj({"user_id": STR, "name": STR, "role": STR}),
    "AuditorList": _obj({"auditors": _array(ref("Auditor"))}),
    "FileMessage": {
        "description": "The body of a `file` message.",
        **_obj(
            {
                "file_id": STR,
                "name": STR,
                "size": INT,
                "content_type": STR,
                "sha256": STR,
                "url": STR,
                "policy": _obj({"action": STR, "labels": _array(STR), "notice": STR}),
            },
            required=["file_id", "name", "size", "content_type", "sha256", "url"],
        ),
    },
    "CaseReceipt": _obj({"case_id": STR, "status": STR}),
    # The event feed (signaling/api/events_feed.py; catalogue in the README).
    "Event": {
        "description": "One event of the feed, as the webhook and the pull API deliver it.",
        **_obj(
            {
                "id": {"type": "string", "pattern": "^evt_[0-9a-f]{32}$"},
                "type": STR,
                "version": INT,
                "timestamp": TIME,
                "thread_id": _nullable(STR),
                "cursor": {"type": "string", "pattern": "^[0-9]+$"},
                "data": OBJ,
            }
        ),
    },
    "EventPage": _obj({"events": _array(ref("Event")), "next_cursor": STR}),
    "DeadLetter": _obj(
        {
            "id": STR,
            "type": STR,
            "version": INT,
            "timestamp": TIME,
            "thread_id": _nullable(STR),
            "cursor": STR,
            "data": OBJ,
            "state": {"type": "string", "enum": ["pending", "delivered", "dead"]},
            "attempts": INT,
            "next_attempt_at": TIME,
            "last_error": _nullable(STR),
            "delivered_at": _nullable(TIME),
        }
    ),
    "DeadLetterPage": _obj(
        {
            "events": _array(ref("DeadLetter")),
            "next_cursor": STR,
            "counts": _obj({"pending": INT, "delivered": INT, "dead": INT}),
            "batch": {
                "description": "Batch delivery's cursor (INTERVIEW_EVENTS_DELIVERY=batch): "
                "the position the receiver acknowledged everything through, and the retry "
                "state of the batch after it; null before the first batch round.",
                **_nullable(
                    _obj(
                        {
                            "cursor": {"type": "string", "pattern": "^-?[0-9]+$"},
                            "attempts": INT,
                            "next_attempt_at": TIME,
                            "last_error": _nullable(STR),
                            "lease_owner": _nullable(STR),
                        }
                    )
                ),
            },
        }
    ),
    "ReplayResult": _obj({"replayed": INT}),
    # The auditor's thread timeline (signaling/api/audit.py thread_timeline): its items are
    # told apart by `type`.
    "TimelineMessage": {
        "description": "A stored message, with the original text when the guard redacted it.",
        "allOf": [
            ref("Message"),
            _obj(
                {"type": _kind("message"), "at": TIME, "original_text": STR},
                required=["type", "at"],
            ),
        ],
    },
    "TimelineBlockedMessage": {
        "description": "A message the guard blocked (never delivered), with its original text "
        "and the labels of what it matched.",
        **_obj(
            {
                "type": _kind("blocked_message"),
                "at": TIME,
                "author_id": STR,
                "original_text": STR,
                "labels": _array(STR),
            }
        ),
    },
    "TimelineItem": {
        "oneOf": [ref("TimelineMessage"), ref("TimelineBlockedMessage")],
        "discriminator": {
            "propertyName": "type",
            "mapping": {
                "message": REF.format(model="TimelineMessage"),
                "blocked_message": REF.format(model="TimelineBlockedMessage"),
            },
        },
    },
    "AuditEvent": {
        "description": "One entry of the thread's audit chain; `entry` is the hashed JSON.",
        **_obj(
            {
                "type": _kind("audit"),
                "at": TIME,
                "position": {"type": "integer", "minimum": 0},
                "event_type": STR,
                "actor_id": STR,
                "entry": OBJ,
                "hash": STR,
                "index": INT,
            }
        ),
    },
    "Timeline": _obj(
        {
            "thread": ref("Thread"),
            "timeline": _array(ref("TimelineItem")),
            "audit": _array(ref("AuditEvent")),
            "calls": _array(ref("CallRecord")),
            "findings": _array(ref("Finding")),
            "cases": _array(ref("Case")),
            "verification": ref("Verification"),
        }
    ),
    "Stats": {
        "description": "The last 30 days by UTC day (`YYYY-MM-DD` keys; days without data are "
        "left out): calls by kind, the median connected time of the calls that connected, "
        "policy findings by label; and the cases not resolved.",
        **_obj(
            {
                "calls_per_day": _by_day(_counts()),
                "median_connected_seconds": _by_day({"type": "number", "minimum": 0}),
                "findings_per_day": _by_day(_counts()),
                "open_cases": {"type": "integer", "minimum": 0},
            }
        ),
    },
    "AccessLog": {
        "description": "The access chain, newest first; pass `next` as `before` for the next "
        "(older) page; null on the last page. Each entry also carries what was accessed.",
        **_obj(
            {
                "access": _array(
                    _obj(
                        {"position": {"type": "integer", "minimum": 0}, "at": TIME, "actor_id": STR}
                    )
                ),
                "next": _nullable({"type": "integer", "minimum": 1}),
            }
        ),
    },
    "TreeHead": _obj(
        {
            "tree_size": {"type": "integer", "minimum": 0},
            "root_hash": STR,
            "timestamp": INT,
            "signature": STR,
            "key_id": STR,
        }
    ),
    "SignedTreeHead": {
        "allOf": [ref("TreeHead"), _obj({"public_key_pem": STR})],
    },
    "InclusionProof": _obj(
        {
            "leaf_index": {"type": "integer", "minimum": 0},
            "entry": {},
            "leaf_hash": STR,
            "proof": _array(STR),
            "tree_head": ref("TreeHead"),
        },
        required=["leaf_index", "leaf_hash", "proof", "tree_head"],
    ),
    "ConsistencyProof": _obj(
        {
            "first": INT,
            "second": INT,
            "first_root": STR,
            "second_root": STR,
            "proof": _array(STR),
        }
    ),
    "Recording": _obj(
        {
            "key": STR,
            "call_id": STR,
            "thread_id": STR,
            "started_at": _nullable(STR),
            "stopped_at": _nullable(STR),
            "bytes": _nullable(INT),
            "sha256": _nullable(STR),
            "duration_seconds": _nullable(NUM),
            "screen_shares": _array(ref("ScreenShare")),
            "url": STR,
            "composite_url": _nullable(STR),
        },
        required=["key", "call_id", "thread_id", "url"],
    ),
    "ScreenShare": _obj(
        {
            "participant_id": STR,
            "start_seconds": NUM,
            "end_seconds": NUM,
            "width": _nullable(INT),
            "height": _nullable(INT),
        },
        required=["participant_id", "start_seconds", "end_seconds"],
    ),
    "RecordingList": _obj({"recordings": _array(ref("Recording"))}),
    "Meeting": _obj(
        {
            "provider": STR,
            "meeting_id": STR,
            "join_url": STR,
            "passcode": _nullable(STR),
            "topic": STR,
            "start": _nullable(STR),
            "duration_minutes": INT,
            "call_id": STR,
            "created_by": STR,
            "start_url": _nullable(STR),
            "message": ref("Message"),
        },
        required=["provider", "meeting_id", "join_url", "call_id", "message"],
    ),
    "WebhookAnswer": {
        "description": "`{status}` for an event, or Zoom's URL-validation answer.",
        "anyOf": [
            _obj({"status": {"type": "string", "enum": ["applied", "duplicate", "ignored"]}}),
            _obj({"plainToken": STR, "encryptedToken": STR}),
        ],
    },
    "SlotOut": _obj(
        {
            "start_utc": TIME,
            "end_utc": TIME,
            "duration_minutes": INT,
            "kind": {"type": "string", "enum": ["audio", "video", "zoom"]},
        }
    ),
    "Proposal": _obj(
        {
            "proposal_id": STR,
            "proposer_id": STR,
            "timezone": STR,
            "created_at": _nullable(TIME),
            "slots": _array(ref("SlotOut")),
        }
    ),
    "Schedule": _obj(
        {
            "id": STR,
            "thread_id": STR,
            "parties": _array(STR),
            "state": STR,
            "proposal": ref("Proposal"),
            "sequence": INT,
            "accepted_slot": {"anyOf": [ref("SlotOut"), {"type": "null"}]},
            "accepted_by": _nullable(STR),
            "cancelled_by": _nullable(STR),
            "updated_at": _nullable(TIME),
            "superseded": _array(STR),
        }
    ),
    "ScheduleOnly": _obj({"schedule": ref("Schedule")}),
    # socket.io payloads (signaling/api/events.py names them; the web client's types use them)
    "CallState": _obj(
        {
            "call_id": STR,
            "thread_id": STR,
            "kind": {"type": "string", "enum": ["audio", "video"]},
            "initiator_id": STR,
            "callee_id": STR,
            "state": {"type": "string", "enum": _values(CallState)},
            "end_reason": _nullable(STR),
            "ringing_at": _nullable(TIME),
            "accepted_at": _nullable(TIME),
            "connected_at": _nullable(TIME),
            "ended_at": _nullable(TIME),
            "recording": _nullable(OBJ),
            "consent": _array(STR),
            "declined": _array(STR),
        }
    ),
    "CallMediaState": _obj(
        {"call_id": STR, "user_id": STR, "audio": BOOL, "video": BOOL, "screen": BOOL},
        required=["call_id", "user_id", "audio", "video"],
    ),
    "CallNotice": _obj({"call_id": STR, "notice": STR}),
    "ScheduleChange": _obj({"schedule": ref("Schedule"), "message": ref("Message")}),
}


# --------------------------------------------------------------------------- per operation
@dataclass(frozen=True)
class Responses:
    """What one operation answers: success bodies by status (media type → schema), and the
    statuses of its problems beyond the common ones."""

    success: dict[int, dict[str, dict[str, Any]]]
    errors: tuple[int, ...] = ()
    headers: dict[int, dict[str, Any]] = field(default_factory=dict)


def _json(name: str) -> dict[str, dict[str, Any]]:
    return {"application/json": {"schema": ref(name)}}


def _bytes(media_type: str) -> dict[str, dict[str, Any]]:
    return {media_type: {"schema": {"type": "string", "format": "binary"}}}


def _ok(name: str, *extra: int) -> Responses:
    return Responses({200: _json(name)}, extra)


def _created(name: str, *extra: int, replay: bool = False) -> Responses:
    """201, and 200 when the request was an idempotent replay of an earlier one."""
    success = {201: _json(name)}
    if replay:
        success[200] = _json(name)
    return Responses(success, extra)


_DOWNLOAD = {
    "Content-Disposition": {"schema": STR, "description": "attachment; filename=…"},
}

# Keyed by the operationId (the handler's name).
RESPONSES: dict[str, Responses] = {
    "get_config": _ok("Config"),
    "dev_users": _ok("DevUsers", 404),
    "dev_login": _ok("Token", 404),
    "get_me": _ok("Me"),
    "list_threads": _ok("ThreadList"),
    "create_thread": _created("Thread", replay=True),
    "get_thread": _ok("Thread"),
    "list_messages": _ok("MessageList"),
    "send_message": _created("Message", replay=True),
    "set_stage": _ok("Thread"),
    "get_ice_servers": _ok("IceServers"),
    "thread_activity": _ok("ThreadActivityList"),
    "policy_preview": _ok("PolicyPreviewResult"),
    "search_calls": _ok("CallPage"),
    "export_calls": Responses(
        {200: {**_bytes("text/csv"), **_bytes("application/x-ndjson")}},
        headers={200: _DOWNLOAD},
    ),
    "search_findings": _ok("FindingPage"),
    "thread_timeline": _ok("Timeline"),
    "verify_thread": _ok("ThreadVerification"),
    "list_cases": _ok("CaseList"),
    "open_case": _created("Case"),
    "get_case": _ok("Case"),
    "update_case": _ok("Case"),
    "stats": _ok("Stats"),
    "access_log": _ok("AccessLog"),
    "report_thread": _created("CaseReceipt"),
    "get_tree_head": _ok("SignedTreeHead"),
    "publish_tree_head": _created("SignedTreeHead"),
    "get_inclusion": _ok("InclusionProof"),
    "get_consistency": _ok("ConsistencyProof"),
    "list_events": _ok("EventPage"),
    "list_dead_letters": _ok("DeadLetterPage"),
    "replay_dead_letters": _ok("ReplayResult"),
    "replay_all_dead_letters": _ok("ReplayResult"),
    "export_bundle": Responses({200: _bytes("application/zip")}, headers={200: _DOWNLOAD}),
    "export_thread_bundle": Responses({200: _bytes("application/zip")}, headers={200: _DOWNLOAD}),
    "list_auditors": _ok("AuditorList"),
    "upload_file": _created("Message", 413),
    "download_file": Responses(
        {200: _bytes("application/octet-stream"), 206: _bytes("application/octet-stream")},
        (416,),
        headers={200: _DOWNLOAD, 206: {"Content-Range": {"schema": STR, "required": True}}},
    ),
    "list_recordings": _ok("RecordingList"),
    "stream_recording": Responses(
        {
            200: {**_bytes("video/webm"), **_bytes("video/x-matroska")},
            206: {**_bytes("video/webm"), **_bytes("video/x-matroska")},
        },
        (416,),
        headers={206: {"Content-Range": {"schema": STR, "required": True}}},
    ),
    "create_meeting": _created("Meeting", 502),
    "zoom_webhook": _ok("WebhookAnswer", 404),
    "propose": _created("ScheduleChange"),
    "get_schedule": _ok("ScheduleOnly"),
    "accept": _ok("ScheduleChange", 502),
    "counter": _ok("ScheduleChange"),
    "reschedule": _ok("ScheduleChange"),
    "cancel": _ok("ScheduleChange"),
    "invite": Responses({200: _bytes("text/calendar")}, headers={200: _DOWNLOAD}),
}

# Problems any authenticated operation may answer (403/404/409 depend on who asks and on the
# resource's state; 429 on any limit). Unauthenticated ones answer 400/422/429 plus their own.
AUTH_ERRORS = (400, 401, 403, 404, 409, 422, 429)
PUBLIC_ERRORS = (400, 422, 429)
_ERROR_TEXT = {
    400: "Malformed request (not JSON, bad cursor, …); plain text from the HTTP parser",
    401: "Missing, expired or invalid credentials",
    403: "Authenticated, but not allowed",
    404: "No such resource, or not visible to the caller",
    409: "Not allowed in the resource's current state",
    413: "Request body too large",
    416: "Range not satisfiable",
    422: "Well-formed but invalid input",
    429: "A limit was reached; retry after `Retry-After` seconds",
    502: "The meeting provider failed",
}


def _problem(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _ERROR_TEXT.get(status, "Problem"),
        "content": {"application/problem+json": {"schema": ref("Problem")}},
    }
    if status == 400:
        # A request the HTTP parser refuses (a request line or header over 8 KiB, a bad header)
        # never reaches the application: aiohttp answers it in plain text.
        response["content"]["text/plain"] = {"schema": STR}
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {
                "required": True,
                "schema": STR,
                "description": "The challenge (RFC 9110 §11.6.1), e.g. "
                '`Bearer realm="interview-server", error="invalid_token"`',
            }
        }
    elif status == 429:
        response["headers"] = {
            "Retry-After": {
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
                "description": "Seconds until a retry may succeed",
            }
        }
    return response


def _rewrite_refs(node: Any) -> Any:
    """pydantic writes ``#/$defs/X``; the document keeps shared schemas in components."""
    if isinstance(node, dict):
        out = {k: _rewrite_refs(v) for k, v in node.items()}
        target = out.get("$ref")
        if isinstance(target, str) and target.startswith("#/$defs/"):
            out["$ref"] = REF.format(model=target.removeprefix("#/$defs/"))
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


# Rules the service checks with its own problem codes (clearer than a schema error), stated in
# the document too so that clients know them: (model, field) → JSON Schema keywords to add.
REFINEMENTS: dict[tuple[str, str], dict[str, Any]] = {
    ("SendMessage", "text"): {"minLength": 1, "pattern": r"\S"},  # empty_message
    ("SlotIn", "duration_minutes"): {"minimum": 1, "maximum": MAX_DURATION_MINUTES},
}


def _refine(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    for (model, prop), extra in REFINEMENTS.items():
        if model == name and prop in schema.get("properties", {}):
            schema["properties"][prop] = {**schema["properties"][prop], **extra}
    return schema


def _strips(node: Any) -> bool:
    """Whether a field's type strips whitespace before checking its minimum length."""
    for meta in getattr(node, "__metadata__", ()) or ():
        if isinstance(meta, StringConstraints) and meta.strip_whitespace and meta.min_length:
            return True
    return any(_strips(arg) for arg in get_args(node))


def _not_blank(model: type[BaseModel], schema: dict[str, Any], by_alias: bool) -> None:
    """``"  "`` is refused by a stripped field with a minimum length; say so (``pattern``)."""
    properties = schema.get("properties", {})
    for name, info in model.model_fields.items():
        key = (info.alias or name) if by_alias else name
        stripped = _strips(info.annotation) or any(
            isinstance(m, StringConstraints) and m.strip_whitespace and m.min_length
            for m in info.metadata
        )
        if key not in properties or not stripped:
            continue
        prop = properties[key]
        for node in [prop, *prop.get("anyOf", [])]:
            if node.get("type") == "string":
                node["pattern"] = r"\S"


def model_schema(model: type[BaseModel], schemas: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """The model's JSON schema with its ``$defs`` hoisted into ``schemas`` (a name used twice
    must mean the same schema)."""
    schema = _rewrite_refs(model.model_json_schema(ref_template=REF, **kwargs))
    _not_blank(model, schema, bool(kwargs.get("by_alias")))
    for name, sub in schema.pop("$defs", {}).items():
        sub = _refine(name, sub)
        if name in schemas and schemas[name] != sub:
            raise ValueError(f"two different schemas are named {name!r}")
        schemas[name] = sub
    return _refine(model.__name__, dict(schema))


def _query_schema(prop: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or a string: drop pydantic's ``null`` branch."""
    branches = prop.get("anyOf")
    if isinstance(branches, list):
        rest = [b for b in branches if b != {"type": "null"}]
        if len(rest) == 1:
            prop = {**{k: v for k, v in prop.items() if k != "anyOf"}, **rest[0]}
            if prop.get("default") is None:
                prop.pop("default", None)
    return prop


def _path_params(path: str) -> list[dict[str, Any]]:
    params = []
    for name, regex in _PARAM.findall(path):
        schema: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}
        if regex and _WORDS.match(regex):
            schema = {"type": "string", "enum": regex.split("|")}
        elif regex:
            schema = {"type": "string", "pattern": f"^(?:{regex})$"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _responses(route: Route) -> dict[str, Any]:
    # A route missing from RESPONSES still gets a document (the contract tests fail on it).
    spec = RESPONSES.get(route.handler.__name__) or Responses(
        {route.success: {"application/json": {"schema": {}}}}
    )
    out: dict[str, Any] = {}
    for status, content in sorted(spec.success.items()):
        response: dict[str, Any] = {"description": "Success", "content": content}
        if status == 200 and 201 in spec.success:
            response["description"] = "Already done: an idempotent replay returns the original"
        if status in spec.headers:
            response["headers"] = spec.headers[status]
        out[str(status)] = response
    errors = set(AUTH_ERRORS if route.auth else PUBLIC_ERRORS) | set(spec.errors)
    if route.body is not None or route.raw_body:
        errors |= {400, 413, 422}
    for status in sorted(errors):
        out[str(status)] = {"$ref": f"#/components/responses/Problem{status}"}
    return out


def build_openapi(routes: Sequence[Route], *, version: str = "0.1.0") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = dict(RESPONSE_SCHEMAS)
    for route in routes:
        op: dict[str, Any] = {
            "summary": route.summary,
            "operationId": route.handler.__name__,
            "tags": [route.tag],
            "responses": _responses(route),
        }
        params = _path_params(route.path)
        if route.query is not None:
            schema = model_schema(route.query, schemas, by_alias=True)
            for name, prop in schema.get("properties", {}).items():
                params.append(
                    {
                        "name": name,
                        "in": "query",
                        "required": name in schema.get("required", []),
                        "schema": _query_schema(prop),
                    }
                )
        if params:
            op["parameters"] = params
        if route.body is not None:
            name = route.body.__name__
            body = model_schema(route.body, schemas)
            if name in schemas and schemas[name] != body:
                raise ValueError(f"two different schemas are named {name!r}")
            schemas[name] = body
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(name)}},
            }
        if route.raw_body:
            op["requestBody"] = {
                "required": True,
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        op["security"] = [{"bearer": []}] if route.auth else []
        paths.setdefault(openapi_path(route.path), {})[route.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "interview-server",
            "version": version,
            "description": "Errors are RFC 9457 problems with a machine-readable `code`.",
        },
        "paths": paths,
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "responses": {f"Problem{status}": _problem(status) for status in sorted(_ERROR_TEXT)},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }


def app_routes() -> list[Route]:
    """The route table of an app as ``create_app`` wires it (nothing is started)."""
    import tempfile
    from pathlib import Path

    from signaling.app import API_ROUTES, create_app
    from signaling.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(data_dir=Path(tmp), dev_mode=True))
        routes: list[Route] = app[API_ROUTES]
        return list(routes)


def document() -> dict[str, Any]:
    """The document of the app's full route table (what ``/api/openapi.json`` serves)."""
    return build_openapi(app_routes())


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    text = dumps(document())
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
