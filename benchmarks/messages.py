"""Message fan-out through our socket.io server vs echo servers (baselines, same run).

200 connected clients in 100 threads (a client and a freelancer per thread). Each client
sends a message, waits for the ack, and sends the next; the other party's receipt of
``message:new`` gives the delivery latency. The baseline is a python-socketio server that
only echoes (joins a room, emits ``message:new`` to it and acks) under the same load
generator; a bare aiohttp WebSocket echo is printed too. Runs: SQLite; with
``--database-url`` PostgreSQL (one node), and with ``--redis-url`` as well two nodes on
PostgreSQL + Redis (clients split across them). Each run prints sends/s (and its share of
the python-socketio echo's), p50/p99 delivery latency and server CPU per acked message.

Usage: python benchmarks/messages.py [--threads 100] [--seconds 10]
       [--database-url postgresql://postgres@127.0.0.1/test --redis-url redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import multiprocessing
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
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


def run_interview_server(
    port: int, data_dir: str, database_url: str, redis_url: str = "", node_id: str = "bench-1"
) -> None:
    from signaling.app import create_app
    from signaling.settings import Settings

    settings = Settings(
        data_dir=Path(data_dir),
        database_url=database_url,
        redis_url=redis_url,
        node_id=node_id,
        dev_mode=True,
        jwt_secret="bench-secret-0123456789abcdef0123456789",
        message_rate_per_minute=1_000_000,
        message_burst=1_000_000,
        socket_event_rate_per_minute=1_000_000,
        socket_event_burst=1_000_000,
    )
    web.run_app(create_app(settings), host="127.0.0.1", port=port, print=None, access_log=None)


def run_sio_echo_server(port: int) -> None:
    """python-socketio with nothing behind it: ``thread:join`` enters a room, ``message:send``
    emits ``message:new`` to that room and acks (what our server does, minus the work)."""
    sio = socketio.AsyncServer(async_mode="aiohttp", logger=False, engineio_logger=False)
    seqs: dict[str, int] = {}

    async def join(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        await sio.enter_room(sid, data["thread_id"])
        return {"ok": True, "messages": []}

    async def send(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        thread_id = data["thread_id"]
        seqs[thread_id] = seqs.get(thread_id, 0) + 1
        message = {"thread_id": thread_id, "seq": seqs[thread_id], "body": {"text": data["text"]}}
        await sio.emit("message:new", message, room=thread_id)
        return {"ok": True, "message": message, "created": True}

    sio.on("thread:join", join)
    sio.on("message:send", send)
    app = web.Application()
    sio.attach(app)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _interview_threads(base: str, threads: int, tag: str) -> list[tuple[str, str, str]]:
    """Threads created over REST (dev login): (thread id, client token, freelancer token)."""
    async with aiohttp.ClientSession() as http:

        async def login(user: str, role: str) -> str:
            async with http.post(
                f"{base}/api/dev/login", json={"user_id": user, "name": user, "role": role}
            ) as resp:
                return str((await resp.json())["token"])

        pairs = []
        for i in range(threads):
            ct = await login(f"bc{tag}{i}", "client")
            ft = await login(f"bf{tag}{i}", "freelancer")
            async with http.post(
                f"{base}/api/threads",
                json={
                    "job_id": f"bench-{tag}-{i}",
                    "job_title": "Bench",
                    "freelancer_id": f"bf{tag}{i}",
                },
                headers={"Authorization": f"Bearer {ct}"},
            ) as resp:
                thread_id = (await resp.json())["id"]
            pairs.append((thread_id, ct, ft))
    return pairs


async def bench_socketio(port: int, threads: int, seconds: float) -> dict[str, Any]:
    """The closed loop against one interview server (benchmarks/events.py uses it too)."""
    return await bench_nodes([port], threads, seconds)


async def bench_nodes(
    ports: list[int],
    threads: int,
    seconds: float,
    *,
    pids: tuple[int, ...] = (),
    echo: bool = False,
    tag: str = "",
    profile: str = "",
    rate: float = 0.0,
) -> dict[str, Any]:
    """Each thread's client talks to ``ports[0]``, its freelancer to ``ports[-1]`` (with two
    nodes every message crosses them through Redis). ``echo``: the servers are python-socketio
    echo servers (no login, no threads created). CPU of ``pids`` is read over the window.

    ``rate`` 0: the closed loop (each party sends, waits for the ack, sends again), which finds
    the most sends/s; its latency is then the generator's queue (Little's law: clients /
    throughput). ``rate`` > 0: an open loop at that many sends/s in all, spread evenly over the
    parties (a send does not wait for the previous ack), so the latency is the servers' own at
    a load below saturation."""
    bases = [f"http://127.0.0.1:{p}" for p in ports]
    if echo:
        pairs = [(f"t{i}", "x", "x") for i in range(threads)]
    else:
        pairs = await _interview_threads(bases[0], threads, tag)

    latencies: list[float] = []
    sent = 0
    clients: list[socketio.AsyncClient] = []

    async def connect(base: str, token: str) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False)
        await sio.connect(base, auth={"token": token}, transports=["websocket"], wait_timeout=30)
        clients.append(sio)
        return sio

    stop = asyncio.Event()
    measuring = asyncio.Event()

    # When each text was sent, by the text itself. The text carries no long digit run: the
    # contact guard would take a timestamp for a phone number and mask it (then every send
    # also writes a finding and a policy notice, which is not the common case measured here).
    sent_at: dict[tuple[str, str], float] = {}
    refused: collections.Counter[str] = collections.Counter()
    words = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")

    async def send_one(thread_id: str, me: socketio.AsyncClient, text: str) -> None:
        nonlocal sent
        sent_at[(thread_id, text)] = time.perf_counter()
        ack = await me.call("message:send", {"thread_id": thread_id, "text": text}, timeout=30)
        if not ack.get("ok"):
            refused[str(ack.get("code"))] += 1
        elif measuring.is_set():
            sent += 1

    in_flight: set[asyncio.Task[None]] = set()

    async def party(thread_id: str, me: socketio.AsyncClient, tag: str) -> None:
        n = 0
        period = 2 * len(pairs) / rate if rate > 0 else 0.0
        if period:
            await asyncio.sleep(random.uniform(0, period))  # spread the parties' phases
        due = time.perf_counter()
        while not stop.is_set():
            n += 1
            spelled = " ".join(words[int(d)] for d in oct(n)[2:])
            text = f"{tag} says {spelled}"
            if not period:
                await send_one(thread_id, me, text)
                continue
            task = asyncio.create_task(send_one(thread_id, me, text))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
            due += period
            await asyncio.sleep(max(0.0, due - time.perf_counter()))

    def on_message(tag: str) -> Any:
        def handler(msg: dict[str, Any]) -> None:
            try:
                text = msg["body"]["text"]
                at = sent_at.get((msg["thread_id"], text))
            except (KeyError, TypeError):
                return
            if at is not None and not text.startswith(tag + " ") and measuring.is_set():
                latencies.append(time.perf_counter() - at)

        return handler

    tasks = []
    for thread_id, ct, ft in pairs:
        a, b = await connect(bases[0], ct), await connect(bases[-1], ft)
        a.on("message:new", on_message("a"))
        b.on("message:new", on_message("b"))
        for sio in (a, b):
            await sio.call("thread:join", {"thread_id": thread_id, "after_seq": 10**9})
        tasks.append(asyncio.create_task(party(thread_id, a, "a")))
        tasks.append(asyncio.create_task(party(thread_id, b, "b")))
    await asyncio.sleep(1.0)  # warm-up
    measuring.set()
    spies = [_py_spy(pid, seconds, f"{profile}-{k}.txt") for k, pid in enumerate(pids) if profile]
    cpu_before = sum(cpu_seconds(pid) for pid in pids)
    generator_before = time.process_time()
    started = time.perf_counter()
    await asyncio.sleep(seconds)
    measuring.clear()
    elapsed = time.perf_counter() - started
    cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
    generator = time.process_time() - generator_before
    for spy in spies:
        await asyncio.to_thread(spy.wait)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    if in_flight:
        await asyncio.wait(in_flight, timeout=30)
    for sio in clients:
        await sio.disconnect()
    return {
        "generator_cores": generator / elapsed,
        "sends_per_s": sent / elapsed,
        "latencies": latencies,
        "clients": len(clients),
        "cpu_ms": cpu * 1000 / max(sent, 1),
        "sent": sent,
        "refused": dict(refused),
    }


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


def report(name: str, result: dict[str, Any], echo: dict[str, Any] | None = None) -> None:
    lat = [x * 1000 for x in result["latencies"]]
    share = f"{result['sends_per_s'] / echo['sends_per_s'] * 100:5.0f} %" if echo else "      "
    cpu = f"CPU {result['cpu_ms']:5.2f} ms/msg" if "cpu_ms" in result else ""
    if "generator_cores" in result:
        cpu += f"  (generator {result['generator_cores']:.2f} cores)"
    print(
        f"{name:<36} clients={result['clients']:>4}  sends/s={result['sends_per_s']:>6.0f} "
        f"{share}  p50={pct(lat, 50):6.1f} ms  p99={pct(lat, 99):6.1f} ms  {cpu}",
        flush=True,
    )
    if result.get("refused"):
        print(f"{'':<36} error acks (whole run): {result['refused']}")
    for path in result.get("profiles", []):
        if Path(path).exists():
            print_profile(path)


class Ports:
    """Ports for the servers: from ``--port-base`` up, or free ephemeral ones."""

    def __init__(self, base: int) -> None:
        self.next = base

    def take(self) -> int:
        if not self.next:
            return free_port()
        self.next += 1
        return self.next - 1


async def _pg_database(server_url: str, name: str, *, drop: bool = False) -> str:
    """Create (or drop) database ``name`` on the server of ``server_url``; its URL."""
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(server_url.replace("postgresql://", "postgresql+asyncpg://", 1))
    conn = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database="postgres",
    )
    try:
        if drop:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.set(database=name).render_as_string(hide_password=False)


def _py_spy(pid: int, seconds: float, out: str) -> subprocess.Popen[bytes]:
    """py-spy (pip install py-spy) sampling ``pid`` for ``seconds``: collapsed stacks."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    command = [spy, "record", "-p", str(pid), "-d", str(max(1, int(seconds))), "-r", "100"]
    command += ["-f", "raw", "-o", out, "--nonblocking"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def print_profile(path: str, top: int = 14) -> None:
    """The functions the samples of ``path`` (py-spy raw) spent most time in, with and
    without their callees, as shares of the samples (idle waits not sampled)."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in Path(path).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    print(f"    profile {path}: {total} samples")
    for frame, n in own.most_common(top):
        print(f"      self {n * 100 / max(total, 1):5.1f} %  {frame[:110]}")
    wanted = ("signaling/", "sqlalchemy/", "socketio/", "engineio/", "aiosqlite/", "asyncpg/")
    ours = [(f, n) for f, n in inclusive.most_common() if any(w in f for w in wanted)]
    for frame, n in ours[:top]:
        print(f"      incl {n * 100 / max(total, 1):5.1f} %  {frame[:110]}")


def run_ours(
    ctx: Any,
    ports: Ports,
    args: argparse.Namespace,
    *,
    database_url: str = "",
    redis_url: str = "",
    nodes: int = 1,
    tag: str = "",
) -> dict[str, Any]:
    """Our server (``nodes`` processes on one database) under the closed loop."""
    profile = f"{args.profile}/{tag or 'sqlite'}" if args.profile else ""
    from signaling.store.migrate import upgrade

    with tempfile.TemporaryDirectory() as data_dir:
        if database_url:
            asyncio.run(upgrade(database_url))  # once, before the nodes start
        node_ports = [ports.take() for _ in range(nodes)]
        servers = [
            ctx.Process(
                target=run_interview_server,
                args=(port, f"{data_dir}/n{k}", database_url, redis_url, f"bench-{k}"),
                daemon=True,
            )
            for k, port in enumerate(node_ports)
        ]
        for k, server in enumerate(servers):
            Path(f"{data_dir}/n{k}").mkdir()
            server.start()
        try:
            for port in node_ports:
                asyncio.run(wait_port(port))
            pids = tuple(int(server.pid or 0) for server in servers)
            result = asyncio.run(
                bench_nodes(
                    node_ports,
                    args.threads,
                    args.seconds,
                    pids=pids,
                    tag=tag,
                    profile=profile,
                    rate=args.rate,
                )
            )
            if profile:
                result["profiles"] = [f"{profile}-{k}.txt" for k in range(nodes)]
            return result
        finally:
            for server in servers:
                server.terminate()
                server.join()


def run_sio_echo(ctx: Any, ports: Ports, args: argparse.Namespace) -> dict[str, Any]:
    port = ports.take()
    server = ctx.Process(target=run_sio_echo_server, args=(port,), daemon=True)
    server.start()
    try:
        asyncio.run(wait_port(port))
        return asyncio.run(
            bench_nodes(
                [port],
                args.threads,
                args.seconds,
                pids=(int(server.pid or 0),),
                echo=True,
                rate=args.rate,
            )
        )
    finally:
        server.terminate()
        server.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server, e.g. postgresql://postgres@127.0.0.1/test: adds runs on a "
        "fresh database there (created and dropped by the benchmark)",
    )
    parser.add_argument(
        "--redis-url", default="", help="with --database-url: adds a two-node run (Redis manager)"
    )
    parser.add_argument("--port-base", type=int, default=0, help="servers listen from here up")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument(
        "--profile",
        default="",
        help="a directory: py-spy records each server of ours during the window (printed)",
    )
    parser.add_argument("--no-raw-echo", action="store_true", help="skip the raw WebSocket echo")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="an open loop at this many sends/s in all (latency below saturation); "
        "default 0: the closed loop (throughput)",
    )
    args = parser.parse_args()
    if args.rate:
        args.no_raw_echo = True  # the raw echo has no open-loop mode
    ctx = multiprocessing.get_context("spawn")
    ports = Ports(args.port_base)
    print(
        f"# message fan-out, {args.threads} threads, {2 * args.threads} clients, "
        f"{args.seconds:.0f} s per run, {os.cpu_count()} cores, servers in their own processes, "
        + (f"open loop at {args.rate:.0f} sends/s; " if args.rate else "closed loop; ")
        + "CPU = server process CPU time in the window / messages acked",
        flush=True,
    )

    echo = run_sio_echo(ctx, ports, args)
    report("baseline: python-socketio echo", echo)
    if not args.no_raw_echo:
        port = ports.take()
        raw = ctx.Process(target=run_echo_server, args=(port,), daemon=True)
        raw.start()
        try:
            asyncio.run(wait_port(port))
            report(
                "baseline: raw aiohttp WS echo",
                asyncio.run(bench_echo(port, 2 * args.threads, args.seconds)),
            )
        finally:
            raw.terminate()
            raw.join()
    if not args.no_sqlite:
        report("interview-server, SQLite", run_ours(ctx, ports, args), echo)
    if args.database_url:
        name = f"bench_messages_{uuid.uuid4().hex[:8]}"
        url = asyncio.run(_pg_database(args.database_url, name))
        try:
            report(
                "interview-server, PostgreSQL, 1 node",
                run_ours(ctx, ports, args, database_url=url, tag="one"),
                echo,
            )
            if args.redis_url:
                report(
                    "interview-server, PG + Redis, 2 nodes",
                    run_ours(
                        ctx,
                        ports,
                        args,
                        database_url=url,
                        redis_url=args.redis_url,
                        nodes=2,
                        tag="two",
                    ),
                    echo,
                )
        finally:
            asyncio.run(_pg_database(args.database_url, name, drop=True))
    print(
        "(our sends are stored in the database with their audit entries and outbox events, run "
        "through the policy guard and fanned out; the echo servers do none of that. The "
        "percentage is sends/s against the python-socketio echo. With 2 nodes each thread's "
        "client is on node 1 and its freelancer on node 2: every message crosses Redis; CPU "
        "is both nodes together.)"
    )


if __name__ == "__main__":
    main()
