"""Serving a stored file (recording or thread file) over HTTP, with Range, from whichever
storage holds it: a local file goes out through aiohttp's ``FileResponse`` (sendfile,
conditional requests); an object in a bucket is read by ranged GETs and streamed in chunks
(``CHUNK`` bytes), so a seek in a long recording reads only what the player asks for."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from aiohttp import web

from recording.storage import RecordingStorage
from signaling.errors import NotFound

CHUNK = 256 * 1024


def _wanted(request: web.Request, size: int) -> tuple[int, int] | None:
    """The (start, end-exclusive) bytes a request asks for; None if it cannot be served."""
    try:
        rng = request.http_range
    except ValueError:
        return None
    start, stop = rng.start, rng.stop
    if start is None and stop is None:
        return 0, size
    if start is not None and start < 0:  # a suffix range: the last -start bytes
        return max(size + start, 0), size
    first = start or 0
    end = size if stop is None else min(stop, size)
    if first >= size or first >= end:
        return None
    return first, end


async def serve_stored(
    request: web.Request,
    storage: RecordingStorage,
    key: str,
    headers: Mapping[str, str],
    *,
    missing: NotFound,
) -> web.StreamResponse:
    """``key`` from ``storage`` as the response (200, or 206 for a Range); ``missing`` if it
    is not stored (any more); 416 for a range outside the file."""
    path = storage.local_path(key)
    if path is not None:
        if not await asyncio.to_thread(path.is_file):
            raise missing
        return web.FileResponse(path, headers=dict(headers))
    try:
        size = await asyncio.to_thread(storage.size, key)
    except NotFound:
        raise missing from None
    wanted = _wanted(request, size)
    if wanted is None:
        raise web.HTTPRequestRangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
    start, end = wanted
    partial = "Range" in request.headers
    response = web.StreamResponse(status=206 if partial else 200, headers=dict(headers))
    response.headers["Accept-Ranges"] = "bytes"
    response.content_length = end - start
    if partial:
        response.headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    await response.prepare(request)
    if request.method == "HEAD" or end == start:
        await response.write_eof()
        return response
    body = await asyncio.to_thread(storage.open_range, key, start, end - start)
    try:
        remaining = end - start
        while remaining > 0:
            chunk = await asyncio.to_thread(body.read, min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            await response.write(chunk)
    finally:
        await asyncio.to_thread(body.close)
    await response.write_eof()
    return response
