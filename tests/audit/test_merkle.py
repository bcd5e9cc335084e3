"""The RFC 6962 Merkle tree against the RFC's own recursive definitions, and tampering."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signaling.domain import merkle


def split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH, written recursively on slices as in RFC 6962 §2.1."""
    if not leaves:
        return merkle.EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return merkle.node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def reference_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]), RFC 6962 §2.1.1."""
    if len(leaves) <= 1:
        return []
    k = split(len(leaves))
    if m < k:
        return [*reference_path(m, leaves[:k]), reference_root(leaves[k:])]
    return [*reference_path(m - k, leaves[k:]), reference_root(leaves[:k])]


def reference_proof(m: int, leaves: list[bytes], complete: bool = True) -> list[bytes]:
    """SUBPROOF(m, D[n], b), RFC 6962 §2.1.2."""
    n = len(leaves)
    if m == n:
        return [] if complete else [reference_root(leaves)]
    k = split(n)
    if m <= k:
        return [*reference_proof(m, leaves[:k], complete), reference_root(leaves[k:])]
    return [*reference_proof(m - k, leaves[k:], False), reference_root(leaves[:k])]


def make(n: int, salt: str = "") -> list[bytes]:
    return [merkle.leaf_hash(f"entry {salt}{i}".encode()) for i in range(n)]


def test_known_values() -> None:
    assert merkle.root([]).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    # RFC 6962 leaf of the empty entry: SHA-256(0x00)
    assert merkle.leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    a, b = merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")
    assert merkle.root([a]) == a
    assert merkle.root([a, b]) == merkle.node_hash(a, b)


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=0, max_value=300))
def test_root_and_paths_match_the_rfc_definitions(n: int) -> None:
    leaves = make(n)
    tree = merkle.MerkleTree(leaves)
    assert merkle.root(leaves) == tree.root == reference_root(leaves)
    assert tree.size == n
    for i in range(n):
        assert tree.inclusion_proof(i) == reference_path(i, leaves)
    for m in range(1, n + 1):
        assert tree.consistency_proof(m) == reference_proof(m, leaves)


def test_every_proof_verifies_up_to_64_leaves() -> None:
    for n in range(1, 65):
        leaves = make(n)
        tree = merkle.MerkleTree(leaves)
        for i in range(n):
            assert merkle.verify_inclusion(leaves[i], i, n, tree.inclusion_proof(i), tree.root)
        for m in range(1, n + 1):
            old = merkle.root(leaves[:m])
            proof = merkle.consistency_proof(m, n, leaves)
            assert merkle.verify_consistency(m, n, old, tree.root, proof), (m, n)


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=1, max_value=300), st.data())
def test_inclusion_tampering_fails(n: int, data: st.DataObject) -> None:
    leaves = make(n)
    top = merkle.root(leaves)
    i = data.draw(st.integers(min_value=0, max_value=n - 1))
    proof = merkle.inclusion_proof(i, leaves)
    assert merkle.verify_inclusion(leaves[i], i, n, proof, top)
    forged = merkle.leaf_hash(b"forged")
    assert not merkle.verify_inclusion(forged, i, n, proof, top)
    assert not merkle.verify_inclusion(leaves[i], i, n, proof, forged)
    assert not merkle.verify_inclusion(leaves[i], n, n, proof, top)
    assert not merkle.verify_inclusion(leaves[i], -1, n, proof, top)
    for j in range(len(proof)):
        bad = [*proof]
        bad[j] = forged
        assert not merkle.verify_inclusion(leaves[i], i, n, bad, top)
    assert not merkle.verify_inclusion(leaves[i], i, n, [*proof, forged], top)
    if proof:
        assert not merkle.verify_inclusion(leaves[i], i, n, proof[:-1], top)
        assert not merkle.verify_inclusion(leaves[i], i, n, [*proof[:-1], b"short"], top)
    if n > 1:
        other = (i + 1) % n
        assert not merkle.verify_inclusion(leaves[i], other, n, proof, top)
    # The size is what a signed tree head binds to its root: a proof for size n never
    # verifies against the honest root of another size.
    more = make(n + 1)
    assert more[:n] == leaves
    assert not merkle.verify_inclusion(leaves[i], i, n + 1, proof, merkle.root(more))
    if n > 1:
        assert not merkle.verify_inclusion(leaves[i], i, n - 1, proof, merkle.root(leaves[:-1]))


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=2, max_value=300), st.data())
def test_consistency_tampering_fails(n: int, data: st.DataObject) -> None:
    leaves = make(n + 1)[:n]
    m = data.draw(st.integers(min_value=1, max_value=n - 1))
    old, new = merkle.root(leaves[:m]), merkle.root(leaves)
    proof = merkle.consistency_proof(m, n, leaves)
    assert merkle.verify_consistency(m, n, old, new, proof)
    forged = merkle.leaf_hash(b"forged")
    assert not merkle.verify_consistency(m, n, forged, new, proof)
    assert not merkle.verify_consistency(m, n, old, forged, proof)
    assert not merkle.verify_consistency(m, n, old, new, [])
    assert not merkle.verify_consistency(m, n, old, new, [*proof, forged])
    for j in range(len(proof)):
        bad = [*proof]
        bad[j] = forged
        assert not merkle.verify_consistency(m, n, old, new, bad)
    # history rewritten inside the old tree: the new root no longer extends the old one
    rewritten = [*leaves[: m - 1], forged, *leaves[m:]]
    assert not merkle.verify_consistency(m, n, old, merkle.root(rewritten), proof)
    # sizes claimed with their honest roots
    longer = make(n + 1)
    assert not merkle.verify_consistency(m, n + 1, old, merkle.root(longer), proof)
    if m > 1:
        assert not merkle.verify_consistency(m - 1, n, merkle.root(leaves[: m - 1]), new, proof)


def test_equal_sizes_and_bad_arguments() -> None:
    leaves = make(5)
    top = merkle.root(leaves)
    assert merkle.consistency_proof(5, 5, leaves) == []
    assert merkle.verify_consistency(5, 5, top, top, [])
    assert not merkle.verify_consistency(5, 5, top, merkle.root(leaves[:4]), [])
    assert not merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, top, [])
    assert merkle.consistency_proof(2, 4, leaves) == merkle.consistency_proof(2, leaves[:4])
    with pytest.raises(ValueError):
        merkle.inclusion_proof(5, leaves)
    with pytest.raises(ValueError):
        merkle.consistency_proof(0, 5, leaves)
    with pytest.raises(ValueError):
        merkle.consistency_proof(3, 6, leaves)
    with pytest.raises(ValueError):
        merkle.MerkleTree(leaves).consistency_proof(6)
