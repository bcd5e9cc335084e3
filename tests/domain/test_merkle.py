from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from signaling.domain import merkle


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 MTH, written recursively as in the RFC."""
    if not leaves:
        return merkle.EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def make(n: int) -> list[bytes]:
    return [merkle.leaf_hash(f"entry {i}".encode()) for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=300))
def test_root_matches_the_rfc_definition(n: int) -> None:
    leaves = make(n)
    assert merkle.root(leaves) == reference_root(leaves)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=200), st.data())
def test_every_inclusion_proof_verifies_and_tampering_fails(n: int, data: st.DataObject) -> None:
    leaves = make(n)
    top = merkle.root(leaves)
    i = data.draw(st.integers(min_value=0, max_value=n - 1))
    proof = merkle.inclusion_proof(i, leaves)
    assert merkle.verify_inclusion(leaves[i], i, n, proof, top)
    assert not merkle.verify_inclusion(merkle.leaf_hash(b"forged"), i, n, proof, top)
    assert not merkle.verify_inclusion(leaves[i], i, n, proof, merkle.leaf_hash(b"root"))
    if proof:
        bad = [*proof]
        bad[0] = merkle.leaf_hash(b"x")
        assert not merkle.verify_inclusion(leaves[i], i, n, bad, top)
    if n > 1:
        assert not merkle.verify_inclusion(leaves[i], (i + 1) % n, n, proof, top)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=200), st.data())
def test_every_consistency_proof_verifies_and_tampering_fails(n: int, data: st.DataObject) -> None:
    leaves = make(n)
    m = data.draw(st.integers(min_value=1, max_value=n))
    old, new = merkle.root(leaves[:m]), merkle.root(leaves)
    proof = merkle.consistency_proof(m, leaves)
    assert merkle.verify_consistency(m, n, old, new, proof)
    if m < n:
        assert not merkle.verify_consistency(m, n, merkle.leaf_hash(b"x"), new, proof)
        assert not merkle.verify_consistency(m, n, old, merkle.leaf_hash(b"x"), proof)
        rewritten = [*leaves[: m - 1], merkle.leaf_hash(b"changed"), *leaves[m:]]
        assert not merkle.verify_consistency(m, n, old, merkle.root(rewritten), proof)
