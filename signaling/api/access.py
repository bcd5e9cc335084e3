"""The ``access`` chain: every read (or action) by an auditor or admin is logged, once per
request, by one mechanism rather than by each handler.

How it works:

* :func:`signaling.api.rest.principal` remembers who authenticated on the request.
* :func:`signaling.api.rest.add_routes` wraps every handler of the route table so the request
  carries an :class:`AccessNote` named after the route (``Route.access``).
* Just before the response's headers go out (aiohttp's ``on_response_prepare`` signal, so also
  before a streamed body), :func:`log_on_prepare` appends one entry to the ``access`` chain if
  the caller is an auditor or admin and the status is below 400. A handler only *adds detail*
  (:func:`note_access`); it cannot forget the entry, and a new route is logged by default.
* Failed requests (4xx/5xx) are not logged: nothing was read.
* Recording streams: one entry per stream, not per HTTP Range chunk (see :class:`StreamLog`;
  with Redis, :class:`RedisStreamLog` shares streams across nodes).

The socket edge logs an auditor's ``thread:join`` with :func:`append_access`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web

from signaling.api.context import CTX
from signaling.auth import Principal
from signaling.domain.ports import AuditLog

ACCESS_CHAIN = "access"
ACCESS_EVENT = "audit.access"
PRINCIPAL: web.RequestKey[Principal] = web.RequestKey("principal", Principal)


@dataclass
class AccessNote:
    """What this request's access entry will say."""

    what: str
    detail: dict[str, Any] = field(default_factory=dict)
    skip: bool = False  # a continuation of a stream already logged
    logged: bool = False
    always: bool = False  # log whoever the caller is (e.g. a party downloading a recording)
    stream: tuple[str, str] | None = None  # (user, recording key) this entry starts


ACCESS_NOTE: web.RequestKey[AccessNote] = web.RequestKey("access_note", AccessNote)


def logs_reads(who: Principal | None) -> bool:
    """Whose requests go on the access chain: auditors and admins."""
    return who is not None and who.is_auditor


async def append_access(store: AuditLog, who: Principal, what: str, **detail: Any) -> None:
    """Append one entry to the ``access`` chain now."""
    data = {"what": what, "role": who.role.value, **detail}
    await store.append_audit(ACCESS_CHAIN, ACCESS_EVENT, who.user_id, data)


def note_access(request: web.Request, what: str | None = None, **detail: Any) -> None:
    """Name this request's access entry and add detail to it (written once, at prepare)."""
    note = request.get(ACCESS_NOTE)
    if note is None:
        note = AccessNote(what or f"{request.method} {_canonical(request)}")
        request[ACCESS_NOTE] = note
    if what:
        note.what = what
    note.detail.update(detail)


def skip_access(request: web.Request) -> None:
    """This request continues something already logged (a Range chunk of a logged stream)."""
    note_access(request)
    request[ACCESS_NOTE].skip = True


async def log_stream(request: web.Request, who: Principal, key: str, **detail: Any) -> None:
    """A recording is streamed: log whoever streams it, once per stream (see StreamLog)."""
    note_access(request, "recording.stream", key=key, **detail)
    note = request[ACCESS_NOTE]
    note.always = True
    note.stream = (who.user_id, key)
    if await request.app[STREAM_LOG].is_continuation(who.user_id, key, range_start(request)):
        note.skip = True


async def log_on_prepare(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: the one place an auditor's or admin's request is logged."""
    who = request.get(PRINCIPAL)
    note = request.get(ACCESS_NOTE)
    always = note is not None and note.always
    if who is None or not (logs_reads(who) or always) or response.status >= 400:
        return
    note_access(request)
    note = request[ACCESS_NOTE]
    if note.logged or note.skip:
        return
    note.logged = True
    detail: dict[str, Any] = dict(request.match_info)
    if request.query:
        detail["query"] = dict(request.query)
    detail.update(note.detail)
    await append_access(request.app[CTX].store, who, note.what, **detail)
    if note.stream is not None:
        await request.app[STREAM_LOG].started(*note.stream)


def _canonical(request: web.Request) -> str:
    route = request.match_info.route
    resource = route.resource
    return resource.canonical if resource is not None else request.path


class StreamLog(Protocol):
    """One access entry per recording stream, not one per Range request.

    **A stream** is one user's playback of one recording. A request without ``Range``, or
    whose range starts at byte 0, starts a stream and is logged (playing from the start again
    is a new stream). A request for a range starting later (the player's next chunk, a seek,
    or the index at the end of the file) continues that user's stream of that recording if
    the stream's previous request was within ``window`` seconds
    (``INTERVIEW_RECORDING_STREAM_WINDOW_SECONDS``), and is not logged; each continuation
    extends the stream by another window, so a long playback with seeks stays one entry. A
    later-range request with no live stream is logged as a stream of its own, so skipping
    byte 0 never hides a read. Failed requests (4xx) neither log nor start a stream.
    """

    window: float

    async def is_continuation(self, user_id: str, key: str, first_byte: int | None) -> bool:
        """Whether a request from ``first_byte`` continues a live stream (and extends it)."""
        ...

    async def started(self, user_id: str, key: str) -> None:
        """A stream's entry was written: continuations within the window are not logged."""
        ...

    async def close(self) -> None: ...


class MemoryStreamLog:
    """Streams of this node (one process): the embedded default. With several nodes behind a
    load balancer, use :class:`RedisStreamLog` so a chunk served by another node continues
    the same stream."""

    def __init__(
        self,
        window: float,
        *,
        max_streams: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window
        self.max_streams = max_streams
        self.clock = clock
        self._last: OrderedDict[tuple[str, str], float] = OrderedDict()

    async def is_continuation(self, user_id: str, key: str, first_byte: int | None) -> bool:
        if first_byte == 0:
            return False
        ident = (user_id, key)
        last = self._last.get(ident)
        now = self.clock()
        if last is None or now - last > self.window:
            return False
        self._last[ident] = now  # the stream goes on: another window from now
        self._last.move_to_end(ident)
        return True

    async def started(self, user_id: str, key: str) -> None:
        ident = (user_id, key)
        self._last[ident] = self.clock()
        self._last.move_to_end(ident)
        while len(self._last) > self.max_streams:
            self._last.popitem(last=False)

    async def close(self) -> None:
        return None


class RedisStreamLog:
    """Streams shared by every node through Redis (``INTERVIEW_REDIS_URL``): one key per
    (user, recording) that expires ``window`` seconds after the stream's last request. A
    continuation is one ``PEXPIRE`` (true only if the stream is live, and it extends it); a
    logged stream start is one ``SET … PX``. If Redis fails, the request is logged (never
    fewer entries)."""

    PREFIX = "interview:stream:"

    def __init__(self, url: str, window: float) -> None:
        import redis.asyncio as aioredis

        self.window = window
        self._redis = aioredis.from_url(url)

    def _name(self, user_id: str, key: str) -> str:
        return f"{self.PREFIX}{len(user_id)}:{user_id}:{key}"

    def _ms(self) -> int:
        return max(1, round(self.window * 1000))

    async def is_continuation(self, user_id: str, key: str, first_byte: int | None) -> bool:
        from redis.exceptions import RedisError

        if first_byte == 0 or self.window <= 0:
            return False
        try:
            return bool(await self._redis.pexpire(self._name(user_id, key), self._ms()))
        except RedisError:
            return False

    async def started(self, user_id: str, key: str) -> None:
        from redis.exceptions import RedisError

        if self.window <= 0:
            return
        try:
            await self._redis.set(self._name(user_id, key), b"1", px=self._ms())
        except RedisError:
            return

    async def close(self) -> None:
        await self._redis.aclose()


def stream_log(window: float, redis_url: str = "") -> StreamLog:
    """Shared through Redis when it is configured, else this node's memory."""
    if redis_url:
        return RedisStreamLog(redis_url, window)
    return MemoryStreamLog(window)


def range_start(request: web.Request) -> int | None:
    """The first byte a request asks for: 0 without a Range (or with a malformed one, which
    the file response answers whole or refuses), None for a suffix range (``bytes=-N``)."""
    try:
        rng = request.http_range
    except ValueError:
        return 0
    if rng.start is None:
        return 0
    return None if rng.start < 0 else int(rng.start)


STREAM_LOG: web.AppKey[StreamLog] = web.AppKey("stream_log")
