"""REST API behaviour through the real app, on SQLite and PostgreSQL."""

from __future__ import annotations

import time

import jwt
import pytest

from signaling.api.context import CTX
from tests.api.conftest import SERVICE_TOKEN, Harness, HarnessFactory


async def test_dev_login_only_in_dev_mode(make_harness: HarnessFactory) -> None:
    dev = await make_harness()
    resp = await dev.client.post(
        "/api/dev/login", json={"user_id": "u1", "name": "U One", "role": "freelancer"}
    )
    assert resp.status == 200
    token = (await resp.json())["token"]
    me = await dev.client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert (await me.json()) == {"user_id": "u1", "name": "U One", "role": "freelancer"}
    prod = await make_harness(dev_mode=False)
    resp = await prod.client.post(
        "/api/dev/login", json={"user_id": "u1", "name": "U", "role": "client"}
    )
    assert resp.status == 404
    assert (await resp.json())["code"] == "not_found"


async def test_thread_lifecycle_and_visibility(harness: Harness) -> None:
    thread = await harness.thread()
    assert thread["stage"] == "invited" and thread["client_name"] == "C1"
    again = await harness.client.post(
        "/api/threads",
        json={"job_id": "job-1", "job_title": "Logo design", "freelancer_id": "f1"},
        headers=harness.headers("c1"),
    )
    assert again.status == 200 and (await again.json())["id"] == thread["id"]

    url = f"/api/threads/{thread['id']}"
    for user, role, status in [
        ("c1", "client", 200),
        ("f1", "freelancer", 200),
        ("a1", "auditor", 200),
        ("intruder", "client", 404),
    ]:
        resp = await harness.client.get(url, headers=harness.headers(user, role))
        assert resp.status == status, user
    listed = await harness.client.get("/api/threads", headers=harness.headers("f1", "freelancer"))
    assert [t["id"] for t in (await listed.json())["threads"]] == [thread["id"]]
    none = await harness.client.get("/api/threads", headers=harness.headers("x", "freelancer"))
    assert (await none.json())["threads"] == []


async def test_only_clients_or_service_open_threads(harness: Harness) -> None:
    body = {"job_id": "j", "job_title": "T", "freelancer_id": "f9"}
    resp = await harness.client.post(
        "/api/threads", json=body, headers=harness.headers("f1", "freelancer")
    )
    assert resp.status == 403
    svc = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    resp = await harness.client.post("/api/threads", json=body, headers=svc)
    assert resp.status == 422 and "client_id" in (await resp.json())["detail"]
    resp = await harness.client.post("/api/threads", json={**body, "client_id": "c7"}, headers=svc)
    assert resp.status == 201 and (await resp.json())["client_id"] == "c7"


async def test_messages_seq_idempotency_and_stage(harness: Harness) -> None:
    thread = await harness.thread()
    url = f"/api/threads/{thread['id']}/messages"
    first = await harness.client.post(
        url,
        json={"text": "Hi Felix, can we talk about the logo?", "client_msg_id": "m-1"},
        headers=harness.headers("c1"),
    )
    assert first.status == 201
    retry = await harness.client.post(
        url,
        json={"text": "Hi Felix, can we talk about the logo?", "client_msg_id": "m-1"},
        headers=harness.headers("c1"),
    )
    assert retry.status == 200
    assert (await retry.json())["id"] == (await first.json())["id"]
    await harness.client.post(
        url, json={"text": "Sure!"}, headers=harness.headers("f1", "freelancer")
    )
    msgs = (await (await harness.client.get(url, headers=harness.headers("c1"))).json())["messages"]
    assert [m["seq"] for m in msgs] == [1, 2]
    after = await harness.client.get(f"{url}?after_seq=1", headers=harness.headers("c1"))
    assert [m["text"] for m in [x["body"] for x in (await after.json())["messages"]]] == ["Sure!"]
    got = await harness.client.get(f"/api/threads/{thread['id']}", headers=harness.headers("c1"))
    assert (await got.json())["stage"] == "interviewing"


async def test_auditor_reads_but_cannot_write(harness: Harness) -> None:
    thread = await harness.thread()
    resp = await harness.client.post(
        f"/api/threads/{thread['id']}/messages",
        json={"text": "hello"},
        headers=harness.headers("a1", "auditor"),
    )
    assert resp.status == 403 and (await resp.json())["code"] == "not_a_party"


async def test_stage_rules(harness: Harness) -> None:
    thread = await harness.thread()
    tid = thread["id"]
    stage = f"/api/threads/{tid}/stage"
    await harness.client.post(
        f"/api/threads/{tid}/messages", json={"text": "hello"}, headers=harness.headers("c1")
    )
    resp = await harness.client.post(
        stage, json={"stage": "hired"}, headers=harness.headers("f1", "freelancer")
    )
    assert resp.status == 403
    # Only the marketplace starts a contract: the client alone cannot move the thread to hired.
    resp = await harness.client.post(stage, json={"stage": "hired"}, headers=harness.headers("c1"))
    problem = await resp.json()
    assert resp.status == 403 and problem["code"] == "transition_not_allowed"
    service = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    resp = await harness.client.post(stage, json={"stage": "hired"}, headers=service)
    assert resp.status == 200 and (await resp.json())["contract_started_at"] is not None
    resp = await harness.client.post(
        stage, json={"stage": "interviewing"}, headers=harness.headers("c1")
    )
    problem = await resp.json()
    assert resp.status == 409 and problem["code"] == "illegal_transition" and problem["detail"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "bad_json"),
        (b"", 400, "body_missing"),
        (b"[1,2]", 422, "invalid"),
        (b'{"text": 5}', 422, "invalid"),
        (b'{"text": "hi", "extra": 1}', 422, "invalid"),
        (b'{"text": "   "}', 422, "empty_message"),
        (('{"text": "' + "a" * 10_001 + '"}').encode(), 422, "message_too_long"),
        (b'{"text": "' + b"a" * 70_000 + b'"}', 413, "too_large"),
    ],
)
async def test_bad_input_is_a_clear_problem_and_changes_nothing(
    harness: Harness, body: bytes, status: int, code: str
) -> None:
    thread = await harness.thread()
    url = f"/api/threads/{thread['id']}/messages"
    headers = {**harness.headers("c1"), "Content-Type": "application/json"}
    resp = await harness.client.post(url, data=body, headers=headers)
    assert resp.status == status
    assert resp.content_type == "application/problem+json"
    problem = await resp.json()
    assert problem["code"] == code and problem["status"] == status and problem["detail"]
    msgs = await harness.client.get(url, headers=harness.headers("c1"))
    assert (await msgs.json())["messages"] == []


async def test_auth_errors(harness: Harness) -> None:
    resp = await harness.client.get("/api/threads")
    assert resp.status == 401 and (await resp.json())["code"] == "token_missing"
    settings = harness.app[CTX].settings
    expired = jwt.encode(
        {"sub": "c1", "role": "client", "name": "C", "exp": int(time.time()) - 120},
        settings.jwt_secret,
        algorithm="HS256",
    )
    resp = await harness.client.get("/api/threads", headers={"Authorization": f"Bearer {expired}"})
    assert resp.status == 401 and (await resp.json())["code"] == "token_expired"
    forged = jwt.encode(
        {"sub": "c1", "role": "client", "exp": 2**40},
        "wrong-secret-0123456789abcdef0123456789",
        algorithm="HS256",
    )
    resp = await harness.client.get("/api/threads", headers={"Authorization": f"Bearer {forged}"})
    assert resp.status == 401 and (await resp.json())["code"] == "token_invalid"


async def test_unknown_thread_and_route(harness: Harness) -> None:
    resp = await harness.client.get("/api/threads/nope/messages", headers=harness.headers("c1"))
    assert resp.status == 404 and (await resp.json())["code"] == "thread_not_found"
    resp = await harness.client.get("/api/nothing-here", headers=harness.headers("c1"))
    assert resp.status == 404 and (await resp.json())["code"] == "not_found"
    resp = await harness.client.delete("/api/threads", headers=harness.headers("c1"))
    assert resp.status == 405


async def test_bad_query_parameters(harness: Harness) -> None:
    thread = await harness.thread()
    resp = await harness.client.get(
        f"/api/threads/{thread['id']}/messages?after_seq=-1", headers=harness.headers("c1")
    )
    assert resp.status == 422 and (await resp.json())["code"] == "invalid_query"


async def test_message_rate_limit(make_harness: HarnessFactory) -> None:
    harness = await make_harness(message_rate_per_minute=6, message_burst=3)
    thread = await harness.thread()
    url = f"/api/threads/{thread['id']}/messages"
    statuses = []
    for i in range(4):
        resp = await harness.client.post(url, json={"text": f"m{i}"}, headers=harness.headers("c1"))
        statuses.append(resp.status)
    assert statuses == [201, 201, 201, 429]
    assert int(resp.headers["Retry-After"]) >= 1
    assert (await resp.json())["code"] == "rate_limited"


async def test_openapi_matches_routes(harness: Harness) -> None:
    doc = await (await harness.client.get("/api/openapi.json")).json()
    assert doc["openapi"].startswith("3.1")
    documented = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    registered = set()
    for route in harness.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if path and path.startswith("/api/") and path != "/api/openapi.json":
            if route.method != "HEAD":
                registered.add((route.method, path))
    assert documented == registered
