"""Zoom meetings through Server-to-Server OAuth.

Token: ``POST {oauth_url}`` with form ``grant_type=account_credentials&account_id=…`` and HTTP
Basic ``client_id:client_secret``. The token is cached until shortly before ``expires_in``;
a 401 from the API drops it, fetches a new one and retries the request once.

Retries are deliberately narrow, because a retried ``POST`` can create a second meeting:

* 429 is always retried (Zoom refused the request, nothing happened), honouring
  ``Retry-After`` (seconds or an HTTP date) for at most ``max_retries`` attempts; a wait
  longer than ``max_retry_sleep`` (Zoom's daily limits) fails at once with the wait attached.
* 5xx, timeouts and connection errors are retried with backoff only for ``PATCH`` and
  ``DELETE``, which are idempotent; a failed create is reported, never repeated.

Every failure becomes :class:`signaling.errors.ProviderError` with a reason a user can read,
e.g. ``Zoom refused to create the meeting: Invalid field.``; nothing else escapes.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp

from signaling.errors import ProviderError
from signaling.providers.base import Meeting, check_meeting_args

logger = logging.getLogger(__name__)

PROVIDER_NAME = "zoom"
MAX_TOPIC_LENGTH = 200  # Zoom rejects longer topics
INSTANT, SCHEDULED = 1, 2


@dataclass(frozen=True)
class _Token:
    value: str
    refresh_at: float  # on the provider's clock


@dataclass(frozen=True)
class _Response:
    status: int
    body: Any


def zoom_time(value: datetime) -> str:
    """Zoom's UTC time format, ``yyyy-MM-ddTHH:mm:ssZ``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_retry_after(value: str | None, *, now: float, default: float = 1.0) -> float:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _zoom_message(body: Any, fallback: str) -> tuple[str, Any]:
    """The human message and Zoom's code from an error body (``{code, message}``)."""
    if isinstance(body, dict):
        message = body.get("message") or body.get("reason") or body.get("error")
        details = body.get("errors")
        if isinstance(message, str) and message:
            if isinstance(details, list):
                fields = [
                    f"{d.get('field')}: {d.get('message')}"
                    for d in details
                    if isinstance(d, dict) and d.get("field")
                ]
                if fields:
                    message = f"{message} ({'; '.join(fields)})"
            return message, body.get("code")
    return fallback, None


class ZoomMeetingProvider:
    """:class:`~signaling.providers.base.MeetingProvider` for Zoom's REST API v2.

    ``clock`` (monotonic seconds) and ``sleep`` are injectable so tests can expire tokens and
    skip waits without real time passing.
    """

    name = PROVIDER_NAME

    def __init__(
        self,
        account_id: str,
        client_id: str,
        client_secret: str,
        *,
        api_base: str = "https://api.zoom.us/v2",
        oauth_url: str = "https://zoom.us/oauth/token",
        session: aiohttp.ClientSession | None = None,
        max_retries: int = 3,
        max_retry_sleep: float = 10.0,
        request_timeout: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if not (account_id and client_id and client_secret):
            raise ValueError("Zoom needs an account id, a client id and a client secret")
        if max_retries < 1:
            raise ValueError("max_retries must be at least 1")
        self._account_id = account_id
        # Built by hand: aiohttp.BasicAuth is deprecated, and the header is this simple.
        credentials = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._basic = f"Basic {credentials}"
        self._api_base = api_base.rstrip("/")
        self._oauth_url = oauth_url
        self._session = session
        self._owns_session = session is None
        self._max_retries = max_retries
        self._max_retry_sleep = max_retry_sleep
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._clock = clock
        self._sleep = sleep
        self._token: _Token | None = None
        # One token fetch at a time: concurrent requests wait for it instead of each fetching.
        self._token_lock = asyncio.Lock()

    async def __aenter__(self) -> ZoomMeetingProvider:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP session if this provider created it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        # Created lazily so the provider can be built outside a running loop.
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    # ------------------------------------------------------------------ the port
    async def create_meeting(
        self, topic: str, start: datetime | None, duration_minutes: int, timezone: str
    ) -> Meeting:
        """Create a scheduled (type 2) or, with ``start=None``, an instant (type 1) meeting."""
        check_meeting_args(start, duration_minutes, timezone)
        payload: dict[str, Any] = {
            "topic": topic[:MAX_TOPIC_LENGTH],
            "type": INSTANT if start is None else SCHEDULED,
            "duration": duration_minutes,
            "timezone": timezone,
            "settings": {
                # Nobody signs in as the platform's Zoom host, so guests must not wait for one.
                "join_before_host": True,
                "waiting_room": False,
                "approval_type": 2,  # no registration
            },
        }
        if start is not None:
            payload["start_time"] = zoom_time(start)
        what = "create the meeting"
        response = await self._request("POST", "/users/me/meetings", what, payload, False)
        body = response.body
        if not isinstance(body, dict) or "id" not in body or not body.get("join_url"):
            raise ProviderError(
                "Zoom created the meeting but answered without its id or join link",
                code="zoom_bad_response",
            )
        try:
            meeting = Meeting(
                provider=PROVIDER_NAME,
                meeting_id=str(body["id"]),
                join_url=str(body["join_url"]),
                start_url=str(body.get("start_url") or ""),
                passcode=str(body.get("password") or ""),
            )
        except ValueError as exc:
            raise ProviderError(
                f"Zoom answered with an unusable meeting: {exc}", code="zoom_bad_response"
            ) from None
        logger.info("zoom meeting %s created (type %s)", meeting.meeting_id, payload["type"])
        return meeting

    async def update_meeting(
        self,
        meeting_id: str,
        *,
        topic: str | None = None,
        start: datetime | None = None,
        duration_minutes: int | None = None,
        timezone: str | None = None,
    ) -> None:
        """Change the given fields; a call with no fields sends nothing."""
        check_meeting_args(start, duration_minutes, timezone)
        payload: dict[str, Any] = {}
        if topic is not None:
            payload["topic"] = topic[:MAX_TOPIC_LENGTH]
        if start is not None:
            payload["start_time"] = zoom_time(start)
        if duration_minutes is not None:
            payload["duration"] = duration_minutes
        if timezone is not None:
            payload["timezone"] = timezone
        if not payload:
            return
        await self._request(
            "PATCH", f"/meetings/{_meeting_path(meeting_id)}", f"update meeting {meeting_id}",
            payload, True,
        )  # fmt: skip
        logger.info("zoom meeting %s updated (%s)", meeting_id, ", ".join(sorted(payload)))

    async def delete_meeting(self, meeting_id: str) -> None:
        """Delete the meeting; one that Zoom no longer knows counts as deleted."""
        try:
            await self._request(
                "DELETE", f"/meetings/{_meeting_path(meeting_id)}",
                f"delete meeting {meeting_id}", None, True,
            )  # fmt: skip
        except ProviderError as exc:
            if exc.extra.get("http_status") != 404:
                raise
            logger.info("zoom meeting %s was already gone", meeting_id)
            return
        logger.info("zoom meeting %s deleted", meeting_id)

    # ------------------------------------------------------------------ token
    async def _access_token(self) -> str:
        token = self._token
        if token is not None and self._clock() < token.refresh_at:
            return token.value
        async with self._token_lock:
            token = self._token
            if token is not None and self._clock() < token.refresh_at:
                return token.value
            self._token = token = await self._fetch_token()
            return token.value

    def _drop_token(self, value: str) -> None:
        # Only drop the token that failed; a concurrent request may already hold a fresh one.
        if self._token is not None and self._token.value == value:
            self._token = None

    async def _fetch_token(self) -> _Token:
        form = {"grant_type": "account_credentials", "account_id": self._account_id}
        try:
            async with self._http().post(
                self._oauth_url,
                data=form,
                headers={"Authorization": self._basic},
                timeout=self._timeout,
            ) as resp:
                status, raw = resp.status, await resp.read()
        except TimeoutError:
            raise ProviderError(
                "Zoom did not answer the sign-in in time", code="zoom_timeout"
            ) from None
        except aiohttp.ClientError as exc:
            logger.warning("zoom token request failed: %r", exc)
            raise ProviderError(
                "Zoom could not be reached to sign in", code="zoom_unreachable"
            ) from None
        body = _json_or_none(raw)
        if status != 200:
            message, _ = _zoom_message(body, f"HTTP {status}")
            logger.warning("zoom token request refused: HTTP %s %s", status, message)
            raise ProviderError(
                f"Zoom sign-in failed: {message}", code="zoom_auth_failed", http_status=status
            )
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise ProviderError(
                "Zoom sign-in answered without an access token", code="zoom_bad_response"
            )
        expires_in = body.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 3600.0
        # Refresh a little early so a request never leaves with a token about to expire.
        margin = min(60.0, lifetime * 0.1)
        logger.info("zoom access token fetched (expires in %.0f s)", lifetime)
        return _Token(body["access_token"], self._clock() + lifetime - margin)

    # ------------------------------------------------------------------ requests
    async def _request(
        self, method: str, path: str, what: str, payload: dict[str, Any] | None, idempotent: bool
    ) -> _Response:
        url = f"{self._api_base}{path}"
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            token = await self._access_token()
            headers = {"Authorization": f"Bearer {token}"}
            try:
                async with self._http().request(
                    method, url, json=payload, headers=headers, timeout=self._timeout
                ) as resp:
                    status, raw = resp.status, await resp.read()
                    retry_after = resp.headers.get("Retry-After")
            except (TimeoutError, aiohttp.ClientError) as exc:
                timed_out = isinstance(exc, TimeoutError)
                logger.warning("zoom %s %s failed (attempt %d): %r", method, path, attempt, exc)
                if idempotent and attempt < self._max_retries:
                    await self._sleep(self._backoff(attempt))
                    continue
                if timed_out:
                    raise ProviderError(
                        f"Zoom did not answer in time when asked to {what}", code="zoom_timeout"
                    ) from None
                raise ProviderError(
                    f"Zoom could not be reached to {what}", code="zoom_unreachable"
                ) from None

            body = _json_or_none(raw)
            if status == 401 and not refreshed:
                # The token expired or was revoked early: fetch a new one, retry once.
                refreshed = True
                attempt -= 1
                self._drop_token(token)
                logger.info("zoom answered 401 to %s %s; refreshing the token", method, path)
                continue
            if status == 429:
                wait = parse_retry_after(retry_after, now=time.time())
                if attempt < self._max_retries and wait <= self._max_retry_sleep:
                    logger.info("zoom rate limit on %s %s; retrying in %.2f s", method, path, wait)
                    await self._sleep(wait)
                    continue
                _, zoom_code = _zoom_message(body, "rate limit reached")
                raise ProviderError(
                    f"Zoom is rate limiting us, so it could not {what}; "
                    f"try again in {max(1, round(wait))} s",
                    code="zoom_rate_limited",
                    http_status=429,
                    retry_after=round(wait, 3),
                    zoom_code=zoom_code,
                )
            if status >= 500 and idempotent and attempt < self._max_retries:
                logger.warning("zoom answered %s to %s %s; retrying", status, method, path)
                await self._sleep(self._backoff(attempt))
                continue
            if status >= 400:
                raise _http_error(status, body, what)
            return _Response(status, body)

    def _backoff(self, attempt: int) -> float:
        return float(min(0.5 * 2 ** (attempt - 1), self._max_retry_sleep))


def _http_error(status: int, body: Any, what: str) -> ProviderError:
    message, zoom_code = _zoom_message(body, f"HTTP {status}")
    if status == 401:
        reason, code = (
            f"Zoom rejected our credentials when asked to {what}: {message}",
            "zoom_auth_failed",
        )
    elif status == 404:
        reason, code = f"Zoom could not {what}: {message}", "zoom_meeting_not_found"
    elif status < 500:
        reason, code = f"Zoom refused to {what}: {message}", "zoom_refused"
    else:
        reason, code = f"Zoom failed to {what} (HTTP {status}): {message}", "zoom_unavailable"
    logger.warning("zoom error: %s (zoom code %s)", reason, zoom_code)
    return ProviderError(reason, code=code, http_status=status, zoom_code=zoom_code)


def _json_or_none(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None


def _meeting_path(meeting_id: str) -> str:
    # Zoom meeting ids are digits; anything else would let an id rewrite the request path.
    if not meeting_id.isdigit():
        raise ProviderError(f"{meeting_id!r} is not a Zoom meeting id", code="bad_meeting_args")
    return meeting_id
