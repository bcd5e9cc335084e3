"""RFC 6962 / RFC 9162 Merkle tree over the global audit log. Pure, standard library only.

- leaf hash = SHA-256(0x00 || entry), node hash = SHA-256(0x01 || left || right);
- the tree over n > 1 leaves splits at the largest power of two smaller than n;
- the empty tree's root is SHA-256 of the empty string.

The tree is built level by level: pairing neighbours and carrying an odd last node up
unchanged gives exactly the RFC's split tree, and every subtree the RFC's PATH and PROOF
recursions name is one node of some level (node ``j`` of level ``L`` covers the leaves
``[j * 2**L, min((j + 1) * 2**L, n))``). So :class:`MerkleTree` hashes each node once and then
answers inclusion and consistency proofs in O(log n).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

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


class MerkleTree:
    """Every level of the tree over a fixed list of leaf hashes.

    Building costs one hash per node (about n); the root is then O(1) and each proof
    O(log n). Keep one tree to answer many proofs over a big log (an evidence bundle), rather
    than calling :func:`inclusion_proof` once per entry.
    """

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        levels: list[Sequence[bytes]] = [leaf_hashes]
        while len(levels[-1]) > 1:
            levels.append(_next_level(levels[-1]))
        self._levels = levels

    @property
    def size(self) -> int:
        """The number of leaves."""
        return len(self._levels[0])

    @property
    def root(self) -> bytes:
        """MTH of all the leaves (SHA-256 of nothing for an empty tree)."""
        return self._levels[-1][0] if self.size else EMPTY_ROOT

    def leaf(self, index: int) -> bytes:
        """The leaf hash at ``index``."""
        return self._levels[0][index]

    def _node(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a subtree of the RFC decomposition (a node of one level)."""
        level = (end - start - 1).bit_length()
        assert start % (1 << level) == 0 and end == min(start + (1 << level), self.size)
        return self._levels[level][start >> level]

    def inclusion_proof(self, index: int) -> list[bytes]:
        """The audit path of leaf ``index`` (RFC 6962 PATH), deepest sibling first."""
        if not 0 <= index < self.size:
            raise ValueError(f"leaf index {index} is outside a tree of size {self.size}")
        proof = []
        for level in self._levels[:-1]:
            sibling = index ^ 1
            if sibling < len(level):  # no sibling: this node is carried up as it is
                proof.append(level[sibling])
            index >>= 1
        return proof

    def consistency_proof(self, old_size: int) -> list[bytes]:
        """RFC 6962 PROOF(old_size, D[size]): the tree of the first ``old_size`` leaves is a
        prefix of this one. Empty when ``old_size`` equals the size."""
        if not 0 < old_size <= self.size:
            raise ValueError(f"old size {old_size} is outside 1..{self.size}")
        return self._subproof(old_size, 0, self.size, True)

    def _subproof(self, m: int, start: int, end: int, complete: bool) -> list[bytes]:
        # Recursion depth is log2(n), over indexes only: nothing is sliced or re-hashed.
        n = end - start
        if m == n:
            return [] if complete else [self._node(start, end)]
        k = _split(n)
        if m <= k:
            return [*self._subproof(m, start, start + k, complete), self._node(start + k, end)]
        return [*self._subproof(m - k, start + k, end, False), self._node(start, start + k)]


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree over ``leaf_hashes`` (RFC 6962 PATH).

    O(n) per call: for many proofs over one log, build a :class:`MerkleTree` once.
    """
    if not 0 <= index < len(leaf_hashes):
        raise ValueError(f"leaf index {index} is outside a tree of size {len(leaf_hashes)}")
    return MerkleTree(leaf_hashes).inclusion_proof(index)


def consistency_proof(
    old_size: int, new_size: int | Sequence[bytes], leaf_hashes: Sequence[bytes] | None = None
) -> list[bytes]:
    """RFC 6962 PROOF(old_size, D[new_size]) over the first ``new_size`` of ``leaf_hashes``.

    The older two-argument form ``consistency_proof(old_size, leaf_hashes)`` (new size = all
    the leaves) is still accepted.
    """
    if leaf_hashes is None:
        if isinstance(new_size, int):
            raise TypeError("consistency_proof(old_size, new_size, leaf_hashes)")
        leaf_hashes, new_size = new_size, len(new_size)
    elif not isinstance(new_size, int):
        raise TypeError("new_size must be an int")
    if not 0 <= new_size <= len(leaf_hashes):
        raise ValueError(f"new size {new_size} is outside 0..{len(leaf_hashes)}")
    leaves = leaf_hashes if new_size == len(leaf_hashes) else leaf_hashes[:new_size]
    return MerkleTree(leaves).consistency_proof(old_size)


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
