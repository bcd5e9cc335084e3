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
    WordStarts,
    _word_initial,
    first_char_lookahead,
    literal_first,
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


def test_literal_first_moves_the_boundary_behind_each_first_letter() -> None:
    assert literal_first(r"(?<!\w)", r"(?:faster|easier) than", r"(?!\w)") == (
        r"f(?<!\w.)aster than(?!\w)|e(?<!\w.)asier than(?!\w)"
    )
    # an alternative that cannot start with a letter: unchanged
    assert literal_first(r"\b", r"(?:ab|-c)d", r"\b") == r"\b(?:(?:ab|-c)d)\b"
    assert literal_first(r"\b", r"(?:ab|c)?d", r"\b") == r"\b(?:(?:ab|c)?d)\b"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab cd.-", max_size=30))
def test_literal_first_keeps_matches(text: str) -> None:
    for boundary in (r"\b", r"(?<!\w)"):
        body = r"(?:ab|(?:c|d)a|)(?:d|bc) a"
        slow = re.compile(boundary + "(?:" + body + r")(?!\w)")
        fast = re.compile(literal_first(boundary, body, r"(?!\w)"))
        assert fast.pattern != slow.pattern
        assert [m.span() for m in slow.finditer(text)] == [m.span() for m in fast.finditer(text)]


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


# The ASCII samples as long messages too: there a word-initial pattern's starts come from
# the shared index (``WordStarts``), elsewhere from the pattern's own automaton.
ASCII_LONG = [
    " ".join(chunk)
    for ascii_views in [[s for s in SAMPLES if s.isascii()]]
    for chunk in (ascii_views[i : i + 150] for i in range(0, len(ascii_views), 150))
    if len(" ".join(chunk)) >= StartScan.LONG
]
# Every lexicon pattern's scan, all word-initial ones in one index (as the lexicon's share
# ``WORD_STARTS``): each pattern's number there must pick out its own starts.
INDEX = WordStarts()
SCANS = {id(fast): StartScan(fast, index=INDEX) for _source, fast in COMPILED}


def test_samples_reach_both_ways() -> None:
    assert len(ASCII_LONG) >= 3 and not any(text.isascii() for text in LONG_SAMPLES)
    assert sum(scan._index is INDEX for scan in SCANS.values()) >= 60


def _assert_scan_matches_finditer(scan: StartScan, fast: re.Pattern[str], texts: list[str]) -> None:
    """``scan`` finds what ``fast`` finds in each text, from the start and from a position
    inside, and its first match is ``fast``'s."""
    for text in texts:
        for pos in (0, len(text) // 3):
            expected = [m.span() for m in fast.finditer(text, pos)]
            assert [m.span() for m in scan.finditer(text, pos)] == expected
        first = fast.search(text)
        found = scan.search(text)
        assert (found and found.span()) == (first and first.span())


@pytest.mark.parametrize(("source", "fast"), COMPILED, ids=lambda x: str(hash(x))[-6:])
def test_start_scan_finds_what_finditer_finds(source: str, fast: re.Pattern[str]) -> None:
    """Every pattern of the lexicon, scanned from its literal starts, over long messages made
    of the samples' views, from the start and from a position inside: the same matches."""
    _assert_scan_matches_finditer(SCANS[id(fast)], fast, LONG_SAMPLES + ASCII_LONG)


# Short messages: a scan made with ``short`` reads an ASCII one from its starts too.
SHORT_INDEX = WordStarts()
SHORT_SCANS = {id(fast): StartScan(fast, index=SHORT_INDEX, short=True) for _s, fast in COMPILED}


def test_short_samples_reach_both_ways() -> None:
    assert any(text.isascii() for text in SAMPLES) and not all(t.isascii() for t in SAMPLES)
    assert all(len(text) < StartScan.LONG for text in SAMPLES[:50])


@pytest.mark.parametrize(("source", "fast"), COMPILED, ids=lambda x: str(hash(x))[-6:])
def test_short_start_scan_finds_what_finditer_finds(source: str, fast: re.Pattern[str]) -> None:
    """Every pattern of the lexicon, scanned with ``short`` over each sample's views (most
    shorter than ``LONG``), from the start and from a position inside: the same matches."""
    _assert_scan_matches_finditer(SHORT_SCANS[id(fast)], fast, SAMPLES)


# The largest patterns (the move cues, the any-match ones) are scanned from starts of ten
# characters: the same matches, in short and long messages.
LARGE = [(source, fast) for source, fast in COMPILED if len(fast.pattern) >= 5000]
LARGE_INDEX = WordStarts()


@pytest.mark.parametrize(("source", "fast"), LARGE, ids=lambda x: str(hash(x))[-6:])
def test_start_scan_of_ten_characters_finds_what_finditer_finds(
    source: str, fast: re.Pattern[str]
) -> None:
    scan = StartScan(fast, index=LARGE_INDEX, short=True, chars=10)
    _assert_scan_matches_finditer(scan, fast, SAMPLES + LONG_SAMPLES + ASCII_LONG)


@pytest.mark.parametrize(
    ("pattern", "initial"),
    [
        (r"\b(?:pay|send)", True),
        (r"(?<!\w)(?:pay|send)", True),
        (r"(?<![\w@])(?:pay|send)", False),  # a lookbehind of its own kind
        (r"(?:pay|send)", False),  # may start inside a word
        (r"\b(?:-pay|send)", False),  # a start that is no word character
        (r"(?a)\b(?:pay|send)", False),  # ASCII word characters: another boundary
    ],
)
def test_word_initial(pattern: str, initial: bool) -> None:
    compiled = re.compile(pattern)
    starts = literal_starts(compiled)
    assert starts is not None
    assert _word_initial(compiled, starts) is initial


def test_word_starts_finds_every_word_start_after_any_non_word_character() -> None:
    """Words at the text's start, after a space, a newline, a bracket, a slash, a hyphen or an
    apostrophe are all found; a start inside a word is not a word start."""
    index = WordStarts()
    pay = StartScan(re.compile(r"\b(?:pay|send)\w*"), index=index)
    call = StartScan(re.compile(r"\b(?:call|ring) me"), index=index)
    filler = "x" * StartScan.LONG
    text = "pay now (send it)\ncall me/ring me, prepaid-pay 'send' repay " + filler + " paying"
    expected = [m.span() for m in pay.pattern.finditer(text)]
    assert [m.group() for m in pay.finditer(text)] == [
        "pay", "send", "pay", "send", "paying"
    ]  # fmt: skip
    assert [m.span() for m in pay.finditer(text)] == expected
    assert [m.group() for m in call.finditer(text)] == ["call me", "ring me"]
    assert [m.group() for m in pay.finditer(text, 5)] == ["send", "pay", "send", "paying"]


def test_a_single_character_start_is_scanned_the_plain_way() -> None:
    """A pattern that may start with one letter would be tried at nearly every word."""
    scan = StartScan(re.compile(r"\b(?:a\s+mano|bank)"), index=WordStarts())
    assert scan._index is None and scan._automaton is None
