"""The global Merkle log over ``audit_log`` rows, with signed tree heads and proofs.

Leaf ``i`` of the log is the ``i``-th row in ``id`` order (ids only grow; on PostgreSQL they
may skip numbers, so an entry's *leaf index* is its position in that order, not its id), and
the leaf's bytes are the stored ``entry`` text: exactly the canonical JSON the per-thread chain
hashed. Rows are read in pages; hashing runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signaling.audit.tree_head import SignedTreeHead, sign_tree_head
from signaling.domain import merkle
from signaling.errors import NotFound, Unprocessable
from signaling.store.sql import SqlStore

PAGE = 20_000


def _hash_leaves(entries: list[str]) -> list[bytes]:
    return [merkle.leaf_hash(e.encode()) for e in entries]


@dataclass(frozen=True)
class LogSnapshot:
    """The log as read at one moment: row ids, entry texts and leaf hashes, in leaf order."""

    ids: list[int]
    entries: list[str]
    leaves: list[bytes]

    def tree(self) -> merkle.MerkleLog:
        """The whole tree (blocking, O(n) hashes: call it in a thread for big logs)."""
        return merkle.MerkleLog(self.leaves)

    def leaf_index(self, audit_id: int) -> int:
        """The leaf index of the row with this id; ``NotFound`` if there is none."""
        lo, hi = 0, len(self.ids)
        while lo < hi:  # ids are ascending: bisect rather than scan a million of them
            mid = (lo + hi) // 2
            if self.ids[mid] < audit_id:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(self.ids) or self.ids[lo] != audit_id:
            raise NotFound("no audit entry with that index", code="entry_not_found")
        return lo


async def snapshot(store: SqlStore, upto: int | None = None, *, page: int = PAGE) -> LogSnapshot:
    """Every entry (or only the first ``upto``), read ``page`` rows at a time, with leaf
    hashes computed off the loop."""
    if upto is not None and upto < 0:
        raise ValueError("upto must not be negative")
    if page < 1:
        raise ValueError("page must be positive")
    ids: list[int] = []
    entries: list[str] = []
    leaves: list[bytes] = []
    after = 0
    while upto is None or len(ids) < upto:
        limit = page if upto is None else min(page, upto - len(ids))
        batch = await store.audit_entries(None, after_index=after, limit=limit)
        if not batch:
            break
        texts = [row.entry for row in batch]
        ids.extend(row.index for row in batch)
        entries.extend(texts)
        leaves.extend(await asyncio.to_thread(_hash_leaves, texts))
        if len(batch) < limit:
            break
        after = batch[-1].index
    return LogSnapshot(ids, entries, leaves)


async def leaf_hashes(store: SqlStore, upto: int | None = None, *, page: int = PAGE) -> list[bytes]:
    """The leaf hashes of the log (or of its first ``upto`` entries), in leaf order."""
    return (await snapshot(store, upto, page=page)).leaves


async def tree_head(store: SqlStore, key: Ed25519PrivateKey) -> SignedTreeHead:
    """Sign the current size and root of the log, timestamped now."""
    leaves = await leaf_hashes(store)
    top = await asyncio.to_thread(merkle.root, leaves)
    return sign_tree_head(key, len(leaves), top, int(time.time() * 1000))


async def inclusion(store: SqlStore, audit_id: int, key: Ed25519PrivateKey) -> dict[str, object]:
    """The entry with this row id, its leaf index and hash, its audit path, and a freshly
    signed tree head the path leads to. ``NotFound`` for an unknown id."""
    snap = await snapshot(store)
    position = snap.leaf_index(audit_id)
    tree = await asyncio.to_thread(snap.tree)
    proof = tree.inclusion_proof(position)
    sth = sign_tree_head(key, tree.size, tree.root, int(time.time() * 1000))
    return {
        "leaf_index": position,
        "entry": snap.entries[position],
        "leaf_hash": snap.leaves[position].hex(),
        "proof": [p.hex() for p in proof],
        "tree_head": sth.to_json(),
    }


async def consistency(store: SqlStore, first: int, second: int) -> dict[str, object]:
    """A proof that the log's first ``first`` entries are a prefix of its first ``second``,
    with both roots. ``Unprocessable`` unless ``0 < first <= second <= size``."""
    if not 0 < first <= second:
        raise Unprocessable("sizes must satisfy 0 < first <= second", code="bad_range")
    leaves = await leaf_hashes(store, second)
    if second > len(leaves):
        raise Unprocessable(
            f"sizes must satisfy 0 < first <= second <= {len(leaves)}", code="bad_range"
        )

    def prove() -> tuple[bytes, bytes, list[bytes]]:
        tree = merkle.MerkleLog(leaves)
        return tree.root_at(first), tree.root, tree.consistency_proof(first)

    first_root, second_root, proof = await asyncio.to_thread(prove)
    return {
        "first": first,
        "second": second,
        "first_root": first_root.hex(),
        "second_root": second_root.hex(),
        "proof": [p.hex() for p in proof],
    }
