"""Crash recovery across nodes: leases, orphan sweeps and thread-call claims.

Each node is a real CallService on a real store (SQLite or PostgreSQL) and, for several
nodes, a real Redis call router under a key prefix of its own. A crash is simulated by
abandoning a service: its timers and lease renewal stop, nothing is written, nothing is
released (what a SIGKILL leaves behind; tests/chaos does it with real processes).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import sqlalchemy as sa

from signaling.api.recordings import recordings_of
from signaling.auth import Principal
from signaling.calls import CallService
from signaling.domain.calls import CallState
from signaling.domain.messages import MessageKind
from signaling.domain.threads import Role
from signaling.errors import Conflict
from signaling.ratelimit import InMemoryRateLimiter
from signaling.routing import InMemoryCallRouter
from signaling.service import NullNotifier, ThreadService
from signaling.store import schema as t
from signaling.store.leases import SqlNodeLeases
from signaling.store.redis import RedisCallRouter
from signaling.store.sql import SqlStore, make_engine
from tests.api.fake_media import FakeMediaFactory

CLIENT = Principal("c1", "Client", Role.CLIENT)
FREELANCER = Principal("f1", "Freelancer", Role.FREELANCER)


class Cluster:
    """Nodes sharing one database (and one Redis key prefix when given a Redis URL)."""

    def __init__(self, database_url: str, redis_url: str | None) -> None:
        self.database_url = database_url
        self.redis_url = redis_url
        self.prefix = f"test-{uuid.uuid4().hex[:12]}:"
        self.stores: list[SqlStore] = []
        self.routers: list[Any] = []

    def node(
        self,
        node_id: str,
        *,
        lease: float = 30.0,
        recorder_factory: Any = None,
        router: Any = None,
    ) -> CallService:
        store = SqlStore(make_engine(self.database_url))  # one engine per node, like a process
        self.stores.append(store)
        if router is None and self.redis_url:
            router = RedisCallRouter(self.redis_url, node_id, prefix=self.prefix, claim_ttl=lease)
        elif router is None:
            router = InMemoryCallRouter(node_id)
        self.routers.append(router)
        threads = ThreadService(store, NullNotifier(), InMemoryRateLimiter(600, 100))
        return CallService(
            store,
            threads,
            NullNotifier(),
            FakeMediaFactory(),
            router=router,
            ring_timeout=600,
            peer_lost_seconds=600,
            leases=SqlNodeLeases(store),
            lease_seconds=lease,
            lease_renew_seconds=lease / 3,
            recorder_factory=recorder_factory,
        )

    async def close(self) -> None:
        for router in self.routers:
            await router.close()
        for store in self.stores:
            await store.close()


@pytest.fixture
def shared_redis(database_url: str, request: pytest.FixtureRequest) -> str | None:
    """Several nodes run on PostgreSQL + Redis; on SQLite each node routes in memory."""
    if database_url.startswith("postgresql"):
        url: str = request.getfixturevalue("redis_url")
        return url
    return None


@pytest.fixture
async def cluster(database_url: str, shared_redis: str | None) -> AsyncIterator[Cluster]:
    c = Cluster(database_url, shared_redis)
    yield c
    await c.close()


class InMemoryRecording:
    """The CallRecording port without a file: what stop() reports for a segment."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.stopped = False

    async def stop(self) -> dict[str, Any]:
        self.stopped = True
        return {"key": self.key, "sha256": "ab" * 32, "bytes": 1234, "duration_seconds": 2.0}


def crash(service: CallService) -> None:
    """What SIGKILL leaves: no renewal, no timers, no record, no release."""
    service.lease.stop()
    for active in service._by_id.values():
        active.stop_work()


async def new_thread(service: CallService, job: str = "job-1") -> str:
    thread, _ = await sql(service).create_thread(
        job_id=job, job_title="A job", client_id="c1", freelancer_id="f1", actor_id="c1"
    )
    return thread.id


async def connected_call(service: CallService, thread_id: str) -> str:
    call = await service.start(CLIENT, thread_id, "video")
    await service.accept(FREELANCER, call.id)
    for who in (CLIENT, FREELANCER):
        await service.offer(who, call.id, "v=0 offer")
    media = service.media_factory.sessions[call.id]  # type: ignore[union-attr]
    for who in (CLIENT, FREELANCER):
        media.emit("media_started", who.user_id)
    for _ in range(500):  # until the stored snapshot (what survives a crash) says so
        stored = await service.store.get_call(call.id)
        if stored is not None and stored.state is CallState.CONNECTED:
            break
        await asyncio.sleep(0.01)
    assert stored is not None and stored.state is CallState.CONNECTED
    return call.id


def sql(service: CallService) -> SqlStore:
    assert isinstance(service.store, SqlStore)
    return service.store


async def call_records(store: SqlStore, thread_id: str) -> list[dict[str, Any]]:
    messages = await store.list_messages(thread_id, after_seq=0, limit=1000)
    return [m.body for m in messages if m.kind is MessageKind.CALL]


async def ended_events(store: SqlStore, thread_id: str, call_id: str) -> int:
    async with store.engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.select(t.audit_log.c.entry).where(
                    t.audit_log.c.chain == thread_id, t.audit_log.c.event_type == "call.ended"
                )
            )
        ).all()
    return sum(1 for r in rows if json.loads(r.entry)["data"].get("call_id", call_id) == call_id)


async def test_restart_with_the_same_id_closes_the_call_and_frees_the_thread(
    cluster: Cluster,
) -> None:
    node = cluster.node("node-a")
    await node.start_lease()
    thread_id = await new_thread(node)
    call_id = await connected_call(node, thread_id)
    crash(node)

    again = cluster.node("node-a")
    await again.start_lease()
    assert await again.recover() == 1
    records = await call_records(sql(again), thread_id)
    assert [(r["call_id"], r["end_reason"]) for r in records] == [(call_id, "server_shutdown")]
    # The thread is free again: a new call can start (it was call_in_progress for 6 hours).
    second = await again.start(CLIENT, thread_id, "audio")
    assert second.state is CallState.RINGING
    if cluster.redis_url is None:
        return  # SQLite belongs to one process: no second node
    # From any node.
    other = cluster.node("node-b")
    await other.start_lease()
    await again.hangup(CLIENT, second.id)
    third = await other.start(FREELANCER, thread_id, "audio")
    assert third.state is CallState.RINGING


async def test_a_new_node_id_closes_the_dead_nodes_calls_once_its_lease_expires(
    cluster: Cluster,
) -> None:
    if cluster.redis_url is None:
        pytest.skip("several nodes share PostgreSQL and Redis (SQLite belongs to one process)")
    dead = cluster.node("host-1", lease=3.0)
    await dead.start_lease()
    thread_id = await new_thread(dead)
    call_id = await connected_call(dead, thread_id)
    crash(dead)

    fresh = cluster.node("host-2", lease=30.0)
    await fresh.start_lease()
    # While host-1's lease runs, its call belongs to it: nobody closes it.
    assert await fresh.recover() == 0
    assert await call_records(sql(fresh), thread_id) == []
    closed = 0
    for _ in range(100):
        closed += await fresh.sweep()
        if closed:
            break
        await asyncio.sleep(0.1)
    assert closed == 1
    records = await call_records(sql(fresh), thread_id)
    assert [(r["call_id"], r["end_reason"]) for r in records] == [(call_id, "server_shutdown")]
    assert records[0]["connected_at"] is not None, records  # the last times known are kept
    assert await ended_events(sql(fresh), thread_id, call_id) == 1
    new_call = await fresh.start(CLIENT, thread_id, "audio")
    assert new_call.state is CallState.RINGING
    # The dead node's lease row is gone once it holds no open call.
    async with sql(fresh).engine.connect() as conn:
        leases = (await conn.execute(sa.select(t.node_leases.c.node_id))).scalars().all()
    assert sorted(leases) == ["host-2"]


async def test_two_nodes_sweeping_at_once_write_one_record_per_call(cluster: Cluster) -> None:
    if cluster.redis_url is None:
        pytest.skip("several nodes share PostgreSQL and Redis (SQLite belongs to one process)")
    dead = cluster.node("dead", lease=1.0)
    await dead.start_lease()
    threads = [await new_thread(dead, f"job-{i}") for i in range(4)]
    calls = [await connected_call(dead, thread_id) for thread_id in threads]
    crash(dead)
    b, c = cluster.node("b", lease=30.0), cluster.node("c", lease=30.0)
    await b.start_lease()
    await c.start_lease()
    total = 0
    for _ in range(100):
        results = await asyncio.gather(b.sweep(), c.sweep())
        total += sum(results)
        if total >= len(calls):
            break
        await asyncio.sleep(0.1)
    assert total == len(calls)
    for thread_id, call_id in zip(threads, calls, strict=True):
        records = await call_records(sql(b), thread_id)
        assert [r["call_id"] for r in records] == [call_id]
        assert await ended_events(sql(b), thread_id, call_id) == 1
        report = await sql(b).verify_chain(thread_id)
        assert report.ok, report.reason


async def test_a_node_that_lost_its_lease_ends_its_calls_without_a_second_record(
    cluster: Cluster,
) -> None:
    if cluster.redis_url is None:
        pytest.skip("several nodes share PostgreSQL and Redis (SQLite belongs to one process)")
    recordings: list[InMemoryRecording] = []

    async def record(call: Any, media: Any) -> InMemoryRecording:
        recordings.append(InMemoryRecording(f"{call.id}-1.webm"))
        return recordings[-1]

    stalled = cluster.node("stalled", lease=1.0, recorder_factory=record)
    await stalled.start_lease()
    thread_id = await new_thread(stalled)
    call_id = await connected_call(stalled, thread_id)
    for who in (CLIENT, FREELANCER):
        await stalled.consent(who, call_id, True)
    assert len(recordings) == 1
    sweeper = cluster.node("sweeper", lease=30.0)
    await sweeper.start_lease()
    for _ in range(100):
        if await sweeper.sweep():
            break
        await asyncio.sleep(0.1)
    # The stalled node wakes up: its lease is gone, so it drops the call it still holds.
    await stalled.renew_once()
    assert call_id not in stalled._by_id
    records = await call_records(sql(sweeper), thread_id)
    assert [r["call_id"] for r in records] == [call_id]
    assert await ended_events(sql(sweeper), thread_id, call_id) == 1  # no second end either
    # What it was recording is stopped and attached to the record the sweeper wrote.
    assert recordings[0].stopped
    listed = await recordings_of(sql(sweeper), thread_id=thread_id)
    assert [(r["key"], r["sha256"]) for r in listed] == [(f"{call_id}-1.webm", "ab" * 32)]
    assert (await sql(sweeper).verify_chain(thread_id)).ok
    assert await stalled.lease.leases.renew(stalled.node_id, stalled.lease.incarnation, 1.0)  # type: ignore[union-attr]


async def test_embedded_restart_with_a_new_hostname_closes_the_old_calls(
    database_url: str,
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the embedded setup is one process on SQLite")
    cluster = Cluster(database_url, None)
    try:
        old = cluster.node("old-hostname")
        await old.start_lease()
        thread_id = await new_thread(old)
        call_id = await connected_call(old, thread_id)
        crash(old)
        new = cluster.node("new-hostname")
        await new.start_lease()
        assert await new.recover() == 1  # at once: one process owns an SQLite file
        records = await call_records(sql(new), thread_id)
        assert [r["call_id"] for r in records] == [call_id]
        assert (await new.start(CLIENT, thread_id, "audio")).state is CallState.RINGING
    finally:
        await cluster.close()


@pytest.mark.redis
async def test_redis_claims_are_atomic_and_owner_checked(redis_url: str) -> None:
    prefix = f"test-{uuid.uuid4().hex[:12]}:"
    a = RedisCallRouter(redis_url, "a", prefix=prefix, claim_ttl=30)
    b = RedisCallRouter(redis_url, "b", prefix=prefix, claim_ttl=30)
    try:
        assert await a.claim_thread("t1", "call-1")
        assert not await b.claim_thread("t1", "call-2")
        assert await b.owner("call-1") == "a"
        # Release by the wrong call or the wrong owner leaves the claim alone.
        await b.release_thread("t1", "call-2")
        await b.release_thread("t1", "call-1")  # b does not own call-1's owner entry
        assert await a.owner("call-1") == "a"
        assert not await b.claim_thread("t1", "call-2")
        # Renewal: a keeps its claim; b cannot renew a claim that names another call.
        assert await a.renew_claims([("t1", "call-1")]) == 1
        assert await b.renew_claims([("t1", "call-2")]) == 0
        # A claim that vanished (Redis restarted without data) is re-created by its owner.
        await a._redis.delete(f"{prefix}thread-call:t1", f"{prefix}call-owner:call-1")
        assert await a.renew_claims([("t1", "call-1")]) == 1
        assert await a.owner("call-1") == "a"
        assert not await b.claim_thread("t1", "call-2")
        # A sweeper releases a dead node's claim by naming its owner.
        await b.release_thread("t1", "call-1", owner="a")
        assert await a.owner("call-1") is None
        assert await b.claim_thread("t1", "call-2")
        # Claims expire unless renewed.
        ttl = await a._redis.pttl(f"{prefix}thread-call:t1")
        assert 0 < ttl <= 30_000
    finally:
        await a.close()
        await b.close()


async def test_calls_with_a_live_lease_are_left_alone(cluster: Cluster) -> None:
    if cluster.redis_url is None:
        pytest.skip("several nodes share PostgreSQL and Redis (SQLite belongs to one process)")
    live = cluster.node("live", lease=30.0)
    await live.start_lease()
    thread_id = await new_thread(live)
    call_id = await connected_call(live, thread_id)
    other = cluster.node("other")
    await other.start_lease()
    assert await other.recover() == 0
    assert await other.sweep() == 0
    assert await call_records(sql(other), thread_id) == []
    with pytest.raises(Conflict):
        await other.start(CLIENT, thread_id, "audio")
    await live.hangup(CLIENT, call_id)
    assert [r["end_reason"] for r in await call_records(sql(live), thread_id)] == ["hangup"]


def test_lease_settings_are_checked() -> None:
    from signaling.errors import ConfigError
    from signaling.settings import Settings

    settings = Settings.from_env(
        {"INTERVIEW_NODE_LEASE_SECONDS": "3", "INTERVIEW_NODE_LEASE_RENEW_SECONDS": "1"}
    )
    assert (settings.node_lease_seconds, settings.node_lease_renew_seconds) == (3.0, 1.0)
    defaults = Settings()
    assert (defaults.node_lease_seconds, defaults.node_lease_renew_seconds) == (30.0, 10.0)
    for lease, renew in (("10", "10"), ("10", "0"), ("5", "-1")):
        with pytest.raises(ConfigError, match="NODE_LEASE_RENEW_SECONDS"):
            Settings.from_env(
                {"INTERVIEW_NODE_LEASE_SECONDS": lease, "INTERVIEW_NODE_LEASE_RENEW_SECONDS": renew}
            )


async def test_an_unreachable_redis_is_a_503_not_a_crash() -> None:
    from signaling.errors import Unavailable
    from tests.chaos.conftest import free_port

    router = RedisCallRouter(f"redis://127.0.0.1:{free_port()}/0", "n1", prefix="x:")
    try:
        for attempt in (
            router.claim_thread("t1", "call-1"),
            router.renew_claims([("t1", "call-1")]),
            router.release_thread("t1", "call-1"),
            router.owner("call-1"),
            router.forward("n2", {"action": "hangup"}),
        ):
            with pytest.raises(Unavailable) as caught:
                await attempt
            assert caught.value.status == 503 and caught.value.code == "router_unavailable"
    finally:
        await router.close()


async def test_rate_limits_fall_back_to_memory_while_redis_is_down() -> None:
    from signaling.store.redis import RedisRateLimiter
    from tests.chaos.conftest import free_port

    limiter = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0", per_minute=60, burst=3)
    try:
        allowed = [await limiter.hit("u1") for _ in range(3)]
        assert allowed == [None, None, None]  # chat goes on (it failed every send before)
        wait = await limiter.hit("u1")
        assert wait is not None and wait > 0  # still limited, per node
    finally:
        await limiter.close()


class FlakyRouter(InMemoryCallRouter):
    """The in-memory router whose next releases fail as if Redis were unreachable."""

    def __init__(self, node_id: str, failures: int) -> None:
        super().__init__(node_id)
        self.failures = failures

    async def release_thread(self, thread_id: str, call_id: str, owner: str | None = None) -> None:
        from signaling.errors import Unavailable

        if self.failures:
            self.failures -= 1
            raise Unavailable("Redis is not reachable", code="router_unavailable")
        await super().release_thread(thread_id, call_id, owner)


async def test_a_claim_whose_release_failed_is_released_on_the_next_renewal(
    cluster: Cluster,
) -> None:
    node = cluster.node("n1", router=FlakyRouter("n1", failures=1))
    await node.start_lease()
    thread_id = await new_thread(node)
    call_id = await connected_call(node, thread_id)
    await node.hangup(CLIENT, call_id)  # the record is written though the release failed
    assert [r["call_id"] for r in await call_records(sql(node), thread_id)] == [call_id]
    with pytest.raises(Conflict):
        await node.start(CLIENT, thread_id, "audio")  # the claim is still held...
    await node.renew_once()  # ...until the next renewal releases it
    assert (await node.start(CLIENT, thread_id, "audio")).state is CallState.RINGING
