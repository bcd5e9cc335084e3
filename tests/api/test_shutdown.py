"""Stopping the app stops everything it started: every background job it cancels is awaited,
so nothing it started is still running (or pending cancellation) once cleanup returns."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp.test_utils import TestServer

from signaling.app import create_app
from signaling.jobs import JOBS, Jobs
from signaling.settings import Settings
from tests.api.conftest import JWT_SECRET, SERVICE_TOKEN
from tests.api.fake_media import FakeMediaFactory


async def test_cleanup_leaves_no_task_of_the_app_running(tmp_path: Path, database_url: str) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        dev_mode=True,
        jwt_secret=JWT_SECRET,
        service_token=SERVICE_TOKEN,
        backend_webhook_url="http://127.0.0.1:9/hook",  # the delivery loop runs too
        backend_webhook_secret="whsec_" + "a" * 40,
        events_retention_days=30,  # and the outbox pruning
    )
    before = asyncio.all_tasks()
    app = create_app(settings, media_factory=FakeMediaFactory())
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    await asyncio.sleep(0.5)  # every loop has started and is waiting
    assert set(app[JOBS].names) >= {
        "retention",
        "reminders",
        "event-pruning",
        "event-delivery",
        "audit-sequencer",
        "tree-heads",
    }
    started = {t for t in asyncio.all_tasks() - before if not t.done()}
    await server.close()
    left = [t for t in started if not t.done()]
    assert left == [], [repr(t.get_coro()) for t in left]


async def test_stopping_jobs_waits_for_their_own_cleanup() -> None:
    """A job's ``finally`` (giving a lease up, finishing a delivery round) has run by the
    time ``stop_all`` returns; jobs stop newest first."""
    jobs = Jobs()
    order: list[str] = []

    async def job(name: str) -> None:
        try:
            await asyncio.Event().wait()
        finally:
            await asyncio.sleep(0.05)  # cleanup that takes a moment
            order.append(name)

    jobs.start("first", job("first"))
    jobs.start("second", job("second"))
    jobs.spawn(job("transient"))
    await asyncio.sleep(0)
    await jobs.stop_all()
    assert order == ["second", "first", "transient"]
    assert jobs.names == []
