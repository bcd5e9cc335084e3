"""Issue 11 item 6: a token signed with a rotated key refetches the JWKS, rate-limited.

The identity provider is a real local HTTP server publishing a JWKS document (RFC 7517),
whose keys the test rotates; the server fetches it with PyJWT's client, as in production.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa

from signaling.auth import Authenticator
from signaling.errors import Unauthorized
from signaling.settings import Settings
from tests.api.conftest import HarnessFactory
from tests.sockets import connect, new_client


@dataclass
class Provider:
    """A local identity provider: signing keys by kid, and which of them the JWKS publishes."""

    keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)
    published: list[str] = field(default_factory=list)
    fetches: int = 0
    url: str = ""
    server: TestServer | None = None

    def add_key(self, kid: str) -> None:
        self.keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def rotate_to(self, kid: str) -> None:
        self.add_key(kid)
        self.published = [kid]

    def token(self, kid: str, sub: str = "u1") -> str:
        claims = {"sub": sub, "role": "client", "name": sub, "exp": int(time.time()) + 600}
        return jwt.encode(claims, self.keys[kid], algorithm="RS256", headers={"kid": kid})

    async def jwks(self, request: web.Request) -> web.Response:
        self.fetches += 1
        out = []
        for kid in self.published:
            jwk: dict[str, Any] = json.loads(
                jwt.algorithms.RSAAlgorithm.to_jwk(self.keys[kid].public_key())
            )
            out.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return web.json_response({"keys": out})


@pytest.fixture
async def provider() -> AsyncIterator[Provider]:
    idp = Provider()
    idp.rotate_to("k1")
    app = web.Application()
    app.router.add_get("/.well-known/jwks.json", idp.jwks)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    idp.url = str(server.make_url("/.well-known/jwks.json"))
    idp.server = server
    yield idp
    await server.close()


def _auth(provider: Provider, min_refresh: float) -> Authenticator:
    return Authenticator(
        Settings(
            jwt_algorithm="RS256",
            jwt_jwks_url=provider.url,
            jwks_min_refresh_seconds=min_refresh,
        )
    )


async def test_unknown_kid_refetches_the_jwks(provider: Provider) -> None:
    auth = _auth(provider, min_refresh=0.05)
    assert await auth.refresh_keys() == 1
    assert (await auth.authenticate(provider.token("k1"))).user_id == "u1"
    await asyncio.sleep(0.1)  # past the minimum interval between fetches
    provider.rotate_to("k2")
    assert (await auth.authenticate(provider.token("k2", "u2"))).user_id == "u2"
    assert provider.fetches == 2
    # the old key left the JWKS: its tokens stop working once the set is refetched
    with pytest.raises(Unauthorized, match="unknown signing key"):
        auth.verify(provider.token("k1"))


async def test_refetches_are_rate_limited(provider: Provider) -> None:
    auth = _auth(provider, min_refresh=3600)
    await auth.refresh_keys()
    provider.rotate_to("k2")
    # made-up kids, concurrently and in a row: no fetch within the minimum interval
    forged = [provider.token("k2")] + [
        jwt.encode({"sub": "x"}, "y" * 32, algorithm="HS256", headers={"kid": f"junk{i}"})
        for i in range(20)
    ]
    results = await asyncio.gather(*(auth.authenticate(t) for t in forged), return_exceptions=True)
    assert all(isinstance(r, Unauthorized) for r in results)
    assert provider.fetches == 1


async def test_concurrent_unknown_kids_share_one_fetch(provider: Provider) -> None:
    auth = _auth(provider, min_refresh=3600)
    provider.rotate_to("k2")  # nothing fetched yet: the first unknown kid fetches
    tokens = [provider.token("k2", f"u{i}") for i in range(10)]
    who = await asyncio.gather(*(auth.authenticate(t) for t in tokens))
    assert [w.user_id for w in who] == [f"u{i}" for i in range(10)]
    assert provider.fetches == 1


async def test_an_unreachable_jwks_keeps_the_previous_keys(provider: Provider) -> None:
    auth = _auth(provider, min_refresh=0.01)
    await auth.refresh_keys()
    assert provider.server is not None
    await provider.server.close()  # the provider goes down
    await asyncio.sleep(0.05)
    provider.add_key("k9")
    with pytest.raises(Unauthorized, match="unknown signing key"):
        await auth.authenticate(provider.token("k9"))
    assert (await auth.authenticate(provider.token("k1"))).user_id == "u1"


async def test_rest_and_socket_accept_a_rotated_key(
    provider: Provider, make_harness: HarnessFactory
) -> None:
    harness = await make_harness(
        jwt_algorithm="RS256", jwt_jwks_url=provider.url, jwks_min_refresh_seconds=0.05
    )
    first = provider.token("k1", "c1")
    resp = await harness.client.get("/api/me", headers={"Authorization": f"Bearer {first}"})
    assert resp.status == 200, await resp.text()
    await asyncio.sleep(0.1)
    provider.rotate_to("k2")
    rotated = provider.token("k2", "c2")
    resp = await harness.client.get("/api/me", headers={"Authorization": f"Bearer {rotated}"})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["user_id"] == "c2"
    await asyncio.sleep(0.1)
    provider.rotate_to("k3")
    sio = new_client()
    harness.sockets.append(sio)
    await connect(sio, harness.base_url, {"token": provider.token("k3", "c3")})
    assert sio.connected
