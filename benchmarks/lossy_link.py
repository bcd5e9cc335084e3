"""A lossy UDP link for benchmarks: a proxy between aiortc load peers and a media server.

It runs in its own process (so its CPU is neither the server's nor the load generator's) and
stands in for a network path: every RTP and RTCP datagram (SRTP/SRTCP) is dropped with
probability ``loss`` in either direction, and every datagram (ICE and DTLS too) is delayed by
a uniform random ``0..jitter`` seconds, so some arrive out of order. ICE and DTLS are never
dropped, so a lossy run measures forwarding, not call setup.

Both ends see only the proxy. Each server candidate ``S`` gets a client-facing socket
``P_S``, each client candidate ``C`` a server-facing socket ``Q_C``; the offer tells the
server that the client is at ``Q_C``, the answer tells the client that the server is at
``P_S``. A datagram from ``C`` to ``P_S`` leaves ``Q_C`` for ``S``, and one from ``S`` to
``Q_C`` leaves ``P_S`` for ``C``. ICE then pairs exactly these addresses, with no
peer-reflexive surprises and no direct path around the proxy.

RTCP feedback is counted on the way through: aiortc sends NACK and PLI as a lone RTCP
packet, and an SRTCP packet's first header (type and format) is not encrypted.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import random
import re
from collections import Counter
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Literal, cast

Address = tuple[str, int]
Side = Literal["client", "server"]  # which side's candidates are being mapped

# ``a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ ...``
_CANDIDATE = re.compile(
    r"^(a=candidate:\S+ \d+ )(\S+)( \d+ )(\S+) (\d+)( typ .*)$", re.MULTILINE | re.IGNORECASE
)
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def candidates(sdp: str) -> list[Address]:
    """The UDP IPv4 candidate addresses in an SDP, in order, without repeats."""
    seen: dict[Address, None] = {}
    for match in _CANDIDATE.finditer(sdp):
        if match.group(2).lower() == "udp" and _IPV4.match(match.group(4)):
            seen[(match.group(4), int(match.group(5)))] = None
    return list(seen)


def rewrite(sdp: str, mapping: dict[Address, Address]) -> str:
    """``sdp`` with each mapped candidate's address replaced; other candidates removed."""

    def replace(match: re.Match[str]) -> str:
        target = mapping.get((match.group(4), int(match.group(5))))
        if target is None or match.group(2).lower() != "udp":
            return "\x00"  # removed below, with its line break
        head = f"{match.group(1)}{match.group(2)}{match.group(3)}"
        return f"{head}{target[0]} {target[1]}{match.group(6)}"

    text = _CANDIDATE.sub(replace, sdp)
    return re.sub(r"\x00\r?\n", "", text)


def classify(data: bytes) -> str:
    """``rtp``, ``nack``, ``pli``, ``fir``, ``rtcp`` (other RTCP) or ``other`` (ICE, DTLS)."""
    if len(data) < 2 or not 127 < data[0] < 192:
        return "other"
    packet_type, fmt = data[1], data[0] & 0x1F
    if not 192 <= packet_type <= 223:
        return "rtp"
    if packet_type == 205 and fmt == 1:
        return "nack"
    if packet_type == 206 and fmt == 1:
        return "pli"
    if packet_type == 206 and fmt == 4:
        return "fir"
    return "rtcp"


class _Socket(asyncio.DatagramProtocol):
    def __init__(self, on_datagram: Callable[[bytes, Address], None]) -> None:
        self.on_datagram = on_datagram
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self.on_datagram(data, (str(addr[0]), int(addr[1])))


class LossyLink:
    """The proxy itself (runs on an event loop; see :func:`_link_main`)."""

    def __init__(self, loss: float, jitter: float, seed: int | None = None) -> None:
        self.loss = loss
        self.jitter = jitter
        self.random = random.Random(seed)
        self.to_client: dict[Address, _Socket] = {}  # server address S -> P_S
        self.to_server: dict[Address, _Socket] = {}  # client address C -> Q_C
        # (direction, kind) -> datagrams seen; ("dropped", direction) -> dropped
        self.counts: Counter[tuple[str, str]] = Counter()

    async def map(self, side: Side, addresses: list[Address]) -> list[Address]:
        """Proxy addresses standing in for ``addresses`` (one side's candidates)."""
        table = self.to_client if side == "server" else self.to_server
        out: list[Address] = []
        for address in addresses:
            if address not in table:
                if side == "server":
                    handler = self._from_client(address)
                else:
                    handler = self._from_server(address)
                table[address] = await _open(handler)
            transport = table[address].transport
            assert transport is not None
            host, port = transport.get_extra_info("sockname")[:2]
            out.append((str(host), int(port)))
        return out

    def _from_client(self, server: Address) -> Callable[[bytes, Address], None]:
        def received(data: bytes, client: Address) -> None:  # on P_S, from C
            out = self.to_server.get(client)
            if out is not None:
                self._pass("up", data, out, server)

        return received

    def _from_server(self, client: Address) -> Callable[[bytes, Address], None]:
        def received(data: bytes, server: Address) -> None:  # on Q_C, from S
            out = self.to_client.get(server)
            if out is not None:
                self._pass("down", data, out, client)

        return received

    def _pass(self, direction: str, data: bytes, out: _Socket, to: Address) -> None:
        kind = classify(data)
        self.counts[(direction, kind)] += 1
        if kind != "other" and self.loss > 0 and self.random.random() < self.loss:
            self.counts[("dropped", direction)] += 1
            return
        transport = out.transport
        if transport is None or transport.is_closing():
            return
        if self.jitter > 0:
            delay = self.random.uniform(0, self.jitter)
            asyncio.get_running_loop().call_later(delay, _send, transport, data, to)
        else:
            transport.sendto(data, to)

    def close(self) -> None:
        """Close every socket."""
        for protocol in (*self.to_client.values(), *self.to_server.values()):
            if protocol.transport is not None:
                protocol.transport.close()


async def _open(handler: Callable[[bytes, Address], None]) -> _Socket:
    protocol = _Socket(handler)
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(lambda: protocol, local_addr=("127.0.0.1", 0))
    return protocol


def _send(transport: asyncio.DatagramTransport, data: bytes, to: Address) -> None:
    if not transport.is_closing():
        transport.sendto(data, to)


def _link_main(loss: float, jitter: float, seed: int | None, conn: Connection) -> None:
    asyncio.run(_serve(LossyLink(loss, jitter, seed), conn))


def pipe_inbox(conn: Connection) -> asyncio.Queue[tuple[Any, ...] | None]:
    """The messages arriving on a process pipe, as a queue on the running loop; ``None`` once
    the other end went away. The caller removes the reader when it is done."""
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue[tuple[Any, ...] | None] = asyncio.Queue()

    def readable() -> None:
        try:
            inbox.put_nowait(conn.recv())
        except (EOFError, OSError):
            loop.remove_reader(conn.fileno())
            inbox.put_nowait(None)  # the other process went away: shut down

    loop.add_reader(conn.fileno(), readable)
    return inbox


async def _serve(link: LossyLink, conn: Connection) -> None:
    """Answer ``("map", side, addresses)`` and ``("counts",)`` until ``("stop",)``."""
    loop = asyncio.get_running_loop()
    inbox = pipe_inbox(conn)
    try:
        while (message := await inbox.get()) is not None and message[0] != "stop":
            if message[0] == "map":
                conn.send(("mapped", await link.map(message[1], message[2])))
            elif message[0] == "counts":
                conn.send(("counts", dict(link.counts)))
    finally:
        with contextlib.suppress(OSError, ValueError):
            loop.remove_reader(conn.fileno())
        link.close()
        with contextlib.suppress(OSError):
            conn.send(("stopped",))


class LinkProcess:
    """A :class:`LossyLink` in a spawned process, driven over a Pipe."""

    def __init__(self, loss: float, jitter: float, seed: int | None = None) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_link_main, args=(loss, jitter, seed, child), name="lossy-link", daemon=True
        )
        self.process.start()
        child.close()
        self._lock = asyncio.Lock()

    @property
    def pid(self) -> int:
        """The proxy's process id."""
        if self.process.pid is None:
            raise RuntimeError("link process not started")
        return self.process.pid

    async def _ask(self, message: tuple[Any, ...]) -> tuple[Any, ...]:
        async with self._lock:
            self.conn.send(message)
            loop = asyncio.get_running_loop()
            ready = await loop.run_in_executor(None, self.conn.poll, 30.0)
            if not ready:
                raise TimeoutError("no answer from the lossy link process")
            return cast(tuple[Any, ...], self.conn.recv())

    async def route(self, side: Side, sdp: str) -> str:
        """``sdp`` with ``side``'s candidates moved onto the proxy."""
        found = candidates(sdp)
        reply = await self._ask(("map", side, found))
        mapped = [tuple(a) for a in reply[1]]
        return rewrite(sdp, {a: (str(m[0]), int(m[1])) for a, m in zip(found, mapped, strict=True)})

    async def counts(self) -> Counter[tuple[str, str]]:
        """Datagrams seen per (direction, kind) and dropped per ("dropped", direction)."""
        reply = await self._ask(("counts",))
        return Counter(cast(dict[tuple[str, str], int], reply[1]))

    async def stop(self) -> None:
        """Close the proxy's sockets and make sure the process is gone."""
        loop = asyncio.get_running_loop()
        with contextlib.suppress(OSError, TimeoutError, EOFError):
            await self._ask(("stop",))
        await loop.run_in_executor(None, self.process.join, 10.0)
        if self.process.is_alive():
            self.process.kill()
            await loop.run_in_executor(None, self.process.join, 5.0)
        self.conn.close()
