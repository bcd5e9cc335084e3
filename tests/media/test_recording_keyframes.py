"""A recording that starts mid-call gets video at once: the recorder asks for keyframes.

Real aiortc peers whose video encoder, like a browser's, makes a keyframe only at start and
when asked (PLI). The recording is attached after the call has run for a while, through the
production recorder factory, and the file is reopened and decoded with PyAV.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import av
import pytest
from aiortc import RTCPeerConnection
from aiortc.mediastreams import MediaStreamTrack

from media import aiortc_tap
from media.codecs import MediaKind
from media.session import MediaSession
from media.testing import ClipTrack, LiveVideoTrack
from recording.service import make_recorder_factory
from signaling.domain.calls import Call, CallKind
from tests.media.conftest import ClientPeer, Clips, SessionFactory, connect

pytestmark = pytest.mark.slow


def live_client(
    name: str, clips: Clips, *, lose_first_keyframe: bool = False
) -> tuple[ClientPeer, LiveVideoTrack]:
    """A browser stand-in: live-encoded VP8 (keyframes on request only) and Opus."""
    pc = RTCPeerConnection()
    video = LiveVideoTrack(lose_first_keyframe=lose_first_keyframe)
    audio = ClipTrack("audio", clips.audio)
    client = ClientPeer(name=name, pc=pc, tracks={"audio": audio})
    pairs: tuple[tuple[MediaKind, MediaStreamTrack], ...] = (("audio", audio), ("video", video))
    for kind, track in pairs:
        sender = pc.addTrack(track)
        transceiver = next(t for t in pc.getTransceivers() if t.sender is sender)
        client.transceivers[kind] = transceiver
        received = client.received[kind]

        def collect(_codec: Any, data: bytes, _ts: int, into: list[bytes] = received) -> None:
            into.append(data)

        aiortc_tap.install_frame_tap(transceiver.receiver, collect)
    aiortc_tap.intercept_keyframe_requests(
        client.transceivers["video"].sender, video.request_keyframe
    )
    return client, video


async def wait_until(condition: Any, what: str, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def decoded_video(path: Path) -> dict[str, list[float]]:
    """Per participant, the times (s) of every decoded video frame of the file."""
    with av.open(str(path)) as container:
        count = len(container.streams.video)
    out: dict[str, list[float]] = {}
    for n in range(count):
        with av.open(str(path)) as container:  # one pass per track, from the first byte
            stream = container.streams.video[n]
            times: list[float] = []
            for frame in container.decode(stream):
                assert frame.pts is not None and frame.time_base is not None
                times.append(float(frame.pts * frame.time_base))
            out[stream.metadata.get("title", "").rpartition(" ")[0]] = times
    return out


async def record_segment(
    session: MediaSession, tracks: dict[str, LiveVideoTrack], tmp_path: Path
) -> dict[str, Any]:
    """Start a recording now, through the production factory; stop after 2 s of media."""
    call, _ = Call.start(
        call_id="00000000-0000-4000-8000-000000000001",
        thread_id="thread-1",
        kind=CallKind.VIDEO,
        initiator_id="alice",
        callee_id="bob",
        now=datetime.now(UTC),
    )
    before = {who: t.keyframe_requests for who, t in tracks.items()}
    attached = await make_recorder_factory(tmp_path)(call, session)
    assert attached is not None
    sent = {who: t.sent for who, t in tracks.items()}
    await wait_until(
        lambda: all(t.sent >= sent[who] + 60 for who, t in tracks.items()), "2 s of video"
    )
    record = await attached.stop()
    record["asked"] = {who: t.keyframe_requests - before[who] for who, t in tracks.items()}
    return record


def check_video(record: dict[str, Any]) -> None:
    video = {t["participant_id"]: t for t in record["tracks"] if t["kind"] == "video"}
    assert set(video) == {"alice", "bob"}
    for who, track in video.items():
        assert track["packets"] >= 30, (who, track)
    # Reopened with PyAV: both video tracks decode from within a second of the start.
    frames = decoded_video(Path(record["path"]))
    assert set(frames) == {"alice", "bob"}
    for who, times in frames.items():
        assert len(times) >= 30, (who, len(times))
        assert times[0] <= 1.0, (who, times[0])


async def test_recording_started_mid_call_asks_for_keyframes_and_has_video_at_once(
    make_session: SessionFactory, clips: Clips, tmp_path: Path
) -> None:
    session: MediaSession = make_session()
    alice, alice_video = live_client("alice", clips)
    bob, bob_video = live_client("bob", clips)
    tracks = {"alice": alice_video, "bob": bob_video}
    try:
        await connect(session, "alice", alice)
        await connect(session, "bob", bob)
        # The call runs: each side decodes the other (its start keyframe and late-join PLIs).
        await alice.wait_frames("video", 45, within=30)
        await bob.wait_frames("video", 45, within=30)
        # Later, both consent and the recording starts mid-stream, between keyframes.
        await asyncio.sleep(0.5)
        first = await record_segment(session, tracks, tmp_path / "1")
        # Consent withdrawn and given again: a second segment, again mid-stream.
        await asyncio.sleep(0.5)
        second = await record_segment(session, tracks, tmp_path / "2")
    finally:
        await alice.close()
        await bob.close()
    check_video(first)
    check_video(second)
    for record in (first, second):
        # Each sender was asked for a keyframe once the recording started.
        assert all(record["asked"].values()), record["asked"]
        for track in record["tracks"]:
            if track["kind"] == "video":
                assert track["keyframe_requests"] >= 1, track


async def test_a_reconnected_party_reaches_the_recording_from_a_keyframe_asked_for(
    make_session: SessionFactory, clips: Clips
) -> None:
    """A track attached mid-recording (a reconnect's new peer) whose first keyframe was lost:
    the sinks get it from a keyframe on, and the session asks the new peer for one."""
    got: list[tuple[str, bool]] = []

    class Sink:
        def on_packet(self, participant_id: str, kind: MediaKind, packet: av.Packet[Any]) -> None:
            if kind == "video":
                got.append((participant_id, bool(packet.is_keyframe)))

    session: MediaSession = make_session()
    alice, _ = live_client("alice", clips)
    bob, _ = live_client("bob", clips)
    bob2, bob2_video = live_client("bob-tab2", clips, lose_first_keyframe=True)
    try:
        await connect(session, "alice", alice)
        await connect(session, "bob", bob)
        await alice.wait_frames("video", 30, within=30)
        session.add_sink(Sink())
        assert session.request_keyframe("bob")  # what the recorder does when it starts
        await wait_until(lambda: ("bob", True) in got, "bob's video in the sink")
        await connect(session, "bob", bob2)  # the old peer is retired at once
        reconnected = len(got)
        await wait_until(
            lambda: sum(1 for who, _ in got[reconnected:] if who == "bob") >= 15,
            "bob's new stream in the sink",
        )
    finally:
        for client in (alice, bob, bob2):
            await client.close()
    new_stream = [key for who, key in got[reconnected:] if who == "bob"]
    assert new_stream[0], "the new stream reached the sink with a delta it cannot decode"
    assert bob2_video.keyframe_requests >= 1
    assert session.keyframe_requests["sink_start"] >= 1
