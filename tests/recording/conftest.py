"""Encoded test media, made once per session: VP8 with white flashes, Opus with beeps."""

from __future__ import annotations

import pytest

from tests.recording.clips import Clip, h264_clip, opus_beep_clip, vp8_flash_clip


@pytest.fixture(scope="session")
def clip() -> Clip:
    """3 s of 320x240 VP8 at 30 fps and 3 s of 20 ms Opus packets, flash/beep at 1 s and 2 s."""
    return vp8_flash_clip(3.0), opus_beep_clip(3.0)


@pytest.fixture(scope="session")
def h264() -> list[tuple[bytes, bool]]:
    """2 s of 320x240 H264 access units."""
    return h264_clip(2.0)
