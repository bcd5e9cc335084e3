"""Two server nodes sharing PostgreSQL and Redis: socket.io fan-out crosses nodes."""

from __future__ import annotations

import pytest

from tests.api.conftest import HarnessFactory
from tests.api.test_socket import collect, wait_for


@pytest.mark.redis
async def test_message_reaches_a_user_on_another_node(
    make_harness: HarnessFactory, redis_url: str, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the multi-node setup is PostgreSQL + Redis")
    node_a = await make_harness(redis_url=redis_url)
    node_b = await make_harness(redis_url=redis_url)
    thread = await node_a.thread()
    client = await node_a.socket("c1", "client")
    freelancer = await node_b.socket("f1", "freelancer")
    inbox = await collect(freelancer, "message:new")
    threads_b = await collect(freelancer, "thread:new")
    for sio in (client, freelancer):
        assert (await sio.call("thread:join", {"thread_id": thread["id"]}))["ok"]
    ack = await client.call("message:send", {"thread_id": thread["id"], "text": "across nodes"})
    assert ack["ok"]
    await wait_for(lambda: len(inbox) == 1, within=10)
    assert inbox[0]["body"]["text"] == "across nodes"
    # a new thread for the freelancer, opened through node A, is announced on node B
    await node_a.thread(job_id="job-2")
    await wait_for(lambda: len(threads_b) == 1, within=10)
    assert threads_b[0]["job_id"] == "job-2"


@pytest.mark.redis
async def test_call_signaling_is_routed_to_the_owning_node(
    make_harness: HarnessFactory, redis_url: str, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the multi-node setup is PostgreSQL + Redis")
    from tests.api.fake_media import FakeMediaFactory

    media_a, media_b = FakeMediaFactory(), FakeMediaFactory()
    node_a = await make_harness(redis_url=redis_url, node_id="node-a", media_factory=media_a)
    node_b = await make_harness(redis_url=redis_url, node_id="node-b", media_factory=media_b)
    thread = await node_a.thread()
    client = await node_a.socket("c1", "client")
    freelancer = await node_b.socket("f1", "freelancer")
    states = await collect(freelancer, "call:state")
    ack = await client.call("call:start", {"thread_id": thread["id"], "kind": "video"})
    call_id = ack["call"]["call_id"]
    await wait_for(lambda: any(s["state"] == "ringing" for s in states), within=10)
    # a second call in the same thread, started on the other node, is refused
    busy = await freelancer.call("call:start", {"thread_id": thread["id"], "kind": "audio"})
    assert busy["code"] == "call_in_progress"
    accepted = await freelancer.call("call:accept", {"call_id": call_id})
    assert accepted["ok"] and accepted["call"]["state"] == "accepted"
    answer = await freelancer.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 from b"})
    assert answer == {"ok": True, "sdp": "v=0 answer for f1", "type": "answer"}
    # the media peers of the call live on node A only
    assert call_id in media_a.sessions and not media_b.sessions
    refused = await freelancer.call("call:cancel", {"call_id": call_id})
    assert refused["ok"] is False and refused["code"] == "illegal_call_transition"
    ended = await freelancer.call("call:hangup", {"call_id": call_id})
    assert ended["call"]["state"] == "ended"
