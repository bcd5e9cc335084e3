"""Truncating a thread (its last messages, their audit entries, and ``last_seq``) is caught:
by ``audit verify`` against the published tree heads, and by any bundle exported afterwards,
whether the exporting process had logged the removed entries or not."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signaling.audit.bundle import BundleWriter, add_audit_evidence, verify_bundle
from signaling.audit.log import LiveMerkleLog
from signaling.audit.publish import HEADS_FILE, TreeHeadPublisher, read_heads
from signaling.audit.sequencer import sequence_all
from signaling.audit.tree_head import public_key_pem
from signaling.domain.messages import MessageKind, NewMessage
from signaling.store.sql import SqlStore


async def seed(store: SqlStore, messages: int = 5) -> str:
    """A thread with ``messages`` text messages, and another thread's traffic around it."""
    thread, _ = await store.create_thread(
        job_id="job-1", job_title="Logo", client_id="c1", freelancer_id="f1", actor_id="c1"
    )
    other, _ = await store.create_thread(
        job_id="job-2", job_title="Site", client_id="c2", freelancer_id="f2", actor_id="c2"
    )
    for i in range(messages):
        await store.append_message(
            NewMessage(thread.id, "f1", MessageKind.TEXT, {"text": f"message {i}"})
        )
        await store.append_message(
            NewMessage(other.id, "f2", MessageKind.TEXT, {"text": f"other {i}"})
        )
    await sequence_all(store)  # the sequencer integrates them into the log
    return thread.id


async def truncate(store: SqlStore, thread_id: str, drop: int) -> None:
    """What someone with write access to the database does to hide the last ``drop``
    messages: delete them and their audit entries, and lower ``last_seq``."""
    async with store.engine.begin() as conn:
        last_seq = (
            await conn.execute(
                sa.text("SELECT last_seq FROM threads WHERE id = :t"), {"t": thread_id}
            )
        ).scalar_one()
        last_position = (
            await conn.execute(
                sa.text("SELECT max(position) FROM audit_log WHERE chain = :t"), {"t": thread_id}
            )
        ).scalar_one()
        keep = last_seq - drop
        await conn.execute(
            sa.text("DELETE FROM messages WHERE thread_id = :t AND seq > :s"),
            {"t": thread_id, "s": keep},
        )
        await conn.execute(
            sa.text("DELETE FROM audit_log WHERE chain = :t AND position > :p"),
            {"t": thread_id, "p": last_position - drop},
        )
        await conn.execute(
            sa.text("UPDATE threads SET last_seq = :s WHERE id = :t"), {"t": thread_id, "s": keep}
        )


async def cli(data_dir: Path, database_url: str, *args: str) -> tuple[int, str]:
    """Run ``interview-server`` in a subprocess; returns its exit code and stdout (stderr,
    the log, goes into assertion messages only)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
    environ.update({"INTERVIEW_DATA_DIR": str(data_dir), "INTERVIEW_DATABASE_URL": database_url})
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "signaling",
        *args,
        env=environ,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    return proc.returncode, out.decode() + ("" if proc.returncode in (0, 1) else err.decode())


async def test_audit_verify_names_the_published_head_a_truncation_breaks(
    store: SqlStore, database_url: str, tmp_path: Path
) -> None:
    thread_id = await seed(store)
    code, out = await cli(tmp_path, database_url, "audit", "publish")
    assert code == 0, out
    head = json.loads(out.strip().splitlines()[-1])
    heads, problems = await asyncio.to_thread(read_heads, tmp_path / HEADS_FILE)
    assert problems == [] and [h.tree_size for h in heads] == [head["tree_size"]]

    code, out = await cli(tmp_path, database_url, "audit", "verify")
    assert code == 0, out
    assert "1 published tree heads match the log" in out

    await truncate(store, thread_id, 2)
    code, out = await cli(tmp_path, database_url, "audit", "verify")
    # the chains alone still look fine: that is what the published head is for
    assert f"ok      {thread_id}" in out and "2 of 2 chains verify" in out
    assert code == 1, out
    assert (
        f"BROKEN  published tree head of size {head['tree_size']} (signed " in out
        and "no longer matches the log" in out
    ), out

    # the marketplace's copy of the heads is checked too, even when the local file is gone
    copy = tmp_path / "marketplace-heads.jsonl"
    await asyncio.to_thread((tmp_path / HEADS_FILE).rename, copy)
    code, out = await cli(tmp_path, database_url, "audit", "verify", "--tree-heads", str(copy))
    assert code == 1 and f"published tree head of size {head['tree_size']}" in out, out
    code, out = await cli(
        tmp_path, database_url, "audit", "verify", "--tree-heads", str(tmp_path / "nope.jsonl")
    )
    assert code == 1 and "nope.jsonl: no such file" in out, out


def member(path: Path, name: str) -> dict[str, Any]:
    with zipfile.ZipFile(path) as zf:
        data: dict[str, Any] = json.loads(zf.read(name))
    return data


def write(path: Path, key: Ed25519PrivateKey, evidence: object) -> None:
    from signaling.audit.bundle import AuditEvidence

    assert isinstance(evidence, AuditEvidence)
    with path.open("wb") as fh:
        writer = BundleWriter(fh)
        writer.add_bytes("timeline.json", b"{}")
        add_audit_evidence(writer, evidence, public_key_pem(key))
        writer.finish({"case_id": "case-1"}, key)


async def test_bundles_exported_after_a_truncation_fail(
    store: SqlStore, database_url: str, tmp_path: Path
) -> None:
    key = Ed25519PrivateKey.generate()
    pem = public_key_pem(key)
    thread_id = await seed(store)
    running = LiveMerkleLog(page=7)
    publisher = TreeHeadPublisher(store, running, lambda: key, tmp_path / HEADS_FILE)
    head = await publisher.publish()
    assert head is not None
    await store.append_message(NewMessage(thread_id, "c1", MessageKind.TEXT, {"text": "later"}))
    await sequence_all(store)

    before = tmp_path / "before.zip"
    evidence = await running.chain_evidence(store, thread_id, key, publisher.latest)
    await asyncio.to_thread(write, before, key, evidence)
    verdict = await asyncio.to_thread(verify_bundle, before, pem, head)
    assert verdict.ok and verdict.manifest_signed, verdict.problems
    links = await asyncio.to_thread(member, before, "audit/consistency.json")
    manifest = await asyncio.to_thread(member, before, "manifest.json")
    assert links["published"]["root_hash"] == head.root_hash
    assert [p["old_size"] for p in links["proofs"]] == [head.tree_size]
    committed = manifest["chains"][thread_id]
    length = len(await store.audit_entries(thread_id))
    assert committed["length"] == length

    await truncate(store, thread_id, 3)  # two the published head covers, and "later"

    # 1. The running server had logged the removed entries: its export commits them.
    after_running = tmp_path / "after-running.zip"
    evidence = await running.chain_evidence(store, thread_id, key, publisher.latest)
    await asyncio.to_thread(write, after_running, key, evidence)
    problems = (await asyncio.to_thread(verify_bundle, after_running, pem)).problems
    assert problems == [
        f"audit/entries.jsonl: chain {thread_id} holds {length - 3} entries but the signed "
        f"manifest commits {length} (last hash {committed['head_hash'][:16]}…): logged "
        "entries were removed"
    ]

    # 2. A fresh process (a restart, or the CLI) reads the truncated store, where other
    # threads went on: its head no longer extends the published one, with or without that
    # head in hand.
    for i in range(3):
        await store.append_audit("thread-elsewhere", "test.event", "u1", {"i": i})
    await sequence_all(store)
    after_restart = tmp_path / "after-restart.zip"
    fresh = LiveMerkleLog()
    evidence = await fresh.chain_evidence(store, thread_id, key, publisher.latest)
    await asyncio.to_thread(write, after_restart, key, evidence)
    alone = (await asyncio.to_thread(verify_bundle, after_restart, pem)).problems
    assert alone == [
        f"audit/consistency.json: the bundle's tree head does not extend the latest published "
        f"tree head (size {head.tree_size}): entries it covers were changed or removed"
    ]
    with_head = (await asyncio.to_thread(verify_bundle, after_restart, pem, head)).problems
    assert "audit/consistency.json: the bundle's tree head does not extend the published one" in (
        " ".join(with_head)
    )
    # 3. Compared with the bundle made before, both name the chain that lost entries.
    for later in (after_running, after_restart):
        problems = (await asyncio.to_thread(verify_bundle, later, pem, None, None, before)).problems
        assert (
            f"chain {thread_id}: the earlier bundle before.zip committed {length} entries (last "
            f"hash {committed['head_hash'][:16]}…), this bundle holds {length - 3}: entries were "
            "removed"
        ) in problems, problems
    # 4. The same from the command line, with the published heads file and the key.
    key_file = tmp_path / "key.pem"
    await asyncio.to_thread(key_file.write_bytes, pem)
    verify = ("audit", "verify", "--public-key", str(key_file), "--bundle")
    code, out = await cli(tmp_path, database_url, *verify, str(before))
    assert code == 0 and "BROKEN" not in out, out
    code, out = await cli(
        tmp_path, database_url, *verify, str(after_restart), "--tree-head", str(publisher.path)
    )
    assert code == 1 and "does not extend the published one" in out, out
    code, out = await cli(
        tmp_path, database_url, *verify, str(after_running), "--earlier", str(before)
    )
    assert code == 1 and f"chain {thread_id}: the earlier bundle before.zip committed" in out
    assert fresh.anomalies == []  # the tail is gone, not reused
    assert running.anomalies == []


async def test_a_truncated_chain_that_grows_again_is_caught(
    store: SqlStore, tmp_path: Path
) -> None:
    """Deleting the tail and letting new messages reuse its positions: the live log notes the
    reused positions, and the earlier bundle's commitment no longer matches."""
    key = Ed25519PrivateKey.generate()
    pem = public_key_pem(key)
    thread_id = await seed(store, messages=3)
    live = LiveMerkleLog()
    length = len(await store.audit_entries(thread_id))
    before = tmp_path / "before.zip"
    await asyncio.to_thread(
        write, before, key, await live.chain_evidence(store, thread_id, key, None)
    )
    await truncate(store, thread_id, 2)
    for i in range(2):
        await store.append_message(
            NewMessage(thread_id, "f1", MessageKind.TEXT, {"text": f"replacement {i}"})
        )
    await sequence_all(store)
    after = tmp_path / "after.zip"
    await asyncio.to_thread(
        write, after, key, await live.chain_evidence(store, thread_id, key, None)
    )
    assert len(live.anomalies) == 1 and f"chain {thread_id}: row" in live.anomalies[0]
    assert (
        f"has position {length - 2}, but the log holds {length} entries of that chain"
        in live.anomalies[0]
    )
    problems = (await asyncio.to_thread(verify_bundle, after, pem, None, None, before)).problems
    assert problems == [
        f"chain {thread_id}: position {length - 1} is not the entry the earlier bundle "
        "before.zip committed: the chain was rewritten"
    ]
