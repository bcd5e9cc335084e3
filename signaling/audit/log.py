"""The global Merkle log over ``audit_log`` rows (ordered by id; the leaf is the stored
canonical entry bytes), with signed tree heads and proofs."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signaling.audit.tree_head import SignedTreeHead, sign_tree_head
from signaling.domain import merkle
from signaling.domain.ports import AuditEntry
from signaling.errors import NotFound, Unprocessable
from signaling.store.sql import SqlStore


@dataclass(frozen=True)
class LogSnapshot:
    ids: list[int]  # audit_log ids in leaf order
    entries: list[str]
    leaves: list[bytes]


async def snapshot(store: SqlStore, upto: int | None = None) -> LogSnapshot:
    """Every entry (optionally the first ``upto``), with leaf hashes computed off the loop."""
    rows: list[AuditEntry] = []
    after = 0
    while True:
        batch = await store.audit_entries(None, after_index=after, limit=20_000)
        rows.extend(batch)
        if len(batch) < 20_000 or (upto is not None and len(rows) >= upto):
            break
        after = batch[-1].index
    if upto is not None:
        rows = rows[:upto]
    entries = [r.entry for r in rows]
    leaves = await asyncio.to_thread(lambda: [merkle.leaf_hash(e.encode()) for e in entries])
    return LogSnapshot([r.index for r in rows], entries, leaves)


async def tree_head(store: SqlStore, key: Ed25519PrivateKey) -> SignedTreeHead:
    snap = await snapshot(store)
    top = await asyncio.to_thread(merkle.root, snap.leaves)
    return sign_tree_head(key, len(snap.leaves), top, int(time.time() * 1000))


async def inclusion(store: SqlStore, audit_id: int, key: Ed25519PrivateKey) -> dict[str, object]:
    snap = await snapshot(store)
    try:
        position = snap.ids.index(audit_id)
    except ValueError as exc:
        raise NotFound("no audit entry with that index", code="entry_not_found") from exc
    top = await asyncio.to_thread(merkle.root, snap.leaves)
    proof = await asyncio.to_thread(merkle.inclusion_proof, position, snap.leaves)
    sth = sign_tree_head(key, len(snap.leaves), top, int(time.time() * 1000))
    return {
        "leaf_index": position,
        "entry": snap.entries[position],
        "leaf_hash": snap.leaves[position].hex(),
        "proof": [p.hex() for p in proof],
        "tree_head": sth.to_json(),
    }


async def consistency(store: SqlStore, first: int, second: int) -> dict[str, object]:
    snap = await snapshot(store, second)
    if not 0 < first <= second <= len(snap.leaves):
        raise Unprocessable(
            f"sizes must satisfy 0 < first <= second <= {len(snap.leaves)}", code="bad_range"
        )
    proof = await asyncio.to_thread(merkle.consistency_proof, first, snap.leaves)
    return {
        "first": first,
        "second": second,
        "first_root": (await asyncio.to_thread(merkle.root, snap.leaves[:first])).hex(),
        "second_root": (await asyncio.to_thread(merkle.root, snap.leaves)).hex(),
        "proof": [p.hex() for p in proof],
    }
