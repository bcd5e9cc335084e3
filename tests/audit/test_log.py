"""The global Merkle log read from a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signaling.audit import log
from signaling.audit.sequencer import sequence_all
from signaling.audit.tree_head import SignedTreeHead, verify_tree_head
from signaling.domain import merkle
from signaling.errors import NotFound, Unprocessable
from signaling.store.sql import SqlStore


async def fill(store: SqlStore, n: int) -> None:
    for i in range(n):
        await store.append_audit(f"thread-{i % 3}", "test.event", "u1", {"i": i})
    await sequence_all(store)  # the sequencer integrates them into the log


async def test_leaves_are_the_stored_entries_in_id_order(store: SqlStore) -> None:
    await fill(store, 23)
    rows = await store.audit_entries(None, limit=100)
    expected = [merkle.leaf_hash(r.entry.encode()) for r in rows]
    assert len(expected) == 23
    assert await log.leaf_hashes(store) == expected
    assert await log.leaf_hashes(store, page=4) == expected  # paging changes nothing
    assert await log.leaf_hashes(store, 10, page=4) == expected[:10]
    assert await log.leaf_hashes(store, 0) == []
    assert await log.leaf_hashes(store, 99) == expected
    snap = await log.snapshot(store, page=5)
    assert snap.ids == [r.index for r in rows]
    assert [json.loads(e)["data"]["i"] for e in snap.entries] == list(range(23))
    with pytest.raises(ValueError):
        await log.leaf_hashes(store, -1)


async def test_tree_head_inclusion_and_consistency(store: SqlStore) -> None:
    key = Ed25519PrivateKey.generate()
    await fill(store, 9)
    old = await log.tree_head(store, key)
    assert old.tree_size == 9 and verify_tree_head(key.public_key(), old)
    await fill(store, 8)
    new = await log.tree_head(store, key)
    assert new.tree_size == 17 and new.root_hash != old.root_hash
    leaves = await log.leaf_hashes(store)
    assert new.root == merkle.root(leaves)

    rows = await store.audit_entries(None, limit=100)
    for position in (0, 8, 16):
        got = await log.inclusion(store, rows[position].index, key)
        assert got["leaf_index"] == position and got["entry"] == rows[position].entry
        head = got["tree_head"]
        assert isinstance(head, dict)
        sth = SignedTreeHead.from_json(head)
        assert verify_tree_head(key.public_key(), sth) and sth.tree_size == 17
        proof = got["proof"]
        assert isinstance(proof, list)
        assert merkle.verify_inclusion(
            merkle.leaf_hash(rows[position].entry.encode()),
            position,
            sth.tree_size,
            [bytes.fromhex(p) for p in proof],
            sth.root,
        )
    with pytest.raises(NotFound):
        await log.inclusion(store, rows[-1].index + 1000, key)

    cons = await log.consistency(store, 9, 17)
    assert cons["first_root"] == old.root_hash and cons["second_root"] == new.root_hash
    proof = cons["proof"]
    assert isinstance(proof, list)
    assert merkle.verify_consistency(9, 17, old.root, new.root, [bytes.fromhex(p) for p in proof])
    for first, second in ((0, 5), (6, 5), (3, 18)):
        with pytest.raises(Unprocessable):
            await log.consistency(store, first, second)


async def test_an_edited_row_changes_the_root(store: SqlStore) -> None:
    """Editing a stored entry in place (what a tamperer with database access would do)
    yields a root no earlier signed head matches, and breaks consistency."""
    import sqlalchemy as sa

    key = Ed25519PrivateKey.generate()
    await fill(store, 6)
    before = await log.tree_head(store, key)
    rows = await store.audit_entries(None, limit=100)
    async with store.engine.begin() as conn:
        await conn.execute(
            sa.text("UPDATE audit_log SET entry = :e WHERE id = :i"),
            {"e": rows[2].entry.replace('"i":2', '"i":7'), "i": rows[2].index},
        )
    await fill(store, 2)
    after = await log.tree_head(store, key)
    cons = await log.consistency(store, 6, 8)
    proof = cons["proof"]
    assert isinstance(proof, list)
    assert not merkle.verify_consistency(
        6, 8, before.root, after.root, [bytes.fromhex(p) for p in proof]
    )


def as_proof(value: object) -> list[bytes]:
    assert isinstance(value, list)
    return [bytes.fromhex(p) for p in value]


async def test_the_live_log_catches_up_and_matches_a_full_read(store: SqlStore) -> None:
    live = log.LiveMerkleLog(page=3)
    assert await live.sync(store) == 0
    await fill(store, 10)
    assert await live.sync(store) == 10
    await fill(store, 7)
    assert live.size == 10  # nothing is read until asked
    key = Ed25519PrivateKey.generate()
    head = await live.tree_head(store, key)
    leaves = await log.leaf_hashes(store)
    assert head.tree_size == 17 and head.root == merkle.root(leaves)
    assert verify_tree_head(key.public_key(), head)
    assert head.root == (await log.tree_head(store, key)).root  # same as the full read
    assert (await live.check(store)).ok


async def test_live_proofs_verify_at_current_and_older_sizes(store: SqlStore) -> None:
    live = log.LiveMerkleLog(page=4)
    await fill(store, 9)
    key = Ed25519PrivateKey.generate()
    old = await live.tree_head(store, key)
    await fill(store, 5)
    rows = await store.audit_entries(None, limit=100)
    for size in (None, 9):
        result = await live.inclusion(store, rows[4].index, key, size)
        head = SignedTreeHead.from_json(result["tree_head"])
        assert head.tree_size == (size or 14) and verify_tree_head(key.public_key(), head)
        assert result["entry"] == rows[4].entry and result["leaf_index"] == 4
        leaf = merkle.leaf_hash(rows[4].entry.encode())
        assert merkle.verify_inclusion(
            leaf, 4, head.tree_size, as_proof(result["proof"]), head.root
        )
    assert head.root == old.root  # the head at size 9 is the one signed back then
    new = await live.tree_head(store, key)
    cons = await live.consistency(store, 9, 14)
    assert cons["first_root"] == old.root_hash and cons["second_root"] == new.root_hash
    assert merkle.verify_consistency(9, 14, old.root, new.root, as_proof(cons["proof"]))
    with pytest.raises(NotFound):
        await live.inclusion(store, rows[-1].index + 1000, key)
    for bad_size in (4, 15):  # too small to hold leaf 4, or never reached
        with pytest.raises(Unprocessable):
            await live.inclusion(store, rows[4].index, key, bad_size)
    for first, second in ((0, 5), (6, 5), (3, 15)):
        with pytest.raises(Unprocessable):
            await live.consistency(store, first, second)


async def test_the_live_check_names_an_edited_or_deleted_row(store: SqlStore) -> None:
    import sqlalchemy as sa

    live = log.LiveMerkleLog(page=3)
    await fill(store, 8)
    await live.sync(store)
    rows = await store.audit_entries(None, limit=100)
    async with store.engine.begin() as conn:
        await conn.execute(
            sa.text("UPDATE audit_log SET entry = :e WHERE id = :i"),
            {"e": rows[5].entry.replace('"i":5', '"i":6'), "i": rows[5].index},
        )
    verdict = await live.check(store)
    assert not verdict.ok and verdict.checked == 5
    assert (verdict.first_bad_leaf, verdict.audit_id) == (5, rows[5].index)
    assert "edited after it was logged" in verdict.reason
    async with store.engine.begin() as conn:
        await conn.execute(sa.text("DELETE FROM audit_log WHERE id = :i"), {"i": rows[3].index})
    verdict = await live.check(store)
    assert (verdict.ok, verdict.first_bad_leaf, verdict.audit_id) == (False, 3, rows[3].index)
    assert "is gone" in verdict.reason
    async with store.engine.begin() as conn:
        await conn.execute(sa.text("DELETE FROM audit_log WHERE id >= :i"), {"i": rows[3].index})
    verdict = await live.check(store)
    assert (verdict.ok, verdict.first_bad_leaf) == (False, 3)
    assert "and later are gone" in verdict.reason


async def test_published_heads_bound_an_edit_to_the_leaves_between_them(store: SqlStore) -> None:
    """The CLI's question: is the stored log still the one the hourly heads signed?"""
    import sqlalchemy as sa

    key = Ed25519PrivateKey.generate()
    server = log.LiveMerkleLog()
    heads = []
    for _ in range(3):
        await fill(store, 4)
        heads.append(await server.tree_head(store, key))
    assert [h.tree_size for h in heads] == [4, 8, 12]
    verdict = await log.LiveMerkleLog().check_heads(store, reversed(heads), key.public_key())
    assert verdict == log.HeadCheck(True, 3)

    stranger = Ed25519PrivateKey.generate()
    verdict = await log.LiveMerkleLog().check_heads(store, heads, stranger.public_key())
    assert not verdict.ok and verdict.first_bad == heads[0] and "bad signature" in verdict.reason

    rows = await store.audit_entries(None, limit=100)
    async with store.engine.begin() as conn:
        await conn.execute(
            sa.text("UPDATE audit_log SET entry = :e WHERE id = :i"),
            {"e": rows[6].entry.replace('"i":2', '"i":3'), "i": rows[6].index},
        )
    verdict = await log.LiveMerkleLog().check_heads(store, heads, key.public_key())
    assert not verdict.ok and verdict.checked == 1 and verdict.first_bad == heads[1]
    assert (verdict.changed_from, verdict.changed_to) == (4, 8)  # leaf 6 is in there
    assert "among leaves 4..7 was changed" in verdict.reason

    async with store.engine.begin() as conn:
        await conn.execute(sa.text("DELETE FROM audit_log WHERE id >= :i"), {"i": rows[2].index})
    verdict = await log.LiveMerkleLog().check_heads(store, heads, key.public_key())
    assert (verdict.ok, verdict.checked, verdict.changed_from, verdict.changed_to) == (
        False,
        0,
        0,
        4,
    )
    assert "the store holds only 2 entries" in verdict.reason
