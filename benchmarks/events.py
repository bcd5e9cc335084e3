"""Event feed: events delivered per second to a local receiver and the delay from commit to
delivery, next to the message benchmark's throughput with and without the outbox (same run).

The server runs in its own process (benchmarks/messages.py's closed loop: clients in threads
send, wait for the ack, send again); the receiver is a bare aiohttp server in a third process
that checks nothing and answers 204. Each message writes at least one event
(``message.created``) in its transaction; the server's dispatcher delivers them while the load
runs. Runs alternate: outbox off, outbox on (with delivery), off, on; each configuration's
best run is reported, so a noisy neighbour on a shared machine hurts both alike.

The delay is measured from the event's ``timestamp`` (taken inside the transaction, just
before it commits) to its arrival at the receiver (the same clock).

Usage: python benchmarks/events.py [--threads 50] [--seconds 8] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.messages import bench_socketio, free_port, pct, wait_port

SECRET = "bench-webhook-secret-0123456789abcdef"


def run_server(port: int, data_dir: str, database_url: str, webhook: str, events: bool) -> None:
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
        events_enabled=events,
        backend_webhook_url=webhook if events else "",
        backend_webhook_secret=SECRET,
    )
    web.run_app(create_app(settings), host="127.0.0.1", port=port, print=None)


def run_receiver(port: int) -> None:
    """Counts events and their commit-to-arrival delays; ``GET /stats`` returns them."""
    delays: list[float] = []
    arrivals: list[float] = []

    async def hook(request: web.Request) -> web.Response:
        body = await request.json()
        now = time.time()
        sent = datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00")).timestamp()
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


def one_run(ctx: Any, args: argparse.Namespace, events: bool, receiver_port: int) -> dict[str, Any]:
    port = free_port()
    webhook = f"http://127.0.0.1:{receiver_port}/hook"
    with tempfile.TemporaryDirectory() as data_dir:
        server = ctx.Process(
            target=run_server,
            args=(port, data_dir, args.database_url, webhook, events),
            daemon=True,
        )
        server.start()
        try:
            asyncio.run(wait_port(port))
            before = asyncio.run(_stats(receiver_port))["total"]
            started = time.time()
            result = asyncio.run(bench_socketio(port, args.threads, args.seconds))
            ended = time.time()
            if events:
                time.sleep(2.0)  # let the last deliveries of the window arrive
                window = asyncio.run(_stats(receiver_port, started, ended))
                after = asyncio.run(_stats(receiver_port))["total"]
                result["delivered"] = len(window["delays"])
                result["delivered_per_s"] = len(window["delays"]) / (ended - started)
                result["delays"] = window["delays"]
                result["delivered_total"] = after - before
        finally:
            server.terminate()
            server.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--database-url", default="", help="e.g. postgresql://postgres@127.0.0.1/db"
    )
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"# event feed, {backend}, {args.threads} threads, {2 * args.threads} clients, "
        f"{args.seconds:.0f} s per run, {args.rounds} rounds, {os.cpu_count()} cores"
    )
    receiver_port = free_port()
    receiver = ctx.Process(target=run_receiver, args=(receiver_port,), daemon=True)
    receiver.start()
    runs: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
    try:
        asyncio.run(wait_port(receiver_port))
        for _ in range(args.rounds):
            for events in (False, True):
                runs[events].append(one_run(ctx, args, events, receiver_port))
                print(
                    f"  outbox {'on ' if events else 'off'}: "
                    f"{runs[events][-1]['sends_per_s']:.0f} sends/s",
                    flush=True,
                )
    finally:
        receiver.terminate()
        receiver.join()
    off = max(runs[False], key=lambda r: r["sends_per_s"])
    on = max(runs[True], key=lambda r: r["sends_per_s"])
    change = (on["sends_per_s"] / off["sends_per_s"] - 1) * 100
    print(f"messages/s without the outbox          {off['sends_per_s']:8.0f}")
    print(f"messages/s with the outbox + delivery  {on['sends_per_s']:8.0f}  ({change:+.1f} %)")
    delays = [d * 1000 for d in on["delays"]]
    print(
        f"events delivered/s to the receiver     {on['delivered_per_s']:8.0f}  "
        f"(during the same run; {on['delivered']} in the window)"
    )
    print(
        f"commit -> delivery delay               p50 {pct(delays, 50):.1f} ms  "
        f"p99 {pct(delays, 99):.1f} ms  max {max(delays, default=float('nan')):.1f} ms"
    )


if __name__ == "__main__":
    main()
