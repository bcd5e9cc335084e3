"""Canonical JSON and the per-thread hash chain."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signaling.domain.audit_chain import (
    GENESIS_HASH,
    ChainVerdict,
    canonical_json,
    chain_hash,
    verify_chain,
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def test_canonical_form() -> None:
    entry = {"b": [1, 2.5, None, True], "a": {"z": "né ✓", "y": '\n"q"'}}
    assert canonical_json(entry) == (
        '{"a":{"y":"\\n\\"q\\"","z":"né ✓"},"b":[1,2.5,null,true]}'.encode()
    )
    assert canonical_json(entry) == canonical_json(dict(reversed(entry.items())))


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_canonical_json_is_a_fixed_point(value: Any) -> None:
    text = canonical_json(value)
    text.decode("utf-8")  # always valid UTF-8
    assert canonical_json(json.loads(text)) == text


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, {"x": [math.nan]}])
def test_nan_and_infinities_are_refused(bad: object) -> None:
    with pytest.raises(ValueError):
        canonical_json(bad)


def test_objects_json_cannot_hold_are_refused() -> None:
    with pytest.raises(TypeError):
        canonical_json({"when": object()})


def entry(position: int, text: str = "hi") -> dict[str, Any]:
    return {"chain": "t1", "position": position, "type": "message.created", "data": {"t": text}}


def build(n: int) -> list[tuple[dict[str, Any], str]]:
    chain = []
    prev = GENESIS_HASH
    for i in range(n):
        digest = chain_hash(prev, entry(i))
        chain.append((entry(i), digest))
        prev = digest
    return chain


def test_chain_hash_definition() -> None:
    first = entry(0)
    assert chain_hash(GENESIS_HASH, first) == (
        hashlib.sha256(b"\0" * 32 + canonical_json(first)).hexdigest()
    )
    for bad in ("", "00", "zz" * 32, GENESIS_HASH.upper().replace("0", "A"), "0" * 66):
        with pytest.raises(ValueError):
            chain_hash(bad, first)


def test_an_intact_chain_verifies() -> None:
    assert verify_chain(build(6)) == ChainVerdict(True, 6)
    assert verify_chain([]) == ChainVerdict(True, 0)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=20), st.data())
def test_tampering_is_named_at_its_index(n: int, data: st.DataObject) -> None:
    chain = build(n)
    i = data.draw(st.integers(min_value=0, max_value=n - 1))
    how = data.draw(st.sampled_from(["edit", "hash", "remove", "swap", "insert"]))
    tampered = list(chain)
    expected = i
    if how == "edit":
        tampered[i] = (entry(i, "changed"), chain[i][1])
    elif how == "hash":
        tampered[i] = (chain[i][0], "f" + chain[i][1][1:] if chain[i][1][0] != "f" else "0")
    elif how == "remove":
        del tampered[i]
        if i == n - 1:  # dropping the tail leaves a valid, shorter chain
            assert verify_chain(tampered) == ChainVerdict(True, n - 1)
            return
    elif how == "swap":
        if n < 2:
            return
        j = (i + 1) % n
        tampered[i], tampered[j] = tampered[j], tampered[i]
        expected = min(i, j)
    else:
        tampered.insert(i, (entry(i, "inserted"), chain[i][1]))
    verdict = verify_chain(tampered)
    assert not verdict.ok
    assert verdict.first_bad_index == expected and verdict.checked == expected
    assert verdict.reason == f"entry {expected}: hash mismatch"


def test_an_unserialisable_entry_is_a_verdict_not_an_exception() -> None:
    chain: list[tuple[dict[str, Any], str]] = [*build(2), ({"x": math.nan}, "00" * 32)]
    verdict = verify_chain(chain)
    assert not verdict.ok and verdict.first_bad_index == 2 and verdict.checked == 2
    assert verdict.reason.startswith("entry 2: not canonical JSON")
