"""RFC 9457 problem details: the only way errors leave the REST edge."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from signaling.errors import InterviewError

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    408: "Request timeout",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
}


def problem(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> web.Response:
    body = {
        "type": f"https://interview-server.dev/problems/{code}",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    return web.Response(
        status=status,
        text=json.dumps(body),
        content_type="application/problem+json",
        headers=headers,
    )


def validation_detail(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ())) or "body"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


def challenge(exc: InterviewError) -> str:
    """The ``WWW-Authenticate`` value every 401 carries (RFC 9110 §15.5.2): an error's own
    ``challenge`` if it names one, else a Bearer challenge; a token that was sent and refused
    adds ``error="invalid_token"`` (RFC 6750 §3.1)."""
    own = getattr(exc, "challenge", None)
    if isinstance(own, str):
        return own
    value = 'Bearer realm="interview-server"'
    if exc.code != "token_missing":
        value += ', error="invalid_token"'
    return value


@web.middleware
async def problem_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Translate errors into problem JSON; bad input never becomes a 500."""
    try:
        return await handler(request)
    except InterviewError as exc:
        headers = None
        retry_after = getattr(exc, "retry_after", None)  # rate limits, entries not integrated
        if isinstance(retry_after, int | float):
            headers = {"Retry-After": str(max(1, round(retry_after + 0.5)))}
        if exc.status == 401:
            headers = {"WWW-Authenticate": challenge(exc)}
        return problem(exc.status, exc.code, exc.reason, headers, **exc.extra)
    except ValidationError as exc:
        return problem(422, "invalid", validation_detail(exc))
    except web.HTTPException as exc:
        if exc.status < 400 or not request.path.startswith("/api"):
            raise
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            exc.status, "http_error"
        )
        allow = {"Allow": exc.headers.get("Allow", "")} if exc.status == 405 else None
        return problem(exc.status, code, exc.reason, allow)
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return problem(500, "internal", "an unexpected error occurred; it has been logged")
