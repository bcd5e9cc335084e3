"""Publishing signed tree heads, so that truncating the audit log is caught.

Every ``INTERVIEW_TREE_HEAD_INTERVAL_SECONDS`` (and on demand) the publisher signs the head of
the live Merkle log (O(new entries): :class:`~signaling.audit.log.LiveMerkleLog` only hashes the
rows appended since the last time) and, when the log grew, appends it as one JSON line to
``tree-heads.jsonl`` in the data dir and POSTs it to the marketplace's signed webhook, so
copies exist outside this server's database (and writes a ``tree_head.published`` event to the
event feed, see :mod:`signaling.events`). Entries newer than the latest published head are
the unprotected window: someone with write access to the database could remove them
unnoticed; anything older is covered, and ``interview-server audit verify`` or a bundle
compared with a published head names the first head that no longer matches.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from signaling.audit.log import LiveMerkleLog
from signaling.audit.tree_head import SignedTreeHead, public_key_pem
from signaling.calendar.webhook import OutboundWebhook
from signaling.events.catalogue import NewEvent
from signaling.store import schema as t
from signaling.store.sql import SqlStore

logger = logging.getLogger(__name__)

HEADS_FILE = "tree-heads.jsonl"
EVENT_TYPE = "audit.tree_head"
FEED_EVENT_TYPE = "tree_head.published"
FEED_LOOKBACK = 20  # recent tree_head.published events searched for the file's latest head


def read_heads(path: Path, *, missing_ok: bool = True) -> tuple[list[SignedTreeHead], list[str]]:
    """The heads in a JSON Lines file (blocking), and a problem for each unreadable line; a
    missing file has no heads (and is a problem unless ``missing_ok``)."""
    heads: list[SignedTreeHead] = []
    problems: list[str] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return heads, [] if missing_ok else [f"{path}: no such file"]
    except (OSError, UnicodeDecodeError) as exc:
        return heads, [f"{path}: unreadable ({exc})"]
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            heads.append(SignedTreeHead.from_json(json.loads(line)))
        except ValueError as exc:
            problems.append(f"{path.name} line {number}: not a tree head ({exc})")
    return heads, problems


def latest(heads: list[SignedTreeHead]) -> SignedTreeHead | None:
    """The largest head (the newest of those with that size)."""
    return max(heads, key=lambda h: (h.tree_size, h.timestamp), default=None)


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


class TreeHeadPublisher:
    """Signs and publishes tree heads of one store's audit log (one per process)."""

    def __init__(
        self,
        store: SqlStore,
        live: LiveMerkleLog,
        key: Callable[[], Ed25519PrivateKey],
        path: Path,
        *,
        webhook: OutboundWebhook | None = None,
        node_id: str = "",
    ) -> None:
        self._store = store
        self.live = live
        self._key = key
        self.path = path
        self.webhook = webhook
        self._node_id = node_id
        self._lock = asyncio.Lock()
        self._deliveries: set[asyncio.Task[bool]] = set()
        self.latest: SignedTreeHead | None = None
        self._loaded = False

    async def load(self) -> SignedTreeHead | None:
        """Read the heads published so far (once) and check the store against the latest:
        a mismatch is logged as an error (the log was changed after it was published)."""
        if self._loaded:
            return self.latest
        heads, problems = await asyncio.to_thread(read_heads, self.path)
        for problem in problems:
            logger.error("published tree heads: %s", problem)
        self.latest = latest(heads)
        self._loaded = True
        if self.latest is not None:
            await self._check(self.latest)
            await self._reconcile_feed(self.latest)
        return self.latest

    async def _reconcile_feed(self, head: SignedTreeHead) -> None:
        """The file append and the feed event are two writes (a file and the database), so a
        crash between them left a head in ``tree-heads.jsonl`` that the event feed never
        carried, and a log that did not grow afterwards never published it again. At start-up
        the latest head of the file is looked up among the feed's recent
        ``tree_head.published`` events and written to the feed if it is missing (a head
        published twice is the same fact twice; the feed is at least once anyway)."""
        if self._store.events is None:
            return
        o = t.event_outbox
        query = (
            select(o.c.data)
            .where(o.c.type == FEED_EVENT_TYPE)
            .order_by(o.c.id.desc())
            .limit(FEED_LOOKBACK)
        )
        async with self._store.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        wanted = (head.tree_size, head.timestamp, head.key_id)
        for row in rows:
            published = json.loads(row.data).get("tree_head") or {}
            if (
                published.get("tree_size"),
                published.get("timestamp"),
                published.get("key_id"),
            ) == wanted:
                return
        logger.warning(
            "the latest published tree head (size %d) is not in the event feed (the process "
            "stopped between the two writes); publishing it to the feed now",
            head.tree_size,
        )
        await self._store.emit([self.feed_event(head)])

    async def _check(self, head: SignedTreeHead) -> bool:
        result = await self.live.check_heads(self._store, [head], self._key().public_key())
        if not result.ok:
            logger.error(
                "the audit log no longer matches the published tree head of size %d "
                "(timestamp %d): %s",
                head.tree_size,
                head.timestamp,
                result.reason,
            )
        return result.ok

    async def publish(self, *, force: bool = False) -> SignedTreeHead | None:
        """Sign the current head and publish it if the log grew since the latest published
        head (always, with ``force``); returns the head published, or None."""
        await self.load()
        async with self._lock:
            sth = await self.live.tree_head(self._store, self._key())
            previous = self.latest
            if not force and previous is not None and previous.tree_size == sth.tree_size:
                return None
            await asyncio.to_thread(_append, self.path, json.dumps(sth.to_json()))
            self.latest = sth
            # the event feed's copy (delivered at least once; see signaling.events)
            await self._store.emit([self.feed_event(sth)])
        if self.webhook is not None:
            task = asyncio.create_task(self._deliver(sth))
            self._deliveries.add(task)
            task.add_done_callback(self._deliveries.discard)
        logger.info("published tree head size=%d", sth.tree_size)
        return sth

    def event(self, sth: SignedTreeHead) -> dict[str, Any]:
        """The webhook body for one head."""
        return {
            "id": f"tree-head-{sth.key_id}-{sth.tree_size}-{sth.timestamp}",
            "type": EVENT_TYPE,
            "node_id": self._node_id,
            "tree_head": sth.to_json(),
            "public_key_pem": public_key_pem(self._key()).decode(),
        }

    def feed_event(self, sth: SignedTreeHead) -> NewEvent:
        """The ``tree_head.published`` event for one head."""
        return NewEvent(
            FEED_EVENT_TYPE,
            None,
            datetime.now(UTC),
            {
                "node_id": self._node_id,
                "tree_head": sth.to_json(),
                "public_key_pem": public_key_pem(self._key()).decode(),
            },
        )

    async def _deliver(self, sth: SignedTreeHead) -> bool:
        assert self.webhook is not None
        return await self.webhook.send(self.event(sth))

    async def drain(self) -> None:
        """Wait for the webhook deliveries under way."""
        while self._deliveries:
            await asyncio.gather(*self._deliveries, return_exceptions=True)

    async def run(self, interval: float, *, leader: Callable[[], bool] | None = None) -> None:
        """Publish every ``interval`` seconds until cancelled; errors are logged, not fatal.
        With ``leader``, only rounds in which it says this node is the sequencer publish (the
        node that integrates the log signs its heads; the others would sign the same ones)."""
        while True:
            try:
                # every node reads (once) the heads it published before and reconciles the
                # feed with them, sequencer or not: its own file may hold a head the feed missed
                await self.load()
                if leader is None or leader():
                    await self.publish()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("publishing the tree head failed")
            await asyncio.sleep(interval)

    async def close(self) -> None:
        """Cancel the deliveries still retrying."""
        for task in list(self._deliveries):
            task.cancel()
        await asyncio.gather(*self._deliveries, return_exceptions=True)
