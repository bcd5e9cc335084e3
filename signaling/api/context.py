"""The objects the edges need, stored on the aiohttp app under typed keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from signaling.auth import Authenticator
from signaling.domain.ports import ThreadStore
from signaling.service import ThreadService
from signaling.settings import Settings


@dataclass
class AppContext:
    """Everything wired by ``create_app``; one per application, no globals."""

    settings: Settings
    store: ThreadStore
    auth: Authenticator
    threads: ThreadService
    extras: dict[str, Any] = field(default_factory=dict)


CTX: web.AppKey[AppContext] = web.AppKey("ctx", AppContext)
