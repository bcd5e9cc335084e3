"""Shared fixtures: real SQLite and PostgreSQL stores, a real Redis, the app and clients."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from blockbuster import BlockBuster, blockbuster_ctx

from signaling.store.migrate import upgrade
from signaling.store.sql import SqlStore, make_engine

PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REQUIRE_SERVICES = os.environ.get("INTERVIEW_TEST_REQUIRE_SERVICES") == "1"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def need_service(name: str, host: str, port: int) -> None:
    """Skip with a clear reason when a service is absent, except in CI where it must exist."""
    if _reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message}, and CI requires it (INTERVIEW_TEST_REQUIRE_SERVICES=1)")
    pytest.skip(f"{message}; start it to run this test")


@pytest.fixture(autouse=True)
def blockbuster(request: pytest.FixtureRequest) -> Iterator[BlockBuster | None]:
    """Fail any test that blocks the event loop (sync I/O in a coroutine)."""
    if request.node.get_closest_marker("allow_blocking") is not None:
        yield None
        return
    with blockbuster_ctx(
        excluded_modules=["_pytest", "pytest", "coverage", "hypothesis", "playwright"]
    ) as bb:
        for function in bb.functions.values():
            # Alembic runs in its own worker thread and loop (see signaling.store.migrate).
            function.can_block_in("signaling/store/migrate.py", {"upgrade_sync"})
            function.can_block_in("signaling/store/migrations/env.py", {"_run"})
            # asyncpg looks for ~/.pgpass and ~/.postgresql certs on each connect (a stat or two).
            function.can_block_in("asyncpg/connect_utils.py", {"_parse_connect_dsn_and_args"})
            # redis-py looks up its own package version (importlib.metadata) per connection.
            function.can_block_in("redis/utils.py", {"get_lib_version"})
            # aiortc joins its own decoder/encoder threads when a transceiver stops.
            function.can_block_in("aiortc/rtcrtpreceiver.py", {"__stop_decoder", "stop"})
            function.can_block_in("aiortc/rtcrtpsender.py", {"stop", "_run_rtp"})
        # abspath only calls getcwd for relative paths; engine construction uses it.
        bb.functions["os.path.abspath"].deactivate()
        yield bb


def pg_admin_url(db: str = "postgres") -> str:
    return f"postgresql+asyncpg://postgres@{PG_HOST}:{PG_PORT}/{db}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    need_service("PostgreSQL", PG_HOST, PG_PORT)
    import asyncpg

    name = f"interview_test_{uuid.uuid4().hex[:10]}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(
            host=PG_HOST, port=PG_PORT, user="postgres", database="postgres"
        )
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    asyncio.run(upgrade(pg_admin_url(name)))
    try:
        yield pg_admin_url(name)
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


TABLES_IN_DELETE_ORDER = (
    "singleton_leases",
    "event_delivery",
    "event_outbox",
    "thread_reads",
    "node_leases",
    "zoom_meetings",
    "reminder_claims",
    "schedules",
    "case_notes",
    "cases",
    "policy_findings",
    "calls",
    "audit_log",
    "messages",
    "threads",
    "users",
)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Both real backends: an SQLite file, and a PostgreSQL database (emptied per test)."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
        asyncio.run(upgrade(url))
        return url
    pg_url: str = request.getfixturevalue("pg_database")

    async def empty() -> None:
        import sqlalchemy as sa

        engine = make_engine(pg_url)
        async with engine.begin() as conn:
            for table in TABLES_IN_DELETE_ORDER:
                await conn.execute(sa.text(f"DELETE FROM {table}"))
        await engine.dispose()

    asyncio.run(empty())
    return pg_url


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[SqlStore]:
    s = SqlStore(make_engine(database_url))
    yield s
    await s.close()


@pytest.fixture
def redis_url() -> str:
    need_service("Redis", REDIS_HOST, REDIS_PORT)
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


AppClientFactory = Callable[..., Awaitable[TestClient[Any, Any]]]
