"""Redis adapters: shared rate-limit buckets for several server nodes."""

from __future__ import annotations

import time

import redis.asyncio as aioredis

# A token bucket kept in one hash, updated atomically. Returns 0 when allowed, else the wait
# in milliseconds.
_BUCKET_LUA = """
local key = KEYS[1]
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local data = redis.call('HMGET', key, 'tokens', 'updated')
local tokens = tonumber(data[1])
local updated = tonumber(data[2])
if tokens == nil then tokens = burst; updated = now end
tokens = math.min(burst, tokens + (now - updated) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / rate * 1000)
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 1000)
return wait
"""


class RedisRateLimiter:
    """The RateLimiter port over Redis, so a user's budget is shared by every node."""

    def __init__(
        self, url: str, per_minute: int, burst: int, *, prefix: str = "interview:rl:"
    ) -> None:
        self._redis = aioredis.from_url(url)
        self._rate = per_minute / 60.0
        self._burst = max(burst, 1)
        self._prefix = prefix
        self._script = self._redis.register_script(_BUCKET_LUA)

    async def hit(self, key: str) -> float | None:
        wait_ms = int(
            await self._script(
                keys=[self._prefix + key], args=[self._rate, self._burst, time.time()]
            )
        )
        return None if wait_ms == 0 else wait_ms / 1000.0

    async def close(self) -> None:
        await self._redis.aclose()
