"""socket.io behaviour with python-socketio's AsyncClient against the real server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import socketio
import sqlalchemy

from signaling.api.context import CTX
from signaling.api.events import CLIENT_EVENTS, render_markdown
from signaling.store.sql import SqlStore
from tests.api.conftest import Harness
from tests.sockets import connect, new_client


async def collect(sio: Any, event: str) -> list[Any]:
    received: list[Any] = []
    sio.on(event, received.append)
    return received


async def wait_for(predicate: Any, within: float = 5.0) -> None:
    """Poll until ``predicate()`` holds; fail after ``within`` seconds (not a timing assert)."""
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110 - polling state owned by another client
            await asyncio.sleep(0.02)


async def test_bad_token_is_refused_at_connect(harness: Harness) -> None:
    sio = new_client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await connect(sio, harness.base_url, {"token": "garbage"})
    with pytest.raises(socketio.exceptions.ConnectionError):
        await connect(sio, harness.base_url)


async def test_join_send_fanout_and_resume(harness: Harness) -> None:
    thread = await harness.thread()
    client = await harness.socket("c1", "client")
    freelancer = await harness.socket("f1", "freelancer")
    inbox = await collect(freelancer, "message:new")
    for sio in (client, freelancer):
        ack = await sio.call("thread:join", {"thread_id": thread["id"], "after_seq": 0})
        assert ack["ok"] and ack["messages"] == [] and ack["thread"]["id"] == thread["id"]
    ack = await client.call(
        "message:send", {"thread_id": thread["id"], "text": "Hello!", "client_msg_id": "a"}
    )
    assert ack["ok"] and ack["message"]["seq"] == 1 and ack["created"]
    dup = await client.call(
        "message:send", {"thread_id": thread["id"], "text": "Hello!", "client_msg_id": "a"}
    )
    assert dup["ok"] and not dup["created"] and dup["message"]["id"] == ack["message"]["id"]
    await wait_for(lambda: len(inbox) == 1)
    assert inbox[0]["body"]["text"] == "Hello!"

    # the freelancer drops; messages sent meanwhile come back on re-join
    await freelancer.disconnect()
    for i in range(3):
        await client.call("message:send", {"thread_id": thread["id"], "text": f"while away {i}"})
    again = await harness.socket("f1", "freelancer")
    ack = await again.call("thread:join", {"thread_id": thread["id"], "after_seq": 1})
    assert [m["seq"] for m in ack["messages"]] == [2, 3, 4]


@pytest.mark.parametrize(
    ("event", "payload", "code"),
    [
        ("thread:join", {"thread_id": "nope"}, "thread_not_found"),
        ("thread:join", "not an object", "invalid"),
        ("thread:join", {"thread_id": "x", "after_seq": "a"}, "invalid"),
        ("message:send", {"thread_id": "x"}, "invalid"),
        ("message:send", {"thread_id": "x", "text": "hi", "bogus": 1}, "invalid"),
        ("call:accept", {"call_id": "nope"}, "call_not_found"),
        ("rtc:offer", {"call_id": "nope", "sdp": "v=0"}, "call_not_found"),
        ("rtc:candidate", {"call_id": "nope", "candidate": 5}, "invalid"),
    ],
)
async def test_bad_payloads_get_error_acks(
    harness: Harness, event: str, payload: Any, code: str
) -> None:
    sio = await harness.socket("c1")
    ack = await sio.call(event, payload)
    assert ack["ok"] is False and ack["code"] == code and ack["reason"]
    # the connection is still usable
    assert sio.connected
    ok = await sio.call("thread:join", {"thread_id": (await harness.thread())["id"]})
    assert ok["ok"]


async def test_outsider_cannot_join_or_send(harness: Harness) -> None:
    thread = await harness.thread()
    outsider = await harness.socket("mallory", "freelancer")
    ack = await outsider.call("thread:join", {"thread_id": thread["id"]})
    assert ack == {"ok": False, "code": "thread_not_found", "reason": "no such thread"}
    ack = await outsider.call("message:send", {"thread_id": thread["id"], "text": "hey"})
    assert ack["code"] == "thread_not_found"


async def test_every_documented_event_is_handled(harness: Harness) -> None:
    sio = await harness.socket("c1")
    for event in CLIENT_EVENTS:
        ack = await sio.call(event.name, {})
        # an empty payload is invalid for every event, and every event answers with an ack
        assert ack["ok"] is False and ack["code"] == "invalid", event.name


def test_protocol_doc_is_current() -> None:
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
    assert doc.read_text() == render_markdown(), "regenerate: python -m signaling.api.events"


async def test_no_ok_ack_when_the_commit_fails(harness: Harness) -> None:
    """The ack of ``message:send`` waits for its transaction's commit (group commit): a commit
    that fails answers an error, and nothing reaches the other party."""
    thread = await harness.thread()
    client = await harness.socket("c1", "client")
    freelancer = await harness.socket("f1", "freelancer")
    inbox = await collect(freelancer, "message:new")
    for sio in (client, freelancer):
        assert (await sio.call("thread:join", {"thread_id": thread["id"], "after_seq": 0}))["ok"]
    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    engine = store.engine.sync_engine

    def refuse(_conn: Any) -> None:
        raise RuntimeError("commit refused by the test")

    sqlalchemy.event.listen(engine, "commit", refuse)
    try:
        ack = await client.call("message:send", {"thread_id": thread["id"], "text": "lost"})
    finally:
        sqlalchemy.event.remove(engine, "commit", refuse)
    assert not ack["ok"] and ack["code"] == "internal"
    ack = await client.call("message:send", {"thread_id": thread["id"], "text": "kept"})
    assert ack["ok"] and ack["message"]["seq"] == 1
    await wait_for(lambda: len(inbox) == 1)
    assert [m["body"]["text"] for m in inbox] == ["kept"]
