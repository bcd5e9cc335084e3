"""A recording stream is one ``access`` entry however many HTTP Range requests the player
makes: the stream slides with each request (a long playback with seeks stays one entry), and
with several nodes (PostgreSQL + Redis) a chunk served by the other node continues it."""

from __future__ import annotations

import uuid

import pytest

from signaling.api.access import MemoryStreamLog, RedisStreamLog
from tests.api.conftest import Harness, HarnessFactory
from tests.api.fake_media import FakeMediaFactory
from tests.api.test_access_log import AUDITOR, access_entries, stored_recording


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_stream_slides_with_each_request_and_ends_after_a_quiet_window() -> None:
    clock = Clock()
    streams = MemoryStreamLog(60.0, clock=clock)
    assert not await streams.is_continuation("a1", "k-1.webm", 5000)  # nothing live yet
    await streams.started("a1", "k-1.webm")
    for _ in range(10):  # a chunk every 40 s for 400 s: longer than the window, one stream
        clock.now += 40
        assert await streams.is_continuation("a1", "k-1.webm", 5000)
    assert not await streams.is_continuation("a1", "k-1.webm", 0)  # from the start: new
    assert not await streams.is_continuation("a2", "k-1.webm", 5000)  # another user
    assert not await streams.is_continuation("a1", "k-2.webm", 5000)  # another recording
    assert await streams.is_continuation("a1", "k-1.webm", None)  # a suffix range
    clock.now += 61  # quiet for longer than the window: the stream is over
    assert not await streams.is_continuation("a1", "k-1.webm", 5000)


@pytest.mark.redis
async def test_redis_streams_are_shared_and_slide(redis_url: str) -> None:
    key = f"{uuid.uuid4()}-1.webm"
    node_a, node_b = RedisStreamLog(redis_url, 600.0), RedisStreamLog(redis_url, 600.0)
    try:
        assert not await node_b.is_continuation("a1", key, 100)
        await node_a.started("a1", key)
        assert await node_b.is_continuation("a1", key, 100)  # the other node sees it
        assert not await node_b.is_continuation("a1", key, 0)
        assert not await node_b.is_continuation("a1:x", key, 100)
    finally:
        await node_a.close()
        await node_b.close()


@pytest.mark.redis
async def test_one_playback_across_two_nodes_is_one_access_entry(
    make_harness: HarnessFactory, redis_url: str, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the multi-node setup is PostgreSQL + Redis")
    # both nodes share the database, Redis and (through the data dir) the recordings
    node_a = await make_harness(redis_url=redis_url, node_id="a", media_factory=FakeMediaFactory())
    node_b = await make_harness(redis_url=redis_url, node_id="b")
    key = await stored_recording(node_a, size=64_000)
    url = f"/api/recordings/{key}"
    auditor = node_a.headers(*AUDITOR)

    async def get(node: Harness, rng: str) -> int:
        resp = await node.client.get(url, headers={**auditor, "Range": rng})
        await resp.read()
        return resp.status

    # a player behind a load balancer: the first request, then 30 chunks, seeks and the index
    # at the end, each landing on either node
    assert await get(node_a, "bytes=0-") == 206
    for n in range(1, 31):
        node = node_b if n % 2 else node_a
        assert await get(node, f"bytes={n * 2000}-{n * 2000 + 1999}") == 206
    assert await get(node_b, "bytes=-100") == 206
    streams = [e for e in await access_entries(node_a) if e["what"] == "recording.stream"]
    assert [(e["actor_id"], e["key"], e["range"]) for e in streams] == [("a1", key, "bytes=0-")]
