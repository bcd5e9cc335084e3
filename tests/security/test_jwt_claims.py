"""Issue 11 item 5: audience, issuer and clock leeway, as real identity providers need."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from signaling.auth import Authenticator
from signaling.domain.threads import Role
from signaling.errors import Unauthorized
from signaling.settings import Settings

SECRET = "claims-secret-0123456789abcdef0123456789"


def _token(secret: Any = SECRET, algorithm: str = "HS256", **claims: Any) -> str:
    base: dict[str, Any] = {"sub": "u1", "role": "client", "exp": int(time.time()) + 600}
    base.update(claims)
    return jwt.encode({k: v for k, v in base.items() if v is not None}, secret, algorithm)


def test_configured_audience_is_required_and_checked() -> None:
    auth = Authenticator(Settings(jwt_secret=SECRET, jwt_audience="interview"))
    assert auth.verify(_token(aud="interview")).user_id == "u1"
    assert auth.verify(_token(aud=["marketplace", "interview"])).user_id == "u1"
    with pytest.raises(Unauthorized, match="INTERVIEW_JWT_AUDIENCE"):
        auth.verify(_token(aud="billing"))
    with pytest.raises(Unauthorized, match="aud"):
        auth.verify(_token())


def test_audience_without_configuration_is_refused_with_the_setting_named() -> None:
    """A token minted for some other service must not open this one (documented choice)."""
    auth = Authenticator(Settings(jwt_secret=SECRET))
    assert auth.verify(_token()).user_id == "u1"
    with pytest.raises(Unauthorized, match="INTERVIEW_JWT_AUDIENCE"):
        auth.verify(_token(aud="interview"))


def test_configured_issuer_is_required_and_checked() -> None:
    auth = Authenticator(Settings(jwt_secret=SECRET, jwt_issuer="https://id.example.com/"))
    assert auth.verify(_token(iss="https://id.example.com/")).user_id == "u1"
    with pytest.raises(Unauthorized, match="INTERVIEW_JWT_ISSUER"):
        auth.verify(_token(iss="https://evil.example.com/"))
    with pytest.raises(Unauthorized, match="iss"):
        auth.verify(_token())


def test_clock_leeway() -> None:
    lately = _token(exp=int(time.time()) - 10, nbf=None)
    early = _token(nbf=int(time.time()) + 10)
    lenient = Authenticator(Settings(jwt_secret=SECRET, jwt_leeway_seconds=60))
    assert lenient.verify(lately).user_id == "u1"
    assert lenient.verify(early).user_id == "u1"
    strict = Authenticator(Settings(jwt_secret=SECRET, jwt_leeway_seconds=0))
    with pytest.raises(Unauthorized, match="expired"):
        strict.verify(lately)
    with pytest.raises(Unauthorized):
        strict.verify(early)
    assert Settings().jwt_leeway_seconds == 30


def test_issued_dev_tokens_carry_the_configured_claims() -> None:
    auth = Authenticator(
        Settings(dev_mode=True, jwt_audience="interview", jwt_issuer="https://id.example.com/")
    )
    assert auth.verify(auth.issue("u2", "U", Role.FREELANCER)).role is Role.FREELANCER


def test_rs256_provider_token_with_audience_and_issuer() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    auth = Authenticator(
        Settings(
            jwt_algorithm="RS256",
            jwt_public_key_pem=pem,
            jwt_audience="interview",
            jwt_issuer="https://id.example.com/",
        )
    )
    token = _token(key, "RS256", aud="interview", iss="https://id.example.com/")
    assert auth.verify(token).user_id == "u1"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"INTERVIEW_JWT_LEEWAY_SECONDS": "-1"}, "INTERVIEW_JWT_LEEWAY_SECONDS"),
        ({"INTERVIEW_JWT_LEEWAY_SECONDS": "3600"}, "INTERVIEW_JWT_LEEWAY_SECONDS"),
        ({"INTERVIEW_JWKS_MIN_REFRESH_SECONDS": "0"}, "INTERVIEW_JWKS_MIN_REFRESH_SECONDS"),
    ],
)
def test_bad_token_settings_name_the_variable(env: dict[str, str], variable: str) -> None:
    from signaling.errors import ConfigError

    with pytest.raises(ConfigError, match=variable):
        Settings.from_env({"INTERVIEW_DEV_MODE": "1", **env})
