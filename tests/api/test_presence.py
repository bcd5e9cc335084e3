"""Read receipts, typing, thread activity and the composer's policy preview (real server)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Harness
from tests.api.test_socket import collect, wait_for


async def _joined(harness: Harness, thread_id: str, *users: tuple[str, str]) -> list[Any]:
    sockets = []
    for user, role in users:
        sio = await harness.socket(user, role)
        ack = await sio.call("thread:join", {"thread_id": thread_id})
        assert ack["ok"], ack
        sockets.append(sio)
    return sockets


async def activity(harness: Harness, user: str, role: str) -> dict[str, Any]:
    resp = await harness.client.get("/api/activity", headers=harness.headers(user, role))
    assert resp.status == 200, await resp.text()
    data: dict[str, Any] = await resp.json()
    return {item["thread_id"]: item for item in data["threads"]}


async def test_read_receipts_are_stored_relayed_and_only_move_forward(harness: Harness) -> None:
    thread = await harness.thread()
    tid = thread["id"]
    client, freelancer = await _joined(harness, tid, ("c1", "client"), ("f1", "freelancer"))
    seen_by_client = await collect(client, "thread:read")
    for i in range(3):
        ack = await client.call("message:send", {"thread_id": tid, "text": f"hello {i}"})
        assert ack["ok"]

    before = await activity(harness, "f1", "freelancer")
    assert before[tid]["unread"] == 3
    assert before[tid]["last_message"]["preview"] == "hello 2"
    assert before[tid]["last_message"]["seq"] == 3

    ack = await freelancer.call("thread:read", {"thread_id": tid, "delivered_seq": 3})
    assert ack == {
        "ok": True,
        "read": {"thread_id": tid, "user_id": "f1", "delivered_seq": 3, "read_seq": 0},
    }
    ack = await freelancer.call("thread:read", {"thread_id": tid, "read_seq": 2})
    assert ack["read"]["read_seq"] == 2 and ack["read"]["delivered_seq"] == 3
    # an older mark (a slow tab) never moves it back; a mark past the end is capped
    ack = await freelancer.call("thread:read", {"thread_id": tid, "read_seq": 1})
    assert ack["read"]["read_seq"] == 2
    ack = await freelancer.call("thread:read", {"thread_id": tid, "read_seq": 99})
    assert ack["read"]["read_seq"] == 3
    await wait_for(lambda: any(e["read_seq"] == 3 for e in seen_by_client))

    # stored: after a "reload" both parties see the marks, and the reader has nothing unread
    after = await activity(harness, "f1", "freelancer")
    assert after[tid]["unread"] == 0
    assert {"user_id": "f1", "delivered_seq": 3, "read_seq": 3} in after[tid]["reads"]
    other = await activity(harness, "c1", "client")
    assert other[tid]["unread"] == 0  # the client's own messages are never unread to them
    assert {"user_id": "f1", "delivered_seq": 3, "read_seq": 3} in other[tid]["reads"]


async def test_read_marks_are_for_parties_only(harness: Harness) -> None:
    thread = await harness.thread()
    auditor = await harness.socket("a1", "auditor")
    ack = await auditor.call("thread:read", {"thread_id": thread["id"], "read_seq": 1})
    assert not ack["ok"] and ack["code"] == "not_a_party"
    stranger = await harness.socket("x9", "freelancer")
    ack = await stranger.call("thread:read", {"thread_id": thread["id"], "read_seq": 1})
    assert not ack["ok"] and ack["code"] == "thread_not_found"
    ack = await stranger.call("thread:read", {"thread_id": thread["id"], "read_seq": -1})
    assert not ack["ok"] and ack["code"] == "invalid"


async def test_typing_is_relayed_to_the_other_party_and_rate_limited(
    make_harness: Any,
) -> None:
    harness: Harness = await make_harness(typing_burst=2, typing_rate_per_minute=1.0)
    thread = await harness.thread()
    tid = thread["id"]
    client, freelancer = await _joined(harness, tid, ("c1", "client"), ("f1", "freelancer"))
    typing_seen = await collect(freelancer, "thread:typing")
    own_echo = await collect(client, "thread:typing")
    assert (await client.call("thread:typing", {"thread_id": tid}))["ok"]
    await wait_for(lambda: len(typing_seen) == 1)
    assert typing_seen[0] == {"thread_id": tid, "user_id": "c1"}
    assert (await client.call("thread:typing", {"thread_id": tid}))["ok"]
    limited = await client.call("thread:typing", {"thread_id": tid})
    assert not limited["ok"] and limited["code"] == "rate_limited" and limited["retry_after"] > 0
    assert own_echo == []  # not echoed to the typing socket


async def test_policy_preview_warns_before_sending_and_stores_nothing(harness: Harness) -> None:
    thread = await harness.thread()
    tid = thread["id"]
    headers = harness.headers("c1", "client")
    resp = await harness.client.post(
        f"/api/threads/{tid}/policy-preview",
        json={"text": "my email is dana.kowalski@gmail.com"},
        headers=headers,
    )
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["action"] == "redact" and body["labels"] == ["email"]
    assert body["warning"] == "Contact details will be removed before sending: email address."
    clean = await harness.client.post(
        f"/api/threads/{tid}/policy-preview", json={"text": "hello"}, headers=headers
    )
    assert (await clean.json()) == {"action": None, "labels": [], "warning": ""}
    # nothing was sent or recorded
    msgs = await harness.client.get(f"/api/threads/{tid}/messages", headers=headers)
    assert (await msgs.json())["messages"] == []
    # strangers get the same 404 as for a missing thread; bad bodies a 422 problem
    stranger = await harness.client.post(
        f"/api/threads/{tid}/policy-preview",
        json={"text": "x"},
        headers=harness.headers("x9", "freelancer"),
    )
    assert stranger.status == 404
    bad = await harness.client.post(
        f"/api/threads/{tid}/policy-preview", json={"text": 5}, headers=headers
    )
    assert bad.status == 422
    assert bad.headers["Content-Type"].startswith("application/problem+json")
