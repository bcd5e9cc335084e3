"""The server-side peers of one call, forwarding encoded media between them.

Each participant holds one RTCPeerConnection to the server. Every encoded frame a
participant sends is reassembled by aiortc (jitter buffer, NACK, RTX), handed to us by the
frame tap in :mod:`media.aiortc_tap` instead of a decoder, and pushed to the other
participants' :class:`~media.forwarding.PacketTrack` s, which aiortc re-packetizes without
encoding. Nothing is decoded or re-encoded, so a call costs a few percent of a core.

With ``forwarder="rtp"`` (``INTERVIEW_MEDIA_FORWARDER=rtp``) frames are not reassembled at
all: each decrypted RTP packet goes from the publisher's receiver straight to the other
participants' :class:`~media.forwarding.RtpOutStream` s, which rewrite SSRC, sequence number,
timestamp, payload type and mid and re-encrypt it. NACKs are answered from the forwarded
history or relayed to the publisher, PLI/FIR relayed as in frame mode. Only while a sink
(the recorder) is attached does aiortc's frame path run as well, to give it frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, cast

import av
from aiortc import (
    RTCConfiguration,
    RTCIceCandidate,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpReceiver,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import HeaderExtensionsMap, RtpPacket
from aiortc.sdp import candidate_from_sdp

from media import aiortc_tap
from media.codecs import (
    MediaKind,
    ParsedOffer,
    choose_video_codec,
    codec_preferences,
    is_keyframe,
    parse_offer,
    require_audio_codec,
)
from media.counters import MediaCounters
from media.forwarding import (
    CLOCK_RATES,
    EncodedFrame,
    PacketTrack,
    RtpOutStream,
    rtp_header_length,
    rtp_payload_size,
)
from media.stats import ParticipantStats, StreamStats
from signaling.errors import MediaError
from signaling.ice import IceAddressPolicy, candidate_address

logger = logging.getLogger(__name__)

MediaEventKind = Literal["connected", "media_started", "media_stopped", "disconnected", "failed"]
MAX_CANDIDATE_BYTES = 1024
Forwarder = Literal["frame", "rtp"]
FORWARDERS: tuple[Forwarder, ...] = ("frame", "rtp")


@dataclass(frozen=True)
class MediaEvent:
    """Something the media layer observed about a participant."""

    kind: MediaEventKind
    participant_id: str
    at: float  # time.monotonic() when observed
    detail: str = ""


class PacketSink(Protocol):
    """A consumer of every forwarded encoded frame (the recording tap).

    ``on_packet`` runs on the event loop for each frame and must not block: enqueue and
    return. Each call gets its own ``av.Packet``; ``pts`` is on the session timeline
    (0 = session creation) in ``time_base`` 1/48000 for audio and 1/90000 for video, so the
    streams of all participants line up.
    """

    def on_packet(self, participant_id: str, kind: MediaKind, packet: av.Packet[Any]) -> None: ...


IceServerLike = RTCIceServer | Mapping[str, Any]


@dataclass
class _Inbound:
    """A stream a participant publishes to the server."""

    kind: MediaKind
    codec: str
    receiver: RTCRtpReceiver
    pts_base: int | None = None
    ssrc: int | None = None  # rtp forwarder: the publisher's media SSRC
    mid: str | None = None  # the m-line's mid (what the publisher's packets carry)
    sinks_started: bool = False  # video: sinks get this stream from its first keyframe on
    frames: int = 0
    bytes: int = 0
    first_at: float | None = None
    last_at: float | None = None


@dataclass
class _Outbound:
    """A stream the server forwards to a participant."""

    kind: MediaKind
    codec: str
    track: PacketTrack | RtpOutStream
    first_at: float | None = None


@dataclass
class _Peer:
    """One RTCPeerConnection of a participant (a reconnect or second tab makes a new one)."""

    participant_id: str
    pc: RTCPeerConnection
    created_at: float
    inbound: dict[MediaKind, _Inbound] = field(default_factory=dict)
    outbound: dict[MediaKind, _Outbound] = field(default_factory=dict)
    connection_state: str = "new"
    connected_at: float | None = None
    media_started_at: float | None = None
    last_media_at: float | None = None
    retired: bool = False  # replaced by a newer peer or closed by us: its events are ignored
    lost: bool = False  # reported disconnected/failed
    last_keyframe_request: float = -1e9
    keyframe_pending: bool = False
    rtcp: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    reports: aiortc_tap.RtcpReports | None = None  # bundled RTCP reports, when on


@dataclass(frozen=True)
class DeferredCandidate:
    """An offer's candidate added after the answer: ``text`` (``candidate:`` stripped) for
    its m-section ``mid``; an empty ``text`` stands for ``a=end-of-candidates``."""

    text: str
    mid: str | None


def is_mdns_name(host: str) -> bool:
    """Whether an ICE candidate address is an mDNS name (a browser hiding its address)."""
    return host.strip().lower().endswith(".local")


def defer_mdns_candidates(sdp: str) -> tuple[str, list[DeferredCandidate]]:
    """``sdp`` without its mDNS-named candidates, and those candidates to add later.

    With any of them taken out, each m-section's ``a=end-of-candidates`` is taken out too and
    added after them (aiortc takes no candidate after the end marker).
    """
    if ".local " not in sdp.lower():
        return sdp, []
    kept: list[str] = []
    deferred: list[DeferredCandidate] = []
    ends: list[DeferredCandidate] = []
    mid: str | None = None
    for line in sdp.splitlines(keepends=True):
        text = line.strip()
        if text.startswith("m="):
            mid = None
        elif text.startswith("a=mid:"):
            mid = text[len("a=mid:") :]
        elif text.startswith("a=candidate:"):
            address = candidate_address(text)
            if address is not None and is_mdns_name(address):
                deferred.append(DeferredCandidate(text[len("a=candidate:") :], mid))
                continue
        elif text == "a=end-of-candidates":
            ends.append(DeferredCandidate("", mid))
            continue
        kept.append(line)
    if not deferred:
        return sdp, []
    return "".join(kept), deferred + ends[:1]


class MediaSession:
    """All server-side peers of one call."""

    def __init__(
        self,
        call_id: str,
        *,
        ice_servers: Sequence[IceServerLike] = (),
        ice_policy: IceAddressPolicy | None = None,
        on_event: Callable[[MediaEvent], None] | None = None,
        media_timeout: float = 10.0,
        connect_timeout: float = 30.0,
        keyframe_min_interval: float = 0.25,
        stats_interval: float = 2.0,
        counters: MediaCounters | None = None,
        forwarder: Forwarder = "frame",
        lean_receive: bool = True,
        bundle_rtcp: bool = True,
    ) -> None:
        if media_timeout <= 0 or connect_timeout <= 0:
            raise ValueError("timeouts must be positive")
        if forwarder not in FORWARDERS:
            raise ValueError(f"forwarder must be one of {FORWARDERS}")
        self.forwarder: Forwarder = forwarder
        # rtp forwarder: known streams bypass aiortc's receive path (aiortc_tap.LeanReceiver)
        self.lean_receive = lean_receive
        # one compound RTCP report per peer and interval (aiortc_tap.RtcpReports), not four
        self.bundle_rtcp = bundle_rtcp
        self.call_id = call_id
        self._ice_servers = [_ice_server(s) for s in ice_servers]
        # Remote candidates the peers may send ICE checks to; default: global unicast only.
        self._ice_policy = ice_policy if ice_policy is not None else IceAddressPolicy()
        self._on_event = on_event
        self._media_timeout = media_timeout
        self._connect_timeout = connect_timeout
        self._keyframe_min_interval = keyframe_min_interval
        self._stats_interval = stats_interval
        self._epoch = time.monotonic()
        self._peers: dict[str, _Peer] = {}
        self._history: dict[str, list[_Peer]] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._sinks: list[PacketSink] = []
        self._forwarding = True
        self._closed = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self._watchdog: asyncio.Task[None] | None = None
        self.frames_forwarded: Counter[str] = Counter()
        self.bytes_forwarded: Counter[str] = Counter()
        self.frames_held: Counter[str] = Counter()
        self.keyframe_requests: Counter[str] = Counter()
        # the node's totals (Prometheus counters), fed alongside this call's own counters
        self.node_counters = counters if counters is not None else MediaCounters()
        self.node_counters.sessions += 1

    # ------------------------------------------------------------------ public API
    async def negotiate(self, participant_id: str, offer_sdp: str) -> str:
        """Answer ``offer_sdp`` with a new server peer for ``participant_id``.

        A later offer from the same participant (second tab, reconnect, ICE restart)
        replaces that participant's peer: aiortc has no ICE restart, so the browser should
        use a fresh RTCPeerConnection for it. Bad SDP raises :class:`MediaError` and leaves
        the session as it was.
        """
        if self._closed:
            raise MediaError("the call's media session is closed", code="media_closed")
        parsed = parse_offer(offer_sdp)
        offer_sdp, dropped = self._ice_policy.filter_sdp(offer_sdp)
        # aiortc resolves an mDNS name inside setRemoteDescription and waits up to 1 s for
        # each one that does not resolve: the answer must not wait for that.
        offer_sdp, deferred = defer_mdns_candidates(offer_sdp)
        if dropped:
            logger.info(
                "dropped offered ICE candidates call_id=%s participant=%s addresses=%s",
                self.call_id,
                participant_id,
                dropped,
            )
        lock = self._locks.setdefault(participant_id, asyncio.Lock())
        async with lock:
            plan = self._plan(participant_id, parsed)
            # Exactly the configured servers: an empty list must stay empty (aiortc turns
            # None into a public STUN default, and every answer would wait for its lookup).
            pc = RTCPeerConnection(RTCConfiguration(iceServers=list(self._ice_servers)))
            peer = _Peer(participant_id=participant_id, pc=pc, created_at=time.monotonic())
            try:
                answer_sdp = await self._answer(peer, parsed, plan, offer_sdp)
            except MediaError:
                await _close_quietly(pc)
                raise
            except Exception as exc:
                await _close_quietly(pc)
                raise MediaError(
                    f"the SDP offer could not be negotiated: {exc}", code="bad_sdp"
                ) from exc
            if self.closed:
                await _close_quietly(pc)
                raise MediaError("the call's media session is closed", code="media_closed")
            old = self._peers.get(participant_id)
            self._peers[participant_id] = peer
            self._history.setdefault(participant_id, []).append(peer)
            if old is not None:
                old.retired = True
                self._spawn(self._close_peer(old))
            if deferred:
                self._spawn(self._add_deferred(peer, deferred))
            self._ensure_watchdog()
            logger.info(
                "media peer negotiated call_id=%s participant=%s plan=%s",
                self.call_id,
                participant_id,
                plan,
            )
            return answer_sdp

    async def add_candidate(
        self,
        participant_id: str,
        candidate: str,
        sdp_mid: str | None,
        sdp_mline_index: int | None,
    ) -> None:
        """Add a trickled ICE candidate; an empty candidate means end-of-candidates."""
        peer = self._peers.get(participant_id)
        if peer is None or self._closed:
            raise MediaError(
                "no media peer for this participant: send an offer first", code="no_peer"
            )
        text = (candidate or "").strip()
        if not text:
            await peer.pc.addIceCandidate(None)
            return
        if len(text.encode()) > MAX_CANDIDATE_BYTES:
            raise MediaError("the ICE candidate is too long", code="bad_candidate")
        if sdp_mid is None and sdp_mline_index is None:
            raise MediaError(
                "the ICE candidate needs sdpMid or sdpMLineIndex", code="bad_candidate"
            )
        if text.startswith("a="):
            text = text[2:]
        if text.startswith("candidate:"):
            text = text[len("candidate:") :]
        try:
            parsed = candidate_from_sdp(text)
            if not 0 < parsed.port < 65536:
                raise ValueError(f"port {parsed.port} out of range")
            parsed.sdpMid = sdp_mid
            parsed.sdpMLineIndex = sdp_mline_index
        except Exception as exc:
            raise MediaError(f"malformed ICE candidate: {exc!r}", code="bad_candidate") from exc
        if is_mdns_name(parsed.ip) and self._ice_policy.allows(parsed.ip):
            # Resolved in the background: the ack (and the browser's next candidate) must not
            # wait up to 1 s for a name that may never resolve.
            self._spawn(self._add_resolving(peer, parsed))
            return
        if not self._ice_policy.allows(parsed.ip):
            # Dropped, not refused: a browser trickles its LAN addresses as a matter of course.
            logger.debug(
                "dropped trickled ICE candidate call_id=%s participant=%s address=%s",
                self.call_id,
                participant_id,
                parsed.ip,
            )
            return
        try:
            await peer.pc.addIceCandidate(parsed)
        except Exception as exc:
            raise MediaError(f"the ICE candidate was refused: {exc}", code="bad_candidate") from exc

    def set_forwarding(self, enabled: bool) -> None:
        """Hold (``False``) or resume forwarding; while held nothing is forwarded or tapped."""
        if enabled and not self._forwarding:
            # Subscribers missed frames: restart their video at a keyframe.
            for peer in self._peers.values():
                for stream in peer.outbound.values():
                    if isinstance(stream.track, RtpOutStream):
                        stream.track.restart()  # continue without a sequence gap
                video = peer.outbound.get("video")
                if video is not None:
                    video.track.waiting_keyframe = True
                    if isinstance(video.track, RtpOutStream):
                        self._subscriber_needs_keyframe(peer, "resume")
        self._forwarding = enabled

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def packets_forwarded(self) -> int:
        """RTP packets the rtp forwarder sent to the current peers (0 with ``frame``)."""
        return sum(
            out.track.packets_out
            for peer in self._peers.values()
            for out in peer.outbound.values()
            if isinstance(out.track, RtpOutStream)
        )

    @property
    def forwarding(self) -> bool:
        """Whether media is being forwarded."""
        return self._forwarding

    def add_sink(self, sink: PacketSink) -> None:
        """Give ``sink`` every forwarded encoded frame from now on.

        A sink that joins mid-stream cannot decode deltas: it asks for keyframes itself with
        :meth:`request_keyframe` (the recorder does, until each video track has one).
        """
        self._sinks.append(sink)

    def request_keyframe(self, participant_id: str, reason: str = "recording") -> bool:
        """Ask ``participant_id``'s current peer for a keyframe (an RTCP PLI).

        Requests are coalesced per publisher (at most one per ``keyframe_min_interval``), so
        a caller may ask as often as it likes while it waits. Returns False when the
        participant has no peer publishing video (nothing to ask).
        """
        peer = self._peers.get(participant_id)
        if self._closed or peer is None or peer.retired or "video" not in peer.inbound:
            return False
        self._request_keyframe(peer, reason)
        return True

    def remove_sink(self, sink: PacketSink) -> None:
        """Stop giving frames to ``sink``."""
        with contextlib.suppress(ValueError):
            self._sinks.remove(sink)

    def participants(self) -> list[str]:
        """Participants that currently have a peer."""
        return list(self._peers)

    def active_peers(self) -> int:
        """Peers whose connection is up."""
        return sum(1 for p in self._peers.values() if p.connection_state == "connected")

    def stats(self) -> dict[str, ParticipantStats]:
        """Per participant and direction: codec, packets, bytes, loss, jitter, RTT, times.

        Counters add up every peer the participant had in this call; RTCP figures are
        those of the latest peer, refreshed every ``stats_interval`` and on close.
        """
        return {pid: self._participant_stats(pid, peers) for pid, peers in self._history.items()}

    async def refresh_stats(self) -> dict[str, ParticipantStats]:
        """Poll aiortc's RTCP-derived figures now, then return :meth:`stats`."""
        await asyncio.gather(*(self._poll_rtcp(p) for p in self._peers.values()))
        return self.stats()

    async def close(self) -> None:
        """Close every peer; idempotent. Emits no events."""
        if self._closed:
            return
        self._closed = True
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.refresh_stats(), timeout=2.0)
        peers = list(self._peers.values())
        for peer in peers:
            peer.retired = True
        await asyncio.gather(*(self._close_peer(p) for p in peers))
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        logger.info("media session closed call_id=%s", self.call_id)

    # ------------------------------------------------------------------ negotiation
    def _plan(self, participant_id: str, parsed: ParsedOffer) -> dict[str, tuple[MediaKind, str]]:
        """Codec per m-line (by mid) for this participant's offer."""
        in_use: str | None = None
        for pid, peer in self._peers.items():
            if pid != participant_id and "video" in peer.inbound:
                in_use = peer.inbound["video"].codec
        plan: dict[str, tuple[MediaKind, str]] = {}
        for m in parsed.media:
            if m.kind == "audio":
                plan[m.mid] = ("audio", require_audio_codec(m.codecs))
            else:
                plan[m.mid] = ("video", choose_video_codec(m.codecs, in_use))
        return plan

    async def _answer(
        self,
        peer: _Peer,
        parsed: ParsedOffer,
        plan: dict[str, tuple[MediaKind, str]],
        offer_sdp: str,
    ) -> str:
        pc = peer.pc
        # Transceivers made before setRemoteDescription are matched to the offer's m-lines
        # in order, and their codec preferences restrict the answer to the planned codec.
        for m in parsed.media:
            kind, codec = plan[m.mid]
            transceiver = pc.addTransceiver(kind, direction="sendrecv")
            transceiver.setCodecPreferences(codec_preferences(kind, codec))
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        if self.bundle_rtcp:
            peer.reports = aiortc_tap.RtcpReports()
        for transceiver in pc.getTransceivers():
            if peer.reports is not None:
                peer.reports.adopt(transceiver.sender)
                peer.reports.adopt(transceiver.receiver)
            self._wire(peer, transceiver, plan)
        pc.on("connectionstatechange", lambda: self._on_connection_state(peer))
        answer = await pc.createAnswer()
        await pc.setLocalDescription(answer)
        return str(pc.localDescription.sdp)

    def _wire(
        self,
        peer: _Peer,
        transceiver: RTCRtpTransceiver,
        plan: dict[str, tuple[MediaKind, str]],
    ) -> None:
        """Tap the receiver and attach a forwarding track to the sender of one m-line."""
        kind = cast(MediaKind, transceiver.kind)
        entry = plan.get(transceiver.mid or "")
        if entry is None or kind in peer.inbound:
            # An extra m-line (e.g. a second video): tap it so nothing is ever decoded,
            # but do not forward it.
            aiortc_tap.install_frame_tap(transceiver.receiver, lambda *_: None)
            return
        codec = entry[1]
        inbound = _Inbound(
            kind=kind, codec=codec, receiver=transceiver.receiver, mid=transceiver.mid
        )
        peer.inbound[kind] = inbound

        def on_frame(_codec: RTCRtpCodecParameters, data: bytes, timestamp: int) -> None:
            self._on_frame(peer, inbound, data, timestamp)

        aiortc_tap.install_frame_tap(transceiver.receiver, on_frame)
        if kind == "video":
            # Frames come out of aiortc's jitter buffer whole or not at all; after one it
            # could not complete, deltas wait for a keyframe, which is asked for.
            aiortc_tap.install_frame_check(
                transceiver.receiver, codec, lambda: self._request_keyframe(peer, "frame_lost")
            )
        if self.forwarder == "rtp":
            self._wire_rtp(peer, inbound, transceiver)
            return
        track = PacketTrack(kind, lambda reason: self._subscriber_needs_keyframe(peer, reason))
        transceiver.sender.replaceTrack(track)
        peer.outbound[kind] = _Outbound(kind=kind, codec=codec, track=track)
        if kind == "video":
            aiortc_tap.intercept_keyframe_requests(
                transceiver.sender, lambda: self._subscriber_needs_keyframe(peer, "pli")
            )

    def _wire_rtp(self, peer: _Peer, inbound: _Inbound, transceiver: RTCRtpTransceiver) -> None:
        """Packet tap on the receiver, an :class:`RtpOutStream` on the sender."""
        kind = inbound.kind
        sender = transceiver.sender

        async def on_packet(_codec: RTCRtpCodecParameters, packet: RtpPacket) -> None:
            await self._on_rtp(peer, inbound, packet)

        def on_data(data: bytes, extensions: HeaderExtensionsMap) -> None:
            self._on_rtp_data(peer, inbound, data, extensions)

        aiortc_tap.install_packet_tap(
            transceiver.receiver,
            on_packet,
            lambda: bool(self._sinks) and self._forwarding,
            on_data=on_data if self.lean_receive else None,
            # The lean path forwards only; holds, recordings and retired peers take aiortc's.
            lean=lambda: self._forwarding and not self._sinks and not peer.retired,
        )
        payload_type = aiortc_tap.negotiated_payload_type(transceiver)
        if payload_type is None:  # pragma: no cover - the plan always negotiates a codec
            raise MediaError("no codec negotiated", code="bad_sdp")

        def report(ntp: int, timestamp: int, packets: int, octets: int) -> None:
            aiortc_tap.set_sender_report(sender, ntp, timestamp, packets, octets)

        stream = RtpOutStream(
            kind,
            aiortc_tap.RtpOutput(sender),
            codec=inbound.codec,
            on_need_keyframe=lambda reason: self._subscriber_needs_keyframe(peer, reason),
            ssrc=aiortc_tap.sender_ssrc(sender),
            payload_type=payload_type,
            mid=transceiver.mid,
            report=report,
        )
        sender.replaceTrack(stream)
        peer.outbound[kind] = _Outbound(kind=kind, codec=inbound.codec, track=stream)

        async def on_nack(lost: list[int]) -> None:
            await self._on_nack(peer, kind, stream, lost)

        async def on_remb(bitrate: int) -> None:
            stream.remb = bitrate
            await self._relay_remb(peer, kind)

        aiortc_tap.intercept_feedback(sender, on_nack, on_remb)
        if kind == "video":
            aiortc_tap.intercept_keyframe_requests(
                sender, lambda: self._subscriber_needs_keyframe(peer, "pli")
            )

    # ------------------------------------------------------------------ hot path
    async def _on_rtp(self, peer: _Peer, inbound: _Inbound, packet: RtpPacket) -> None:
        """One RTP packet from ``peer`` (rtp forwarder; runs on the loop, must stay cheap)."""
        if peer.retired:
            return
        now = time.monotonic()
        kind = inbound.kind
        inbound.ssrc = packet.ssrc
        if inbound.first_at is None:
            inbound.first_at = now
        frame_end = bool(packet.marker) or kind == "audio"
        size = len(packet.payload)
        self._received(peer, inbound, size, frame_end, now)
        if not self._forwarding:
            self.frames_held[kind] += 1
            return
        if peer.media_started_at is None:
            peer.media_started_at = now
            self._emit("media_started", peer.participant_id, kind)
        for other in list(self._peers.values()):
            if other is peer:
                continue
            out = other.outbound.get(kind)
            if out is None or out.codec != inbound.codec:
                continue
            stream = out.track
            if not isinstance(stream, RtpOutStream):
                continue
            if out.first_at is None:
                out.first_at = now
            await stream.forward(inbound, packet)
            self._forwarded(kind, size, frame_end)

    def _received(
        self, peer: _Peer, inbound: _Inbound, size: int, frame_end: bool, now: float
    ) -> None:
        """A publisher's packet arrived (either receive path): counters and liveness."""
        if frame_end:
            inbound.frames += 1
        inbound.bytes += size
        inbound.last_at = now
        peer.last_media_at = now
        if peer.lost and peer.connection_state == "connected":
            peer.lost = False
            self._emit("media_started", peer.participant_id, "media resumed")

    def _forwarded(self, kind: MediaKind, size: int, frame_end: bool) -> None:
        """One packet went to one subscriber (either receive path): the forwarding counters."""
        self.bytes_forwarded[kind] += size
        self.node_counters.bytes_forwarded[kind] += size
        if frame_end:
            self.frames_forwarded[kind] += 1
            self.node_counters.frames_forwarded[kind] += 1

    def _on_rtp_data(
        self, peer: _Peer, inbound: _Inbound, data: bytes, extensions: HeaderExtensionsMap
    ) -> None:
        """:meth:`_on_rtp` on the lean path: one decrypted packet as bytes, forwarded now.

        Runs in aioice's datagram callback only while forwarding, with no sinks, from a
        peer that is not retired (see ``lean=`` in :meth:`_wire_rtp`).
        """
        now = time.monotonic()
        kind = inbound.kind
        frame_end = bool(data[1] & 0x80) or kind == "audio"
        header_length = rtp_header_length(data)
        size = rtp_payload_size(data, header_length)
        self._received(peer, inbound, size, frame_end, now)
        if peer.media_started_at is None:
            # The first packets came while the session was held (aiortc's path counted them)
            peer.media_started_at = now
            self._emit("media_started", peer.participant_id, kind)
        for other in self._peers.values():
            if other is peer:
                continue
            out = other.outbound.get(kind)
            if out is None or out.codec != inbound.codec:
                continue
            stream = out.track
            if not isinstance(stream, RtpOutStream):
                continue
            if out.first_at is None:
                out.first_at = now
            stream.forward_data(inbound, data, header_length, extensions, inbound.mid)
            self._forwarded(kind, size, frame_end)

    async def _on_nack(
        self, subscriber: _Peer, kind: MediaKind, stream: RtpOutStream, lost: list[int]
    ) -> None:
        """Resend what ``stream`` still holds; ask the publisher for the rest."""
        missing = await stream.retransmit(lost)
        if not missing or subscriber.retired:
            return
        for publisher in list(self._peers.values()):  # the loop awaits: peers may change
            inbound = publisher.inbound.get(kind)
            if publisher is subscriber or inbound is None or inbound.ssrc is None:
                continue
            upstream = sorted({stream.upstream_sequence(seq) for seq in missing})
            await aiortc_tap.request_retransmission(inbound.receiver, inbound.ssrc, upstream)

    async def _relay_remb(self, subscriber: _Peer, kind: MediaKind) -> None:
        """Give each other publisher the lowest bitrate estimate of its subscribers."""
        peers = list(self._peers.values())  # the loop awaits: peers may change
        for publisher in peers:
            inbound = publisher.inbound.get(kind)
            if publisher is subscriber or inbound is None or inbound.ssrc is None:
                continue
            estimates = [
                out.track.remb
                for other in peers
                if other is not publisher
                and (out := other.outbound.get(kind)) is not None
                and isinstance(out.track, RtpOutStream)
                and out.track.remb is not None
            ]
            if estimates:
                await aiortc_tap.send_remb(inbound.receiver, min(estimates), inbound.ssrc)

    def _on_frame(self, peer: _Peer, inbound: _Inbound, data: bytes, timestamp: int) -> None:
        """One complete encoded frame from ``peer`` (runs on the loop, must stay cheap)."""
        if peer.retired:
            return
        now = time.monotonic()
        kind = inbound.kind
        clock = CLOCK_RATES[kind]
        if inbound.pts_base is None:
            inbound.pts_base = int((now - self._epoch) * clock) - timestamp
            inbound.first_at = now
        if self.forwarder == "frame":
            inbound.frames += 1
            inbound.bytes += len(data)
            inbound.last_at = now
            peer.last_media_at = now
            if peer.lost and peer.connection_state == "connected":
                peer.lost = False
                self._emit("media_started", peer.participant_id, "media resumed")
        if not self._forwarding:
            self.frames_held[kind] += 1
            return
        if self.forwarder == "rtp":
            # The packets were forwarded already; frames are made only for the sinks.
            self._feed_sinks(peer, inbound, data, inbound.pts_base + timestamp)
            return
        if peer.media_started_at is None:
            peer.media_started_at = now
            self._emit("media_started", peer.participant_id, kind)
        frame = EncodedFrame(
            data=data,
            pts=inbound.pts_base + timestamp,
            keyframe=kind == "audio" or is_keyframe(inbound.codec, data),
        )
        for other in self._peers.values():
            if other is peer:
                continue
            out = other.outbound.get(kind)
            if out is None or out.codec != inbound.codec or isinstance(out.track, RtpOutStream):
                continue
            if out.first_at is None:
                out.first_at = now
            out.track.push(frame)
            self.frames_forwarded[kind] += 1
            self.bytes_forwarded[kind] += len(data)
            self.node_counters.frames_forwarded[kind] += 1
            self.node_counters.bytes_forwarded[kind] += len(data)
        self._feed_sinks(peer, inbound, data, frame.pts, frame.keyframe)

    def _feed_sinks(
        self, peer: _Peer, inbound: _Inbound, data: bytes, pts: int, keyframe: bool | None = None
    ) -> None:
        """Give every sink one encoded frame (video from a keyframe on)."""
        if not self._sinks:
            return
        kind = inbound.kind
        if keyframe is None:
            keyframe = kind == "audio" or is_keyframe(inbound.codec, data)
        if not keyframe and not inbound.sinks_started:
            # A new video stream (first publisher, or a reconnect's new peer) reaches the
            # sinks from a keyframe on, and we ask for one rather than wait for it.
            self._request_keyframe(peer, "sink_start")
            return
        inbound.sinks_started = True
        frame = EncodedFrame(data=data, pts=pts, keyframe=keyframe)
        for sink in self._sinks:
            try:
                sink.on_packet(peer.participant_id, kind, frame.to_packet(kind))
            except Exception:
                logger.exception(
                    "media sink failed call_id=%s participant=%s", self.call_id, peer.participant_id
                )

    # ------------------------------------------------------------------ keyframes
    def _subscriber_needs_keyframe(self, subscriber: _Peer, reason: str) -> None:
        """``subscriber`` lost its picture: ask every other publisher for a keyframe."""
        if subscriber.retired:
            return
        for publisher in self._peers.values():
            if publisher is not subscriber and "video" in publisher.inbound:
                self._request_keyframe(publisher, reason)

    def _request_keyframe(self, publisher: _Peer, reason: str) -> None:
        """Send a PLI to ``publisher``, coalescing requests within the minimum interval."""
        if publisher.keyframe_pending or publisher.retired:
            return
        wait = publisher.last_keyframe_request + self._keyframe_min_interval - time.monotonic()
        publisher.keyframe_pending = True
        self.keyframe_requests[reason] += 1
        self.node_counters.keyframe_requests[reason] += 1
        self._spawn(self._send_pli(publisher, max(0.0, wait)))

    async def _send_pli(self, publisher: _Peer, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
        finally:
            publisher.keyframe_pending = False
        inbound = publisher.inbound.get("video")
        if inbound is None or publisher.retired:
            return
        publisher.last_keyframe_request = time.monotonic()
        if inbound.ssrc is not None:  # rtp forwarder: it knows the publisher's SSRC
            await aiortc_tap.request_keyframe(inbound.receiver, inbound.ssrc)
            return
        for source in inbound.receiver.getSynchronizationSources():
            await aiortc_tap.request_keyframe(inbound.receiver, source.source)

    # ------------------------------------------------------------------ liveness
    def _on_connection_state(self, peer: _Peer) -> None:
        state = str(peer.pc.connectionState)
        peer.connection_state = state
        if peer.retired or self._closed:
            return
        pid = peer.participant_id
        if state == "connected" and peer.connected_at is None:
            peer.connected_at = time.monotonic()
            self._emit("connected", pid)
            # A new subscriber (late join, reconnect) needs a keyframe to start decoding.
            self._subscriber_needs_keyframe(peer, "late_join")
        elif state == "failed" and not peer.lost:
            peer.lost = True
            if peer.connected_at is None:
                self._emit("failed", pid, "ICE/DTLS connection failed")
            else:
                self._emit("disconnected", pid, "connection failed")
        elif state == "closed" and not peer.lost:
            peer.lost = True
            self._emit("disconnected", pid, "connection closed by the peer")

    def _ensure_watchdog(self) -> None:
        if self._watchdog is None or self._watchdog.done():
            self._watchdog = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        """Report peers that never connect or stop sending media; refresh RTCP stats."""
        tick = min(1.0, self._media_timeout / 4, self._connect_timeout / 4)
        last_poll = time.monotonic()
        while True:
            await asyncio.sleep(tick)
            now = time.monotonic()
            for peer in list(self._peers.values()):
                self._check_liveness(peer, now)
            if now - last_poll >= self._stats_interval:
                last_poll = now
                try:
                    await asyncio.gather(*(self._poll_rtcp(p) for p in self._peers.values()))
                except Exception:
                    logger.exception("media stats poll failed call_id=%s", self.call_id)

    def _check_liveness(self, peer: _Peer, now: float) -> None:
        if peer.retired or peer.lost:
            return
        pid = peer.participant_id
        if peer.connected_at is None:
            if now - peer.created_at > self._connect_timeout:
                peer.lost = True
                self._emit("failed", pid, f"not connected within {self._connect_timeout:g}s")
            return
        last = peer.last_media_at or peer.connected_at
        if now - last > self._media_timeout:
            peer.lost = True
            detail = f"no media for {self._media_timeout:g}s"
            if peer.media_started_at is not None:
                self._emit("media_stopped", pid, detail)
            self._emit("disconnected", pid, detail)

    def _emit(self, kind: MediaEventKind, participant_id: str, detail: str = "") -> None:
        logger.info(
            "media event call_id=%s participant=%s kind=%s detail=%s",
            self.call_id,
            participant_id,
            kind,
            detail,
        )
        if self._on_event is None:
            return
        try:
            self._on_event(MediaEvent(kind, participant_id, time.monotonic(), detail))
        except Exception:
            logger.exception("media event handler failed call_id=%s", self.call_id)

    # ------------------------------------------------------------------ stats
    async def _poll_rtcp(self, peer: _Peer) -> None:
        if peer.pc.connectionState in ("closed", "new"):
            return
        report = await peer.pc.getStats()
        rtcp: dict[tuple[str, str], dict[str, Any]] = {}
        for entry in report.values():
            kind = getattr(entry, "kind", None)
            if kind in ("audio", "video"):
                rtcp[(kind, entry.type)] = dict(vars(entry))
        peer.rtcp = rtcp

    def _participant_stats(self, pid: str, peers: list[_Peer]) -> ParticipantStats:
        latest = peers[-1]
        streams: list[StreamStats] = []
        for kind in ("audio", "video"):
            inbound = [p.inbound[kind] for p in peers if kind in p.inbound]
            if inbound:
                streams.append(_inbound_stats(kind, peers, inbound, latest))
            outbound = [p.outbound[kind] for p in peers if kind in p.outbound]
            if outbound:
                streams.append(_outbound_stats(kind, peers, outbound, latest))
        return ParticipantStats(
            participant_id=pid,
            connection_state=latest.connection_state,
            connected_at=_first(p.connected_at for p in peers),
            media_started_at=_first(p.media_started_at for p in peers),
            last_media_at=_last(p.last_media_at for p in peers),
            streams=tuple(streams),
        )

    # ------------------------------------------------------------------ plumbing
    async def _add_deferred(self, peer: _Peer, deferred: list[DeferredCandidate]) -> None:
        """Add the offer's mDNS candidates (resolved concurrently), then its end marker."""
        candidates = [c for c in deferred if c.text]
        parsed: list[RTCIceCandidate] = []
        for item in candidates:
            try:
                candidate = candidate_from_sdp(item.text)
            except Exception:  # the offer's parser took it; aiortc's may not: skip it
                continue
            candidate.sdpMid = item.mid
            parsed.append(candidate)
        await asyncio.gather(*(self._add_resolving(peer, c) for c in parsed))
        if any(not c.text for c in deferred) and not peer.retired:
            await peer.pc.addIceCandidate(None)

    async def _add_resolving(self, peer: _Peer, candidate: RTCIceCandidate) -> None:
        """Add a candidate whose address is an mDNS name; one that does not resolve is
        skipped (ICE still finds the browser by its checks: a peer-reflexive candidate)."""
        if peer.retired or self._closed:
            return
        try:
            await peer.pc.addIceCandidate(candidate)
        except Exception as exc:
            logger.debug(
                "mDNS candidate not added call_id=%s participant=%s: %s",
                self.call_id,
                peer.participant_id,
                exc,
            )

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("media task failed call_id=%s", self.call_id, exc_info=task.exception())

    async def _close_peer(self, peer: _Peer) -> None:
        for out in peer.outbound.values():
            out.track.stop()
        await _close_quietly(peer.pc)
        if peer.reports is not None:
            await peer.reports.close()


def _ice_server(server: IceServerLike) -> RTCIceServer:
    if isinstance(server, RTCIceServer):
        return server
    return RTCIceServer(
        urls=server["urls"],
        username=server.get("username"),
        credential=server.get("credential"),
    )


async def _close_quietly(pc: RTCPeerConnection) -> None:
    try:
        await pc.close()
    except Exception:
        logger.exception("closing a peer connection failed")


def _first(values: Any) -> float | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _last(values: Any) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _ms(value: Any, scale: float) -> float | None:
    return None if value is None else round(float(value) * scale, 3)


def _inbound_stats(
    kind: MediaKind, peers: list[_Peer], streams: list[_Inbound], latest: _Peer
) -> StreamStats:
    rtcp_in = [p.rtcp.get((kind, "inbound-rtp"), {}) for p in peers]
    remote = latest.rtcp.get((kind, "remote-inbound-rtp"), {})
    last_in = latest.rtcp.get((kind, "inbound-rtp"), {})
    return StreamStats(
        kind=kind,
        direction="inbound",
        codec=streams[-1].codec,
        packets=sum(int(r.get("packetsReceived") or 0) for r in rtcp_in),
        frames=sum(s.frames for s in streams),
        bytes=sum(s.bytes for s in streams),
        packets_lost=sum(max(0, int(r.get("packetsLost") or 0)) for r in rtcp_in),
        jitter_ms=_ms(last_in.get("jitter"), 1000 / CLOCK_RATES[kind]),
        rtt_ms=_ms(remote.get("roundTripTime"), 1000),
        first_media_at=_first(s.first_at for s in streams),
        last_media_at=_last(s.last_at for s in streams),
    )


def _outbound_stats(
    kind: MediaKind, peers: list[_Peer], streams: list[_Outbound], latest: _Peer
) -> StreamStats:
    rtcp_out = [p.rtcp.get((kind, "outbound-rtp"), {}) for p in peers]
    remotes = [p.rtcp.get((kind, "remote-inbound-rtp"), {}) for p in peers]
    remote = latest.rtcp.get((kind, "remote-inbound-rtp"), {})
    fraction = remote.get("fractionLost")
    return StreamStats(
        kind=kind,
        direction="outbound",
        codec=streams[-1].codec,
        packets=sum(int(r.get("packetsSent") or 0) for r in rtcp_out),
        frames=sum(s.track.frames_out for s in streams),
        bytes=sum(s.track.bytes_out for s in streams),
        packets_lost=sum(max(0, int(r.get("packetsLost") or 0)) for r in remotes),
        fraction_lost=None if fraction is None else round(float(fraction) / 256, 4),
        jitter_ms=_ms(remote.get("jitter"), 1000 / CLOCK_RATES[kind]),
        rtt_ms=_ms(remote.get("roundTripTime"), 1000),
        first_media_at=_first(s.first_at for s in streams),
        last_media_at=_last(s.track.last_out_at for s in streams),
    )
