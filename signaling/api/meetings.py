"""REST routes for Zoom meetings, the Zoom webhook, and scheduled calls."""

from __future__ import annotations

from aiohttp import web

from signaling.api import models as m
from signaling.api.rest import Route, json_response, parse_body, principal
from signaling.errors import BadRequest
from signaling.meetings import MeetingService

MEETINGS: web.AppKey[MeetingService] = web.AppKey("meetings", MeetingService)


def service(request: web.Request) -> MeetingService:
    return request.app[MEETINGS]


async def create_meeting(request: web.Request) -> web.Response:
    who = principal(request)
    body = await parse_body(request, m.CreateMeeting)
    if body.start is not None and body.start.tzinfo is None:
        raise BadRequest(
            "start needs a time zone offset (e.g. 2026-11-23T15:00:00Z)", code="naive_datetime"
        )
    result = await service(request).create_zoom(
        who,
        request.match_info["thread_id"],
        topic=body.topic,
        start=body.start,
        duration_minutes=body.duration_minutes,
        timezone=body.timezone,
    )
    return json_response(result, status=201)


async def zoom_webhook(request: web.Request) -> web.Response:
    raw = await request.read()
    return json_response(await service(request).zoom_webhook(request.headers, raw))


async def propose(request: web.Request) -> web.Response:
    who = principal(request)
    body = await parse_body(request, m.ProposeSchedule)
    result = await service(request).propose(
        who, request.match_info["thread_id"], body.slots, body.timezone
    )
    return json_response(result, status=201)


async def accept(request: web.Request) -> web.Response:
    who = principal(request)
    body = await parse_body(request, m.AcceptSchedule)
    return json_response(
        await service(request).accept(
            who, request.match_info["schedule_id"], body.proposal_id, body.slot_index
        )
    )


async def counter(request: web.Request) -> web.Response:
    who = principal(request)
    body = await parse_body(request, m.CounterSchedule)
    return json_response(
        await service(request).counter(
            who, request.match_info["schedule_id"], body.proposal_id, body.slots, body.timezone
        )
    )


async def reschedule(request: web.Request) -> web.Response:
    who = principal(request)
    body = await parse_body(request, m.ProposeSchedule)
    return json_response(
        await service(request).reschedule(
            who, request.match_info["schedule_id"], body.slots, body.timezone
        )
    )


async def cancel(request: web.Request) -> web.Response:
    who = principal(request)
    body = await parse_body(request, m.CancelSchedule)
    return json_response(
        await service(request).cancel(who, request.match_info["schedule_id"], body.reason)
    )


async def get_schedule(request: web.Request) -> web.Response:
    who = principal(request)
    return json_response(await service(request).get(who, request.match_info["schedule_id"]))


async def invite(request: web.Request) -> web.Response:
    who = principal(request)
    data = await service(request).invite(who, request.match_info["schedule_id"])
    return web.Response(
        body=data,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="interview.ics"'},
    )


MEETING_ROUTES: list[Route] = [
    Route(
        "POST",
        "/api/threads/{thread_id}/meetings",
        create_meeting,
        "Create a Zoom meeting",
        body=m.CreateMeeting,
        success=201,
        tag="meetings",
    ),
    Route(
        "POST",
        "/api/webhooks/zoom",
        zoom_webhook,
        "Zoom webhook receiver",
        auth=False,
        tag="meetings",
    ),
    Route(
        "POST",
        "/api/threads/{thread_id}/schedules",
        propose,
        "Propose 1-3 time slots",
        body=m.ProposeSchedule,
        success=201,
        tag="schedules",
    ),
    Route("GET", "/api/schedules/{schedule_id}", get_schedule, "One schedule", tag="schedules"),
    Route(
        "POST",
        "/api/schedules/{schedule_id}/accept",
        accept,
        "Accept a slot",
        body=m.AcceptSchedule,
        tag="schedules",
    ),
    Route(
        "POST",
        "/api/schedules/{schedule_id}/counter",
        counter,
        "Propose other slots",
        body=m.CounterSchedule,
        tag="schedules",
    ),
    Route(
        "POST",
        "/api/schedules/{schedule_id}/reschedule",
        reschedule,
        "Reschedule",
        body=m.ProposeSchedule,
        tag="schedules",
    ),
    Route(
        "POST",
        "/api/schedules/{schedule_id}/cancel",
        cancel,
        "Cancel",
        body=m.CancelSchedule,
        tag="schedules",
    ),
    Route(
        "GET", "/api/schedules/{schedule_id}/invite.ics", invite, "The .ics invite", tag="schedules"
    ),
]
