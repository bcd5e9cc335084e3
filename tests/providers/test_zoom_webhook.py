"""Zoom webhook signature checks, URL validation and event parsing."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from multidict import CIMultiDict

from signaling.domain.zoom_log import ZoomCallLog, ZoomEvent
from signaling.errors import InterviewError, Unauthorized, Unprocessable
from signaling.providers.zoom_webhook import (
    InvalidZoomEvent,
    WebhookRejected,
    parse_event,
    plain_token,
    process_delivery,
    url_validation_response,
    verify_signature,
)
from tests.fakes.zoom_server import (
    meeting_event,
    participant,
    sign_webhook,
    url_validation_event,
    webhook_body,
)

SECRET = "whsec-test-secret"
NOW = 1_714_575_600  # 2024-05-01T15:00:00Z


def _signed(
    payload: dict[str, Any], *, ts: int = NOW, secret: str = SECRET
) -> tuple[bytes, dict[str, str]]:
    body = webhook_body(payload)
    return body, sign_webhook(secret, body, ts)


def _joined() -> dict[str, Any]:
    return meeting_event(
        "meeting.participant_joined",
        85746065432,
        event_ts=NOW * 1000,
        participant=participant("16778240", "Ana Client", join_time="2024-05-01T15:00:05Z"),
    )


def test_a_zoom_signed_body_verifies() -> None:
    body, headers = _signed(_joined())
    verify_signature(
        SECRET,
        headers["x-zm-request-timestamp"],
        body,
        headers["x-zm-signature"],
        now=NOW + 10,
    )


def test_signature_matches_zooms_documented_construction() -> None:
    body = b'{"event":"meeting.started"}'
    expected = hmac.new(SECRET.encode(), b"v0:1700000000:" + body, hashlib.sha256).hexdigest()
    assert sign_webhook(SECRET, body, 1700000000)["x-zm-signature"] == f"v0={expected}"
    headers = sign_webhook(SECRET, body, "1700000000")
    assert headers["x-zm-signature"] == f"v0={expected}"
    assert headers["x-zm-request-timestamp"] == "1700000000"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, sig: (body + b" ", sig),  # body changed after signing
        lambda body, sig: (body, sig[:-1] + ("0" if sig[-1] != "0" else "1")),
        lambda body, sig: (body, sig.replace("v0=", "v1=")),
        lambda body, sig: (body, "garbage"),
    ],
)
def test_bad_signatures_are_rejected(tamper: Any) -> None:
    body, headers = _signed(_joined())
    body, signature = tamper(body, headers["x-zm-signature"])
    with pytest.raises(WebhookRejected) as info:
        verify_signature(SECRET, headers["x-zm-request-timestamp"], body, signature, now=NOW)
    assert info.value.code == "bad_signature"
    assert info.value.status == 401
    assert isinstance(info.value, Unauthorized)


def test_a_different_secret_is_rejected() -> None:
    body, headers = _signed(_joined(), secret="someone-else")
    with pytest.raises(WebhookRejected, match="does not match"):
        verify_signature(
            SECRET, headers["x-zm-request-timestamp"], body, headers["x-zm-signature"], now=NOW
        )


def test_the_timestamp_is_part_of_the_signature() -> None:
    body, headers = _signed(_joined(), ts=NOW)
    with pytest.raises(WebhookRejected) as info:
        verify_signature(SECRET, str(NOW + 1), body, headers["x-zm-signature"], now=NOW)
    assert info.value.code == "bad_signature"


@pytest.mark.parametrize("skew", [301, -301, 86_400])
def test_stale_or_future_timestamps_are_rejected(skew: int) -> None:
    body, headers = _signed(_joined(), ts=NOW)
    with pytest.raises(WebhookRejected) as info:
        verify_signature(
            SECRET,
            headers["x-zm-request-timestamp"],
            body,
            headers["x-zm-signature"],
            now=NOW + skew,
        )
    assert info.value.code == "stale_timestamp"


def test_timestamps_within_five_minutes_are_accepted() -> None:
    body, headers = _signed(_joined(), ts=NOW)
    for skew in (-299, 0, 299):
        verify_signature(
            SECRET,
            headers["x-zm-request-timestamp"],
            body,
            headers["x-zm-signature"],
            now=NOW + skew,
        )


@pytest.mark.parametrize(("timestamp", "signature"), [(None, "v0=ab"), ("123", None), ("", "")])
def test_missing_headers_are_rejected(timestamp: str | None, signature: str | None) -> None:
    with pytest.raises(WebhookRejected) as info:
        verify_signature(SECRET, timestamp, b"{}", signature, now=NOW)
    assert info.value.code == "missing_header"


@pytest.mark.parametrize("timestamp", ["yesterday", "nan", "inf"])
def test_non_numeric_timestamp_is_rejected(timestamp: str) -> None:
    with pytest.raises(WebhookRejected) as info:
        verify_signature(SECRET, timestamp, b"{}", "v0=00", now=NOW)
    assert info.value.code == "bad_timestamp"


def test_url_validation_answer() -> None:
    payload = url_validation_event("qgg8vlvZRS6UYooatFL8Aw", event_ts=NOW * 1000)
    token = plain_token(payload)
    assert token == "qgg8vlvZRS6UYooatFL8Aw"
    answer = url_validation_response(SECRET, token)
    assert answer == {
        "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
        "encryptedToken": hmac.new(SECRET.encode(), token.encode(), hashlib.sha256).hexdigest(),
    }
    assert plain_token(_joined()) is None
    with pytest.raises(InvalidZoomEvent):
        plain_token({"event": "endpoint.url_validation", "payload": {}})


def test_parse_participant_joined_drops_contact_fields() -> None:
    event = parse_event(_joined())
    assert event.event == "meeting.participant_joined"
    assert event.meeting_id == "85746065432"
    assert event.event_ts == NOW * 1000
    assert event.participant is not None
    assert event.participant.key == "uuid-16778240"
    assert event.participant.name == "Ana Client"
    assert event.participant.join_time == datetime(2024, 5, 1, 15, 0, 5, tzinfo=UTC)
    assert "example.invalid" not in repr(event)  # Zoom's email field is never kept


def test_parse_accepts_numeric_meeting_ids_and_customer_keys() -> None:
    payload = meeting_event(
        "meeting.participant_left",
        0,
        event_ts=1,
        participant=participant(
            "1", "Bo", leave_time="2024-05-01T15:30:00Z", customer_key="freelancer-7"
        ),
    )
    payload["payload"]["object"]["id"] = 85746065432
    event = parse_event(payload)
    assert event.meeting_id == "85746065432"
    assert event.participant is not None
    assert event.participant.key == "freelancer-7"
    assert event.participant.leave_time == datetime(2024, 5, 1, 15, 30, tzinfo=UTC)


def test_parse_meeting_ended_times() -> None:
    event = parse_event(
        meeting_event(
            "meeting.ended",
            "123",
            event_ts=5,
            start_time="2024-05-01T15:00:00Z",
            end_time="2024-05-01T15:45:00Z",
        )
    )
    assert event.start_time == datetime(2024, 5, 1, 15, tzinfo=UTC)
    assert event.end_time == datetime(2024, 5, 1, 15, 45, tzinfo=UTC)
    assert event.participant is None


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda p: p.pop("event"), "event"),
        (lambda p: p.update(event_ts="soon"), "event_ts"),
        (lambda p: p["payload"].pop("object"), "payload.object"),
        (lambda p: p["payload"]["object"].pop("id"), "payload.object.id"),
        (lambda p: p["payload"]["object"].pop("participant"), "payload.object.participant"),
        (
            lambda p: p["payload"]["object"]["participant"].update(join_time="not a time"),
            "payload.object.participant.join_time",
        ),
    ],
)
def test_malformed_events_get_a_clear_422(mutate: Any, where: str) -> None:
    payload = _joined()
    mutate(payload)
    with pytest.raises(InvalidZoomEvent) as info:
        parse_event(payload)
    assert isinstance(info.value, Unprocessable)
    assert info.value.status == 422
    assert info.value.extra.get("field") == where
    assert where in info.value.reason


def test_participant_without_any_id_is_rejected() -> None:
    payload = _joined()
    p = payload["payload"]["object"]["participant"]
    p.update(user_id="", participant_uuid="", id="")
    with pytest.raises(InvalidZoomEvent, match="no id"):
        parse_event(payload)


# ---------------------------------------------------------------------- process_delivery
def test_process_delivery_answers_url_validation() -> None:
    body, headers = _signed(url_validation_event("abc123", event_ts=NOW * 1000))
    delivery = process_delivery(SECRET, CIMultiDict(headers), body, now=NOW)
    assert delivery.event is None
    assert delivery.response == url_validation_response(SECRET, "abc123")


def test_process_delivery_parses_meeting_events_and_drops_others() -> None:
    body, headers = _signed(_joined())
    delivery = process_delivery(SECRET, CIMultiDict(headers), body, now=NOW)
    assert delivery.response is None
    assert delivery.event is not None
    assert delivery.event.event == "meeting.participant_joined"
    body, headers = _signed(meeting_event("meeting.sharing_started", 1, event_ts=NOW * 1000))
    assert process_delivery(SECRET, CIMultiDict(headers), body, now=NOW) == type(delivery)()


def test_process_delivery_checks_the_signature_before_the_body() -> None:
    with pytest.raises(WebhookRejected) as info:
        process_delivery(SECRET, CIMultiDict(), b"not json", now=NOW)
    assert info.value.code == "missing_header"
    body = b"not json"
    with pytest.raises(InvalidZoomEvent) as bad:
        process_delivery(SECRET, CIMultiDict(sign_webhook(SECRET, body, NOW)), body, now=NOW)
    assert bad.value.status == 422
    body = b"[1, 2]"
    with pytest.raises(InvalidZoomEvent, match="not a JSON object"):
        process_delivery(SECRET, CIMultiDict(sign_webhook(SECRET, body, NOW)), body, now=NOW)


@pytest.fixture
async def webhook_endpoint() -> AsyncIterator[tuple[str, list[ZoomEvent]]]:
    """A minimal edge over real HTTP: what ``POST /api/webhooks/zoom`` does with a delivery."""
    received: list[ZoomEvent] = []

    async def handle(request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            delivery = process_delivery(SECRET, request.headers, raw, now=NOW + 1)
        except InterviewError as exc:
            return web.json_response({"code": exc.code, "detail": exc.reason}, status=exc.status)
        if delivery.response is not None:
            return web.json_response(delivery.response)
        if delivery.event is not None:
            received.append(delivery.event)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/api/webhooks/zoom", handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("/api/webhooks/zoom")), received
    finally:
        await server.close()


async def test_signed_deliveries_over_http_build_the_call_record(
    webhook_endpoint: tuple[str, list[ZoomEvent]],
) -> None:
    url, received = webhook_endpoint
    meeting = 85746065432
    events = [
        meeting_event("meeting.started", meeting, event_ts=NOW * 1000),
        _joined(),
        _joined(),  # Zoom redelivers
        meeting_event(
            "meeting.participant_left",
            meeting,
            event_ts=NOW * 1000 + 60_000,
            participant=participant("16778240", "Ana Client", leave_time="2024-05-01T15:10:05Z"),
        ),
        meeting_event(
            "meeting.ended",
            meeting,
            event_ts=NOW * 1000 + 700_000,
            end_time="2024-05-01T15:11:00Z",
        ),
    ]
    async with aiohttp.ClientSession() as session:
        async with session.post(
            url, data=webhook_body(events[0]), headers={"content-type": "application/json"}
        ) as resp:
            assert resp.status == 401
            assert (await resp.json())["code"] == "missing_header"
        challenge = webhook_body(url_validation_event("tok", event_ts=NOW * 1000))
        async with session.post(
            url, data=challenge, headers=sign_webhook(SECRET, challenge, str(NOW))
        ) as resp:
            assert await resp.json() == url_validation_response(SECRET, "tok")
        for payload in events:
            body = webhook_body(payload)
            async with session.post(url, data=body, headers=sign_webhook(SECRET, body, NOW)) as r:
                assert r.status == 204
    record = ZoomCallLog(meeting_id=str(meeting)).apply_all(received).to_record()
    assert record["outcome"] == "completed"
    assert record["end_reason"] == "hangup"
    assert [p["seconds"] for p in record["participants"]] == [600.0]
    assert record["connected_seconds"] == 600.0
