"""The real app served on an ephemeral port from its own thread and event loop, so tools that
speak plain HTTP from outside (schemathesis, openapi-spec-validator) test what clients get."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from signaling.api.context import CTX
from signaling.app import create_app
from signaling.domain.threads import Role
from signaling.settings import Settings


@dataclass
class LiveServer:
    base_url: str
    app: web.Application
    seeded: dict[str, Any] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)  # every response sent, by status

    def token(self, user_id: str, role: str) -> str:
        return self.app[CTX].auth.issue(user_id, user_id.title(), Role(role))


@contextmanager
def live_server(settings: Settings) -> Iterator[LiveServer]:
    loop = asyncio.new_event_loop()
    ready: dict[str, Any] = {}
    started = threading.Event()
    stop = asyncio.Event()
    statuses: Counter[int] = Counter()

    async def count(request: web.Request, response: web.StreamResponse) -> None:
        statuses[response.status] += 1

    async def serve() -> None:
        app = create_app(settings)
        app.on_response_prepare.append(count)
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ready["port"] = runner.addresses[0][1]
        ready["app"] = app
        started.set()
        await stop.wait()
        await runner.cleanup()

    def main() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(serve())
        except BaseException as exc:  # surfaced to the test below
            ready["error"] = exc
            started.set()
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    thread = threading.Thread(target=main, name="live-server", daemon=True)
    thread.start()
    started.wait(60)
    if "error" in ready or "port" not in ready:
        raise RuntimeError("the live server did not start") from ready.get("error")
    try:
        yield LiveServer(f"http://127.0.0.1:{ready['port']}", ready["app"], statuses=statuses)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)
