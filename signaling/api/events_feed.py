"""The event feed's REST edge: pull (``GET /api/events``) and the dead letters (admin).

``GET /api/events?after=<cursor>&types=a,b&limit=n`` is for the marketplace backend's service
token only: events in commit order after ``cursor`` (the ``cursor`` of the last event it
processed; ``0`` for the beginning), and ``next_cursor`` to pass next time (the same cursor
when nothing is new). Cursors are feed positions, handed out after commit in the order rows
become visible (see :mod:`signaling.events.outbox`), so paging never skips an event that
committed late.
"""

from __future__ import annotations

import re
from typing import Annotated

from aiohttp import web
from pydantic import Field, StringConstraints

from signaling.api import models as m
from signaling.api.rest import Route, json_response, parse_body, parse_query, principal
from signaling.auth import Principal
from signaling.domain.threads import Role
from signaling.errors import Forbidden
from signaling.events.catalogue import CATALOGUE
from signaling.events.outbox import DEAD, CursorOutbox, OutboxStore, utcnow

EVENTS_OUTBOX: web.AppKey[OutboxStore] = web.AppKey("events_outbox", OutboxStore)

Cursor = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,18}$")]
EventId = Annotated[str, StringConstraints(pattern=r"^evt_[0-9a-f]{32}$")]
_TYPE = "(?:" + "|".join(re.escape(name) for name in CATALOGUE) + ")"
EventTypes = Annotated[str, StringConstraints(pattern=f"^{_TYPE}(?:,{_TYPE})*$")]


class EventsQuery(m.Strict):
    after: Cursor = "0"
    types: EventTypes | None = None  # comma-separated catalogue names
    limit: int = Field(default=100, ge=1, le=1000)


class DeadLetterQuery(m.Strict):
    after: Cursor = "0"
    limit: int = Field(default=100, ge=1, le=1000)


class ReplayDeadLetters(m.Strict):
    """Which dead letters to deliver again (``/replay-all``: every one)."""

    event_ids: Annotated[list[EventId], Field(min_length=1, max_length=1000)]


def _service(request: web.Request) -> Principal:
    who = principal(request)
    if not who.is_service:
        raise Forbidden("the event feed is for the marketplace backend", code="not_service")
    return who


def _admin_or_service(request: web.Request) -> Principal:
    who = principal(request)
    if not (who.is_service or who.role is Role.ADMIN):
        raise Forbidden("dead letters are for admins and the backend", code="not_admin")
    return who


def _types(raw: str | None) -> list[str]:
    """The names of ``types`` (the query model already refused anything else)."""
    return [part for part in (raw or "").split(",") if part in CATALOGUE]


async def list_events(request: web.Request) -> web.Response:
    """Events in commit order after a cursor (the marketplace backend's service token)."""
    _service(request)
    q = parse_query(request, EventsQuery)
    after = int(q.after)
    rows = await request.app[EVENTS_OUTBOX].events_after(
        after, types=_types(q.types), limit=q.limit
    )
    return json_response(
        {
            "events": [r.envelope() for r in rows],
            "next_cursor": str(rows[-1].cursor if rows else after),
        }
    )


async def list_dead_letters(request: web.Request) -> web.Response:
    """Events whose delivery was given up, with their last error, and the queue's counts."""
    _admin_or_service(request)
    q = parse_query(request, DeadLetterQuery)
    outbox = request.app[EVENTS_OUTBOX]
    rows = await outbox.by_state(DEAD, after=int(q.after), limit=q.limit)
    return json_response(
        {
            "events": [r.admin_json() for r in rows],
            "next_cursor": str(rows[-1].cursor if rows else q.after),
            "counts": await outbox.counts(),
            "batch": await CursorOutbox(outbox).status(),
        }
    )


async def replay_dead_letters(request: web.Request) -> web.Response:
    """Queue dead letters for delivery again (attempts start over)."""
    _admin_or_service(request)
    body = await parse_body(request, ReplayDeadLetters)
    replayed = await request.app[EVENTS_OUTBOX].replay(body.event_ids, now=utcnow())
    return json_response({"replayed": replayed})


async def replay_all_dead_letters(request: web.Request) -> web.Response:
    """Queue every dead letter for delivery again."""
    _admin_or_service(request)
    replayed = await request.app[EVENTS_OUTBOX].replay(None, now=utcnow())
    return json_response({"replayed": replayed})


EVENT_ROUTES: list[Route] = [
    Route(
        "GET",
        "/api/events",
        list_events,
        "The event feed in commit order after a cursor (service token)",
        query=EventsQuery,
        tag="events",
    ),
    Route(
        "GET",
        "/api/events/dead-letters",
        list_dead_letters,
        "Events whose webhook delivery was given up (admins and the backend)",
        query=DeadLetterQuery,
        tag="events",
    ),
    Route(
        "POST",
        "/api/events/dead-letters/replay",
        replay_dead_letters,
        "Deliver the listed dead letters again (admins and the backend)",
        body=ReplayDeadLetters,
        tag="events",
    ),
    Route(
        "POST",
        "/api/events/dead-letters/replay-all",
        replay_all_dead_letters,
        "Deliver every dead letter again (admins and the backend)",
        tag="events",
    ),
]
