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
* Recording streams: one entry per stream, not per HTTP Range chunk (see :class:`StreamLog`).

The socket edge logs an auditor's ``thread:join`` with :func:`append_access`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from signaling.api.context import CTX
from signaling.auth import Principal
from signaling.domain.ports import ThreadStore

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


async def append_access(store: ThreadStore, who: Principal, what: str, **detail: Any) -> None:
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


def log_stream(request: web.Request, who: Principal, key: str, **detail: Any) -> None:
    """A recording is streamed: log whoever streams it, once per stream (see StreamLog)."""
    note_access(request, "recording.stream", key=key, **detail)
    note = request[ACCESS_NOTE]
    note.always = True
    note.stream = (who.user_id, key)
    if request.app[STREAM_LOG].is_continuation(who.user_id, key, range_start(request)):
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
        request.app[STREAM_LOG].started(*note.stream)


def _canonical(request: web.Request) -> str:
    route = request.match_info.route
    resource = route.resource
    return resource.canonical if resource is not None else request.path


class StreamLog:
    """One access entry per recording stream, not one per Range request.

    The rule: a request without ``Range``, or whose range starts at byte 0, starts a stream
    and is logged. A request for a range starting later (a seek, or the player reading the
    index at the end of the file) continues the same user's stream of the same recording if
    this node logged one within ``window`` seconds, and is not logged again; otherwise it is
    logged as a stream of its own, so skipping byte 0 never hides a read. (With several nodes,
    a continuation landing on another node may be logged once more there: never fewer.)
    """

    def __init__(self, window: float, *, max_streams: int = 10_000) -> None:
        self.window = window
        self.max_streams = max_streams
        self._last: OrderedDict[tuple[str, str], float] = OrderedDict()

    def is_continuation(self, user_id: str, key: str, first_byte: int | None) -> bool:
        """Whether a request from ``first_byte`` continues a stream logged within the window."""
        if first_byte == 0:
            return False
        last = self._last.get((user_id, key))
        return last is not None and time.monotonic() - last <= self.window

    def started(self, user_id: str, key: str) -> None:
        """A stream's entry was written (continuations within the window are not logged)."""
        ident = (user_id, key)
        self._last[ident] = time.monotonic()
        self._last.move_to_end(ident)
        while len(self._last) > self.max_streams:
            self._last.popitem(last=False)


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


STREAM_LOG: web.AppKey[StreamLog] = web.AppKey("stream_log", StreamLog)
