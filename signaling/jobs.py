"""The node's background jobs, and one place that starts and stops them.

``create_app`` wires the services; its start-up starts their loops through :class:`Jobs`,
and its shutdown stops them in reverse order, awaiting each cancellation, so nothing the app
started is still running once cleanup returns. The loops themselves live here: JWKS refresh,
the recording retention sweep, composite rendering after a recorded segment, and pruning of
the event outbox (the sequencer, tree-head publisher, event dispatcher, reminders and call
timers are services with their own ``run`` loops, started the same way).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from aiohttp import web

from recording.storage import RecordingStorage
from signaling.auth import Authenticator
from signaling.events.outbox import OutboxStore
from signaling.settings import Settings
from signaling.store.audit import SqlAuditStore
from signaling.store.sql import SqlStore

logger = logging.getLogger(__name__)

__all__ = [
    "JOBS",
    "Jobs",
    "composite_later",
    "prune_events",
    "refresh_jwks",
    "retention_loop",
    "run_retention",
]


class Jobs:
    """Named background tasks of one app: started in order, stopped in reverse order, each
    cancellation awaited. Short-lived tasks (a composite render) are tracked too."""

    def __init__(self) -> None:
        self._named: list[tuple[str, asyncio.Task[Any]]] = []
        self._transient: set[asyncio.Task[Any]] = set()

    def start(self, name: str, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(coro, name=f"interview:{name}")
        self._named.append((name, task))

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """A task that ends by itself (it is cancelled and awaited only at shutdown)."""
        task = asyncio.create_task(coro)
        self._transient.add(task)
        task.add_done_callback(self._transient.discard)

    @property
    def names(self) -> list[str]:
        return [name for name, task in self._named if not task.done()]

    async def stop(self, name: str) -> None:
        """Cancel one job and wait until it has stopped (its own cleanup included)."""
        for job, task in list(self._named):
            if job == name:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                self._named.remove((job, task))

    async def stop_all(self) -> None:
        """Every job, newest first, then the short-lived tasks still under way."""
        while self._named:
            _, task = self._named.pop()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        transient = list(self._transient)
        for task in transient:
            task.cancel()
        await asyncio.gather(*transient, return_exceptions=True)


JOBS: web.AppKey[Jobs] = web.AppKey("jobs", Jobs)


async def refresh_jwks(auth: Authenticator, every: float = 600.0) -> None:
    """Keep the JWKS keys fresh in the background (fetching never runs on the loop)."""
    while True:
        try:
            count = await auth.refresh_keys()
            logger.info("JWKS refreshed: %d keys", count)
        except Exception:
            logger.exception("JWKS refresh failed; keeping the previous keys")
        await asyncio.sleep(every)


async def run_retention(
    settings: Settings,
    audit: SqlAuditStore,
    store: SqlStore,
    storage: RecordingStorage | None = None,
) -> list[str]:
    """Delete recordings past retention, keeping those of threads under legal hold (and, on
    an object store with Object Lock, setting the store's legal hold on them again)."""
    from datetime import UTC, datetime

    from recording.retention import sweep
    from recording.wiring import recording_storage
    from signaling.recordings import apply_legal_hold, recordings_of

    storage = storage if storage is not None else recording_storage(settings)
    held_threads = await audit.held_threads()
    held_calls: set[str] = set()
    for thread_id in held_threads:
        held_calls |= {r["call_id"] for r in await recordings_of(store, thread_id=thread_id)}
        await apply_legal_hold(storage, store, thread_id, True)
    return await asyncio.to_thread(
        sweep,
        storage,
        retention_days=settings.recording_retention_days,
        now=datetime.now(UTC),
        held=lambda key: _call_of(key) in held_calls,
    )


def _call_of(key: str) -> str | None:
    from recording.naming import parse_key

    parsed = parse_key(key)
    return parsed.call_id if parsed else None


async def retention_loop(
    settings: Settings,
    audit: SqlAuditStore,
    store: SqlStore,
    storage: RecordingStorage,
    every: float = 24 * 3600.0,
) -> None:
    """The daily retention sweep; each deletion is logged."""
    while True:
        try:
            deleted = await run_retention(settings, audit, store, storage)
            if deleted:
                logger.info("retention deleted %d recording(s)", len(deleted))
        except Exception:
            logger.exception("retention sweep failed")
        await asyncio.sleep(every)


async def composite_later(storage: RecordingStorage, result: dict[str, Any]) -> None:
    """After each recorded segment, render the side-by-side file auditors can simply play."""
    from recording.composite import render_composite

    key = str(result["key"])
    try:
        # named by recording.naming and committed write-once: the original is never touched
        target = await asyncio.to_thread(render_composite, storage, key)
        logger.info("composite ready key=%s", target)
    except Exception:
        logger.exception("composite failed key=%s", key)


async def prune_events(settings: Settings, outbox: OutboxStore, every: float = 3600.0) -> None:
    """Hourly: events older than INTERVIEW_EVENTS_RETENTION_DAYS leave the outbox (dead
    letters stay until replayed; with a webhook set, undelivered events stay too)."""
    from datetime import UTC, datetime, timedelta

    delivering = bool(settings.events_enabled and settings.backend_webhook_url)
    while True:
        try:
            cutoff = datetime.now(UTC) - timedelta(days=settings.events_retention_days)
            pruned = await outbox.prune(cutoff, delivering=delivering)
            if pruned:
                logger.info("pruned %d event(s) older than %s", pruned, cutoff.isoformat())
        except Exception:
            logger.exception("pruning the event outbox failed")
        await asyncio.sleep(every)
