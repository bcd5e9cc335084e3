"""`interview-server events deliver`: delivery from a process of its own (PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from signaling.domain.messages import MessageKind, NewMessage
from signaling.events.outbox import EventRecorder, OutboxStore
from signaling.store.sql import SqlStore, make_engine
from tests.events.receiver import SECRET, Receiver

ROOT = Path(__file__).resolve().parents[2]


def _env(database_url: str, data_dir: Path, webhook: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
    env.update(
        PYTHONPATH=str(ROOT),
        INTERVIEW_DATABASE_URL=database_url,
        INTERVIEW_DATA_DIR=str(data_dir),
        INTERVIEW_NODE_ID="worker-1",
        INTERVIEW_BACKEND_WEBHOOK_URL=webhook,
        INTERVIEW_BACKEND_WEBHOOK_SECRET=SECRET,
        INTERVIEW_EVENTS_POLL_SECONDS="0.1",
        INTERVIEW_EVENTS_DELIVER_IN_PROCESS="0",
    )
    return env


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_worker_process_delivers_in_order_and_records_it(
    database_url: str, tmp_path: Path
) -> None:
    receiver = Receiver()
    await receiver.start()
    store = SqlStore(make_engine(database_url))
    store.events = EventRecorder()
    worker = await asyncio.to_thread(
        subprocess.Popen,
        [sys.executable, "-m", "signaling", "events", "deliver"],
        env=_env(database_url, tmp_path, receiver.url),
        cwd=ROOT,
    )
    try:
        threads = []
        for i in range(3):
            thread, _ = await store.create_thread(
                job_id=f"w{i}", job_title="T", client_id="c1", freelancer_id=f"f{i}",
                actor_id="c1",
            )  # fmt: skip
            threads.append(thread.id)
        for n in range(4):
            for thread_id in threads:
                await store.append_message(
                    NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": f"m{n}"})
                )
        outbox = OutboxStore(store)
        expected = {r.event_id for r in await outbox.events_after(0, limit=1000)}
        assert len(expected) == 3 * 5
        await receiver.wait_for(expected)
    finally:
        worker.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(worker.wait, 30)
        await receiver.close()
    try:
        assert code == 0
        # SIGTERM ends the loop after recording what the receiver acknowledged
        assert await outbox.counts() == {"pending": 0, "delivered": 15, "dead": 0}
        assert receiver.order_violations() == [] and receiver.bad_signatures == 0
    finally:
        await store.close()


def test_the_worker_refuses_sqlite(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-m", "signaling", "events", "deliver"],
        env=_env(url, tmp_path, "http://127.0.0.1:9/hook"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "needs PostgreSQL" in done.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("INTERVIEW_EVENTS_DELIVERY", "array", "EVENTS_DELIVERY must be single or batch"),
        ("INTERVIEW_EVENTS_CONCURRENCY", "0", "EVENTS_CONCURRENCY must be 1..1000"),
        ("INTERVIEW_EVENTS_DELIVER_IN_PROCESS", "maybe", "EVENTS_DELIVER_IN_PROCESS"),
    ],
)
def test_delivery_settings_are_checked(name: str, value: str, message: str) -> None:
    from signaling.errors import ConfigError
    from signaling.settings import Settings

    with pytest.raises(ConfigError) as caught:
        Settings.from_env({name: value})
    assert message in caught.value.reason
    ok = Settings.from_env(
        {"INTERVIEW_EVENTS_DELIVERY": "batch", "INTERVIEW_EVENTS_DELIVER_IN_PROCESS": "0"}
    )
    assert (ok.events_delivery, ok.events_deliver_in_process) == ("batch", False)
