"""ZoomMeetingProvider against the local fake Zoom server (real HTTP over loopback)."""

from __future__ import annotations

import asyncio
import base64
import socket
from datetime import UTC, datetime, timedelta, timezone

import pytest

from signaling.errors import ProviderError
from signaling.providers.base import InMemoryMeetingProvider, Meeting, MeetingProvider
from signaling.providers.zoom import ZoomMeetingProvider, parse_retry_after, zoom_time
from tests.fakes.zoom_server import FakeZoom
from tests.providers.conftest import ManualClock, RecordingSleep

START = datetime(2030, 5, 1, 15, 0, tzinfo=UTC)


def test_both_providers_conform_to_the_port() -> None:
    _: MeetingProvider = ZoomMeetingProvider("a", "b", "c")
    __: MeetingProvider = InMemoryMeetingProvider()


def test_zoom_time_is_utc_with_z() -> None:
    local = datetime(2030, 5, 1, 17, 30, tzinfo=timezone(timedelta(hours=2)))
    assert zoom_time(local) == "2030-05-01T15:30:00Z"


async def test_create_scheduled_meeting_speaks_zooms_api(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom
) -> None:
    meeting = await zoom.create_meeting("Interview: Data engineer", START, 45, "Europe/Berlin")

    stored = fake_zoom.meetings[int(meeting.meeting_id)]
    assert meeting == Meeting(
        provider="zoom",
        meeting_id=str(stored["id"]),
        join_url=stored["join_url"],
        start_url=stored["start_url"],
        passcode=stored["password"],
    )
    (token_request,) = fake_zoom.token_requests()
    assert token_request.method == "POST"
    assert token_request.form == {
        "grant_type": "account_credentials",
        "account_id": fake_zoom.account_id,
    }
    basic = base64.b64encode(f"{fake_zoom.client_id}:{fake_zoom.client_secret}".encode())
    assert token_request.headers["Authorization"] == f"Basic {basic.decode()}"

    (create,) = fake_zoom.api_requests("POST")
    assert create.path == "/v2/users/me/meetings"
    assert create.headers["Authorization"].startswith("Bearer fake-token-1-")
    assert create.json["type"] == 2
    assert create.json["start_time"] == "2030-05-01T15:00:00Z"
    assert create.json["duration"] == 45
    assert create.json["timezone"] == "Europe/Berlin"
    assert create.json["topic"] == "Interview: Data engineer"


async def test_instant_meeting_is_type_1_without_start(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom
) -> None:
    await zoom.create_meeting("Quick chat", None, 30, "UTC")
    (create,) = fake_zoom.api_requests("POST")
    assert create.json["type"] == 1
    assert "start_time" not in create.json


async def test_long_topic_is_cut_to_zooms_limit(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom
) -> None:
    await zoom.create_meeting("x" * 500, START, 30, "UTC")
    assert len(fake_zoom.api_requests("POST")[0].json["topic"]) == 200


async def test_token_is_cached_across_requests(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom
) -> None:
    meeting = await zoom.create_meeting("a", START, 30, "UTC")
    await zoom.update_meeting(meeting.meeting_id, duration_minutes=60)
    await zoom.delete_meeting(meeting.meeting_id)
    assert fake_zoom.tokens_issued == 1
    assert len(fake_zoom.api_requests()) == 3


async def test_concurrent_requests_share_one_token_fetch(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom
) -> None:
    meetings = await asyncio.gather(*(zoom.create_meeting("a", START, 30, "UTC") for _ in range(5)))
    assert len({m.meeting_id for m in meetings}) == 5
    assert fake_zoom.tokens_issued == 1


async def test_token_is_refreshed_shortly_before_it_expires(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom, clock: ManualClock
) -> None:
    await zoom.create_meeting("a", START, 30, "UTC")
    clock.now += fake_zoom.expires_in - 120  # still comfortably valid
    await zoom.create_meeting("b", START, 30, "UTC")
    assert fake_zoom.tokens_issued == 1
    clock.now += 90  # inside the refresh margin before expiry
    await zoom.create_meeting("c", START, 30, "UTC")
    assert fake_zoom.tokens_issued == 2
    tokens = [r.headers["Authorization"] for r in fake_zoom.api_requests()]
    assert tokens[0] == tokens[1] != tokens[2]


async def test_401_refreshes_the_token_once_and_retries(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom
) -> None:
    meeting = await zoom.create_meeting("a", START, 30, "UTC")
    fake_zoom.expire_tokens()  # Zoom revoked it early

    await zoom.update_meeting(meeting.meeting_id, topic="renamed")

    assert fake_zoom.tokens_issued == 2
    patches = fake_zoom.api_requests("PATCH")
    assert len(patches) == 2  # the refused one and the retry
    assert patches[0].headers["Authorization"] != patches[1].headers["Authorization"]
    assert fake_zoom.meetings[int(meeting.meeting_id)]["topic"] == "renamed"


async def test_a_second_401_is_a_clear_error_not_a_loop(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom
) -> None:
    fake_zoom.inject(401, {"code": 124, "message": "Invalid access token."}, times=5)
    with pytest.raises(ProviderError) as info:
        await zoom.create_meeting("a", START, 30, "UTC")
    assert info.value.code == "zoom_auth_failed"
    assert info.value.reason == (
        "Zoom rejected our credentials when asked to create the meeting: Invalid access token."
    )
    assert len(fake_zoom.api_requests()) == 2
    assert fake_zoom.tokens_issued == 2


async def test_bad_client_credentials_fail_sign_in_clearly(fake_zoom: FakeZoom) -> None:
    async with ZoomMeetingProvider(
        fake_zoom.account_id,
        fake_zoom.client_id,
        "wrong-secret",
        api_base=fake_zoom.api_base,
        oauth_url=fake_zoom.oauth_url,
    ) as zoom:
        with pytest.raises(ProviderError) as info:
            await zoom.create_meeting("a", START, 30, "UTC")
    assert info.value.code == "zoom_auth_failed"
    assert info.value.reason == "Zoom sign-in failed: Invalid client_id or client_secret"
    assert fake_zoom.api_requests() == []


async def test_wrong_account_id_fails_sign_in(fake_zoom: FakeZoom) -> None:
    async with ZoomMeetingProvider(
        "other-account",
        fake_zoom.client_id,
        fake_zoom.client_secret,
        api_base=fake_zoom.api_base,
        oauth_url=fake_zoom.oauth_url,
    ) as zoom:
        with pytest.raises(ProviderError, match="Invalid account_id"):
            await zoom.create_meeting("a", START, 30, "UTC")


async def test_429_waits_for_retry_after_then_succeeds(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom, sleeps: RecordingSleep
) -> None:
    fake_zoom.rate_limit(times=2, retry_after="2")
    meeting = await zoom.create_meeting("a", START, 30, "UTC")
    assert sleeps.waits == [2.0, 2.0]
    assert len(fake_zoom.api_requests("POST")) == 3
    assert int(meeting.meeting_id) in fake_zoom.meetings


async def test_429_gives_up_after_bounded_attempts(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom, sleeps: RecordingSleep
) -> None:
    fake_zoom.rate_limit(times=10, retry_after="1")
    with pytest.raises(ProviderError) as info:
        await zoom.create_meeting("a", START, 30, "UTC")
    assert info.value.code == "zoom_rate_limited"
    assert info.value.extra["retry_after"] == 1.0
    assert "Zoom is rate limiting us, so it could not create the meeting" in info.value.reason
    assert len(fake_zoom.api_requests()) == 3  # max_retries
    assert sleeps.waits == [1.0, 1.0]


async def test_429_with_a_long_wait_fails_at_once(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom, sleeps: RecordingSleep
) -> None:
    fake_zoom.rate_limit(retry_after="3600")  # Zoom's daily limit
    with pytest.raises(ProviderError) as info:
        await zoom.create_meeting("a", START, 30, "UTC")
    assert info.value.extra["retry_after"] == 3600
    assert sleeps.waits == []
    assert info.value.status == 502


def test_retry_after_parses_seconds_and_http_dates() -> None:
    assert parse_retry_after("3", now=0) == 3.0
    assert parse_retry_after(None, now=0) == 1.0
    assert parse_retry_after("soon", now=0) == 1.0
    now = datetime(2030, 1, 1, tzinfo=UTC).timestamp()
    assert parse_retry_after("Tue, 01 Jan 2030 00:00:05 GMT", now=now) == 5.0
    assert parse_retry_after("Tue, 01 Jan 2030 00:00:05 GMT", now=now + 60) == 0.0


async def test_validation_error_is_surfaced_with_zoom_message(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom
) -> None:
    fake_zoom.inject(
        400,
        {
            "code": 300,
            "message": "Validation Failed.",
            "errors": [{"field": "start_time", "message": "Invalid field."}],
        },
    )
    with pytest.raises(ProviderError) as info:
        await zoom.create_meeting("a", START, 30, "UTC")
    assert info.value.reason == (
        "Zoom refused to create the meeting: Validation Failed. (start_time: Invalid field.)"
    )
    assert info.value.code == "zoom_refused"
    assert info.value.extra["zoom_code"] == 300
    assert info.value.to_ack()["ok"] is False


async def test_5xx_on_create_is_not_retried(zoom: ZoomMeetingProvider, fake_zoom: FakeZoom) -> None:
    """A failed POST may still have created the meeting; retrying could create two."""
    fake_zoom.server_error(times=1)
    with pytest.raises(ProviderError) as info:
        await zoom.create_meeting("a", START, 30, "UTC")
    assert info.value.code == "zoom_unavailable"
    assert info.value.reason == (
        "Zoom failed to create the meeting (HTTP 503): Service temporarily unavailable."
    )
    assert len(fake_zoom.api_requests()) == 1


async def test_5xx_on_update_is_retried_with_backoff(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom, sleeps: RecordingSleep
) -> None:
    meeting = await zoom.create_meeting("a", START, 30, "UTC")
    fake_zoom.server_error(times=2)
    await zoom.update_meeting(meeting.meeting_id, duration_minutes=90)
    assert fake_zoom.meetings[int(meeting.meeting_id)]["duration"] == 90
    assert sleeps.waits == [0.5, 1.0]


async def test_non_json_error_body_still_gives_a_reason(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom
) -> None:
    fake_zoom.inject(502, None)
    with pytest.raises(ProviderError, match=r"\(HTTP 502\): HTTP 502"):
        await zoom.create_meeting("a", START, 30, "UTC")


async def test_answer_without_join_link_is_a_provider_error(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom
) -> None:
    fake_zoom.inject(201, {"id": 1})
    with pytest.raises(ProviderError) as info:
        await zoom.create_meeting("a", START, 30, "UTC")
    assert info.value.code == "zoom_bad_response"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


async def test_unreachable_zoom_is_a_provider_error() -> None:
    base = f"http://127.0.0.1:{_closed_port()}"
    async with ZoomMeetingProvider(
        "a", "b", "c", api_base=f"{base}/v2", oauth_url=f"{base}/oauth/token"
    ) as zoom:
        with pytest.raises(ProviderError) as info:
            await zoom.create_meeting("a", START, 30, "UTC")
    assert info.value.code == "zoom_unreachable"
    assert info.value.reason == "Zoom could not be reached to sign in"


async def test_slow_zoom_times_out_as_a_provider_error(fake_zoom: FakeZoom) -> None:
    async with ZoomMeetingProvider(
        fake_zoom.account_id,
        fake_zoom.client_id,
        fake_zoom.client_secret,
        api_base=fake_zoom.api_base,
        oauth_url=fake_zoom.oauth_url,
        request_timeout=0.2,
    ) as zoom:
        await zoom.create_meeting("warm the token", START, 30, "UTC")
        fake_zoom.delay = 1.0
        with pytest.raises(ProviderError) as info:
            await zoom.create_meeting("a", START, 30, "UTC")
    assert info.value.code == "zoom_timeout"
    assert info.value.reason == "Zoom did not answer in time when asked to create the meeting"


async def test_update_sends_only_the_given_fields(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom
) -> None:
    meeting = await zoom.create_meeting("a", START, 30, "UTC")
    await zoom.update_meeting(meeting.meeting_id)  # nothing to change: no request
    assert fake_zoom.api_requests("PATCH") == []
    new_start = START + timedelta(days=1)
    await zoom.update_meeting(meeting.meeting_id, start=new_start, timezone="Asia/Tokyo")
    (patch,) = fake_zoom.api_requests("PATCH")
    assert patch.path == f"/v2/meetings/{meeting.meeting_id}"
    assert patch.json == {"start_time": "2030-05-02T15:00:00Z", "timezone": "Asia/Tokyo"}
    stored = fake_zoom.meetings[int(meeting.meeting_id)]
    assert stored["start_time"] == "2030-05-02T15:00:00Z"
    assert stored["duration"] == 30


async def test_update_of_unknown_meeting_is_not_found(zoom: ZoomMeetingProvider) -> None:
    with pytest.raises(ProviderError) as info:
        await zoom.update_meeting("999", topic="x")
    assert info.value.code == "zoom_meeting_not_found"
    assert info.value.reason == "Zoom could not update meeting 999: Meeting does not exist: 999."


async def test_delete_is_idempotent(zoom: ZoomMeetingProvider, fake_zoom: FakeZoom) -> None:
    meeting = await zoom.create_meeting("a", START, 30, "UTC")
    await zoom.delete_meeting(meeting.meeting_id)
    assert fake_zoom.meetings == {}
    await zoom.delete_meeting(meeting.meeting_id)  # Zoom says 404: already gone, fine
    assert [r.method for r in fake_zoom.api_requests()] == ["POST", "DELETE", "DELETE"]


async def test_non_numeric_meeting_id_never_reaches_zoom(
    zoom: ZoomMeetingProvider, fake_zoom: FakeZoom
) -> None:
    with pytest.raises(ProviderError) as info:
        await zoom.delete_meeting("../users/me")
    assert info.value.code == "bad_meeting_args"
    assert fake_zoom.requests == []


@pytest.mark.parametrize(
    ("start", "duration", "tz", "message"),
    [
        (datetime(2030, 1, 1), 30, "UTC", "no time zone"),
        (START, 0, "UTC", "1 to 1440 minutes"),
        (START, 30, "Mars/Olympus", "unknown time zone"),
    ],
)
async def test_bad_arguments_are_rejected_before_any_request(
    zoom: ZoomMeetingProvider,
    fake_zoom: FakeZoom,
    start: datetime,
    duration: int,
    tz: str,
    message: str,
) -> None:
    with pytest.raises(ProviderError, match=message):
        await zoom.create_meeting("a", start, duration, tz)
    assert fake_zoom.requests == []


def test_provider_needs_credentials() -> None:
    with pytest.raises(ValueError, match="account id"):
        ZoomMeetingProvider("", "b", "c")


@pytest.mark.parametrize(("retry_after", "retried"), [("4", True), ("6", False)])
async def test_max_retry_sleep_caps_how_long_a_429_may_make_us_wait(
    fake_zoom: FakeZoom, sleeps: RecordingSleep, retry_after: str, retried: bool
) -> None:
    async with ZoomMeetingProvider(
        fake_zoom.account_id,
        fake_zoom.client_id,
        fake_zoom.client_secret,
        api_base=fake_zoom.api_base,
        oauth_url=fake_zoom.oauth_url,
        max_retry_sleep=5.0,
        sleep=sleeps,
    ) as zoom:
        fake_zoom.rate_limit(retry_after=retry_after)
        if retried:
            await zoom.create_meeting("a", START, 30, "UTC")
            assert sleeps.waits == [float(retry_after)]
        else:
            with pytest.raises(ProviderError, match="try again in 6 s"):
                await zoom.create_meeting("a", START, 30, "UTC")
            assert sleeps.waits == []
