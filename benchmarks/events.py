"""Event feed: events delivered per second to a local receiver and the delay from commit to
delivery, next to the message benchmark's throughput with and without the outbox (same run).

The server runs in its own process (benchmarks/messages.py's closed loop: clients in threads
send, wait for the ack, send again); the receiver is a bare aiohttp server in a third process
that checks nothing and answers 204. Each message writes at least one event
(``message.created``) in its transaction; the server's dispatcher delivers them while the load
runs. The configurations alternate (no outbox; events written but no webhook; written and
delivered one POST per event; written and delivered as one JSON array per round, by the feed
cursor; with PostgreSQL, ``worker``: written by the server and delivered one POST per event by
an ``interview-server events deliver`` process), round after round; every run is printed, then
each configuration's best, so a noisy neighbour on a shared machine hurts all alike.
``batch@0.25`` is ``batch`` with 250 ms delivery rounds (INTERVIEW_EVENTS_COALESCE_SECONDS).

The delay is measured from the event's ``timestamp`` (taken inside the transaction, just
before it commits) to its arrival at the receiver (the same clock).

Usage: python benchmarks/events.py [--threads 50] [--seconds 8] [--rounds 2]
       [--modes off,outbox,delivery,batch[,worker]] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.messages import bench_nodes, free_port, pct, wait_port

SECRET = "bench-webhook-secret-0123456789abcdef"


# no outbox; events written only; written and delivered one POST per event; written and
# delivered as one JSON array per round (INTERVIEW_EVENTS_DELIVERY=batch)
# ``worker`` (PostgreSQL): written by the server, delivered one POST per event by an
# ``interview-server events deliver`` process (INTERVIEW_EVENTS_DELIVER_IN_PROCESS=0)
MODES = ("off", "outbox", "delivery", "batch", "worker")
DELIVERING = ("delivery", "batch", "worker")


def split_mode(mode: str) -> tuple[str, float | None]:
    """``batch@0.25``: the mode ``batch`` with INTERVIEW_EVENTS_COALESCE_SECONDS=0.25."""
    name, _, coalesce = mode.partition("@")
    return name, float(coalesce) if coalesce else None


def run_server(port: int, data_dir: str, database_url: str, webhook: str, mode: str) -> None:
    from signaling.app import create_app
    from signaling.settings import Settings

    mode, coalesce = split_mode(mode)
    extra: dict[str, Any] = {} if coalesce is None else {"events_coalesce_seconds": coalesce}

    settings = Settings(
        data_dir=Path(data_dir),
        database_url=database_url,
        dev_mode=True,
        jwt_secret="bench-secret-0123456789abcdef0123456789",
        message_rate_per_minute=1_000_000,
        message_burst=1_000_000,
        socket_event_rate_per_minute=1_000_000,
        socket_event_burst=1_000_000,
        events_enabled=mode != "off",
        backend_webhook_url=webhook if mode in DELIVERING else "",
        backend_webhook_secret=SECRET,
        events_delivery="batch" if mode == "batch" else "single",
        events_deliver_in_process=mode != "worker",
        **extra,
    )
    web.run_app(create_app(settings), host="127.0.0.1", port=port, print=None)


def run_receiver(port: int) -> None:
    """Counts events and their commit-to-arrival delays; ``GET /stats`` returns them."""
    delays: list[float] = []
    arrivals: list[float] = []

    async def hook(request: web.Request) -> web.Response:
        body = await request.json()
        now = time.time()
        for event in body if isinstance(body, list) else [body]:
            sent = datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00")).timestamp()
            delays.append(now - sent)
            arrivals.append(now)
        return web.Response(status=204)

    async def stats(request: web.Request) -> web.Response:
        since = float(request.query.get("since", "0"))
        until = float(request.query.get("until", "1e18"))
        window = [d for d, a in zip(delays, arrivals, strict=True) if since <= a <= until]
        return web.json_response({"total": len(delays), "delays": window})

    app = web.Application(client_max_size=1024**2)
    app.router.add_post("/hook", hook)
    app.router.add_get("/stats", stats)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


async def _stats(port: int, since: float = 0, until: float = 1e18) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http:
        params = {"since": str(since), "until": str(until)}
        async with http.get(f"http://127.0.0.1:{port}/stats", params=params) as resp:
            data: dict[str, Any] = await resp.json()
            return data


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(
    ctx: Any, args: argparse.Namespace, mode: str, receiver_port: int, receiver_pid: int
) -> dict[str, Any]:
    port = free_port()
    webhook = f"http://127.0.0.1:{receiver_port}/hook"
    delivering = split_mode(mode)[0] in DELIVERING
    if args.database_url and delivering:
        asyncio.run(settle_outbox(args.database_url))
    with tempfile.TemporaryDirectory() as data_dir:
        server = ctx.Process(
            target=run_server,
            args=(port, data_dir, args.database_url, webhook, mode),
            daemon=True,
        )
        server.start()
        worker = start_worker(args.database_url, data_dir, webhook) if mode == "worker" else None
        try:
            asyncio.run(wait_port(port))
            before = asyncio.run(_stats(receiver_port))["total"]
            started = time.time()
            receiver_cpu = cpu_seconds(receiver_pid)
            worker_cpu = cpu_seconds(worker.pid) if worker is not None else 0.0
            # the server's CPU per message over the measured window only (after set-up and
            # the 1 s warm-up): less noisy than wall-clock throughput on a shared machine
            result = asyncio.run(
                bench_nodes([port], args.threads, args.seconds, pids=(server.pid,))
            )
            ended = time.time()
            if delivering:
                time.sleep(2.0)  # let the last deliveries of the window arrive
                window = asyncio.run(_stats(receiver_port, started, ended))
                after = asyncio.run(_stats(receiver_port))["total"]
                result["delivered"] = len(window["delays"])
                result["delivered_per_s"] = len(window["delays"]) / (ended - started)
                result["delays"] = window["delays"]
                result["delivered_total"] = after - before
                # the receiver's CPU per event it got (set-up events included)
                result["receiver_ms"] = (
                    (cpu_seconds(receiver_pid) - receiver_cpu) * 1000 / max(after - before, 1)
                )
            if worker is not None:
                result["worker_ms"] = (  # its CPU per event over the same span
                    (cpu_seconds(worker.pid) - worker_cpu)
                    * 1000
                    / max(result.get("delivered_total", 0), 1)
                )
        finally:
            server.terminate()
            server.join()
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
    return result


def start_worker(database_url: str, data_dir: str, webhook: str) -> subprocess.Popen[bytes]:
    """An ``interview-server events deliver`` process for the ``worker`` mode."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
    env.update(
        PYTHONPATH=str(Path(__file__).resolve().parents[1]),
        INTERVIEW_DATABASE_URL=database_url,
        INTERVIEW_DATA_DIR=data_dir,
        INTERVIEW_NODE_ID="bench-worker",
        INTERVIEW_JWT_SECRET="bench-secret-0123456789abcdef0123456789",
        INTERVIEW_DEV_MODE="1",
        INTERVIEW_BACKEND_WEBHOOK_URL=webhook,
        INTERVIEW_BACKEND_WEBHOOK_SECRET=SECRET,
        INTERVIEW_EVENTS_POLL_SECONDS="0.05",
        INTERVIEW_EVENTS_DELIVER_IN_PROCESS="0",
    )
    return subprocess.Popen([sys.executable, "-m", "signaling", "events", "deliver"], env=env)


async def new_threads(store: Any, tag: str, count: int = 20) -> list[str]:
    """``count`` new threads (ids) for an in-process CPU figure."""
    threads = []
    for i in range(count):
        thread, _ = await store.create_thread(
            job_id=f"{tag}-{i}-{time.time()}", job_title="x", client_id="c",
            freelancer_id=f"f{i}", actor_id="c",
        )  # fmt: skip
        threads.append(thread.id)
    return threads


async def store_cpu(url: str, events: bool, messages: int = 1000) -> float:
    """CPU seconds of this process per message appended through the store (SQLite: the
    database work runs in this process too), with or without the outbox."""
    from signaling.domain.messages import MessageKind, NewMessage
    from signaling.events.outbox import EventRecorder
    from signaling.store.sql import SqlStore, make_engine

    store = SqlStore(make_engine(url))
    if events:
        store.events = EventRecorder()
    threads = await new_threads(store, f"cpu-{events}")

    async def chat(thread_id: str, count: int) -> None:
        for n in range(count):
            await store.append_message(
                NewMessage(thread_id, "c", MessageKind.TEXT, {"text": f"message {n}"})
            )

    started = time.process_time()
    await asyncio.gather(*(chat(t, messages // len(threads)) for t in threads))
    used = time.process_time() - started
    await store.close()
    return used / messages


async def delivery_cpu(url: str, receiver_port: int, batch_body: bool, events: int = 1000) -> float:
    """CPU seconds of this process per event delivered to the receiver (the dispatcher's
    rounds: claims, bodies, signatures, POSTs, acknowledgements; SQLite's work runs in this
    process too), from an outbox holding ``events`` pending message.created events."""
    from signaling.domain.messages import MessageKind, NewMessage
    from signaling.events.dispatcher import Dispatcher, WebhookSender
    from signaling.events.outbox import EventRecorder, OutboxStore
    from signaling.store.sql import SqlStore, make_engine

    store = SqlStore(make_engine(url))
    store.events = EventRecorder()
    outbox = OutboxStore(store)
    threads = await new_threads(store, f"dcpu-{batch_body}")
    for n in range(events // len(threads)):
        await asyncio.gather(
            *(
                store.append_message(NewMessage(t, "c", MessageKind.TEXT, {"text": f"m {n}"}))
                for t in threads
            )
        )
    async with aiohttp.ClientSession() as http:
        sender = WebhookSender(f"http://127.0.0.1:{receiver_port}/hook", SECRET, http)
        dispatcher = Dispatcher(outbox, sender, node_id="bench", batch_body=batch_body)
        started = time.process_time()
        while await dispatcher.run_once(defer_marks=True):
            pass
        await dispatcher.run_once()  # records the last acknowledgements
        used = time.process_time() - started
    delivered = dispatcher.delivered_total
    await store.close()
    return used / max(delivered, 1)


async def cpu_figures(rounds: int) -> tuple[float, float]:
    from signaling.store.migrate import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/cpu.sqlite3"
        await upgrade(url)
        off = [await store_cpu(url, False) for _ in range(rounds)]
        on = [await store_cpu(url, True) for _ in range(rounds)]
    return min(off), min(on)


async def delivery_figures(rounds: int, receiver_port: int) -> tuple[float, float, float]:
    """CPU per delivered event: one POST per event and batched from 1,000 pending events,
    and batched from a backlog of 10,000 (a receiver that was down)."""
    from signaling.store.migrate import upgrade

    single, batch, backlog = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/delivery.sqlite3"
        await upgrade(url)
        for _ in range(rounds):  # alternating
            single.append(await delivery_cpu(url, receiver_port, False))
            batch.append(await delivery_cpu(url, receiver_port, True))
            backlog.append(await delivery_cpu(url, receiver_port, True, events=10_000))
    return min(single), min(batch), min(backlog)


async def settle_outbox(url: str) -> None:
    """Mark what earlier runs left pending as delivered (PostgreSQL: every run shares the
    database), so a delivering run delivers its own events, not an earlier run's backlog."""
    from sqlalchemy import update

    from signaling.settings import Settings
    from signaling.store import schema as t
    from signaling.store.sql import make_engine

    engine = make_engine(Settings(database_url=url).sqlalchemy_url)
    async with engine.begin() as conn:
        o = t.event_outbox
        await conn.execute(update(o).where(o.c.state == "pending").values(state="delivered"))
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--modes", default=",".join(MODES), help="a subset of " + ",".join(MODES))
    parser.add_argument(
        "--cpu-rounds", type=int, default=2, help="rounds of the in-process CPU figure (0: skip)"
    )
    parser.add_argument(
        "--database-url", default="", help="e.g. postgresql://postgres@127.0.0.1/db"
    )
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    if "worker" in modes and not args.database_url:
        parser.error("--modes worker needs --database-url (the worker needs PostgreSQL)")
    if not modes or not {split_mode(m)[0] for m in modes} <= set(MODES):
        parser.error(f"--modes: a subset of {','.join(MODES)} (batch@0.25: with 250 ms coalescing)")
    ctx = multiprocessing.get_context("spawn")
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"# event feed, {backend}, {args.threads} threads, {2 * args.threads} clients, "
        f"{args.seconds:.0f} s per run, {args.rounds} rounds, {os.cpu_count()} cores"
    )
    receiver_port = free_port()
    receiver = ctx.Process(target=run_receiver, args=(receiver_port,), daemon=True)
    receiver.start()
    runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
    try:
        asyncio.run(wait_port(receiver_port))
        assert receiver.pid is not None
        for _ in range(args.rounds):
            for mode in modes:
                runs[mode].append(one_run(ctx, args, mode, receiver_port, receiver.pid))
                last = runs[mode][-1]
                extra = ""
                if split_mode(mode)[0] in DELIVERING:
                    extra = (
                        f", {last['delivered_per_s']:.0f} events/s delivered, receiver CPU "
                        f"{last['receiver_ms']:.2f} ms per event"
                    )
                if "worker_ms" in last:
                    extra += f", worker CPU {last['worker_ms']:.2f} ms per event"
                print(
                    f"  {mode:<8} {last['sends_per_s']:.0f} sends/s, "
                    f"server CPU {last['cpu_ms']:.2f} ms per message{extra}",
                    flush=True,
                )
        if args.cpu_rounds:  # while the receiver runs
            single, batch, backlog = asyncio.run(delivery_figures(args.cpu_rounds, receiver_port))
    finally:
        receiver.terminate()
        receiver.join()
    best = {m: max(runs[m], key=lambda r: r["sends_per_s"]) for m in modes}
    cpu = {m: min(r["cpu_ms"] for r in runs[m]) for m in modes}
    base = "off" if "off" in modes else modes[0]

    def change(value: float, baseline: float) -> str:
        return f"{(value / baseline - 1) * 100:+.1f} %"

    labels = {
        "off": "without the outbox",
        "outbox": "outbox, no webhook",
        "delivery": "outbox + delivery (one POST per event)",
        "batch": "outbox + delivery (one JSON array per round)",
        "worker": "outbox + delivery by a worker process",
    }
    print(f"best of {args.rounds} runs (sends/s, change vs {base}; server CPU per message):")
    for m in modes:
        sends, ms = best[m]["sends_per_s"], cpu[m]
        name, coalesce = split_mode(m)
        label = labels[name] + ("" if coalesce is None else f", {coalesce * 1000:.0f} ms rounds")
        print(
            f"  {label:<45} {sends:6.0f} ({change(sends, best[base]['sends_per_s'])})  "
            f"{ms:.2f} ms ({change(ms, cpu[base])})"
        )
    if args.rounds >= 3:  # medians: one lucky or unlucky run moves them less than the best
        mid = {m: statistics.median(r["sends_per_s"] for r in runs[m]) for m in modes}
        mid_cpu = {m: statistics.median(r["cpu_ms"] for r in runs[m]) for m in modes}
        print(f"median of {args.rounds} runs (sends/s, change vs {base}; server CPU per message):")
        for m in modes:
            print(
                f"  {m:<12} {mid[m]:6.0f} ({change(mid[m], mid[base])})  "
                f"{mid_cpu[m]:.2f} ms ({change(mid_cpu[m], mid_cpu[base])})"
            )
    if args.cpu_rounds:
        cpu_off, cpu_on = asyncio.run(cpu_figures(args.cpu_rounds))
        print(
            f"CPU per appended message (SQLite, in-process): {cpu_off * 1000:.2f} ms without "
            f"the outbox, {cpu_on * 1000:.2f} ms with it ({(cpu_on / cpu_off - 1) * 100:+.1f} %)"
        )
        per_message = cpu[base] / 1000  # the server's CPU per message, best `off` run
        print(
            f"CPU per delivered event (SQLite, in-process, 1000 pending): one POST per event "
            f"{single * 1000:.3f} ms, batch {batch * 1000:.3f} ms; that is "
            f"{single / per_message * 100:.0f} % / {batch / per_message * 100:.0f} % of the "
            f"server's CPU per message ({base}, {cpu[base]:.2f} ms); batch from a "
            f"10,000-event backlog {backlog * 1000:.3f} ms"
        )
    for m in modes:
        if split_mode(m)[0] not in DELIVERING:
            continue
        on = best[m]
        delays = [d * 1000 for d in on["delays"]]
        print(
            f"{m}: events delivered/s to the receiver {on['delivered_per_s']:.0f} (same run; "
            f"{on['delivered']} in the window); commit -> delivery p50 {pct(delays, 50):.1f} ms "
            f"p99 {pct(delays, 99):.1f} ms max {max(delays, default=float('nan')):.1f} ms"
        )


if __name__ == "__main__":
    main()
