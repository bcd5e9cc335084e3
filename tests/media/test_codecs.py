"""Codec policy and keyframe detection."""

from __future__ import annotations

import pytest

from media.codecs import choose_video_codec, codec_preferences, is_keyframe, parse_offer
from signaling.errors import MediaError
from tests.media.conftest import Clips


def test_vp8_keyframes_are_detected(clips: Clips) -> None:
    flags = [is_keyframe("VP8", frame) for frame in clips.video]
    assert flags[0] and flags[15]
    assert sum(flags) == 2


def test_a_vp8_frame_without_its_start_is_no_keyframe(clips: Clips) -> None:
    """A keyframe missing its first packets (aiortc's jitter buffer can start or resume
    mid-frame) is not a place to start decoding, even when its first byte looks like a key
    frame tag: a recording started on one held a frame the decoder refused."""
    key = clips.video[0]
    cut = next(k for k in range(1, len(key)) if key[k] & 0x01 == 0)
    assert is_keyframe("VP8", key)
    assert not is_keyframe("VP8", key[cut:])
    assert not is_keyframe("VP8", key[:3])  # a tag with nothing after it


def test_h264_idr_and_sps_are_keyframes() -> None:
    sps, idr, slice_ = b"\x00\x00\x00\x01\x67", b"\x00\x00\x00\x01\x65", b"\x00\x00\x01\x41"
    assert is_keyframe("H264", sps + b"\x00" + idr)
    assert not is_keyframe("H264", slice_ + b"\x00")
    assert not is_keyframe("VP8", b"")


def test_video_codec_prefers_vp8_and_then_sticks() -> None:
    assert choose_video_codec(("H264", "VP8"), None) == "VP8"
    assert choose_video_codec(("H264",), None) == "H264"
    assert choose_video_codec(("VP8", "H264"), "H264") == "H264"
    with pytest.raises(MediaError, match="H264"):
        choose_video_codec(("VP8",), "H264")
    with pytest.raises(MediaError):
        choose_video_codec(("AV1",), None)


def test_preferences_restrict_to_one_codec_plus_rtx() -> None:
    names = [c.name for c in codec_preferences("video", "VP8")]
    assert names == ["VP8", "rtx"]
    assert [c.name for c in codec_preferences("audio", "opus")] == ["opus"]


@pytest.mark.parametrize("bad", ["", "   ", "x=1", "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"])
def test_bad_offers(bad: str) -> None:
    with pytest.raises(MediaError):
        parse_offer(bad)
