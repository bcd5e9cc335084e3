"""Delivering the outbox to the marketplace's webhook: at least once, in order per thread.

Each node runs one :class:`Dispatcher`. A round claims a batch of deliverable events under a
lease (:meth:`OutboxStore.claim`), sends each thread's events one after the other (threads in
parallel, at most ``concurrency`` POSTs in flight), and marks those the receiver accepted
(2xx) as delivered: in the next
round's claim transaction while events keep coming, on their own when the feed goes quiet.
On any other answer, a timeout or a connection error, the event is retried after an
exponential backoff with jitter (``base * 2**(attempts-1)``, capped, times a random factor in
[0.5, 1)) and the rest of its thread's batch is given back, so nothing of that thread
overtakes it; after ``max_attempts`` it becomes a dead letter (it no longer holds its thread
back; the admin API lists and replays dead letters). A node that dies mid-round leaves leases
that expire: another node (or the restarted one) sends those events again, so a receiver may
see an event twice and drops repeats by its ``webhook-id``.

Batch delivery (``batch_body``, ``INTERVIEW_EVENTS_DELIVERY=batch``) sends the round's events
as one JSON array and goes by the feed cursor instead of a lease per event
(:class:`~signaling.events.outbox.CursorOutbox`): a failed array is retried whole, after the
same backoff, and dead-lettered whole after ``max_attempts``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import aiohttp

from signaling.events import signing
from signaling.events.outbox import DEAD, BatchClaim, CursorOutbox, OutboxRow, OutboxStore

logger = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


class WebhookSender:
    """POSTs one event, signed the Standard Webhooks way; returns None or what went wrong."""

    def __init__(
        self,
        url: str,
        secret: str,
        session: aiohttp.ClientSession,
        *,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not secret:
            raise ValueError("the event webhook needs a signing secret")
        # a malformed whsec_ secret fails here, at start-up; the key is derived once
        self._key = signing.secret_key(secret)
        self.url = url
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._clock = clock

    async def send(self, row: OutboxRow) -> str | None:
        """POST one event (its envelope); None when the receiver acknowledged it (2xx)."""
        return await self._post(row.event_id, row.body())

    async def send_batch(self, rows: Sequence[OutboxRow]) -> str | None:
        """POST several events as one JSON array of their envelopes, in feed order (so each
        thread's events are in order), signed as one message whose ``webhook-id`` is
        :func:`signing.batch_id` of the event ids. A 2xx acknowledges every one of them."""
        body = b"[" + b",".join(row.body() for row in rows) + b"]"
        return await self._post(signing.batch_id([row.event_id for row in rows]), body)

    async def _post(self, message_id: str, body: bytes) -> str | None:
        headers = signing.headers(self._key, message_id, int(self._clock()), body)
        try:
            async with self._session.post(
                self.url, data=body, headers=headers, timeout=self._timeout
            ) as resp:
                await resp.read()
                if 200 <= resp.status < 300:
                    return None
                return f"HTTP {resp.status}"
        except TimeoutError:
            return "timeout"
        except aiohttp.ClientError as exc:
            return f"{type(exc).__name__}: {exc}"[:300]


class Dispatcher:
    """The delivery loop of one node."""

    def __init__(
        self,
        outbox: OutboxStore,
        sender: WebhookSender,
        *,
        node_id: str,
        lease_seconds: float = 60.0,
        batch: int = 200,
        max_attempts: int = 15,
        retry_base_seconds: float = 2.0,
        retry_max_seconds: float = 600.0,
        poll_seconds: float = 1.0,
        coalesce_seconds: float = 0.05,
        batch_body: bool = False,
        concurrency: int = 16,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.outbox = outbox
        self.sender = sender
        self.node_id = node_id
        self.lease_seconds = lease_seconds
        self.batch = batch
        self.max_attempts = max_attempts
        self.retry_base = retry_base_seconds
        self.retry_max = retry_max_seconds
        self.poll_seconds = poll_seconds
        # after a wake-up, wait this long so one round carries the events committed meanwhile
        # (a round per event would cost a claim and a mark transaction per message)
        self.coalesce_seconds = coalesce_seconds
        # POSTs in flight at once (one-event delivery): threads' runs share these slots
        self._slots = asyncio.Semaphore(concurrency)
        self._rng = rng
        self._wake = asyncio.Event()
        self._acked: list[int] = []  # acknowledged, not yet recorded as delivered (see run)
        # batch_body: one POST per round (a JSON array of the events) instead of one per
        # event, going by the feed cursor (one lease, no write per event)
        self._cursor = CursorOutbox(outbox) if batch_body else None
        # whose the cursor's lease is: this loop's own, not the node id alone (two loops may
        # share one, e.g. `events deliver` twice on a host whose name is the default node id)
        self._holder = f"{node_id[:40]}/{uuid.uuid4().hex[:16]}"
        self._acked_range: tuple[int, int] | None = None  # the same, for the cursor
        self.delivered_total = 0
        self.failed_total = 0
        self.dead_total = 0

    def nudge(self) -> None:
        """Something was committed: look again now rather than at the next poll."""
        self._wake.set()

    def backoff(self, attempts: int) -> float:
        """Seconds before retry number ``attempts`` (1 after the first failure)."""
        delay = min(self.retry_max, self.retry_base * 2.0 ** max(0, attempts - 1))
        return float(delay * (0.5 + self._rng() / 2))

    async def run(self) -> None:
        """Deliver until cancelled; database or receiver trouble is logged, never fatal.

        While events keep coming, a round's acknowledgements are recorded by the next
        round's claim transaction (one write transaction per round, not two); when the feed
        goes quiet for ``poll_seconds`` (and on shutdown) they are recorded on their own."""
        try:
            while True:
                try:
                    claimed = await self.run_once(defer_marks=True)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    logger.exception("event delivery round failed")
                    claimed = 0
                if claimed >= self.batch:
                    continue  # there is more right away
                try:
                    await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
                except TimeoutError:
                    await self._record_acked()  # quiet: nothing to carry them
                if self.coalesce_seconds > 0:
                    await asyncio.sleep(self.coalesce_seconds)
                self._wake.clear()
        finally:
            await self._record_acked()
            if self._cursor is not None:
                try:  # a batch cut off mid-POST: let the next holder send it again now
                    await self._cursor.release(self._holder)
                except Exception:
                    logger.exception("giving the batch lease back failed (it expires)")

    async def _record_acked(self) -> None:
        if self._cursor is not None:
            through, self._acked_range = self._acked_range, None
            try:
                await self._cursor.delivered(self._holder, through)
            except Exception:
                logger.exception("recording a delivered batch failed (it is sent again)")
            return
        acked, self._acked = self._acked, []
        try:
            await self.outbox.delivered(acked, now=utcnow())
        except Exception:
            # not recorded: their leases expire and they are sent again (at least once)
            logger.exception("recording %d delivered events failed", len(acked))

    async def run_once(self, *, defer_marks: bool = False) -> int:
        """One round; returns how many events it claimed. The acknowledgements of an earlier
        deferred round are recorded in this round's claim transaction; this round's are
        recorded now, or (``defer_marks``) by the next round (see :meth:`run`)."""
        self._wake.clear()
        if self._cursor is not None:
            return await self._run_cursor(self._cursor, defer_marks=defer_marks)
        acked, self._acked = self._acked, []
        try:
            rows = await self.outbox.claim(
                self.node_id,
                now=utcnow(),
                lease_seconds=self.lease_seconds,
                limit=self.batch,
                delivered=acked,
            )
        except BaseException:
            self._acked = acked + self._acked  # still to be recorded
            raise
        if not rows:
            return 0
        by_key: dict[str, list[OutboxRow]] = {}
        for row in rows:
            by_key.setdefault(row.order_key, []).append(row)
        results = await asyncio.gather(*(self._run_key(run) for run in by_key.values()))
        delivered = [cursor for result in results for cursor in result]
        self.delivered_total += len(delivered)
        if defer_marks:
            self._acked.extend(delivered)
        else:
            await self.outbox.delivered(delivered, now=utcnow())
        return len(rows)

    async def _run_key(self, run: list[OutboxRow]) -> list[int]:
        """Send one thread's claimed events in order; stop at the first failure."""
        delivered: list[int] = []
        started = time.monotonic()
        for index, row in enumerate(run):
            if time.monotonic() - started > self.lease_seconds / 2:
                await self.outbox.release(run[index:])  # keep well inside the lease
                break
            async with self._slots:
                error = await self.sender.send(row)
            if error is None:
                delivered.append(row.cursor)
                continue
            self.failed_total += 1
            delay = self.backoff(row.attempts + 1)
            state = await self.outbox.failed(
                row, error, now=utcnow(), delay=delay, max_attempts=self.max_attempts
            )
            if state == DEAD:
                self.dead_total += 1
                logger.error(
                    "event %s (%s) dead-lettered after %d attempts: %s",
                    row.event_id, row.type, row.attempts + 1, error,
                )  # fmt: skip
            else:
                logger.warning(
                    "event %s (%s) attempt %d failed (%s); retry in %.1f s",
                    row.event_id, row.type, row.attempts + 1, error, delay,
                )  # fmt: skip
            await self.outbox.release(run[index + 1 :])
            break
        return delivered

    async def _run_cursor(self, cursor: CursorOutbox, *, defer_marks: bool) -> int:
        """One batch round by the feed cursor (see :class:`CursorOutbox`)."""
        through, self._acked_range = self._acked_range, None
        try:
            claim = await cursor.claim(
                self._holder,
                now=utcnow(),
                lease_seconds=self.lease_seconds,
                limit=self.batch,
                delivered=through,
            )
        except BaseException:
            self._acked_range = through  # still to be recorded
            raise
        if claim is None or not claim.rows:
            return 0
        rows = claim.rows
        error = await self.sender.send_batch(rows)
        if error is None:
            self.delivered_total += len(rows)
            self._acked_range = (rows[0].cursor, rows[-1].cursor)
            if not defer_marks:
                await self._record_acked()
            return len(rows)
        await self._cursor_failed(cursor, claim, error)
        return 0

    async def _cursor_failed(self, cursor: CursorOutbox, claim: BatchClaim, error: str) -> None:
        rows = claim.rows
        self.failed_total += len(rows)
        delay = self.backoff(claim.attempts + 1)
        state = await cursor.failed(
            self._holder, claim, error, now=utcnow(), delay=delay, max_attempts=self.max_attempts
        )
        if state == DEAD:
            self.dead_total += len(rows)
            logger.error(
                "a batch of %d events (%s .. %s) dead-lettered after %d attempts: %s",
                len(rows), rows[0].event_id, rows[-1].event_id, claim.attempts + 1, error,
            )  # fmt: skip
        else:
            logger.warning(
                "a batch of %d events failed (%s); retry in %.1f s",
                len(rows), error, delay,
            )  # fmt: skip
