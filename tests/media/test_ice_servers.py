"""The server's media peers use exactly the configured ICE servers, and none by default.

aiortc turns ``iceServers=None`` into a public STUN server (stun.l.google.com): each answer
then waits for a DNS lookup and a STUN query, 5 s per answer where that server cannot be
reached. These tests make the public server unreachable (its name does not resolve) and
watch which STUN servers the server's peer actually asks.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
from collections.abc import Iterator

import pytest
from aioice import stun
from aiortc import RTCConfiguration, RTCPeerConnection

from media.session import MediaSession
from tests.media.conftest import SessionFactory

pytestmark = pytest.mark.slow


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """STUN servers looked up; no name resolves (an isolated network's DNS)."""
    asked: list[str] = []

    def unreachable(host: str) -> str:
        asked.append(host)
        with contextlib.suppress(ValueError):
            return str(ipaddress.ip_address(host))  # an address resolves to itself
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    # aioice resolves a STUN server's name with socket.gethostbyname in an executor.
    monkeypatch.setattr(socket, "gethostbyname", unreachable)
    yield asked


async def _offer() -> tuple[RTCPeerConnection, str]:
    client = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    client.addTransceiver("audio", direction="sendrecv")
    client.addTransceiver("video", direction="sendrecv")
    await client.setLocalDescription(await client.createOffer())
    return client, client.localDescription.sdp


async def test_no_ice_servers_means_no_stun_traffic(
    make_session: SessionFactory, lookups: list[str]
) -> None:
    session: MediaSession = make_session()  # the app's factory passes ice_servers=()
    client, offer = await _offer()
    try:
        answer = await session.negotiate("alice", offer)
    finally:
        await client.close()
    assert "a=candidate:" in answer
    assert "typ srflx" not in answer
    # No STUN server was looked up: not aiortc's public default, not any other.
    assert lookups == []


class _StunServer(asyncio.DatagramProtocol):
    """A local STUN server (RFC 5389 Binding) that records who asked."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, int]] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        request = stun.parse_message(data)
        if request.message_method != stun.Method.BINDING:
            return
        self.requests.append(addr)
        response = stun.Message(
            message_method=stun.Method.BINDING,
            message_class=stun.Class.RESPONSE,
            transaction_id=request.transaction_id,
        )
        response.attributes["XOR-MAPPED-ADDRESS"] = ("203.0.113.7", 40000)
        assert self.transport is not None
        self.transport.sendto(bytes(response), addr)


async def test_configured_stun_server_is_the_only_one_used(
    make_session: SessionFactory, lookups: list[str]
) -> None:
    loop = asyncio.get_running_loop()
    transport, server = await loop.create_datagram_endpoint(
        _StunServer, local_addr=("127.0.0.1", 0)
    )
    port = transport.get_extra_info("sockname")[1]
    try:
        session = make_session(ice_servers=[{"urls": f"stun:127.0.0.1:{port}"}])
        client, offer = await _offer()
        try:
            answer = await session.negotiate("alice", offer)
        finally:
            await client.close()
    finally:
        transport.close()
    assert server.requests, "the configured STUN server was not asked"
    assert "203.0.113.7 40000 typ srflx" in answer
    # Only the configured server was asked for: the public default was not used next to it.
    assert set(lookups) == {"127.0.0.1"}
