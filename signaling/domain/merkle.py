"""RFC 6962 / RFC 9162 Merkle tree over the global audit log. Pure, standard library only.

- leaf hash = SHA-256(0x00 || entry), node hash = SHA-256(0x01 || left || right);
- the tree over n > 1 leaves splits at the largest power of two smaller than n;
- the empty tree's root is SHA-256 of the empty string.

Every subtree the RFC's MTH, PATH and SUBPROOF recursions name covers ``[start, end)`` with
``start`` a multiple of the smallest power of two ``2**L >= end - start``. When the range is
full (``end - start == 2**L``) it is a *perfect* node: node ``start >> L`` of level ``L``, which
never changes once its last leaf is appended. Otherwise it lies on the right edge of the tree
of size ``end``, and its hash folds the O(log n) perfect nodes of the binary decomposition of
``end - start`` from the right. :class:`MerkleLog` stores the perfect nodes (about 2n hashes,
packed 32 bytes each, 64 MB for a million leaves), so its root after an append, and proofs at
any size it has reached, cost O(log n) hashes (O(log² n) at worst for a consistency proof).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()
HASH_SIZE = 32

_sha256 = hashlib.sha256


def leaf_hash(entry: bytes) -> bytes:
    """SHA-256(0x00 || entry): the hash of one log entry as a leaf."""
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right): the hash of an interior node."""
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _next_level(level: Sequence[bytes]) -> list[bytes]:
    sha = _sha256
    # A local comprehension with the concatenation inlined: this loop is the whole cost of a
    # million-leaf root, and a function call per node would add about a third.
    nxt = [sha(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        nxt.append(level[-1])  # an odd last node is carried up unchanged (RFC split tree)
    return nxt


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes, computed level by level (iterative, O(n), no slicing)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    level: Sequence[bytes] = leaf_hashes
    while len(level) > 1:
        level = _next_level(level)
    return level[0]


class MerkleLog:
    """An append-only RFC 6962 log of leaf hashes with cheap roots and proofs at any size.

    Level ``L`` keeps, packed, the hash of every perfect subtree of ``2**L`` leaves completed
    so far; the compact range of the whole log (:meth:`frontier`) is the last node of each
    level whose bit is set in the size. An append hashes one node per trailing 1-bit of the
    new index (one on average), and the current root folds the frontier (at most log2(n)
    hashes, cached until the next append).

    Appends must come from one thread at a time. Nothing stored ever changes, so roots and
    proofs may be computed in other threads while it grows: they see the size before or after
    an append, never one in between.
    """

    __slots__ = ("_levels", "_root", "_size")

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[bytearray] = [bytearray()]
        # The size is published only after the nodes it needs are stored, and the cached
        # root names its size, so a reader in another thread never sees a half-done append.
        self._size = 0
        self._root: tuple[int, bytes] = (0, EMPTY_ROOT)
        self.extend(leaf_hashes)

    @property
    def size(self) -> int:
        """The number of leaves."""
        return self._size

    def __len__(self) -> int:
        return self._size

    @property
    def root(self) -> bytes:
        """MTH of all the leaves (SHA-256 of nothing for an empty log)."""
        return self.root_at(self._size)

    def root_at(self, size: int) -> bytes:
        """MTH of the first ``size`` leaves (any size the log has reached)."""
        self._check_size(size)
        cached_size, cached = self._root
        if cached_size == size:
            return cached
        top = self._range(0, size) if size else EMPTY_ROOT
        if size > cached_size:  # keep the newest root; older ones are asked for rarely
            self._root = (size, top)
        return top

    def leaf(self, index: int) -> bytes:
        """The leaf hash at ``index``."""
        if not 0 <= index < self._size:
            raise IndexError(f"leaf index {index} is outside a log of size {self._size}")
        return self._node(0, index)

    def frontier(self) -> list[bytes]:
        """The compact range ``[0, size)``: one perfect subtree per set bit of the size,
        largest (leftmost) first. The root folds these from the right."""
        n = self._size
        return [
            self._node(level, (n >> level) - 1)
            for level in range(n.bit_length() - 1, -1, -1)
            if n >> level & 1
        ]

    def append(self, leaf_hash: bytes) -> int:
        """Add one leaf hash; returns its index."""
        if not isinstance(leaf_hash, bytes) or len(leaf_hash) != HASH_SIZE:
            raise ValueError("a leaf hash is 32 bytes")
        levels = self._levels
        index = self._size
        levels[0] += leaf_hash
        node, level, i = leaf_hash, 0, index
        while i & 1:  # this leaf completes a perfect subtree at each trailing 1-bit
            left = levels[level][(i - 1) * HASH_SIZE : i * HASH_SIZE]
            node = _sha256(b"\x01" + left + node).digest()
            level += 1
            i >>= 1
            if level == len(levels):
                levels.append(bytearray())
            levels[level] += node
        self._size = index + 1
        return index

    def append_entry(self, entry: bytes) -> int:
        """Add an entry (hashed as a leaf); returns its index."""
        return self.append(leaf_hash(entry))

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Add many leaf hashes, hashing each new level in one pass (bulk loading a log)."""
        batch = leaf_hashes if isinstance(leaf_hashes, list) else list(leaf_hashes)
        if not batch:
            return
        if any(not isinstance(h, bytes) or len(h) != HASH_SIZE for h in batch):
            raise ValueError("a leaf hash is 32 bytes")
        levels = self._levels
        sha = _sha256
        fresh: list[bytes] = batch
        level = 0
        while fresh:
            stored = levels[level]
            before = len(stored) // HASH_SIZE
            stored += b"".join(fresh)
            # An unpaired node already stored at this level pairs with the first fresh one.
            pending = (
                [bytes(stored[(before - 1) * HASH_SIZE : before * HASH_SIZE]), *fresh]
                if before % 2
                else fresh
            )
            # Lists of bytes, not slices of the packed level: this is the bulk-load hot loop.
            fresh = [
                sha(b"\x01" + pending[i] + pending[i + 1]).digest()
                for i in range(0, len(pending) - 1, 2)
            ]
            level += 1
            if fresh and level == len(levels):
                levels.append(bytearray())
        self._size += len(batch)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """The audit path of leaf ``index`` in the tree of the first ``size`` leaves (default:
        all), RFC 6962 PATH, deepest sibling first."""
        n = self._size if size is None else size
        self._check_size(n)
        if not 0 <= index < n:
            raise ValueError(f"leaf index {index} is outside a tree of size {n}")
        proof = []
        start, end = 0, n
        while end - start > 1:  # top down; PATH lists siblings bottom up, hence the reverse
            k = _split(end - start)
            if index < start + k:
                proof.append(self._range(start + k, end))
                end = start + k
            else:
                proof.append(self._range(start, start + k))
                start += k
        proof.reverse()
        return proof

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """RFC 6962 PROOF(old_size, D[new_size]) (default new size: all the leaves): the tree
        of the first ``old_size`` leaves is a prefix of the newer one. Empty for equal sizes."""
        n = self._size if new_size is None else new_size
        self._check_size(n)
        if not 0 < old_size <= n:
            raise ValueError(f"old size {old_size} is outside 1..{n}")
        proof = []
        m, start, end, complete = old_size, 0, n, True
        while m != end - start:  # SUBPROOF, top down, reversed at the end like PATH
            k = _split(end - start)
            if m <= k:
                proof.append(self._range(start + k, end))
                end = start + k
            else:
                proof.append(self._range(start, start + k))
                start += k
                m -= k
                complete = False
        if not complete:
            proof.append(self._range(start, end))
        proof.reverse()
        return proof

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self._size:
            raise ValueError(f"size {size} is outside 0..{self._size}")

    def _node(self, level: int, index: int) -> bytes:
        return bytes(self._levels[level][index * HASH_SIZE : (index + 1) * HASH_SIZE])

    def _range(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a subtree the RFC recursions name (``start`` aligned)."""
        # Perfect subtrees from the left: sizes are the set bits of end - start, descending.
        parts = []
        remaining = end - start
        while remaining:
            level = remaining.bit_length() - 1
            parts.append(self._node(level, start >> level))
            start += 1 << level
            remaining -= 1 << level
        acc = parts.pop()
        while parts:
            acc = node_hash(parts.pop(), acc)
        return acc


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree over ``leaf_hashes`` (RFC 6962 PATH).

    O(n) per call: for many proofs over one log, build a :class:`MerkleLog` once.
    """
    if not 0 <= index < len(leaf_hashes):
        raise ValueError(f"leaf index {index} is outside a tree of size {len(leaf_hashes)}")
    return MerkleLog(leaf_hashes).inclusion_proof(index)


def consistency_proof(
    old_size: int, new_size: int | Sequence[bytes], leaf_hashes: Sequence[bytes] | None = None
) -> list[bytes]:
    """RFC 6962 PROOF(old_size, D[new_size]) over the first ``new_size`` of ``leaf_hashes``.

    O(n) per call, like :func:`inclusion_proof`. The older two-argument form
    ``consistency_proof(old_size, leaf_hashes)`` (new size = all the leaves) is still accepted.
    """
    if leaf_hashes is None:
        if isinstance(new_size, int):
            raise TypeError("consistency_proof(old_size, new_size, leaf_hashes)")
        leaf_hashes, new_size = new_size, len(new_size)
    elif not isinstance(new_size, int):
        raise TypeError("new_size must be an int")
    if not 0 <= new_size <= len(leaf_hashes):
        raise ValueError(f"new size {new_size} is outside 0..{len(leaf_hashes)}")
    return MerkleLog(leaf_hashes[:new_size]).consistency_proof(old_size)


def _well_formed(*hashes: bytes) -> bool:
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in hashes)


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` place ``leaf_hash`` at ``index`` under ``root``?"""
    if not 0 <= index < tree_size or not _well_formed(leaf_hash, root, *proof):
        return False
    fn, sn = index, tree_size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of ``old_size`` leaves a prefix of the one of
    ``new_size``? Equal sizes need equal roots and an empty proof; size 0 is not provable."""
    if not _well_formed(old_root, new_root, *proof):
        return False
    if old_size == new_size:
        return old_size >= 0 and old_root == new_root and not proof
    if not 0 < old_size < new_size or not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root starts the path
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
