"""A small TURN client over UDP (RFC 5766 Allocate, CreatePermission, Send; RFC 5389
long-term credentials), to ask a real coturn what it allows.

STUN messages are encoded and parsed with aioice's codec (``aioice.stun``); the TURN
exchange itself is written here, one request at a time, with retransmission.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field

from aioice import stun

UDP = 17 << 24  # REQUESTED-TRANSPORT: protocol number in the first byte


class TurnError(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason


@dataclass
class _Protocol(asyncio.DatagramProtocol):
    pending: dict[bytes, asyncio.Future[stun.Message]] = field(default_factory=dict)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        try:
            message = stun.parse_message(data)
        except ValueError:
            return
        future = self.pending.pop(message.transaction_id, None)
        if future is not None and not future.done():
            future.set_result(message)


class TurnClient:
    """One allocation on a TURN server, from a UDP socket on 127.0.0.1."""

    def __init__(
        self, server: tuple[str, int], username: str, password: str, *, timeout: float = 5.0
    ) -> None:
        self.server = server
        self.timeout = timeout  # per request, retransmitting every 0.5 s
        self.username = username
        self.password = password
        self.realm = ""
        self.nonce = b""
        self.relayed: tuple[str, int] | None = None
        self._transport: asyncio.DatagramTransport | None = None
        self._protocol = _Protocol()

    async def __aenter__(self) -> TurnClient:
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_datagram_endpoint(
            lambda: self._protocol, local_addr=("127.0.0.1", 0)
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._transport is not None:
            self._transport.close()

    async def transact(self, request: stun.Message) -> stun.Message:
        """Send ``request`` (retransmitting every 0.5 s) and return the response."""
        assert self._transport is not None, "use `async with TurnClient(...)`"
        future: asyncio.Future[stun.Message] = asyncio.get_running_loop().create_future()
        self._protocol.pending[request.transaction_id] = future
        data = bytes(request)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while True:
            self._transport.sendto(data, self.server)
            try:
                return await asyncio.wait_for(asyncio.shield(future), 0.5)
            except TimeoutError:
                if loop.time() > deadline:
                    self._protocol.pending.pop(request.transaction_id, None)
                    raise
            # retransmit

    async def binding(self) -> stun.Message:
        """An unauthenticated STUN Binding request (is the server up?)."""
        return await self.transact(stun.Message(stun.Method.BINDING, stun.Class.REQUEST))

    def _key(self) -> bytes:
        return hashlib.md5(f"{self.username}:{self.realm}:{self.password}".encode()).digest()

    async def _authenticated(
        self, method: stun.Method, attributes: dict[str, object]
    ) -> stun.Message:
        """A request with long-term credentials; learns realm and nonce from a 401/438."""
        for _ in range(3):
            request = stun.Message(method, stun.Class.REQUEST, attributes=dict(attributes))
            if self.nonce:
                request.attributes["USERNAME"] = self.username
                request.attributes["REALM"] = self.realm
                request.attributes["NONCE"] = self.nonce
                request.add_message_integrity(self._key())
            response = await self.transact(request)
            if response.message_class == stun.Class.RESPONSE:
                return response
            code, reason = response.attributes["ERROR-CODE"]
            # 401 without credentials yet, or 438 Stale Nonce: retry with the new nonce.
            if (code == 401 and not request.attributes.get("USERNAME")) or code == 438:
                self.realm = str(response.attributes["REALM"])
                self.nonce = bytes(response.attributes["NONCE"])
                continue
            raise TurnError(code, reason)
        raise TurnError(401, "credentials were not accepted")

    async def allocate(self) -> tuple[str, int]:
        """Allocate a UDP relay; returns the relayed transport address."""
        response = await self._authenticated(stun.Method.ALLOCATE, {"REQUESTED-TRANSPORT": UDP})
        relayed = response.attributes["XOR-RELAYED-ADDRESS"]
        self.relayed = (str(relayed[0]), int(relayed[1]))
        return self.relayed

    async def create_permission(self, peer_ip: str) -> None:
        """Install a permission for ``peer_ip``; raises TurnError (403 when forbidden)."""
        await self._authenticated(stun.Method.CREATE_PERMISSION, {"XOR-PEER-ADDRESS": (peer_ip, 0)})

    def send(self, peer: tuple[str, int], data: bytes) -> None:
        """A Send indication: the server relays ``data`` to ``peer`` from the relayed address."""
        assert self._transport is not None
        indication = stun.Message(
            stun.Method.SEND,
            stun.Class.INDICATION,
            attributes={"XOR-PEER-ADDRESS": peer, "DATA": data},
        )
        self._transport.sendto(bytes(indication), self.server)
