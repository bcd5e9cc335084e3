"""Fixes found by ``tests/policy/learned/own_v6_probe.jsonl`` (570 messages in 14 codes written by
a helper who never ran the detector while writing; its first run is in that file's README entry).
Each positive fails on the rules before the fix; the negatives keep the fix to its shape."""

from __future__ import annotations

import pytest

from tests.policy.helpers import rule_labels, rule_spans


# A dot typed with a space before it between digit groups hides a number; it ends no sentence.
@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("mi número es 0532 .. 111 .. 22 .. 33, escríbeme", "0532 .. 111 .. 22 .. 33"),
        ("numara: 0532 . 111 . 22 . 33", "0532 . 111 . 22 . 33"),
        ("07 . 61 . 22 . 48 . 90 c'est mon portable", "07 . 61 . 22 . 48 . 90"),
        ("zadzwoń 601 .. 234 .. 567", "601 .. 234 .. 567"),
    ],
)
def test_spaced_dots_between_digit_groups(text: str, span: str) -> None:
    assert rule_spans(text, "phone") == [span]


# A dot right after a group, then a space, still ends a sentence.
@pytest.mark.parametrize(
    "text",
    [
        "I ordered 3. 12 arrived today, the rest next week.",
        "Punkte 1. 22 Seiten sind fertig.",
        "v2 .. 10 .. 3 is the range of versions we support",
    ],
)
def test_a_sentence_end_between_numbers_joins_nothing(text: str) -> None:
    assert "phone" not in rule_labels(text)
