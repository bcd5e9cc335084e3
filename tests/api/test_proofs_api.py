"""Signed tree heads, inclusion/consistency proofs, and the evidence bundle verified offline."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from signaling.api.context import CTX
from signaling.api.proofs import PROOF_ROUTES
from signaling.audit.bundle import verify_bundle
from signaling.audit.tree_head import SignedTreeHead, load_public_key, verify_tree_head
from signaling.domain import merkle
from signaling.jobs import JOBS
from signaling.store.sql import SqlStore
from tests.api.conftest import Harness, HarnessFactory

AUDITOR = ("a1", "auditor")


async def seed(harness: Harness) -> dict[str, str]:
    thread = await harness.thread()
    for text in ("Hello!", "my email is lena.m@proton.me", "Thanks"):
        await harness.client.post(
            f"/api/threads/{thread['id']}/messages",
            json={"text": text},
            headers=harness.headers("f1", "freelancer"),
        )
    report = await harness.client.post(
        f"/api/threads/{thread['id']}/reports",
        json={"reason": "asked for my email"},
        headers=harness.headers("c1"),
    )
    await harness.integrate()  # the sequencer gives the entries their leaves
    return {"thread_id": thread["id"], "case_id": (await report.json())["case_id"]}


async def test_tree_head_and_proofs_verify(harness: Harness) -> None:
    await seed(harness)
    head = await (
        await harness.client.get("/api/audit/tree-head", headers=harness.headers(*AUDITOR))
    ).json()
    sth = SignedTreeHead.from_json(head)
    assert verify_tree_head(load_public_key(head["public_key_pem"].encode()), sth)
    forged = SignedTreeHead(
        sth.tree_size + 1, sth.root_hash, sth.timestamp, sth.signature, sth.key_id
    )
    assert not verify_tree_head(load_public_key(head["public_key_pem"].encode()), forged)
    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    third = (await store.audit_entries(None, limit=3))[-1].index  # ids keep counting on PG
    proof = await (
        await harness.client.get(
            "/api/audit/proofs/inclusion",
            params={"index": str(third)},
            headers=harness.headers(*AUDITOR),
        )
    ).json()
    tree = proof["tree_head"]
    leaf = merkle.leaf_hash(proof["entry"].encode())
    assert merkle.verify_inclusion(
        leaf,
        proof["leaf_index"],
        tree["tree_size"],
        [bytes.fromhex(p) for p in proof["proof"]],
        bytes.fromhex(tree["root_hash"]),
    )
    cons = await (
        await harness.client.get(
            "/api/audit/proofs/consistency",
            params={"first": "2", "second": str(sth.tree_size)},
            headers=harness.headers(*AUDITOR),
        )
    ).json()
    assert merkle.verify_consistency(
        2,
        sth.tree_size,
        bytes.fromhex(cons["first_root"]),
        bytes.fromhex(cons["second_root"]),
        [bytes.fromhex(p) for p in cons["proof"]],
    )
    bad = await harness.client.get(
        "/api/audit/proofs/consistency",
        params={"first": "5", "second": "2"},
        headers=harness.headers(*AUDITOR),
    )
    assert bad.status == 422


@pytest.mark.parametrize("role", ["client", "freelancer"])
async def test_proof_routes_are_for_auditors(harness: Harness, role: str) -> None:
    for route in PROOF_ROUTES:
        path = route.path.replace("{case_id}", "c").replace("{thread_id}", "t")
        resp = await harness.client.request(route.method, path, headers=harness.headers("u", role))
        assert resp.status == 403, path


def rewrite(src: Path, dst: Path, name: str, change: bytes) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == name:
                old, new = change.split(b"|", 1)
                data = data.replace(old, new)
            zout.writestr(item.filename, data)


def recompute_manifest(src: Path, dst: Path) -> None:
    """Re-sign nothing, but make the manifest match edited files (a careful forger)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        manifest = json.loads(zin.read("manifest.json"))
        for name in manifest["files"]:
            manifest["files"][name] = hashlib.sha256(zin.read(name)).hexdigest()
        for item in zin.infolist():
            payload = zin.read(item.filename)
            if item.filename == "manifest.json":
                payload = json.dumps(manifest).encode()
            zout.writestr(item.filename, payload)


async def test_bundle_verifies_offline_and_tampering_is_named(
    harness: Harness, tmp_path: Path
) -> None:
    ids = await seed(harness)
    await harness.integrate()
    resp = await harness.client.get(
        f"/api/audit/cases/{ids['case_id']}/bundle", headers=harness.headers(*AUDITOR)
    )
    assert resp.status == 200 and resp.content_type == "application/zip"
    bundle = tmp_path / "case.zip"
    data = await resp.read()
    await asyncio.to_thread(bundle.write_bytes, data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        timeline = json.loads(zf.read("timeline.json"))
    assert {
        "timeline.json",
        "timeline.html",
        "calls.jsonl",
        "audit/entries.jsonl",
        "audit/tree_head.json",
        "audit/public_key.pem",
        "manifest.json",
    } <= names
    assert any(
        m.get("original_text") == "my email is lena.m@proton.me" for m in timeline["messages"]
    )
    verdict = await asyncio.to_thread(verify_bundle, bundle)
    assert verdict.ok, verdict.problems
    assert verdict.checked > 5 and verdict.manifest_signed

    tampered = tmp_path / "tampered.zip"
    await asyncio.to_thread(rewrite, bundle, tampered, "timeline.json", b"Thanks|Thank$")
    verdict = await asyncio.to_thread(verify_bundle, tampered)
    assert not verdict.ok and "timeline.json" in verdict.problems[0]

    # an edited entry, even with the manifest recomputed, fails the proofs and the chain
    edited = tmp_path / "edited.zip"
    await asyncio.to_thread(
        rewrite, bundle, edited, "audit/entries.jsonl", b"thread.created|thread.CREATED"
    )
    fixed = tmp_path / "fixed.zip"
    await asyncio.to_thread(recompute_manifest, edited, fixed)
    verdict = await asyncio.to_thread(verify_bundle, fixed)
    assert not verdict.ok
    assert any("line 1" in p and "not included" in p for p in verdict.problems)


async def test_an_entry_not_yet_integrated_answers_409_with_retry_after(
    make_harness: HarnessFactory,
) -> None:
    """On PostgreSQL the log holds what the cluster's sequencer integrated: an entry still
    queued is a clear 409 problem (retry after the sequencer's interval), never a 500."""
    harness = await make_harness(
        audit_sequencer_interval_seconds=300, audit_sequencer_lease_seconds=600
    )
    # only the test integrates: the background loop's first round could otherwise come late,
    # after the message, on a loaded machine
    await harness.app[JOBS].stop("audit-sequencer")
    thread = await harness.thread()
    await harness.integrate()
    resp = await harness.client.post(
        f"/api/threads/{thread['id']}/messages",
        json={"text": "just sent"},
        headers=harness.headers("f1", "freelancer"),
    )
    assert resp.status in (200, 201)
    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    newest = (await store.audit_entries(thread["id"]))[-1]
    params = {"index": str(newest.index)}
    resp = await harness.client.get(
        "/api/audit/proofs/inclusion", params=params, headers=harness.headers(*AUDITOR)
    )
    if store.is_sqlite:  # one process: the in-process sequencer integrates on demand
        assert resp.status == 200
        return
    problem = await resp.json()
    assert resp.status == 409 and problem["code"] == "not_yet_integrated", problem
    assert problem["retry_after"] == 300 and "retry after 300 s" in problem["detail"]
    assert resp.headers["Retry-After"] == "300"
    await harness.integrate()
    resp = await harness.client.get(
        "/api/audit/proofs/inclusion", params=params, headers=harness.headers(*AUDITOR)
    )
    assert resp.status == 200
