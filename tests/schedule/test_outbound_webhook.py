"""The signed outbound webhook against a real local aiohttp receiver."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from signaling.calendar.webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    OutboundWebhook,
    sign_outbound,
    verify_outbound,
)

SECRET = "marketplace-shared-secret"
EVENT = {"type": "schedule.reminder", "id": "sch-1:20300502T150000Z:900", "thread_id": "thr-1"}


@dataclass
class Receiver:
    """A marketplace backend double: verifies signatures and answers scripted statuses."""

    statuses: list[int] = field(default_factory=list)  # answered in order, then 204
    retry_after: str | None = None
    delay: float = 0.0
    received: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.received.append(
            {
                "body": body,
                "headers": dict(request.headers),
                "valid": verify_outbound(
                    SECRET,
                    request.headers.get(TIMESTAMP_HEADER),
                    body,
                    request.headers.get(SIGNATURE_HEADER),
                    now=time.time(),
                ),
            }
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        status = self.statuses.pop(0) if self.statuses else 204
        headers = {"Retry-After": self.retry_after} if self.retry_after and status >= 400 else {}
        return web.Response(status=status, headers=headers)


@dataclass
class Sleeps:
    waits: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    app = web.Application()
    app.router.add_post("/hooks/interview", r.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    r.url = str(server.make_url("/hooks/interview"))
    yield r
    await server.close()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


def _hook(url: str, session: aiohttp.ClientSession, sleeps: Sleeps, **kw: Any) -> OutboundWebhook:
    return OutboundWebhook(url, SECRET, session, sleep=sleeps, **kw)


async def test_delivery_is_signed_and_verifiable(
    receiver: Receiver, session: aiohttp.ClientSession
) -> None:
    sleeps = Sleeps()
    assert await _hook(receiver.url, session, sleeps).send(EVENT)
    (got,) = receiver.received
    assert got["valid"]
    assert json.loads(got["body"]) == EVENT
    headers = got["headers"]
    assert headers[SIGNATURE_HEADER] == sign_outbound(
        SECRET, headers[TIMESTAMP_HEADER], got["body"]
    )
    assert headers[SIGNATURE_HEADER].startswith("sha256=")
    assert headers[DELIVERY_HEADER] == EVENT["id"]
    assert headers["Content-Type"] == "application/json"
    assert sleeps.waits == []


def test_receiver_side_verification_rejects_tampering() -> None:
    body = b'{"a":1}'
    sig = sign_outbound(SECRET, "1000", body)
    assert verify_outbound(SECRET, "1000", body, sig, now=1100)
    assert not verify_outbound(SECRET, "1000", b'{"a":2}', sig, now=1100)
    assert not verify_outbound(SECRET, "1001", body, sig, now=1100)  # timestamp is signed
    assert not verify_outbound(SECRET, "1000", body, sig, now=2000)  # stale
    assert not verify_outbound("other", "1000", body, sig, now=1100)
    assert not verify_outbound(SECRET, None, body, sig, now=1100)
    assert not verify_outbound(SECRET, "nan", body, sig, now=1100)


async def test_5xx_is_retried_with_backoff_then_succeeds(
    receiver: Receiver, session: aiohttp.ClientSession
) -> None:
    receiver.statuses = [500, 502, 503]
    sleeps = Sleeps()
    assert await _hook(receiver.url, session, sleeps, base_delay=0.5).send(EVENT)
    assert len(receiver.received) == 4
    assert sleeps.waits == [0.5, 1.0, 2.0]
    assert all(r["valid"] for r in receiver.received)
    # The same delivery id on every attempt, so the receiver can de-duplicate.
    assert {r["headers"][DELIVERY_HEADER] for r in receiver.received} == {EVENT["id"]}


async def test_gives_up_after_max_attempts(
    receiver: Receiver, session: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    receiver.statuses = [503] * 10
    sleeps = Sleeps()
    assert not await _hook(receiver.url, session, sleeps, max_attempts=3).send(EVENT)
    assert len(receiver.received) == 3
    assert len(sleeps.waits) == 2
    assert "given up after 3 attempts" in caplog.text


async def test_429_honours_retry_after(receiver: Receiver, session: aiohttp.ClientSession) -> None:
    receiver.statuses = [429]
    receiver.retry_after = "7"
    sleeps = Sleeps()
    assert await _hook(receiver.url, session, sleeps).send(EVENT)
    assert sleeps.waits == [7.0]


async def test_client_errors_are_not_retried(
    receiver: Receiver, session: aiohttp.ClientSession
) -> None:
    receiver.statuses = [400]
    sleeps = Sleeps()
    assert not await _hook(receiver.url, session, sleeps).send(EVENT)
    assert len(receiver.received) == 1
    assert sleeps.waits == []


async def test_timeouts_are_retried(receiver: Receiver, session: aiohttp.ClientSession) -> None:
    receiver.delay = 1.0
    sleeps = Sleeps()
    hook = _hook(receiver.url, session, sleeps, max_attempts=2, timeout=0.1)
    assert not await hook.send(EVENT)
    assert len(receiver.received) == 2
    assert sleeps.waits == [0.5]


async def test_connection_errors_are_retried_then_reported(
    session: aiohttp.ClientSession,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sleeps = Sleeps()
    hook = _hook(f"http://127.0.0.1:{port}/hooks", session, sleeps, max_attempts=4, base_delay=0.1)
    assert not await hook.send(EVENT)
    assert sleeps.waits == [0.1, 0.2, 0.4]


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        OutboundWebhook("http://x", "", None)  # type: ignore[arg-type]
