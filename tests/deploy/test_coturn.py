"""Debian's coturn, configured from the shipped deploy/turnserver.conf, accepts the TURN
credentials our server mints for a thread's party and refuses relays into private,
loopback, link-local and multicast addresses.

A TURN client written for the test (tests/deploy/turn_client.py) asks coturn for an
allocation and then for permissions (RFC 5766 CreatePermission): a denied peer gets
403 Forbidden, an allowed one is granted and actually receives relayed data.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
import shutil
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from signaling.ice import turn_credentials
from tests.api.conftest import HarnessFactory
from tests.conftest import REQUIRE_SERVICES
from tests.deploy.turn_client import TurnClient, TurnError

SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "turnserver.conf"
# Lines of the shipped file the test replaces: where it listens, relays and logs.
REPLACED = ("listening-port", "min-port", "max-port", "log-file", "simple-log")
DENIED = [
    "169.254.169.254",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",
    "127.0.0.1",
    "224.0.0.1",
    "239.255.255.250",
    "0.0.0.0",
]


@dataclass
class Coturn:
    address: tuple[str, int]
    secret: str


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _test_config(tmp: Path, port: int, secret: str) -> str:
    """The shipped config, listening and relaying on loopback for the test.

    Loopback peers stay denied (127.0.0.0/8 is in the shipped denied-peer-ip list); only
    127.0.0.2, the test's own peer, is allowed, as an operator would allow a media node.
    """
    kept = [
        line
        for line in SHIPPED.read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(REPLACED)
    ]
    relay_base = random.randrange(20000, 32000, 100)
    return "\n".join(
        [
            *kept,
            "listening-ip=127.0.0.1",
            "relay-ip=127.0.0.1",
            f"listening-port={port}",
            f"min-port={relay_base}",
            f"max-port={relay_base + 99}",
            "allow-loopback-peers",
            "allowed-peer-ip=127.0.0.2",
            f"static-auth-secret={secret}",
            f"pidfile={tmp / 'turnserver.pid'}",
            f"userdb={tmp / 'turndb'}",
            f"log-file={tmp / 'turnserver.log'}",
            "simple-log",
            "",
        ]
    )


@dataclass
class _Prepared:
    binary: str
    config: Path
    port: int
    secret: str


@pytest.fixture
def coturn_config(tmp_path: Path) -> _Prepared:
    binary = shutil.which("turnserver")
    if binary is None:
        message = "coturn's turnserver is not installed (apt-get install coturn; make sysdeps)"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message}, and CI requires it (INTERVIEW_TEST_REQUIRE_SERVICES=1)")
        pytest.skip(message)
    secret = secrets.token_urlsafe(32)
    port = _free_udp_port()
    config = tmp_path / "turnserver.conf"
    config.write_text(_test_config(tmp_path, port, secret))
    return _Prepared(binary, config, port, secret)


@pytest.fixture
async def coturn(coturn_config: _Prepared) -> AsyncIterator[Coturn]:
    """Debian's turnserver on 127.0.0.1 with the shipped config (see ``_test_config``)."""
    prepared = coturn_config
    process = await asyncio.create_subprocess_exec(
        prepared.binary,
        "-c",
        str(prepared.config),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    port, secret = prepared.port, prepared.secret
    address = ("127.0.0.1", port)
    try:
        async with TurnClient(address, "", "", timeout=0.5) as probe:
            deadline = time.monotonic() + 15
            while True:
                if process.returncode is not None:
                    raise AssertionError(f"turnserver exited with {process.returncode}")
                try:
                    await probe.binding()
                    break
                except TimeoutError:
                    if time.monotonic() > deadline:
                        raise AssertionError("turnserver did not answer STUN in 15 s") from None
        yield Coturn(address, secret)
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        await process.wait()


class _Peer(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.received: asyncio.Queue[tuple[bytes, tuple[str, int]]] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.received.put_nowait((data, (str(addr[0]), int(addr[1]))))


async def _party_credentials(make_harness: HarnessFactory, server: Coturn) -> tuple[str, str]:
    """TURN credentials as the server hands them to a thread's party."""
    harness = await make_harness(
        turn_urls=(f"turn:127.0.0.1:{server.address[1]}?transport=udp",),
        turn_secret=server.secret,
        turn_ttl_seconds=600,
    )
    thread = await harness.thread()
    resp = await harness.client.get(
        f"/api/ice-servers?thread_id={thread['id']}", headers=harness.headers("f1", "freelancer")
    )
    assert resp.status == 200, await resp.text()
    (turn,) = [s for s in (await resp.json())["ice_servers"] if "username" in s]
    return str(turn["username"]), str(turn["credential"])


async def test_coturn_refuses_denied_peers_and_relays_to_allowed_ones(
    make_harness: HarnessFactory, coturn: Coturn
) -> None:
    username, credential = await _party_credentials(make_harness, coturn)
    loop = asyncio.get_running_loop()
    transport, peer = await loop.create_datagram_endpoint(_Peer, local_addr=("127.0.0.2", 0))
    peer_address = transport.get_extra_info("sockname")
    try:
        async with TurnClient(coturn.address, username, credential) as client:
            relayed = await client.allocate()  # coturn accepted our server's credentials

            refused: dict[str, int] = {}
            for ip in DENIED:
                with pytest.raises(TurnError) as err:
                    await client.create_permission(ip)
                refused[ip] = err.value.code
            assert refused == dict.fromkeys(DENIED, 403)

            await client.create_permission("8.8.8.8")  # public: granted (nothing is sent)
            await client.create_permission("127.0.0.2")  # the allowed test peer
            client.send(peer_address, b"relayed hello")
            data, source = await asyncio.wait_for(peer.received.get(), 10)
            assert data == b"relayed hello" and source == relayed
    finally:
        transport.close()


async def test_coturn_refuses_forged_and_expired_credentials(coturn: Coturn) -> None:
    now = time.time()
    cases = {
        "another secret": turn_credentials("not-the-secret", "f1", now=now, ttl=600),
        "expired": turn_credentials(coturn.secret, "f1", now=now - 3600, ttl=600),
    }
    username, credential = turn_credentials(coturn.secret, "f1", now=now, ttl=600)
    cases["tampered user"] = (username.replace("f1", "f2"), credential)
    for name, (user, password) in cases.items():
        async with TurnClient(coturn.address, user, password) as client:
            with pytest.raises(TurnError) as err:
                await client.allocate()
            assert err.value.code == 401, name
    # The control: the same scheme with the right secret is accepted.
    async with TurnClient(coturn.address, username, credential) as client:
        assert await client.allocate()
