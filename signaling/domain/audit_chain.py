"""Per-thread audit chains: canonical JSON and the hash chain. Pure, standard library only.

Each entry stores ``sha256(prev_hash || canonical_json(entry))``; the first entry's
``prev_hash`` is :data:`GENESIS_HASH`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "00" * 32


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no insignificant whitespace, UTF-8; NaN and infinities are refused."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def chain_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the previous hash's bytes followed by the entry's canonical JSON."""
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical_json(entry)).hexdigest()


@dataclass(frozen=True)
class ChainVerdict:
    ok: bool
    checked: int
    first_bad_index: int | None = None
    reason: str = ""


def verify_chain(entries: Iterable[tuple[Mapping[str, Any], str]]) -> ChainVerdict:
    """Recompute a chain of ``(entry, stored_hash)`` pairs and name the first broken one."""
    prev = GENESIS_HASH
    checked = 0
    for index, (entry, stored) in enumerate(entries):
        if chain_hash(prev, entry) != stored:
            return ChainVerdict(False, checked, index, f"entry {index}: hash mismatch")
        prev = stored
        checked += 1
    return ChainVerdict(True, checked)
