"""Outbound, HMAC-signed webhooks to the marketplace backend (reminders, so it can e-mail).

Each delivery is a JSON ``POST`` with:

* ``X-Interview-Timestamp``: epoch seconds when this attempt was signed;
* ``X-Interview-Signature``: ``sha256=`` + hex HMAC-SHA256(secret, ``"{timestamp}." + body``).
  The timestamp is inside the signed bytes so a captured request cannot be replayed later
  with a fresh timestamp; receivers check both (see :func:`verify_outbound`);
* ``X-Interview-Delivery``: the event's ``id`` (or a random id), the same on every retry, so
  the receiver can drop a delivery it already processed.

5xx answers, 408, 429, timeouts and connection errors are retried with exponential backoff
(``Retry-After`` honoured, capped); other 4xx mean the receiver refuses this event and are
not retried. After ``max_attempts`` the sender gives up, logs, and returns ``False``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Interview-Signature"
TIMESTAMP_HEADER = "X-Interview-Timestamp"
DELIVERY_HEADER = "X-Interview-Delivery"
RETRY_STATUSES = frozenset({408, 425, 429})


def sign_outbound(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Interview-Signature`` value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify_outbound(
    secret: str,
    timestamp: str | None,
    body: bytes,
    signature: str | None,
    *,
    now: float,
    max_age: float = 300.0,
) -> bool:
    """What a receiver checks: a fresh timestamp and a matching signature."""
    if not timestamp or not signature:
        return False
    try:
        sent_at = float(timestamp)
    except ValueError:
        return False
    if not abs(now - sent_at) <= max_age:
        return False
    return hmac.compare_digest(sign_outbound(secret, timestamp, body), signature)


class OutboundWebhook:
    """Sends signed events to one URL with bounded retries; never raises for delivery errors."""

    def __init__(
        self,
        url: str,
        secret: str,
        session: aiohttp.ClientSession,
        max_attempts: int = 5,
        base_delay: float = 0.5,
        *,
        max_delay: float = 30.0,
        timeout: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not secret:
            raise ValueError("an outbound webhook needs a signing secret")
        self.url = url
        self._secret = secret
        self._session = session
        self._max_attempts = max_attempts
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._sleep = sleep
        self._clock = clock

    async def send(self, event: dict[str, Any]) -> bool:
        """Deliver ``event``; True once the receiver answered 2xx, False after giving up."""
        body = json.dumps(event, separators=(",", ":"), sort_keys=True).encode()
        delivery = str(event.get("id") or uuid.uuid4())
        kind = event.get("type", "event")
        for attempt in range(1, self._max_attempts + 1):
            timestamp = str(int(self._clock()))
            headers = {
                "Content-Type": "application/json",
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: sign_outbound(self._secret, timestamp, body),
                DELIVERY_HEADER: delivery,
            }
            delay = self._backoff(attempt)
            try:
                async with self._session.post(
                    self.url, data=body, headers=headers, timeout=self._timeout
                ) as resp:
                    status = resp.status
                    retry_after = resp.headers.get("Retry-After")
                    await resp.read()
            except (TimeoutError, aiohttp.ClientError) as exc:
                logger.warning(
                    "webhook %s delivery %s attempt %d/%d failed: %r",
                    kind, delivery, attempt, self._max_attempts, exc,
                )  # fmt: skip
            else:
                if 200 <= status < 300:
                    logger.info(
                        "webhook %s delivery %s accepted (attempt %d)", kind, delivery, attempt
                    )
                    return True
                if status < 500 and status not in RETRY_STATUSES:
                    logger.error(
                        "webhook %s delivery %s refused with HTTP %d; not retrying",
                        kind, delivery, status,
                    )  # fmt: skip
                    return False
                logger.warning(
                    "webhook %s delivery %s attempt %d/%d got HTTP %d",
                    kind, delivery, attempt, self._max_attempts, status,
                )  # fmt: skip
                if retry_after is not None:
                    try:
                        delay = min(max(0.0, float(retry_after)), self._max_delay)
                    except ValueError:
                        pass
            if attempt < self._max_attempts:
                await self._sleep(delay)
        logger.error(
            "webhook %s delivery %s given up after %d attempts", kind, delivery, self._max_attempts
        )
        return False

    def _backoff(self, attempt: int) -> float:
        return float(min(self._base_delay * 2 ** (attempt - 1), self._max_delay))
