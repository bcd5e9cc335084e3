from __future__ import annotations

import uuid

from signaling.ratelimit import InMemoryRateLimiter, RateLimiter
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
