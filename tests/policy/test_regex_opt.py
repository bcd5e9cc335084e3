"""The alternation optimiser changes how fast a pattern runs, never what it matches."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signaling.policy.detect import lexicon  # noqa: F401  (compiles every pattern)
from signaling.policy.detect.regex_opt import (
    COMPILED,
    StartScan,
    first_char_lookahead,
    literal_starts,
    optimize,
)
from signaling.policy.detect.views import build_views

HERE = Path(__file__).resolve().parent
SAMPLES = [
    view
    for path in ("dev_v2.jsonl", "heldout_style.jsonl", "extra_cases.jsonl")
    for line in (HERE / path).read_text(encoding="utf-8").splitlines()
    for views in [build_views(json.loads(line)["text"])]
    for view in (views.norm.s, views.deob.s, views.digits.s)
]


@pytest.mark.parametrize(("source", "fast"), COMPILED, ids=lambda x: str(hash(x))[-6:])
def test_optimised_pattern_matches_the_same_spans(source: str, fast: re.Pattern[str]) -> None:
    slow = re.compile(source, fast.flags)
    for text in SAMPLES:
        assert [m.span() for m in slow.finditer(text)] == [m.span() for m in fast.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab c.@-", max_size=30))
def test_grouping_and_distribution_keep_matches(text: str) -> None:
    source = r"\b(?:ab|a c|(?:b|c)a|[ab]\.|\ba-b|ac|bb|ca\b|c@)"
    fast = re.compile(optimize(source))
    slow = re.compile(source)
    assert [m.span() for m in slow.finditer(text)] == [m.span() for m in fast.finditer(text)]


def test_optimised_alternation_starts_with_literals() -> None:
    assert optimize(r"\b(?:pay|paid|zelle|venmo|wise|upi|gcash|bizum)") == (
        r"\b(?:p(?:ay|aid)|zelle|venmo|wise|upi|gcash|bizum)"
    )
    assert optimize(r"x|y|z|(?<!\w)(?:pay|paid|zelle)|w|v") == (
        r"x|y|z(?:(?<!\w.)elle|)|p(?:(?<!\w.)ay|(?<!\w.)aid)|w|v"
    )


def test_boundary_gets_a_first_character_lookahead() -> None:
    assert first_char_lookahead(r"\b(?:p(?:ay|aid)|zelle|venmo)(?!\w)") == (
        r"\b(?=[pzv])(?:p(?:ay|aid)|zelle|venmo)(?!\w)"
    )
    # "(?<!\w)" means "\b" before a word character only
    assert first_char_lookahead(r"(?<!\w)(?:ab|-c)") == r"(?<!\w)(?:ab|-c)"
    assert first_char_lookahead(r"(?<!\w)(?:ab|c)") == r"\b(?=[ac])(?:ab|c)"
    # optional pieces, look-behinds and classes
    assert first_char_lookahead(r"(?<!\w)(?:(?:za)?fa|(?<=te )[bd-f]x)") == (
        r"\b(?=[zfbd-f])(?:(?:za)?fa|(?<=te )[bd-f]x)"
    )
    assert first_char_lookahead(r"\b(?:ab|\w+c)") == r"\b(?=[a\w])(?:ab|\w+c)"
    # a run of alternatives that start with no literal: behind one look-ahead of their own
    assert first_char_lookahead(r"\b(?:ab|(?<=x )cd|(?<=y )e|f)") == (
        r"\b(?=[acef])(?:ab|(?=[ce])(?:(?<=x )cd|(?<=y )e)|f)"
    )
    # a match may start with anything, or be empty: unchanged
    assert first_char_lookahead(r"\b(?:ab|.c)") == r"\b(?:ab|.c)"
    assert first_char_lookahead(r"\b(?:ab|c)?") == r"\b(?:ab|c)?"
    assert first_char_lookahead(r"\b(?:ab|[^c]d)") == r"\b(?:ab|[^c]d)"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab c.@-]^zf", max_size=30))
def test_first_character_lookahead_keeps_matches(text: str) -> None:
    for source in (
        r"\b(?:ab|a c|ba|\]a|\^b|-a|c@)",
        r"(?<!\w)(?:ab|b\.|ca\b|c@)(?!\w)",
        r"(?<!\w)(?:(?:z|@)?f+a|(?<=a )[bc-]x|c{0,2}b)",
        r"\b(?:[a-c]{2}|z?)(?:f|\.)",
        r"\b(?:ab|(?<=a )c|(?<=c)-a|z?f|\]|(?<= )a)",
    ):
        fast = re.compile(first_char_lookahead(source))
        slow = re.compile(source)
        assert [m.span() for m in slow.finditer(text)] == [m.span() for m in fast.finditer(text)]


# --- matches tried only where one can start (StartScan) -----------------------------------

# The samples as long messages: a StartScan of a shorter text is the plain finditer.
LONG_SAMPLES = [" ".join(SAMPLES[i : i + 120]) for i in range(0, len(SAMPLES), 120)]


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [
        (r"\b(?:foo|ba[rz])(?!\w)", {"foo", "bar", "baz"}),
        (r"(?<!\w)(?:x\w*|yz)", {"x", "yz"}),  # a lookbehind and \w consume nothing known
        (r"a?b", {"ab", "b"}),
        (r"ab(?:cd)*ef", {"abcd", "abef"}),  # after one round of a repeat, nothing is known
        (r"(?:ab|)c", {"abc", "c"}),
        (r"pay(?:ment|ing)s? (?:me|us)", {"paymen", "paying"}),  # six characters at most
        (r"(?i)abc", None),  # case-folded: not literal
        (r"a(?i:b)c", None),
        (r"\w+abc", None),  # any word character first
        (r"x*", None),  # the empty match
        (r"[^a]bc", None),
    ],
)
def test_literal_starts(pattern: str, starts: set[str] | None) -> None:
    found = literal_starts(re.compile(pattern))
    assert (set(found) if found is not None else None) == starts


def test_start_scan_needs_a_long_message() -> None:
    assert all(len(text) >= StartScan.LONG for text in LONG_SAMPLES[:-1])


@pytest.mark.parametrize(("source", "fast"), COMPILED, ids=lambda x: str(hash(x))[-6:])
def test_start_scan_finds_what_finditer_finds(source: str, fast: re.Pattern[str]) -> None:
    """Every pattern of the lexicon, scanned from its literal starts, over long messages made
    of the samples' views, from the start and from a position inside: the same matches."""
    scan = StartScan(fast)
    for text in LONG_SAMPLES:
        for pos in (0, len(text) // 3):
            expected = [m.span() for m in fast.finditer(text, pos)]
            assert [m.span() for m in scan.finditer(text, pos)] == expected
