"""Real aiortc client peers over loopback that talk to a MediaSession."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiortc import RTCPeerConnection, RTCRtpTransceiver, RTCSessionDescription
from blockbuster import BlockBuster

from media import aiortc_tap
from media.codecs import MediaKind, codec_preferences
from media.session import MediaEvent, MediaSession
from media.testing import ClipTrack, encode_h264_clip, encode_opus_clip, encode_vp8_clip
from signaling.ice import EVERYWHERE, IceAddressPolicy


@pytest.fixture(autouse=True)
def _aiortc_joins_its_decoder_thread(blockbuster: BlockBuster | None) -> None:
    """aiortc joins a receiver's (idle, with our tap) decoder thread on stop; allow that."""
    if blockbuster is None:
        return
    for function in blockbuster.functions.values():
        function.can_block_in("aiortc/rtcrtpreceiver.py", {"__stop_decoder"})


@dataclass(frozen=True)
class Clips:
    video: list[bytes]
    audio: list[bytes]
    h264: list[bytes]


@pytest.fixture(scope="session")
def clips() -> Clips:
    """A small pre-encoded VP8 clip (keyframe every 15 frames) and Opus clip."""
    return Clips(
        video=encode_vp8_clip(30, gop=15), audio=encode_opus_clip(50), h264=encode_h264_clip(30)
    )


@dataclass
class ClientPeer:
    """A browser stand-in: sends pre-encoded clips, records the encoded frames it receives."""

    name: str
    pc: RTCPeerConnection
    tracks: dict[MediaKind, ClipTrack]
    received: dict[MediaKind, list[bytes]] = field(
        default_factory=lambda: {"audio": [], "video": []}
    )
    keyframe_requests: int = 0
    transceivers: dict[MediaKind, RTCRtpTransceiver] = field(default_factory=dict)

    async def wait_frames(self, kind: MediaKind, count: int, within: float = 15.0) -> None:
        deadline = time.monotonic() + within
        while len(self.received[kind]) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.name} got {len(self.received[kind])} {kind} frames, expected {count}"
                )
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        await self.pc.close()


def _collector(sink: list[bytes]) -> Callable[[Any, bytes, int], None]:
    def collect(_codec: Any, data: bytes, _timestamp: int) -> None:
        sink.append(data)

    return collect


def make_client(
    name: str,
    clips: Clips,
    *,
    kinds: tuple[MediaKind, ...] = ("audio", "video"),
    limit: int | None = None,
    video_codec: str = "VP8",
) -> ClientPeer:
    """A client offering only ``video_codec`` for video, and sending a clip in it."""
    pc = RTCPeerConnection()
    tracks: dict[MediaKind, ClipTrack] = {}
    client = ClientPeer(name=name, pc=pc, tracks=tracks)
    for kind in kinds:
        video = clips.h264 if video_codec == "H264" else clips.video
        payloads = video if kind == "video" else clips.audio
        track = ClipTrack(kind, payloads, limit=limit)
        tracks[kind] = track
        sender = pc.addTrack(track)
        transceiver = next(t for t in pc.getTransceivers() if t.sender is sender)
        client.transceivers[kind] = transceiver
        if kind == "video":
            transceiver.setCodecPreferences(codec_preferences("video", video_codec))
        aiortc_tap.install_frame_tap(transceiver.receiver, _collector(client.received[kind]))
        if kind == "video":

            def on_request(client: ClientPeer = client) -> None:
                client.keyframe_requests += 1

            aiortc_tap.intercept_keyframe_requests(sender, on_request)
    return client


async def connect(session: MediaSession, participant_id: str, client: ClientPeer) -> None:
    """Offer from the client, answer from the session (candidates are in the SDP)."""
    await client.pc.setLocalDescription(await client.pc.createOffer())
    answer = await session.negotiate(participant_id, client.pc.localDescription.sdp)
    await client.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))


@dataclass
class Recorder:
    events: list[MediaEvent] = field(default_factory=list)

    def __call__(self, event: MediaEvent) -> None:
        self.events.append(event)

    def kinds(self, participant_id: str) -> list[str]:
        return [e.kind for e in self.events if e.participant_id == participant_id]

    async def wait_for(self, participant_id: str, kind: str, within: float = 15.0) -> MediaEvent:
        deadline = time.monotonic() + within
        while True:
            for event in self.events:
                if event.participant_id == participant_id and event.kind == kind:
                    return event
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no {kind!r} event for {participant_id}; got {self.kinds(participant_id)}"
                )
            await asyncio.sleep(0.05)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


SessionFactory = Callable[..., MediaSession]


@pytest.fixture
async def make_session(recorder: Recorder) -> AsyncIterator[SessionFactory]:
    """MediaSessions (closed at teardown) reporting to ``recorder``."""
    sessions: list[MediaSession] = []

    def factory(**kwargs: object) -> MediaSession:
        # The test peers talk over this machine's own (non-global) addresses: allow them.
        kwargs.setdefault("ice_policy", IceAddressPolicy.from_cidrs(EVERYWHERE))
        session = MediaSession("call-test", on_event=recorder, **kwargs)  # type: ignore[arg-type]
        sessions.append(session)
        return session

    yield factory
    for session in sessions:
        await session.close()


@pytest.fixture
async def clients(clips: Clips) -> AsyncIterator[Callable[..., ClientPeer]]:
    """Client peers (closed at teardown)."""
    made: list[ClientPeer] = []

    def factory(name: str, **kwargs: object) -> ClientPeer:
        client = make_client(name, clips, **kwargs)  # type: ignore[arg-type]
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.close()
