"""Authentication: marketplace-issued JWTs for people, a separate service token for the backend.

Accounts belong to the marketplace. We identify people by the token's ``sub`` and keep only a
profile row refreshed from tokens.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from dataclasses import dataclass
from typing import Any

import jwt
import jwt.types

from signaling.domain.threads import Role
from signaling.errors import Unauthorized
from signaling.settings import Settings

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
    """Verifies bearer tokens and (in dev mode) issues HS256 ones."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._jwks: jwt.PyJWKClient | None = (
            jwt.PyJWKClient(settings.jwt_jwks_url, cache_keys=False)
            if settings.jwt_jwks_url
            else None
        )
        # Keys fetched off the event loop by refresh_keys(); verify() never does network I/O.
        self._keys: dict[str, Any] = {}

    async def refresh_keys(self) -> int:
        """Fetch the JWKS in a worker thread; returns how many keys are known."""
        if self._jwks is None:
            return 0
        keys = await asyncio.to_thread(self._jwks.get_signing_keys)
        self._keys = {k.key_id: k.key for k in keys if k.key_id}
        return len(self._keys)

    def issue(self, user_id: str, name: str, role: Role, *, ttl: int | None = None) -> str:
        """Issue an HS256 token (dev login and tests)."""
        now = int(time.time())
        claims = {
            "sub": user_id,
            "name": name,
            "role": role.value,
            "iat": now,
            "exp": now + (ttl if ttl is not None else self._settings.token_ttl_seconds),
        }
        return jwt.encode(claims, self._settings.jwt_secret, algorithm="HS256")

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

    def _decode(self, token: str) -> dict[str, Any]:
        options: jwt.types.Options = {"require": ["sub", "exp", "role"]}
        if self._settings.jwt_algorithm == "RS256":
            if self._jwks is not None:
                kid = jwt.get_unverified_header(token).get("kid")
                key: Any = self._keys.get(str(kid))
                if key is None:
                    raise jwt.InvalidKeyError(f"unknown signing key {kid!r}")
            else:
                key = self._settings.jwt_public_key_pem
            return dict(jwt.decode(token, key, algorithms=["RS256"], options=options))
        return dict(
            jwt.decode(token, self._settings.jwt_secret, algorithms=["HS256"], options=options)
        )
