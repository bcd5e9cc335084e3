"""The API contract: the real app on an ephemeral port, seeded with one thread its parties
have used (messages, a schedule, a report and an auditor's case), and the four kinds of caller
the contract is checked with."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from signaling.settings import Settings
from tests.conftest import PG_HOST, PG_PORT, need_service, pg_admin_url
from tests.contract.live import LiveServer, live_server

SERVICE_TOKEN = "contract-service-token-0123456789abcdef"
JWT_SECRET = "contract-jwt-secret-0123456789abcdef-0123"


def call(server: LiveServer, method: str, path: str, token: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = Request(server.base_url + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urlopen(request, timeout=30) as response:
            return json.loads(response.read())
    except HTTPError as exc:
        detail = exc.read().decode(errors="replace")
        exc.close()
        raise AssertionError(f"{method} {path}: {exc.code} {detail}") from None


def seed(server: LiveServer) -> dict[str, Any]:
    client = server.token("c1", "client")
    freelancer = server.token("f1", "freelancer")
    auditor = server.token("a1", "auditor")
    thread = call(
        server,
        "POST",
        "/api/threads",
        SERVICE_TOKEN,
        {"job_id": "job-1", "job_title": "Logo", "freelancer_id": "f1", "client_id": "c1"},
    )
    path = f"/api/threads/{thread['id']}"
    call(server, "POST", f"{path}/messages", client, {"text": "Hello", "client_msg_id": "m1"})
    call(server, "POST", f"{path}/messages", freelancer, {"text": "Hi there"})
    start = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    proposed = call(
        server,
        "POST",
        f"{path}/schedules",
        client,
        {
            "slots": [{"start": start.isoformat(), "duration_minutes": 30, "kind": "video"}],
            "timezone": "Europe/Berlin",
        },
    )
    schedule = proposed["schedule"]
    call(
        server,
        "POST",
        f"/api/schedules/{schedule['id']}/accept",
        freelancer,
        {"proposal_id": schedule["proposal"]["proposal_id"], "slot_index": 0},
    )
    call(server, "POST", f"{path}/reports", freelancer, {"reason": "asked for my phone"})
    case = call(
        server, "POST", "/api/audit/cases", auditor, {"thread_id": thread["id"], "reason": "look"}
    )
    return {
        "thread_id": thread["id"],
        "schedule_id": schedule["id"],
        "proposal_id": schedule["proposal"]["proposal_id"],
        "case_id": case["id"],
    }


async def _pg(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user="postgres", database="postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Both real backends (PostgreSQL's int32 columns overflowed where SQLite's did not): an
    empty database that the app migrates at start-up."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'contract.sqlite3'}"
        return
    need_service("PostgreSQL", PG_HOST, PG_PORT)
    name = f"interview_contract_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg(f'CREATE DATABASE "{name}"'))
    try:
        yield pg_admin_url(name)
    finally:
        asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def server(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("contract"),
        database_url=database,
        dev_mode=False,
        jwt_secret=JWT_SECRET,
        service_token=SERVICE_TOKEN,
    )
    with live_server(settings) as live:
        live.seeded = seed(live)
        yield live


@pytest.fixture(scope="module")
def callers(server: LiveServer) -> dict[str, str]:
    """A party of the seeded thread, a stranger to it, an auditor, and the marketplace."""
    return {
        "party": server.token("c1", "client"),
        "stranger": server.token("s9", "freelancer"),
        "auditor": server.token("a1", "auditor"),
        "service": SERVICE_TOKEN,
    }


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The schemathesis counts, in the CI log."""
    module = sys.modules.get("tests.contract.test_schemathesis")
    results: dict[str, dict[str, Any]] = getattr(module, "RESULTS", {})
    if not results:
        return
    terminalreporter.section("API contract (schemathesis, all checks)")
    keys = (
        "operations",
        "inputs",
        "requests",
        "5xx",
        "conformance_failures",
        "semantic_rejections",
    )
    terminalreporter.write_line("caller                 " + " ".join(f"{k:>20}" for k in keys))
    for caller, counts in results.items():
        row = " ".join(f"{counts[k]:>20}" for k in keys)
        terminalreporter.write_line(f"{caller:<22} {row}")
        for code in counts["failure_codes"]:
            terminalreporter.write_line(f"           failure: {code}")
    total = {k: sum(c[k] for c in results.values()) for k in keys[1:]}
    terminalreporter.write_line(
        "total                  " + " " * 21 + " ".join(f"{total[k]:>20}" for k in keys[1:])
    )
