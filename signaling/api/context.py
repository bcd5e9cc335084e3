"""The objects the edges need, stored on the aiohttp app under typed keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from recording.storage import RecordingStorage
from signaling.auth import Authenticator
from signaling.domain.ports import RecordingIndex, ThreadStore
from signaling.service import ThreadService
from signaling.settings import Settings

if TYPE_CHECKING:
    from signaling.calls import CallService


@dataclass
class AppContext:
    """Everything wired by ``create_app``; one per application, no globals."""

    settings: Settings
    store: ThreadStore
    auth: Authenticator
    threads: ThreadService
    # Set once by create_app after the call service is built (it needs the socket edge, which
    # needs this context); None only while the app is being wired.
    calls: CallService | None = None


CTX: web.AppKey[AppContext] = web.AppKey("ctx", AppContext)
# Where recordings are stored (local directory or bucket) and which exist (the call records).
RECORDING_STORAGE: web.AppKey[RecordingStorage] = web.AppKey("recording_storage")
RECORDING_INDEX: web.AppKey[RecordingIndex] = web.AppKey("recording_index")


@web.middleware
async def signing_key_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Before a handler verifies a bearer token, fetch a rotated JWKS key it names (if any)."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        await request.app[CTX].auth.ensure_key(header[7:].strip())
    return await handler(request)
