"""Evidence bundles: a zip an auditor can hand over, verifiable offline.

Layout:
- ``timeline.json`` / ``timeline.html``: the thread's timeline (originals of redacted and
  blocked messages included), as data and as a readable page;
- ``calls.jsonl``: the call records;
- ``audit/entries.jsonl``: one line per audit entry of the thread: ``{"id", "leaf_index",
  "entry", "hash", "prev_hash", "leaf_hash", "proof": [hex]}``;
- ``audit/tree_head.json`` and ``audit/public_key.pem``: the signed tree head the proofs are
  against, and the key that signed it;
- ``recordings/*``: the thread's recording files;
- ``manifest.json``: ``{"files": {name: sha256}}`` for every other file.

``verify_bundle`` checks the manifest, the tree head signature, every inclusion proof, and the
thread's hash chain, and names the first failure.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from signaling.audit.tree_head import SignedTreeHead, load_public_key, verify_tree_head
from signaling.domain import merkle
from signaling.domain.audit_chain import GENESIS_HASH, canonical_json, chain_hash


class BundleWriter:
    """Adds files to a ZIP64 archive in chunks, hashing as it goes (never whole in memory)."""

    def __init__(self, fileobj: IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.sums: dict[str, str] = {}

    def add_bytes(self, name: str, data: bytes) -> None:
        self._add(name, io.BytesIO(data))

    def add_file(self, name: str, path: Path) -> None:
        with path.open("rb") as fh:
            self._add(name, fh)

    def _add(self, name: str, source: IO[bytes]) -> None:
        digest = hashlib.sha256()
        with self._zip.open(name, "w", force_zip64=True) as out:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
        self.sums[name] = digest.hexdigest()

    def finish(self, extra: dict[str, Any] | None = None) -> None:
        manifest = {"files": dict(sorted(self.sums.items())), **(extra or {})}
        self._zip.writestr("manifest.json", json.dumps(manifest, indent=2))
        self._zip.close()


@dataclass
class BundleVerdict:
    ok: bool = True
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    def fail(self, problem: str) -> None:
        self.ok = False
        self.problems.append(problem)


def _member_sha256(zf: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with zf.open(name) as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def verify_bundle(path: Path, public_key_pem: bytes | None = None) -> BundleVerdict:
    """Verify a bundle offline (blocking; run it in a thread from async code)."""
    verdict = BundleVerdict()
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        if "manifest.json" not in names:
            verdict.fail("manifest.json is missing")
            return verdict
        manifest = json.loads(zf.read("manifest.json"))
        for name, expected in manifest["files"].items():
            if name not in names:
                verdict.fail(f"{name}: listed in the manifest but missing")
                continue
            if _member_sha256(zf, name) != expected:
                verdict.fail(f"{name}: SHA-256 does not match the manifest")
            verdict.checked += 1
        for name in names - set(manifest["files"]) - {"manifest.json"}:
            verdict.fail(f"{name}: not listed in the manifest")
        sth = SignedTreeHead.from_json(json.loads(zf.read("audit/tree_head.json")))
        pem = public_key_pem or zf.read("audit/public_key.pem")
        if not verify_tree_head(load_public_key(pem), sth):
            verdict.fail("audit/tree_head.json: the signature does not verify")
        top = bytes.fromhex(sth.root_hash)
        prev = GENESIS_HASH
        for number, line in enumerate(zf.read("audit/entries.jsonl").decode().splitlines(), 1):
            item = json.loads(line)
            where = f"audit/entries.jsonl line {number} (entry {item.get('id')})"
            leaf = merkle.leaf_hash(item["entry"].encode())
            if leaf.hex() != item["leaf_hash"]:
                verdict.fail(f"{where}: leaf hash does not match the entry")
            proof = [bytes.fromhex(p) for p in item["proof"]]
            if not merkle.verify_inclusion(leaf, item["leaf_index"], sth.tree_size, proof, top):
                verdict.fail(f"{where}: not included in the signed tree head")
            entry = json.loads(item["entry"])
            if item["prev_hash"] != prev or chain_hash(prev, entry) != item["hash"]:
                verdict.fail(
                    f"{where}: breaks the thread's hash chain at position {entry.get('position')}"
                )
            if canonical_json(entry).decode() != item["entry"]:
                verdict.fail(f"{where}: entry is not canonical JSON")
            prev = item["hash"]
            verdict.checked += 1
    return verdict
