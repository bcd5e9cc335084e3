"""The project's error hierarchy.

One root (`InterviewError`), one subclass per subsystem, and builtins mixed in where the
meaning matches. Every error carries a machine-readable ``code``, a human ``reason`` and the
HTTP status the edge translates it to. Errors are translated only at the edge: REST turns them
into RFC 9457 problem bodies, socket.io into ``{"code", "reason"}`` error acks.
"""

from __future__ import annotations

from typing import Any, ClassVar


class InterviewError(Exception):
    """Root of every error the project raises on purpose."""

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "bad_request"

    def __init__(self, reason: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code or self.default_code
        self.extra: dict[str, Any] = extra

    def to_ack(self) -> dict[str, Any]:
        """The socket.io error ack for this error."""
        return {"ok": False, "code": self.code, "reason": self.reason, **self.extra}


class SignalingError(InterviewError):
    """Errors of the signaling subsystem (threads, messages, calls, auth, API)."""


class BadRequest(SignalingError, ValueError):
    status = 400
    default_code = "bad_request"


class Unprocessable(SignalingError, ValueError):
    status = 422
    default_code = "invalid"


class Unauthorized(SignalingError, PermissionError):
    status = 401
    default_code = "unauthorized"


class Forbidden(SignalingError, PermissionError):
    status = 403
    default_code = "forbidden"


class NotFound(SignalingError, LookupError):
    status = 404
    default_code = "not_found"


class Conflict(SignalingError):
    status = 409
    default_code = "conflict"


class PayloadTooLarge(SignalingError, ValueError):
    status = 413
    default_code = "too_large"


class RateLimited(SignalingError):
    status = 429
    default_code = "rate_limited"

    def __init__(self, reason: str, *, retry_after: float, code: str | None = None) -> None:
        super().__init__(reason, code=code, retry_after=round(retry_after, 3))
        self.retry_after = retry_after


class SignalingTimeout(SignalingError, TimeoutError):
    status = 408
    default_code = "timeout"


class Unavailable(SignalingError):
    """A shared service (Redis for call routing) is unreachable for now; retry later."""

    status = 503
    default_code = "unavailable"


class PolicyViolation(SignalingError):
    """A message was blocked by the contact-information policy."""

    status = 422
    default_code = "policy_blocked"


class ProviderError(SignalingError):
    """A meeting provider (Zoom) failed or refused; shown to the user, never a 500."""

    status = 502
    default_code = "provider_error"


class MediaError(InterviewError):
    """Errors of the media subsystem (peers, forwarding, SDP)."""

    status = 400
    default_code = "media_error"


class RecordingError(InterviewError):
    """Errors of the recording subsystem."""

    status = 409
    default_code = "recording_error"


class ConfigError(InterviewError, ValueError):
    """A bad configuration value; names the variable."""

    status = 500
    default_code = "config"


def not_found(kind: str) -> NotFound:
    """The one answer for an id the caller may not see, whether or not it exists.

    Every lookup of a thread, schedule, recording or call raises this both when the id is
    unknown and when it belongs to someone else, so the status, code and text are the same
    and a stranger cannot probe which ids exist.
    """
    return NotFound(f"no such {kind}", code=f"{kind}_not_found")
