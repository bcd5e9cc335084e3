"""Authentication: marketplace-issued JWTs for people, a separate service token for the backend.

Accounts belong to the marketplace. We identify people by the token's ``sub`` and keep only a
profile row refreshed from tokens.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import jwt.types

from signaling.domain.threads import Role
from signaling.errors import Unauthorized
from signaling.settings import MIN_SECRET_BYTES, PREFIX, Settings

logger = logging.getLogger(__name__)

PERSON_ROLES = frozenset({Role.CLIENT, Role.FREELANCER, Role.AUDITOR, Role.ADMIN})


@dataclass(frozen=True)
class Principal:
    """Who is calling."""

    user_id: str
    name: str
    role: Role

    @property
    def is_service(self) -> bool:
        return self.role is Role.SERVICE

    @property
    def is_auditor(self) -> bool:
        return self.role in {Role.AUDITOR, Role.ADMIN}


SERVICE_PRINCIPAL = Principal("service", "Marketplace backend", Role.SERVICE)


class Authenticator:
    """Verifies bearer tokens and (in dev mode) issues HS256 ones.

    Outside dev mode the settings must carry a real secret or key (``Settings.check_auth``);
    an Authenticator is never built on a publicly known secret. In dev mode without
    ``INTERVIEW_JWT_SECRET`` it uses the secret it is given by ``__main__`` (kept in the data
    directory) or, when built directly, a random one for this process.
    """

    def __init__(self, settings: Settings) -> None:
        settings.check_auth()
        self._settings = settings
        self._secret = settings.jwt_secret or (
            secrets.token_urlsafe(48) if settings.dev_mode else ""
        )
        self._jwks: jwt.PyJWKClient | None = (
            jwt.PyJWKClient(
                settings.jwt_jwks_url, cache_keys=False, cache_jwk_set=False, timeout=10
            )
            if settings.jwt_jwks_url
            else None
        )
        # Keys fetched off the event loop by refresh_keys(); verify() never does network I/O.
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None  # time.monotonic() of the last fetch attempt
        self._refresh_lock = asyncio.Lock()

    async def refresh_keys(self) -> int:
        """Fetch the JWKS in a worker thread; returns how many keys are known."""
        if self._jwks is None:
            return 0
        self._fetched_at = time.monotonic()
        keys = await asyncio.to_thread(self._jwks.get_signing_keys)
        self._keys = {k.key_id: k.key for k in keys if k.key_id}
        return len(self._keys)

    async def ensure_key(self, token: str | None) -> None:
        """Refetch the JWKS when ``token`` names a key we do not know (a key rotation).

        At most one fetch per ``INTERVIEW_JWKS_MIN_REFRESH_SECONDS``, shared by concurrent
        callers, so tokens with made-up ``kid`` values cannot make us hammer the provider.
        Never raises: ``verify`` gives the caller the reason if the key is still unknown.
        """
        if self._jwks is None or not token:
            return
        kid = _unverified_kid(token)
        if kid is None or kid in self._keys:
            return
        async with self._refresh_lock:
            if kid in self._keys:
                return
            recent = self._fetched_at is not None and (
                time.monotonic() - self._fetched_at < self._settings.jwks_min_refresh_seconds
            )
            if recent:
                return
            try:
                count = await self.refresh_keys()
                logger.info("JWKS refetched for unknown key %r: %d keys", kid[:64], count)
            except Exception:
                logger.warning("JWKS refetch failed; keeping the previous keys", exc_info=True)

    async def authenticate(self, token: str | None) -> Principal:
        """``verify`` after fetching a rotated signing key if needed."""
        await self.ensure_key(token)
        return self.verify(token)

    def issue(self, user_id: str, name: str, role: Role, *, ttl: int | None = None) -> str:
        """Issue an HS256 token (dev login and tests)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": user_id,
            "name": name,
            "role": role.value,
            "iat": now,
            "exp": now + (ttl if ttl is not None else self._settings.token_ttl_seconds),
        }
        if self._settings.jwt_audience:
            claims["aud"] = self._settings.jwt_audience
        if self._settings.jwt_issuer:
            claims["iss"] = self._settings.jwt_issuer
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def verify(self, token: str | None) -> Principal:
        """Return the principal for a token or raise Unauthorized with a clear reason."""
        if not token:
            raise Unauthorized("a bearer token is required", code="token_missing")
        if self._settings.service_token and hmac.compare_digest(
            token.encode(), self._settings.service_token.encode()
        ):
            return SERVICE_PRINCIPAL
        try:
            claims = self._decode(token)
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the token has expired", code="token_expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise Unauthorized(self._audience_reason(), code="token_invalid") from exc
        except jwt.InvalidIssuerError as exc:
            raise Unauthorized(
                f"the token's issuer ('iss') is not {self._settings.jwt_issuer!r} "
                f"({PREFIX}JWT_ISSUER)",
                code="token_invalid",
            ) from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"the token is invalid: {exc}", code="token_invalid") from exc
        sub, name, role = claims.get("sub"), claims.get("name"), claims.get("role")
        if not isinstance(sub, str) or not sub or len(sub) > 128:
            raise Unauthorized("the token has no valid 'sub'", code="token_invalid")
        if not isinstance(name, str) or not name:
            name = sub
        try:
            parsed = Role(str(role))
        except ValueError as exc:
            raise Unauthorized("the token has no valid 'role'", code="token_invalid") from exc
        if parsed not in PERSON_ROLES:
            raise Unauthorized("the token has no valid 'role'", code="token_invalid")
        return Principal(sub, name[:200], parsed)

    def _audience_reason(self) -> str:
        if not self._settings.jwt_audience:
            # A token minted for another service must not open this one (confused deputy):
            # without a configured audience we cannot tell, so we refuse and say what to set.
            return (
                "the token is for an audience ('aud') but this server has none configured; "
                f"set {PREFIX}JWT_AUDIENCE to the audience your identity provider issues"
            )
        return (
            f"the token's audience ('aud') is not {self._settings.jwt_audience!r} "
            f"({PREFIX}JWT_AUDIENCE)"
        )

    def _decode(self, token: str) -> dict[str, Any]:
        settings = self._settings
        required = ["sub", "exp", "role"]
        if settings.jwt_audience:
            required.append("aud")
        if settings.jwt_issuer:
            required.append("iss")
        options: jwt.types.Options = {"require": required}
        checks: dict[str, Any] = {
            "options": options,
            "audience": settings.jwt_audience or None,
            "issuer": settings.jwt_issuer or None,
            "leeway": settings.jwt_leeway_seconds,
        }
        if settings.jwt_algorithm == "RS256":
            if self._jwks is not None:
                kid = _unverified_kid(token)
                key: Any = self._keys.get(str(kid))
                if key is None:
                    raise jwt.InvalidKeyError(f"unknown signing key {kid!r}")
            else:
                key = settings.jwt_public_key_pem
            return dict(jwt.decode(token, key, algorithms=["RS256"], **checks))
        return dict(jwt.decode(token, self._secret, algorithms=["HS256"], **checks))


def _unverified_kid(token: str) -> str | None:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        return None
    return kid if isinstance(kid, str) and kid else None


def load_or_create_dev_secret(data_dir: Path) -> str:
    """Dev mode's signing secret: random, kept in ``data_dir`` so ``demo`` and ``serve`` agree."""
    path = data_dir / "dev-jwt-secret"
    try:
        existing = path.read_text().strip()
    except FileNotFoundError:
        existing = ""
    if len(existing.encode()) >= MIN_SECRET_BYTES:
        return existing
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret
