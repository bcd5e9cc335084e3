"""REST edge. Routes are declared once in ``ROUTES``; the OpenAPI document is built from the
same table, so the two cannot drift apart."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from signaling.api import models as m
from signaling.api.access import (
    PRINCIPAL,
    STREAM_LOG,
    log_on_prepare,
    note_access,
    skip_access,
    stream_log,
)
from signaling.api.context import CTX, AppContext
from signaling.api.problems import validation_detail
from signaling.auth import Principal
from signaling.domain.threads import Role, Stage
from signaling.errors import BadRequest, NotFound, Unprocessable
from signaling.ice import ice_servers
from signaling.service import message_json

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    auth: bool = True
    success: int = 200
    tag: str = "threads"
    # The ``what`` of the access-chain entry an auditor's or admin's request writes
    # (signaling/api/access.py); empty: "METHOD /path". None: not logged (reads nothing).
    access: str | None = ""
    # A request body of raw bytes (a file upload) instead of a JSON ``body`` model.
    raw_body: bool = False


def ctx(request: web.Request) -> AppContext:
    return request.app[CTX]


def principal(request: web.Request) -> Principal:
    """Authenticate the caller from ``Authorization: Bearer``."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    who = ctx(request).auth.verify(token)
    request[PRINCIPAL] = who  # the access log (signaling/api/access.py) needs the caller
    return who


async def remember(request: web.Request, who: Principal) -> None:
    """Keep the profile row fresh from the token (accounts belong to the marketplace)."""
    if not who.is_service:
        await ctx(request).store.upsert_user(who.user_id, who.name, who.role.value)


async def parse_body(request: web.Request, model: type[ModelT]) -> ModelT:
    raw = await request.read()
    if not raw:
        raise BadRequest("a JSON body is required", code="body_missing")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}", code="bad_json") from exc
    if not isinstance(data, dict):
        raise Unprocessable("the body must be a JSON object", code="invalid")
    try:
        # JSON types as the OpenAPI document states them: `0` is not `false` and `"5"` is not
        # `5` (pydantic's lax mode would coerce both), but `2.0` is the integer 2.
        return model.model_validate(m.json_integers(data), strict=True)
    except ValidationError as exc:
        raise Unprocessable(validation_detail(exc), code="invalid") from exc


def parse_query(request: web.Request, model: type[ModelT]) -> ModelT:
    try:
        return model.model_validate(dict(request.query))
    except ValidationError as exc:
        raise Unprocessable(validation_detail(exc), code="invalid_query") from exc


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda o: json.dumps(o, default=str))


# ----------------------------------------------------------------------------- handlers
async def get_config(request: web.Request) -> web.Response:
    s = ctx(request).settings
    return json_response(
        {
            "dev_mode": s.dev_mode,
            "zoom_enabled": s.zoom_enabled,
            "recording_policy": s.recording,
            "policy_action": s.policy_action,
            "ring_timeout_seconds": s.ring_timeout_seconds,
            "file_max_bytes": s.file_max_bytes,
        }
    )


def _require_dev(request: web.Request) -> None:
    if not ctx(request).settings.dev_mode:
        raise NotFound("not found", code="not_found")


async def dev_users(request: web.Request) -> web.Response:
    _require_dev(request)
    from signaling.demo import DEMO_USERS

    return json_response(
        {
            "users": [
                {"user_id": u.user_id, "name": u.name, "role": u.role.value} for u in DEMO_USERS
            ]
        }
    )


async def dev_login(request: web.Request) -> web.Response:
    _require_dev(request)
    body = await parse_body(request, m.DevLogin)
    c = ctx(request)
    token = c.auth.issue(body.user_id, body.name, Role(body.role))
    await c.store.upsert_user(body.user_id, body.name, body.role)
    return json_response({"token": token})


async def get_me(request: web.Request) -> web.Response:
    who = principal(request)
    await remember(request, who)
    return json_response({"user_id": who.user_id, "name": who.name, "role": who.role.value})


async def list_threads(request: web.Request) -> web.Response:
    who = principal(request)
    await remember(request, who)
    c = ctx(request)
    threads = await c.threads.list_threads(who)
    return json_response({"threads": [await c.threads.thread_json(t) for t in threads]})


async def create_thread(request: web.Request) -> web.Response:
    who = principal(request)
    body = await parse_body(request, m.CreateThread)
    await remember(request, who)
    c = ctx(request)
    thread, created = await c.threads.create_thread(
        who,
        job_id=body.job_id,
        job_title=body.job_title,
        freelancer_id=body.freelancer_id,
        client_id=body.client_id,
    )
    return json_response(await c.threads.thread_json(thread), status=201 if created else 200)


async def get_thread(request: web.Request) -> web.Response:
    who = principal(request)
    c = ctx(request)
    thread = await c.threads.visible_thread(who, request.match_info["thread_id"])
    return json_response(await c.threads.thread_json(thread))


async def list_messages(request: web.Request) -> web.Response:
    who = principal(request)
    query = parse_query(request, m.MessagesQuery)
    c = ctx(request)
    messages = await c.threads.messages(
        who, request.match_info["thread_id"], after_seq=query.after_seq, limit=query.limit
    )
    return json_response({"messages": [message_json(x) for x in messages]})


async def send_message(request: web.Request) -> web.Response:
    who = principal(request)
    body = await parse_body(request, m.SendMessage)
    await remember(request, who)
    outcome = await ctx(request).threads.send_text(
        who, request.match_info["thread_id"], body.text, body.client_msg_id
    )
    assert outcome.message is not None  # a blocked send raised PolicyViolation
    return json_response(message_json(outcome.message), status=201 if outcome.created else 200)


async def set_stage(request: web.Request) -> web.Response:
    who = principal(request)
    body = await parse_body(request, m.SetStage)
    c = ctx(request)
    thread = await c.threads.set_stage(who, request.match_info["thread_id"], Stage(body.stage))
    return json_response(await c.threads.thread_json(thread))


async def get_ice_servers(request: web.Request) -> web.Response:
    who = principal(request)
    query = parse_query(request, m.IceServersQuery)
    c = ctx(request)
    # A TURN relay costs bandwidth and reaches networks: credentials go only to the two
    # parties of an open thread (404 to strangers, 403 to auditors and the service token).
    await c.threads.open_thread(who, query.thread_id)
    s = c.settings
    return json_response(
        ice_servers(
            stun_urls=s.stun_urls,
            turn_urls=s.turn_urls,
            turn_secret=s.turn_secret,
            user_id=who.user_id,
            now=time.time(),
            ttl=s.turn_ttl_seconds,
        )
    )


ROUTES: list[Route] = [
    Route("GET", "/api/config", get_config, "Public client configuration", auth=False, tag="meta"),
    Route("GET", "/api/dev/users", dev_users, "Demo users (dev mode only)", auth=False, tag="dev"),
    Route(
        "POST",
        "/api/dev/login",
        dev_login,
        "Issue a dev token (dev mode only)",
        body=m.DevLogin,
        auth=False,
        tag="dev",
    ),
    Route("GET", "/api/me", get_me, "The caller's profile", tag="meta", access=None),
    Route("GET", "/api/threads", list_threads, "The caller's threads", access="threads.list"),
    Route(
        "POST",
        "/api/threads",
        create_thread,
        "Open a thread (client or service token)",
        body=m.CreateThread,
        success=201,
    ),
    Route("GET", "/api/threads/{thread_id}", get_thread, "One thread", access="thread.read"),
    Route(
        "GET",
        "/api/threads/{thread_id}/messages",
        list_messages,
        "Messages after a seq",
        query=m.MessagesQuery,
        access="messages.read",
    ),
    Route(
        "POST",
        "/api/threads/{thread_id}/messages",
        send_message,
        "Send a text message",
        body=m.SendMessage,
        success=201,
    ),
    Route(
        "POST",
        "/api/threads/{thread_id}/stage",
        set_stage,
        "Move the thread's stage",
        body=m.SetStage,
    ),
    Route(
        "GET",
        "/api/ice-servers",
        get_ice_servers,
        "STUN/TURN servers for a call in a thread (its parties only)",
        query=m.IceServersQuery,
        tag="calls",
    ),
]


def add_routes(app: web.Application, routes: list[Route]) -> None:
    """Register the route table; every handler is wrapped so that an auditor's or admin's
    request is logged on the ``access`` chain (once, when its response is prepared)."""
    if log_on_prepare not in app.on_response_prepare:
        app.on_response_prepare.append(log_on_prepare)
        settings = app[CTX].settings
        streams = stream_log(settings.recording_stream_window_seconds, settings.redis_url)
        app[STREAM_LOG] = streams

        async def close_streams(app: web.Application) -> None:
            await streams.close()

        app.on_cleanup.append(close_streams)
    for route in routes:
        app.router.add_route(route.method, route.path, _access_logged(route))


def _access_logged(route: Route) -> Handler:
    handler = route.handler
    what = route.access or f"{route.method} {route.path}"

    async def logged(request: web.Request) -> web.StreamResponse:
        note_access(request, what)
        if route.access is None:
            skip_access(request)
        return await handler(request)

    logged.__name__ = getattr(handler, "__name__", "handler")
    logged.__doc__ = handler.__doc__
    return logged
