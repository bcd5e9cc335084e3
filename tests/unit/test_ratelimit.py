from __future__ import annotations

import uuid

import pytest

from signaling.errors import ConfigError, RateLimited
from signaling.ratelimit import InMemoryRateLimiter, Limit, RateLimiter, limits_from_settings
from signaling.settings import Settings
from signaling.store.redis import RedisRateLimiter


async def test_in_memory_bucket_refills() -> None:
    now = [0.0]
    limiter: RateLimiter = InMemoryRateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    assert await limiter.hit("u") is None
    assert await limiter.hit("u") is None
    wait = await limiter.hit("u")
    assert wait is not None and 0 < wait <= 1.0
    assert await limiter.hit("other") is None  # per key
    now[0] += 1.0
    assert await limiter.hit("u") is None


async def test_redis_bucket_is_shared_between_instances(redis_url: str) -> None:
    key = f"test-{uuid.uuid4()}"
    a = RedisRateLimiter(redis_url, per_minute=6, burst=3)
    b = RedisRateLimiter(redis_url, per_minute=6, burst=3)
    _: RateLimiter = a
    try:
        results = [await a.hit(key), await b.hit(key), await a.hit(key), await b.hit(key)]
        assert results[:3] == [None, None, None]
        assert results[3] is not None and 0 < results[3] <= 10.0
    finally:
        await a.close()
        await b.close()


async def test_named_limits_raise_rate_limited_per_user() -> None:
    limits = limits_from_settings(Settings(thread_join_burst=2, thread_join_rate_per_minute=6))
    await limits.check("thread_join", "u1")
    await limits.check("thread_join", "u1")
    with pytest.raises(RateLimited) as info:
        await limits.check("thread_join", "u1")
    assert info.value.code == "rate_limited" and 0 < info.value.retry_after <= 10
    assert info.value.to_ack()["retry_after"] > 0
    await limits.check("thread_join", "u2")  # per user
    await limits.check("call_media", "u1")  # per limit


async def test_named_limits_are_shared_across_nodes_through_redis(redis_url: str) -> None:
    settings = Settings(case_burst=2, case_rate_per_minute=0.5)
    limiters: list[RedisRateLimiter] = []

    def redis(limit: Limit) -> RateLimiter:
        limiter = RedisRateLimiter(redis_url, limit.per_minute, limit.burst)
        limiters.append(limiter)
        return limiter

    node_a, node_b = limits_from_settings(settings, redis), limits_from_settings(settings, redis)
    user = f"test-{uuid.uuid4()}"
    try:
        await node_a.check("case", user)
        await node_b.check("case", user)
        with pytest.raises(RateLimited):
            await node_a.check("case", user)
    finally:
        await node_a.close()
        await node_b.close()
    assert limiters


async def test_in_memory_buckets_do_not_grow_without_bound() -> None:
    now = [0.0]
    limiter = InMemoryRateLimiter(per_minute=60, burst=1, clock=lambda: now[0], max_keys=100)
    for i in range(1000):
        now[0] += 1.0  # every earlier bucket has refilled
        assert await limiter.hit(f"k{i}") is None
    assert len(limiter._buckets) <= 100


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("THREAD_JOIN_BURST", "0"),
        ("CASE_RATE_PER_MINUTE", "nan"),
        ("MEETING_RATE_PER_MINUTE", "-1"),
        ("MAX_SOCKETS_PER_USER", "0"),
        ("THREAD_JOIN_PAGE_SIZE", "5000"),
        ("MAX_HORIZON_DAYS", "0"),
    ],
)
def test_limits_must_be_positive(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"INTERVIEW_{name}"):
        Settings.from_env({"INTERVIEW_DEV_MODE": "1", f"INTERVIEW_{name}": value})
