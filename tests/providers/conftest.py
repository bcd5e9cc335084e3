"""Fixtures: the fake Zoom server on loopback and a provider pointed at it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from signaling.providers.zoom import ZoomMeetingProvider
from tests.fakes.zoom_server import FakeZoom, running_fake_zoom


@dataclass
class ManualClock:
    """A monotonic clock the test moves by hand (token expiry without waiting)."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class RecordingSleep:
    """Records requested waits and yields once instead of sleeping."""

    waits: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
async def fake_zoom() -> AsyncIterator[FakeZoom]:
    async with running_fake_zoom() as fake:
        yield fake


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sleeps() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
async def zoom(
    fake_zoom: FakeZoom, clock: ManualClock, sleeps: RecordingSleep
) -> AsyncIterator[ZoomMeetingProvider]:
    provider = ZoomMeetingProvider(
        fake_zoom.account_id,
        fake_zoom.client_id,
        fake_zoom.client_secret,
        api_base=fake_zoom.api_base,
        oauth_url=fake_zoom.oauth_url,
        clock=clock,
        sleep=sleeps,
    )
    yield provider
    await provider.aclose()
