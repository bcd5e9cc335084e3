"""Evidence bundles: a zip an auditor can hand over, verifiable offline.

Layout (ZIP64, every member listed in the manifest):

- ``timeline.json`` / ``timeline.html``: the thread's timeline (originals of redacted and
  blocked messages included), as data and as a readable page;
- ``calls.jsonl``: the call records, one JSON object a line;
- ``audit/entries.jsonl``: one line per audit entry (see :func:`audit_entry_line`)::

      {"id": row id, "leaf_index": i, "entry": "<canonical JSON>", "hash": hex,
       "prev_hash": hex, "leaf_hash": hex, "proof": [hex, ...]}

  ``entry`` is the exact text that was hashed, both as Merkle leaf ``i`` and in its chain:
  ``{"chain", "position", "type", "actor", "at", "data"}``;
- ``audit/tree_head.json``: the signed tree head every proof leads to;
- ``audit/public_key.pem``: the Ed25519 key that signed it (a verifier should rather use the
  operator's published key: a forger could ship their own);
- ``audit/consistency.json`` (present whenever a tree head had been published):
  ``{"to_size": n, "proofs": [{"old_size", "old_root", "proof": [hex]}], "published": head}``,
  the RFC 6962 consistency proof from the latest published tree head (``published``, as it was
  published) to the bundle's, so a verifier holding that head, or any copy of it, can link the
  two, and a log that lost entries the published head covers cannot produce a passing bundle;
- ``recordings/*``: the thread's recording files;
- ``manifest.json``: ``{"files": {name: sha256 hex}, "chains": {chain: {"length",
  "head_hash", "head_leaf_index"}}, ...}``: a sum for every other member, and each exported
  chain's length and last hash *as logged* (not as the store holds them now);
- ``manifest.sig`` (when the writer was given the key): ``{"key_id", "signature"}``, the
  base64 Ed25519 signature of :data:`MANIFEST_SIG_CONTEXT` followed by the exact bytes of
  ``manifest.json``, with the tree head's key. Without it, the manifest only catches
  accidents: whoever edits ``timeline.json`` can recompute its sum. The audit entries do not
  depend on it; they are bound to the signed tree head by their proofs.

:func:`verify_bundle` needs nothing but the zip, and ideally the operator's published key and
a published tree head: equal to the bundle's, older (a proof in ``audit/consistency.json``
links it) or newer (pass the log's consistency proof from the bundle's size to it), or an
earlier bundle of the same case (each chain it committed must still be there, unchanged).
It checks the manifest sums and signature, the tree head signature, each entry's leaf hash
and inclusion proof, every chain in position order from genesis against the manifest's
commitment, and the link to the latest published head the bundle names; it names the file,
line and chain position of each failure instead of stopping at the first one, and never raises
on a malformed bundle.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from signaling.audit.tree_head import (
    SignedTreeHead,
    key_id,
    load_public_key,
    verify_tree_head,
)
from signaling.domain import merkle
from signaling.domain.audit_chain import GENESIS_HASH, canonical_json, chain_hash
from signaling.domain.ports import AuditEntry

MANIFEST = "manifest.json"
MANIFEST_SIG = "manifest.sig"
# Domain separation: a manifest signature can never pass for a tree head signature (whose
# signed bytes are a JSON object) or the other way round.
MANIFEST_SIG_CONTEXT = b"interview-server evidence bundle manifest v1\n"
ENTRIES = "audit/entries.jsonl"
TREE_HEAD = "audit/tree_head.json"
CONSISTENCY = "audit/consistency.json"
PUBLIC_KEY = "audit/public_key.pem"
CHUNK = 1 << 20
# Already-compressed media gain nothing from deflate; storing them saves the CPU.
_STORED_SUFFIXES = frozenset({".webm", ".mkv", ".mp4", ".ogg", ".opus", ".m4a", ".zip"})


def audit_entry_line(
    entry: AuditEntry, leaf_index: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """One line of ``audit/entries.jsonl`` (newline included)."""
    return (
        json.dumps(
            {
                "id": entry.index,
                "leaf_index": leaf_index,
                "entry": entry.entry,
                "hash": entry.hash,
                "prev_hash": entry.prev_hash,
                "leaf_hash": leaf_hash.hex(),
                "proof": [p.hex() for p in proof],
            },
            ensure_ascii=False,
        )
        + "\n"
    ).encode()


@dataclass(frozen=True)
class ChainHead:
    """A chain's length and last entry as logged: what a bundle's signed manifest commits."""

    length: int
    head_hash: str
    leaf_index: int  # the Merkle leaf of the chain's last entry

    def to_json(self) -> dict[str, Any]:
        """The JSON form under ``chains`` in ``manifest.json``."""
        return {
            "length": self.length,
            "head_hash": self.head_hash,
            "head_leaf_index": self.leaf_index,
        }


@dataclass(frozen=True)
class AuditEvidence:
    """The audit part of a bundle: a signed tree head, and one ``audit/entries.jsonl`` line
    per entry (:func:`audit_entry_line`) whose proof leads to that head's root; consistency
    proofs from earlier heads, the exported chains' logged heads, and the latest published
    tree head (when there is one)."""

    tree_head: SignedTreeHead
    lines: tuple[bytes, ...]
    consistency: tuple[ConsistencyLink, ...] = ()
    chains: dict[str, ChainHead] = field(default_factory=dict)
    published: SignedTreeHead | None = None


@dataclass(frozen=True)
class ConsistencyLink:
    """A proof that the tree of ``old_size`` leaves (root ``old_root``) is a prefix of the
    bundle's tree head."""

    old_size: int
    old_root: bytes
    proof: tuple[bytes, ...]

    def to_json(self) -> dict[str, Any]:
        """The JSON form in ``audit/consistency.json``."""
        return {
            "old_size": self.old_size,
            "old_root": self.old_root.hex(),
            "proof": [p.hex() for p in self.proof],
        }


def add_audit_evidence(
    writer: BundleWriter, evidence: AuditEvidence, public_key_pem: bytes
) -> None:
    """Write ``audit/entries.jsonl``, ``audit/tree_head.json``, ``audit/public_key.pem``,
    ``audit/consistency.json`` (when there are proofs or a published head) and the chain
    commitments the manifest will carry."""
    writer.add_stream(ENTRIES, evidence.lines)
    writer.add_bytes(TREE_HEAD, json.dumps(evidence.tree_head.to_json(), indent=2).encode())
    writer.add_bytes(PUBLIC_KEY, public_key_pem)
    if evidence.consistency or evidence.published is not None:
        links: dict[str, Any] = {
            "to_size": evidence.tree_head.tree_size,
            "proofs": [link.to_json() for link in evidence.consistency],
        }
        if evidence.published is not None:
            links["published"] = evidence.published.to_json()
        writer.add_bytes(CONSISTENCY, json.dumps(links, indent=2).encode())
    if evidence.chains:
        writer.extra["chains"] = {
            chain: head.to_json() for chain, head in sorted(evidence.chains.items())
        }


class BundleWriter:
    """Adds members to a ZIP64 archive in chunks, hashing as it goes (never whole in memory).

    Blocking file I/O and compression: run it in a thread from async code. Call
    :meth:`finish` last; it writes ``manifest.json`` and closes the archive (not ``fileobj``).
    """

    def __init__(self, fileobj: IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.sums: dict[str, str] = {}
        self.extra: dict[str, Any] = {}  # manifest keys beside "files" (e.g. "chains")

    def add_bytes(self, name: str, data: bytes) -> None:
        """A member from bytes already in memory (small files: timeline, tree head)."""
        self._add(name, [data])

    def add_stream(self, name: str, chunks: Iterable[bytes]) -> None:
        """A member from an iterable of chunks (e.g. JSON lines produced one by one)."""
        self._add(name, chunks)

    def add_file(self, name: str, path: Path) -> None:
        """A member copied from a file, 1 MiB at a time."""
        with path.open("rb") as fh:
            self._add(name, iter(lambda: fh.read(CHUNK), b""))

    def _add(self, name: str, chunks: Iterable[bytes]) -> None:
        pure = PurePosixPath(name)
        if name in (MANIFEST, MANIFEST_SIG) or not name or pure.is_absolute() or ".." in pure.parts:
            raise ValueError(f"bad member name {name!r}")
        if name in self.sums:
            raise ValueError(f"{name} is already in the bundle")
        info = zipfile.ZipInfo(name)
        info.compress_type = (
            zipfile.ZIP_STORED if pure.suffix.lower() in _STORED_SUFFIXES else zipfile.ZIP_DEFLATED
        )
        digest = hashlib.sha256()
        with self._zip.open(info, "w", force_zip64=True) as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
        self.sums[name] = digest.hexdigest()

    def finish(
        self, extra: dict[str, Any] | None = None, signing_key: Ed25519PrivateKey | None = None
    ) -> None:
        """Write ``manifest.json`` (``extra`` keys beside ``files``), and ``manifest.sig`` when
        given the tree heads' signing key, then close the archive."""
        manifest = {**self.extra, **(extra or {}), "files": dict(sorted(self.sums.items()))}
        data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        self._zip.writestr(MANIFEST, data)
        if signing_key is not None:
            signature = signing_key.sign(MANIFEST_SIG_CONTEXT + data)
            sig = {
                "key_id": key_id(signing_key.public_key()),
                "signature": base64.b64encode(signature).decode(),
            }
            self._zip.writestr(MANIFEST_SIG, json.dumps(sig, indent=2))
        self._zip.close()


@dataclass(frozen=True)
class BundleVerdict:
    """What :func:`verify_bundle` found. ``checked`` counts files and entries checked;
    ``key_id`` names the key the tree head was verified with (compare it with the
    operator's published key when the bundle's own key was used); ``manifest_signed`` says
    whether a valid ``manifest.sig`` covers the non-audit files too. ``problems[0]`` is the
    first failure, each naming its file (and line and chain position for entries)."""

    ok: bool
    checked: int
    problems: list[str] = field(default_factory=list)
    tree_head: SignedTreeHead | None = None
    key_id: str | None = None
    manifest_signed: bool = False


@dataclass
class _Link:
    """One entry as seen by the chain check."""

    position: int
    prev_hash: str
    stored_hash: str
    recomputed: str
    where: str


@dataclass
class _Check:
    problems: list[str] = field(default_factory=list)
    checked: int = 0
    sth: SignedTreeHead | None = None
    key_id: str | None = None
    manifest_signed: bool = False
    chains: dict[str, list[_Link]] = field(default_factory=dict)
    manifest: dict[str, Any] | None = None
    links: dict[int, ConsistencyLink] | None = None  # audit/consistency.json, once read
    published: SignedTreeHead | None = None  # the latest published head it names
    file_hashes: set[str] = field(default_factory=set)  # SHA-256 of files the entries log


def _check_files(check: _Check) -> None:
    """Every attached file (``files/…``) is one whose SHA-256 an audit entry logged."""
    files = (check.manifest or {}).get("files", {})
    for name, sha256 in sorted(files.items()):
        if name.startswith("files/") and sha256 not in check.file_hashes:
            check.problems.append(f"{name}: no audit entry logs a file with this SHA-256")


# What zipfile raises for a member whose bytes were damaged inside the archive (bad CRC,
# broken deflate stream, truncated data).
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError)


def _member_sha256(zf: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with zf.open(name) as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _read(zf: zipfile.ZipFile, name: str, check: _Check) -> bytes | None:
    """A small member's bytes, or None with the damage named."""
    try:
        return zf.read(name)
    except _DAMAGED as exc:
        check.problems.append(f"{name}: damaged inside the zip ({exc})")
        return None


def _check_manifest(zf: zipfile.ZipFile, names: list[str], check: _Check) -> bytes | None:
    """Check every sum; returns the manifest's bytes (for its signature) if it was readable."""
    if MANIFEST not in names:
        check.problems.append(f"{MANIFEST}: missing")
        return None
    data = _read(zf, MANIFEST, check)
    if data is None:
        return None
    try:
        manifest = json.loads(data)
        files = manifest["files"]
        if not isinstance(files, dict):
            raise TypeError("files is not an object")
    except (ValueError, KeyError, TypeError) as exc:
        check.problems.append(f"{MANIFEST}: unreadable ({exc})")
        return None
    check.manifest = manifest
    present = set(names)
    for name, expected in files.items():
        if name not in present:
            check.problems.append(f"{name}: listed in the manifest but missing")
            continue
        try:
            actual = _member_sha256(zf, name)
        except _DAMAGED as exc:
            check.problems.append(f"{name}: damaged inside the zip ({exc})")
            continue
        if actual != expected:
            check.problems.append(f"{name}: SHA-256 does not match the manifest")
        check.checked += 1
    for name in sorted(present - set(files) - {MANIFEST, MANIFEST_SIG}):
        check.problems.append(f"{name}: not listed in the manifest")
    return data


def _check_manifest_signature(
    zf: zipfile.ZipFile,
    names: list[str],
    manifest: bytes | None,
    public: Ed25519PublicKey | None,
    check: _Check,
) -> None:
    """An absent ``manifest.sig`` is not a failure (``manifest_signed`` stays False); a
    present one must verify with the tree head's key."""
    if MANIFEST_SIG not in names or manifest is None or public is None:
        return
    data = _read(zf, MANIFEST_SIG, check)
    if data is None:
        return
    try:
        sig = json.loads(data)
        signature = base64.b64decode(sig["signature"], validate=True)
        public.verify(signature, MANIFEST_SIG_CONTEXT + manifest)
    except (ValueError, KeyError, TypeError, binascii.Error, InvalidSignature):
        check.problems.append(f"{MANIFEST_SIG}: does not verify with key {key_id(public)}")
        return
    check.manifest_signed = True


def _load_key(
    zf: zipfile.ZipFile, names: list[str], public_key_pem: bytes | None, check: _Check
) -> Ed25519PublicKey | None:
    """The given (published) key, else the bundle's own, recorded in ``check.key_id``."""
    pem = public_key_pem
    if pem is None:
        if PUBLIC_KEY not in names:
            check.problems.append(f"{PUBLIC_KEY}: missing and no public key was given")
            return None
        pem = _read(zf, PUBLIC_KEY, check)
        if pem is None:
            return None
    try:
        public = load_public_key(pem)
    except ValueError as exc:
        check.problems.append(f"public key: {exc}")
        return None
    check.key_id = key_id(public)
    return public


def _load_tree_head(
    zf: zipfile.ZipFile,
    names: list[str],
    public: Ed25519PublicKey | None,
    published: SignedTreeHead | None,
    published_proof: Sequence[bytes] | None,
    check: _Check,
) -> None:
    if TREE_HEAD not in names:
        check.problems.append(f"{TREE_HEAD}: missing, so no proof can be checked")
        return
    data = _read(zf, TREE_HEAD, check)
    if data is None:
        return
    try:
        sth = SignedTreeHead.from_json(json.loads(data))
    except ValueError as exc:
        check.problems.append(f"{TREE_HEAD}: unreadable ({exc})")
        return
    if public is not None and not verify_tree_head(public, sth):
        check.problems.append(f"{TREE_HEAD}: the signature does not verify with key {check.key_id}")
    check.sth = sth
    if published is not None:
        _check_published(zf, names, public, sth, published, published_proof, check)


def _links(zf: zipfile.ZipFile, names: list[str], check: _Check) -> dict[int, ConsistencyLink]:
    """The bundle's consistency proofs by old size (empty if it has none); also records the
    published head the file names in ``check.published``."""
    if check.links is not None:
        return check.links
    check.links = {}
    if CONSISTENCY not in names:
        return check.links
    data = _read(zf, CONSISTENCY, check)
    if data is None:
        return check.links
    try:
        raw = json.loads(data)
        links = {}
        for item in raw["proofs"]:
            link = ConsistencyLink(
                int(item["old_size"]),
                bytes.fromhex(item["old_root"]),
                tuple(bytes.fromhex(p) for p in item["proof"]),
            )
            links[link.old_size] = link
        if check.sth is not None and raw["to_size"] != check.sth.tree_size:
            raise ValueError(f"to_size {raw['to_size']} is not the tree head's size")
        published = (
            SignedTreeHead.from_json(raw["published"]) if raw.get("published") is not None else None
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        check.problems.append(f"{CONSISTENCY}: unreadable ({exc})")
        return check.links
    check.links = links
    check.published = published
    return links


def _check_bundled_published(
    zf: zipfile.ZipFile, names: list[str], public: Ed25519PublicKey | None, check: _Check
) -> None:
    """The latest published head named in ``audit/consistency.json`` must carry the key's
    signature and be a prefix of the bundle's tree head (by the proof from its size)."""
    _links(zf, names, check)
    published, sth = check.published, check.sth
    if published is None or sth is None:
        return
    what = f"the latest published tree head (size {published.tree_size})"
    if public is not None and not verify_tree_head(public, published):
        check.problems.append(
            f"{CONSISTENCY}: {what}: the signature does not verify with key {check.key_id}"
        )
        return
    if published.tree_size > sth.tree_size:
        check.problems.append(
            f"{CONSISTENCY}: the bundle's tree head (size {sth.tree_size}) is smaller than "
            f"{what}: entries the published head covers are gone from the log"
        )
        return
    if published.tree_size == sth.tree_size:
        if published.root_hash != sth.root_hash:
            check.problems.append(
                f"{CONSISTENCY}: the bundle's tree head has {what}'s size but another root: "
                "the log was changed"
            )
        return
    link = (check.links or {}).get(published.tree_size)
    if link is None:
        check.problems.append(f"{CONSISTENCY}: no proof from {what}")
    elif link.old_root != published.root or not merkle.verify_consistency(
        published.tree_size, sth.tree_size, published.root, sth.root, link.proof
    ):
        check.problems.append(
            f"{CONSISTENCY}: the bundle's tree head does not extend {what}: entries it covers "
            "were changed or removed"
        )


def _check_commitments(check: _Check) -> None:
    """Each chain the signed manifest commits holds exactly the committed entries, ending
    with the committed hash; and every exported chain is committed (when the manifest
    commits any: bundles from before the commitments have none)."""
    commits = (check.manifest or {}).get("chains")
    if commits is None:
        return
    if not isinstance(commits, dict):
        check.problems.append(f"{MANIFEST}: chains is not an object")
        return
    for chain, commit in sorted(commits.items()):
        try:
            length, head = int(commit["length"]), str(commit["head_hash"])
        except (KeyError, TypeError, ValueError) as exc:
            check.problems.append(
                f"{MANIFEST}: the commitment of chain {chain} is unreadable ({exc})"
            )
            continue
        links = sorted(check.chains.get(chain, []), key=lambda link: link.position)
        if len(links) < length:
            check.problems.append(
                f"{ENTRIES}: chain {chain} holds {len(links)} entries but the signed manifest "
                f"commits {length} (last hash {head[:16]}…): logged entries were removed"
            )
        elif len(links) > length:
            check.problems.append(
                f"{ENTRIES}: chain {chain} holds {len(links)} entries but the signed manifest "
                f"commits {length}"
            )
        elif length and links[-1].stored_hash != head:
            check.problems.append(
                f"{ENTRIES}: chain {chain} ends with another entry than the signed manifest "
                f"commits (position {length - 1}, hash {head[:16]}…)"
            )
    for chain in sorted(set(check.chains) - set(commits)):
        check.problems.append(f"{ENTRIES}: chain {chain} is not committed in the manifest")


def _check_earlier(earlier: Path, public: Ed25519PublicKey | None, check: _Check) -> None:
    """Compare with a bundle of the same case exported before: the log may only have grown,
    and every chain the earlier bundle committed must still be there, unchanged."""
    name = f"earlier bundle {earlier.name}"
    try:
        with zipfile.ZipFile(earlier) as zf:
            manifest_bytes = zf.read(MANIFEST)
            names = zf.namelist()
            signature = zf.read(MANIFEST_SIG) if MANIFEST_SIG in names else None
            head = SignedTreeHead.from_json(json.loads(zf.read(TREE_HEAD)))
        manifest = json.loads(manifest_bytes)
        commits = manifest.get("chains") or {}
        if not isinstance(commits, dict):
            raise TypeError("chains is not an object")
    except (OSError, KeyError, ValueError, TypeError, *_DAMAGED) as exc:
        check.problems.append(f"{name}: unreadable ({exc})")
        return
    if public is not None:
        if signature is None:
            check.problems.append(f"{name}: its manifest is not signed")
            return
        try:
            sig = json.loads(signature)
            public.verify(
                base64.b64decode(sig["signature"], validate=True),
                MANIFEST_SIG_CONTEXT + manifest_bytes,
            )
        except (ValueError, KeyError, TypeError, binascii.Error, InvalidSignature):
            check.problems.append(f"{name}: {MANIFEST_SIG} does not verify with key {check.key_id}")
            return
        if not verify_tree_head(public, head):
            check.problems.append(f"{name}: its tree head does not verify with key {check.key_id}")
            return
    sth = check.sth
    if sth is not None:
        if head.tree_size > sth.tree_size:
            check.problems.append(
                f"{TREE_HEAD}: size {sth.tree_size} is smaller than the {name}'s "
                f"({head.tree_size}): the log lost entries"
            )
        elif head.tree_size == sth.tree_size and head.root_hash != sth.root_hash:
            check.problems.append(f"{TREE_HEAD}: same size as the {name}'s, another root")
    for chain, commit in sorted(commits.items()):
        try:
            length, last = int(commit["length"]), str(commit["head_hash"])
        except (KeyError, TypeError, ValueError):
            check.problems.append(f"{name}: the commitment of chain {chain} is unreadable")
            continue
        links = sorted(check.chains.get(chain, []), key=lambda link: link.position)
        if len(links) < length:
            check.problems.append(
                f"chain {chain}: the {name} committed {length} entries (last hash "
                f"{last[:16]}…), this bundle holds {len(links)}: entries were removed"
            )
        elif length and links[length - 1].stored_hash != last:
            check.problems.append(
                f"chain {chain}: position {length - 1} is not the entry the {name} committed: "
                "the chain was rewritten"
            )


def _check_published(
    zf: zipfile.ZipFile,
    names: list[str],
    public: Ed25519PublicKey | None,
    sth: SignedTreeHead,
    published: SignedTreeHead,
    published_proof: Sequence[bytes] | None,
    check: _Check,
) -> None:
    """Link the bundle's tree head to one the verifier got independently: same head, or an
    RFC 6962 consistency proof from the smaller to the larger."""
    if public is not None and not verify_tree_head(public, published):
        check.problems.append(
            f"published tree head (size {published.tree_size}): the signature does not verify "
            f"with key {check.key_id}"
        )
    mismatch = (
        f"{TREE_HEAD}: size {sth.tree_size} root {sth.root_hash[:16]}… is not the published "
        f"tree head (size {published.tree_size} root {published.root_hash[:16]}…)"
    )
    if published.tree_size == sth.tree_size:
        if published.root_hash != sth.root_hash:
            check.problems.append(f"{mismatch}: same size, different roots")
        return
    if published.tree_size < sth.tree_size:
        link = _links(zf, names, check).get(published.tree_size)
        if link is None:
            check.problems.append(
                f"{mismatch}, and {CONSISTENCY} has no proof from size {published.tree_size}"
            )
        elif link.old_root != published.root or not merkle.verify_consistency(
            published.tree_size, sth.tree_size, published.root, sth.root, link.proof
        ):
            check.problems.append(
                f"{CONSISTENCY}: the bundle's tree head does not extend the published one "
                f"(size {published.tree_size})"
            )
        return
    if published_proof is None:
        check.problems.append(
            f"{mismatch}; pass the log's consistency proof from size {sth.tree_size} "
            f"to {published.tree_size}"
        )
    elif not merkle.verify_consistency(
        sth.tree_size, published.tree_size, sth.root, published.root, published_proof
    ):
        check.problems.append(
            f"{TREE_HEAD}: the published tree head (size {published.tree_size}) does not "
            f"extend the bundle's (size {sth.tree_size})"
        )


def _check_line(number: int, line: str, sth: SignedTreeHead | None, check: _Check) -> None:
    where = f"{ENTRIES} line {number}"
    try:
        item = json.loads(line)
        text = item["entry"]
        leaf_index = item["leaf_index"] if "leaf_index" in item else item["index"]
        proof = [bytes.fromhex(p) for p in item["proof"]]
        stored_leaf, stored_hash, prev_hash = item["leaf_hash"], item["hash"], item["prev_hash"]
        entry = json.loads(text)
        chain, position = entry["chain"], entry["position"]
        if not isinstance(text, str) or not isinstance(leaf_index, int):
            raise TypeError("entry must be a string and leaf_index an integer")
        if not isinstance(chain, str) or not isinstance(position, int):
            raise TypeError("the entry's chain must be a string and position an integer")
        recomputed = chain_hash(prev_hash, entry)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        check.problems.append(f"{where}: unreadable ({exc})")
        return
    where = f"{where} (entry {item.get('id', leaf_index)}, chain {chain} position {position})"
    leaf = merkle.leaf_hash(text.encode())
    if leaf.hex() != stored_leaf:
        check.problems.append(f"{where}: leaf hash does not match the entry")
    if sth is not None and not merkle.verify_inclusion(
        leaf, leaf_index, sth.tree_size, proof, sth.root
    ):
        check.problems.append(f"{where}: not included in the signed tree head")
    if canonical_json(entry).decode() != text:
        check.problems.append(f"{where}: entry is not canonical JSON")
    data = entry.get("data")
    attached = data.get("file") if isinstance(data, dict) else None
    if isinstance(attached, dict) and isinstance(attached.get("sha256"), str):
        check.file_hashes.add(attached["sha256"])
    check.chains.setdefault(chain, []).append(
        _Link(position, prev_hash, stored_hash, recomputed, where)
    )
    check.checked += 1


def _check_chains(check: _Check) -> None:
    """Each chain in position order from genesis: no gap, each link to the previous hash,
    each stored hash recomputed."""
    for chain in sorted(check.chains):
        links = sorted(check.chains[chain], key=lambda link: link.position)
        prev = GENESIS_HASH
        expected_position = 0
        for link in links:
            if link.position != expected_position:
                missing = (
                    "appears twice"
                    if link.position < expected_position
                    else f"follows position {expected_position - 1}: entries are missing"
                )
                check.problems.append(f"{link.where}: breaks chain {chain}; it {missing}")
                break
            if link.prev_hash != prev:
                check.problems.append(
                    f"{link.where}: breaks chain {chain} at position {link.position} "
                    "(prev_hash is not the previous entry's hash)"
                )
                break
            if link.recomputed != link.stored_hash:
                check.problems.append(
                    f"{link.where}: breaks chain {chain} at position {link.position} "
                    "(hash does not match the entry)"
                )
                break
            prev = link.stored_hash
            expected_position += 1


def _check_entries(zf: zipfile.ZipFile, check: _Check) -> None:
    number = 0
    try:
        with zf.open(ENTRIES) as raw:
            for number, line in enumerate(io.TextIOWrapper(raw, encoding="utf-8"), 1):
                if line.strip():
                    _check_line(number, line, check.sth, check)
    except _DAMAGED as exc:
        check.problems.append(f"{ENTRIES}: damaged inside the zip after line {number} ({exc})")
        return
    except UnicodeDecodeError as exc:
        # The wrapper decodes ahead in blocks, so the line is where reading stopped.
        check.problems.append(f"{ENTRIES}: not UTF-8 after line {number} ({exc})")
        return
    _check_chains(check)


def verify_bundle(
    zip_path: Path,
    public_key_pem: bytes | None = None,
    published: SignedTreeHead | None = None,
    published_proof: Sequence[bytes] | None = None,
    earlier: Path | None = None,
) -> BundleVerdict:
    """Verify a bundle offline; blocking (run it in a thread from async code).

    ``public_key_pem`` is the operator's published key (else the bundle's own is used and
    named in ``key_id``). ``published`` is a tree head obtained independently: the bundle's
    must equal it, extend it (a proof from its size in ``audit/consistency.json``), or be
    extended by it (``published_proof``: the log's consistency proof from the bundle's size
    to the published one). ``earlier`` is a bundle of the same case exported before this one.
    """
    check = _Check()
    try:
        with zipfile.ZipFile(zip_path) as zf:
            names = zf.namelist()
            for name in sorted(n for n, count in Counter(names).items() if count > 1):
                check.problems.append(f"{name}: appears more than once in the zip")
            manifest = _check_manifest(zf, names, check)
            public = _load_key(zf, names, public_key_pem, check)
            _check_manifest_signature(zf, names, manifest, public, check)
            _load_tree_head(zf, names, public, published, published_proof, check)
            _check_bundled_published(zf, names, public, check)
            if ENTRIES not in names:
                check.problems.append(f"{ENTRIES}: missing")
            else:
                _check_entries(zf, check)
                _check_commitments(check)
                _check_files(check)
            if earlier is not None:
                _check_earlier(earlier, public, check)
    except (OSError, zipfile.BadZipFile) as exc:
        check.problems.append(f"{zip_path.name}: not a readable zip ({exc})")
    return BundleVerdict(
        ok=not check.problems,
        checked=check.checked,
        problems=check.problems,
        tree_head=check.sth,
        key_id=check.key_id,
        manifest_signed=check.manifest_signed,
    )
