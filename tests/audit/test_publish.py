"""The tree head publisher: when it publishes, what it writes, what it notices at start-up,
and its settings."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signaling.audit.log import LiveMerkleLog
from signaling.audit.publish import HEADS_FILE, TreeHeadPublisher, latest, read_heads
from signaling.audit.sequencer import sequence_all
from signaling.audit.tree_head import verify_tree_head
from signaling.errors import ConfigError
from signaling.settings import Settings
from signaling.store.sql import SqlStore


async def fill(store: SqlStore, n: int, chain: str = "thread-a") -> None:
    for i in range(n):
        await store.append_audit(chain, "test.event", "u1", {"i": i})
    await sequence_all(store)  # the sequencer integrates them into the log


async def test_heads_are_published_when_the_log_grew_or_when_forced(
    store: SqlStore, tmp_path: Path
) -> None:
    key = Ed25519PrivateKey.generate()
    path = tmp_path / HEADS_FILE
    publisher = TreeHeadPublisher(store, LiveMerkleLog(page=3), lambda: key, path)
    await fill(store, 4)
    first = await publisher.publish()
    assert first is not None and first.tree_size == 4
    assert await publisher.publish() is None  # nothing new: no line
    forced = await publisher.publish(force=True)
    assert forced is not None and forced.tree_size == 4
    await fill(store, 3, "thread-b")
    grown = await publisher.publish()
    assert grown is not None and grown.tree_size == 7

    heads, problems = await asyncio.to_thread(read_heads, path)
    assert problems == [] and heads == [first, forced, grown]
    assert all(verify_tree_head(key.public_key(), h) for h in heads)
    assert latest(heads) == grown == publisher.latest

    # a restarted process picks up where the file left off
    again = TreeHeadPublisher(store, LiveMerkleLog(), lambda: key, path)
    assert await again.load() == grown
    assert await again.publish() is None


async def test_a_store_changed_while_the_server_was_down_is_reported_at_start(
    store: SqlStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    key = Ed25519PrivateKey.generate()
    path = tmp_path / HEADS_FILE
    await fill(store, 6)
    head = await TreeHeadPublisher(store, LiveMerkleLog(), lambda: key, path).publish()
    assert head is not None
    async with store.engine.begin() as conn:
        await conn.execute(
            sa.text("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
        )
    await fill(store, 2, "thread-b")
    with caplog.at_level(logging.ERROR, logger="signaling.audit.publish"):
        await TreeHeadPublisher(store, LiveMerkleLog(), lambda: key, path).load()
    assert any(
        f"no longer matches the published tree head of size {head.tree_size}" in r.getMessage()
        for r in caplog.records
    ), caplog.text


async def test_unreadable_lines_are_named(tmp_path: Path) -> None:
    path = tmp_path / HEADS_FILE
    await asyncio.to_thread(path.write_text, '{"tree_size": 1}\nnot json\n\n')
    heads, problems = await asyncio.to_thread(read_heads, path)
    assert heads == []
    assert [p.split(":")[0] for p in problems] == [f"{HEADS_FILE} line 1", f"{HEADS_FILE} line 2"]
    missing = tmp_path / "missing.jsonl"
    assert await asyncio.to_thread(read_heads, missing) == ([], [])
    _, problems = await asyncio.to_thread(read_heads, missing, missing_ok=False)
    assert problems == [f"{missing}: no such file"]


def test_interval_and_webhook_settings() -> None:
    assert Settings().tree_head_interval_seconds == 60.0
    env = {"INTERVIEW_TREE_HEAD_INTERVAL_SECONDS": "5"}
    assert Settings.from_env(env).tree_head_interval_seconds == 5.0
    for bad in ("0", "-1", "3601", "soon"):
        with pytest.raises(ConfigError, match="INTERVIEW_TREE_HEAD_INTERVAL_SECONDS"):
            Settings.from_env({"INTERVIEW_TREE_HEAD_INTERVAL_SECONDS": bad})
    with pytest.raises(ConfigError, match="INTERVIEW_BACKEND_WEBHOOK_SECRET"):
        Settings.from_env({"INTERVIEW_TREE_HEAD_WEBHOOK_URL": "https://market.example/heads"})


async def test_a_head_the_feed_missed_is_published_to_it_at_start(
    store: SqlStore, tmp_path: Path
) -> None:
    """A crash between the file append and the feed event left a head in tree-heads.jsonl
    that the event feed never carried; the restarted process writes it to the feed."""
    from signaling.events.outbox import EventRecorder, OutboxStore

    store.events = EventRecorder()
    outbox = OutboxStore(store)
    key = Ed25519PrivateKey.generate()
    path = tmp_path / HEADS_FILE
    await fill(store, 5)
    head = await TreeHeadPublisher(store, LiveMerkleLog(), lambda: key, path).publish()
    assert head is not None
    feed = await outbox.events_after(0, types=["tree_head.published"])
    assert [r.data["tree_head"]["tree_size"] for r in feed] == [5]
    # the process "stopped" after the file append and before the feed event
    async with store.engine.begin() as conn:
        await conn.execute(sa.text("DELETE FROM event_outbox"))
    assert await outbox.events_after(0, types=["tree_head.published"]) == []

    restarted = TreeHeadPublisher(store, LiveMerkleLog(), lambda: key, path)
    assert await restarted.load() == head
    assert await restarted.publish() is None  # the log did not grow: no new head
    feed = await outbox.events_after(0, types=["tree_head.published"])
    assert len(feed) == 1
    carried = feed[0].data["tree_head"]
    assert (carried["tree_size"], carried["timestamp"], carried["root_hash"]) == (
        head.tree_size,
        head.timestamp,
        head.root_hash,
    )
    # a head the feed already has is not written again
    await TreeHeadPublisher(store, LiveMerkleLog(), lambda: key, path).load()
    assert len(await outbox.events_after(0, types=["tree_head.published"])) == 1
