"""Token verification: HS256, RS256 with a PEM, and the service token."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from signaling.auth import Authenticator
from signaling.domain.threads import Role
from signaling.errors import Unauthorized
from signaling.settings import Settings


def test_rs256_with_pem() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    auth = Authenticator(Settings(jwt_algorithm="RS256", jwt_public_key_pem=pem))
    claims = {"sub": "u1", "role": "client", "name": "U", "exp": int(time.time()) + 60}
    who = auth.verify(jwt.encode(claims, key, algorithm="RS256"))
    assert (who.user_id, who.role) == ("u1", Role.CLIENT)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Unauthorized):
        auth.verify(jwt.encode(claims, other, algorithm="RS256"))
    # an HS256 token signed with the public key text must not pass (algorithm confusion)
    with pytest.raises(Unauthorized):
        auth.verify(jwt.encode(claims, "x" * 64, algorithm="HS256"))


def test_service_token_and_bad_roles() -> None:
    auth = Authenticator(
        Settings(service_token="svc-token-0123456789abcdef0123456789", jwt_secret="s" * 40)
    )
    assert auth.verify("svc-token-0123456789abcdef0123456789").is_service
    bad = jwt.encode(
        {"sub": "u", "role": "superuser", "exp": int(time.time()) + 60}, "s" * 40, algorithm="HS256"
    )
    with pytest.raises(Unauthorized, match="role"):
        auth.verify(bad)
    with pytest.raises(Unauthorized):
        auth.verify(None)
