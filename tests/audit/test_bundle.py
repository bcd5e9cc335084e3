"""Evidence bundles built from a real store, verified offline, and tampered with."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signaling.audit import log
from signaling.audit.bundle import (
    AuditEvidence,
    BundleWriter,
    add_audit_evidence,
    audit_entry_line,
    verify_bundle,
)
from signaling.audit.sequencer import sequence_all
from signaling.audit.tree_head import (
    SignedTreeHead,
    key_id,
    public_key_pem,
    sign_tree_head,
)
from signaling.domain.ports import AuditEntry
from signaling.store.sql import SqlStore

THREAD = "thread-a"


def write_bundle(
    path: Path,
    key: Ed25519PrivateKey,
    snap: log.LogSnapshot,
    thread_rows: list[AuditEntry],
    recording: Path,
    sign_manifest: bool = False,
) -> None:
    tree = snap.tree()
    sth = sign_tree_head(key, tree.size, tree.root, 1_700_000_000_000)
    with path.open("wb") as fh:
        writer = BundleWriter(fh)
        writer.add_bytes("timeline.json", json.dumps({"messages": ["Hello", "Thanks"]}).encode())
        writer.add_bytes("timeline.html", b"<!doctype html><p>Hello</p>")
        writer.add_bytes("calls.jsonl", b'{"id": "call-1"}\n')
        writer.add_stream(
            "audit/entries.jsonl",
            (
                audit_entry_line(
                    row,
                    snap.leaf_index(row.index),
                    tree.leaf(snap.leaf_index(row.index)),
                    tree.inclusion_proof(snap.leaf_index(row.index)),
                )
                for row in thread_rows
            ),
        )
        writer.add_bytes("audit/tree_head.json", json.dumps(sth.to_json()).encode())
        writer.add_bytes("audit/public_key.pem", public_key_pem(key))
        writer.add_file("recordings/call-1.webm", recording)
        writer.finish({"case_id": "case-1", "thread_id": THREAD}, key if sign_manifest else None)


@pytest.fixture
async def bundle(store: SqlStore, tmp_path: Path) -> tuple[Path, Ed25519PrivateKey]:
    """A bundle of one thread's chain, its entries interleaved with another chain's."""
    return await make_bundle(store, tmp_path, sign_manifest=False)


@pytest.fixture
async def signed_bundle(store: SqlStore, tmp_path: Path) -> tuple[Path, Ed25519PrivateKey]:
    """The same, with ``manifest.sig``."""
    return await make_bundle(store, tmp_path, sign_manifest=True)


async def make_bundle(
    store: SqlStore, tmp_path: Path, sign_manifest: bool
) -> tuple[Path, Ed25519PrivateKey]:
    for i in range(12):
        chain = THREAD if i % 2 == 0 else "thread-b"
        await store.append_audit(chain, "message.created", "u1", {"i": i, "text": "né ✓"})
    await sequence_all(store)  # the sequencer integrates them into the log
    key = Ed25519PrivateKey.generate()
    snap = await log.snapshot(store)
    rows = await store.audit_entries(THREAD)
    recording = tmp_path / "call-1.webm"
    path = tmp_path / "case.zip"

    def build() -> None:
        recording.write_bytes(os.urandom(3 * (1 << 20) + 17))  # more than one chunk
        write_bundle(path, key, snap, rows, recording, sign_manifest)

    await asyncio.to_thread(build)
    return path, key


Edit = Callable[[str, bytes], bytes | None]


def rewrite(src: Path, dst: Path, edit: Edit, fix_manifest: bool = True) -> None:
    """Copy a zip, passing each member through ``edit`` (None drops it); optionally recompute
    the manifest as a careful forger would."""
    members: dict[str, bytes] = {}
    with zipfile.ZipFile(src) as zin:
        for name in zin.namelist():
            data = edit(name, zin.read(name))
            if data is not None:
                members[name] = data
    if fix_manifest:
        manifest = json.loads(members["manifest.json"])
        manifest["files"] = {
            n: hashlib.sha256(d).hexdigest() for n, d in members.items() if n != "manifest.json"
        }
        members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(dst, "w") as zout:
        for name, data in members.items():
            zout.writestr(name, data)


def lines_edit(change: Callable[[list[bytes]], list[bytes]]) -> Edit:
    def edit(name: str, data: bytes) -> bytes:
        if name != "audit/entries.jsonl":
            return data
        return b"".join(change(data.splitlines(keepends=True)))

    return edit


async def test_an_intact_bundle_verifies_offline(
    bundle: tuple[Path, Ed25519PrivateKey],
) -> None:
    path, key = bundle
    verdict = await asyncio.to_thread(verify_bundle, path)
    assert verdict.ok, verdict.problems
    assert verdict.checked == 7 + 6  # seven files, six entries of the thread
    assert verdict.key_id == key_id(key.public_key())
    assert verdict.tree_head is not None and verdict.tree_head.tree_size == 12
    published = verdict.tree_head
    pem = public_key_pem(key)
    again = await asyncio.to_thread(verify_bundle, path, pem, published)
    assert again.ok, again.problems

    def inspect() -> tuple[dict[str, int], dict[str, object]]:
        with zipfile.ZipFile(path) as zf:
            kinds = {i.filename: i.compress_type for i in zf.infolist()}
            return kinds, json.loads(zf.read("manifest.json"))

    kinds, manifest = await asyncio.to_thread(inspect)
    assert kinds["recordings/call-1.webm"] == zipfile.ZIP_STORED
    assert kinds["timeline.json"] == zipfile.ZIP_DEFLATED
    assert manifest["case_id"] == "case-1"
    files = manifest["files"]
    assert isinstance(files, dict) and len(files) == 7


async def test_reordered_lines_still_verify(bundle: tuple[Path, Ed25519PrivateKey]) -> None:
    path, _ = bundle
    out = path.with_name("reordered.zip")
    await asyncio.to_thread(rewrite, path, out, lines_edit(lambda lines: lines[::-1]))
    verdict = await asyncio.to_thread(verify_bundle, out)
    assert verdict.ok, verdict.problems


async def test_an_edited_file_is_named(bundle: tuple[Path, Ed25519PrivateKey]) -> None:
    path, _ = bundle
    out = path.with_name("edited.zip")

    def edit(name: str, data: bytes) -> bytes:
        return data.replace(b"Thanks", b"Thank$") if name == "timeline.json" else data

    await asyncio.to_thread(rewrite, path, out, edit, False)
    verdict = await asyncio.to_thread(verify_bundle, out)
    assert not verdict.ok
    assert verdict.problems == ["timeline.json: SHA-256 does not match the manifest"]


async def test_an_edited_entry_is_named_with_its_position(
    bundle: tuple[Path, Ed25519PrivateKey],
) -> None:
    path, _ = bundle
    out = path.with_name("entry.zip")

    def change(lines: list[bytes]) -> list[bytes]:
        lines[2] = lines[2].replace(b'\\"i\\":4', b'\\"i\\":5')
        return lines

    await asyncio.to_thread(rewrite, path, out, lines_edit(change))
    verdict = await asyncio.to_thread(verify_bundle, out)
    assert not verdict.ok
    assert any(
        "line 3" in p and "position 2" in p and "leaf hash does not match" in p
        for p in verdict.problems
    ), verdict.problems
    assert any("line 3" in p and "not included" in p for p in verdict.problems)
    assert any("breaks chain thread-a at position 2" in p for p in verdict.problems)


async def test_a_removed_entry_is_named(bundle: tuple[Path, Ed25519PrivateKey]) -> None:
    path, _ = bundle
    out = path.with_name("removed.zip")
    await asyncio.to_thread(rewrite, path, out, lines_edit(lambda lines: lines[:1] + lines[2:]))
    verdict = await asyncio.to_thread(verify_bundle, out)
    assert not verdict.ok
    assert len(verdict.problems) == 1
    assert "position 2" in verdict.problems[0] and "entries are missing" in verdict.problems[0]


async def test_a_re_signed_tree_head_needs_the_published_key(
    bundle: tuple[Path, Ed25519PrivateKey],
) -> None:
    """A forger who rewrites the log can sign a matching tree head with their own key and
    ship that key: the bundle is self-consistent, but not with the operator's key."""
    path, key = bundle
    forger = Ed25519PrivateKey.generate()
    out = path.with_name("forged.zip")

    def edit(name: str, data: bytes) -> bytes:
        if name == "audit/tree_head.json":
            sth = SignedTreeHead.from_json(json.loads(data))
            return json.dumps(
                sign_tree_head(forger, sth.tree_size, sth.root, sth.timestamp).to_json()
            ).encode()
        if name == "audit/public_key.pem":
            return public_key_pem(forger)
        return data

    await asyncio.to_thread(rewrite, path, out, edit)
    alone = await asyncio.to_thread(verify_bundle, out)
    assert alone.ok and alone.key_id == key_id(forger.public_key()) != key_id(key.public_key())
    checked = await asyncio.to_thread(verify_bundle, out, public_key_pem(key))
    assert not checked.ok
    assert checked.problems == [
        f"audit/tree_head.json: the signature does not verify with key {key_id(key.public_key())}"
    ]


async def test_a_changed_tree_head_or_another_published_head_fails(
    bundle: tuple[Path, Ed25519PrivateKey],
) -> None:
    path, key = bundle
    out = path.with_name("size.zip")

    def edit(name: str, data: bytes) -> bytes:
        if name == "audit/tree_head.json":
            head = json.loads(data)
            head["tree_size"] += 1
            return json.dumps(head).encode()
        return data

    await asyncio.to_thread(rewrite, path, out, edit)
    verdict = await asyncio.to_thread(verify_bundle, out)
    assert not verdict.ok
    assert "signature does not verify" in verdict.problems[0]
    other = sign_tree_head(key, 99, b"\1" * 32, 1)
    verdict = await asyncio.to_thread(verify_bundle, path, None, other)
    assert not verdict.ok and "is not the published tree head" in verdict.problems[0]


async def test_malformed_bundles_are_reported_not_raised(
    bundle: tuple[Path, Ed25519PrivateKey], tmp_path: Path
) -> None:
    path, _ = bundle
    junk = tmp_path / "junk.zip"
    await asyncio.to_thread(junk.write_bytes, b"not a zip")
    verdict = await asyncio.to_thread(verify_bundle, junk)
    assert not verdict.ok and "not a readable zip" in verdict.problems[0]

    bare = tmp_path / "bare.zip"
    await asyncio.to_thread(rewrite, path, bare, lambda n, d: None if n.startswith("audit/") else d)
    verdict = await asyncio.to_thread(verify_bundle, bare)
    assert not verdict.ok
    assert "audit/tree_head.json: missing, so no proof can be checked" in verdict.problems
    assert "audit/entries.jsonl: missing" in verdict.problems

    garbled = tmp_path / "garbled.zip"
    await asyncio.to_thread(
        rewrite, path, garbled, lines_edit(lambda lines: [b"{not json\n", *lines[1:]])
    )
    verdict = await asyncio.to_thread(verify_bundle, garbled)
    assert not verdict.ok
    assert verdict.problems[0].startswith("audit/entries.jsonl line 1: unreadable")

    def duplicate() -> None:
        with zipfile.ZipFile(path, "a") as zf, pytest.warns(UserWarning, match="Duplicate"):
            zf.writestr("calls.jsonl", b"{}\n")

    await asyncio.to_thread(duplicate)
    verdict = await asyncio.to_thread(verify_bundle, path)
    assert not verdict.ok and "calls.jsonl: appears more than once" in verdict.problems[0]


def test_the_writer_refuses_bad_or_repeated_names(tmp_path: Path) -> None:
    with (tmp_path / "w.zip").open("wb") as fh:
        writer = BundleWriter(fh)
        writer.add_bytes("a.txt", b"a")
        for name in ("a.txt", "manifest.json", "../evil", "/abs", ""):
            with pytest.raises(ValueError):
                writer.add_bytes(name, b"x")
        writer.finish()
    with zipfile.ZipFile(tmp_path / "w.zip") as zf:
        assert zf.namelist() == ["a.txt", "manifest.json"]
        assert json.loads(zf.read("manifest.json"))["files"] == {
            "a.txt": hashlib.sha256(b"a").hexdigest()
        }


async def test_a_signed_manifest_stops_the_careful_forger(
    signed_bundle: tuple[Path, Ed25519PrivateKey],
) -> None:
    """Recomputing the sums after editing the timeline passes an unsigned manifest, not a
    signed one; stripping the signature is visible in ``manifest_signed``."""
    path, key = signed_bundle
    verdict = await asyncio.to_thread(verify_bundle, path, public_key_pem(key))
    assert verdict.ok and verdict.manifest_signed, verdict.problems

    def edit(name: str, data: bytes) -> bytes:
        return data.replace(b"Thanks", b"Thank$") if name == "timeline.json" else data

    forged = path.with_name("forged-timeline.zip")
    await asyncio.to_thread(rewrite, path, forged, edit)
    verdict = await asyncio.to_thread(verify_bundle, forged)
    assert not verdict.ok
    assert verdict.problems == [
        f"manifest.sig: does not verify with key {key_id(key.public_key())}"
    ]
    stripped = path.with_name("stripped.zip")
    await asyncio.to_thread(
        rewrite, forged, stripped, lambda n, d: None if n == "manifest.sig" else d
    )
    verdict = await asyncio.to_thread(verify_bundle, stripped)
    assert verdict.ok and not verdict.manifest_signed


async def test_an_unsigned_manifest_is_reported_as_such(
    bundle: tuple[Path, Ed25519PrivateKey],
) -> None:
    path, _ = bundle
    verdict = await asyncio.to_thread(verify_bundle, path)
    assert verdict.ok and not verdict.manifest_signed


def flip_member_byte(path: Path, name: str, offset: int) -> None:
    """Flip one byte of a member's stored (possibly compressed) data inside the zip file."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    with path.open("r+b") as fh:
        fh.seek(info.header_offset + 26)
        name_len, extra_len = struct.unpack("<HH", fh.read(4))
        fh.seek(info.header_offset + 30 + name_len + extra_len + offset)
        byte = fh.read(1)
        fh.seek(-1, os.SEEK_CUR)
        fh.write(bytes([byte[0] ^ 0x01]))


@pytest.mark.parametrize(
    ("member", "offset"),
    [("recordings/call-1.webm", 1 << 20), ("audit/entries.jsonl", 5), ("timeline.json", 3)],
)
async def test_a_flipped_byte_inside_the_zip_is_named(
    bundle: tuple[Path, Ed25519PrivateKey], member: str, offset: int
) -> None:
    path, _ = bundle
    await asyncio.to_thread(flip_member_byte, path, member, offset)
    verdict = await asyncio.to_thread(verify_bundle, path)
    assert not verdict.ok
    assert verdict.problems[0].startswith(f"{member}: "), verdict.problems


async def test_a_flipped_proof_hash_root_or_sum_is_named(
    bundle: tuple[Path, Ed25519PrivateKey],
) -> None:
    path, _ = bundle

    def flip_hex(text: str) -> str:
        return ("1" if text[0] == "0" else "0") + text[1:]

    def proof_edit(lines: list[bytes]) -> list[bytes]:
        item = json.loads(lines[3])
        item["proof"][1] = flip_hex(item["proof"][1])
        lines[3] = json.dumps(item).encode() + b"\n"
        return lines

    out = path.with_name("proof.zip")
    await asyncio.to_thread(rewrite, path, out, lines_edit(proof_edit))
    verdict = await asyncio.to_thread(verify_bundle, out)
    assert len(verdict.problems) == 1, verdict.problems
    assert "line 4" in verdict.problems[0] and "position 3" in verdict.problems[0]
    assert "not included in the signed tree head" in verdict.problems[0]

    def root_edit(name: str, data: bytes) -> bytes:
        if name != "audit/tree_head.json":
            return data
        head = json.loads(data)
        head["root_hash"] = flip_hex(head["root_hash"])
        return json.dumps(head).encode()

    out = path.with_name("root.zip")
    await asyncio.to_thread(rewrite, path, out, root_edit)
    verdict = await asyncio.to_thread(verify_bundle, out)
    assert "audit/tree_head.json: the signature does not verify" in verdict.problems[0]
    # every entry's proof now leads elsewhere, and each one is named
    assert sum("not included" in p for p in verdict.problems) == 6

    def sum_edit(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["files"]["calls.jsonl"] = flip_hex(manifest["files"]["calls.jsonl"])
        return json.dumps(manifest).encode()

    out = path.with_name("sum.zip")
    await asyncio.to_thread(rewrite, path, out, sum_edit, False)
    verdict = await asyncio.to_thread(verify_bundle, out)
    assert verdict.problems == ["calls.jsonl: SHA-256 does not match the manifest"]


def build_from_evidence(
    path: Path, key: Ed25519PrivateKey, evidence: AuditEvidence, recording: Path
) -> None:
    with path.open("wb") as fh:
        writer = BundleWriter(fh)
        writer.add_bytes("timeline.json", b"{}")
        add_audit_evidence(writer, evidence, public_key_pem(key))
        writer.add_file("recordings/call-1.webm", recording)
        writer.finish({"case_id": "case-2"}, key)


async def test_a_bundle_from_the_live_log_verifies_and_shows_a_later_edit(
    store: SqlStore, tmp_path: Path
) -> None:
    import sqlalchemy as sa

    for i in range(9):
        await store.append_audit(THREAD if i % 3 else "thread-b", "message.created", "u1", {"i": i})
    await sequence_all(store)
    key = Ed25519PrivateKey.generate()
    live = log.LiveMerkleLog(page=4)
    rows = await store.audit_entries(THREAD)
    evidence = await live.evidence(store, rows, key)
    assert evidence.tree_head.tree_size == 9 and len(evidence.lines) == 6
    recording = tmp_path / "call-1.webm"
    path = tmp_path / "live.zip"

    def build(target: Path, ev: AuditEvidence) -> None:
        recording.write_bytes(b"\x1a\x45\xdf\xa3" + os.urandom(1000))
        build_from_evidence(target, key, ev, recording)

    await asyncio.to_thread(build, path, evidence)
    verdict = await asyncio.to_thread(verify_bundle, path, public_key_pem(key))
    assert verdict.ok and verdict.manifest_signed, verdict.problems
    assert verdict.checked == 5 + 6  # five files, six entries

    # Someone with database access rewrites a logged entry; the next export still carries the
    # leaf that was logged (and signed), so the edit is named, not laundered.
    async with store.engine.begin() as conn:
        await conn.execute(
            sa.text("UPDATE audit_log SET entry = :e WHERE id = :i"),
            {"e": rows[1].entry.replace('"i":2', '"i":3'), "i": rows[1].index},
        )
    edited_rows = await store.audit_entries(THREAD)
    later = tmp_path / "later.zip"
    await asyncio.to_thread(build, later, await live.evidence(store, edited_rows, key))
    verdict = await asyncio.to_thread(verify_bundle, later, public_key_pem(key))
    assert not verdict.ok
    assert verdict.problems[0].startswith(
        "audit/entries.jsonl line 2 (entry "
    ) and verdict.problems[0].endswith(
        "chain thread-a position 1): leaf hash does not match the entry"
    )


async def test_the_bundle_links_to_older_and_newer_published_heads(
    store: SqlStore, tmp_path: Path
) -> None:
    """A verifier holding only an hourly tree head (older or newer than the export) links it
    to the bundle's head with an RFC 6962 consistency proof."""
    key = Ed25519PrivateKey.generate()
    pem = public_key_pem(key)
    live = log.LiveMerkleLog(page=4)
    for i in range(5):
        await store.append_audit(THREAD, "message.created", "u1", {"i": i})
    await sequence_all(store)
    hourly = await live.tree_head(store, key)
    for i in range(5, 9):
        await store.append_audit("thread-b" if i % 2 else THREAD, "message.created", "u1", {"i": i})
    await sequence_all(store)
    rows = await store.audit_entries(THREAD)
    evidence = await live.evidence(store, rows, key, prove_from=[hourly.tree_size, 0, 99])
    assert [link.old_size for link in evidence.consistency] == [5]
    recording = tmp_path / "r.webm"
    path = tmp_path / "linked.zip"

    def build() -> None:
        recording.write_bytes(b"media")
        build_from_evidence(path, key, evidence, recording)

    await asyncio.to_thread(build)

    def verify(published: SignedTreeHead, proof: list[bytes] | None = None) -> list[str]:
        return verify_bundle(path, pem, published, proof).problems

    assert await asyncio.to_thread(verify, hourly) == []
    assert await asyncio.to_thread(verify, evidence.tree_head) == []
    # a head of another history at the same size, honestly signed, does not link
    other = sign_tree_head(key, 5, b"\7" * 32, hourly.timestamp)
    problems = await asyncio.to_thread(verify, other)
    assert problems == [
        "audit/consistency.json: the bundle's tree head does not extend the published one (size 5)"
    ]
    problems = await asyncio.to_thread(verify, sign_tree_head(key, 3, b"\7" * 32, 1))
    assert len(problems) == 1 and "has no proof from size 3" in problems[0]
    stranger = sign_tree_head(Ed25519PrivateKey.generate(), 5, hourly.root, 1)
    problems = await asyncio.to_thread(verify, stranger)
    assert problems[0].startswith("published tree head (size 5): the signature does not verify")

    # a later hourly head: the log's proof from the bundle's size links them
    for i in range(3):
        await store.append_audit("thread-c", "message.created", "u1", {"i": i})
    await sequence_all(store)
    later = await live.tree_head(store, key)
    cons = await live.consistency(store, 9, later.tree_size)
    raw = cons["proof"]
    assert isinstance(raw, list)
    proof = [bytes.fromhex(p) for p in raw]
    problems = await asyncio.to_thread(verify, later)
    assert (
        len(problems) == 1 and "pass the log's consistency proof from size 9 to 12" in problems[0]
    )
    assert await asyncio.to_thread(verify, later, proof) == []
    problems = await asyncio.to_thread(verify, later, proof[:-1])
    assert problems == [
        "audit/tree_head.json: the published tree head (size 12) does not extend the "
        "bundle's (size 9)"
    ]
