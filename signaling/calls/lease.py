"""This node's hold on its calls: its lease, the thread claims, orphan sweeps, crash recovery.

A node holds its calls under a lease in the database and renews it (with its calls' thread
claims in the router) every renewal period, on the call service's clock; on each renewal it
also closes the calls of nodes whose lease expired, as ``server_shutdown`` with the last times
known (exactly one record: a compare-and-set on the stored snapshot). At start-up it closes
what a previous process of the same node left open. See README, *Calls of a crashed node*.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Protocol

from signaling.calls.active import ActiveCall
from signaling.calls.clock import Clock
from signaling.domain.calls import EndReason, last_known_time
from signaling.domain.ports import CallRouter, CallStore, NodeLeases, OpenCall
from signaling.errors import InterviewError
from signaling.service import Notifier, message_json

logger = logging.getLogger(__name__)


class HeldCalls(Protocol):
    """The calls this node serves (the call service)."""

    def held(self) -> list[ActiveCall]: ...

    async def end_held(self, active: ActiveCall) -> None:
        """End a live call as ``server_shutdown`` (the caller holds its lock)."""
        ...

    async def drop_swept(self, active: ActiveCall) -> None:
        """Let go of a call another node closed (the caller holds its lock)."""
        ...


class LeaseKeeper:
    """The lease, claims, sweeps and recovery of one node."""

    def __init__(
        self,
        *,
        calls: HeldCalls,
        store: CallStore,
        router: CallRouter,
        notifier: Notifier,
        leases: NodeLeases | None,
        clock: Clock,
        node_id: str,
        lease_seconds: float,
        renew_seconds: float,
    ) -> None:
        self.calls = calls
        self.store = store
        self.router = router
        self.notifier = notifier
        self.leases = leases
        self.clock = clock
        self.node_id = node_id
        self.lease_seconds = lease_seconds
        self.renew_seconds = renew_seconds
        self.incarnation = str(uuid.uuid4())
        self.swept_total = 0  # orphaned calls this node closed (another node's or a dead self's)
        self._task: asyncio.Task[None] | None = None
        # Claims whose release failed (Redis unreachable): (thread id, call id) -> owner.
        self._pending_releases: dict[tuple[str, str], str | None] = {}

    # ------------------------------------------------------------------ claims
    async def release_claim(self, thread_id: str, call_id: str, owner: str | None) -> None:
        """Release a thread's call claim. If Redis cannot be reached, the release is retried
        on every renewal (and the claim expires by itself after ``lease_seconds`` anyway), so
        a failure here never loses a record nor blocks the thread for long."""
        try:
            await self.router.release_thread(thread_id, call_id, owner)
        except InterviewError as exc:
            self._pending_releases[(thread_id, call_id)] = owner
            logger.warning(
                "could not release the claim call_id=%s thread_id=%s (retrying): %s (%s)",
                call_id,
                thread_id,
                exc.reason,
                exc.__cause__,
            )

    async def _retry_releases(self) -> None:
        for (thread_id, call_id), owner in list(self._pending_releases.items()):
            try:
                await self.router.release_thread(thread_id, call_id, owner)
            except InterviewError:
                return  # Redis still unreachable: next renewal
            self._pending_releases.pop((thread_id, call_id), None)

    # ---------------------------------------------------------------- recovery
    async def recover(self) -> int:
        """At start-up, close calls a previous process left open, as ``server_shutdown`` with
        the last times known: this node's (its previous process is dead), every node's on an
        exclusive store (SQLite), and those of nodes whose lease expired or is absent."""
        if self.leases is None:
            closed = 0
            for call in await self.store.unfinished_calls(self.node_id):
                if await self._close_open(OpenCall(call, "", self.node_id), compare=False):
                    closed += 1
            return closed
        owned = await self.leases.open_calls(None if self.leases.exclusive else self.node_id)
        closed = 0
        for open_call in owned:
            if await self._close_open(open_call):
                closed += 1
        return closed + await self.sweep()

    async def sweep(self) -> int:
        """Close the calls of nodes whose lease expired (or is absent) and release their
        claims. Safe when several nodes sweep at once: each record is written by a
        compare-and-set on the stored snapshot, so exactly one sweep writes it."""
        if self.leases is None:
            return 0
        closed = 0
        for open_call in await self.leases.orphaned_calls(self.node_id):
            if await self._close_open(open_call):
                closed += 1
        if closed:
            logger.info("closed %d orphaned call(s)", closed)
        await self.leases.drop_expired()
        return closed

    async def _close_open(self, open_call: OpenCall, *, compare: bool = True) -> bool:
        """Close one call nobody holds any more: one record (if no one else wrote it first),
        the ``call.ended`` event with it, and the thread's claim released."""
        current: OpenCall | None = open_call
        while current is not None:
            call = current.call
            if call.is_final:
                final, event = call, None
            else:
                final, event = call.end(EndReason.SERVER_SHUTDOWN, last_known_time(call))
            message = await self.store.finish_call(
                final,
                final.record({}),
                event=event,
                expect_snapshot=current.snapshot if compare else None,
            )
            if message is not None:
                await self.release_claim(final.thread_id, final.id, current.node_id)
                self.swept_total += 1
                await self.notifier.to_thread(final.thread_id, "message:new", message_json(message))
                logger.info(
                    "closed orphaned call call_id=%s thread_id=%s node_id=%s",
                    final.id,
                    final.thread_id,
                    current.node_id,
                )
                return True
            if not compare or self.leases is None:
                break
            # Someone wrote the record, or changed the snapshot (a recovered recording was
            # attached): read it again; None means the record exists now.
            current = await self.leases.open_call(call.id)
        # Someone else closed it; the claim is still released (owner-checked, idempotent).
        await self.release_claim(open_call.call.thread_id, open_call.call.id, open_call.node_id)
        return False

    # ------------------------------------------------------------------ leases
    async def start_lease(self) -> None:
        """Take this node's lease (before any call is served)."""
        if self.leases is None:
            return
        await self.leases.acquire(self.node_id, self.incarnation, self.lease_seconds)

    def start(self) -> None:
        """Renew the lease and the claims, and sweep orphans, every renewal period."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop())

    def stop(self) -> None:
        """Stop renewing (graceful shutdown; or a test's simulated SIGKILL)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _loop(self) -> None:
        while True:
            await self.clock.sleep(self.renew_seconds)
            try:
                await self.renew_once()
            except Exception:
                logger.exception("lease renewal or orphan sweep failed; retrying")

    async def renew_once(self) -> None:
        """One renewal: the lease, then this node's thread claims, then an orphan sweep."""
        if self.leases is not None and not await self.leases.renew(
            self.node_id, self.incarnation, self.lease_seconds
        ):
            await self._lease_lost()
        await self._retry_releases()
        claims = [(a.call.thread_id, a.call.id) for a in self.calls.held()]
        if claims:
            try:
                ours = await self.router.renew_claims(claims)
            except InterviewError as exc:
                logger.warning("could not renew call claims: %s", exc.reason)
            else:
                if ours < len(claims):
                    logger.warning("%d call claim(s) now name another call", len(claims) - ours)
        await self.sweep()

    async def _lease_lost(self) -> None:
        """Our lease expired (a stall longer than the lease, or another process took our
        node id): other nodes may have closed our calls, so end them here too (no second
        record is written), then take a fresh lease."""
        logger.error("node lease lost node_id=%s; ending this node's calls", self.node_id)
        assert self.leases is not None
        for active in self.calls.held():
            async with active.lock:
                if active.call.is_final:
                    continue
                if await self.leases.open_call(active.call.id) is None:
                    await self.calls.drop_swept(active)
                    continue
                await self.calls.end_held(active)
        self.incarnation = str(uuid.uuid4())
        await self.leases.acquire(self.node_id, self.incarnation, self.lease_seconds)
