"""Property-based: random payloads at every REST route and socket.io event never cause a 5xx
or an unhandled exception, and never change what is stored."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signaling.api.events import CLIENT_EVENTS
from signaling.api.rest import ROUTES
from tests.api.conftest import Harness

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=15), children, max_size=5)
    ),
    max_leaves=15,
)
field_names = st.sampled_from(
    [
        "text",
        "thread_id",
        "job_id",
        "job_title",
        "freelancer_id",
        "client_id",
        "stage",
        "client_msg_id",
        "call_id",
        "sdp",
        "candidate",
        "kind",
        "after_seq",
        "role",
        "user_id",
        "name",
        "audio",
        "video",
        "sdpMid",
        "sdpMLineIndex",
    ]
)
plausible_objects = st.dictionaries(field_names, json_values, max_size=6)
bodies = st.one_of(
    plausible_objects.map(lambda d: json.dumps(d).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
)
path_params = st.text(min_size=1, max_size=40)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


async def snapshot(harness: Harness, thread_id: str) -> list[dict[str, Any]]:
    resp = await harness.client.get(
        f"/api/threads/{thread_id}/messages", headers=harness.headers("c1")
    )
    messages: list[dict[str, Any]] = (await resp.json())["messages"]
    return messages


@FUZZ
@given(
    route_index=st.integers(min_value=0, max_value=len(ROUTES) - 1),
    body=bodies,
    param=path_params,
    use_real_thread=st.booleans(),
    as_role=st.sampled_from(["client", "freelancer", "auditor", "none"]),
    query=st.dictionaries(st.sampled_from(["after_seq", "limit", "x"]), st.text(max_size=8)),
)
async def test_rest_routes_never_5xx(
    harness: Harness,
    route_index: int,
    body: bytes,
    param: str,
    use_real_thread: bool,
    as_role: str,
    query: dict[str, str],
) -> None:
    thread = await harness.thread()
    before = await snapshot(harness, thread["id"])
    route = ROUTES[route_index]
    path = route.path.replace(
        "{thread_id}", thread["id"] if use_real_thread else quote(param, safe="")
    )
    headers = (
        {} if as_role == "none" else harness.headers("c1" if as_role == "client" else "x", as_role)
    )
    resp = await harness.client.request(
        route.method,
        path,
        data=body,
        params=query,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert resp.status < 500, (route.method, path, resp.status, await resp.text())
    if resp.status >= 400:
        problem = await resp.json()
        assert problem["code"] and problem["status"] == resp.status
        if route.method == "POST":
            assert await snapshot(harness, thread["id"]) == before


@FUZZ
@given(
    event_index=st.integers(min_value=0, max_value=len(CLIENT_EVENTS) - 1),
    payload=st.one_of(plausible_objects, json_values),
)
async def test_socket_events_never_crash(harness: Harness, event_index: int, payload: Any) -> None:
    if not harness.sockets:
        await harness.socket("c1")
    sio = harness.sockets[0]
    ack = await sio.call(CLIENT_EVENTS[event_index].name, payload, timeout=10)
    assert isinstance(ack, dict) and "ok" in ack
    if not ack["ok"]:
        assert ack["code"] != "internal" and ack["reason"]
    assert sio.connected
