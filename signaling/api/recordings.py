"""Recording access: auditors list and stream recordings (HTTP Range); every access is an
audit event. Parties see that a recording exists; they may download only if the deployment
allows it (``INTERVIEW_RECORDING_PARTIES_CAN_DOWNLOAD``).

Which recordings exist comes from the call records through the narrow
:class:`~signaling.domain.ports.RecordingIndex` port; the bytes come from the storage port
(local directory or S3 bucket, :mod:`recording.wiring`)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from recording.naming import composite_key, media_type, parse_key
from signaling.api.access import log_stream
from signaling.api.audit import auditor, log_access
from signaling.api.context import RECORDING_INDEX, RECORDING_STORAGE
from signaling.api.rest import Route, ctx, json_response, principal
from signaling.api.stored import serve_stored
from signaling.errors import Forbidden, NotFound
from signaling.recordings import recordings_of

__all__ = ["RECORDING_ROUTES", "recordings_of"]


async def list_recordings(request: web.Request) -> web.Response:
    who = auditor(request)
    items = await recordings_of(
        request.app[RECORDING_INDEX], thread_id=request.query.get("thread_id")
    )
    storage = request.app[RECORDING_STORAGE]

    async def composite_url(item: dict[str, Any]) -> str | None:
        try:
            name = composite_key(str(item["key"]))
        except ValueError:
            return None
        stored = await asyncio.to_thread(storage.exists, name)  # a HEAD on a bucket
        return f"/api/recordings/{name}" if stored else None

    urls = await asyncio.gather(*(composite_url(item) for item in items))
    for item, url in zip(items, urls, strict=True):
        item["composite_url"] = url
    await log_access(request, who, "recordings.list")
    return json_response({"recordings": items})


async def stream_recording(request: web.Request) -> web.StreamResponse:
    """The file itself, whole or by HTTP Range, from local disk or the bucket."""
    who = principal(request)
    c = ctx(request)
    key = request.match_info["key"]
    parsed = parse_key(key)
    if parsed is None:
        raise NotFound("no such recording", code="recording_not_found")
    thread_id = await request.app[RECORDING_INDEX].thread_of_call(parsed.call_id)
    if thread_id is None:
        raise NotFound("no such recording", code="recording_not_found")
    if not who.is_auditor:
        thread = await c.threads.visible_thread(who, thread_id, kind="recording")
        if not thread.is_party(who.user_id) or not c.settings.recording_parties_can_download:
            raise Forbidden(
                "recordings are available to auditors only on this platform",
                code="recording_auditors_only",
            )
    # one access entry per stream (not per Range chunk), whoever streams it
    await log_stream(request, who, key, thread_id=thread_id, range=request.headers.get("Range"))
    return await serve_stored(
        request,
        request.app[RECORDING_STORAGE],
        key,
        {"Content-Type": media_type(key)},
        missing=NotFound("the recording file is no longer stored", code="recording_deleted"),
    )


RECORDING_ROUTES: list[Route] = [
    Route("GET", "/api/audit/recordings", list_recordings, "List recordings", tag="audit"),
    Route(
        "GET",
        "/api/recordings/{key}",
        stream_recording,
        "Stream a recording (Range)",
        tag="recordings",
    ),
]
