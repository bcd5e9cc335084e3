"""The event feed through the running app: webhook delivery to a real local receiver, the
pull API (service token only) and the dead-letter admin API, on both databases."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from signaling.api.events_feed import EVENTS_OUTBOX
from signaling.events.outbox import OutboxStore
from tests.api.conftest import SERVICE_TOKEN, Harness, HarnessFactory
from tests.events.receiver import SECRET, Receiver

SERVICE = {"Authorization": f"Bearer {SERVICE_TOKEN}"}


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    await r.start()
    yield r
    await r.close()


async def _feed_harness(make_harness: HarnessFactory, receiver: Receiver) -> Harness:
    return await make_harness(
        backend_webhook_url=receiver.url,
        backend_webhook_secret=SECRET,
        events_retry_base_seconds=0.01,
        events_retry_max_seconds=0.05,
        events_poll_seconds=0.05,
        events_timeout_seconds=2.0,
    )


async def _pull(harness: Harness, **query: Any) -> dict[str, Any]:
    resp = await harness.client.get("/api/events", params=query, headers=SERVICE)
    assert resp.status == 200, await resp.text()
    body: dict[str, Any] = await resp.json()
    return body


async def test_changes_reach_the_webhook_and_the_pull_feed_alike(
    make_harness: HarnessFactory, receiver: Receiver
) -> None:
    harness = await _feed_harness(make_harness, receiver)
    thread = await harness.thread()
    tid = thread["id"]
    for text in ("hello", "are you free tomorrow?"):
        resp = await harness.client.post(
            f"/api/threads/{tid}/messages", json={"text": text}, headers=harness.headers("c1")
        )
        assert resp.status == 201
    resp = await harness.client.post(
        f"/api/threads/{tid}/stage", json={"stage": "hired"}, headers=SERVICE
    )
    assert resp.status == 200
    # pull everything, two at a time, following next_cursor
    pulled: list[dict[str, Any]] = []
    cursor = "0"
    while True:
        page = await _pull(harness, after=cursor, limit=2)
        if not page["events"]:
            assert page["next_cursor"] == cursor
            break
        pulled += page["events"]
        cursor = page["next_cursor"]
    mine = [e for e in pulled if e["thread_id"] == tid]
    assert [e["type"] for e in mine] == [
        "thread.stage_changed",  # invited -> interviewing (first message)
        "message.created",
        "message.created",
        "thread.stage_changed",  # -> hired
        "message.created",  # the system message saying so
    ]
    assert mine[3]["data"]["to"] == "hired" and mine[3]["version"] == 1
    assert "text" not in mine[1]["data"]
    await receiver.wait_for({e["id"] for e in pulled})
    assert receiver.bad_signatures == 0
    assert receiver.order_violations() == []
    assert [receiver.acked[e["id"]] for e in pulled] == pulled  # same envelopes both ways
    # a type filter
    stages = await _pull(harness, types="thread.stage_changed")
    assert {e["type"] for e in stages["events"]} == {"thread.stage_changed"}


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ("c1", 403), ("auditor", 403), ("admin", 403)],
)
async def test_the_pull_feed_is_for_the_service_token_only(
    harness: Harness, headers: Any, status: int
) -> None:
    if isinstance(headers, str):
        headers = harness.headers(headers, "client" if headers == "c1" else headers)
    resp = await harness.client.get("/api/events", headers=headers)
    assert resp.status == status
    assert resp.content_type == "application/problem+json"


@pytest.mark.parametrize(
    "query",
    [{"after": "-1"}, {"after": "abc"}, {"types": "call.started,no.such"}, {"limit": "0"}],
)
async def test_bad_feed_queries_are_422(harness: Harness, query: dict[str, str]) -> None:
    resp = await harness.client.get("/api/events", params=query, headers=SERVICE)
    assert resp.status == 422
    assert resp.content_type == "application/problem+json"


@pytest.mark.parametrize("delivery", ["single", "batch"])
async def test_dead_letters_are_listed_and_replayed_by_an_admin(
    make_harness: HarnessFactory, delivery: str
) -> None:
    failing = True
    receiver = Receiver(modes=lambda n: "500" if failing else "ok")
    await receiver.start()
    try:
        harness = await make_harness(
            backend_webhook_url=receiver.url,
            backend_webhook_secret=SECRET,
            events_max_attempts=2,
            events_retry_base_seconds=0.01,
            events_retry_max_seconds=0.02,
            events_poll_seconds=0.05,
            events_timeout_seconds=2.0,
            events_delivery=delivery,
        )
        thread = await harness.thread()
        resp = await harness.client.post(
            f"/api/threads/{thread['id']}/stage", json={"stage": "hired"}, headers=SERVICE
        )
        assert resp.status == 200
        admin = harness.headers("a1", "admin")
        expected = {e["id"] for e in (await _pull(harness))["events"]}
        outbox: OutboxStore = harness.app[EVENTS_OUTBOX]
        deadline = time.monotonic() + 30
        while (await outbox.counts())["dead"] < len(expected):
            assert time.monotonic() < deadline, await outbox.counts()
            await asyncio.sleep(0.05)
        resp = await harness.client.get("/api/events/dead-letters", headers=admin)
        assert resp.status == 200
        listed = await resp.json()
        assert {e["id"] for e in listed["events"]} == expected
        assert all(e["attempts"] == 2 and e["last_error"] == "HTTP 500" for e in listed["events"])
        assert listed["counts"]["dead"] == len(expected)
        if delivery == "batch":  # the cursor moved past the given-up batch
            assert int(listed["batch"]["cursor"]) == max(int(e["cursor"]) for e in listed["events"])
            assert listed["batch"]["attempts"] == 0
        else:
            assert listed["batch"] is None
        party = await harness.client.get("/api/events/dead-letters", headers=harness.headers("c1"))
        assert party.status == 403
        bad_bodies: list[dict[str, Any]] = [{"event_ids": []}, {"event_ids": ["x"]}, {"all": True}]
        for bad_body in bad_bodies:
            bad = await harness.client.post(
                "/api/events/dead-letters/replay", json=bad_body, headers=admin
            )
            assert bad.status == 422
        failing = False
        one = sorted(expected)[0]
        resp = await harness.client.post(
            "/api/events/dead-letters/replay", json={"event_ids": [one]}, headers=admin
        )
        assert resp.status == 200 and (await resp.json())["replayed"] == 1
        await receiver.wait_for({one})
        resp = await harness.client.post("/api/events/dead-letters/replay-all", headers=admin)
        assert resp.status == 200 and (await resp.json())["replayed"] == len(expected) - 1
        await receiver.wait_for(expected)
        # (a dead letter stops holding its thread back, so replayed ones may come after
        # later events of their thread: the README says so)
        assert (await outbox.counts())["dead"] == 0
    finally:
        await receiver.close()


async def _fail_reminder_posts(store: Any, on: bool) -> None:
    """A real database failure: a trigger refuses to store reminder messages while on."""
    from sqlalchemy import text

    async with store.engine.begin() as conn:
        if store.is_sqlite:
            if on:
                await conn.execute(
                    text(
                        "CREATE TRIGGER fail_reminder BEFORE INSERT ON messages "
                        "WHEN NEW.body LIKE '%schedule.reminder%' "
                        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
                    )
                )
            else:
                await conn.execute(text("DROP TRIGGER fail_reminder"))
        elif on:
            await conn.execute(
                text(
                    "CREATE FUNCTION fail_reminder() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.body LIKE '%schedule.reminder%' THEN "
                    "RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ "
                    "LANGUAGE plpgsql"
                )
            )
            await conn.execute(
                text(
                    "CREATE TRIGGER fail_reminder BEFORE INSERT ON messages "
                    "FOR EACH ROW EXECUTE FUNCTION fail_reminder()"
                )
            )
        else:
            await conn.execute(text("DROP TRIGGER fail_reminder ON messages"))
            await conn.execute(text("DROP FUNCTION fail_reminder()"))


async def test_a_reminder_whose_post_failed_is_sent_by_the_next_tick(
    make_harness: HarnessFactory, receiver: Receiver
) -> None:
    """Reminders were at most once: the claim committed before the message was written, so a
    failure (or a crash) in between lost the reminder for good. Now claim, message and
    ``schedule.reminder`` event commit together."""
    from datetime import timedelta

    from signaling.api.context import CTX
    from signaling.api.meetings import MEETINGS
    from tests.api.test_meetings_api import accepted_schedule, slot

    harness = await _feed_harness(make_harness, receiver)
    thread = await harness.thread()
    _, start = await accepted_schedule(harness, thread["id"], slot(1))
    meetings = harness.app[MEETINGS]
    store = harness.app[CTX].store
    at_15 = start - timedelta(minutes=14, seconds=30)
    await _fail_reminder_posts(store, True)
    try:
        with contextlib.suppress(Exception):  # the tick fails; the loop would log it
            await meetings.tick(at_15)
    finally:
        await _fail_reminder_posts(store, False)
    assert await meetings.tick(at_15) != []  # the next tick sends it
    assert await meetings.tick(at_15) == []  # and only once
    reminders = (await _pull(harness, types="schedule.reminder"))["events"]
    assert len(reminders) == 1
    assert reminders[0]["data"]["starts_in_seconds"] == 15 * 60
    await receiver.wait_for({reminders[0]["id"]})


ROOT = str(Path(__file__).resolve().parents[2])


async def _cli(harness: Harness, tmp: Any, token: str, *args: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
    env.update(
        PYTHONPATH=ROOT,
        INTERVIEW_SERVICE_TOKEN=token,
        INTERVIEW_DATA_DIR=str(tmp),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "signaling", "events", "tail", "--url", harness.base_url, *args,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_cli_events_tail_prints_the_feed(harness: Harness, tmp_path: Any) -> None:
    import json

    thread = await harness.thread()
    for text in ("one", "two"):
        await harness.client.post(
            f"/api/threads/{thread['id']}/messages", json={"text": text},
            headers=harness.headers("c1"),
        )  # fmt: skip
    expected = (await _pull(harness, types="message.created"))["events"]
    code, out, err = await _cli(harness, tmp_path, SERVICE_TOKEN, "--types", "message.created")
    assert code == 0, err
    assert [json.loads(line) for line in out.splitlines()] == expected
    after = expected[0]["cursor"]
    code, out, _ = await _cli(harness, tmp_path, SERVICE_TOKEN, "--after", after)
    assert code == 0
    assert all(int(json.loads(line)["cursor"]) > int(after) for line in out.splitlines())
    code, out, err = await _cli(harness, tmp_path, "x" * 40)
    assert code == 1 and out == "" and "HTTP 401" in err


@pytest.mark.parametrize("delivery", ["single", "batch"])
async def test_a_backend_that_was_down_rebuilds_every_outcome_from_the_feed_alone(
    make_harness: HarnessFactory, delivery: str
) -> None:
    """The issue's test of done: the marketplace backend is down (its webhook answers 500)
    while calls end, the guard flags messages and calls are scheduled; when it is back it
    pages the pull feed from where it was and rebuilds every call outcome, policy hit and
    schedule step, exactly as the thread holds them; the webhook then gets them all too."""
    from tests.api.fake_media import FakeMediaFactory
    from tests.api.test_meetings_api import slot

    down = True
    receiver = Receiver(modes=lambda n: "500" if down else "ok")
    await receiver.start()
    try:
        harness = await make_harness(
            media_factory=FakeMediaFactory(),
            backend_webhook_url=receiver.url,
            backend_webhook_secret=SECRET,
            events_retry_base_seconds=0.01,
            events_retry_max_seconds=0.2,
            events_poll_seconds=0.05,
            events_timeout_seconds=2.0,
            events_max_attempts=100,  # down for a long time: retried, not given up
            events_delivery=delivery,
        )
        before = (await _pull(harness))["next_cursor"]  # where the backend stopped reading
        thread = await harness.thread()
        tid = thread["id"]
        client, freelancer = harness.headers("c1"), harness.headers("f1", "freelancer")
        for text in ("hi, thanks for applying", "mail me at jo.smith@example.com", "ok"):
            resp = await harness.client.post(
                f"/api/threads/{tid}/messages", json={"text": text}, headers=client
            )
            assert resp.status == 201, await resp.text()
        sio = await harness.socket("c1", "client")
        for kind in ("audio", "video"):
            ack = await sio.call("call:start", {"thread_id": tid, "kind": kind})
            assert (await sio.call("call:cancel", {"call_id": ack["call"]["call_id"]}))["ok"]
        resp = await harness.client.post(
            f"/api/threads/{tid}/schedules",
            json={"slots": [slot(24), slot(48)], "timezone": "UTC"},
            headers=client,
        )
        first = (await resp.json())["schedule"]
        resp = await harness.client.post(
            f"/api/schedules/{first['id']}/accept",
            json={"proposal_id": first["proposal"]["proposal_id"], "slot_index": 1},
            headers=freelancer,
        )
        assert resp.status == 200
        resp = await harness.client.post(
            f"/api/threads/{tid}/schedules",
            json={"slots": [slot(72)], "timezone": "UTC"},
            headers=freelancer,
        )
        second = (await resp.json())["schedule"]
        resp = await harness.client.post(
            f"/api/schedules/{second['id']}/cancel", json={"reason": "no"}, headers=client
        )
        assert resp.status == 200

        # back up: the feed alone, paged from the old cursor
        events: list[dict[str, Any]] = []
        cursor = before
        while page := (await _pull(harness, after=cursor, limit=3))["events"]:
            events += page
            cursor = page[-1]["cursor"]
        mine = [e for e in events if e["thread_id"] == tid]
        calls = {
            e["data"]["call_id"]: e["data"]["record"]["outcome"]
            for e in mine
            if e["type"] in ("call.ended", "call.missed")
        }
        flagged = [
            (e["data"]["message_seq"], e["data"]["action"], sorted(e["data"]["labels"]))
            for e in mine
            if e["type"] == "policy.flagged"
        ]
        schedules = [
            (e["data"]["schedule_id"], e["data"]["change"])
            for e in mine
            if e["type"].startswith("schedule.")
        ]

        # the truth: the thread as its party reads it
        resp = await harness.client.get(
            f"/api/threads/{tid}/messages", params={"limit": "200"}, headers=client
        )
        messages = (await resp.json())["messages"]
        by_kind = {k: [m["body"] for m in messages if m["kind"] == k] for k in ("call", "policy")}
        assert calls == {b["call_id"]: b["outcome"] for b in by_kind["call"]}
        assert len(calls) == 2
        assert flagged == [
            (b["message_seq"], b["action"], sorted(b["labels"])) for b in by_kind["policy"]
        ]
        assert len(flagged) == 1 and flagged[0][1] in ("redact", "block", "warn")
        assert schedules == [
            (m["body"]["schedule_id"], m["body"]["event"])
            for m in messages
            if m["kind"] == "schedule"
        ]
        assert [c for _, c in schedules] == ["proposed", "accepted", "proposed", "cancelled"]
        assert not receiver.acked  # nothing reached the backend while it was down

        down = False  # and the webhook catches up on its own
        await receiver.wait_for({e["id"] for e in events})
        assert receiver.order_violations() == []
    finally:
        await receiver.close()
