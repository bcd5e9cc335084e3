"""socket.io edge: typed wrappers around python-socketio (untyped) and the thread events.

Every client event answers through its ack: ``{"ok": true, ...}`` or ``{"ok": false, "code",
"reason"}``. Payloads are parsed once here with pydantic. Events nobody handles ack
``unknown_event``; a handled event sent with other than one argument acks ``bad_arguments``;
reserved names (``connect``, ``disconnect``) sent by a client are ignored; every event counts
against the user's ``socket_event`` limit, and some against their own (``thread:join``,
``call:media``), acking ``rate_limited`` with ``retry_after``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import socketio
from pydantic import BaseModel, ValidationError

from signaling.api import models as m
from signaling.api.access import append_access, logs_reads
from signaling.api.context import AppContext
from signaling.api.problems import validation_detail
from signaling.auth import Principal
from signaling.domain.threads import Role
from signaling.errors import InterviewError, RateLimited, Unauthorized
from signaling.service import message_json, thread_room, user_room

logger = logging.getLogger(__name__)

ModelT = TypeVar("ModelT", bound=BaseModel)
EventHandler = Callable[[Principal, str, Any], Awaitable[dict[str, Any]]]

# SDP is limited to 64 KiB; allow a frame a little larger so the limit is reported clearly.
MAX_FRAME_BYTES = 96 * 1024

# Events with a limit of their own (a name in signaling.ratelimit.Limits), besides the
# ``socket_event`` limit every event counts against.
EVENT_LIMITS: dict[str, str] = {
    "thread:join": "thread_join",
    "call:media": "call_media",
    "thread:typing": "typing",
}


def refusal(code: str, reason: str) -> socketio.exceptions.ConnectionRefusedError:
    """A refused connection as socket.io clients expect it: ``err.message`` is the reason and
    ``err.data`` is ``{code, reason}`` (the web client shows ``data.reason``)."""
    return socketio.exceptions.ConnectionRefusedError(reason, {"code": code, "reason": reason})


def error_ack(code: str, reason: str) -> dict[str, Any]:
    return {"ok": False, "code": code, "reason": reason}


def make_server(redis_url: str) -> Any:
    """A python-socketio AsyncServer for aiohttp; Redis manager when several nodes run."""
    manager = socketio.AsyncRedisManager(redis_url) if redis_url else None
    return socketio.AsyncServer(
        async_mode="aiohttp",
        client_manager=manager,
        cors_allowed_origins=[],
        max_http_buffer_size=MAX_FRAME_BYTES,
        ping_interval=10,
        ping_timeout=10,
        logger=False,
        engineio_logger=False,
    )


class SocketNotifier:
    """The Notifier port over socket.io rooms (works across nodes with the Redis manager)."""

    def __init__(self, sio: Any) -> None:
        self._sio = sio

    async def to_thread(self, thread_id: str, event: str, payload: dict[str, Any]) -> None:
        await self._sio.emit(event, payload, room=thread_room(thread_id))

    async def to_user(self, user_id: str, event: str, payload: dict[str, Any]) -> None:
        await self._sio.emit(event, payload, room=user_room(user_id))


def parse(model: type[ModelT], data: Any) -> ModelT:
    if not isinstance(data, dict):
        raise InterviewError("the payload must be a JSON object", code="invalid")
    try:
        # the JSON types events.py (and the generated web types) state: 0 is not false
        return model.model_validate(m.json_integers(data), strict=True)
    except ValidationError as exc:
        raise InterviewError(validation_detail(exc), code="invalid") from exc


class SocketEdge:
    """Registers events on the socket.io server and keeps who is behind each sid."""

    def __init__(self, sio: Any, ctx: AppContext) -> None:
        self.sio = sio
        self.ctx = ctx
        self._principals: dict[str, Principal] = {}
        self._sids_of: dict[str, set[str]] = {}
        self.on_disconnect: list[Callable[[str, Principal], Awaitable[None]]] = []
        sio.on("connect", self._connect)
        sio.on("disconnect", self._disconnect)
        sio.on("*", self._unknown_event)
        self.on("thread:join", self._thread_join)
        self.on("message:send", self._message_send)

    def principal_of(self, sid: str) -> Principal | None:
        return self._principals.get(sid)

    def on(self, event: str, handler: EventHandler) -> None:
        """Register an event whose handler returns the success ack (or raises)."""

        async def wrapped(sid: str, *args: Any) -> dict[str, Any]:
            who = self._principals.get(sid)
            if who is None:
                return Unauthorized("not authenticated", code="unauthorized").to_ack()
            if len(args) != 1:
                return error_ack(
                    "bad_arguments",
                    f"{event} takes exactly one argument (a JSON object), not {len(args)}",
                )
            try:
                await self._limit(who, event)
                result = await handler(who, sid, args[0])
            except InterviewError as exc:
                if exc.status == 403:
                    logger.info("refused %s user=%s: %s", event, who.user_id, exc.reason)
                return exc.to_ack()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("unhandled error in %s user=%s", event, who.user_id)
                return {"ok": False, "code": "internal", "reason": "an unexpected error occurred"}
            return {"ok": True, **result}

        self.sio.on(event, wrapped)

    async def _limit(self, who: Principal, event: str) -> None:
        limits = self.ctx.threads.limits
        if "socket_event" in limits:
            await limits.check("socket_event", who.user_id)
        own = EVENT_LIMITS.get(event)
        if own is not None and own in limits:
            await limits.check(own, who.user_id)

    async def _unknown_event(self, event: str, sid: str, *args: Any) -> dict[str, Any]:
        """Any event without a handler (python-socketio's catch-all) gets an error ack."""
        who = self._principals.get(sid)
        if who is None:
            return Unauthorized("not authenticated", code="unauthorized").to_ack()
        try:
            await self._limit(who, event)
        except RateLimited as exc:
            return exc.to_ack()
        return error_ack("unknown_event", f"no such event: {event[:64]!r}")

    def _spoofed(self, sid: str) -> bool:
        """True when a client emitted a reserved event (``connect``, ``disconnect``) itself.

        python-socketio runs the real connect and disconnect handlers while the sid is
        pending (not yet, or no longer, connected); a client's own event only reaches a
        handler while the sid is fully connected.
        """
        return bool(self.sio.manager.is_connected(sid, "/"))

    async def _connect(self, sid: str, environ: Any = None, auth: Any = None) -> Any:
        if self._spoofed(sid):
            logger.info("ignored a client-sent 'connect' sid=%s", sid)
            return error_ack("reserved_event", "'connect' is reserved; it cannot be emitted")
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            who = await self.ctx.auth.authenticate(token if isinstance(token, str) else None)
        except InterviewError as exc:
            raise refusal(exc.code, exc.reason) from exc
        if who.is_service:
            raise refusal("forbidden", "the service token cannot open a socket")
        mine = self._sids_of.setdefault(who.user_id, set())
        cap = self.ctx.settings.max_sockets_per_user
        if len(mine) >= cap:
            logger.info("socket refused user=%s: %d open", who.user_id, len(mine))
            raise refusal(
                "too_many_sockets",
                f"at most {cap} connections per user; close another tab or device first",
            )
        mine.add(sid)
        self._principals[sid] = who
        try:
            await self.ctx.store.upsert_user(who.user_id, who.name, who.role.value)
            await self.sio.enter_room(sid, user_room(who.user_id))
        except BaseException:
            self._forget(sid)  # the connection fails: it must not hold a place under the cap
            raise
        return True

    def _forget(self, sid: str) -> Principal | None:
        who = self._principals.pop(sid, None)
        if who is not None:
            mine = self._sids_of.get(who.user_id)
            if mine is not None:
                mine.discard(sid)
                if not mine:
                    del self._sids_of[who.user_id]
        return who

    async def _disconnect(self, sid: str, *_: Any) -> Any:
        if self._spoofed(sid):
            logger.info("ignored a client-sent 'disconnect' sid=%s", sid)
            return error_ack("reserved_event", "'disconnect' is reserved; it cannot be emitted")
        who = self._forget(sid)
        if who is not None:
            for callback in self.on_disconnect:
                try:
                    await callback(sid, who)
                except Exception:
                    logger.exception("disconnect hook failed user=%s", who.user_id)

    async def _thread_join(self, who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.ThreadJoin, data)
        threads = self.ctx.threads
        thread = await threads.visible_thread(who, body.thread_id)
        await self.sio.enter_room(sid, thread_room(thread.id))
        # One bounded page; the client asks again with the last seq while ``has_more``.
        page = self.ctx.settings.thread_join_page_size
        batch = await threads.store.list_messages(
            thread.id, after_seq=body.after_seq, limit=page + 1
        )
        messages = [message_json(x) for x in batch[:page]]
        call_state = None
        calls = self.ctx.calls
        if calls is not None and who.role is not Role.AUDITOR:
            call_state = calls.active_state_json(thread.id)
        if logs_reads(who):  # an auditor's or admin's read goes on the access chain
            await append_access(
                self.ctx.store, who, "thread.join", thread_id=thread.id, after_seq=body.after_seq
            )
        return {
            "thread": await threads.thread_json(thread),
            "messages": messages,
            "has_more": len(batch) > page,
            "call": call_state,
        }

    async def _message_send(self, who: Principal, sid: str, data: Any) -> dict[str, Any]:
        body = parse(m.SocketSend, data)
        outcome = await self.ctx.threads.send_text(
            who, body.thread_id, body.text, body.client_msg_id
        )
        assert outcome.message is not None
        return {"message": message_json(outcome.message), "created": outcome.created}


async def start_server(sio: Any, *, within: float = 10.0) -> None:
    """Start the socket.io manager now rather than on the first connection.

    With the Redis manager this waits until its listener has subscribed. Otherwise a publish
    before that (say, a REST call that notifies users) makes python-socketio create a Redis
    client that the listener then replaces and leaks.
    """
    if sio.manager_initialized:
        return
    sio.manager_initialized = True
    sio.manager.initialize()
    pubsub_manager = getattr(sio.manager, "pubsub", False) is not False
    if not pubsub_manager:
        return
    async with asyncio.timeout(within):
        while not (sio.manager.pubsub is not None and sio.manager.pubsub.subscribed):  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def close_server(sio: Any) -> None:
    """Stop socket.io's background work, including the Redis manager's listener."""
    await sio.shutdown()
    manager = sio.manager
    listener = getattr(manager, "thread", None)
    if isinstance(listener, asyncio.Task) and not listener.done():
        listener.cancel()
        try:
            await listener
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
    for name in ("pubsub", "redis"):
        resource = getattr(manager, name, None)
        closer = getattr(resource, "aclose", None)
        if closer is not None:
            await closer()
