"""Redis adapters for several server nodes: shared rate-limit buckets and call routing."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from signaling.domain.ports import RemoteHandler
from signaling.errors import SignalingError, SignalingTimeout, Unavailable
from signaling.ratelimit import InMemoryRateLimiter

logger = logging.getLogger(__name__)

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
    """The RateLimiter port over Redis, so a user's budget is shared by every node.

    While Redis is unreachable (down, restarting) each node limits with its own in-memory
    buckets of the same size, so chat keeps working under the same per-node limit instead of
    failing every send.
    """

    def __init__(
        self, url: str, per_minute: float, burst: int, *, prefix: str = "interview:rl:"
    ) -> None:
        self._redis = aioredis.from_url(url)
        self._rate = per_minute / 60.0
        self._burst = max(burst, 1)
        self._prefix = prefix
        self._script = self._redis.register_script(_BUCKET_LUA)
        self._local = InMemoryRateLimiter(per_minute, burst)
        self._degraded = False

    async def hit(self, key: str) -> float | None:
        try:
            wait_ms = int(
                await self._script(
                    keys=[self._prefix + key], args=[self._rate, self._burst, time.time()]
                )
            )
        except (RedisError, OSError) as exc:
            if not self._degraded:
                logger.warning("rate limits fall back to this node's memory: Redis %s", exc)
                self._degraded = True
            return await self._local.hit(key)
        if self._degraded:
            logger.info("rate limits shared through Redis again")
            self._degraded = False
        return None if wait_ms == 0 else wait_ms / 1000.0

    async def close(self) -> None:
        await self._redis.aclose()


# Claims are two keys: ``thread-call:<thread>`` -> call id (one call per thread) and
# ``call-owner:<call>`` -> node id (where its media lives). Each script below is atomic and
# owner-checked: a node never overwrites, extends or deletes a claim that names another call
# or another node.

# KEYS: thread key, owner key. ARGV: call id, node id, ttl ms. 1 if claimed, else 0.
_CLAIM_LUA = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[3]) then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""

# KEYS: thread key 1, owner key 1, thread key 2, owner key 2, ... ARGV: ttl ms, node id,
# call id 1, call id 2, ... A claim that vanished (Redis restarted without its data) is
# re-created; one that names another call is left alone. Returns how many are ours.
_RENEW_LUA = """
local ttl = ARGV[1]
local node = ARGV[2]
local ours = 0
for i = 1, #KEYS, 2 do
  local call = ARGV[2 + (i + 1) / 2]
  if redis.call('SET', KEYS[i], call, 'NX', 'PX', ttl) or redis.call('GET', KEYS[i]) == call then
    redis.call('PEXPIRE', KEYS[i], ttl)
    local owner = redis.call('GET', KEYS[i + 1])
    if owner == false or owner == node then
      redis.call('SET', KEYS[i + 1], node, 'PX', ttl)
    end
    ours = ours + 1
  end
end
return ours
"""

# KEYS: thread key, owner key. ARGV: call id, owner node id. Only on behalf of the call's
# owner (a node releasing its own call, or a sweeper naming the dead owner), and each key only
# if it still holds that value: never another call's claim, never another node's call.
_RELEASE_LUA = """
local owner = redis.call('GET', KEYS[2])
if owner and owner ~= ARGV[2] then return 0 end
local released = 0
if redis.call('GET', KEYS[1]) == ARGV[1] then released = released + redis.call('DEL', KEYS[1]) end
if owner then released = released + redis.call('DEL', KEYS[2]) end
return released
"""


class RedisCallRouter:
    """The CallRouter port over Redis: claims by atomic scripts, requests over pub/sub.

    A node subscribes to ``<prefix>node:<node_id>``; a forwarded request carries a reply
    channel that the caller subscribed to before publishing, so no reply is lost. Claims
    expire after ``claim_ttl`` seconds unless the owner renews them (``renew_claims``, every
    lease renewal), so a dead node's claims vanish by themselves even if nobody sweeps.
    """

    def __init__(
        self,
        url: str,
        node_id: str,
        *,
        prefix: str = "interview:",
        claim_ttl: float = 30.0,
        request_timeout: float = 10.0,
    ) -> None:
        self.node_id = node_id
        self._redis = aioredis.from_url(url)
        self._prefix = prefix
        self._ttl_ms = max(1, int(claim_ttl * 1000))
        self._timeout = request_timeout
        self._claim = self._redis.register_script(_CLAIM_LUA)
        self._renew = self._redis.register_script(_RENEW_LUA)
        self._release = self._redis.register_script(_RELEASE_LUA)
        self._listener: asyncio.Task[None] | None = None
        self._pubsub: Any = None

    def _node_channel(self, node_id: str) -> str:
        return f"{self._prefix}node:{node_id}"

    def _keys(self, thread_id: str, call_id: str) -> list[str]:
        return [f"{self._prefix}thread-call:{thread_id}", f"{self._prefix}call-owner:{call_id}"]

    async def claim_thread(self, thread_id: str, call_id: str) -> bool:
        async with _unavailable_on_redis_error():
            claimed = await self._claim(
                keys=self._keys(thread_id, call_id), args=[call_id, self.node_id, self._ttl_ms]
            )
        return bool(claimed)

    async def renew_claims(self, claims: Sequence[tuple[str, str]]) -> int:
        if not claims:
            return 0
        keys = [key for thread_id, call_id in claims for key in self._keys(thread_id, call_id)]
        args: list[str | int] = [self._ttl_ms, self.node_id, *(c for _, c in claims)]
        async with _unavailable_on_redis_error():
            return int(await self._renew(keys=keys, args=args))

    async def release_thread(self, thread_id: str, call_id: str, owner: str | None = None) -> None:
        async with _unavailable_on_redis_error():
            await self._release(
                keys=self._keys(thread_id, call_id), args=[call_id, owner or self.node_id]
            )

    async def owner(self, call_id: str) -> str | None:
        async with _unavailable_on_redis_error():
            value = await self._redis.get(f"{self._prefix}call-owner:{call_id}")
        return value.decode() if isinstance(value, bytes) else value

    async def forward(self, node_id: str, request: dict[str, Any]) -> dict[str, Any]:
        reply_channel = f"{self._prefix}reply:{uuid.uuid4().hex}"
        pubsub: Any = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            async with _unavailable_on_redis_error():
                await pubsub.subscribe(reply_channel)
                receivers = await self._redis.publish(
                    self._node_channel(node_id),
                    json.dumps({"reply_to": reply_channel, **request}),
                )
            if receivers == 0:
                raise SignalingError(
                    "the node that holds this call is not reachable", code="node_unreachable"
                )
            try:
                async with asyncio.timeout(self._timeout):
                    async for message in pubsub.listen():
                        reply: dict[str, Any] = json.loads(message["data"])
                        return reply
            except TimeoutError as exc:
                raise SignalingTimeout(
                    "the node that holds this call did not answer", code="node_timeout"
                ) from exc
            except (RedisError, OSError) as exc:
                raise Unavailable(
                    "call routing lost Redis while waiting for the reply",
                    code="router_unavailable",
                ) from exc
            raise SignalingError("no reply", code="node_unreachable")  # pragma: no cover
        finally:
            try:
                await pubsub.aclose()
            except (RedisError, OSError):
                pass

    async def start(self, handler: RemoteHandler) -> None:
        """Listen for requests forwarded to this node (re-subscribing after Redis outages)."""
        channel = self._node_channel(self.node_id)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(channel)

        async def serve_one(raw: bytes) -> None:
            try:
                request = json.loads(raw)
                reply_to = request.pop("reply_to")
            except (ValueError, KeyError, TypeError):
                logger.warning("dropped a malformed routed request")
                return
            reply = await handler(request)
            try:
                await self._redis.publish(reply_to, json.dumps(reply, default=str))
            except RedisError:
                logger.warning("could not send a routed reply (Redis unavailable)")

        async def listen() -> None:
            tasks: set[asyncio.Task[None]] = set()
            delay = 0.1
            while True:
                try:
                    if self._pubsub is None:
                        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                        await self._pubsub.subscribe(channel)
                        logger.info("call router re-subscribed node_id=%s", self.node_id)
                    async for message in self._pubsub.listen():
                        delay = 0.1
                        task = asyncio.create_task(serve_one(message["data"]))
                        tasks.add(task)
                        task.add_done_callback(tasks.discard)
                except (RedisError, OSError) as exc:
                    logger.warning("call router lost Redis (%s); retrying in %.1fs", exc, delay)
                    pubsub, self._pubsub = self._pubsub, None
                    if pubsub is not None:
                        try:
                            await pubsub.aclose()
                        except (RedisError, OSError):
                            pass
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 2.0)

        self._listener = asyncio.create_task(listen())

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            try:
                await self._listener
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise
        if self._pubsub is not None:
            await self._pubsub.aclose()
        await self._redis.aclose()


@asynccontextmanager
async def _unavailable_on_redis_error() -> AsyncIterator[None]:
    """Redis down (or restarting) is a 503 ``router_unavailable`` at the edge, not a 500."""
    try:
        yield
    except (RedisError, OSError) as exc:
        raise Unavailable(
            "call routing is unavailable (Redis is not reachable); try again",
            code="router_unavailable",
        ) from exc
