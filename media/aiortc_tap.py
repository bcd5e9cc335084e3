"""The one place that touches aiortc's private internals.

aiortc has no public API for encoded media: a receiver always hands complete frames to a
decoder thread, and a sender answers PLI/FIR only by asking its *encoder* for a keyframe,
which the ``pack()`` path for pre-encoded ``av.Packet`` s never reads. Forwarding without
transcoding therefore needs three small hooks, all per instance (no global monkey-patching,
so test peers and other sessions in the same process are unaffected):

* :func:`install_frame_tap` swaps a receiver's decoder queue for one that hands each
  reassembled encoded frame to a callback on the event loop (the jitter buffer, NACK, RTX
  and REMB stay aiortc's), and only passes the shutdown sentinel to the idle decoder thread;
* :func:`intercept_keyframe_requests` replaces a sender's ``_send_keyframe`` on the instance,
  so PLI/FIR from the far end reach us and can be relayed upstream;
* :func:`request_keyframe` sends a PLI from a receiver towards its publisher.

* :func:`install_frame_check` replaces a video receiver's jitter buffer with a
  :class:`CheckedJitterBuffer`: a frame is only released when its packets run without a gap
  from a frame start to the marker bit; after one is dropped, deltas are dropped until a
  keyframe (aiortc's buffer can skip into the middle of a frame after a loss it could not
  repair, and the recorder would write a frame no decoder accepts).

The raw-RTP forwarder (``INTERVIEW_MEDIA_FORWARDER=rtp``) needs four more, also per instance:

* :func:`install_packet_tap` shadows a receiver's ``_handle_rtp_packet``: each decrypted,
  parsed RTP packet (RTX unwrapped) goes to a callback; only the RTCP receiver statistics
  (for receiver reports) are kept. Remote bitrate estimation, the NACK generator, the jitter
  buffer and depayloading are skipped, except while ``wants_frames()`` says frames are
  needed (recording), when aiortc's own handler also runs and feeds the frame tap;
* :class:`RtpOutput` sends a rewritten packet through a sender's DTLS transport
  (``_send_rtp``: SRTP protect) with the sender's SSRC, payload type and mid;
* :func:`intercept_feedback` hands NACKs and REMB from the far end of a sender to callbacks,
  and :func:`send_remb` passes a bitrate estimate on to a publisher;
* :func:`request_retransmission` sends a NACK from a receiver towards its publisher, and
  :func:`set_sender_report` keeps a sender's RTCP sender reports true to what was forwarded.

The lean receive path of the raw-RTP forwarder needs two more, per instance:

* :class:`LeanReceiver` shadows the aioice ``Connection.data_received`` of a peer's
  transport: once the packet tap has seen a primary SSRC, that SSRC's SRTP datagrams are
  unprotected with the DTLS transport's own session and handed on as bytes, synchronously
  in the datagram callback, skipping aioice's queue, aiortc's DTLS task, ``RtpPacket.parse``
  and routing (the receiver's RTCP statistics are still kept);
* :meth:`RtpOutput.send_now` protects with the sender transport's SRTP session and gives
  the datagram to the selected candidate pair's transport without three coroutine frames.

Every session peer, whatever the forwarder, sends its RTCP reports through
:class:`RtcpReports`, which replaces each sender's and receiver's ``_run_rtcp`` on the
instance: one compound SR/RR/SDES packet per transport and interval instead of one per
sender and per receiver.

:func:`check_internals` lists what is missing when aiortc changes underneath; the tests in
``tests/media/test_aiortc_tap.py`` fail loudly with those messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import queue
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pylibsrtp
from aioice.ice import CandidatePair, Connection, StunProtocol
from aiortc import RTCRtpReceiver, RTCRtpSender, RTCRtpTransceiver
from aiortc.codecs import is_rtx
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtcdtlstransport import RTCDtlsTransport, State
from aiortc.rtcicetransport import RTCIceTransport
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtcrtpreceiver import StreamStatistics
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTCP_RTPFB_NACK,
    HeaderExtensionsMap,
    RtcpByePacket,
    RtcpPsfbPacket,
    RtcpReceiverInfo,
    RtcpRrPacket,
    RtcpRtpfbPacket,
    RtcpSdesPacket,
    RtcpSenderInfo,
    RtcpSourceInfo,
    RtcpSrPacket,
    RtpPacket,
    pack_remb_fci,
    unpack_remb_fci,
    unwrap_rtx,
)

from media.codecs import is_keyframe, starts_frame

logger = logging.getLogger(__name__)

# asyncio's selector transports (private, not in typeshed: see batch_reads)
_selector_events: Any = asyncio.selector_events
_SelectorDatagramTransport: Any = _selector_events._SelectorDatagramTransport

#: ``callback(codec, frame_data, timestamp)``; ``timestamp`` is aiortc's 0-based RTP time.
FrameCallback = Callable[[RTCRtpCodecParameters, bytes, int], None]

_DECODER_QUEUE = "_RTCRtpReceiver__decoder_queue"
_RECEIVER_STARTED = "_RTCRtpReceiver__started"
_SEND_KEYFRAME = "_send_keyframe"
_SEND_PLI = "_send_rtcp_pli"
_TAPPED = "_interview_frame_tap"
_PACKET_TAPPED = "_interview_packet_tap"
_HANDLE_RTP = "_handle_rtp_packet"
_HANDLE_RTCP = "_handle_rtcp_packet"
_RECEIVER_CODECS = "_RTCRtpReceiver__codecs"
_RECEIVER_RTX_SSRC = "_RTCRtpReceiver__rtx_ssrc"
_RECEIVER_STREAMS = "_RTCRtpReceiver__remote_streams"
_SEND_NACK = "_send_rtcp_nack"
_SEND_RTCP = "_send_rtcp"
_RECEIVER_RTCP_SSRC = "_RTCRtpReceiver__rtcp_ssrc"
_JITTER_BUFFER = "_RTCRtpReceiver__jitter_buffer"
_SENDER_REPORT = (
    "_RTCRtpSender__ntp_timestamp",
    "_RTCRtpSender__rtp_timestamp",
    "_RTCRtpSender__packet_count",
    "_RTCRtpSender__octet_count",
)

#: ``callback(codec, packet)`` for each RTP packet (RTX already unwrapped); awaited.
PacketCallback = Callable[[RTCRtpCodecParameters, RtpPacket], Awaitable[None]]


class _TapQueue(queue.Queue[Any]):
    """Stands in for the decoder queue: frames go to the callback, only ``None`` to the thread.

    aiortc's ``_handle_rtp_packet`` calls ``put((codec, JitterFrame))`` on the event loop for
    every complete frame; the decoder thread blocks in ``get()`` until the ``None`` that
    aiortc puts on stop, so it costs nothing while we forward.
    """

    def __init__(self, on_frame: FrameCallback) -> None:
        super().__init__()
        self._on_frame = on_frame

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        if item is None:
            super().put(None, block, timeout)
            return
        codec, frame = item
        try:
            self._on_frame(codec, frame.data, frame.timestamp)
        except Exception:
            # A forwarding bug must not kill aiortc's receive path for this peer.
            logger.exception("frame tap callback failed")


def install_frame_tap(receiver: RTCRtpReceiver, on_frame: FrameCallback) -> None:
    """Make ``receiver`` hand encoded frames to ``on_frame`` instead of decoding them.

    Call after ``setRemoteDescription`` and before the connection starts the receiver
    (aiortc starts it in ``__connect`` once DTLS is up). Idempotent per receiver.
    """
    if getattr(receiver, _TAPPED, False):
        return
    if getattr(receiver, _RECEIVER_STARTED):
        raise RuntimeError("install_frame_tap must run before the receiver is started")
    setattr(receiver, _DECODER_QUEUE, _TapQueue(on_frame))
    setattr(receiver, _TAPPED, True)


def is_tapped(receiver: RTCRtpReceiver) -> bool:
    """Whether :func:`install_frame_tap` was applied to ``receiver``."""
    return bool(getattr(receiver, _TAPPED, False))


def frame_is_whole(codec: str, packets: Sequence[RtpPacket | None]) -> bool:
    """Whether ``packets`` (one frame, in buffer order) are all of that frame.

    Their sequence numbers run without a gap; the first packet with a payload starts a frame
    (:func:`media.codecs.starts_frame`); the last packet with a payload has the marker bit.
    Empty payloads (padding) may come anywhere: they carry no media.
    """
    if not packets:
        return False
    first = packets[0]
    if first is None:
        return False
    for n, packet in enumerate(packets):
        if packet is None or packet.sequence_number != (first.sequence_number + n) & 0xFFFF:
            return False
    media = [p for p in packets if p is not None and p.payload]
    return bool(media) and starts_frame(codec, media[0].payload) and bool(media[-1].marker)


class CheckedJitterBuffer(JitterBuffer):
    """aiortc's video jitter buffer, releasing only whole frames, and after a loss, keyframes.

    aiortc's buffer releases a frame when the packets from its origin up to the next
    timestamp are all there. After a loss NACK could not repair, it skips ahead (or restarts
    at a late packet), and the origin can land in the middle of a frame: the frame then
    lacks its first packets. Such a frame, and every delta after it up to the next keyframe,
    would not decode (a recording would hold them, and a frame forwarder would send them).

    aiortc's ``_remove_frame`` hands a released frame's packets to :meth:`remove`, which
    notes them; :meth:`add` then checks them (:func:`frame_is_whole`). A frame that fails is
    not released, and neither is any frame after it until a keyframe;
    ``on_drop`` is called for each, so the caller can ask the publisher for a keyframe.
    """

    def __init__(self, codec: str, on_drop: Callable[[], None] | None = None) -> None:
        super().__init__(capacity=512, is_video=True)
        self.codec = codec
        self._on_drop = on_drop
        self._released: list[RtpPacket | None] = []
        self.waiting_keyframe = False
        self.dropped = 0  # frames held back: incomplete, or deltas after one

    def remove(self, count: int) -> None:
        capacity = self.capacity
        origin = self._origin
        if origin is not None and count < capacity:
            packets = self._packets
            self._released = [packets[(origin + n) % capacity] for n in range(count)]
        super().remove(count)

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        self._released = []
        pli, frame = super().add(packet)
        if frame is None:
            return pli, None
        released, self._released = self._released, []
        whole = frame_is_whole(self.codec, released)
        if whole and not self.waiting_keyframe:
            return pli, frame
        if whole and is_keyframe(self.codec, frame.data):
            self.waiting_keyframe = False
            return pli, frame
        self.waiting_keyframe = True
        self.dropped += 1
        if self._on_drop is not None:
            try:
                self._on_drop()
            except Exception:
                logger.exception("frame drop callback failed")
        return pli, None


def install_frame_check(
    receiver: RTCRtpReceiver, codec: str, on_drop: Callable[[], None] | None = None
) -> CheckedJitterBuffer:
    """Give a video ``receiver`` a :class:`CheckedJitterBuffer` for ``codec``.

    Call before the receiver is started. ``on_drop`` is called for each frame held back.
    """
    if getattr(receiver, _RECEIVER_STARTED):
        raise RuntimeError("install_frame_check must run before the receiver is started")
    if not isinstance(getattr(receiver, _JITTER_BUFFER, None), JitterBuffer):
        raise RuntimeError("the receiver has no jitter buffer to replace")
    buffer = CheckedJitterBuffer(codec, on_drop)
    setattr(receiver, _JITTER_BUFFER, buffer)
    return buffer


def intercept_keyframe_requests(sender: RTCRtpSender, on_request: Callable[[], None]) -> None:
    """Call ``on_request`` whenever the far end of ``sender`` sends PLI or FIR.

    aiortc's own handler only sets a flag for its encoder; on the pre-encoded path nobody
    reads it, so we shadow the method on this instance.
    """

    def send_keyframe() -> None:
        on_request()

    setattr(sender, _SEND_KEYFRAME, send_keyframe)


async def request_keyframe(receiver: RTCRtpReceiver, media_ssrc: int) -> None:
    """Send an RTCP PLI for ``media_ssrc`` to the peer that publishes into ``receiver``."""
    await getattr(receiver, _SEND_PLI)(media_ssrc)


def install_packet_tap(
    receiver: RTCRtpReceiver,
    on_packet: PacketCallback,
    wants_frames: Callable[[], bool],
    on_data: DataHandler | None = None,
    lean: Callable[[], bool] = lambda: False,
) -> None:
    """Hand each RTP packet of ``receiver`` to ``on_packet`` instead of aiortc's frame path.

    While ``wants_frames()`` is true (a recording is running) aiortc's own handler runs too,
    after forwarding, so the frame tap (see :func:`install_frame_tap`) still gets complete
    frames. Otherwise only the RTCP statistics are kept. Call before the receiver starts.

    With ``on_data``, the first packet of each primary (non-RTX) SSRC also opens a route on
    the transport's :class:`LeanReceiver`: from then on, while ``lean()`` is true and the
    receiver is enabled, that SSRC's packets go as bytes to ``on_data`` without passing
    through aiortc (nor ``on_packet``).
    """
    if getattr(receiver, _PACKET_TAPPED, False):
        return
    if getattr(receiver, _RECEIVER_STARTED):
        raise RuntimeError("install_packet_tap must run before the receiver is started")
    original = getattr(receiver, _HANDLE_RTP)
    # Filled in place by receive() once the connection is up.
    codecs: dict[int, RTCRtpCodecParameters] = getattr(receiver, _RECEIVER_CODECS)
    rtx_ssrc: dict[int, int] = getattr(receiver, _RECEIVER_RTX_SSRC)
    streams: dict[int, StreamStatistics] = getattr(receiver, _RECEIVER_STREAMS)

    async def handle_rtp_packet(packet: RtpPacket, arrival_time_ms: int) -> None:
        codec = codecs.get(packet.payload_type)
        if codec is None or not receiver._enabled:
            return
        frames = wants_frames()
        if not frames:
            stream = streams.get(packet.ssrc)
            if stream is None:
                stream = streams[packet.ssrc] = StreamStatistics(codec.clockRate)
            stream.add(packet)
        forwarded = packet
        if is_rtx(codec):
            apt = codec.parameters.get("apt")
            original_ssrc = rtx_ssrc.get(packet.ssrc)
            if (
                original_ssrc is None
                or len(packet.payload) < 2
                or not isinstance(apt, int)
                or apt not in codecs
            ):
                return
            forwarded = unwrap_rtx(packet, payload_type=apt, ssrc=original_ssrc)
            codec = codecs[apt]
        elif on_data is not None:
            dtls: RTCDtlsTransport = receiver.transport
            route_to = lean_receiver(dtls)
            if not route_to.has_route(packet.ssrc):
                stream = streams.get(packet.ssrc)
                if stream is None:
                    stream = streams[packet.ssrc] = StreamStatistics(codec.clockRate)
                route_to.add_route(
                    packet.ssrc, packet.payload_type, stream, lean, on_data, receiver
                )
        try:
            await on_packet(codec, forwarded)
        except Exception:
            logger.exception("packet tap callback failed")
        if frames:
            await original(packet, arrival_time_ms)

    setattr(receiver, _HANDLE_RTP, handle_rtp_packet)
    setattr(receiver, _PACKET_TAPPED, True)


async def request_retransmission(
    receiver: RTCRtpReceiver, media_ssrc: int, lost: list[int]
) -> None:
    """Send an RTCP NACK for ``lost`` sequence numbers to the publisher of ``receiver``."""
    await getattr(receiver, _SEND_NACK)(media_ssrc, lost)


def intercept_feedback(
    sender: RTCRtpSender,
    on_nack: Callable[[list[int]], Awaitable[None]],
    on_remb: Callable[[int], Awaitable[None]],
) -> None:
    """Give NACKs and REMB from the far end of ``sender`` to callbacks; other RTCP to aiortc.

    aiortc answers a NACK from its own send history, which the forwarder never fills, and
    gives REMB to its encoder, which the forwarder does not have.
    """
    original = getattr(sender, _HANDLE_RTCP)

    async def handle_rtcp_packet(packet: Any) -> None:
        if isinstance(packet, RtcpRtpfbPacket) and packet.fmt == RTCP_RTPFB_NACK:
            await on_nack(list(packet.lost))
            return
        if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
            try:
                bitrate, _ssrcs = unpack_remb_fci(packet.fci)
            except ValueError:
                return
            await on_remb(bitrate)
            return
        await original(packet)

    setattr(sender, _HANDLE_RTCP, handle_rtcp_packet)


async def send_remb(receiver: RTCRtpReceiver, bitrate: int, media_ssrc: int) -> None:
    """Tell the publisher of ``receiver`` the largest bitrate its subscribers can take."""
    rtcp_ssrc = getattr(receiver, _RECEIVER_RTCP_SSRC)
    if rtcp_ssrc is None:
        return
    packet = RtcpPsfbPacket(
        fmt=RTCP_PSFB_APP, ssrc=rtcp_ssrc, media_ssrc=0, fci=pack_remb_fci(bitrate, [media_ssrc])
    )
    await getattr(receiver, _SEND_RTCP)(packet)


def set_sender_report(
    sender: RTCRtpSender, ntp_time: int, rtp_timestamp: int, packets: int, octets: int
) -> None:
    """What ``sender``'s next RTCP sender report says: an NTP/RTP time pair and counts."""
    for name, value in zip(_SENDER_REPORT, (ntp_time, rtp_timestamp, packets, octets), strict=True):
        setattr(sender, name, value)


def sender_ssrc(sender: RTCRtpSender) -> int:
    """The SSRC ``sender`` announced in SDP and uses in its RTCP."""
    return int(sender._ssrc)


def negotiated_payload_type(transceiver: RTCRtpTransceiver) -> int | None:
    """The payload type of the transceiver's first negotiated (primary) codec."""
    codecs: list[RTCRtpCodecParameters] = transceiver._codecs
    for codec in codecs:
        if not is_rtx(codec):
            return codec.payloadType
    return None


class RtpOutput:
    """Serializes a packet with a sender's header extension ids and sends it encrypted."""

    __slots__ = ("_sender",)

    def __init__(self, sender: RTCRtpSender) -> None:
        self._sender = sender

    def ready(self) -> bool:
        """Whether the sender's DTLS transport is up (SRTP keys negotiated)."""
        return bool(self._sender.transport.state == "connected")

    def serialize(self, packet: RtpPacket) -> bytes:
        transport: RTCDtlsTransport = self._sender.transport
        return packet.serialize(transport._rtp_header_extensions_map)

    async def send(self, data: bytes) -> None:
        """SRTP-protect and send ``data``; raises ConnectionError when not connected."""
        self.send_now(data)

    def send_now(self, data: bytes) -> None:
        """:meth:`send` without the awaits: protect and hand the datagram to the socket.

        What aiortc's ``_send_rtp`` and aioice's ``send`` do, minus three coroutine frames:
        the selected candidate pair's transport (a UDP socket, or aioice's TURN transport)
        takes the datagram synchronously either way.
        """
        dtls: RTCDtlsTransport = self._sender.transport
        if dtls._state != State.CONNECTED:
            raise ConnectionError("Cannot send encrypted RTP, not connected")
        protected: bytes = dtls._tx_srtp.protect(data)
        pair = dtls.transport._connection._nominated.get(1)
        if pair is None:
            raise ConnectionError("Cannot send data, not connected")
        pair.protocol.transport.sendto(protected, pair.remote_addr)
        counters: Any = dtls  # the transport's own counters (name-mangled, checked below)
        counters._RTCDtlsTransport__tx_bytes += len(protected)
        counters._RTCDtlsTransport__tx_packets += 1

    def extension_ids(self) -> object:
        """The sender transport's negotiated header extension ids (see :class:`LeanReceiver`)."""
        return header_extension_ids(self._sender.transport._rtp_header_extensions_map)


def check_internals() -> list[str]:
    """Problems with the aiortc internals this module relies on; empty when all is well."""
    problems: list[str] = []
    transport = _probe_transport()
    receiver = RTCRtpReceiver("video", transport)
    decoder_queue = getattr(receiver, _DECODER_QUEUE, None)
    if not isinstance(decoder_queue, queue.Queue):
        problems.append(
            f"RTCRtpReceiver.{_DECODER_QUEUE} is {type(decoder_queue).__name__}, "
            "expected queue.Queue (frame tap point)"
        )
    if getattr(receiver, _RECEIVER_STARTED, None) is not False:
        problems.append(f"RTCRtpReceiver.{_RECEIVER_STARTED} missing or not False before start")
    handle = inspect.getsource(RTCRtpReceiver._handle_rtp_packet)
    if "__decoder_queue.put((codec, encoded_frame))" not in handle:
        problems.append(
            "RTCRtpReceiver._handle_rtp_packet no longer calls "
            "__decoder_queue.put((codec, encoded_frame)) (frame tap point)"
        )
    if not hasattr(JitterFrame(b"", 0), "data") or not hasattr(JitterFrame(b"", 0), "timestamp"):
        problems.append("aiortc.jitterbuffer.JitterFrame lost .data/.timestamp")
    pli = getattr(RTCRtpReceiver, _SEND_PLI, None)
    if pli is None or list(inspect.signature(pli).parameters) != ["self", "media_ssrc"]:
        problems.append(f"RTCRtpReceiver.{_SEND_PLI}(self, media_ssrc) missing or changed")
    keyframe = getattr(RTCRtpSender, _SEND_KEYFRAME, None)
    if keyframe is None or list(inspect.signature(keyframe).parameters) != ["self"]:
        problems.append(f"RTCRtpSender.{_SEND_KEYFRAME}(self) missing or changed")
    rtcp = inspect.getsource(RTCRtpSender._handle_rtcp_packet)
    if "self._send_keyframe()" not in rtcp:
        problems.append(
            "RTCRtpSender._handle_rtcp_packet no longer calls self._send_keyframe() on PLI/FIR"
        )
    problems.extend(_check_frame_check_internals(receiver))
    problems.extend(_check_packet_internals(receiver))
    problems.extend(_check_rtcp_report_internals(receiver))
    return problems


def _check_frame_check_internals(receiver: RTCRtpReceiver) -> list[str]:
    """The internals :class:`CheckedJitterBuffer` relies on, checked by behaviour."""
    problems: list[str] = []
    if not isinstance(getattr(receiver, _JITTER_BUFFER, None), JitterBuffer):
        problems.append(f"RTCRtpReceiver.{_JITTER_BUFFER} missing or not a JitterBuffer")
    if "self.__jitter_buffer.add(packet)" not in inspect.getsource(
        RTCRtpReceiver._handle_rtp_packet
    ):
        problems.append("RTCRtpReceiver._handle_rtp_packet no longer calls __jitter_buffer.add")
    # Two one-packet VP8 frames, then the first packet of a third: the first frame must come
    # out, noted by remove(); a frame without its start packet must be held back.
    buffer = CheckedJitterBuffer("VP8")
    payloads = (b"\x10\x00", b"\x00\x00", b"\x10\x00")  # S bit and partition 0, or not
    try:
        outs = []
        for n, payload in enumerate(payloads, start=1):
            packet = RtpPacket(sequence_number=n, timestamp=10 * n, marker=1, payload=payload)
            packet._data = payload[1:]  # type: ignore[attr-defined]  # what depayload sets
            outs.append(buffer.add(packet))
    except Exception as exc:  # pragma: no cover - only when aiortc changed
        problems.append(f"CheckedJitterBuffer.add failed on aiortc's JitterBuffer: {exc!r}")
        return problems
    released = [None if frame is None else frame.timestamp for _pli, frame in outs]
    if released != [None, 10, None] or buffer.dropped != 1:
        problems.append(
            "JitterBuffer._remove_frame no longer passes a released frame's packets to "
            f"remove() (frame check saw {released}, dropped {buffer.dropped})"
        )
    return problems


def _check_packet_internals(receiver: RTCRtpReceiver) -> list[str]:
    """The internals of the raw-RTP forwarder (see :func:`install_packet_tap`)."""
    problems: list[str] = []
    for name in (_RECEIVER_CODECS, _RECEIVER_RTX_SSRC, _RECEIVER_STREAMS):
        if not isinstance(getattr(receiver, name, None), dict):
            problems.append(f"RTCRtpReceiver.{name} missing or not a dict (packet tap)")
    if not hasattr(receiver, _RECEIVER_RTCP_SSRC):
        problems.append(f"RTCRtpReceiver.{_RECEIVER_RTCP_SSRC} is gone (REMB relay)")
    send_rtcp = getattr(RTCRtpReceiver, _SEND_RTCP, None)
    if send_rtcp is None or list(inspect.signature(send_rtcp).parameters) != ["self", "packet"]:
        problems.append(f"RTCRtpReceiver.{_SEND_RTCP}(self, packet) missing or changed")
    handle = getattr(RTCRtpReceiver, _HANDLE_RTP, None)
    if handle is None or list(inspect.signature(handle).parameters) != [
        "self",
        "packet",
        "arrival_time_ms",
    ]:
        problems.append(f"RTCRtpReceiver.{_HANDLE_RTP}(self, packet, arrival_time_ms) changed")
    dtls = inspect.getsource(RTCDtlsTransport._handle_rtp_data)
    if "receiver._handle_rtp_packet(packet, arrival_time_ms=arrival_time_ms)" not in dtls:
        problems.append("RTCDtlsTransport._handle_rtp_data no longer calls _handle_rtp_packet")
    dtls_rtcp = inspect.getsource(RTCDtlsTransport._handle_rtcp_data)
    if "recipient._handle_rtcp_packet(packet)" not in dtls_rtcp:
        problems.append("RTCDtlsTransport._handle_rtcp_data no longer calls _handle_rtcp_packet")
    if not inspect.iscoroutinefunction(getattr(RTCDtlsTransport, "_send_rtp", None)):
        problems.append("RTCDtlsTransport._send_rtp (async, SRTP protect and send) is gone")
    if "self._rtp_header_extensions_map" not in inspect.getsource(RTCDtlsTransport.__init__):
        problems.append("RTCDtlsTransport._rtp_header_extensions_map is gone")
    nack = getattr(RTCRtpReceiver, _SEND_NACK, None)
    if nack is None or list(inspect.signature(nack).parameters) != ["self", "media_ssrc", "lost"]:
        problems.append(f"RTCRtpReceiver.{_SEND_NACK}(self, media_ssrc, lost) missing or changed")
    sender_init = inspect.getsource(RTCRtpSender.__init__)
    for name in _SENDER_REPORT:
        if "self." + name.replace("_RTCRtpSender", "") not in sender_init:
            problems.append(f"RTCRtpSender.{name} (sender report state) is gone")
    if "self._ssrc" not in sender_init:
        problems.append("RTCRtpSender._ssrc is gone")
    if "_codecs" not in inspect.getsource(RTCRtpTransceiver.__init__):
        problems.append("RTCRtpTransceiver._codecs (negotiated codecs) is gone")
    problems.extend(_check_lean_internals())
    return problems


def _check_lean_internals() -> list[str]:
    """The internals of :class:`LeanReceiver` and :meth:`RtpOutput.send_now`."""
    problems: list[str] = []
    dtls_init = inspect.getsource(RTCDtlsTransport.__init__)
    for name in (
        "self._rx_srtp",
        "self._tx_srtp",
        "self._state",
        "self._rtp_header_extensions_map",
    ):
        if name not in dtls_init:
            problems.append(f"RTCDtlsTransport.{name[5:]} is gone (lean receive path)")
    for name in (_DTLS_RX_BYTES, _DTLS_RX_PACKETS, _DTLS_TX_BYTES, _DTLS_TX_PACKETS):
        if "self." + name.replace("_RTCDtlsTransport", "") not in dtls_init:
            problems.append(f"RTCDtlsTransport.{name} (transport stats) is gone")
    recv_next = inspect.getsource(RTCDtlsTransport._recv_next)
    if "self._rx_srtp.unprotect(data)" not in recv_next:
        problems.append("RTCDtlsTransport._recv_next no longer unprotects with self._rx_srtp")
    if "self._connection = gatherer._connection" not in inspect.getsource(RTCIceTransport.__init__):
        problems.append("RTCIceTransport._connection (the aioice Connection) is gone")
    if "self.receiver.data_received(data" not in inspect.getsource(StunProtocol.datagram_received):
        problems.append("aioice StunProtocol.datagram_received no longer calls data_received")
    received = getattr(Connection, "data_received", None)
    if received is None or list(inspect.signature(received).parameters) != [
        "self",
        "data",
        "component",
    ]:
        problems.append("aioice Connection.data_received(self, data, component) changed")
    connection_init = inspect.getsource(Connection.__init__)
    for name in ("self._nominated", "self._protocols"):
        if name not in connection_init:
            problems.append(f"aioice Connection.{name[5:]} is gone (lean receive path)")
    problems.extend(_check_batch_read_internals())
    pair = inspect.getsource(CandidatePair)
    if "self.protocol = protocol" not in pair or "def remote_addr" not in pair:
        problems.append("aioice CandidatePair.protocol / .remote_addr is gone")
    if not hasattr(HeaderExtensionsMap(), _EXTENSION_IDS):
        problems.append(f"HeaderExtensionsMap.{_EXTENSION_IDS} is gone (extension ids)")
    return problems


def _check_batch_read_internals() -> list[str]:
    """What :func:`batch_reads` needs of asyncio's selector loop and datagram transport."""
    problems: list[str] = []
    for name in ("_loop", "_sock", "_sock_fd", "_protocol"):
        if f"self.{name} =" not in inspect.getsource(_selector_events._SelectorTransport):
            problems.append(f"asyncio _SelectorTransport.{name} is gone (batched reads)")
    read_ready = inspect.getsource(_SelectorDatagramTransport._read_ready)
    if "self._protocol.datagram_received(data, addr)" not in read_ready:
        problems.append("asyncio _SelectorDatagramTransport._read_ready changed (batched reads)")
    if "self._loop._remove_reader(self._sock_fd)" not in inspect.getsource(
        _SelectorDatagramTransport.close
    ):
        problems.append("asyncio datagram transport close() no longer removes its reader")
    add_reader = getattr(_selector_events.BaseSelectorEventLoop, "_add_reader", None)
    if add_reader is None or list(inspect.signature(add_reader).parameters)[:3] != [
        "self",
        "fd",
        "callback",
    ]:
        problems.append("asyncio BaseSelectorEventLoop._add_reader(fd, callback) changed")
    return problems


def _probe_transport() -> Any:
    """A minimal stand-in transport: RTCRtpReceiver only reads ``.state`` in its constructor."""

    class _Probe:
        state = "new"

    return _Probe()


# ------------------------------------------------------------------ lean receive path
_LEAN = "_interview_lean_receiver"
_DTLS_RX_BYTES = "_RTCDtlsTransport__rx_bytes"
_DTLS_RX_PACKETS = "_RTCDtlsTransport__rx_packets"
_DTLS_TX_BYTES = "_RTCDtlsTransport__tx_bytes"
_DTLS_TX_PACKETS = "_RTCDtlsTransport__tx_packets"
_EXTENSION_IDS = "_HeaderExtensionsMap__ids"

#: ``handler(data, extensions)``: one SRTP-unprotected RTP packet of a lean route, as bytes,
#: and the header extension map of the transport it came in on.
DataHandler = Callable[[bytes, HeaderExtensionsMap], None]


class _Sample:
    """What :class:`StreamStatistics` reads of a packet, without parsing one."""

    __slots__ = ("sequence_number", "timestamp")

    def __init__(self) -> None:
        self.sequence_number = 0
        self.timestamp = 0


class _Route:
    __slots__ = ("active", "handler", "payload_type", "receiver", "sample", "statistics")

    def __init__(
        self,
        payload_type: int,
        active: Callable[[], bool],
        handler: DataHandler,
        statistics: StreamStatistics,
        receiver: RTCRtpReceiver | None,
    ) -> None:
        self.payload_type = payload_type
        self.active = active
        self.handler = handler
        self.statistics = statistics
        self.receiver = receiver
        self.sample = _Sample()


class LeanReceiver:
    """A per-transport receive handler for forwarded RTP, in front of aiortc's.

    aioice hands every datagram of a peer to ``Connection.data_received``, which queues it
    for aiortc's DTLS task (a task wake-up, SRTP unprotect, ``RtpPacket.parse``, routing,
    then the receiver). For an SSRC with a *route* (a primary media stream the forwarder
    already knows) this handler runs instead, synchronously in the datagram callback: the
    header is read in the clear (SRTP leaves it so), the packet is SRTP-unprotected with the
    transport's own session and handed as bytes to the route's handler, and the receiver's
    RTCP statistics are kept, so receiver reports stay true. Anything else (DTLS, STUN,
    RTCP, RTX, other payload types, unknown SSRCs, a route whose ``active()`` is false) goes
    to aiortc's path untouched. Installed once per :class:`RTCDtlsTransport`, per instance.
    """

    def __init__(self, dtls: RTCDtlsTransport) -> None:
        self._dtls = dtls
        self._routes: dict[int, _Route] = {}
        self.packets = 0  # handled here rather than by aiortc
        self.batched = 0  # sockets read in batches (see batch_reads)
        connection = dtls.transport._connection
        original: Callable[[bytes, int], None] = connection.data_received
        routes = self._routes

        counters: Any = dtls  # the transport's own counters (name-mangled, checked below)
        srtp_error = pylibsrtp.Error

        def data_received(data: bytes, component: int) -> None:
            # RTP (not RTCP: its second byte is 192..223) with a known SSRC and payload type
            if len(data) > 12 and 127 < data[0] < 192 and not 191 < data[1] < 224:
                route = routes.get(int.from_bytes(data[8:12], "big"))
                if (
                    route is not None
                    and route.payload_type == data[1] & 0x7F
                    and dtls._rx_srtp is not None
                    and (route.receiver is None or route.receiver._enabled)
                    and route.active()
                ):
                    # one function for the whole receive side: this runs for every packet
                    counters._RTCDtlsTransport__rx_bytes += len(data)
                    counters._RTCDtlsTransport__rx_packets += 1
                    try:
                        plain: bytes = dtls._rx_srtp.unprotect(data)
                    except srtp_error:
                        return  # as aiortc: a replayed or forged packet is dropped
                    self.packets += 1
                    sample = route.sample
                    sample.sequence_number = (plain[2] << 8) | plain[3]
                    sample.timestamp = int.from_bytes(plain[4:8], "big")
                    route.statistics.add(sample)  # type: ignore[arg-type]
                    try:
                        route.handler(plain, dtls._rtp_header_extensions_map)
                    except Exception:
                        # A forwarding bug must not kill aioice's datagram callback.
                        logger.exception("lean route handler failed")
                    return
            original(data, component)

        connection.data_received = data_received  # type: ignore[method-assign]
        # RFC 7983: a datagram whose first byte is 128..191 is RTP or RTCP, never STUN; aioice
        # would try to parse it as STUN first (and catch the ValueError) for every packet.
        for protocol in connection._protocols:
            component = protocol.local_candidate.component
            stun: Callable[[bytes, tuple[Any, ...]], None] = protocol.datagram_received

            def datagram_received(
                data: bytes,
                addr: tuple[Any, ...],
                stun: Callable[[bytes, tuple[Any, ...]], None] = stun,
                component: int = component,
            ) -> None:
                if data and 127 < data[0] < 192:
                    data_received(data, component)
                else:
                    stun(data, addr)

            protocol.datagram_received = datagram_received  # type: ignore[method-assign,assignment]
            self.batched += batch_reads(protocol.transport, data_received, stun, component)

    def add_route(
        self,
        ssrc: int,
        payload_type: int,
        statistics: StreamStatistics,
        active: Callable[[], bool],
        handler: DataHandler,
        receiver: RTCRtpReceiver | None = None,
    ) -> None:
        """Handle RTP of ``ssrc`` with ``payload_type`` here while ``active()`` is true
        (and ``receiver``, when given, is enabled)."""
        self._routes[ssrc] = _Route(payload_type, active, handler, statistics, receiver)

    def has_route(self, ssrc: int) -> bool:
        """Whether ``ssrc`` has a route."""
        return ssrc in self._routes


#: Datagrams read per wake-up of a socket at most, so one busy socket cannot starve the loop.
READ_BATCH = 32
#: What one ``recvfrom`` may return: any UDP datagram. (asyncio asks for 256 KiB, a size
#: glibc serves with mmap, mremap and munmap: ~17 us per datagram instead of ~1.3 us.)
_MAX_DATAGRAM = 65536


def batch_reads(
    transport: Any,
    data_received: Callable[[bytes, int], None],
    stun: Callable[[bytes, tuple[Any, ...]], None],
    component: int,
) -> int:
    """Read every datagram a socket has ready per event-loop wake-up, not one (1 if done).

    asyncio's datagram transport reads one datagram per wake-up of its socket: each packet
    costs a pass of the event loop (the selector, a handle, ``_read_ready``). The packets of
    a video frame arrive back to back, so one wake-up usually finds several. The transport's
    reader is replaced (``loop._add_reader`` replaces a file descriptor's reader; the
    transport's ``close()`` removes whichever is registered) with one that reads up to
    :data:`READ_BATCH` datagrams, gives RTP/RTCP (RFC 7983: first byte 128..191) to
    ``data_received`` and the rest (STUN, DTLS) to ``stun`` with their address, as aioice
    does. Only for asyncio's selector datagram transport; anything else (a TURN relay, the
    proactor loop) keeps its reader and 0 is returned.

    recvmmsg(2) through ctypes was measured against this loop of ``recvfrom`` calls: no
    faster per datagram at batches of 3 and 8 (1.96 / 1.39 us against 1.54 / 1.40 us) and
    slower for a single one (4.2 against 2.7 us), so the plain loop is what runs everywhere.
    """
    if not isinstance(transport, _SelectorDatagramTransport) or transport.is_closing():
        return 0
    loop: Any = transport._loop
    sock = transport._sock
    fd = transport._sock_fd
    if not isinstance(loop, _selector_events.BaseSelectorEventLoop):
        return 0
    recvfrom = sock.recvfrom
    error_received = transport._protocol.error_received

    def read_ready() -> None:
        if transport.is_closing():
            return
        for _ in range(READ_BATCH):
            try:
                data, addr = recvfrom(_MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                error_received(exc)
                return
            if data and 127 < data[0] < 192:
                data_received(data, component)
            else:
                stun(data, addr)

    loop._add_reader(fd, read_ready)
    return 1


def lean_receiver(dtls: RTCDtlsTransport) -> LeanReceiver:
    """The transport's :class:`LeanReceiver`, installed on first use."""
    lean: LeanReceiver | None = getattr(dtls, _LEAN, None)
    if lean is None:
        lean = LeanReceiver(dtls)
        setattr(dtls, _LEAN, lean)
    return lean


def header_extension_ids(extensions: HeaderExtensionsMap) -> Any:
    """The negotiated ids of a map (aiortc's ``HeaderExtensions``: ``.mid`` etc.)."""
    return getattr(extensions, _EXTENSION_IDS)


def lean_packets(receiver: RTCRtpReceiver) -> int:
    """Packets the lean path of ``receiver``'s transport handled (0 if it has none)."""
    lean: LeanReceiver | None = getattr(receiver.transport, _LEAN, None)
    return 0 if lean is None else lean.packets


# ------------------------------------------------------------------ RTCP reports, bundled
_SENDER_RTCP_EVENTS = ("_RTCRtpSender__rtcp_started", "_RTCRtpSender__rtcp_exited")
_RECEIVER_RTCP_EVENTS = ("_RTCRtpReceiver__rtcp_started", "_RTCRtpReceiver__rtcp_exited")
_SENDER_LSR = ("_RTCRtpSender__lsr", "_RTCRtpSender__lsr_time")
_SENDER_CNAME = "_RTCRtpSender__cname"
_RECEIVER_LSR = ("_RTCRtpReceiver__lsr", "_RTCRtpReceiver__lsr_time")
_RUN_RTCP = "_run_rtcp"
_BUNDLED = "_interview_rtcp_bundled"
#: SDES item type of a CNAME (RFC 3550 section 6.5.1).
_SDES_CNAME = 1


def _report_interval() -> float:
    """RFC 3550's randomised interval around aiortc's 1 s: uniform over 0.5..1.5 s."""
    return 0.5 + random.random()


class RtcpReports:
    """A peer connection's RTCP reports as one compound packet per transport and interval.

    aiortc runs a report loop per sender (SR + SDES) and per receiver (RR), each waking on
    its own random timer and sending its own SRTCP packet: four wake-ups, four SRTCP
    protects and four datagrams per second for an audio + video peer, whose fixed cost was
    about half of an idle forwarded call's CPU. RFC 8108 (section 5.3) lets the reports of
    several SSRCs of one endpoint share a compound packet, as RFC 3550 intends compound
    packets to be used. :meth:`adopt` replaces the instance's ``_run_rtcp`` (looked up on
    the instance when aiortc starts it) with one that only joins this bundle and, when
    cancelled on stop, leaves it (a sender still says BYE, as aiortc's does); one loop
    then sends, every 0.5..1.5 s, the senders' SRs, the receivers' RRs (the same report
    blocks aiortc computes, from the same statistics) and one SDES with every CNAME.
    """

    def __init__(self, interval: Callable[[], float] = _report_interval) -> None:
        self._interval = interval
        self._senders: list[RTCRtpSender] = []
        self._receivers: list[RTCRtpReceiver] = []
        self._task: asyncio.Task[None] | None = None
        self.sent = 0  # compound packets handed to a transport

    def adopt(self, member: RTCRtpSender | RTCRtpReceiver) -> None:
        """Send ``member``'s reports with this bundle (before aiortc starts it)."""
        if getattr(member, _BUNDLED, False):
            return
        setattr(member, _BUNDLED, True)
        if isinstance(member, RTCRtpSender):
            setattr(member, _RUN_RTCP, lambda: self._membership(member, self._senders))
        else:
            setattr(member, _RUN_RTCP, lambda: self._membership(member, self._receivers))

    async def _membership(self, member: Any, members: list[Any]) -> None:
        events = _SENDER_RTCP_EVENTS if isinstance(member, RTCRtpSender) else _RECEIVER_RTCP_EVENTS
        started: asyncio.Event = getattr(member, events[0])
        exited: asyncio.Event = getattr(member, events[1])
        started.set()
        members.append(member)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())
        try:
            await asyncio.get_running_loop().create_future()  # until stop() cancels us
        except asyncio.CancelledError:
            pass
        finally:
            members.remove(member)
            if not self._senders and not self._receivers and self._task is not None:
                # forget the loop now: a cancelled task is not done until it has run again,
                # and a member joining before that must start a loop of its own
                self._task.cancel()
                self._task = None
        if isinstance(member, RTCRtpSender):
            await getattr(member, _SEND_RTCP)([RtcpByePacket(sources=[member._ssrc])])
        exited.set()

    async def _run(self) -> None:
        while self._senders or self._receivers:
            await asyncio.sleep(self._interval())
            try:
                await self.send_now()
            except Exception:
                logger.exception("RTCP reports failed")

    async def send_now(self) -> None:
        """Send the current reports: one compound packet per transport."""
        now = time.time()
        compounds: dict[int, tuple[RTCDtlsTransport, list[Any], list[RtcpSourceInfo]]] = {}

        def compound(transport: RTCDtlsTransport) -> tuple[list[Any], list[RtcpSourceInfo]]:
            entry = compounds.setdefault(id(transport), (transport, [], []))
            return entry[1], entry[2]

        for sender in self._senders:
            ntp: int = getattr(sender, _SENDER_REPORT[0])
            packets, chunks = compound(sender.transport)
            packets.append(
                RtcpSrPacket(
                    ssrc=sender._ssrc,
                    sender_info=RtcpSenderInfo(
                        ntp_timestamp=ntp,
                        rtp_timestamp=getattr(sender, _SENDER_REPORT[1]),
                        packet_count=getattr(sender, _SENDER_REPORT[2]) & 0xFFFFFFFF,
                        octet_count=getattr(sender, _SENDER_REPORT[3]) & 0xFFFFFFFF,
                    ),
                )
            )
            # what the far end's receiver reports will echo (the sender's RTT estimate)
            setattr(sender, _SENDER_LSR[0], (ntp >> 16) & 0xFFFFFFFF)
            setattr(sender, _SENDER_LSR[1], now)
            cname: str | None = getattr(sender, _SENDER_CNAME)
            if cname is not None:
                chunks.append(
                    RtcpSourceInfo(ssrc=sender._ssrc, items=[(_SDES_CNAME, cname.encode())])
                )
        for receiver in self._receivers:
            rtcp_ssrc: int | None = getattr(receiver, _RECEIVER_RTCP_SSRC)
            streams: dict[int, StreamStatistics] = getattr(receiver, _RECEIVER_STREAMS)
            if rtcp_ssrc is None or not streams:
                continue
            lsrs: dict[int, int] = getattr(receiver, _RECEIVER_LSR[0])
            lsr_times: dict[int, float] = getattr(receiver, _RECEIVER_LSR[1])
            reports = []
            for ssrc, stream in streams.items():
                if stream.max_seq is None:
                    continue
                lsr = dlsr = 0
                if ssrc in lsrs:
                    lsr = lsrs[ssrc]
                    delay = now - lsr_times[ssrc]
                    if 0 < delay < 65536:
                        dlsr = int(delay * 65536)
                reports.append(
                    RtcpReceiverInfo(
                        ssrc=ssrc,
                        fraction_lost=stream.fraction_lost,
                        packets_lost=stream.packets_lost,
                        # RFC 3550 6.4.1: the *extended* highest sequence number (aiortc's
                        # own reports leave the cycle count out)
                        highest_sequence=(stream.cycles + stream.max_seq) & 0xFFFFFFFF,
                        jitter=stream.jitter,
                        lsr=lsr,
                        dlsr=dlsr,
                    )
                )
            if not reports:
                continue
            packets, _chunks = compound(receiver.transport)
            packets.append(RtcpRrPacket(ssrc=rtcp_ssrc, reports=reports))
        for transport, packets, chunks in compounds.values():
            if not packets:
                continue
            # RFC 3550 section 6.1: reports first (SRs, then RRs), then SDES
            packets.sort(key=lambda p: 0 if isinstance(p, RtcpSrPacket) else 1)
            if chunks:
                packets.append(RtcpSdesPacket(chunks=chunks))
            try:
                await transport._send_rtp(b"".join(bytes(p) for p in packets))
            except ConnectionError:
                continue  # not connected yet, or gone: as aiortc's loops
            self.sent += 1

    async def close(self) -> None:
        """Stop the loop (members leave on their own when aiortc stops them)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def _check_rtcp_report_internals(receiver: RTCRtpReceiver) -> list[str]:
    """What :class:`RtcpReports` needs of aiortc's senders and receivers."""
    problems: list[str] = []
    sender_init = inspect.getsource(RTCRtpSender.__init__)
    for name in (*_SENDER_RTCP_EVENTS, *_SENDER_LSR, _SENDER_CNAME):
        if "self." + name.replace("_RTCRtpSender", "") not in sender_init:
            problems.append(f"RTCRtpSender.{name} is gone (bundled RTCP reports)")
    for name in (*_RECEIVER_RTCP_EVENTS, *_RECEIVER_LSR, _RECEIVER_RTCP_SSRC):
        if not hasattr(receiver, name):
            problems.append(f"RTCRtpReceiver.{name} is gone (bundled RTCP reports)")
    for cls, method in ((RTCRtpSender, "send"), (RTCRtpReceiver, "receive")):
        if "self._run_rtcp()" not in inspect.getsource(getattr(cls, method)):
            problems.append(f"{cls.__name__}.{method} no longer starts self._run_rtcp()")
    send_rtcp = getattr(RTCRtpSender, _SEND_RTCP, None)
    if send_rtcp is None or list(inspect.signature(send_rtcp).parameters) != ["self", "packets"]:
        problems.append(f"RTCRtpSender.{_SEND_RTCP}(self, packets) missing or changed (BYE)")
    return problems
