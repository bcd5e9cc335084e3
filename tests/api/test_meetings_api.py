"""Zoom meetings from a thread (against the local fake Zoom), Zoom webhooks into the call
record, and scheduling with .ics invites and exactly-once reminders."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest

from signaling.api.context import CTX
from signaling.api.meetings import MEETINGS
from signaling.meetings import MeetingService
from signaling.store.meetings import SqlMeetingStore
from signaling.store.sql import SqlStore
from tests.api.conftest import Harness, HarnessFactory
from tests.fakes.zoom_server import (
    FakeZoom,
    meeting_event,
    participant,
    running_fake_zoom,
    sign_webhook,
    url_validation_event,
    webhook_body,
)

SECRET = "zoom-webhook-secret"


@pytest.fixture
async def zoom() -> AsyncIterator[FakeZoom]:
    async with running_fake_zoom() as fake:
        yield fake


async def zoom_harness(make_harness: HarnessFactory, fake: FakeZoom) -> Harness:
    return await make_harness(
        zoom_account_id=fake.account_id,
        zoom_client_id=fake.client_id,
        zoom_client_secret=fake.client_secret,
        zoom_api_base=fake.api_base,
        zoom_oauth_url=fake.oauth_url,
        zoom_webhook_secret=SECRET,
    )


async def messages(harness: Harness, thread_id: str) -> list[dict[str, Any]]:
    resp = await harness.client.get(
        f"/api/threads/{thread_id}/messages", headers=harness.headers("c1")
    )
    result: list[dict[str, Any]] = (await resp.json())["messages"]
    return result


async def deliver(harness: Harness, payload: dict[str, Any], *, ts: int | None = None) -> Any:
    body = webhook_body(payload)
    headers = sign_webhook(SECRET, body, ts if ts is not None else int(time.time()))
    return await harness.client.post("/api/webhooks/zoom", data=body, headers=headers)


async def test_zoom_meeting_is_created_and_posted(
    make_harness: HarnessFactory, zoom: FakeZoom
) -> None:
    harness = await zoom_harness(make_harness, zoom)
    thread = await harness.thread()
    start = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    resp = await harness.client.post(
        f"/api/threads/{thread['id']}/meetings",
        json={"duration_minutes": 45, "start": start.isoformat(), "timezone": "Europe/Paris"},
        headers=harness.headers("c1"),
    )
    assert resp.status == 201, await resp.text()
    data = await resp.json()
    assert data["start_url"] and data["join_url"].startswith("https://")
    (token_call,) = zoom.token_requests()
    assert token_call.headers["Authorization"].startswith("Basic ")
    (create,) = zoom.api_requests("POST")
    assert create.json["type"] == 2 and create.json["duration"] == 45
    (meeting,) = [m for m in await messages(harness, thread["id"]) if m["kind"] == "meeting"]
    assert meeting["body"]["join_url"] == data["join_url"]
    assert "start_url" not in meeting["body"]  # the host link goes to the creator only
    # the platform's own link passes the guard; a hand-pasted Zoom link does not
    ok = await harness.client.post(
        f"/api/threads/{thread['id']}/messages",
        json={"text": f"See you at {data['join_url']}"},
        headers=harness.headers("f1", "freelancer"),
    )
    assert (await ok.json())["body"] == {"text": f"See you at {data['join_url']}"}
    pasted = await harness.client.post(
        f"/api/threads/{thread['id']}/messages",
        json={"text": "use my room https://us05web.zoom.us/j/1234567890?pwd=xyz"},
        headers=harness.headers("f1", "freelancer"),
    )
    assert (await pasted.json())["body"]["policy"]["labels"] == ["meeting_link"]


async def test_zoom_errors_are_clear_problems(make_harness: HarnessFactory, zoom: FakeZoom) -> None:
    harness = await zoom_harness(make_harness, zoom)
    thread = await harness.thread()
    zoom.server_error(times=5, status=503)
    resp = await harness.client.post(
        f"/api/threads/{thread['id']}/meetings", json={}, headers=harness.headers("c1")
    )
    problem = await resp.json()
    assert (
        resp.status == 502 and problem["code"].startswith("zoom_") and "Zoom" in problem["detail"]
    )
    assert [m for m in await messages(harness, thread["id"]) if m["kind"] == "meeting"] == []


async def test_zoom_disabled_without_credentials(harness: Harness) -> None:
    thread = await harness.thread()
    resp = await harness.client.post(
        f"/api/threads/{thread['id']}/meetings", json={}, headers=harness.headers("c1")
    )
    assert resp.status == 404 and (await resp.json())["code"] == "zoom_disabled"
    config = await (await harness.client.get("/api/config")).json()
    assert config["zoom_enabled"] is False


async def test_webhooks_become_one_zoom_call_record(
    make_harness: HarnessFactory, zoom: FakeZoom
) -> None:
    harness = await zoom_harness(make_harness, zoom)
    thread = await harness.thread()
    created = await (
        await harness.client.post(
            f"/api/threads/{thread['id']}/meetings", json={}, headers=harness.headers("c1")
        )
    ).json()
    mid = created["meeting_id"]
    validation = await deliver(harness, url_validation_event("abc123", event_ts=1))
    assert set(await validation.json()) == {"plainToken", "encryptedToken"}
    body = webhook_body(meeting_event("meeting.started", mid, event_ts=1))
    bad = await harness.client.post(
        "/api/webhooks/zoom", data=body, headers=sign_webhook("wrong", body, int(time.time()))
    )
    assert bad.status == 401
    stale = await deliver(harness, meeting_event("meeting.started", mid, event_ts=1), ts=1)
    assert stale.status == 401
    t0 = "2030-01-02T15:00:00Z"
    events = [
        meeting_event("meeting.started", mid, event_ts=1, start_time=t0),
        meeting_event(
            "meeting.participant_joined",
            mid,
            event_ts=2,
            participant=participant("u1", "Carla", join_time="2030-01-02T15:00:05Z"),
        ),
        meeting_event(
            "meeting.participant_joined",
            mid,
            event_ts=3,
            participant=participant("u2", "Felix", join_time="2030-01-02T15:01:00Z"),
        ),
        meeting_event(
            "meeting.participant_left",
            mid,
            event_ts=5,
            participant=participant("u2", "Felix", leave_time="2030-01-02T15:21:00Z"),
        ),
        meeting_event(
            "meeting.participant_left",
            mid,
            event_ts=4,
            participant=participant("u1", "Carla", leave_time="2030-01-02T15:21:30Z"),
        ),
        meeting_event(
            "meeting.ended", mid, event_ts=6, start_time=t0, end_time="2030-01-02T15:22:00Z"
        ),
    ]
    for event in [*events, events[2], events[5]]:  # with duplicate deliveries
        resp = await deliver(harness, event)
        assert resp.status == 200
    records = [m for m in await messages(harness, thread["id"]) if m["kind"] == "call"]
    assert len(records) == 1
    record = records[0]["body"]
    assert record["kind"] == "zoom" and record["outcome"] == "completed"
    assert record["connected_seconds"] == pytest.approx(20 * 60)
    assert record["call_id"] == created["call_id"]
    audit = await harness.client.get(
        "/api/audit/calls", params={"kind": "zoom"}, headers=harness.headers("a1", "auditor")
    )
    assert [c["call_id"] for c in (await audit.json())["calls"]] == [created["call_id"]]


def slot(hours: float, minutes: int = 30, kind: str = "video") -> dict[str, Any]:
    start = datetime.now(UTC) + timedelta(hours=hours)
    return {"start": start.isoformat(), "duration_minutes": minutes, "kind": kind}


async def test_schedule_propose_accept_invite_and_cancel(harness: Harness) -> None:
    thread = await harness.thread()
    resp = await harness.client.post(
        f"/api/threads/{thread['id']}/schedules",
        json={"slots": [slot(24), slot(48)], "timezone": "America/New_York"},
        headers=harness.headers("c1"),
    )
    assert resp.status == 201, await resp.text()
    schedule = (await resp.json())["schedule"]
    sid, pid = schedule["id"], schedule["proposal"]["proposal_id"]
    mine = await harness.client.post(
        f"/api/schedules/{sid}/accept",
        json={"proposal_id": pid, "slot_index": 0},
        headers=harness.headers("c1"),
    )
    assert mine.status == 403  # the proposer cannot accept their own proposal
    accepted = await harness.client.post(
        f"/api/schedules/{sid}/accept",
        json={"proposal_id": pid, "slot_index": 1},
        headers=harness.headers("f1", "freelancer"),
    )
    assert accepted.status == 200 and (await accepted.json())["schedule"]["state"] == "accepted"
    ics = await harness.client.get(
        f"/api/schedules/{sid}/invite.ics", headers=harness.headers("f1", "freelancer")
    )
    assert ics.status == 200 and ics.content_type == "text/calendar"
    cal = icalendar.Calendar.from_ical(await ics.read())
    event = next(e for e in cal.walk("VEVENT"))
    assert str(cal["METHOD"]) == "REQUEST" and str(event["UID"]).startswith(sid)
    first_sequence = int(str(event["SEQUENCE"]))
    assert "@" not in str(event.get("DESCRIPTION", "")).replace("@interview-server", "")
    cancelled = await harness.client.post(
        f"/api/schedules/{sid}/cancel",
        json={"reason": "hired someone"},
        headers=harness.headers("c1"),
    )
    assert cancelled.status == 200
    again = await harness.client.post(
        f"/api/schedules/{sid}/accept",
        json={"proposal_id": pid, "slot_index": 0},
        headers=harness.headers("f1", "freelancer"),
    )
    assert again.status == 409
    cancel_ics = icalendar.Calendar.from_ical(
        await (
            await harness.client.get(
                f"/api/schedules/{sid}/invite.ics", headers=harness.headers("c1")
            )
        ).read()
    )
    cancel_event = next(e for e in cancel_ics.walk("VEVENT"))
    assert str(cancel_ics["METHOD"]) == "CANCEL"
    assert int(str(cancel_event["SEQUENCE"])) > first_sequence
    kinds = [m["kind"] for m in await messages(harness, thread["id"])]
    assert kinds.count("schedule") == 3  # proposed, accepted, cancelled


@pytest.mark.parametrize(
    ("slots", "tz", "code"),
    [
        ([slot(-1)], "UTC", "slot_in_past"),
        ([slot(24, 60), slot(24.5)], "UTC", "overlapping_slots"),
        ([slot(24, 300)], "UTC", "duration_too_long"),
        ([slot(24)], "Mars/Olympus_Mons", "unknown_timezone"),
    ],
)
async def test_schedule_bad_input(
    harness: Harness, slots: list[dict[str, Any]], tz: str, code: str
) -> None:
    thread = await harness.thread()
    resp = await harness.client.post(
        f"/api/threads/{thread['id']}/schedules",
        json={"slots": slots, "timezone": tz},
        headers=harness.headers("c1"),
    )
    assert 400 <= resp.status < 500 and (await resp.json())["code"] == code


async def accepted_schedule(
    harness: Harness, thread_id: str, proposed: dict[str, Any]
) -> tuple[str, datetime]:
    """The client proposes one slot and the freelancer accepts it: (schedule id, start)."""
    created = await (
        await harness.client.post(
            f"/api/threads/{thread_id}/schedules",
            json={"slots": [proposed], "timezone": "UTC"},
            headers=harness.headers("c1"),
        )
    ).json()
    sid, pid = created["schedule"]["id"], created["schedule"]["proposal"]["proposal_id"]
    accepted = await (
        await harness.client.post(
            f"/api/schedules/{sid}/accept",
            json={"proposal_id": pid, "slot_index": 0},
            headers=harness.headers("f1", "freelancer"),
        )
    ).json()
    start = datetime.fromisoformat(
        accepted["schedule"]["accepted_slot"]["start_utc"].replace("Z", "+00:00")
    )
    return sid, start


async def test_reminders_fire_once_across_nodes_and_restarts(harness: Harness) -> None:
    thread = await harness.thread()
    _, start = await accepted_schedule(harness, thread["id"], slot(1))
    node_a: MeetingService = harness.app[MEETINGS]
    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    node_b = MeetingService(node_a.threads, SqlMeetingStore(store, "node-b"), None, public_url="x")
    before = start - timedelta(minutes=16)
    assert await node_a.tick(before) == []
    at_15 = start - timedelta(minutes=14, seconds=30)
    fired = [*await node_a.tick(at_15), *await node_b.tick(at_15), *await node_a.tick(at_15)]
    assert len(fired) == 1
    at_start = start + timedelta(seconds=20)
    fired = [*await node_b.tick(at_start), *await node_a.tick(at_start)]
    assert len(fired) == 1
    reminders = [
        m
        for m in await messages(harness, thread["id"])
        if m["kind"] == "schedule" and m["body"].get("event") == "schedule.reminder"
    ]
    assert len(reminders) == 2


async def test_attendance_records_late_join_and_no_show_once(harness: Harness) -> None:
    from signaling.domain.calls import Call, CallKind

    thread = await harness.thread()
    _, start = await accepted_schedule(harness, thread["id"], slot(1))
    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    # the client starts the call two minutes late; the freelancer never joins
    call, event = Call.start(
        call_id="late-call",
        thread_id=thread["id"],
        kind=CallKind.VIDEO,
        initiator_id="c1",
        callee_id="f1",
        now=start + timedelta(minutes=2),
    )
    call, _ = call.joined("c1", start + timedelta(minutes=2))
    await store.save_call(call, event=event)
    node_a: MeetingService = harness.app[MEETINGS]
    node_b = MeetingService(node_a.threads, SqlMeetingStore(store, "node-b"), None, public_url="x")
    await node_a.tick(start + timedelta(minutes=5))  # still within the grace period
    later = start + timedelta(minutes=11)
    for node in (node_a, node_b, node_a):
        await node.tick(later)
    notes = [
        m["body"]
        for m in await messages(harness, thread["id"])
        if m["kind"] == "schedule" and m["body"].get("event") == "attendance"
    ]
    assert len(notes) == 1
    assert notes[0]["attendance"]["c1"]["status"] == "late"
    assert notes[0]["attendance"]["c1"]["delay_seconds"] == pytest.approx(120)
    assert notes[0]["attendance"]["f1"]["status"] == "no_show"


async def test_scheduled_call_record_carries_attendance(make_harness: HarnessFactory) -> None:
    from tests.api.fake_media import FakeMediaFactory

    harness = await make_harness(media_factory=FakeMediaFactory())
    thread = await harness.thread()
    sid, _ = await accepted_schedule(harness, thread["id"], slot(0.05, 30, "video"))
    client = await harness.socket("c1", "client")
    call_id = (await client.call("call:start", {"thread_id": thread["id"], "kind": "video"}))[
        "call"
    ]["call_id"]
    assert (await client.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 c"}))["ok"]
    await client.call("call:hangup", {"call_id": call_id})  # the freelancer never came
    (record,) = [m["body"] for m in await messages(harness, thread["id"]) if m["kind"] == "call"]
    assert record["schedule"]["schedule_id"] == sid
    assert record["schedule"]["attendance"]["c1"]["status"] == "on_time"
    assert record["schedule"]["attendance"]["f1"]["status"] == "no_show"
