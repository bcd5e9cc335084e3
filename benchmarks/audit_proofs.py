"""Tree-head and proof latency at 1M audit entries, and audit appends/s without the global lock.

Part 1 (SQLite file, or ``--database-url``): loads N sequenced audit rows (untimed), then times,
in the same run:

- the live log (what the routes use now): one :class:`LiveMerkleLog` held by the app and caught
  up by leaf index; per request: a sync (no new rows: one indexed query), then a signed tree
  head, an inclusion proof of a random entry, or a consistency proof; p50/p95 over
  ``--requests`` requests each;
- baseline, the old path: every request rereads and rehashes the whole log
  (``signaling.audit.log.tree_head`` / ``inclusion``), ``--baseline-requests`` times.

Part 2 (PostgreSQL only, ``--appends``): audit appends/s by C concurrent writers, each on its
own chain, with the old cluster-wide advisory lock taken first (baseline) and without it
(now: per-chain locks), at each concurrency of ``--concurrency``.

Run: ``python -m benchmarks.audit_proofs [--entries 1000000] [--database-url URL]
[--appends 4000 --concurrency 4,10,20,40]``. Target (issue 12): p95 ≤ 5 ms at 1M entries.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from signaling.audit import log
from signaling.domain.audit_chain import canonical_json
from signaling.store import schema as t
from signaling.store.migrate import upgrade
from signaling.store.sql import SqlStore, make_engine, utcnow

OLD_AUDIT_LOCK_KEY = 0x1A7D17  # the global advisory lock every append used to take


async def load(store: SqlStore, n: int) -> None:
    """N sequenced rows (entries shaped like the store's; chain hashes are not checked here)."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    batch = 20_000
    for start in range(0, n, batch):
        rows = []
        for i in range(start, min(n, start + batch)):
            chain = f"t{i % 50_000:08d}"
            position = i // 50_000
            entry = {
                "chain": chain,
                "position": position,
                "type": "message.created",
                "actor": f"u{i % 9973}",
                "at": "2026-01-01T00:00:00Z",
                "data": {"message_id": f"m{i:09d}", "seq": position + 1},
            }
            rows.append(
                {
                    "chain": chain,
                    "position": position,
                    "event_type": "message.created",
                    "actor_id": entry["actor"],
                    "created_at": at,
                    "entry": canonical_json(entry).decode(),
                    "prev_hash": "0" * 64,
                    "hash": f"{i:064x}",
                    "leaf_index": i,
                }
            )
        async with store.engine.begin() as conn:
            await conn.execute(t.audit_log.insert(), rows)


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def timed(fn: Callable[[], Awaitable[object]], count: int) -> list[float]:
    out = []
    for _ in range(count):
        start = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def show(name: str, samples: list[float]) -> None:
    print(
        f"  {name:<38} n={len(samples):<5} p50 {statistics.median(samples):9.2f} ms"
        f"   p95 {pct(samples, 0.95):9.2f} ms"
    )


async def proofs(store: SqlStore, n: int, requests: int, baseline_requests: int) -> None:
    key = Ed25519PrivateKey.generate()
    rng = random.Random(7)
    ids = [e.index for e in await store.sequenced_entries(after_leaf=-1, limit=n)]
    live = log.LiveMerkleLog()
    start = time.perf_counter()
    size = await live.sync(store)
    print(f"live log caught up with {size:,} entries in {time.perf_counter() - start:.1f} s")
    print(f"requests at {size:,} entries (same run):")
    show("now: tree head (live log)", await timed(lambda: live.tree_head(store, key), requests))
    show(
        "now: inclusion proof (live log)",
        await timed(lambda: live.inclusion(store, rng.choice(ids), key), requests),
    )
    show(
        "now: consistency proof (live log)",
        await timed(lambda: live.consistency(store, rng.randrange(1, size), size), requests),
    )
    show(
        "baseline: tree head (reread all)",
        await timed(lambda: log.tree_head(store, key), baseline_requests),
    )
    show(
        "baseline: inclusion proof (reread all)",
        await timed(lambda: log.inclusion(store, rng.choice(ids), key), baseline_requests),
    )


async def appends(url: str, total: int, levels: list[int]) -> None:
    print(f"audit appends/s, one chain per writer, {total} appends per run (same run):")
    for concurrency in levels:
        for locked in (True, False):
            store = SqlStore(make_engine(url))
            async with store.engine.begin() as conn:
                await conn.execute(text("DELETE FROM audit_log WHERE chain LIKE 'bench-%'"))
            per = total // concurrency

            async def writer(
                w: int, store: SqlStore = store, locked: bool = locked, per: int = per
            ) -> None:
                for i in range(per):
                    async with store.write() as conn:
                        if locked:
                            await conn.execute(
                                text("SELECT pg_advisory_xact_lock(:k)"), {"k": OLD_AUDIT_LOCK_KEY}
                            )
                        await store._audit(conn, f"bench-{w}", "bench", "u", {"i": i}, utcnow())

            start = time.perf_counter()
            await asyncio.gather(*(writer(w) for w in range(concurrency)))
            rate = per * concurrency / (time.perf_counter() - start)
            label = "baseline (global lock)" if locked else "now (per-chain locks)"
            print(f"  concurrency {concurrency:>3}  {label:<24} {rate:8.0f} appends/s")
            await store.close()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--baseline-requests", type=int, default=3)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--appends", type=int, default=0)
    parser.add_argument("--concurrency", default="4,10,20,40")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        await upgrade(url)
        store = SqlStore(make_engine(url))
        async with store.engine.begin() as conn:
            await conn.execute(text("DELETE FROM audit_log"))
        start = time.perf_counter()
        await load(store, args.entries)
        print(
            f"{store.engine.dialect.name}: loaded {args.entries:,} sequenced audit rows "
            f"in {time.perf_counter() - start:.1f} s (untimed setup)"
        )
        await proofs(store, args.entries, args.requests, args.baseline_requests)
        async with store.engine.begin() as conn:
            await conn.execute(text("DELETE FROM audit_log"))
        await store.close()
        if args.appends and not store.is_sqlite:
            levels = [int(c) for c in args.concurrency.split(",")]
            await appends(url, args.appends, levels)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
