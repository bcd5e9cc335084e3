"""App-level fixtures: the real app on both databases, REST and socket.io clients."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from signaling.api.context import CTX
from signaling.api.proofs import SEQUENCER
from signaling.app import create_app
from signaling.domain.threads import Role
from signaling.settings import Settings
from tests.sockets import open_socket

JWT_SECRET = "test-secret-0123456789abcdef0123456789"
SERVICE_TOKEN = "service-token-0123456789abcdef0123456789"


@dataclasses.dataclass
class Harness:
    """The running app plus helpers to act as users."""

    client: TestClient[Any, Any]
    app: web.Application
    sockets: list[Any]

    @property
    def base_url(self) -> str:
        return str(self.client.make_url("/")).rstrip("/")

    def token(self, user_id: str, role: str = "client", name: str | None = None) -> str:
        return self.app[CTX].auth.issue(user_id, name or user_id.title(), Role(role))

    def headers(self, user_id: str, role: str = "client") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user_id, role)}"}

    async def thread(
        self, client_id: str = "c1", freelancer_id: str = "f1", job_id: str = "job-1"
    ) -> dict[str, Any]:
        resp = await self.client.post(
            "/api/threads",
            json={"job_id": job_id, "job_title": "Logo design", "freelancer_id": freelancer_id},
            headers=self.headers(client_id, "client"),
        )
        assert resp.status in (200, 201), await resp.text()
        data: dict[str, Any] = await resp.json()
        return data

    async def integrate(self) -> None:
        """Let the app's audit sequencer integrate every queued audit entry now (on
        PostgreSQL it otherwise does so every INTERVIEW_AUDIT_SEQUENCER_INTERVAL_SECONDS)."""
        sequencer = self.app[SEQUENCER]
        while await sequencer.store.unsequenced_count():
            if await sequencer.drain() is None:  # the background round holds the lease row
                await asyncio.sleep(0.01)

    async def socket(self, user_id: str, role: str = "client") -> Any:
        sio = await open_socket(self.base_url, self.token(user_id, role))
        self.sockets.append(sio)
        return sio


HarnessFactory = Callable[..., Awaitable[Harness]]


@pytest.fixture
async def make_harness(
    tmp_path: Path, database_url: str, aiohttp_client: Any
) -> AsyncIterator[HarnessFactory]:
    harnesses: list[Harness] = []
    overrides_media: Any = None
    overrides_recorder: Any = None

    async def make(**overrides: Any) -> Harness:
        nonlocal overrides_media, overrides_recorder
        overrides_media = overrides.pop("media_factory", None)
        overrides_recorder = overrides.pop("recorder_factory", None)
        call_clock = overrides.pop("call_clock", None)
        settings = Settings(
            data_dir=tmp_path / "data",
            database_url=database_url,
            dev_mode=overrides.pop("dev_mode", True),
            jwt_secret=JWT_SECRET,
            service_token=SERVICE_TOKEN,
            **overrides,
        )
        app = create_app(
            settings,
            media_factory=overrides_media,
            recorder_factory=overrides_recorder,
            call_clock=call_clock,
        )
        client = await aiohttp_client(TestServer(app, host="127.0.0.1"))
        harness = Harness(client, app, [])
        harnesses.append(harness)
        return harness

    yield make
    for harness in harnesses:
        for sio in harness.sockets:
            if sio.connected:
                await sio.disconnect()
    if harnesses:
        # Let the servers handle those disconnects (they publish to Redis) before they close.
        await asyncio.sleep(0.2)


@pytest.fixture
async def harness(make_harness: HarnessFactory) -> Harness:
    return await make_harness()
