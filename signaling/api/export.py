"""Exports built on disk and streamed: a private temporary directory per export, removed as
soon as the archive is built (it is streamed from the open file, so nothing is left behind when
the download finishes, fails, or the client goes away), and a bound on the bytes an export may
write (``INTERVIEW_EXPORT_MAX_BYTES``; beyond it: ``413 export_too_large``)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any, BinaryIO, cast

from aiohttp import web

from signaling.errors import PayloadTooLarge

logger = logging.getLogger(__name__)

PREFIX = "interview-export-"
CHUNK = 256 * 1024


def too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"this export would exceed {max_bytes} bytes, the limit set by "
        "INTERVIEW_EXPORT_MAX_BYTES; export it with the CLI (`interview-server audit export`) "
        "or raise the limit",
        code="export_too_large",
        max_bytes=max_bytes,
    )


def ensure_fits(paths: Iterable[Path], max_bytes: int | None) -> None:
    """Refuse before writing anything when the files to include alone exceed the bound
    (recordings are stored uncompressed in the archive). Blocking."""
    if max_bytes is None:
        return
    total = sum(p.stat().st_size for p in paths if p.is_file())
    if total > max_bytes:
        raise too_large(max_bytes)


class BoundedFile(io.RawIOBase):
    """A seekable binary file that refuses to grow past ``max_bytes`` (zipfile writes
    through it); the file on disk never exceeds the bound.

    Once the bound is hit the archive is abandoned: this write raises, and later calls (the
    zip module closing its half-written member and archive while the error unwinds) no longer
    touch the file.
    """

    def __init__(self, raw: BinaryIO, max_bytes: int) -> None:
        super().__init__()
        self._raw = raw
        self.max_bytes = max_bytes
        self.exceeded = False
        self._pos = 0  # once exceeded: where the zip module believes it is

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        size = memoryview(data).nbytes
        if self.exceeded:
            self._pos += size
            return size
        if self._raw.tell() + size > self.max_bytes:
            self.exceeded = True
            self._pos = self._raw.tell()
            raise too_large(self.max_bytes)
        return self._raw.write(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if not self.exceeded:
            return self._raw.seek(offset, whence)
        self._pos = offset if whence == io.SEEK_SET else self._pos + offset
        return self._pos

    def tell(self) -> int:
        return self._pos if self.exceeded else self._raw.tell()

    def flush(self) -> None:
        if not self.exceeded:
            self._raw.flush()


def bounded(raw: BinaryIO, max_bytes: int | None) -> BinaryIO:
    """``raw`` itself without a bound, else a :class:`BoundedFile` over it."""
    if max_bytes is None:
        return raw
    return cast(BinaryIO, BoundedFile(raw, max_bytes))


@contextlib.asynccontextmanager
async def export_workspace() -> AsyncIterator[Path]:
    """A private temporary directory (``interview-export-*`` in the system temp dir), removed
    on exit however the block ends, cancellation included."""
    path = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix=PREFIX))
    try:
        yield path
    finally:
        await asyncio.shield(asyncio.to_thread(shutil.rmtree, path, True))


async def stream_file(
    request: web.Request, fh: BinaryIO, headers: dict[str, str]
) -> web.StreamResponse:
    """Send an open file (read off the loop, chunk by chunk) and close it; returns once it is
    sent or the client has gone. Callers delete the file's name before calling this, so no
    export is left on disk while (or after) it is streamed, even if the process dies."""
    try:
        size = (await asyncio.to_thread(os.fstat, fh.fileno())).st_size
        response = web.StreamResponse(headers=headers)
        response.content_length = size
        await response.prepare(request)
        try:
            while chunk := await asyncio.to_thread(fh.read, CHUNK):
                await response.write(chunk)
            await response.write_eof()
        except ConnectionError as exc:
            logger.info("export download aborted by the client: %s", exc)
    finally:
        await asyncio.shield(asyncio.to_thread(fh.close))
    return response
