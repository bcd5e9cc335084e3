"""The alternation optimiser changes how fast a pattern runs, never what it matches."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signaling.policy.detect import lexicon  # noqa: F401  (compiles every pattern)
from signaling.policy.detect.regex_opt import COMPILED, first_char_lookahead, optimize
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
