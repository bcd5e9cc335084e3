"""A local Zoom double: an aiohttp server speaking Zoom's documented OAuth and meeting API.

Implements ``POST /oauth/token`` (Server-to-Server OAuth, ``account_credentials``),
``POST /v2/users/me/meetings``, ``GET/PATCH/DELETE /v2/meetings/{id}`` with Zoom's request
and response shapes and error bodies (``{code, message}``). It checks the Basic and Bearer
auth headers and validates payloads the way Zoom does (type 1/2/8, topic length, start_time
format). Switches inject failures: expired tokens (401, Zoom code 124), 429 with
``Retry-After``, 5xx, arbitrary error JSON. Every request is recorded for assertions.

Also: :func:`sign_webhook` signs a webhook body exactly as Zoom does, and builders for the
meeting events the platform consumes.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

START_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?$")


@dataclass(frozen=True)
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    form: dict[str, str]
    json: Any


@dataclass
class Injection:
    """A canned answer for the next ``times`` matching requests."""

    status: int
    body: Any
    headers: dict[str, str]
    times: int
    method: str | None
    path_prefix: str


@dataclass
class FakeZoom:
    """The fake's state. Start it with :func:`running_fake_zoom`."""

    account_id: str = "acct-123"
    client_id: str = "client-abc"
    client_secret: str = "secret-xyz"
    expires_in: int = 3599
    delay: float = 0.0  # seconds every answer waits (to test client timeouts)
    requests: list[Recorded] = field(default_factory=list)
    meetings: dict[int, dict[str, Any]] = field(default_factory=dict)
    valid_tokens: set[str] = field(default_factory=set)
    tokens_issued: int = 0
    injections: list[Injection] = field(default_factory=list)
    base_url: str = ""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(85746065432))

    # ------------------------------------------------------------------ URLs for the client
    @property
    def oauth_url(self) -> str:
        return f"{self.base_url}/oauth/token"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/v2"

    # ------------------------------------------------------------------ switches
    def expire_tokens(self) -> None:
        """Every token issued so far stops working (the API answers 401, Zoom code 124)."""
        self.valid_tokens.clear()

    def inject(
        self,
        status: int,
        body: Any = None,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
        method: str | None = None,
        path_prefix: str = "/v2/",
    ) -> None:
        """Answer the next ``times`` matching requests with this status and JSON body."""
        self.injections.append(
            Injection(status, body, dict(headers or {}), times, method, path_prefix)
        )

    def rate_limit(self, *, times: int = 1, retry_after: str = "1") -> None:
        self.inject(
            429,
            {
                "code": 429,
                "message": "You have reached the maximum per-second rate limit for this API. "
                "Try again later.",
            },
            times=times,
            headers={"Retry-After": retry_after},
        )

    def server_error(self, *, times: int = 1, status: int = 503) -> None:
        self.inject(
            status, {"code": status, "message": "Service temporarily unavailable."}, times=times
        )

    def api_requests(self, method: str | None = None) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if r.path.startswith("/v2/") and (method is None or r.method == method)
        ]

    def token_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/oauth/token"]

    # ------------------------------------------------------------------ the app
    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._record_and_inject])
        app.router.add_post("/oauth/token", self._token)
        app.router.add_post("/v2/users/me/meetings", self._create)
        app.router.add_get("/v2/meetings/{id}", self._get)
        app.router.add_patch("/v2/meetings/{id}", self._update)
        app.router.add_delete("/v2/meetings/{id}", self._delete)
        return app

    @web.middleware
    async def _record_and_inject(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if self.delay:
            await asyncio.sleep(self.delay)
        raw = await request.read()
        form: dict[str, str] = {}
        body: Any = None
        if request.content_type == "application/x-www-form-urlencoded":
            form = {k: str(v) for k, v in (await request.post()).items()}
        elif raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode(errors="replace")
        self.requests.append(
            Recorded(
                request.method, request.path, dict(request.headers), dict(request.query), form, body
            )
        )
        for injection in self.injections:
            if (
                injection.times > 0
                and request.path.startswith(injection.path_prefix)
                and (injection.method is None or injection.method == request.method)
            ):
                injection.times -= 1
                return web.json_response(
                    injection.body, status=injection.status, headers=injection.headers
                )
        response: web.StreamResponse = await handler(request)
        return response

    async def _token(self, request: web.Request) -> web.Response:
        expected = (
            "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        )
        if request.headers.get("Authorization") != expected:
            return web.json_response(
                {"reason": "Invalid client_id or client_secret", "error": "invalid_client"},
                status=401,
            )
        params = {**request.query, **(await request.post())}
        if params.get("grant_type") != "account_credentials":
            return web.json_response(
                {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}, status=400
            )
        if params.get("account_id") != self.account_id:
            return web.json_response(
                {"reason": "Invalid request : Invalid account_id", "error": "invalid_request"},
                status=400,
            )
        self.tokens_issued += 1
        token = f"fake-token-{self.tokens_issued}-{secrets.token_hex(4)}"
        self.valid_tokens.add(token)
        return web.json_response(
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": self.expires_in,
                "scope": "meeting:write:admin meeting:read:admin",
                "api_url": "https://api.zoom.us",
            }
        )

    def _bearer_error(self, request: web.Request) -> web.Response | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return web.json_response({"code": 124, "message": "Invalid access token."}, status=401)
        if header.removeprefix("Bearer ") not in self.valid_tokens:
            return web.json_response(
                {"code": 124, "message": "Access token is expired."}, status=401
            )
        return None

    @staticmethod
    def _validation_error(field_name: str, message: str) -> web.Response:
        return web.json_response(
            {
                "code": 300,
                "message": "Validation Failed.",
                "errors": [{"field": field_name, "message": message}],
            },
            status=400,
        )

    def _validate(self, body: Any, *, partial: bool) -> web.Response | None:
        if not isinstance(body, dict):
            return web.json_response(
                {"code": 300, "message": "Request Body should be a valid JSON object."}, status=400
            )
        if not partial or "type" in body:
            if body.get("type", 2) not in (1, 2, 8):
                return self._validation_error("type", "Invalid field.")
        if "topic" in body and (not isinstance(body["topic"], str) or len(body["topic"]) > 200):
            return self._validation_error("topic", "Invalid field.")
        if "start_time" in body and not (
            isinstance(body["start_time"], str) and START_TIME.match(body["start_time"])
        ):
            return self._validation_error("start_time", "Invalid field.")
        if not partial and body.get("type", 2) == 2 and "start_time" not in body:
            return self._validation_error("start_time", "Scheduled meetings need a start time.")
        if "duration" in body and not (isinstance(body["duration"], int) and body["duration"] > 0):
            return self._validation_error("duration", "Invalid field.")
        return None

    async def _create(self, request: web.Request) -> web.Response:
        if (error := self._bearer_error(request)) is not None:
            return error
        body = self.requests[-1].json
        if (error := self._validate(body, partial=False)) is not None:
            return error
        meeting_id = next(self._ids)
        password = secrets.token_hex(3)
        meeting = {
            "uuid": base64.b64encode(secrets.token_bytes(16)).decode(),
            "id": meeting_id,
            "host_id": "KdYKjnimT4KPd8FFgQt9FQ",
            "host_email": "host@example.invalid",
            "topic": body.get("topic", "Zoom Meeting"),
            "type": body.get("type", 2),
            "status": "waiting",
            "start_time": body.get("start_time", "2024-01-01T00:00:00Z"),
            "duration": body.get("duration", 60),
            "timezone": body.get("timezone", "UTC"),
            "created_at": "2024-01-01T00:00:00Z",
            "start_url": f"https://zoom.us/s/{meeting_id}?zak=fake",
            "join_url": f"https://zoom.us/j/{meeting_id}?pwd={password}",
            "password": password,
            "h323_password": password,
            "pstn_password": password,
            "encrypted_password": password,
            "settings": body.get("settings", {}),
            "pre_schedule": False,
        }
        self.meetings[meeting_id] = meeting
        return web.json_response(meeting, status=201)

    def _find(self, request: web.Request) -> tuple[int, web.Response | None]:
        raw = request.match_info["id"]
        meeting_id = int(raw) if raw.isdigit() else -1
        if meeting_id not in self.meetings:
            return meeting_id, web.json_response(
                {"code": 3001, "message": f"Meeting does not exist: {raw}."}, status=404
            )
        return meeting_id, None

    async def _get(self, request: web.Request) -> web.Response:
        if (error := self._bearer_error(request)) is not None:
            return error
        meeting_id, error = self._find(request)
        return error or web.json_response(self.meetings[meeting_id])

    async def _update(self, request: web.Request) -> web.Response:
        if (error := self._bearer_error(request)) is not None:
            return error
        meeting_id, error = self._find(request)
        if error is not None:
            return error
        body = self.requests[-1].json
        if (error := self._validate(body, partial=True)) is not None:
            return error
        self.meetings[meeting_id].update(body)
        return web.Response(status=204)

    async def _delete(self, request: web.Request) -> web.Response:
        if (error := self._bearer_error(request)) is not None:
            return error
        meeting_id, error = self._find(request)
        if error is not None:
            return error
        del self.meetings[meeting_id]
        return web.Response(status=204)


@asynccontextmanager
async def running_fake_zoom(fake: FakeZoom | None = None) -> AsyncIterator[FakeZoom]:
    """Serve a :class:`FakeZoom` on 127.0.0.1 at a random port for the block's duration."""
    fake = fake or FakeZoom()
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    fake.base_url = str(server.make_url("")).rstrip("/")
    try:
        yield fake
    finally:
        await server.close()


# ---------------------------------------------------------------------- webhooks
def sign_webhook(secret: str, body: bytes, timestamp: str | int) -> dict[str, str]:
    """The headers Zoom sends with a webhook: ``v0=`` + hex HMAC-SHA256 of ``v0:{ts}:{body}``.

    ``timestamp`` is epoch seconds, as Zoom puts it in ``x-zm-request-timestamp``.
    """
    message = f"v0:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return {
        "x-zm-request-timestamp": str(timestamp),
        "x-zm-signature": f"v0={digest}",
        "content-type": "application/json; charset=utf-8",
    }


def webhook_body(payload: dict[str, Any]) -> bytes:
    """Serialize like Zoom (compact JSON); the signature covers these exact bytes."""
    return json.dumps(payload, separators=(",", ":")).encode()


def _meeting_object(meeting_id: int | str, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(meeting_id),
        "uuid": "4444AAAiAAAAAiAiAiiAii==",
        "host_id": "KdYKjnimT4KPd8FFgQt9FQ",
        "topic": "Interview",
        "type": 2,
        "start_time": "2024-05-01T15:00:00Z",
        "timezone": "America/New_York",
        "duration": 60,
        **extra,
    }


def meeting_event(
    event: str,
    meeting_id: int | str,
    *,
    event_ts: int,
    participant: dict[str, Any] | None = None,
    **object_fields: Any,
) -> dict[str, Any]:
    """A meeting webhook payload as Zoom posts it."""
    obj = _meeting_object(meeting_id, **object_fields)
    if participant is not None:
        obj["participant"] = participant
    return {
        "event": event,
        "event_ts": event_ts,
        "payload": {"account_id": "acct-123", "object": obj},
    }


def participant(
    user_id: str,
    user_name: str,
    *,
    join_time: str | None = None,
    leave_time: str | None = None,
    participant_uuid: str | None = None,
    customer_key: str | None = None,
) -> dict[str, Any]:
    """A ``participant`` object of a joined/left event (with the contact fields Zoom sends)."""
    p: dict[str, Any] = {
        "user_id": user_id,
        "user_name": user_name,
        "id": "",
        "participant_uuid": participant_uuid or f"uuid-{user_id}",
        "email": f"{user_name.lower().replace(' ', '.')}@example.invalid",
        "phone_number": "",
    }
    if join_time is not None:
        p["join_time"] = join_time
    if leave_time is not None:
        p["leave_time"] = leave_time
        p["leave_reason"] = "left the meeting. Reason : left the meeting"
    if customer_key is not None:
        p["customer_key"] = customer_key
    return p


def url_validation_event(plain_token: str, *, event_ts: int) -> dict[str, Any]:
    return {
        "event": "endpoint.url_validation",
        "event_ts": event_ts,
        "payload": {"plainToken": plain_token},
    }
