"""The RFC 6962 Merkle tree against the RFC's own recursive definitions, and tampering."""

from __future__ import annotations

import sys
import threading

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
    tree = merkle.MerkleLog(leaves)
    assert merkle.root(leaves) == tree.root == reference_root(leaves)
    assert tree.size == n
    for i in range(n):
        assert tree.inclusion_proof(i) == reference_path(i, leaves)
    for m in range(1, n + 1):
        assert tree.consistency_proof(m) == reference_proof(m, leaves)


def test_every_proof_verifies_up_to_64_leaves() -> None:
    for n in range(1, 65):
        leaves = make(n)
        tree = merkle.MerkleLog(leaves)
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
        merkle.MerkleLog(leaves).consistency_proof(6)


# The certificate-transparency test vectors (RFC 6962 reference code): eight entries, the
# roots of every prefix, and proofs over them.
CT_ENTRIES = [
    bytes.fromhex(x)
    for x in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
H_01 = "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"
H_23 = "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"
H_4567 = "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"
H_5 = "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"
H_67 = "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"
H_0123 = CT_ROOTS[3]
H_45 = "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"


def test_certificate_transparency_vectors() -> None:
    log = merkle.MerkleLog(merkle.leaf_hash(e) for e in CT_ENTRIES)
    assert [log.root_at(n).hex() for n in range(1, 9)] == CT_ROOTS
    vectors: list[tuple[list[bytes], list[str]]] = [
        (log.inclusion_proof(0), [H_01, H_23, H_4567]),
        (log.inclusion_proof(5), [H_5, H_67, H_0123]),
        (log.inclusion_proof(2, 3), [CT_ROOTS[1]]),
        (log.consistency_proof(1, 8), [H_01, H_23, H_4567]),
        (log.consistency_proof(6, 8), [H_45, H_67, H_0123]),
        (log.consistency_proof(2, 5), [H_23, H_5]),
    ]
    for proof, expected in vectors:
        assert [p.hex() for p in proof] == expected
    assert merkle.verify_consistency(
        6, 8, bytes.fromhex(CT_ROOTS[5]), bytes.fromhex(CT_ROOTS[7]), log.consistency_proof(6)
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), max_size=12))
def test_appends_and_batches_give_the_same_log(batches: list[int]) -> None:
    """Each append keeps the frontier (the compact range) and the root exact, whatever mix of
    single appends and bulk extends built the log."""
    leaves = make(sum(batches), "b")
    one_by_one = merkle.MerkleLog()
    batched = merkle.MerkleLog()
    for i, leaf in enumerate(leaves):
        assert one_by_one.append(leaf) == i
        frontier = one_by_one.frontier()
        assert len(frontier) == (i + 1).bit_count()
        folded = frontier[-1]
        for node in reversed(frontier[:-1]):
            folded = merkle.node_hash(node, folded)
        assert one_by_one.root == folded == reference_root(leaves[: i + 1])
    done = 0
    for size in batches:
        batched.extend(leaves[done : done + size])
        done += size
        assert batched.size == done and batched.root == reference_root(leaves[:done])
    assert batched.frontier() == one_by_one.frontier()
    assert [batched.leaf(i) for i in range(len(leaves))] == leaves


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=200), st.data())
def test_proofs_at_older_sizes_match_the_rfc(n: int, data: st.DataObject) -> None:
    """A grown log still answers for every size it passed through, as the tree heads signed
    back then need."""
    leaves = make(n, "h")
    log = merkle.MerkleLog(leaves)
    size = data.draw(st.integers(min_value=1, max_value=n))
    old = data.draw(st.integers(min_value=1, max_value=size))
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    assert log.root_at(size) == reference_root(leaves[:size])
    path = log.inclusion_proof(index, size)
    assert path == reference_path(index, leaves[:size])
    assert merkle.verify_inclusion(leaves[index], index, size, path, log.root_at(size))
    proof = log.consistency_proof(old, size)
    assert proof == reference_proof(old, leaves[:size])
    assert merkle.verify_consistency(old, size, log.root_at(old), log.root_at(size), proof)


def test_merkle_log_refuses_bad_input() -> None:
    log = merkle.MerkleLog(make(3))
    assert log.root_at(0) == merkle.EMPTY_ROOT and len(log) == 3
    assert merkle.MerkleLog().root == merkle.EMPTY_ROOT and merkle.MerkleLog().frontier() == []
    with pytest.raises(ValueError):
        log.append(b"short")
    with pytest.raises(ValueError):
        log.extend([make(1)[0], b"x" * 33])
    assert log.size == 3  # a refused batch adds nothing
    with pytest.raises(IndexError):
        log.leaf(3)
    with pytest.raises(ValueError):
        log.root_at(4)
    with pytest.raises(ValueError):
        log.inclusion_proof(0, 4)
    with pytest.raises(ValueError):
        log.inclusion_proof(2, 2)
    with pytest.raises(ValueError):
        log.consistency_proof(2, 4)
    assert log.append_entry(b"entry") == 3
    assert log.leaf(3) == merkle.leaf_hash(b"entry")


def test_readers_in_other_threads_see_whole_appends() -> None:
    """While one thread grows the log, others always get a root and proofs of a size it
    really had (the size is published after its nodes; the cached root names its size)."""
    leaves = make(3000, "c")
    expected = merkle.MerkleLog()
    roots = [merkle.EMPTY_ROOT]
    for leaf in leaves:
        expected.append(leaf)
        roots.append(expected.root)
    log = merkle.MerkleLog()
    failures: list[str] = []
    done = threading.Event()

    def write() -> None:
        for start in range(0, 1000):
            log.append(leaves[start])
        for start in range(1000, 3000, 7):
            log.extend(leaves[start : min(start + 7, 3000)])
        done.set()

    def read() -> None:
        while not done.is_set():
            n = log.size
            if log.root_at(n) != roots[n]:
                failures.append(f"root at {n}")
            if n and not merkle.verify_inclusion(
                leaves[n - 1], n - 1, n, log.inclusion_proof(n - 1, n), roots[n]
            ):
                failures.append(f"proof at {n}")
            if log.root not in roots:
                failures.append("current root")

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, to interleave appends and reads
    try:
        threads = [threading.Thread(target=read) for _ in range(2)]
        for t in threads:
            t.start()
        write()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not failures, failures[:5]
    assert log.root == roots[-1]
