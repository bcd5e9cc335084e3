"""PacketTrack: keyframe gating, bounded queue, packets handed to aiortc's sender."""

from __future__ import annotations

import asyncio

from media.forwarding import MAX_QUEUED, EncodedFrame, PacketTrack
from media.session import MediaSession


def frame(i: int, key: bool = False) -> EncodedFrame:
    return EncodedFrame(data=bytes([i % 256]) * 10, pts=i * 3000, keyframe=key)


async def test_video_waits_for_a_keyframe_and_asks_for_one() -> None:
    asked: list[str] = []
    track = PacketTrack("video", asked.append)
    track.push(frame(0))
    assert asked == ["late_join"] and track.dropped == 1
    track.push(frame(1, key=True))
    track.push(frame(2))
    first = await track.recv()
    assert bytes(first) == frame(1).data and first.pts == 3000 and first.is_keyframe
    assert first.time_base.denominator == 90000
    assert bytes(await track.recv()) == frame(2).data


async def test_video_overflow_restarts_at_a_keyframe() -> None:
    asked: list[str] = []
    track = PacketTrack("video", asked.append)
    track.push(frame(0, key=True))
    for i in range(1, MAX_QUEUED["video"] + 1):
        track.push(frame(i))
    assert asked == ["overflow"] and track.waiting_keyframe
    track.push(frame(99, key=True))
    assert bytes(await track.recv()) == frame(99).data


async def test_audio_drops_oldest_and_recv_waits() -> None:
    track = PacketTrack("audio", lambda _: None)
    pending = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0)
    assert not pending.done()
    track.push(frame(1, key=True))
    assert bytes(await pending) == frame(1).data
    for i in range(MAX_QUEUED["audio"] + 3):
        track.push(frame(i, key=True))
    assert track.dropped == 3
    track.stop()


def test_forwarder_setting_defaults_to_rtp_and_names_bad_values() -> None:
    import pytest

    from signaling.errors import ConfigError
    from signaling.settings import Settings

    assert Settings.from_env({"INTERVIEW_DEV_MODE": "1"}).media_forwarder == "rtp"
    frame = {"INTERVIEW_DEV_MODE": "1", "INTERVIEW_MEDIA_FORWARDER": "frame"}
    assert Settings.from_env(frame).media_forwarder == "frame"
    with pytest.raises(ConfigError, match="INTERVIEW_MEDIA_FORWARDER"):
        Settings.from_env({"INTERVIEW_DEV_MODE": "1", "INTERVIEW_MEDIA_FORWARDER": "sfu"})


def test_app_media_sessions_use_the_configured_forwarder() -> None:
    from signaling.app import media_session_factory
    from signaling.settings import Settings

    for forwarder in ("frame", "rtp"):
        env = {"INTERVIEW_DEV_MODE": "1", "INTERVIEW_MEDIA_FORWARDER": forwarder}
        session = media_session_factory(Settings.from_env(env))("call-1", lambda _event: None)
        # No peer yet: nothing to close.
        assert isinstance(session, MediaSession) and session.forwarder == forwarder
