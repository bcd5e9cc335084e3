"""The provider factory: off without credentials, pointed at the configured URLs otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

from signaling.providers.factory import zoom_provider_from_settings
from signaling.settings import Settings
from tests.fakes.zoom_server import FakeZoom


def test_no_credentials_means_no_provider() -> None:
    assert zoom_provider_from_settings(Settings.from_env({})) is None


async def test_configured_provider_talks_to_the_configured_zoom(fake_zoom: FakeZoom) -> None:
    settings = Settings.from_env(
        {
            "INTERVIEW_ZOOM_ACCOUNT_ID": fake_zoom.account_id,
            "INTERVIEW_ZOOM_CLIENT_ID": fake_zoom.client_id,
            "INTERVIEW_ZOOM_CLIENT_SECRET": fake_zoom.client_secret,
            "INTERVIEW_ZOOM_API_BASE": fake_zoom.api_base,
            "INTERVIEW_ZOOM_OAUTH_URL": fake_zoom.oauth_url,
        }
    )
    provider = zoom_provider_from_settings(settings)
    assert provider is not None
    try:
        meeting = await provider.create_meeting(
            "Interview", datetime(2030, 1, 1, tzinfo=UTC), 30, "UTC"
        )
    finally:
        await provider.aclose()
    assert int(meeting.meeting_id) in fake_zoom.meetings
