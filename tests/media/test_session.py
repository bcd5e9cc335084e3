"""MediaSession with real aiortc client peers over loopback."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import av
import pytest

from media.codecs import MediaKind, is_keyframe
from media.metrics import render_prometheus
from media.session import MediaSession
from signaling.errors import MediaError
from tests.media.conftest import ClientPeer, Clips, Recorder, SessionFactory, connect

pytestmark = pytest.mark.slow

Clients = Callable[..., ClientPeer]


async def test_media_flows_both_ways_without_transcoding(
    make_session: SessionFactory, clients: Clients, clips: Clips, recorder: Recorder
) -> None:
    session = make_session()
    alice, bob = clients("alice"), clients("bob")
    await connect(session, "alice", alice)
    await connect(session, "bob", bob)

    for client in (alice, bob):
        await client.wait_frames("video", 20)
        await client.wait_frames("audio", 20)

    # Every frame that arrives is byte-for-byte one the other side sent: nothing was
    # decoded or re-encoded on the way (a transcoder would produce different bitstreams).
    sent_video, sent_audio = set(clips.video), set(clips.audio)
    for client in (alice, bob):
        assert all(frame in sent_video for frame in client.received["video"])
        assert all(frame in sent_audio for frame in client.received["audio"])
        # The subscriber's video starts at a keyframe.
        assert is_keyframe("VP8", client.received["video"][0])

    for pid in ("alice", "bob"):
        await recorder.wait_for(pid, "connected")
        await recorder.wait_for(pid, "media_started")

    stats = await session.refresh_stats()
    video_in = stats["alice"].stream("video", "inbound")
    video_out = stats["bob"].stream("video", "outbound")
    assert video_in is not None and video_out is not None
    assert video_in.codec == "VP8" and video_out.codec == "VP8"
    assert video_in.frames > 0 and video_in.bytes > 0 and video_in.packets > 0
    assert video_out.frames > 0 and video_out.packets > 0
    assert stats["alice"].stream("audio", "inbound") is not None

    text = render_prometheus([session], session.node_counters)
    assert 'interview_media_packets_forwarded_total{kind="video"}' in text
    assert "interview_media_peers_active 2" in text


async def test_sink_gets_every_forwarded_frame_with_timing(
    make_session: SessionFactory, clients: Clients, clips: Clips
) -> None:
    got: list[tuple[str, MediaKind, av.Packet[Any]]] = []

    class Sink:
        def on_packet(self, participant_id: str, kind: MediaKind, packet: av.Packet[Any]) -> None:
            got.append((participant_id, kind, packet))

    session = make_session()
    session.add_sink(Sink())
    alice, bob = clients("alice"), clients("bob")
    await connect(session, "alice", alice)
    await connect(session, "bob", bob)
    await bob.wait_frames("video", 10)

    video = [p for pid, kind, p in got if pid == "alice" and kind == "video"]
    assert len(video) >= 10
    assert all(bytes(p) in set(clips.video) for p in video)
    assert video[0].time_base.denominator == 90000
    pts = [p.pts or 0 for p in video]
    assert pts == sorted(pts)
    audio = [p for pid, kind, p in got if kind == "audio"]
    assert audio and audio[0].time_base.denominator == 48000


async def test_subscriber_pli_is_relayed_to_the_publisher(
    make_session: SessionFactory, clients: Clients
) -> None:
    from media import aiortc_tap

    session = make_session()
    alice, bob = clients("alice"), clients("bob")
    await connect(session, "alice", alice)
    await connect(session, "bob", bob)
    await bob.wait_frames("video", 10)
    before_relay = session.keyframe_requests["pli"]
    before = alice.keyframe_requests

    receiver = bob.transceivers["video"].receiver
    [source] = receiver.getSynchronizationSources()
    await aiortc_tap.request_keyframe(receiver, source.source)

    for _ in range(100):
        if alice.keyframe_requests > before:
            break
        await asyncio.sleep(0.05)
    assert session.keyframe_requests["pli"] == before_relay + 1
    assert alice.keyframe_requests > before, "bob's PLI never reached alice"


async def test_late_joiner_triggers_a_keyframe_request(
    make_session: SessionFactory, clients: Clients
) -> None:
    session = make_session()
    alice = clients("alice")
    await connect(session, "alice", alice)
    await asyncio.sleep(0.5)
    bob = clients("bob")
    await connect(session, "bob", bob)
    await bob.wait_frames("video", 5)
    assert session.keyframe_requests["late_join"] >= 1
    assert alice.keyframe_requests >= 1


async def test_second_offer_replaces_the_participants_peer(
    make_session: SessionFactory, clients: Clients, recorder: Recorder
) -> None:
    session = make_session()
    alice, bob = clients("alice"), clients("bob")
    await connect(session, "alice", alice)
    await connect(session, "bob", bob)
    await bob.wait_frames("video", 5)

    bob_tab2 = clients("bob-tab2")
    await connect(session, "bob", bob_tab2)
    await bob_tab2.wait_frames("video", 10)
    await alice.wait_frames("video", len(alice.received["video"]) + 10)
    assert session.participants() == ["alice", "bob"]
    assert "disconnected" not in recorder.kinds("bob")  # the replaced peer is not "lost"


async def test_peer_that_vanishes_is_reported_disconnected(
    make_session: SessionFactory, clients: Clients, recorder: Recorder
) -> None:
    session = make_session()
    alice, bob = clients("alice"), clients("bob")
    await connect(session, "alice", alice)
    await connect(session, "bob", bob)
    await recorder.wait_for("bob", "media_started")
    await bob.close()
    event = await recorder.wait_for("bob", "disconnected")
    assert event.detail
    assert "disconnected" not in recorder.kinds("alice")


async def test_peer_that_stops_sending_media_times_out(
    make_session: SessionFactory, clients: Clients, recorder: Recorder
) -> None:
    session = make_session(media_timeout=1.0)
    alice = clients("alice", limit=10)  # sends 10 frames, then stays silent but connected
    await connect(session, "alice", alice)
    await recorder.wait_for("alice", "media_started")
    event = await recorder.wait_for("alice", "disconnected")
    assert "no media" in event.detail
    assert recorder.kinds("alice")[-2:] == ["media_stopped", "disconnected"]


async def test_held_session_forwards_nothing(
    make_session: SessionFactory, clients: Clients
) -> None:
    session = make_session()
    session.set_forwarding(False)
    alice, bob = clients("alice"), clients("bob")
    await connect(session, "alice", alice)
    await connect(session, "bob", bob)
    while session.frames_held["video"] < 15:  # noqa: ASYNC110 - counter owned by the session
        await asyncio.sleep(0.05)
    assert bob.received["video"] == [] and alice.received["audio"] == []
    session.set_forwarding(True)
    await bob.wait_frames("video", 5)


@pytest.mark.parametrize(
    "bad",
    ["", "hello", "v=0\r\nm=audio", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"],
)
async def test_malformed_sdp_raises_media_error(make_session: SessionFactory, bad: str) -> None:
    session = make_session()
    with pytest.raises(MediaError):
        await session.negotiate("alice", bad)


async def test_session_still_works_after_bad_sdp_and_candidate(
    make_session: SessionFactory, clients: Clients
) -> None:
    session = make_session()
    alice, bob = clients("alice"), clients("bob")
    await alice.pc.setLocalDescription(await alice.pc.createOffer())
    offer = alice.pc.localDescription.sdp
    # A valid-looking offer with its DTLS fingerprint removed, then one cut short.
    no_fingerprint = "\r\n".join(line for line in offer.split("\r\n") if "fingerprint" not in line)
    for bad in (no_fingerprint, offer[: len(offer) // 3]):
        with pytest.raises(MediaError):
            await session.negotiate("alice", bad)
    with pytest.raises(MediaError):
        await session.add_candidate("alice", "candidate:1 1 udp 1 1.2.3.4 9 typ host", "0", 0)

    await connect(session, "alice", alice)
    for bad_candidate in ("candidate:garbage", "candidate:1 1 udp x 1.2.3.4 99999 typ host"):
        with pytest.raises(MediaError):
            await session.add_candidate("alice", bad_candidate, "0", 0)
    with pytest.raises(MediaError):
        await session.add_candidate("alice", "candidate:1 1 udp 1 1.2.3.4 9 typ host", None, None)
    await session.add_candidate("alice", "", "0", 0)  # end-of-candidates is fine

    await connect(session, "bob", bob)
    await bob.wait_frames("video", 5)
    await alice.wait_frames("audio", 5)


async def test_closed_session_refuses_offers(
    make_session: SessionFactory, clients: Clients
) -> None:
    session: MediaSession = make_session()
    await session.close()
    alice = clients("alice")
    await alice.pc.setLocalDescription(await alice.pc.createOffer())
    with pytest.raises(MediaError):
        await session.negotiate("alice", alice.pc.localDescription.sdp)


def _nal_units(access_unit: bytes) -> list[bytes]:
    """NAL units of an Annex-B access unit, without start codes (their length may differ)."""
    parts = access_unit.split(b"\x00\x00\x01")
    # A NAL unit never ends in 0x00 (RBSP trailing bits), so zeros are start-code bytes.
    return [nal.strip(b"\x00") for nal in parts if nal.strip(b"\x00")]


async def test_h264_is_forwarded_when_both_sides_negotiate_it(
    make_session: SessionFactory, clients: Clients, clips: Clips
) -> None:
    session = make_session()
    alice, bob = clients("alice", video_codec="H264"), clients("bob", video_codec="H264")
    await connect(session, "alice", alice)
    await connect(session, "bob", bob)
    await bob.wait_frames("video", 10)
    sent = {nal for frame in clips.h264 for nal in _nal_units(frame)}
    for frame in bob.received["video"]:
        assert set(_nal_units(frame)) <= sent
    assert is_keyframe("H264", bob.received["video"][0])
    stats = session.stats()
    video_out = stats["bob"].stream("video", "outbound")
    assert video_out is not None and video_out.codec == "H264"


async def test_a_leg_without_the_call_video_codec_is_refused(
    make_session: SessionFactory, clients: Clients
) -> None:
    session = make_session()
    alice, bob = clients("alice", video_codec="H264"), clients("bob", video_codec="VP8")
    await connect(session, "alice", alice)
    with pytest.raises(MediaError) as caught:
        await connect(session, "bob", bob)
    assert caught.value.code == "no_common_codec"
