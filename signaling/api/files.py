"""Thread files over REST: ``POST /api/threads/{id}/files?name=…`` (the raw bytes as the body,
streamed to disk) and ``GET /api/threads/{id}/files/{file_id}`` (parties and auditors; each
download is logged)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated
from urllib.parse import quote

from aiohttp import web
from pydantic import StringConstraints

from signaling.api import models as m
from signaling.api.access import note_access
from signaling.api.rest import Route, json_response, parse_query, principal, remember
from signaling.api.stored import serve_stored
from signaling.errors import NotFound
from signaling.files import NAME_MAX, FileService

FILES: web.AppKey[FileService] = web.AppKey("files", FileService)
CHUNK = 256 * 1024


class UploadQuery(m.Strict):
    """The file's name (its content type is sniffed from the bytes, never from the name)."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)]


async def upload_file(request: web.Request) -> web.Response:
    """Attach a file to a thread: the body is the file's bytes (any Content-Type)."""
    who = principal(request)
    query = parse_query(request, UploadQuery)
    await remember(request, who)

    async def chunks() -> AsyncIterator[bytes]:
        async for chunk in request.content.iter_chunked(CHUNK):
            yield chunk

    message = await request.app[FILES].upload(
        who, request.match_info["thread_id"], query.name, request.content_length, chunks
    )
    return json_response(message, status=201)


def _disposition(name: str) -> str:
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


async def download_file(request: web.Request) -> web.StreamResponse:
    """A file of the thread, as an attachment with its sniffed type (parties and auditors)."""
    who = principal(request)
    files = request.app[FILES]
    thread_id = request.match_info["thread_id"]
    body = await files.find(who, thread_id, request.match_info["file_id"])
    file_id = str(body["file_id"])
    if not await asyncio.to_thread(files.storage.exists, file_id):
        raise NotFound("the file is no longer stored", code="file_not_found")
    note_access(
        request,
        "file.download",
        thread_id=thread_id,
        file_id=body["file_id"],
        sha256=body["sha256"],
    )
    await files.downloaded(who, thread_id, body)
    return await serve_stored(
        request,
        files.storage,
        file_id,
        {
            "Content-Type": str(body["content_type"]),
            "Content-Disposition": _disposition(str(body["name"])),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "private, no-store",
        },
        missing=NotFound("the file is no longer stored", code="file_not_found"),
    )


FILE_ROUTES: list[Route] = [
    Route(
        "POST",
        "/api/threads/{thread_id}/files",
        upload_file,
        "Attach a file (raw bytes; name in the query; at most INTERVIEW_FILE_MAX_BYTES)",
        query=UploadQuery,
        success=201,
        raw_body=True,
    ),
    Route(
        "GET",
        "/api/threads/{thread_id}/files/{file_id}",
        download_file,
        "Download a thread's file (its parties and auditors; logged)",
        access="file.download",
    ),
]
