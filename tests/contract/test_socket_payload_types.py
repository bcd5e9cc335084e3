"""socket.io payloads have the JSON types events.py (and the generated web types) state: the
edge accepted ``"consent": 0`` and ``"audio": "yes"`` as booleans."""

from __future__ import annotations

from typing import Any

import pytest
import socketio

from tests.contract.live import LiveServer

pytestmark = pytest.mark.allow_blocking  # a synchronous socket.io client from the test thread


@pytest.mark.parametrize(
    ("event", "payload", "field"),
    [
        ("call:consent", {"call_id": "c", "consent": 0}, "consent"),
        ("call:media", {"call_id": "c", "audio": "yes", "video": True}, "audio"),
        ("thread:join", {"thread_id": "t", "after_seq": "0"}, "after_seq"),
    ],
)
def test_wrong_json_types_get_an_invalid_ack(
    server: LiveServer, callers: dict[str, str], event: str, payload: dict[str, Any], field: str
) -> None:
    client = socketio.Client(reconnection=False)
    client.connect(server.base_url, auth={"token": callers["party"]}, transports=["polling"])
    try:
        ack = client.call(event, payload, timeout=20)
        # an integral float is still an integer, as in JSON Schema
        fine = client.call(
            "thread:join", {"thread_id": server.seeded["thread_id"], "after_seq": 0.0}, timeout=20
        )
    finally:
        client.disconnect()
    assert ack["ok"] is False and ack["code"] == "invalid", ack
    assert field in ack["reason"]
    assert fine["ok"] is True, fine
