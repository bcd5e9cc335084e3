"""Recording access: auditors list and stream recordings (HTTP Range); every access is an
audit event. Parties see that a recording exists; they may download only if the deployment
allows it (``INTERVIEW_RECORDING_PARTIES_CAN_DOWNLOAD``)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web
from sqlalchemy import select

from recording.naming import composite_key, media_type, parse_key
from recording.storage import LocalDiskStorage
from signaling.api.access import log_stream
from signaling.api.audit import auditor, log_access
from signaling.api.rest import Route, ctx, json_response, principal
from signaling.errors import Forbidden, NotFound
from signaling.store import schema as t
from signaling.store.sql import SqlStore


async def recordings_of(store: SqlStore, *, thread_id: str | None = None) -> list[dict[str, Any]]:
    """Every recorded segment (from the call records), newest first."""
    query = select(t.calls.c.id, t.calls.c.thread_id, t.calls.c.record).where(
        t.calls.c.recorded.is_(True), t.calls.c.record.is_not(None)
    )
    if thread_id:
        query = query.where(t.calls.c.thread_id == thread_id)
    async with store.engine.connect() as conn:
        rows = (await conn.execute(query.order_by(t.calls.c.created_at.desc()))).all()
    out = []
    for row in rows:
        record = json.loads(row.record)
        for segment in (record.get("recording") or {}).get("segments", []):
            if "key" in segment:
                out.append(
                    {
                        "key": segment["key"],
                        "call_id": row.id,
                        "thread_id": row.thread_id,
                        "started_at": segment.get("started_at"),
                        "stopped_at": segment.get("stopped_at"),
                        "bytes": segment.get("bytes"),
                        "sha256": segment.get("sha256"),
                        "duration_seconds": segment.get("duration_seconds"),
                        "url": f"/api/recordings/{segment['key']}",
                    }
                )
    return out


async def list_recordings(request: web.Request) -> web.Response:
    who = auditor(request)
    store = ctx(request).store
    assert isinstance(store, SqlStore)
    items = await recordings_of(store, thread_id=request.query.get("thread_id"))
    storage = LocalDiskStorage(ctx(request).settings.recordings_dir)
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
    """The file itself; aiohttp's FileResponse answers Range requests."""
    who = principal(request)
    c = ctx(request)
    key = request.match_info["key"]
    parsed = parse_key(key)
    if parsed is None:
        raise NotFound("no such recording", code="recording_not_found")
    store = c.store
    assert isinstance(store, SqlStore)
    async with store.engine.connect() as conn:
        row = (
            await conn.execute(select(t.calls.c.thread_id).where(t.calls.c.id == parsed.call_id))
        ).first()
    if row is None:
        raise NotFound("no such recording", code="recording_not_found")
    if not who.is_auditor:
        thread = await c.threads.visible_thread(who, row.thread_id, kind="recording")
        if not thread.is_party(who.user_id) or not c.settings.recording_parties_can_download:
            raise Forbidden(
                "recordings are available to auditors only on this platform",
                code="recording_auditors_only",
            )
    path = LocalDiskStorage(c.settings.recordings_dir).path_for(key)
    if not await asyncio.to_thread(path.is_file):
        raise NotFound("the recording file is no longer stored", code="recording_deleted")
    # one access entry per stream (not per Range chunk), whoever streams it
    log_stream(request, who, key, thread_id=row.thread_id, range=request.headers.get("Range"))
    return web.FileResponse(path, headers={"Content-Type": media_type(key)})


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
