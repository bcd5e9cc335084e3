"""Issue 11, items 7-15: refusals clients can read, bounded input, no id oracles, limits,
closed threads and who may hire. Real app, real socket.io client, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import socketio
from pydantic import Field

from signaling.api import models as m
from tests.api.conftest import SERVICE_TOKEN, Harness, HarnessFactory
from tests.api.fake_media import FakeMediaFactory
from tests.api.test_meetings_api import zoom_harness
from tests.fakes.zoom_server import running_fake_zoom
from tests.sockets import connect, new_client

INT32_OVER = 2**31
INT64_OVER = 2**63


def slot(days: float, kind: str = "video") -> dict[str, Any]:
    start = datetime.now(UTC) + timedelta(days=days)
    return {"start": start.isoformat(), "duration_minutes": 30, "kind": kind}


async def refused_with(harness: Harness, auth: dict[str, Any] | None) -> Any:
    """Connect with a real python-socketio client; return what its connect_error received."""
    sio = new_client()
    received: list[Any] = []
    sio.on("connect_error", received.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await connect(sio, harness.base_url, auth)
    assert len(received) == 1
    return received[0]


# ------------------------------------------------------------------ 7. readable refusals
async def test_refused_connection_carries_code_and_reason(harness: Harness) -> None:
    error = await refused_with(harness, {"token": "garbage"})
    # socket.io's shape: message (a string) and data; the web client shows data.reason
    assert isinstance(error["message"], str) and error["message"]
    assert error["data"]["code"] and error["data"]["reason"] == error["message"]
    missing = await refused_with(harness, None)
    assert missing["data"]["code"] and missing["data"]["reason"]
    service = await refused_with(harness, {"token": SERVICE_TOKEN})
    assert service["data"] == {
        "code": "forbidden",
        "reason": "the service token cannot open a socket",
    }


# ------------------------------------------------------------ 8. integers fit the columns
@pytest.mark.parametrize("value", [INT64_OVER, INT32_OVER, -1, "1e3"])
async def test_out_of_range_after_seq_is_a_4xx(harness: Harness, value: Any) -> None:
    thread = await harness.thread()
    resp = await harness.client.get(
        f"/api/threads/{thread['id']}/messages",
        params={"after_seq": str(value)},
        headers=harness.headers("c1"),
    )
    assert resp.status == 422 and (await resp.json())["code"] == "invalid_query"
    sio = await harness.socket("c1")
    ack = await sio.call("thread:join", {"thread_id": thread["id"], "after_seq": value})
    assert ack["ok"] is False and ack["code"] == "invalid"


async def test_largest_after_seq_is_served(harness: Harness) -> None:
    thread = await harness.thread()
    resp = await harness.client.get(
        f"/api/threads/{thread['id']}/messages",
        params={"after_seq": str(m.INT32_MAX)},
        headers=harness.headers("c1"),
    )
    assert resp.status == 200 and (await resp.json())["messages"] == []


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/audit/proofs/inclusion", {"index": str(INT64_OVER)}),
        ("/api/audit/proofs/consistency", {"first": "1", "second": str(INT64_OVER)}),
        ("/api/audit/calls", {"min_duration": "inf"}),
        ("/api/audit/calls", {"max_duration": "nan"}),
    ],
)
async def test_other_numbers_from_the_network_are_bounded(
    harness: Harness, path: str, params: dict[str, str]
) -> None:
    resp = await harness.client.get(path, params=params, headers=harness.headers("a1", "auditor"))
    assert 400 <= resp.status < 500, await resp.text()


def test_an_unbounded_integer_cannot_be_declared() -> None:
    # the mechanism: a model with an integer that could overflow a column fails at definition
    with pytest.raises(TypeError, match="bounded"):

        class Unbounded(m.Strict):
            count: int = Field(ge=0)

    class Bounded(m.Strict):
        count: m.Seq = 0

    assert Bounded(count=m.INT32_MAX).count == m.INT32_MAX


# ---------------------------------------------------------- 9. unknown events, bad arity
async def test_unknown_events_and_bad_arity_get_error_acks(harness: Harness) -> None:
    sio = await harness.socket("c1")
    thread = await harness.thread()
    ack = await sio.call("no:such:event", {"x": 1}, timeout=5)
    assert ack["ok"] is False and ack["code"] == "unknown_event"
    two = await sio.call("thread:join", ({"thread_id": thread["id"]}, "extra"), timeout=5)
    assert two["ok"] is False and two["code"] == "bad_arguments"
    none = await sio.call("message:send", timeout=5)
    assert none["ok"] is False and none["code"] == "bad_arguments"
    assert (await sio.call("thread:join", {"thread_id": thread["id"]}))["ok"]


# ------------------------------------------------------- 10. reserved names are ignored
async def test_client_sent_connect_and_disconnect_are_ignored(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    theirs = await harness.thread(client_id="c2", freelancer_id="f2", job_id="job-2")
    sio = await harness.socket("c1")
    # an open socket tries to become c2 by emitting "connect" with c2's token
    other = {"token": harness.token("c2")}
    ack = await sio.call("connect", ({}, other), timeout=5)
    assert ack["ok"] is False and ack["code"] == "reserved_event"
    bare = await sio.call("connect", timeout=5)
    assert bare["code"] == "reserved_event"
    still = await sio.call("thread:join", {"thread_id": theirs["id"]})
    assert still["code"] == "thread_not_found"  # still c1
    ack = await sio.call("disconnect", "client namespace disconnect", timeout=5)
    assert ack["code"] == "reserved_event"
    mine = await harness.thread()
    assert (await sio.call("thread:join", {"thread_id": mine["id"]}))["ok"]  # still signed in
    assert not [r for r in caplog.records if r.exc_info or r.levelname in {"ERROR", "CRITICAL"}]


# ---------------------------------------------------------------- 11. dates are dates
async def test_numbers_and_absurd_dates_are_refused(harness: Harness) -> None:
    thread = await harness.thread()
    for start in (0, "0", 1767225600, "1970-01-01T00:00:00Z", "2026-13-01T00:00:00Z"):
        resp = await harness.client.post(
            f"/api/threads/{thread['id']}/schedules",
            json={"slots": [{**slot(1), "start": start}], "timezone": "UTC"},
            headers=harness.headers("c1"),
        )
        assert resp.status == 422, (start, await resp.text())
    for params in ({"to": "0.5"}, {"from": "0"}, {"from": "9999-12-31T23:59:59-05:00"}):
        resp = await harness.client.get(
            "/api/audit/calls", params=params, headers=harness.headers("a1", "auditor")
        )
        assert resp.status == 422 and (await resp.json())["code"] == "invalid_query", params
    resp = await harness.client.post(
        f"/api/threads/{thread['id']}/schedules",
        json={"slots": [slot(400)], "timezone": "UTC"},
        headers=harness.headers("c1"),
    )
    assert resp.status == 422 and (await resp.json())["code"] == "slot_too_far"


async def test_zoom_meeting_start_must_be_a_near_future_date(make_harness: HarnessFactory) -> None:
    async with running_fake_zoom() as zoom:
        harness = await zoom_harness(make_harness, zoom)
        thread = await harness.thread()
        url = f"/api/threads/{thread['id']}/meetings"
        now = datetime.now(UTC)
        cases: list[tuple[Any, str]] = [
            (0, "invalid"),
            ("0.5", "invalid"),
            ((now - timedelta(days=1)).isoformat(), "start_in_past"),
            ((now + timedelta(days=800)).isoformat(), "start_too_far"),
            ("2030-01-02T15:00:00", "invalid"),  # no offset
        ]
        for start, code in cases:
            resp = await harness.client.post(
                url, json={"start": start}, headers=harness.headers("c1")
            )
            assert resp.status == 422 and (await resp.json())["code"] == code, start
        assert zoom.api_requests("POST") == []  # nothing reached Zoom
        ok = await harness.client.post(
            url,
            json={"start": (now + timedelta(days=2)).isoformat()},
            headers=harness.headers("c1"),
        )
        assert ok.status == 201, await ok.text()


# ---------------------------------------------------------------------- 12. no oracles
async def test_strangers_cannot_tell_real_ids_from_random_ones(
    make_harness: HarnessFactory,
) -> None:
    harness = await make_harness(media_factory=FakeMediaFactory())
    thread = await harness.thread()
    resp = await harness.client.post(
        f"/api/threads/{thread['id']}/schedules",
        json={"slots": [slot(1)], "timezone": "UTC"},
        headers=harness.headers("c1"),
    )
    real_schedule = (await resp.json())["schedule"]["id"]
    caller = await harness.socket("c1")
    assert (await caller.call("thread:join", {"thread_id": thread["id"]}))["ok"]
    started = await caller.call("call:start", {"thread_id": thread["id"], "kind": "audio"})
    real_call = started["call"]["call_id"]

    stranger = harness.headers("mallory", "freelancer")

    async def answer(path: str, method: str = "GET", **kw: Any) -> tuple[int, Any]:
        resp = await harness.client.request(method, path, headers=stranger, **kw)
        body = await resp.json()
        return resp.status, (body["code"], body["detail"])

    random_id = str(uuid.uuid4())
    for template, method, body in [
        ("/api/schedules/{}", "GET", None),
        ("/api/schedules/{}/invite.ics", "GET", None),
        ("/api/schedules/{}/cancel", "POST", {}),
        ("/api/schedules/{}/accept", "POST", {"proposal_id": "p", "slot_index": 0}),
        ("/api/schedules/{}/reschedule", "POST", {"slots": [slot(2)], "timezone": "UTC"}),
    ]:
        kw = {"json": body} if body is not None else {}
        real = await answer(template.format(real_schedule), method, **kw)
        fake = await answer(template.format(random_id), method, **kw)
        assert real == fake == (404, ("schedule_not_found", "no such schedule")), template

    real = await answer(f"/api/recordings/{real_call}-1.webm")
    fake = await answer(f"/api/recordings/{random_id}-1.webm")
    assert real == fake == (404, ("recording_not_found", "no such recording"))

    mallory = await harness.socket("mallory", "freelancer")
    events: list[tuple[str, dict[str, Any]]] = [
        ("call:accept", {}),
        ("call:hangup", {}),
        ("call:media", {"audio": True, "video": False}),
        ("rtc:offer", {"sdp": "v=0"}),
        ("call:consent", {"consent": True}),
    ]
    for event, extra in events:
        real_ack = await mallory.call(event, {"call_id": real_call, **extra})
        fake_ack = await mallory.call(event, {"call_id": random_id, **extra})
        assert real_ack == fake_ack, event
        assert real_ack["code"] == "call_not_found", event


# ------------------------------------------------------------------------ 13. limits
async def test_thread_join_is_rate_limited(make_harness: HarnessFactory) -> None:
    harness = await make_harness(thread_join_burst=3, thread_join_rate_per_minute=1.0)
    thread = await harness.thread()
    sio = await harness.socket("c1")
    acks = [await sio.call("thread:join", {"thread_id": thread["id"]}) for _ in range(4)]
    assert [a["ok"] for a in acks] == [True, True, True, False]
    assert acks[3]["code"] == "rate_limited" and 0 < acks[3]["retry_after"] <= 60
    # another user has their own budget
    other = await harness.socket("f1", "freelancer")
    assert (await other.call("thread:join", {"thread_id": thread["id"]}))["ok"]


async def test_thread_join_returns_a_bounded_page(make_harness: HarnessFactory) -> None:
    harness = await make_harness(thread_join_page_size=2)
    thread = await harness.thread()
    for i in range(5):
        await harness.client.post(
            f"/api/threads/{thread['id']}/messages",
            json={"text": f"m{i}"},
            headers=harness.headers("c1"),
        )
    sio = await harness.socket("c1")
    seqs: list[int] = []
    after, pages = 0, []
    while True:
        ack = await sio.call("thread:join", {"thread_id": thread["id"], "after_seq": after})
        assert ack["ok"] and len(ack["messages"]) <= 2
        pages.append(ack["has_more"])
        seqs += [x["seq"] for x in ack["messages"]]
        if not ack["has_more"]:
            break
        after = ack["messages"][-1]["seq"]
    assert seqs == [1, 2, 3, 4, 5]
    assert pages == [True, True, False]


async def test_call_media_is_rate_limited(make_harness: HarnessFactory) -> None:
    harness = await make_harness(
        media_factory=FakeMediaFactory(), call_media_burst=2, call_media_rate_per_minute=1.0
    )
    thread = await harness.thread()
    caller = await harness.socket("c1")
    callee = await harness.socket("f1", "freelancer")
    relayed: list[Any] = []
    callee.on("call:media", relayed.append)
    assert (await caller.call("thread:join", {"thread_id": thread["id"]}))["ok"]
    started = await caller.call("call:start", {"thread_id": thread["id"], "kind": "audio"})
    call_id = started["call"]["call_id"]
    acks = [
        await caller.call("call:media", {"call_id": call_id, "audio": i % 2 == 0, "video": False})
        for i in range(5)
    ]
    assert [a["ok"] for a in acks] == [True, True, False, False, False]
    assert acks[2]["code"] == "rate_limited" and acks[2]["retry_after"] > 0
    async with asyncio.timeout(5):
        while len(relayed) < 2:  # noqa: ASYNC110 - the other client's inbox
            await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)  # let any (wrongly) relayed extra events arrive
    assert len(relayed) == 2


async def test_every_socket_event_counts_against_one_budget(make_harness: HarnessFactory) -> None:
    harness = await make_harness(socket_event_burst=3, socket_event_rate_per_minute=1.0)
    sio = await harness.socket("c1")
    acks = [await sio.call("no:such:event", {}) for _ in range(3)]
    assert [a["code"] for a in acks] == ["unknown_event"] * 3
    limited = await sio.call("message:send", {"thread_id": "x", "text": "hi"})
    assert limited["code"] == "rate_limited" and limited["retry_after"] > 0


async def test_sockets_per_user_are_capped(make_harness: HarnessFactory) -> None:
    harness = await make_harness(max_sockets_per_user=2)
    first = await harness.socket("c1")
    await harness.socket("c1")
    error = await refused_with(harness, {"token": harness.token("c1")})
    assert error["data"]["code"] == "too_many_sockets" and error["data"]["reason"]
    assert (await harness.socket("f1", "freelancer")).connected  # other users are not affected
    await first.disconnect()
    await asyncio.sleep(0.1)  # the server handles the disconnect
    assert (await harness.socket("c1")).connected


async def test_reports_are_rate_limited(make_harness: HarnessFactory) -> None:
    harness = await make_harness(case_burst=2, case_rate_per_minute=0.5)
    thread = await harness.thread()
    statuses = []
    for i in range(3):
        resp = await harness.client.post(
            f"/api/threads/{thread['id']}/reports",
            json={"reason": f"spam {i}"},
            headers=harness.headers("c1"),
        )
        statuses.append(resp.status)
    assert statuses == [201, 201, 429]
    assert int(resp.headers["Retry-After"]) >= 1
    assert (await resp.json())["code"] == "rate_limited"


async def test_cases_opened_by_auditors_are_rate_limited(make_harness: HarnessFactory) -> None:
    harness = await make_harness(case_burst=2, case_rate_per_minute=0.5)
    thread = await harness.thread()
    statuses = []
    for i in range(3):
        resp = await harness.client.post(
            "/api/audit/cases",
            json={"thread_id": thread["id"], "reason": f"review {i}"},
            headers=harness.headers("a1", "auditor"),
        )
        statuses.append(resp.status)
    assert statuses == [201, 201, 429]
    assert int(resp.headers["Retry-After"]) >= 1
    assert (await resp.json())["code"] == "rate_limited"


async def test_zoom_meetings_are_rate_limited(make_harness: HarnessFactory) -> None:
    async with running_fake_zoom() as zoom:
        harness = await make_harness(
            zoom_account_id=zoom.account_id,
            zoom_client_id=zoom.client_id,
            zoom_client_secret=zoom.client_secret,
            zoom_api_base=zoom.api_base,
            zoom_oauth_url=zoom.oauth_url,
            meeting_burst=2,
            meeting_rate_per_minute=0.1,
        )
        thread = await harness.thread()
        statuses = []
        for _ in range(3):
            resp = await harness.client.post(
                f"/api/threads/{thread['id']}/meetings", json={}, headers=harness.headers("c1")
            )
            statuses.append(resp.status)
        assert statuses == [201, 201, 429]
        assert int(resp.headers["Retry-After"]) >= 1
        assert len(zoom.api_requests("POST")) == 2


async def test_schedule_proposals_are_rate_limited(make_harness: HarnessFactory) -> None:
    harness = await make_harness(schedule_burst=2, schedule_rate_per_minute=0.1)
    thread = await harness.thread()
    statuses = []
    for i in range(3):
        resp = await harness.client.post(
            f"/api/threads/{thread['id']}/schedules",
            json={"slots": [slot(1 + i)], "timezone": "UTC"},
            headers=harness.headers("c1"),
        )
        statuses.append(resp.status)
    assert statuses == [201, 201, 429] and "Retry-After" in resp.headers


# ------------------------------------------------------- 14. closed threads, schedules
@pytest.mark.parametrize(
    ("stage", "who"), [("closed", "c1"), ("declined", "c1"), ("withdrawn", "f1")]
)
async def test_no_schedules_in_finished_threads(harness: Harness, stage: str, who: str) -> None:
    thread = await harness.thread()
    tid = thread["id"]
    resp = await harness.client.post(
        f"/api/threads/{tid}/schedules",
        json={"slots": [slot(1)], "timezone": "UTC"},
        headers=harness.headers("c1"),
    )
    schedule = (await resp.json())["schedule"]
    role = "client" if who == "c1" else "freelancer"
    moved = await harness.client.post(
        f"/api/threads/{tid}/stage", json={"stage": stage}, headers=harness.headers(who, role)
    )
    assert moved.status == 200, await moved.text()
    resp = await harness.client.post(
        f"/api/threads/{tid}/schedules",
        json={"slots": [slot(2)], "timezone": "UTC"},
        headers=harness.headers("c1"),
    )
    assert resp.status == 409 and (await resp.json())["code"] == "thread_closed"
    for action, body in [
        ("accept", {"proposal_id": schedule["proposal"]["proposal_id"], "slot_index": 0}),
        (
            "counter",
            {
                "proposal_id": schedule["proposal"]["proposal_id"],
                "slots": [slot(3)],
                "timezone": "UTC",
            },
        ),
        ("reschedule", {"slots": [slot(3)], "timezone": "UTC"}),
    ]:
        resp = await harness.client.post(
            f"/api/schedules/{schedule['id']}/{action}",
            json=body,
            headers=harness.headers("f1", "freelancer"),
        )
        assert resp.status == 409 and (await resp.json())["code"] == "thread_closed", action
    # the same refusal as a message in that thread
    msg = await harness.client.post(
        f"/api/threads/{tid}/messages", json={"text": "hello?"}, headers=harness.headers("c1")
    )
    assert msg.status == 409 and (await msg.json())["code"] == "thread_closed"
    # cancelling what was planned still works
    cancel = await harness.client.post(
        f"/api/schedules/{schedule['id']}/cancel", json={}, headers=harness.headers("c1")
    )
    assert cancel.status == 200


# ---------------------------------------------------------------- 15. who may hire
@pytest.mark.parametrize(("user", "role"), [("c1", "client"), ("f1", "freelancer")])
async def test_only_the_service_token_hires(harness: Harness, user: str, role: str) -> None:
    thread = await harness.thread()
    url = f"/api/threads/{thread['id']}/stage"
    for stage in ("interviewing", "hired"):
        if stage == "interviewing":
            await harness.client.post(url, json={"stage": stage}, headers=harness.headers("c1"))
            continue
        resp = await harness.client.post(
            url, json={"stage": stage}, headers=harness.headers(user, role)
        )
        assert resp.status == 403 and (await resp.json())["code"] == "transition_not_allowed"
    svc = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    resp = await harness.client.post(url, json={"stage": "hired"}, headers=svc)
    assert resp.status == 200 and (await resp.json())["pre_contract"] is False
