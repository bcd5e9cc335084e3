"""The crash and chaos suite's machinery: real server nodes as subprocesses, a Redis of our
own that a test may kill, a fresh PostgreSQL database per test, and the suite's counts.

Each node is ``python -m signaling serve`` with its own data dir, on PostgreSQL and a
``redis-server`` started for the test on an ephemeral port (never the shared one), with short
lease settings (``INTERVIEW_NODE_LEASE_SECONDS``) so a dead node's calls are closed quickly.
At the end the suite prints what it measured (calls, records, duplicates, lost...).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from signaling.auth import Authenticator
from signaling.domain.threads import Role
from signaling.settings import Settings
from tests.conftest import PG_HOST, PG_PORT, REQUIRE_SERVICES, need_service
from tests.sockets import open_socket

ROOT = Path(__file__).resolve().parents[2]
JWT_SECRET = "chaos-suite-secret-0123456789abcdef-0123456789"
LEASE_SECONDS = 3.0
RENEW_SECONDS = 1.0
# The documented bound on how long a dead node's call stays open (README, call records): the
# lease plus one renewal period (the sweep runs on every renewal) — plus, in these tests, the
# time a loaded 2-core CI machine needs to run that sweep.
ORPHAN_BOUND = LEASE_SECONDS + RENEW_SECONDS
SLACK = 20.0


# ----------------------------------------------------------------------------- counts
@dataclass
class ChaosCounts:
    """What the suite measured, printed at the end of the run."""

    calls: int = 0
    records: int = 0
    duplicates: int = 0
    lost: int = 0
    messages_acked: int = 0
    messages_stored: int = 0
    message_duplicates: int = 0
    messages_lost: int = 0
    seq_gaps: int = 0
    messages_during_redis_outage: int = 0
    recordings: int = 0
    recordings_listed: int = 0
    recordings_hashed: int = 0
    recorded_frames: int = 0
    damaged_frames: int = 0
    new_calls_after_crash: int = 0
    audit_verified: int = 0
    orphan_seconds: list[float] = field(default_factory=list)

    def lines(self) -> list[str]:
        worst = max(self.orphan_seconds, default=0.0)
        return [
            f"calls {self.calls}, records {self.records}, duplicates {self.duplicates}, "
            f"lost {self.lost}",
            f"messages acknowledged {self.messages_acked}, stored {self.messages_stored}, "
            f"duplicates {self.message_duplicates}, lost {self.messages_lost}, "
            f"seq gaps {self.seq_gaps}; acknowledged while Redis was down "
            f"{self.messages_during_redis_outage}",
            f"recordings cut by SIGKILL {self.recordings}, listed {self.recordings_listed}, "
            f"hashed {self.recordings_hashed}; video frames decoded {self.recorded_frames}, "
            f"undecodable {self.damaged_frames}",
            f"new calls in the same thread after a crash {self.new_calls_after_crash}; "
            f"audit verify passed {self.audit_verified} time(s)",
            f"longest time a dead node's call stayed without a record: {worst:.1f} s "
            f"(documented bound with these settings: {ORPHAN_BOUND:.0f} s after its last "
            "lease renewal, or at the node's restart)",
        ]


COUNTS = ChaosCounts()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not (COUNTS.calls or COUNTS.messages_acked):
        return
    terminalreporter.section("chaos suite counts")
    for line in COUNTS.lines():
        terminalreporter.write_line(line)


@pytest.fixture
def counts() -> ChaosCounts:
    return COUNTS


# ----------------------------------------------------------------------------- services
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class RedisServer:
    """A redis-server of this test's own (no persistence: a restart loses every key)."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed (make sysdeps)"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message}, and CI requires it (INTERVIEW_TEST_REQUIRE_SERVICES=1)")
        pytest.skip(message)
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def chaos_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test (the nodes migrate it at start-up)."""
    need_service("PostgreSQL", PG_HOST, PG_PORT)
    import asyncpg

    name = f"interview_chaos_{uuid.uuid4().hex[:10]}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(
            host=PG_HOST, port=PG_PORT, user="postgres", database="postgres"
        )
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql://postgres@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# ----------------------------------------------------------------------------- nodes
class Node:
    """One server node: ``python -m signaling serve`` in a subprocess."""

    def __init__(self, cluster: Cluster, node_id: str, data_dir: Path) -> None:
        self.cluster = cluster
        self.node_id = node_id
        self.data_dir = data_dir
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {
            **self.cluster.base_env(),
            "INTERVIEW_NODE_ID": self.node_id,
            "INTERVIEW_DATA_DIR": str(self.data_dir),
        }

    async def start(self) -> Node:
        self.port = free_port()
        self.starts += 1
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir / f"{self.node_id}-{self.starts}.log").open("wb")
        self.proc = subprocess.Popen(  # noqa: ASYNC220 - fork/exec once per node start
            [
                sys.executable,
                "-m",
                "signaling",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env=self.env(),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        await self.wait_ready()
        return self

    async def wait_ready(self, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                assert self.proc is not None
                if self.proc.poll() is not None:
                    raise RuntimeError(f"node {self.node_id} exited:\n{self.log_tail()}")
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with http.get(f"{self.url}/healthz") as resp:
                        if resp.status == 200:
                            return
                await asyncio.sleep(0.1)
        raise RuntimeError(f"node {self.node_id} did not become ready:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        logs = sorted(self.data_dir.glob(f"{self.node_id}-*.log"))
        if not logs:
            return ""
        return "\n".join(logs[-1].read_text(errors="replace").splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, nothing is flushed or released."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Cluster:
    """Nodes sharing one PostgreSQL database and one Redis, plus socket.io clients."""

    def __init__(self, database_url: str, redis: RedisServer, root: Path) -> None:
        self.database_url = database_url
        self.redis = redis
        self.root = root
        self.nodes: list[Node] = []
        self.sockets: list[Any] = []
        self.auth = Authenticator(Settings(jwt_secret=JWT_SECRET, dev_mode=True))
        self.signing_seed = base64.b64encode(os.urandom(32)).decode()

    def base_env(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
        return {
            **keep,
            "PYTHONPATH": str(ROOT),
            "INTERVIEW_DATABASE_URL": self.database_url,
            "INTERVIEW_REDIS_URL": self.redis.url,
            "INTERVIEW_DEV_MODE": "1",  # aiortc peers on loopback (ICE to any network)
            "INTERVIEW_JWT_SECRET": JWT_SECRET,
            "INTERVIEW_AUDIT_SIGNING_KEY": self.signing_seed,
            "INTERVIEW_NODE_LEASE_SECONDS": str(LEASE_SECONDS),
            "INTERVIEW_NODE_LEASE_RENEW_SECONDS": str(RENEW_SECONDS),
            "INTERVIEW_MESSAGE_RATE_PER_MINUTE": "6000",
            "INTERVIEW_MESSAGE_BURST": "1000",
            "INTERVIEW_PEER_LOST_SECONDS": "60",
            "INTERVIEW_RING_TIMEOUT_SECONDS": "120",
        }

    async def node(self, node_id: str, data_dir: str | None = None) -> Node:
        node = Node(self, node_id, self.root / (data_dir or node_id))
        self.nodes.append(node)
        return await node.start()

    def token(self, user_id: str, role: str) -> str:
        return self.auth.issue(user_id, user_id.title(), Role(role))

    async def socket(self, node: Node, user_id: str, role: str) -> Any:
        sio = await open_socket(node.url, self.token(user_id, role))
        self.sockets.append(sio)
        return sio

    async def rest(
        self, node: Node, method: str, path: str, user: str, role: str, body: Any = None
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token(user, role)}"}
        async with (
            aiohttp.ClientSession() as http,
            http.request(method, node.url + path, json=body, headers=headers) as resp,
        ):
            data = await resp.json(content_type=None)
            return resp.status, data

    def audit_verify(self, data_dir: Path) -> subprocess.CompletedProcess[str]:
        env = {
            **self.base_env(),
            "INTERVIEW_NODE_ID": "verifier",
            "INTERVIEW_DATA_DIR": str(data_dir),
        }
        return subprocess.run(
            [sys.executable, "-m", "signaling", "audit", "verify"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    async def close(self) -> None:
        for node in self.nodes:  # shown by pytest when the test failed
            print(f"----- {node.node_id} (last lines of its log)\n{node.log_tail()}")
        for sio in self.sockets:
            with contextlib.suppress(Exception):
                await sio.disconnect()
        for node in self.nodes:
            await asyncio.to_thread(node.stop)


@pytest.fixture
async def cluster(
    chaos_database: str, redis_server: RedisServer, tmp_path: Path
) -> AsyncIterator[Cluster]:
    c = Cluster(chaos_database, redis_server, tmp_path)
    try:
        yield c
    finally:
        await c.close()
