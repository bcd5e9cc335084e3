"""Auditor search latency on 1,000,000 call records across 100,000 threads, on SQLite and
PostgreSQL, plus the time to verify the whole Merkle log over the same number of entries.

It runs the real read path (``SqlAuditStore.search_calls``) for five typical searches and
prints p50/p95 per search. The baseline in the same run is a full scan of the calls table
(what any search would cost without the indexes).

Usage: python benchmarks/audit_search.py [--calls 1000000] [--threads 100000] [--runs 40]
       [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from signaling.store import schema as t
from signaling.store.audit import CallFilter, SqlAuditStore
from signaling.store.migrate import upgrade
from signaling.store.sql import make_engine

T0 = datetime(2026, 1, 1, tzinfo=UTC)
KINDS = ("audio", "video", "zoom")
REASONS = ("hangup", "hangup", "hangup", "peer_lost", "missed", "declined", "cancelled")
LABELS = ("email", "phone", "handle", "meeting_link", "file_share", "off_platform")


def generate(n_calls: int, n_threads: int, seed: int = 7) -> dict[str, list[tuple[Any, ...]]]:
    rnd = random.Random(seed)
    users = max(2, n_threads // 5)
    threads = []
    for i in range(n_threads):
        client = f"c{rnd.randrange(users)}"
        freelancer = f"f{rnd.randrange(users * 2)}"
        threads.append(
            (
                f"t{i:07d}",
                f"job{i // 3}",
                "Job",
                client,
                freelancer,
                "interviewing",
                T0 + timedelta(minutes=i),
                None,
                0,
            )
        )
    calls = []
    for i in range(n_calls):
        thread = threads[rnd.randrange(n_threads)]
        created = T0 + timedelta(seconds=rnd.randrange(365 * 24 * 3600))
        reason = rnd.choice(REASONS)
        connected = (
            0.0 if reason in {"missed", "declined", "cancelled"} else rnd.expovariate(1 / 900)
        )
        state = reason if reason in {"missed", "declined", "cancelled"} else "ended"
        record = json.dumps(
            {"call_id": f"k{i:08d}", "outcome": state, "connected_seconds": connected}
        )
        calls.append(
            (
                f"k{i:08d}",
                thread[0],
                rnd.choice(KINDS),
                thread[3],
                state,
                reason,
                created,
                created + timedelta(seconds=5) if connected else None,
                created + timedelta(seconds=5 + connected),
                connected,
                rnd.random() < 0.1,
                record,
                "{}",
                None,
            )
        )
    findings = []
    for i in range(n_calls // 20):
        thread = threads[rnd.randrange(n_threads)]
        findings.append(
            (
                i + 1,
                thread[0],
                None,
                thread[4],
                rnd.choice(LABELS),
                "redact",
                0,
                5,
                "x",
                "x",
                "x",
                T0 + timedelta(seconds=rnd.randrange(365 * 24 * 3600)),
            )
        )
    return {"threads": threads, "calls": calls, "policy_findings": findings}


def columns(table: str) -> list[str]:
    return [c.name for c in t.metadata.tables[table].columns]


async def load_sqlite(path: Path, data: dict[str, list[tuple[Any, ...]]]) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)

    def bulk() -> None:
        db = sqlite3.connect(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        for table, rows in data.items():
            cols = columns(table)
            marks = ",".join("?" * len(cols))
            db.executemany(
                f"INSERT INTO {table} ({','.join(cols)}) VALUES ({marks})",
                [
                    tuple(v.isoformat(sep=" ") if isinstance(v, datetime) else v for v in r)
                    for r in rows
                ],
            )
        db.commit()
        db.execute("ANALYZE")
        db.close()

    await asyncio.to_thread(bulk)
    return url


async def load_postgres(data: dict[str, list[tuple[Any, ...]]]) -> tuple[str, str]:
    import asyncpg

    name = f"interview_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(host="127.0.0.1", user="postgres", database="postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    await upgrade(url)
    conn = await asyncpg.connect(host="127.0.0.1", user="postgres", database=name)
    for table, rows in data.items():
        await conn.copy_records_to_table(table, records=rows, columns=columns(table))
    await conn.execute("ANALYZE")
    await conn.close()
    return url, name


async def drop_postgres(name: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(host="127.0.0.1", user="postgres", database="postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


def searches(data: dict[str, list[tuple[Any, ...]]], rnd: random.Random) -> dict[str, Any]:
    threads = data["threads"]

    def participant() -> CallFilter:
        return CallFilter(participant=rnd.choice(threads)[3])

    def thread() -> CallFilter:
        return CallFilter(thread_id=rnd.choice(threads)[0])

    def day_kind() -> CallFilter:
        start = T0 + timedelta(days=rnd.randrange(360))
        return CallFilter(start=start, end=start + timedelta(days=1), kind=rnd.choice(KINDS))

    def long_calls_week() -> CallFilter:
        start = T0 + timedelta(days=rnd.randrange(350))
        return CallFilter(start=start, end=start + timedelta(days=7), min_duration=1800)

    def flagged_missed() -> CallFilter:
        return CallFilter(flag=rnd.choice(LABELS), end_reason="missed")

    return {
        "by participant": participant,
        "by thread": thread,
        "one day, one kind": day_kind,
        "long calls in a week": long_calls_week,
        "missed + policy flag": flagged_missed,
    }


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def measure(url: str, data: dict[str, list[tuple[Any, ...]]], runs: int) -> None:
    engine = make_engine(url)
    store = SqlAuditStore(engine)
    rnd = random.Random(11)
    timings: list[float] = []
    for _ in range(3):
        began = time.perf_counter()
        async with engine.connect() as conn:
            await conn.execute(
                select(func.count()).select_from(t.calls).where(t.calls.c.record.like("%zzz%"))
            )
        timings.append((time.perf_counter() - began) * 1000)
    print(f"  {'baseline: full scan of calls':<28} p50={pct(timings, 50):8.1f} ms")
    for name, make in searches(data, rnd).items():
        samples = []
        results = 0
        for _ in range(runs):
            flt = make()
            began = time.perf_counter()
            page, _ = await store.search_calls(flt, limit=50)
            samples.append((time.perf_counter() - began) * 1000)
            results += len(page)
        print(
            f"  {name:<28} p50={pct(samples, 50):8.1f} ms  p95={pct(samples, 95):8.1f} ms  "
            f"(avg {results / runs:.0f} results/page)"
        )
    await engine.dispose()


def merkle_verify(n: int) -> None:
    try:
        merkle: Any = importlib.import_module("signaling.domain.merkle")
    except ImportError:
        print("  (signaling.domain.merkle is not available in this checkout)")
        return
    entries = [
        json.dumps({"i": i, "type": "call.ended", "call_id": f"k{i:08d}"}, sort_keys=True).encode()
        for i in range(n)
    ]
    import hashlib

    began = time.perf_counter()
    for e in entries:
        hashlib.sha256(e).digest()
    floor = time.perf_counter() - began
    began = time.perf_counter()
    leaves = [merkle.leaf_hash(e) for e in entries]
    root = merkle.root(leaves)
    full = time.perf_counter() - began
    print(f"  baseline: sha256 of every entry          {floor:6.2f} s")
    print(f"  recompute the Merkle root of {n:,} entries {full:6.2f} s  (root {root.hex()[:16]}…)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    began = time.perf_counter()
    data = generate(args.calls, args.threads)
    print(
        f"# {args.calls:,} calls, {args.threads:,} threads, {len(data['policy_findings']):,} "
        f"findings generated in {time.perf_counter() - began:.1f} s; {args.runs} runs per search"
    )
    backends = args.backends.split(",")
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as tmp:
            began = time.perf_counter()
            url = await load_sqlite(Path(tmp) / "bench.sqlite3", data)
            print(f"SQLite (loaded in {time.perf_counter() - began:.0f} s)")
            await measure(url, data, args.runs)
    if "postgres" in backends:
        began = time.perf_counter()
        try:
            url, name = await load_postgres(data)
        except OSError as exc:
            print(f"PostgreSQL: not reachable ({exc}); skipped")
        else:
            try:
                print(f"PostgreSQL (loaded in {time.perf_counter() - began:.0f} s)")
                await measure(url, data, args.runs)
            finally:
                await drop_postgres(name)
    print("Merkle log")
    merkle_verify(args.calls)


if __name__ == "__main__":
    asyncio.run(main())
