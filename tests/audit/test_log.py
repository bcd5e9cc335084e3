"""The global Merkle log read from a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signaling.audit import log
from signaling.audit.tree_head import SignedTreeHead, verify_tree_head
from signaling.domain import merkle
from signaling.errors import NotFound, Unprocessable
from signaling.store.sql import SqlStore


async def fill(store: SqlStore, n: int) -> None:
    for i in range(n):
        await store.append_audit(f"thread-{i % 3}", "test.event", "u1", {"i": i})


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
