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
from recording.storage import RecordingStorage
from signaling.api.access import log_stream
from signaling.api.audit import auditor, log_access
from signaling.api.context import RECORDING_INDEX, RECORDING_STORAGE
from signaling.api.rest import Route, ctx, json_response, principal
from signaling.api.stored import serve_stored
from signaling.domain.ports import RecordingIndex
from signaling.errors import Forbidden, NotFound


async def recordings_of(
    index: RecordingIndex, *, thread_id: str | None = None
) -> list[dict[str, Any]]:
    """Every recorded segment (from the call records), newest first."""
    out = []
    for item in await index.recorded_segments(thread_id):
        segment = item.segment
        out.append(
            {
                "key": segment["key"],
                "call_id": item.call_id,
                "thread_id": item.thread_id,
                "started_at": segment.get("started_at"),
                "stopped_at": segment.get("stopped_at"),
                "bytes": segment.get("bytes"),
                "sha256": segment.get("sha256"),
                "duration_seconds": segment.get("duration_seconds"),
                "url": f"/api/recordings/{segment['key']}",
            }
        )
    return out


def stored_keys(items: list[dict[str, Any]]) -> list[str]:
    """The storage keys of these segments and of the composites rendered from them."""
    keys = []
    for item in items:
        key = str(item["key"])
        keys.append(key)
        try:
            keys.append(composite_key(key))
        except ValueError:
            continue
    return keys


async def apply_legal_hold(
    storage: RecordingStorage, index: RecordingIndex, thread_id: str, on: bool
) -> int:
    """Set (or release) the object store's legal hold on every stored recording of a thread;
    returns how many objects the store now holds (0 where only the server honours holds)."""
    keys = stored_keys(await recordings_of(index, thread_id=thread_id))

    def apply() -> int:
        return sum(1 for key in keys if storage.set_legal_hold(key, on))

    return await asyncio.to_thread(apply)


async def list_recordings(request: web.Request) -> web.Response:
    who = auditor(request)
    items = await recordings_of(
        request.app[RECORDING_INDEX], thread_id=request.query.get("thread_id")
    )
    storage = request.app[RECORDING_STORAGE]
    for item in items:
        item["composite_url"] = None
        try:
            name = composite_key(str(item["key"]))
        except ValueError:
            continue
        if await asyncio.to_thread(storage.exists, name):
            item["composite_url"] = f"/api/recordings/{name}"
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
    log_stream(request, who, key, thread_id=thread_id, range=request.headers.get("Range"))
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
