"""Auditor routes: access control, search filters and pagination, timeline, cases, exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator

from signaling.api.audit import AUDIT_ROUTES
from signaling.api.openapi import document
from tests.api.conftest import Harness, HarnessFactory
from tests.api.fake_media import FakeMediaFactory


async def make_calls(harness: Harness, thread_id: str, n: int) -> list[str]:
    """n calls in a thread: started and cancelled (a logged, zero-length outcome)."""
    sio = await harness.socket("c1", "client")
    ids = []
    for _ in range(n):
        ack = await sio.call("call:start", {"thread_id": thread_id, "kind": "audio"})
        ids.append(ack["call"]["call_id"])
        assert (await sio.call("call:cancel", {"call_id": ids[-1]}))["ok"]
    return ids


@pytest.fixture
async def audited(make_harness: HarnessFactory) -> tuple[Harness, dict[str, Any]]:
    harness = await make_harness(media_factory=FakeMediaFactory())
    thread = await harness.thread()
    return harness, thread


AUDITOR = ("a1", "auditor")


@pytest.mark.parametrize("role", ["client", "freelancer"])
async def test_non_auditors_get_403_on_every_audit_route(harness: Harness, role: str) -> None:
    for route in AUDIT_ROUTES:
        if not route.path.startswith("/api/audit"):
            continue
        path = (
            route.path.replace("{thread_id}", "t")
            .replace("{case_id}", "c")
            .replace("{fmt:csv|jsonl}", "csv")
        )
        resp = await harness.client.request(
            route.method, path, json={}, headers=harness.headers("c1", role)
        )
        assert resp.status == 403, (route.method, path)
        assert (await resp.json())["code"] == "not_auditor"
        anonymous = await harness.client.request(route.method, path, json={})
        assert anonymous.status == 401


async def test_call_search_filters_and_cursor(audited: tuple[Harness, dict[str, Any]]) -> None:
    harness, thread = audited
    ids = await make_calls(harness, thread["id"], 5)
    other = await harness.thread(client_id="c2", freelancer_id="f2", job_id="job-9")
    await make_calls(harness, other["id"], 0)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"participant": "f1", "limit": "2"}
        if cursor:
            params["cursor"] = cursor
        resp = await harness.client.get(
            "/api/audit/calls", params=params, headers=harness.headers(*AUDITOR)
        )
        assert resp.status == 200
        data = await resp.json()
        seen += [c["call_id"] for c in data["calls"]]
        cursor = data["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen))
    for params, expected in [
        ({"kind": "video"}, 0),
        ({"kind": "audio", "end_reason": "cancelled"}, 5),
        ({"job_id": "job-9"}, 0),
        ({"thread_id": thread["id"], "max_duration": "0"}, 5),
        ({"recorded": "true"}, 0),
        ({"flag": "email"}, 0),
    ]:
        resp = await harness.client.get(
            "/api/audit/calls", params=params, headers=harness.headers(*AUDITOR)
        )
        assert len((await resp.json())["calls"]) == expected, params


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, "bad_range"),
        ({"flag": "carrier_pigeon"}, "invalid_query"),
        ({"kind": "fax"}, "invalid_query"),
        ({"min_duration": "10", "max_duration": "5"}, "bad_range"),
        ({"from": "yesterday"}, "invalid_query"),
        ({"cursor": "!!!"}, "bad_cursor"),
        ({"nonsense": "1"}, "invalid_query"),
    ],
)
async def test_bad_filters_are_4xx(harness: Harness, params: dict[str, str], code: str) -> None:
    resp = await harness.client.get(
        "/api/audit/calls", params=params, headers=harness.headers(*AUDITOR)
    )
    assert 400 <= resp.status < 500
    assert (await resp.json())["code"] == code


async def test_timeline_shows_originals_and_verifies(make_harness: HarnessFactory) -> None:
    harness = await make_harness(policy_action="block")
    thread = await harness.thread()
    leak = "my email is lena.m@proton.me"
    await harness.client.post(
        f"/api/threads/{thread['id']}/messages",
        json={"text": "hello there"},
        headers=harness.headers("c1"),
    )
    blocked = await harness.client.post(
        f"/api/threads/{thread['id']}/messages",
        json={"text": leak},
        headers=harness.headers("f1", "freelancer"),
    )
    assert blocked.status == 422
    resp = await harness.client.get(
        f"/api/audit/threads/{thread['id']}/timeline", headers=harness.headers(*AUDITOR)
    )
    data = await resp.json()
    assert data["verification"]["ok"] is True
    kinds = [i["type"] for i in data["timeline"]]
    assert "blocked_message" in kinds
    blocked_item = next(i for i in data["timeline"] if i["type"] == "blocked_message")
    assert blocked_item["original_text"] == leak and blocked_item["labels"] == ["email"]
    assert any(e["event_type"] == "policy.blocked" for e in data["audit"])
    search = await harness.client.get(
        "/api/audit/findings",
        params={"label": "email", "user": "f1"},
        headers=harness.headers(*AUDITOR),
    )
    assert [f["matched"] for f in (await search.json())["findings"]] == ["lena.m@proton.me"]


async def test_auditor_reads_are_audited_and_admin_sees_them(harness: Harness) -> None:
    thread = await harness.thread()
    await harness.client.get(
        f"/api/audit/threads/{thread['id']}/verify", headers=harness.headers(*AUDITOR)
    )
    forbidden = await harness.client.get("/api/audit/access", headers=harness.headers(*AUDITOR))
    assert forbidden.status == 403
    resp = await harness.client.get("/api/audit/access", headers=harness.headers("root", "admin"))
    access = (await resp.json())["access"]
    assert any(
        a["actor_id"] == "a1" and a["what"] == "thread.verify" and a["thread_id"] == thread["id"]
        for a in access
    )


async def test_report_opens_case_and_auditor_works_it(harness: Harness) -> None:
    thread = await harness.thread()
    outsider = await harness.client.post(
        f"/api/threads/{thread['id']}/reports",
        json={"reason": "spam"},
        headers=harness.headers("zz", "freelancer"),
    )
    assert outsider.status == 404
    resp = await harness.client.post(
        f"/api/threads/{thread['id']}/reports",
        json={"reason": "asked me to work for free"},
        headers=harness.headers("f1", "freelancer"),
    )
    assert resp.status == 201
    case_id = (await resp.json())["case_id"]
    queue = await harness.client.get(
        "/api/audit/cases", params={"status": "open"}, headers=harness.headers(*AUDITOR)
    )
    assert [c["id"] for c in (await queue.json())["cases"]] == [case_id]
    url = f"/api/audit/cases/{case_id}"
    step = await harness.client.post(
        url,
        json={"status": "reviewing", "note": "looking", "legal_hold": True},
        headers=harness.headers(*AUDITOR),
    )
    case = await step.json()
    assert case["status"] == "reviewing" and case["legal_hold"] is True
    done = await harness.client.post(
        url,
        json={"status": "resolved", "note": "warned the client"},
        headers=harness.headers(*AUDITOR),
    )
    assert (await done.json())["status"] == "resolved"
    bad = await harness.client.post(
        url, json={"status": "open", "note": "reopen?"}, headers=harness.headers(*AUDITOR)
    )
    assert bad.status == 409
    full = await (await harness.client.get(url, headers=harness.headers(*AUDITOR))).json()
    # each history line says what changed, then the auditor's note
    assert [n["note"] for n in full["notes"]] == [
        "Status open → reviewing; legal hold on. looking",
        "Status reviewing → resolved. warned the client",
    ]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
async def test_exports_stream_every_match(
    audited: tuple[Harness, dict[str, Any]], fmt: str
) -> None:
    harness, thread = audited
    ids = await make_calls(harness, thread["id"], 3)
    resp = await harness.client.get(
        f"/api/audit/calls.{fmt}",
        params={"participant": "c1"},
        headers=harness.headers(*AUDITOR),
    )
    assert resp.status == 200
    body = await resp.text()
    if fmt == "csv":
        table = list(csv.DictReader(io.StringIO(body)))
        assert sorted(r["call_id"] for r in table) == sorted(ids)
    else:
        lines = [json.loads(line) for line in body.splitlines()]
        assert sorted(r["call_id"] for r in lines) == sorted(ids)
        assert all(r["record"]["outcome"] == "cancelled" for r in lines)


async def test_stats_for_charts(audited: tuple[Harness, dict[str, Any]]) -> None:
    harness, thread = audited
    await make_calls(harness, thread["id"], 2)
    data = await (
        await harness.client.get("/api/audit/stats", headers=harness.headers(*AUDITOR))
    ).json()
    assert sum(day.get("audio", 0) for day in data["calls_per_day"].values()) == 2
    assert data["open_cases"] == 0


@pytest.fixture(scope="module")
def schema_check() -> Callable[[str], Any]:
    """Validators of the OpenAPI document's schemas by name (``$ref``s resolved in it)."""
    components = document()["components"]  # builds an app in a temporary directory

    def check(name: str) -> Any:
        schema = {"$ref": f"#/components/schemas/{name}", "components": components}
        return OAS31Validator(schema, format_checker=OAS31Validator.FORMAT_CHECKER)

    return check


@pytest.mark.parametrize("action", ["block", "redact"])
async def test_timeline_findings_and_stats_match_their_schemas(
    make_harness: HarnessFactory,
    schema_check: Callable[[str], Any],
    action: str,
) -> None:
    """The web client's types for these replies are generated from their schemas, so the
    schemas must say what the server sends: every kind of timeline item (a message, a redacted
    one with its original text, a blocked one), the audit entries, findings and stats."""
    harness = await make_harness(policy_action=action, media_factory=FakeMediaFactory())
    thread = await harness.thread()
    path = f"/api/threads/{thread['id']}/messages"
    await harness.client.post(path, json={"text": "hello"}, headers=harness.headers("c1"))
    leak = await harness.client.post(
        path, json={"text": "mail me: lena.m@proton.me"}, headers=harness.headers("c1")
    )
    assert leak.status == (422 if action == "block" else 201)
    await make_calls(harness, thread["id"], 1)
    auditor = harness.headers(*AUDITOR)
    timeline = await (
        await harness.client.get(f"/api/audit/threads/{thread['id']}/timeline", headers=auditor)
    ).json()
    errors = sorted(schema_check("Timeline").iter_errors(timeline), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    kinds = {item["type"] for item in timeline["timeline"]}
    assert kinds == ({"message", "blocked_message"} if action == "block" else {"message"})
    if action == "redact":
        assert any("original_text" in item for item in timeline["timeline"])
    assert timeline["audit"] and timeline["findings"] and timeline["calls"]
    # each item is one kind only (oneOf): a message is not also a blocked message
    for item in timeline["timeline"]:
        message = not list(schema_check("TimelineMessage").iter_errors(item))
        blocked = not list(schema_check("TimelineBlockedMessage").iter_errors(item))
        assert (message, blocked) == (item["type"] == "message", item["type"] != "message")
    findings = await (await harness.client.get("/api/audit/findings", headers=auditor)).json()
    assert findings["findings"]
    assert not list(schema_check("FindingPage").iter_errors(findings))
    stats = await (await harness.client.get("/api/audit/stats", headers=auditor)).json()
    assert stats["calls_per_day"] and stats["findings_per_day"]
    assert not list(schema_check("Stats").iter_errors(stats)), stats
