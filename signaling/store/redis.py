"""Redis adapters for several server nodes: shared rate-limit buckets and call routing."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from typing import Any

import redis.asyncio as aioredis

from signaling.domain.ports import RemoteHandler
from signaling.errors import SignalingError, SignalingTimeout

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


# Delete a key only if it still holds our value (a call must not release another's claim).
_RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisCallRouter:
    """The CallRouter port over Redis: claims with SET NX, requests over pub/sub.

    A node subscribes to ``<prefix>node:<node_id>``; a forwarded request carries a reply
    channel that the caller subscribed to before publishing, so no reply is lost.
    """

    def __init__(
        self,
        url: str,
        node_id: str,
        *,
        prefix: str = "interview:",
        claim_ttl: int = 6 * 3600,
        request_timeout: float = 10.0,
    ) -> None:
        self.node_id = node_id
        self._redis = aioredis.from_url(url)
        self._prefix = prefix
        self._ttl = claim_ttl
        self._timeout = request_timeout
        self._release = self._redis.register_script(_RELEASE_LUA)
        self._listener: asyncio.Task[None] | None = None
        self._pubsub: Any = None

    def _node_channel(self, node_id: str) -> str:
        return f"{self._prefix}node:{node_id}"

    async def claim_thread(self, thread_id: str, call_id: str) -> bool:
        claimed = await self._redis.set(
            f"{self._prefix}thread-call:{thread_id}", call_id, nx=True, ex=self._ttl
        )
        if claimed:
            await self._redis.set(f"{self._prefix}call-owner:{call_id}", self.node_id, ex=self._ttl)
        return bool(claimed)

    async def release_thread(self, thread_id: str, call_id: str) -> None:
        await self._release(keys=[f"{self._prefix}thread-call:{thread_id}"], args=[call_id])
        await self._release(keys=[f"{self._prefix}call-owner:{call_id}"], args=[self.node_id])

    async def owner(self, call_id: str) -> str | None:
        value = await self._redis.get(f"{self._prefix}call-owner:{call_id}")
        return value.decode() if isinstance(value, bytes) else value

    async def forward(self, node_id: str, request: dict[str, Any]) -> dict[str, Any]:
        reply_channel = f"{self._prefix}reply:{uuid.uuid4().hex}"
        pubsub: Any = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(reply_channel)
            receivers = await self._redis.publish(
                self._node_channel(node_id), json.dumps({"reply_to": reply_channel, **request})
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
            raise SignalingError("no reply", code="node_unreachable")  # pragma: no cover
        finally:
            await pubsub.aclose()

    async def start(self, handler: RemoteHandler) -> None:
        """Listen for requests forwarded to this node."""
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await self._pubsub.subscribe(self._node_channel(self.node_id))

        async def serve_one(raw: bytes) -> None:
            try:
                request = json.loads(raw)
                reply_to = request.pop("reply_to")
            except (ValueError, KeyError, TypeError):
                logger.warning("dropped a malformed routed request")
                return
            reply = await handler(request)
            await self._redis.publish(reply_to, json.dumps(reply, default=str))

        async def listen() -> None:
            tasks: set[asyncio.Task[None]] = set()
            async for message in self._pubsub.listen():
                task = asyncio.create_task(serve_one(message["data"]))
                tasks.add(task)
                task.add_done_callback(tasks.discard)

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
