"""Zoom webhooks: signature check, URL validation and event parsing (pure functions).

Zoom signs each delivery with ``x-zm-signature: v0=<hex HMAC-SHA256(secret,
"v0:{x-zm-request-timestamp}:{raw body}")>``; the timestamp is in seconds. The edge reads
the raw body *before* parsing JSON, calls :func:`verify_signature`, answers
``endpoint.url_validation`` with :func:`url_validation_response`, and turns the rest into
:class:`~signaling.domain.zoom_log.ZoomEvent` with :func:`parse_event`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from signaling.domain.zoom_log import (
    HANDLED_EVENTS,
    PARTICIPANT_JOINED,
    PARTICIPANT_LEFT,
    ZoomEvent,
    ZoomParticipant,
)
from signaling.errors import Unauthorized, Unprocessable

URL_VALIDATION = "endpoint.url_validation"
SIGNATURE_HEADER = "x-zm-signature"
TIMESTAMP_HEADER = "x-zm-request-timestamp"
MAX_AGE_SECONDS = 300.0

__all__ = [
    "URL_VALIDATION",
    "Delivery",
    "InvalidZoomEvent",
    "WebhookRejected",
    "ZoomEvent",
    "ZoomParticipant",
    "parse_event",
    "plain_token",
    "process_delivery",
    "url_validation_response",
    "verify_signature",
]


class WebhookRejected(Unauthorized):
    """A webhook whose signature does not prove it came from Zoom (HTTP 401).

    Codes: ``missing_header``, ``bad_timestamp``, ``stale_timestamp``, ``bad_signature``.
    """

    default_code = "bad_signature"
    # Zoom proves itself with the x-zm-signature header, not with a bearer token.
    challenge = 'x-zm-signature realm="zoom-webhook"'


class InvalidZoomEvent(Unprocessable):
    """A signed webhook whose JSON does not have the shape Zoom documents (HTTP 422)."""

    default_code = "bad_zoom_event"


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_signature(
    secret: str,
    timestamp: str | None,
    raw_body: bytes,
    signature: str | None,
    *,
    now: float,
    max_age: float = MAX_AGE_SECONDS,
) -> None:
    """Raise :class:`WebhookRejected` unless Zoom signed this body within ``max_age`` s.

    ``now`` is the receiver's wall clock in epoch seconds; timestamps too far in the future
    are stale too, so a captured request cannot be replayed later by forging a future time.
    """
    if not timestamp or not signature:
        missing = TIMESTAMP_HEADER if not timestamp else SIGNATURE_HEADER
        raise WebhookRejected(f"the {missing} header is missing", code="missing_header")
    try:
        sent_at = float(timestamp)
    except ValueError:
        sent_at = math.nan
    if not math.isfinite(sent_at):
        raise WebhookRejected(
            f"the {TIMESTAMP_HEADER} header is not a number", code="bad_timestamp"
        )
    if abs(now - sent_at) > max_age:
        raise WebhookRejected(
            f"the webhook timestamp is more than {max_age:.0f} s away from now",
            code="stale_timestamp",
        )
    expected = "v0=" + _hmac_hex(secret, f"v0:{timestamp}:".encode() + raw_body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise WebhookRejected("the webhook signature does not match", code="bad_signature")


def url_validation_response(secret: str, plain_token: str) -> dict[str, str]:
    """The answer to ``endpoint.url_validation``: the token and its hex HMAC-SHA256."""
    return {"plainToken": plain_token, "encryptedToken": _hmac_hex(secret, plain_token.encode())}


def plain_token(payload: dict[str, Any]) -> str | None:
    """The ``plainToken`` of an ``endpoint.url_validation`` payload, else ``None``."""
    if payload.get("event") != URL_VALIDATION:
        return None
    inner = payload.get("payload")
    token = inner.get("plainToken") if isinstance(inner, dict) else None
    if not isinstance(token, str) or not token:
        raise InvalidZoomEvent("endpoint.url_validation without a plainToken")
    return token


# ---------------------------------------------------------------------- parsing
class _Participant(BaseModel):
    # Zoom also sends email and phone_number: ignored so they never reach a record.
    model_config = ConfigDict(extra="ignore")

    user_id: str = ""
    user_name: str = ""
    id: str | None = None
    participant_uuid: str | None = None
    customer_key: str | None = None
    join_time: datetime | None = None
    leave_time: datetime | None = None

    @field_validator("user_id", "id", mode="before")
    @classmethod
    def _to_str(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("join_time", "leave_time", mode="before")
    @classmethod
    def _empty_time(cls, value: Any) -> Any:
        return None if value == "" else value

    def key(self) -> str:
        for candidate in (self.customer_key, self.participant_uuid, self.id, self.user_id):
            if candidate:
                return candidate
        raise ValueError("participant has no id")


class _Object(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    uuid: str = ""
    start_time: datetime | None = None
    end_time: datetime | None = None
    participant: _Participant | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_to_str(cls, value: Any) -> Any:
        # Older deliveries carry the meeting id as a number, newer ones as a string.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("start_time", "end_time", mode="before")
    @classmethod
    def _empty_time(cls, value: Any) -> Any:
        return None if value == "" else value


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore")

    object: _Object


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="ignore")

    event: str
    event_ts: int
    payload: _Payload


def parse_event(payload: dict[str, Any]) -> ZoomEvent:
    """Parse a ``meeting.*`` webhook body; raises :class:`InvalidZoomEvent` naming the field."""
    try:
        envelope = _Envelope.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidZoomEvent(
            f"the Zoom event is malformed at {where}: {first['msg']}", field=where
        ) from None
    obj = envelope.payload.object
    participant: ZoomParticipant | None = None
    if obj.participant is not None:
        p = obj.participant
        try:
            key = p.key()
        except ValueError:
            raise InvalidZoomEvent(
                "the Zoom participant has no id", field="payload.object.participant"
            ) from None
        for value in (p.join_time, p.leave_time):
            if value is not None and value.utcoffset() is None:
                raise InvalidZoomEvent(
                    "a Zoom participant time has no UTC offset", field="payload.object.participant"
                )
        participant = ZoomParticipant(
            key=key,
            user_id=p.user_id,
            name=p.user_name,
            join_time=p.join_time,
            leave_time=p.leave_time,
            customer_key=p.customer_key or None,
        )
    if envelope.event in (PARTICIPANT_JOINED, PARTICIPANT_LEFT) and participant is None:
        raise InvalidZoomEvent(
            f"{envelope.event} without payload.object.participant",
            field="payload.object.participant",
        )
    try:
        return ZoomEvent(
            event=envelope.event,
            meeting_id=obj.id,
            event_ts=envelope.event_ts,
            meeting_uuid=obj.uuid,
            start_time=obj.start_time,
            end_time=obj.end_time,
            participant=participant,
        )
    except ValueError as exc:
        raise InvalidZoomEvent(f"the Zoom event is invalid: {exc}") from None


# ---------------------------------------------------------------------- one delivery
@dataclass(frozen=True)
class Delivery:
    """What to do with one verified webhook delivery.

    Exactly one of: ``response`` (answer ``endpoint.url_validation`` with this JSON),
    ``event`` (a meeting event to fold into that meeting's call log), or neither (an event
    type the platform does not use: answer 200/204 and drop it).
    """

    response: dict[str, str] | None = None
    event: ZoomEvent | None = None


def process_delivery(
    secret: str,
    headers: Mapping[str, str],
    raw_body: bytes,
    *,
    now: float,
    max_age: float = MAX_AGE_SECONDS,
) -> Delivery:
    """Verify, then parse, one ``POST /api/webhooks/zoom`` delivery.

    ``headers`` must look names up case-insensitively (aiohttp's ``request.headers`` does).
    Raises :class:`WebhookRejected` (401) before looking at the body when the signature or
    timestamp is wrong, and :class:`InvalidZoomEvent` (422) for a body that is not Zoom's
    shape. URL validation requests are signed too, so they are verified like the rest.
    """
    verify_signature(
        secret,
        headers.get(TIMESTAMP_HEADER),
        raw_body,
        headers.get(SIGNATURE_HEADER),
        now=now,
        max_age=max_age,
    )
    try:
        payload = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidZoomEvent("the Zoom webhook body is not JSON") from None
    if not isinstance(payload, dict):
        raise InvalidZoomEvent("the Zoom webhook body is not a JSON object")
    token = plain_token(payload)
    if token is not None:
        return Delivery(response=url_validation_response(secret, token))
    if payload.get("event") not in HANDLED_EVENTS:
        return Delivery()
    return Delivery(event=parse_event(payload))
