"""The global Merkle log over ``audit_log`` rows, with signed tree heads and proofs.

Leaf ``i`` of the log is the row the sequencer (:mod:`signaling.audit.sequencer`) gave
``leaf_index = i``; rows still queued (``leaf_index`` NULL) are not in the log yet. The leaf's
bytes are the stored ``entry`` text: exactly the canonical JSON the per-thread chain hashed.
Rows are read in pages, in leaf order; hashing runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from array import array
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from signaling.audit.bundle import AuditEvidence, ChainHead, ConsistencyLink, audit_entry_line
from signaling.audit.tree_head import SignedTreeHead, sign_tree_head, verify_tree_head
from signaling.domain import merkle
from signaling.domain.ports import AuditEntry
from signaling.errors import Conflict, NotFound, Unprocessable
from signaling.store.sql import SqlStore

PAGE = 20_000
logger = logging.getLogger(__name__)


def _hash_leaves(entries: list[str]) -> list[bytes]:
    return [merkle.leaf_hash(e.encode()) for e in entries]


class NotIntegrated(Conflict):
    """The entry is committed but the sequencer has not given it a leaf yet (HTTP 409)."""

    def __init__(self, audit_id: int, retry_after: float) -> None:
        super().__init__(
            f"audit entry {audit_id} is not yet integrated into the log; "
            f"retry after {retry_after:g} s",
            code="not_yet_integrated",
            retry_after=retry_after,
        )
        self.retry_after = retry_after


# How long a client should wait for a queued entry (the app sets the sequencer's interval).
DEFAULT_RETRY_AFTER = 1.0


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
        try:  # leaf order is integration order, not id order: a (C speed) scan
            return self.ids.index(audit_id)
        except ValueError:
            raise NotFound("no audit entry with that index", code="entry_not_found") from None


async def snapshot(store: SqlStore, upto: int | None = None, *, page: int = PAGE) -> LogSnapshot:
    """Every sequenced entry (or only the first ``upto``) in leaf order, read ``page`` rows at
    a time, with leaf hashes computed off the loop: the full recomputation."""
    if upto is not None and upto < 0:
        raise ValueError("upto must not be negative")
    if page < 1:
        raise ValueError("page must be positive")
    ids: list[int] = []
    entries: list[str] = []
    leaves: list[bytes] = []
    after = -1
    while upto is None or len(ids) < upto:
        limit = page if upto is None else min(page, upto - len(ids))
        batch = await store.sequenced_entries(after_leaf=after, limit=limit)
        if not batch:
            break
        texts = [row.entry for row in batch]
        ids.extend(row.index for row in batch)
        entries.extend(texts)
        leaves.extend(await asyncio.to_thread(_hash_leaves, texts))
        if len(batch) < limit:
            break
        after = _leaf(batch[-1])
    return LogSnapshot(ids, entries, leaves)


def _leaf(row: AuditEntry) -> int:
    assert row.leaf_index is not None  # sequenced_entries returns sequenced rows only
    return row.leaf_index


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


@dataclass(frozen=True)
class LogCheck:
    """What :meth:`LiveMerkleLog.check` found: ``checked`` leaves matched the store before
    the first that did not (its leaf index and row id, when there is one)."""

    ok: bool
    checked: int
    first_bad_leaf: int | None = None
    audit_id: int | None = None
    reason: str = ""


class LiveMerkleLog:
    """The global Merkle log kept in memory and caught up with the store on demand.

    Hold one per application: :meth:`sync` reads only the rows appended since the last call
    (hashing them in a worker thread), so tree heads and proofs cost O(log n) hashes instead
    of re-reading the whole ``audit_log``. About 72 bytes a leaf (64 of perfect-subtree
    hashes, 8 of row id): 72 MB for a million entries. Once a leaf is in, later edits of its row
    do not change the log; :meth:`check` recomputes every leaf from the store and names the
    first row that no longer matches what was appended (and signed).

    Only sequenced rows are leaves, read in ``leaf_index`` order; a row's stored leaf index
    finds its leaf in O(1). ``retry_after`` is what a request for a queued entry is told.
    """

    def __init__(
        self,
        *,
        page: int = PAGE,
        retry_after: float = DEFAULT_RETRY_AFTER,
        integrate: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        if page < 1:
            raise ValueError("page must be positive")
        self._log = merkle.MerkleLog()
        self._ids = array("q")  # row ids in leaf order
        self._after_leaf = -1  # the stored leaf index of the last row loaded
        self._lock = asyncio.Lock()  # one sync at a time keeps leaves in leaf order
        self._page = page
        self.retry_after = retry_after
        # Run before each sync: the in-process sequencer of a single-process store (SQLite),
        # so a tree head asked for right after a write includes it. None: the log holds what
        # the cluster's sequencer integrated so far.
        self.integrate = integrate
        # Each chain's length and last hash as logged (one small record per chain), so an
        # export can commit to what was logged rather than to what the store holds now.
        self._chains: dict[str, ChainHead] = {}
        self.anomalies: list[str] = []  # rows whose chain position does not follow the log's

    @property
    def size(self) -> int:
        """The number of leaves loaded so far."""
        return self._log.size

    async def sync(self, store: SqlStore) -> int:
        """Append the rows written since the last sync; returns the new size."""
        async with self._lock:
            return await self._catch_up(store)

    async def _catch_up(self, store: SqlStore) -> int:
        if self.integrate is not None:
            await self.integrate()
        while True:
            batch = await store.sequenced_entries(after_leaf=self._after_leaf, limit=self._page)
            if not batch:
                break
            leaves = await asyncio.to_thread(_hash_leaves, [row.entry for row in batch])
            base = self._log.size
            await asyncio.to_thread(self._log.extend, leaves)
            for offset, row in enumerate(batch):
                if row.leaf_index != base + offset:
                    # the sequencer hands out leaf indexes without gaps: a gap means rows
                    # were deleted; the leaf keeps its place in this log (the signed order)
                    logger.error(
                        "audit log: row %d has leaf index %s, but the log holds %d leaves "
                        "before it (rows were removed)",
                        row.index,
                        row.leaf_index,
                        base + offset,
                    )
                self._note_chain(row, base + offset)
            # ids after leaves: an id that can be looked up always has its leaf
            self._ids.extend(row.index for row in batch)
            self._after_leaf = _leaf(batch[-1])
            if len(batch) < self._page:
                break
        return self._log.size

    def _note_chain(self, row: AuditEntry, leaf: int) -> None:
        known = self._chains.get(row.chain)
        expected = 0 if known is None else known.length
        if row.position != expected:
            # A chain's appends are serialized and the sequencer integrates committed rows in
            # id order, so a chain's positions follow each other in leaf order; a reused or
            # skipped position means rows were deleted (and maybe re-appended).
            note = (
                f"chain {row.chain}: row {row.index} (leaf {leaf}) has position {row.position}, "
                f"but the log holds {expected} entries of that chain"
            )
            self.anomalies.append(note)
            logger.error("audit log anomaly: %s", note)
        self._chains[row.chain] = ChainHead(row.position + 1, row.hash, leaf)

    def chain_head(self, chain: str) -> ChainHead | None:
        """The chain's length and last hash as logged so far (None if it has no entry)."""
        return self._chains.get(chain)

    def root_at(self, size: int) -> bytes:
        """The root of the first ``size`` loaded leaves (blocking: O(log n) hashes)."""
        return self._log.root_at(size)

    def leaf_of(self, row: AuditEntry) -> int | None:
        """The loaded leaf of this row, or None: O(1) through its stored leaf index (a scan
        when the row was read before it was sequenced, or its stored index disagrees with the
        log, i.e. after tampering)."""
        hint = row.leaf_index
        if hint is not None and 0 <= hint < len(self._ids) and self._ids[hint] == row.index:
            return hint
        if hint is not None and self._after_leaf < hint:
            return None  # sequenced after the last sync
        try:
            return self._ids.index(row.index)
        except ValueError:
            return None

    def leaf_index(self, audit_id: int) -> int:
        """The leaf index of the row with this id (a scan: prefer :meth:`leaf_of`);
        ``NotFound`` if it is not loaded."""
        try:
            return self._ids.index(audit_id)
        except ValueError:
            raise NotFound("no audit entry with that index", code="entry_not_found") from None

    def entry_id(self, leaf_index: int) -> int:
        """The row id of a loaded leaf (``IndexError`` past the end)."""
        if leaf_index < 0:
            raise IndexError("leaf_index must not be negative")
        return self._ids[leaf_index]

    async def tree_head(self, store: SqlStore, key: Ed25519PrivateKey) -> SignedTreeHead:
        """Sync, then sign the current size and root, timestamped now."""
        size = await self.sync(store)
        top = self._log.root_at(size)  # O(log n) hashes: cheaper than a thread hop
        return sign_tree_head(key, size, top, int(time.time() * 1000))

    async def inclusion(
        self,
        store: SqlStore,
        audit_id: int,
        key: Ed25519PrivateKey,
        tree_size: int | None = None,
    ) -> dict[str, object]:
        """The entry with this row id, its leaf index and hash, its audit path in the tree of
        ``tree_size`` leaves (default: the current size, after a sync), and a tree head for
        that size signed now. ``NotFound`` for an unknown id, :class:`NotIntegrated` (409)
        for an entry the sequencer has not integrated yet, ``Unprocessable`` for a size the
        log has not reached or that does not include the entry. O(log n)."""
        row = await store.audit_entry(audit_id)
        if row is None:
            raise NotFound("no audit entry with that index", code="entry_not_found")
        if row.leaf_index is None:
            raise NotIntegrated(audit_id, self.retry_after)
        position = self.leaf_of(row)
        if position is None or tree_size is None:
            await self.sync(store)
            position = self.leaf_of(row)
        if position is None:  # sequenced, but not in the log as loaded: deleted rows before it
            raise NotFound("no audit entry with that index in the log", code="entry_not_found")
        size = self._log.size if tree_size is None else tree_size
        if not position < size <= self._log.size:
            raise Unprocessable(
                f"tree_size must include leaf {position} and be at most {self._log.size}",
                code="bad_range",
            )
        rows = [row]

        def prove() -> tuple[bytes, list[bytes]]:
            return self._log.root_at(size), self._log.inclusion_proof(position, size)

        top, proof = prove()  # O(log n) hashes, safe while a sync appends (MerkleLog doc)
        sth = sign_tree_head(key, size, top, int(time.time() * 1000))
        return {
            "leaf_index": position,
            "entry": rows[0].entry,
            "leaf_hash": self._log.leaf(position).hex(),
            "proof": [p.hex() for p in proof],
            "tree_head": sth.to_json(),
        }

    async def evidence(
        self,
        store: SqlStore,
        rows: Sequence[AuditEntry],
        key: Ed25519PrivateKey,
        prove_from: Sequence[int] = (),
    ) -> AuditEvidence:
        """A tree head signed now and the bundle lines of ``rows`` (read from the store
        before this call, e.g. one thread's chain), each proved against that head, plus
        consistency proofs to it from the sizes in ``prove_from`` (earlier published heads;
        sizes outside ``1..size`` are skipped).

        A row edited since it was logged keeps the leaf hash that was logged, so its line
        fails verification instead of passing with the edited text."""
        size = await self.sync(store)
        return await self._evidence(rows, key, prove_from, size)

    async def _evidence(
        self,
        rows: Sequence[AuditEntry],
        key: Ed25519PrivateKey,
        prove_from: Sequence[int],
        size: int,
    ) -> AuditEvidence:
        positions = []
        for row in rows:
            leaf = self.leaf_of(row)
            if leaf is None:
                if row.leaf_index is None:
                    raise NotIntegrated(row.index, self.retry_after)
                raise NotFound("no audit entry with that index", code="entry_not_found")
            positions.append(leaf)

        def build() -> tuple[bytes, tuple[bytes, ...], tuple[ConsistencyLink, ...]]:
            log = self._log
            lines = tuple(
                audit_entry_line(row, i, log.leaf(i), log.inclusion_proof(i, size))
                for row, i in zip(rows, positions, strict=True)
            )
            links = tuple(
                ConsistencyLink(old, log.root_at(old), tuple(log.consistency_proof(old, size)))
                for old in sorted(set(prove_from))
                if 0 < old <= size
            )
            return log.root_at(size), lines, links

        top, lines, links = await asyncio.to_thread(build)
        sth = sign_tree_head(key, size, top, int(time.time() * 1000))
        return AuditEvidence(sth, lines, links)

    async def chain_evidence(
        self,
        store: SqlStore,
        chain: str,
        key: Ed25519PrivateKey,
        published: SignedTreeHead | None = None,
    ) -> AuditEvidence:
        """The bundle evidence of one chain: a tree head signed now, every stored row of the
        chain proved against it, a consistency proof from the ``published`` head (the latest
        one, when there is one) and the chain's length and last hash *as logged*.

        A row deleted from the store after it was logged stays in the commitment, so the
        bundle's entries fall short of it and verification names the chain, even when the
        deleted rows were the chain's last ones."""
        async with self._lock:
            size = await self._catch_up(store)
            logged = self._chains.get(chain)
            after_leaf = self._after_leaf
        rows = []
        for row in await store.audit_entries(chain, limit=10_000_000):
            if row.leaf_index is None or row.leaf_index > after_leaf:
                continue  # queued, or integrated since the sync: not in this head
            if self.leaf_of(row) is None:
                # a sequenced row the log never saw at that place (its leaf index edited or
                # re-used); it has no leaf, the commitment shows the gap
                note = f"chain {chain}: row {row.index} is not in the log"
                self.anomalies.append(note)
                logger.error("audit log anomaly: %s", note)
                continue
            rows.append(row)
        commit = {chain: logged} if logged is not None else {}
        if logged is not None and (
            len(rows) < logged.length or rows[logged.length - 1].hash != logged.head_hash
        ):
            logger.error(
                "exporting chain %s: the store no longer holds the %d entries logged for it",
                chain,
                logged.length,
            )
        prove_from = [published.tree_size] if published is not None else []
        evidence = await self._evidence(rows, key, prove_from, size)
        return AuditEvidence(
            evidence.tree_head, evidence.lines, evidence.consistency, commit, published
        )

    async def consistency(self, store: SqlStore, first: int, second: int) -> dict[str, object]:
        """A proof that the first ``first`` leaves are a prefix of the first ``second``, with
        both roots. ``Unprocessable`` unless ``0 < first <= second <= size`` after a sync."""
        size = await self.sync(store)
        if not 0 < first <= second <= size:
            raise Unprocessable(
                f"sizes must satisfy 0 < first <= second <= {size}", code="bad_range"
            )

        def prove() -> tuple[bytes, bytes, list[bytes]]:
            log = self._log
            return log.root_at(first), log.root_at(second), log.consistency_proof(first, second)

        first_root, second_root, proof = prove()  # O(log n) hashes
        return {
            "first": first,
            "second": second,
            "first_root": first_root.hex(),
            "second_root": second_root.hex(),
            "proof": [p.hex() for p in proof],
        }

    async def check_heads(
        self,
        store: SqlStore,
        heads: Iterable[SignedTreeHead],
        public_key: Ed25519PublicKey,
    ) -> HeadCheck:
        """Is the stored log still the one the published tree heads signed? Each head (smallest
        first) must carry the key's signature, and the store's first ``tree_size`` entries must
        hash to its root. The first head that fails bounds the changed entries: after the last
        head that matched, up to its own size."""
        size = await self.sync(store)
        checked = 0
        good_size = 0
        for head in sorted(heads, key=lambda h: (h.tree_size, h.timestamp)):
            if not verify_tree_head(public_key, head):
                return HeadCheck(
                    False, checked, head, reason=f"head of size {head.tree_size}: bad signature"
                )
            if head.tree_size > size:
                return HeadCheck(
                    False,
                    checked,
                    head,
                    good_size,
                    head.tree_size,
                    f"head of size {head.tree_size}: the store holds only {size} entries",
                )
            top = await asyncio.to_thread(self.root_at, head.tree_size)
            if top != head.root:
                return HeadCheck(
                    False,
                    checked,
                    head,
                    good_size,
                    head.tree_size,
                    f"head of size {head.tree_size}: the stored entries hash to another root; "
                    f"an entry among leaves {good_size}..{head.tree_size - 1} was changed",
                )
            good_size = head.tree_size
            checked += 1
        return HeadCheck(True, checked)

    async def check(self, store: SqlStore) -> LogCheck:
        """Re-read every loaded row and compare its leaf hash with the one appended: an
        edited, deleted or inserted row is named by leaf index and row id."""
        async with self._lock:
            size = self._log.size
            checked = 0
            after = -1
            while checked < size:
                batch = await store.sequenced_entries(
                    after_leaf=after, limit=min(self._page, size - checked)
                )
                if not batch:
                    return LogCheck(
                        False,
                        checked,
                        checked,
                        self._ids[checked],
                        f"leaf {checked} (row {self._ids[checked]}) and later are gone",
                    )
                leaves = await asyncio.to_thread(_hash_leaves, [row.entry for row in batch])
                for row, leaf in zip(batch, leaves, strict=True):
                    expected_id = self._ids[checked]
                    if row.index != expected_id:
                        rank = self._ids.index(row.index) if row.index in self._ids else -1
                        what = "is gone" if rank > checked else "was inserted before it"
                        return LogCheck(
                            False,
                            checked,
                            checked,
                            expected_id,
                            f"leaf {checked}: row {expected_id} {what} (found row {row.index})",
                        )
                    if leaf != self._log.leaf(checked):
                        return LogCheck(
                            False,
                            checked,
                            checked,
                            row.index,
                            f"leaf {checked}: row {row.index} was edited after it was logged",
                        )
                    checked += 1
                after = _leaf(batch[-1])
            return LogCheck(True, checked)


@dataclass(frozen=True)
class HeadCheck:
    """What :meth:`LiveMerkleLog.check_heads` found: ``checked`` heads matched the log
    before ``first_bad``; a changed entry lies among leaves ``[changed_from, changed_to)``."""

    ok: bool
    checked: int
    first_bad: SignedTreeHead | None = None
    changed_from: int | None = None
    changed_to: int | None = None
    reason: str = ""
