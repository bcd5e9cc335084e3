"""Per-thread audit chains: canonical JSON and the hash chain. Pure, standard library only.

Each entry stores ``sha256(prev_hash || canonical_json(entry))`` as lower-case hex; the first
entry's ``prev_hash`` is :data:`GENESIS_HASH` (32 zero bytes). :func:`canonical_json` is the
one serialisation of an entry: the per-thread chain hashes it, and its bytes are the entry's
Merkle leaf (``signaling.domain.merkle``).

The canonical form is Python's ``json`` with sorted keys, no insignificant whitespace, UTF-8
output with non-ASCII characters unescaped, and NaN/infinities refused. It is not RFC 8785
(JCS): floats use Python's shortest repr. A verifier never needs to re-serialise, though:
the stored text *is* what was hashed, and ``canonical_json(json.loads(text)) == text`` only
confirms it was written by this code.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "00" * 32

_HEX64 = re.compile(r"[0-9a-f]{64}")


# one encoder for every call (``json.dumps`` with options builds a new one each time: a
# quarter of the cost for the small objects of the audit chain and the event feed)
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no insignificant whitespace, UTF-8; NaN and infinities are refused
    (``ValueError``), as is anything JSON cannot hold (``TypeError``)."""
    return _CANONICAL.encode(obj).encode("utf-8")


def chain_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the previous hash's 32 bytes followed by the entry's canonical JSON.

    ``ValueError`` unless ``prev_hash`` is 64 lower-case hex digits.
    """
    if not isinstance(prev_hash, str) or not _HEX64.fullmatch(prev_hash):
        raise ValueError("prev_hash must be 64 lower-case hex digits")
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_json(entry)).hexdigest()


@dataclass(frozen=True)
class ChainVerdict:
    """The result of :func:`verify_chain`: ``checked`` entries verified before the first bad
    one (all of them when ``ok``), whose index and reason are given otherwise."""

    ok: bool
    checked: int
    first_bad_index: int | None = None
    reason: str = ""


def verify_chain(entries: Iterable[tuple[Mapping[str, Any], str]]) -> ChainVerdict:
    """Recompute a chain of ``(entry, stored_hash)`` pairs from genesis, in order, and name
    the first broken one (an edited, removed, inserted or reordered entry breaks the link at
    its index). Never raises for bad entries: they are the verdict."""
    prev = GENESIS_HASH
    checked = 0
    for index, (entry, stored) in enumerate(entries):
        try:
            recomputed = chain_hash(prev, entry)
        except (ValueError, TypeError) as exc:
            return ChainVerdict(False, checked, index, f"entry {index}: not canonical JSON ({exc})")
        if recomputed != stored:
            return ChainVerdict(False, checked, index, f"entry {index}: hash mismatch")
        prev = stored
        checked += 1
    return ChainVerdict(True, checked)
