"""Message fan-out through socket.io vs a raw aiohttp WebSocket echo (baseline, same run).

200 connected clients in 100 threads (a client and a freelancer per thread). Each client
sends a message, waits for the ack, and sends the next; the other party's receipt of
``message:new`` gives the delivery latency. The baseline is a bare aiohttp WebSocket echo
server with the same number of connections doing the same closed loop.

Usage: python benchmarks/messages.py [--threads 100] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import socketio
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_interview_server(port: int, data_dir: str, database_url: str) -> None:
    from signaling.app import create_app
    from signaling.settings import Settings

    settings = Settings(
        data_dir=Path(data_dir),
        database_url=database_url,
        dev_mode=True,
        jwt_secret="bench-secret-0123456789abcdef0123456789",
        message_rate_per_minute=1_000_000,
        message_burst=1_000_000,
        socket_event_rate_per_minute=1_000_000,
        socket_event_burst=1_000_000,
    )
    web.run_app(create_app(settings), host="127.0.0.1", port=port, print=None)


async def _echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == aiohttp.WSMsgType.TEXT:
            await ws.send_str(msg.data)
    return ws


def run_echo_server(port: int) -> None:
    app = web.Application()
    app.router.add_get("/ws", _echo)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


async def wait_port(port: int, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def bench_socketio(port: int, threads: int, seconds: float) -> dict[str, Any]:
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:

        async def login(user: str, role: str) -> str:
            async with http.post(
                f"{base}/api/dev/login", json={"user_id": user, "name": user, "role": role}
            ) as resp:
                return str((await resp.json())["token"])

        pairs = []
        for i in range(threads):
            ct, ft = await login(f"bc{i}", "client"), await login(f"bf{i}", "freelancer")
            async with http.post(
                f"{base}/api/threads",
                json={"job_id": f"bench-{i}", "job_title": "Bench", "freelancer_id": f"bf{i}"},
                headers={"Authorization": f"Bearer {ct}"},
            ) as resp:
                thread_id = (await resp.json())["id"]
            pairs.append((thread_id, ct, ft))

    latencies: list[float] = []
    sent = 0
    clients: list[socketio.AsyncClient] = []

    async def connect(token: str) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False)
        await sio.connect(base, auth={"token": token}, transports=["websocket"], wait_timeout=30)
        clients.append(sio)
        return sio

    stop = asyncio.Event()
    measuring = asyncio.Event()

    async def party(thread_id: str, me: socketio.AsyncClient, tag: str) -> None:
        nonlocal sent
        n = 0
        while not stop.is_set():
            n += 1
            text = json.dumps({"t": time.perf_counter(), "from": tag})
            ack = await me.call("message:send", {"thread_id": thread_id, "text": text}, timeout=30)
            if ack.get("ok") and measuring.is_set():
                sent += 1

    def on_message(tag: str) -> Any:
        def handler(msg: dict[str, Any]) -> None:
            try:
                body = json.loads(msg["body"]["text"])
            except (ValueError, KeyError, TypeError):
                return
            if body.get("from") != tag and measuring.is_set():
                latencies.append(time.perf_counter() - body["t"])

        return handler

    tasks = []
    for thread_id, ct, ft in pairs:
        a, b = await connect(ct), await connect(ft)
        a.on("message:new", on_message("a"))
        b.on("message:new", on_message("b"))
        for sio in (a, b):
            await sio.call("thread:join", {"thread_id": thread_id, "after_seq": 10**9})
        tasks.append(asyncio.create_task(party(thread_id, a, "a")))
        tasks.append(asyncio.create_task(party(thread_id, b, "b")))
    await asyncio.sleep(1.0)  # warm-up
    measuring.set()
    started = time.perf_counter()
    await asyncio.sleep(seconds)
    measuring.clear()
    elapsed = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    for sio in clients:
        await sio.disconnect()
    return {"sends_per_s": sent / elapsed, "latencies": latencies, "clients": len(clients)}


async def bench_echo(port: int, connections: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    sent = 0
    stop = asyncio.Event()
    measuring = asyncio.Event()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        sockets = [await http.ws_connect(f"http://127.0.0.1:{port}/ws") for _ in range(connections)]

        async def loop(ws: aiohttp.ClientWebSocketResponse) -> None:
            nonlocal sent
            while not stop.is_set():
                t = time.perf_counter()
                await ws.send_str(json.dumps({"t": t}))
                await ws.receive()
                if measuring.is_set():
                    sent += 1
                    latencies.append(time.perf_counter() - t)

        tasks = [asyncio.create_task(loop(ws)) for ws in sockets]
        await asyncio.sleep(1.0)
        measuring.set()
        started = time.perf_counter()
        await asyncio.sleep(seconds)
        measuring.clear()
        elapsed = time.perf_counter() - started
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        for ws in sockets:
            await ws.close()
    return {"sends_per_s": sent / elapsed, "latencies": latencies, "clients": connections}


def report(name: str, result: dict[str, Any]) -> None:
    lat = [x * 1000 for x in result["latencies"]]
    print(
        f"{name:<34} clients={result['clients']:>4}  sends/s={result['sends_per_s']:>8.0f}  "
        f"p50={pct(lat, 50):6.1f} ms  p99={pct(lat, 99):6.1f} ms  "
        f"(mean {statistics.fmean(lat) if lat else float('nan'):.1f} ms, n={len(lat)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--database-url",
        default="",
        help="e.g. postgresql://postgres@127.0.0.1/test (default: SQLite)",
    )
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    print(
        f"# message fan-out, {args.threads} threads, {2 * args.threads} clients, "
        f"{args.seconds:.0f} s per run, {os.cpu_count()} cores, server in its own process"
    )

    echo_port = free_port()
    echo = ctx.Process(target=run_echo_server, args=(echo_port,), daemon=True)
    echo.start()
    try:
        asyncio.run(wait_port(echo_port))
        baseline = asyncio.run(bench_echo(echo_port, 2 * args.threads, args.seconds))
    finally:
        echo.terminate()
        echo.join()

    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        server = ctx.Process(
            target=run_interview_server, args=(port, data_dir, args.database_url), daemon=True
        )
        server.start()
        try:
            asyncio.run(wait_port(port))
            ours = asyncio.run(bench_socketio(port, args.threads, args.seconds))
        finally:
            server.terminate()
            server.join()
    report("baseline: raw aiohttp WS echo", baseline)
    report(f"interview-server socket.io ({'PostgreSQL' if args.database_url else 'SQLite'})", ours)
    print(
        "(socket.io sends are stored in the database, run through the policy guard, appended "
        "to the audit chain and fanned out; the echo does none of that)"
    )


if __name__ == "__main__":
    main()
