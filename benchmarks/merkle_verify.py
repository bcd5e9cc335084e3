"""How long does it take to verify the global Merkle log of 1,000,000 audit entries?

Generates (untimed) N canonical-JSON audit entries shaped like the store's call records, then
times, in the same run:

- baseline: one plain ``hashlib.sha256`` over every entry (the floor for any hash log);
- full verification: leaf hash of every entry + the RFC 6962 root over them;
- 1,000 random inclusion proofs verified against that root (proofs made untimed);
- one consistency proof from a random older size to N;
- for information, the server's side: bulk-loading a ``MerkleLog``, growing one by one
  by single appends, and generating the proofs.

Run: ``.venv/bin/python benchmarks/merkle_verify.py [--entries 1000000] [--proofs 1000]``.
Target (issue 7): full verification of 1M entries in at most 5 s.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from signaling.domain import merkle
from signaling.domain.audit_chain import canonical_json

KINDS = ("audio", "video", "zoom")
END_REASONS = ("hangup", "timeout", "declined", "failed", "cancelled")


def generate(n: int, seed: int) -> list[bytes]:
    """Entries like ``call.ended`` rows of ``audit_log.entry`` (canonical JSON bytes)."""
    rng = random.Random(seed)
    entries = []
    for i in range(n):
        thread = rng.randrange(100_000)
        entries.append(
            canonical_json(
                {
                    "chain": f"t{thread:08d}",
                    "position": i // 100_000,
                    "type": "call.ended",
                    "actor": f"u{rng.randrange(200_000):07d}",
                    "at": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                    "data": {
                        "call_id": f"k{i:09d}",
                        "kind": KINDS[i % 3],
                        "duration_s": rng.randrange(3_600),
                        "end_reason": END_REASONS[i % 5],
                        "recorded": i % 4 == 0,
                    },
                }
            )
        )
    return entries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n = args.entries
    rng = random.Random(args.seed)

    began = time.perf_counter()
    entries = generate(n, args.seed)
    size = sum(map(len, entries))
    print(
        f"# {n:,} entries, {size / n:.0f} bytes on average, generated in "
        f"{time.perf_counter() - began:.1f} s; python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cpus, load {os.getloadavg()[0]:.2f}"
    )

    sha = hashlib.sha256
    began = time.perf_counter()
    for entry in entries:
        sha(entry).digest()
    baseline = time.perf_counter() - began

    began = time.perf_counter()
    leaves = [merkle.leaf_hash(entry) for entry in entries]
    leaf_time = time.perf_counter() - began
    began = time.perf_counter()
    root = merkle.root(leaves)
    tree_time = time.perf_counter() - began
    full = leaf_time + tree_time

    # The server's side (not part of verification): bulk-load the log, grow one by one, and
    # answer proofs from the stored perfect subtrees.
    began = time.perf_counter()
    tree = merkle.MerkleLog(leaves)
    build_time = time.perf_counter() - began
    assert tree.root == root
    began = time.perf_counter()
    grown = merkle.MerkleLog()
    for leaf in leaves:
        grown.append(leaf)
    append_time = time.perf_counter() - began
    assert grown.root == root
    del grown
    picks = [rng.randrange(n) for _ in range(args.proofs)]
    began = time.perf_counter()
    proofs = [(i, tree.inclusion_proof(i)) for i in picks]
    prove_time = time.perf_counter() - began
    old_size = rng.randrange(1, n) if n > 1 else 1
    old_root = tree.root_at(old_size)
    consistency = tree.consistency_proof(old_size)

    began = time.perf_counter()
    ok = all(merkle.verify_inclusion(leaves[i], i, n, proof, root) for i, proof in proofs)
    inclusion_time = time.perf_counter() - began
    began = time.perf_counter()
    ok = merkle.verify_consistency(old_size, n, old_root, root, consistency) and ok
    consistency_time = time.perf_counter() - began
    if not ok:
        print("a proof did not verify", file=sys.stderr)
        return 1

    total = full + inclusion_time + consistency_time
    print(f"baseline: plain SHA-256 of every entry            {baseline:8.3f} s")
    print(f"leaf hashes (SHA-256 of 0x00 || entry)            {leaf_time:8.3f} s")
    print(f"root over {n:,} leaves                       {tree_time:8.3f} s")
    print(
        f"full verification (leaves + root)                 {full:8.3f} s"
        f"  = {full / baseline:.2f}x the baseline   root {root.hex()[:16]}…"
    )
    print(
        f"{args.proofs:,} inclusion proofs verified                 {inclusion_time * 1e3:8.1f} ms"
        f"  ({inclusion_time / max(args.proofs, 1) * 1e6:.1f} µs each,"
        f" {len(proofs[0][1]) if proofs else 0} hashes)"
    )
    print(
        f"1 consistency proof {old_size:,} -> {n:,}          {consistency_time * 1e3:8.3f} ms"
        f"  ({len(consistency)} hashes)"
    )
    print(
        f"total                                             {total:8.3f} s"
        f"  = {total / baseline:.2f}x the baseline; target for 1M entries: <= 5 s "
        f"({'met' if n < 1_000_000 or total <= 5.0 else 'NOT met'})"
    )
    print("# the server's side, for information (not part of verification)")
    print(f"MerkleLog bulk load of {n:,} leaf hashes          {build_time:8.3f} s")
    print(
        f"{n:,} single appends                            {append_time:8.3f} s"
        f"  ({append_time / n * 1e6:.2f} µs each)"
    )
    print(f"{args.proofs:,} inclusion proofs generated                {prove_time * 1e3:8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
