"""The ``access`` chain: every auditor or admin request is logged once (by the route table's
mechanism, not by each handler), recording streams once per stream, and admins page through
the chain newest first however long it is."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from signaling.api.access import ACCESS_CHAIN
from signaling.api.context import CTX
from signaling.app import API_ROUTES
from signaling.store.sql import SqlStore, utcnow
from tests.api.conftest import Harness, HarnessFactory
from tests.api.fake_media import FakeMediaFactory

AUDITOR = ("a1", "auditor")
ADMIN = ("root", "admin")


def sql_store(harness: Harness) -> SqlStore:
    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    return store


async def access_entries(harness: Harness) -> list[dict[str, Any]]:
    import json

    entries = await sql_store(harness).audit_entries(ACCESS_CHAIN, limit=1_000_000)
    return [{"actor_id": e.actor_id, **json.loads(e.entry)["data"]} for e in entries]


async def test_auditor_thread_reads_are_logged_once_each(harness: Harness) -> None:
    thread = await harness.thread()
    tid = thread["id"]
    party = harness.headers("c1", "client")
    for path in ("/api/threads", f"/api/threads/{tid}", f"/api/threads/{tid}/messages"):
        assert (await harness.client.get(path, headers=party)).status == 200
    assert await access_entries(harness) == []  # the parties' own reads are not audit access

    auditor = harness.headers(*AUDITOR)
    for path in ("/api/threads", f"/api/threads/{tid}", f"/api/threads/{tid}/messages"):
        assert (await harness.client.get(path, headers=auditor)).status == 200
    missing = await harness.client.get("/api/threads/no-such-thread", headers=auditor)
    assert missing.status == 404  # nothing read, nothing logged
    sio = await harness.socket(*AUDITOR)
    ack = await sio.call("thread:join", {"thread_id": tid})
    assert ack["ok"]
    admin = await harness.socket(*ADMIN)
    assert (await admin.call("thread:join", {"thread_id": tid, "after_seq": 0}))["ok"]

    got = [(e["actor_id"], e["what"], e.get("thread_id")) for e in await access_entries(harness)]
    assert got == [
        ("a1", "threads.list", None),
        ("a1", "thread.read", tid),
        ("a1", "messages.read", tid),
        ("a1", "thread.join", tid),
        ("root", "thread.join", tid),
    ]
    assert {e["role"] for e in await access_entries(harness)} == {"auditor", "admin"}


ROUTE_QUERIES = {
    "/api/audit/proofs/inclusion": {"index": "1"},
    "/api/audit/proofs/consistency": {"first": "1", "second": "2"},
}


async def test_every_route_logs_an_admin_request_exactly_once(
    make_harness: HarnessFactory,
) -> None:
    """Walks the whole route table, so a route added later is covered without a new test."""
    harness = await make_harness(media_factory=FakeMediaFactory())
    thread = await harness.thread()
    admin = harness.headers(*ADMIN)
    opened = await harness.client.post(
        "/api/audit/cases", json={"thread_id": thread["id"], "reason": "check"}, headers=admin
    )
    assert opened.status == 201
    ids = {"thread_id": thread["id"], "case_id": (await opened.json())["id"]}
    logged: list[str] = []
    for route in harness.app[API_ROUTES]:
        if route.method != "GET" or not route.auth or getattr(route, "access", "") is None:
            continue
        path = re.sub(r"\{fmt:[^}]*\}", "csv", route.path)
        path = re.sub(r"\{(\w+)\}", lambda m: ids.get(m[1], "missing"), path)
        before = len(await access_entries(harness))
        resp = await harness.client.get(
            path, params=ROUTE_QUERIES.get(route.path, {}), headers=admin
        )
        await resp.read()
        new = (await access_entries(harness))[before:]
        if resp.status < 400:
            assert len(new) == 1, (route.path, new)
            assert new[0]["actor_id"] == "root" and new[0]["role"] == "admin"
            logged.append(route.path)
        else:
            assert new == [], (route.path, resp.status)
    # the walk is not vacuous: thread reads and auditor routes were all served and logged
    for path in (
        "/api/threads",
        "/api/threads/{thread_id}",
        "/api/threads/{thread_id}/messages",
        "/api/audit/calls",
        "/api/audit/threads/{thread_id}/timeline",
        "/api/audit/cases/{case_id}",
        "/api/audit/access",
    ):
        assert path in logged, path


async def stored_recording(harness: Harness, size: int = 4000) -> str:
    """A call (started and cancelled) with a file stored under its first segment's key."""
    thread = await harness.thread()
    sio = await harness.socket("c1", "client")
    ack = await sio.call("call:start", {"thread_id": thread["id"], "kind": "audio"})
    call_id = ack["call"]["call_id"]
    assert (await sio.call("call:cancel", {"call_id": call_id}))["ok"]
    root = harness.app[CTX].settings.recordings_dir
    await asyncio.to_thread(root.mkdir, parents=True, exist_ok=True)
    key = f"{call_id}-1.webm"
    await asyncio.to_thread((root / key).write_bytes, bytes(range(256)) * (size // 256))
    return key


async def test_a_recording_stream_is_one_entry_not_one_per_range(
    make_harness: HarnessFactory,
) -> None:
    harness = await make_harness(
        media_factory=FakeMediaFactory(), recording_parties_can_download=True
    )
    key = await stored_recording(harness)
    url = f"/api/recordings/{key}"
    auditor, admin = harness.headers(*AUDITOR), harness.headers(*ADMIN)

    async def get(headers: dict[str, str], rng: str | None) -> int:
        extra = {"Range": rng} if rng else {}
        resp = await harness.client.get(url, headers={**headers, **extra})
        await resp.read()
        return resp.status

    # a player: the start, then chunks, a seek and the index at the end: one stream
    for rng in ("bytes=0-", "bytes=1000-1999", "bytes=2000-", "bytes=-100", "bytes=3000-3099"):
        assert await get(auditor, rng) == 206
    streams = [e for e in await access_entries(harness) if e["what"] == "recording.stream"]
    assert [(e["actor_id"], e["key"], e["range"]) for e in streams] == [("a1", key, "bytes=0-")]
    # playing it again from the start is another stream; so is a cold read that skips byte 0
    assert await get(auditor, None) == 200
    assert await get(admin, "bytes=500-") == 206
    assert await get(harness.headers("c1", "client"), "bytes=0-99") == 206  # a party, allowed
    other = harness.headers("a2", "auditor")
    assert await get(other, "bytes=999999-") == 416  # nothing served, nothing logged...
    assert await get(other, "bytes=100-") == 206  # ...so this is a stream of its own
    streams = [e for e in await access_entries(harness) if e["what"] == "recording.stream"]
    assert [(e["actor_id"], e["range"]) for e in streams] == [
        ("a1", "bytes=0-"),
        ("a1", None),
        ("root", "bytes=500-"),
        ("c1", "bytes=0-99"),
        ("a2", "bytes=100-"),
    ]


async def test_access_log_pages_newest_first_past_10000(make_harness: HarnessFactory) -> None:
    harness = await make_harness()
    store = sql_store(harness)
    total = 10_050
    async with store.write() as conn:  # one transaction: fast on both backends
        for n in range(total):
            await store._audit(
                conn, ACCESS_CHAIN, "audit.access", "a1", {"what": "bulk", "n": n}, utcnow()
            )
    admin = harness.headers(*ADMIN)
    first = await harness.client.get("/api/audit/access", params={"limit": 1000}, headers=admin)
    assert first.status == 200
    page = await first.json()
    assert page["access"][0]["n"] == total - 1  # the newest entry, not one of the oldest 10,000
    seen = [item["position"] for item in page["access"]]
    ns = [item["n"] for item in page["access"]]
    while page["next"] is not None:
        resp = await harness.client.get(
            "/api/audit/access", params={"limit": 1000, "before": page["next"]}, headers=admin
        )
        page = await resp.json()
        seen += [item["position"] for item in page["access"]]
        ns += [item.get("n") for item in page["access"]]
    assert seen == list(range(total - 1, -1, -1))  # every entry once, newest first
    assert ns == list(range(total - 1, -1, -1))
    # the admin's page reads were logged (after the pages were read), newest first again
    latest = await (
        await harness.client.get("/api/audit/access", params={"limit": 2}, headers=admin)
    ).json()
    assert [i["what"] for i in latest["access"]] == ["access.list", "access.list"]
    assert latest["access"][0]["position"] > latest["access"][1]["position"] >= total
    for bad in ({"before": "x"}, {"limit": "0"}, {"limit": "1001"}, {"before": "-1"}):
        resp = await harness.client.get("/api/audit/access", params=bad, headers=admin)
        assert resp.status == 422, bad
    auditor = await harness.client.get("/api/audit/access", headers=harness.headers(*AUDITOR))
    assert auditor.status == 403
