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
