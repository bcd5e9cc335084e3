"""The benchmark's lossy link (``benchmarks/lossy_link.py``): both ends see only the proxy,
datagrams pass both ways, RTP and RTCP are dropped at the configured rate while ICE and DTLS
never are, and NACK/PLI are counted from the cleartext SRTCP header."""

from __future__ import annotations

import asyncio

from aiortc.rtp import RtcpPsfbPacket, RtcpRtpfbPacket, RtpPacket

from benchmarks.lossy_link import Address, LossyLink, candidates, classify, rewrite

OFFER = (
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
    "a=candidate:1 1 udp 2130706431 10.1.2.3 5000 typ host\r\n"
    "a=candidate:2 1 udp 2130706431 fe80::1 5002 typ host\r\n"
    "a=candidate:1 1 udp 2130706431 10.1.2.3 5000 typ host\r\n"
    "a=end-of-candidates\r\n"
)


def test_sdp_candidates_are_moved_onto_the_proxy() -> None:
    assert candidates(OFFER) == [("10.1.2.3", 5000)]
    moved = rewrite(OFFER, {("10.1.2.3", 5000): ("127.0.0.1", 6000)})
    assert moved.count("a=candidate:1 1 udp 2130706431 127.0.0.1 6000 typ host\r\n") == 2
    assert "fe80::1" not in moved and "10.1.2.3" not in moved  # nothing around the proxy
    assert moved.endswith("a=end-of-candidates\r\n")


def test_feedback_is_classified_from_the_first_header() -> None:
    rtp = RtpPacket(payload_type=96, sequence_number=1, ssrc=7, payload=b"x").serialize()
    nack = bytes(RtcpRtpfbPacket(fmt=1, ssrc=1, media_ssrc=7, lost=[3, 4]))
    pli = bytes(RtcpPsfbPacket(fmt=1, ssrc=1, media_ssrc=7))
    stun = b"\x00\x01\x00\x00\x21\x12\xa4\x42" + bytes(12)
    dtls = b"\x16\xfe\xfd" + bytes(10)
    assert [classify(d) for d in (rtp, nack, pli, stun, dtls)] == [
        "rtp",
        "nack",
        "pli",
        "other",
        "other",
    ]


class _End(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.got: asyncio.Queue[tuple[bytes, Address]] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple[str | int, int]) -> None:
        self.got.put_nowait((data, (str(addr[0]), int(addr[1]))))


async def _end() -> tuple[asyncio.DatagramTransport, _End, Address]:
    loop = asyncio.get_running_loop()
    transport, end = await loop.create_datagram_endpoint(_End, local_addr=("127.0.0.1", 0))
    host, port = transport.get_extra_info("sockname")[:2]
    return transport, end, (str(host), int(port))


async def test_datagrams_pass_both_ways_and_only_media_is_dropped() -> None:
    client_t, client, client_addr = await _end()
    server_t, server, server_addr = await _end()
    link = LossyLink(loss=1.0, jitter=0.002, seed=1)  # every RTP/RTCP datagram is lost
    try:
        [server_seen_at] = await link.map("client", [client_addr])
        [client_sends_to] = await link.map("server", [server_addr])
        stun = b"\x00\x01\x00\x00\x21\x12\xa4\x42" + bytes(12)
        nack = bytes(RtcpRtpfbPacket(fmt=1, ssrc=1, media_ssrc=7, lost=[3]))
        client_t.sendto(nack, client_sends_to)
        client_t.sendto(stun, client_sends_to)
        data, source = await asyncio.wait_for(server.got.get(), 5)
        assert (data, source) == (stun, server_seen_at)  # the server sees the proxy only
        server_t.sendto(stun, server_seen_at)
        data, source = await asyncio.wait_for(client.got.get(), 5)
        assert (data, source) == (stun, client_sends_to)
        await asyncio.sleep(0.05)
        assert server.got.empty()  # the NACK was dropped
        assert link.counts[("up", "nack")] == 1
        assert link.counts[("dropped", "up")] == 1
        assert link.counts[("dropped", "down")] == 0
    finally:
        link.close()
        client_t.close()
        server_t.close()
