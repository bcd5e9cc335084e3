"""ICE server configuration: STUN entries and time-limited TURN credentials.

TURN credentials follow the TURN REST API scheme used by coturn's ``use-auth-secret``:
``username = "<expiry unix time>:<user id>"`` and
``credential = base64(HMAC-SHA1(secret, username))``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any


def turn_credentials(secret: str, user_id: str, *, now: float, ttl: int) -> tuple[str, str]:
    """The (username, credential) pair valid until ``now + ttl``."""
    username = f"{int(now) + ttl}:{user_id}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


def ice_servers(
    *,
    stun_urls: tuple[str, ...],
    turn_urls: tuple[str, ...],
    turn_secret: str,
    user_id: str,
    now: float,
    ttl: int,
) -> dict[str, Any]:
    """The ``GET /api/ice-servers`` body."""
    servers: list[dict[str, Any]] = []
    if stun_urls:
        servers.append({"urls": list(stun_urls)})
    if turn_urls and turn_secret:
        username, credential = turn_credentials(turn_secret, user_id, now=now, ttl=ttl)
        servers.append({"urls": list(turn_urls), "username": username, "credential": credential})
    return {"ice_servers": servers, "ttl_seconds": ttl}
