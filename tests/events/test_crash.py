"""A node SIGKILLed between commit and send: after a restart every committed event is
delivered (at least once), in order per thread. Real server processes, both databases."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from signaling.events.outbox import DELIVERED, PENDING, OutboxStore
from signaling.store.sql import SqlStore, make_engine
from tests.events.receiver import SECRET, Receiver

ROOT = Path(__file__).resolve().parents[2]
SERVICE_TOKEN = "crash-service-token-0123456789abcdef0123"
SERVICE = {"Authorization": f"Bearer {SERVICE_TOKEN}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    def __init__(
        self, database_url: str, data_dir: Path, webhook: str, delivery: str = "single"
    ) -> None:
        self.database_url, self.data_dir, self.webhook = database_url, data_dir, webhook
        self.delivery = delivery
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self) -> None:
        self.port = _free_port()
        self.starts += 1
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
        env.update(
            PYTHONPATH=str(ROOT),
            INTERVIEW_DATABASE_URL=self.database_url,
            INTERVIEW_DATA_DIR=str(self.data_dir),
            INTERVIEW_NODE_ID="crash-node",
            INTERVIEW_JWT_SECRET="crash-jwt-secret-0123456789abcdef0123456789",
            INTERVIEW_SERVICE_TOKEN=SERVICE_TOKEN,
            INTERVIEW_BACKEND_WEBHOOK_URL=self.webhook,
            INTERVIEW_BACKEND_WEBHOOK_SECRET=SECRET,
            INTERVIEW_EVENTS_DELIVERY=self.delivery,
            INTERVIEW_EVENTS_LEASE_SECONDS="2",
            INTERVIEW_EVENTS_TIMEOUT_SECONDS="0.5",
            INTERVIEW_EVENTS_POLL_SECONDS="0.1",
            INTERVIEW_EVENTS_RETRY_BASE_SECONDS="0.05",
        )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir / f"server-{self.starts}.log").open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "signaling", "serve", "--port", str(self.port)],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    async def start(self) -> None:
        await asyncio.to_thread(self._spawn)
        assert self.proc is not None
        deadline = time.monotonic() + 60
        async with aiohttp.ClientSession() as http:
            while time.monotonic() < deadline:
                assert self.proc.poll() is None, "the server exited"
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with http.get(f"{self.url}/healthz") as resp:
                        if resp.status == 200:
                            return
                await asyncio.sleep(0.1)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
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


@pytest.mark.parametrize("delivery", ["single", "batch"])
async def test_sigkill_between_commit_and_send_then_restart(
    database_url: str, tmp_path: Path, delivery: str
) -> None:
    receiver = Receiver()
    receiver.release = asyncio.Event()  # hold every request: the send never completes
    await receiver.start()
    server = Server(database_url, tmp_path / "data", receiver.url, delivery)
    store = SqlStore(make_engine(database_url))
    try:
        await server.start()
        async with aiohttp.ClientSession() as http:
            async with http.post(
                f"{server.url}/api/threads",
                json={"job_id": "j1", "job_title": "Logo", "freelancer_id": "f1",
                      "client_id": "c1"},
                headers=SERVICE,
            ) as resp:  # fmt: skip
                assert resp.status == 201
                thread_id = (await resp.json())["id"]
            for stage in ("interviewing", "hired"):
                async with http.post(
                    f"{server.url}/api/threads/{thread_id}/stage",
                    json={"stage": stage},
                    headers=SERVICE,
                ) as resp:
                    assert resp.status == 200
        await asyncio.wait_for(receiver.first_request.wait(), 30)
        await asyncio.to_thread(server.kill)  # committed, being sent, not acknowledged
        outbox = OutboxStore(store)
        committed = await outbox.events_after(0, limit=1000)
        assert len([e for e in committed if e.thread_id == thread_id]) == 4
        assert {e.state for e in committed} == {PENDING}
        assert receiver.acked == {}
        receiver.release.set()
        receiver.release = None
        await server.start()  # the same node, restarted
        await receiver.wait_for({e.event_id for e in committed})
        assert receiver.order_violations() == []
        assert receiver.bad_signatures == 0
        deadline = time.monotonic() + 30
        while any(e.state != DELIVERED for e in await outbox.events_after(0, limit=1000)):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.1)
    finally:
        await asyncio.to_thread(server.stop)
        await receiver.close()
        await store.close()
