"""INTERVIEW_RECORDING_KEYFRAME_RETRY_SECONDS: a documented default, bad values named."""

from __future__ import annotations

import pytest

from signaling.errors import ConfigError
from signaling.settings import Settings


def test_default_keyframe_retry() -> None:
    settings = Settings.from_env({"INTERVIEW_DEV_MODE": "1"})
    assert settings.recording_keyframe_retry_seconds == 0.5


@pytest.mark.parametrize("value", ["0", "-1", "0.01", "11", "nan", "soon"])
def test_bad_keyframe_retry_is_refused_by_name(value: str) -> None:
    with pytest.raises(ConfigError, match="INTERVIEW_RECORDING_KEYFRAME_RETRY_SECONDS"):
        Settings.from_env(
            {"INTERVIEW_DEV_MODE": "1", "INTERVIEW_RECORDING_KEYFRAME_RETRY_SECONDS": value}
        )
