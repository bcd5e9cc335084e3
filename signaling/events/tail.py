"""``interview-server events tail``: stream the event feed through the pull API (debugging).

Prints one JSON line per event (the envelope the webhook gets) in commit order, starting
after ``--after`` (a cursor; 0: the beginning), and with ``--follow`` keeps polling for new
ones. It authenticates with the service token, like the marketplace backend.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import TextIO

import aiohttp


async def tail(
    base_url: str,
    token: str,
    *,
    out: TextIO,
    err: TextIO,
    after: str = "0",
    types: Sequence[str] = (),
    follow: bool = False,
    interval: float = 1.0,
    page: int = 100,
    max_events: int | None = None,
) -> int:
    """Print events until caught up (or forever with ``follow``); 0 on success, 1 on error."""
    if not token:
        print("events tail needs INTERVIEW_SERVICE_TOKEN (the feed is for the backend)", file=err)
        return 1
    url = base_url.rstrip("/") + "/api/events"
    headers = {"Authorization": f"Bearer {token}"}
    printed = 0
    cursor = after
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        while True:
            params = {"after": cursor, "limit": str(page)}
            if types:
                params["types"] = ",".join(types)
            try:
                async with http.get(url, params=params, headers=headers) as resp:
                    body = await resp.json(content_type=None)
                    status = resp.status
            except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                print(f"events tail: {url}: {exc!r}", file=err)
                return 1
            if status != 200:
                detail = body.get("detail") if isinstance(body, dict) else body
                print(f"events tail: HTTP {status}: {detail}", file=err)
                return 1
            for event in body["events"]:
                print(json.dumps(event, sort_keys=True), file=out, flush=True)
                printed += 1
                if max_events is not None and printed >= max_events:
                    return 0
            cursor = body["next_cursor"]
            if not body["events"]:
                if not follow:
                    return 0
                await asyncio.sleep(interval)
