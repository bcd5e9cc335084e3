"""Server memory while 200 ``thread:join`` calls fetch one 3,000-message thread.

Starts ``python -m signaling serve`` (SQLite, dev mode) in its own process, fills a thread over
REST, then sends 200 joins at once from 20 sockets of the thread's two parties and reports the
server's resident memory before and at its peak (``VmHWM``). Extra ``INTERVIEW_*=value``
arguments go to the server, e.g. ``INTERVIEW_THREAD_JOIN_BURST=1000`` to lift the join limit
and see the bounded page alone.

    python benchmarks/thread_join.py [INTERVIEW_X=value ...]
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import socketio

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = 3000
SOCKETS = 20
JOINS_PER_SOCKET = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory_mb(pid: int, key: str) -> int:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) // 1024
    return 0


def start_server(extra: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "INTERVIEW_DEV_MODE": "1",
        "INTERVIEW_DATA_DIR": tempfile.mkdtemp(),
        "INTERVIEW_MESSAGE_RATE_PER_MINUTE": "1000000",
        "INTERVIEW_MESSAGE_BURST": "1000000",
        "INTERVIEW_RECORDING": "off",
        **extra,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "signaling", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, f"http://127.0.0.1:{port}"


async def run(proc: subprocess.Popen[bytes], url: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(f"{url}/healthz") as resp:
                    if resp.status == 200:
                        break
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
        tokens: dict[str, str] = {}
        for user, role in (("bench-c", "client"), ("bench-f", "freelancer")):
            body = {"user_id": user, "name": user, "role": role}
            async with http.post(f"{url}/api/dev/login", json=body) as resp:
                tokens[user] = (await resp.json())["token"]
        auth = {"Authorization": f"Bearer {tokens['bench-c']}"}
        body = {"job_id": "bench", "job_title": "Benchmark", "freelancer_id": "bench-f"}
        async with http.post(f"{url}/api/threads", json=body, headers=auth) as resp:
            thread_id = (await resp.json())["id"]
        text = "Here is some ordinary project talk about milestones and the design. " * 2
        gate = asyncio.Semaphore(20)

        async def send(i: int) -> None:
            async with (
                gate,
                http.post(
                    f"{url}/api/threads/{thread_id}/messages",
                    json={"text": f"{i} {text}"},
                    headers=auth,
                ) as resp,
            ):
                assert resp.status == 201, await resp.text()

        await asyncio.gather(*(send(i) for i in range(MESSAGES)))
        before = memory_mb(proc.pid, "VmRSS:")
        clients: list[socketio.AsyncClient] = []
        for i in range(SOCKETS):
            sio = socketio.AsyncClient(reconnection=False)
            token = tokens["bench-c" if i % 2 else "bench-f"]
            await sio.connect(url, auth={"token": token}, transports=["websocket"])
            clients.append(sio)
        started = time.perf_counter()
        acks = await asyncio.gather(
            *(
                c.call("thread:join", {"thread_id": thread_id}, timeout=300)
                for c in clients
                for _ in range(JOINS_PER_SOCKET)
            )
        )
        seconds = time.perf_counter() - started
        peak = memory_mb(proc.pid, "VmHWM:")
        for sio in clients:
            await sio.disconnect()
        return {
            "joins": len(acks),
            "served": sum(1 for a in acks if a.get("ok")),
            "rate_limited": sum(1 for a in acks if a.get("code") == "rate_limited"),
            "messages_returned": sum(len(a.get("messages", [])) for a in acks),
            "rss_before_mb": before,
            "peak_rss_mb": peak,
            "seconds": round(seconds, 2),
        }


def main() -> None:
    extra = dict(arg.split("=", 1) for arg in sys.argv[1:])
    proc, url = start_server(extra)
    try:
        result = asyncio.run(run(proc, url))
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    print(json.dumps({"server_settings": extra, **result}))


if __name__ == "__main__":
    main()
