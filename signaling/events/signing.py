"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

Each delivery carries ``webhook-id`` (the event id, the same on every retry),
``webhook-timestamp`` (epoch seconds of this attempt) and ``webhook-signature``:
``v1,`` + base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}")). The key is the secret's bytes;
a secret written as ``whsec_<base64>`` (the Standard Webhooks form) is base64-decoded first,
so the scheme's own libraries verify our deliveries unchanged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
TOLERANCE_SECONDS = 300


def secret_key(secret: str) -> bytes:
    """The HMAC key for ``secret``."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret[len("whsec_") :], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("a whsec_ secret must be base64 after the prefix") from exc
    return secret.encode()


def sign(secret: str | bytes, event_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value (``secret`` as configured, or its key bytes)."""
    key = secret if isinstance(secret, bytes) else secret_key(secret)
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str | bytes, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        ID_HEADER: event_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, event_id, timestamp, body),
    }


def batch_id(event_ids: Sequence[str]) -> str:
    """The ``webhook-id`` of a batch delivery: derived from the ids it carries, so a retry of
    the same events has the same id (receivers still drop repeats by each event's own id)."""
    return "batch_" + hashlib.sha256("\n".join(event_ids).encode()).hexdigest()[:32]


def verify(
    secret: str,
    event_id: str | None,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    *,
    now: float,
    tolerance: float = TOLERANCE_SECONDS,
) -> bool:
    """What a receiver checks: a fresh timestamp and one matching ``v1`` signature (the
    header may list several, space-separated, during a secret rotation)."""
    if not event_id or not timestamp or not signature:
        return False
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > tolerance:
        return False
    expected = sign(secret, event_id, sent_at, body)
    return any(hmac.compare_digest(expected, part) for part in signature.split())
