"""Issue 11 item 4: nodes starting at once on an empty PostgreSQL database all migrate.

Every ``serve`` migrates at start-up; two processes doing it at the same time used to race
(one died with ``UniqueViolation`` on the catalog). Here several real ``interview-server
migrate`` processes start together on a fresh database; every one must succeed.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest

from tests.conftest import PG_HOST, PG_PORT, need_service

pytestmark = [pytest.mark.allow_blocking, pytest.mark.postgres]

PROCESSES = 4


def _admin(sql: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user="postgres")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture
def empty_pg() -> Iterator[str]:
    need_service("PostgreSQL", PG_HOST, PG_PORT)
    name = f"interview_race_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _versions(url: str) -> list[str]:
    import asyncpg

    async def run() -> list[str]:
        conn = await asyncpg.connect(url)
        try:
            rows = await conn.fetch("SELECT version_num FROM alembic_version")
            return [str(r[0]) for r in rows]
        finally:
            await conn.close()

    return asyncio.run(run())


@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_migrations_on_an_empty_database_all_succeed(
    empty_pg: str, attempt: int
) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
    environ["INTERVIEW_DATABASE_URL"] = empty_pg
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "signaling", "migrate"],
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    outcomes = [(p.wait(timeout=120), p.communicate()[1]) for p in processes]
    failures = [err for code, err in outcomes if code != 0]
    assert not failures, failures[0][-1500:]
    assert len(_versions(empty_pg)) == 1  # one head revision recorded, once
