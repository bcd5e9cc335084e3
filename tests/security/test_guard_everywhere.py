"""Issue 11 item 18: what one party writes and the other sees goes through the policy guard.

Names, job titles, schedule notes and meeting topics end up in invites, Zoom and the thread;
contact details in them are masked, and no document fails to generate because of them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest

from tests.api.conftest import Harness, HarnessFactory
from tests.fakes.zoom_server import FakeZoom, running_fake_zoom

EMAIL, PHONE = "ana.client@gmail.com", "+44 7911 123456"
PHONE_DIGITS = "7911"


def _slot(hours: float) -> dict[str, Any]:
    start = datetime.now(UTC) + timedelta(hours=hours)
    return {"start": start.isoformat(), "duration_minutes": 30, "kind": "video"}


def _auth(harness: Harness, user_id: str, role: str, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {harness.token(user_id, role, name=name)}"}


async def _leaky_thread(harness: Harness) -> tuple[str, dict[str, str], dict[str, str]]:
    client = _auth(harness, "c1", "client", f"Ana {EMAIL}")
    freelancer = _auth(harness, "f1", "freelancer", f"Bo (call {PHONE})")
    resp = await harness.client.post(
        "/api/threads",
        json={"job_id": "j1", "job_title": f"Logo design, call {PHONE}", "freelancer_id": "f1"},
        headers=client,
    )
    assert resp.status == 201, await resp.text()
    thread_id = str((await resp.json())["id"])
    await harness.client.get("/api/me", headers=freelancer)  # the freelancer's name is known
    return thread_id, client, freelancer


async def _accepted_schedule(
    harness: Harness, thread_id: str, client: dict[str, str], freelancer: dict[str, str]
) -> str:
    resp = await harness.client.post(
        f"/api/threads/{thread_id}/schedules",
        json={"slots": [_slot(48)], "timezone": "UTC"},
        headers=client,
    )
    assert resp.status == 201, await resp.text()
    schedule = (await resp.json())["schedule"]
    accepted = await harness.client.post(
        f"/api/schedules/{schedule['id']}/accept",
        json={"proposal_id": schedule["proposal"]["proposal_id"], "slot_index": 0},
        headers=freelancer,
    )
    assert accepted.status == 200, await accepted.text()
    return str(schedule["id"])


async def test_invite_masks_names_and_job_title_instead_of_failing(harness: Harness) -> None:
    thread_id, client, freelancer = await _leaky_thread(harness)
    sid = await _accepted_schedule(harness, thread_id, client, freelancer)
    for headers in (client, freelancer):
        resp = await harness.client.get(f"/api/schedules/{sid}/invite.ics", headers=headers)
        assert resp.status == 200, await resp.text()
        raw = await resp.read()
        assert EMAIL.encode() not in raw and PHONE_DIGITS.encode() not in raw
        event = next(iter(icalendar.Calendar.from_ical(raw).walk("VEVENT")))
        organizer = event["ORGANIZER"]
        assert str(organizer.params["CN"]).startswith("Ana [removed: email]")
        names = [str(a.params["CN"]) for a in event.get("ATTENDEE")]
        assert any("[removed: phone]" in n for n in names), names
        assert "Logo design, call [removed: phone]" in str(event["SUMMARY"])


async def test_schedule_cancel_note_is_masked_for_the_other_party(harness: Harness) -> None:
    thread_id, client, freelancer = await _leaky_thread(harness)
    sid = await _accepted_schedule(harness, thread_id, client, freelancer)
    resp = await harness.client.post(
        f"/api/schedules/{sid}/cancel",
        json={"reason": f"something came up, write to {EMAIL}"},
        headers=client,
    )
    assert resp.status == 200, await resp.text()
    seen = await harness.client.get(f"/api/threads/{thread_id}/messages", headers=freelancer)
    (cancelled,) = [
        m
        for m in (await seen.json())["messages"]
        if m["kind"] == "schedule" and m["body"]["event"] == "cancelled"
    ]
    assert cancelled["body"]["reason"] == "something came up, write to [removed: email]"


@pytest.fixture
async def zoom() -> AsyncIterator[FakeZoom]:
    async with running_fake_zoom() as fake:
        yield fake


async def test_meeting_topic_is_masked_in_zoom_and_the_thread(
    make_harness: HarnessFactory, zoom: FakeZoom
) -> None:
    harness = await make_harness(
        zoom_account_id=zoom.account_id,
        zoom_client_id=zoom.client_id,
        zoom_client_secret=zoom.client_secret,
        zoom_api_base=zoom.api_base,
        zoom_oauth_url=zoom.oauth_url,
    )
    thread_id, client, freelancer = await _leaky_thread(harness)
    resp = await harness.client.post(
        f"/api/threads/{thread_id}/meetings",
        json={"duration_minutes": 30, "topic": f"Intro, my cell {PHONE}", "timezone": "UTC"},
        headers=client,
    )
    assert resp.status == 201, await resp.text()
    (create,) = zoom.api_requests("POST")
    assert create.json["topic"] == "Intro, my cell [removed: phone]"
    # the default topic is built from the job title: masked too
    resp = await harness.client.post(
        f"/api/threads/{thread_id}/meetings",
        json={"duration_minutes": 30, "timezone": "UTC"},
        headers=freelancer,
    )
    assert resp.status == 201, await resp.text()
    topics = [r.json["topic"] for r in zoom.api_requests("POST")]
    assert topics[1] == "Interview: Logo design, call [removed: phone]"
    seen = await harness.client.get(f"/api/threads/{thread_id}/messages", headers=freelancer)
    shown = [m["body"]["topic"] for m in (await seen.json())["messages"] if m["kind"] == "meeting"]
    assert shown == topics


async def test_thread_shows_masked_job_title_and_names_to_both_parties(harness: Harness) -> None:
    thread_id, client, freelancer = await _leaky_thread(harness)
    for headers in (client, freelancer):
        resp = await harness.client.get(f"/api/threads/{thread_id}", headers=headers)
        assert resp.status == 200, await resp.text()
        body = await resp.json()
        assert body["job_title"] == "Logo design, call [removed: phone]"
        assert body["client_name"] == "Ana [removed: email]"
        assert body["freelancer_name"] == "Bo (call [removed: phone])"
        listed = await harness.client.get("/api/threads", headers=headers)
        assert EMAIL not in await listed.text() and PHONE not in await listed.text()
    sio = await harness.socket("f1", "freelancer")
    ack = await sio.call("thread:join", {"thread_id": thread_id})
    assert ack["ok"] and ack["thread"]["client_name"] == "Ana [removed: email]"


async def test_a_report_reason_is_never_shown_to_the_other_party(harness: Harness) -> None:
    thread_id, client, freelancer = await _leaky_thread(harness)
    resp = await harness.client.post(
        f"/api/threads/{thread_id}/reports",
        json={"reason": f"they asked me to write to {EMAIL}"},
        headers=freelancer,
    )
    assert resp.status == 201, await resp.text()
    for path in (f"/api/threads/{thread_id}", f"/api/threads/{thread_id}/messages"):
        seen = await harness.client.get(path, headers=client)
        assert seen.status == 200 and "write to" not in await seen.text()
