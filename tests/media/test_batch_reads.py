"""Batched socket reads on the lean receive path (``aiortc_tap.batch_reads``), on real
loopback UDP sockets: every datagram ready at a wake-up is read in that wake-up, RTP/RTCP and
STUN/DTLS go to their handlers (STUN with its address), and closing the transport stops it."""

from __future__ import annotations

import asyncio
import itertools
import socket
from typing import Any

from media import aiortc_tap


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.stock: list[bytes] = []

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        self.stock.append(data)


async def test_a_wake_up_reads_every_ready_datagram() -> None:
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        _Protocol, local_addr=("127.0.0.1", 0)
    )
    await asyncio.sleep(0)  # asyncio registers its own reader on the next loop pass
    media: list[tuple[bytes, int]] = []
    stun: list[tuple[bytes, tuple[Any, ...]]] = []

    def on_media(data: bytes, component: int) -> None:
        media.append((data, component))

    def on_stun(data: bytes, addr: tuple[Any, ...]) -> None:
        stun.append((data, addr))

    assert aiortc_tap.batch_reads(transport, on_media, on_stun, 1) == 1
    address = transport.get_extra_info("sockname")
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.setblocking(False)
    sender.bind(("127.0.0.1", 0))
    try:
        rtp = [bytes([0x80, 96, 0, n]) + bytes(1100) for n in range(5)]
        binding = b"\x00\x01\x00\x00\x21\x12\xa4\x42" + bytes(12)  # a STUN request header
        for data in (*rtp, binding):
            sender.sendto(data, address)
        # All six are queued (loopback delivers in sendto) before the loop looks: the pass
        # that sees the socket ready reads them all (this task resumes first in that pass, so
        # it sees them at its second). asyncio's own reader would need six passes.
        passes = 0
        while len(media) + len(stun) < 6 and passes < 1000:
            await asyncio.sleep(0)
            passes += 1
        assert passes <= 2
        assert [data for data, _ in media] == rtp
        assert {component for _, component in media} == {1}
        assert stun == [(binding, sender.getsockname())]
        assert protocol.stock == []  # asyncio's own reader no longer runs
        transport.close()
        await asyncio.sleep(0.01)
        sender.sendto(rtp[0], address)
        await asyncio.sleep(0.05)
        assert len(media) == 5  # closed: nothing read any more
    finally:
        sender.close()
        transport.close()


async def test_a_reader_per_wake_up_is_bounded() -> None:
    """A socket flooded faster than it is read cannot hold the loop in one callback."""
    loop = asyncio.get_running_loop()
    transport, _protocol = await loop.create_datagram_endpoint(
        _Protocol, local_addr=("127.0.0.1", 0)
    )
    await asyncio.sleep(0)
    passes: list[int] = []
    media: list[bytes] = []
    aiortc_tap.batch_reads(transport, lambda data, _c: media.append(data), lambda *_: None, 1)
    address = transport.get_extra_info("sockname")
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.setblocking(False)
    try:
        count = aiortc_tap.READ_BATCH * 2 + 3
        for n in range(count):
            sender.sendto(bytes([0x80, 96]) + n.to_bytes(2, "big") + bytes(100), address)

        async def count_passes() -> None:
            while len(media) < count:
                passes.append(len(media))
                await asyncio.sleep(0)

        await asyncio.wait_for(count_passes(), 5)
        # every loop pass in between saw at most one batch more
        steps = [b - a for a, b in itertools.pairwise(passes)]
        assert max(steps, default=0) <= aiortc_tap.READ_BATCH
        assert len(media) == count
    finally:
        sender.close()
        transport.close()
