"""A local webhook receiver (a real aiohttp server on an ephemeral port) that checks every
delivery's Standard Webhooks signature with its own HMAC code, and can misbehave on cue."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

SECRET = "events-test-secret-0123456789abcdef"


def independent_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """The signature computed from the Standard Webhooks text, not from our signing module."""
    mac = hmac.new(secret.encode(), msg_id.encode() + b"." + timestamp.encode() + b"." + body,
                   hashlib.sha256)  # fmt: skip
    return "v1," + base64.b64encode(mac.digest()).decode()


def batch_id_of(event_ids: list[str]) -> str:
    """A batch's webhook-id as the README documents it, computed here independently."""
    return "batch_" + hashlib.sha256("\n".join(event_ids).encode()).hexdigest()[:32]


@dataclass
class Attempt:
    event_id: str
    cursor: int
    thread: str | None
    mode: str
    acked_before: frozenset[str]  # ids acknowledged (200) before this attempt arrived


@dataclass
class Receiver:
    """``modes(n)`` picks what the n-th request (from 0) gets: ok, reset, timeout, 500."""

    modes: Callable[[int], str] = lambda n: "ok"
    hang: float = 1.0  # how long a "timeout" request is held
    attempts: list[Attempt] = field(default_factory=list)
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> event (first ack)
    ack_count: dict[str, int] = field(default_factory=dict)
    bad_signatures: int = 0
    first_request: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event | None = None  # when set: every request waits for it
    batches: list[list[str]] = field(default_factory=list)  # event ids of each array body
    in_flight: int = 0
    max_in_flight: int = 0
    url: str = ""
    _runner: web.AppRunner | None = None
    _n: int = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        msg_id = request.headers.get("webhook-id", "")
        ts = request.headers.get("webhook-timestamp", "")
        sig = request.headers.get("webhook-signature", "")
        expected = independent_signature(SECRET, msg_id, ts, body)
        fresh = ts.isdigit() and abs(time.time() - int(ts)) < 300
        if not (fresh and any(hmac.compare_digest(expected, s) for s in sig.split())):
            self.bad_signatures += 1
            return web.Response(status=401)
        parsed = json.loads(body)
        if isinstance(parsed, list):  # a batch delivery: the id covers the ids it carries
            events = parsed
            ids = [e["id"] for e in events]
            assert msg_id == batch_id_of(ids)
            self.batches.append(ids)
        else:
            events = [parsed]
            assert parsed["id"] == msg_id
        n, self._n = self._n, self._n + 1
        mode = self.modes(n)
        # an array is processed in order: what precedes an event in it counts as before it
        for k, event in enumerate(events):
            before = frozenset(self.acked) | {e["id"] for e in events[:k]}
            self.attempts.append(
                Attempt(event["id"], int(event["cursor"]), event["thread_id"], mode, before)
            )
        self.first_request.set()
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.release is not None:
                await self.release.wait()
            if mode == "reset":
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=200)  # never reaches the sender
            if mode == "timeout":
                await asyncio.sleep(self.hang)
                return web.Response(status=200)  # too late: the sender gave up
            if mode == "500":
                return web.Response(status=500)
            for event in events:
                self.acked.setdefault(event["id"], event)
                self.ack_count[event["id"]] = self.ack_count.get(event["id"], 0) + 1
            return web.Response(status=204)
        finally:
            self.in_flight -= 1

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{port}/hook"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for(self, event_ids: set[str], within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while not event_ids <= set(self.acked):
            if time.monotonic() > deadline:
                missing = event_ids - set(self.acked)
                raise AssertionError(f"{len(missing)} events never acknowledged")
            await asyncio.sleep(0.05)

    def order_violations(self) -> list[str]:
        """Attempts of an event that arrived before an earlier event of its thread (smaller
        cursor) had been acknowledged."""
        cursors: dict[str, tuple[str | None, int]] = {
            a.event_id: (a.thread, a.cursor) for a in self.attempts
        }
        problems = []
        for a in self.attempts:
            for other, (thread, cursor) in cursors.items():
                if thread == a.thread and cursor < a.cursor and other not in a.acked_before:
                    problems.append(f"{a.event_id} (cursor {a.cursor}) before {other} ({cursor})")
        return problems
