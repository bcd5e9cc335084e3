"""Building the configured meeting provider from :class:`~signaling.settings.Settings`."""

from __future__ import annotations

import aiohttp

from signaling.providers.zoom import ZoomMeetingProvider
from signaling.settings import Settings


def zoom_provider_from_settings(
    settings: Settings, *, session: aiohttp.ClientSession | None = None
) -> ZoomMeetingProvider | None:
    """The Zoom provider, or ``None`` when Zoom is not configured (the feature is off and
    the UI hides the button). The caller closes it with ``aclose()`` on app cleanup."""
    if not settings.zoom_enabled:
        return None
    return ZoomMeetingProvider(
        settings.zoom_account_id,
        settings.zoom_client_id,
        settings.zoom_client_secret,
        api_base=settings.zoom_api_base,
        oauth_url=settings.zoom_oauth_url,
        session=session,
    )
