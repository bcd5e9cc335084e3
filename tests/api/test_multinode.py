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
