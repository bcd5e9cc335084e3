"""Faster equivalents of the long alternations in ``lexicon``.

Python's ``re`` tries every alternative of ``a|b|c...`` at every position. Grouping the
alternatives by their first literal character ("pay|paid|pix" becomes "p(?:ay|aid|ix)") lets
it reject a position after one comparison per distinct first character instead of one per
alternative, which matters on 10,000-character messages. :func:`optimize` does that for every
group with many alternatives; what a pattern matches does not change.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from re import _constants as _c
from re import _parser
from typing import Any

import ahocorasick

from signaling.policy.detect.text import fold

_META = frozenset("\\[](){}.*+?^$|")
_MIN_ALTERNATIVES = 6
_BOUNDARIES = ("\\b", "(?<!\\w)")


def _parse_alt(p: str, i: int) -> tuple[list[list[str]], int]:
    """Parse alternatives from p[i:] until an unmatched ')' or the end; atoms are strings."""
    alts: list[list[str]] = [[]]
    while i < len(p):
        c = p[i]
        if c == ")":
            return alts, i
        if c == "|":
            alts.append([])
            i += 1
            continue
        if c == "\\":
            atom = p[i : i + 2]
            i += 2
        elif c == "[":
            j = i + 1
            if j < len(p) and p[j] == "^":
                j += 1
            if j < len(p) and p[j] == "]":
                j += 1
            while p[j] != "]":
                j += 2 if p[j] == "\\" else 1
            atom = p[i : j + 1]
            i = j + 1
        elif c == "(":
            j = i + 1
            prefix = ""
            if p.startswith("?P<", j):
                k = p.index(">", j)
                prefix = p[j : k + 1]
            elif p.startswith(("?<=", "?<!"), j):
                prefix = p[j : j + 3]
            elif p.startswith(("?:", "?=", "?!"), j):
                prefix = p[j : j + 2]
            elif p.startswith("?P=", j):
                k = p.index(")", j)
                atom = p[i : k + 1]
                i = k + 1
                alts[-1].append(atom)
                continue
            inner, k = _parse_alt(p, j + len(prefix))
            atom = "(" + prefix + _emit(inner) + ")"
            i = k + 1
        else:
            atom = c
            i += 1
        # quantifiers
        while i < len(p) and p[i] in "*+?{":
            if p[i] == "{":
                k = p.index("}", i)
                atom += p[i : k + 1]
                i = k + 1
            else:
                atom += p[i]
                i += 1
        alts[-1].append(atom)
    return alts, i


def _word_literal(atom: str) -> bool:
    return len(atom) == 1 and atom not in _META and (atom.isalnum() or atom == "_")


def _expand(alt: list[str], depth: int = 0) -> list[list[str]]:
    """Rewrite an alternative so that it starts with a literal character when that is easy:
    a leading non-capturing group is distributed ("(?:my|your) number" becomes "my number"
    and "your number"), a small class of letters too ("[eé]crire"), and a word boundary before
    a word character moves behind it ("\\bmob" becomes "m(?<!\\w.)ob")."""
    if not alt or depth > 3:
        return [alt]
    first = alt[0]
    if first in _BOUNDARIES and len(alt) > 1:
        if _word_literal(alt[1]):
            return [[alt[1], "(?<!\\w.)", *alt[2:]]]
        group = alt[1]
        if group.startswith("(?:") and group.endswith(")"):
            inner, end = _parse_alt(group[3:-1], 0)
            if end == len(group) - 4 and len(inner) <= 60:
                out: list[list[str]] = []
                for sub in inner:
                    out.extend(_expand([first, *sub, *alt[2:]], depth + 1))
                return out
    if first.startswith("(?:") and first.endswith(")"):
        inner, end = _parse_alt(first[3:-1], 0)
        if end == len(first) - 4 and len(inner) <= 40:
            out = []
            for sub in inner:
                out.extend(_expand(sub + alt[1:], depth + 1))
            return out
    if (
        first.startswith("[")
        and first.endswith("]")
        and len(first) <= 8
        and not any(c in first[1:-1] for c in "^-\\")
    ):
        return [[c, *alt[1:]] for c in first[1:-1]]
    return [alt]


def _emit(alts: list[list[str]]) -> str:
    if len(alts) < _MIN_ALTERNATIVES:
        return "|".join("".join(a) for a in alts)
    expanded: list[list[str]] = []
    for a in alts:
        expanded.extend(_expand(a))
    buckets: dict[str, list[str]] = {}
    other: list[str] = []
    for a in expanded:
        if a and len(a[0]) == 1 and a[0] not in _META:
            buckets.setdefault(a[0], []).append("".join(a[1:]))
        else:
            other.append("".join(a))
    parts = []
    for first, rests in buckets.items():
        if len(rests) == 1:
            parts.append(first + rests[0])
        else:
            ne = [r for r in rests if r]
            tail = "|" if len(ne) < len(rests) else ""
            parts.append(first + "(?:" + "|".join(ne) + tail + ")")
    return "|".join(parts + other)


def optimize(pattern: str) -> str:
    alts, i = _parse_alt(pattern, 0)
    assert i == len(pattern), (i, len(pattern))
    if len(alts) == 1 and len(alts[0]) >= 2 and alts[0][0] not in _BOUNDARIES:
        # "(?:many|words) rest": distribute the group. A pattern that starts with a word
        # boundary keeps it in front: it rejects positions inside words in one step.
        expanded = _expand(alts[0])
        if len(expanded) >= _MIN_ALTERNATIVES:
            return _emit(expanded)
    return _emit(alts)


# The most alternatives :func:`literal_first` spells out.
_MAX_LITERAL_FIRST = 200


def literal_first(boundary: str, body: str, tail: str) -> str:
    """``boundary + "(?:" + body + ")" + tail`` (``boundary`` is ``\\b`` or ``(?<!\\w)``) as
    an alternation whose every alternative starts with a literal word character, the boundary
    moved behind it (:func:`_expand`: "(?<!\\w)(?:faster|easier) than" becomes
    "f(?<!\\w.)aster than|e(?<!\\w.)asier than"), or unchanged when that is not possible
    for every alternative. Same matches; but ``re`` searches a pattern that starts with an
    assertion by trying it at every position, and one whose alternatives all start with a
    literal by skipping from one of those characters to the next (a 10,000-character
    message with no match: about 170 us -> 85 us for "(?<!\\w)(?:cheaper|faster|...) than")."""
    whole = boundary + "(?:" + body + ")" + tail
    try:
        alts, end = _parse_alt(whole, 0)
        if end != len(whole) or len(alts) != 1:
            return whole
        expanded = _expand(alts[0])
    except (ValueError, IndexError):
        return whole
    if len(expanded) > _MAX_LITERAL_FIRST or not all(
        len(alt) > 1 and _word_literal(alt[0]) and alt[1] == "(?<!\\w.)" for alt in expanded
    ):
        return whole
    return "|".join("".join(alt) for alt in expanded)


def first_char_lookahead(pattern: str, flags: int = 0) -> str:
    """A pattern that starts with a word boundary (``\\b`` or ``(?<!\\w)``) with a look-ahead
    for the characters a match can start with right after it: ``\\b(?:pay|zelle)`` becomes
    ``\\b(?=[pz])(?:pay|zelle)``, and ``(?<!\\w)`` becomes ``\\b`` when every one of those
    characters is a word character (there the two mean the same).

    A pattern that starts with an assertion has no first-character set, so ``search`` tries
    every alternative at every boundary: at each word's end and at each word start whose
    letter starts none; ``(?<!\\w)`` is even tried at every position. The look-ahead rejects
    those in one class test, ``\\b`` before it each position inside a word in one step. What
    matches is unchanged: every match starts with one of those characters (see
    :func:`_first_chars`). Unchanged when they are not known."""
    boundary = next((b for b in _BOUNDARIES if pattern.startswith(b)), None)
    if boundary is None:
        return pattern
    try:
        alts, _ = _parse_alt(pattern, 0)
        if len(alts) != 1 or alts[0][:1] != [boundary]:
            return pattern  # an alternative at the top level besides the bounded one
        firsts = _first_chars(alts[0][1:])
    except (ValueError, IndexError):
        return pattern
    if firsts is None or firsts[1]:
        return pattern
    chars, _ = firsts
    if boundary != "\\b" and not all(_is_word_class(c, flags) for c in chars):
        return pattern
    body = pattern[len(boundary) :]
    if body.startswith("(?:"):
        end = _group_end(body, 3)
        body = "(?:" + _guard_costly_runs(body[3:end]) + body[end:]
    return "\\b(?=[" + "".join(dict.fromkeys(chars)) + "])" + body


def _guard_costly_runs(text: str) -> str:
    """The alternation ``text`` with each run of two or more alternatives that do not start
    with a literal character or a class put in one group behind a look-ahead for their first
    characters: ``a..|(?<=x )b..|(?<=y )c..`` becomes ``a..|(?=[bc])(?:(?<=x )b..|(?<=y )c..)``.
    At a position where none can match, ``re`` then enters one look-ahead instead of each
    alternative in turn (it skips an alternative that starts with a literal or a class
    without entering it). Same alternatives in the same order: the same matches."""
    alts = split_top(text)
    out: list[str] = []
    run: list[str] = []
    firsts: list[str] = []

    def flush() -> None:
        if 2 <= len(run) < len(alts):  # all of them: the look-ahead before the group
            out.append("(?=[" + "".join(dict.fromkeys(firsts)) + "])(?:" + "|".join(run) + ")")
        else:
            out.extend(run)
        run.clear()
        firsts.clear()

    for alt in alts:
        atoms = _parse_alt(alt, 0)[0][0]
        head = atoms[0] if atoms else ""
        cheap = (len(head) == 1 and head not in _META) or (
            head.startswith("[") and head.endswith("]")
        )
        first = None if cheap or not atoms else _first_chars(atoms)
        if first is None or first[1]:
            flush()
            out.append(alt)
            continue
        run.append(alt)
        firsts.extend(first[0])
    flush()
    return "|".join(out)


def _class_end(p: str, i: int) -> int:
    """The index of the "]" that closes the class opened at ``p[i]``."""
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1
    while p[j] != "]":
        j += 2 if p[j] == "\\" else 1
    return j


def split_top(text: str) -> list[str]:
    """The top-level alternatives of ``text``, verbatim."""
    out: list[str] = []
    depth = 0
    start = i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(text, i) + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(text[start:i])
            start = i + 1
        i += 1
    out.append(text[start:])
    return out


def _group_end(p: str, i: int) -> int:
    """The index of the ")" that closes the group whose body starts at ``p[i]``."""
    depth = 0
    while True:
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = _class_end(p, i) + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return i
            depth -= 1
        i += 1


_QUANTIFIER = re.compile(r"(?:[*+?]|\{(\d*)(?:,\d*)?\})\??$")


def _first_chars(atoms: list[str]) -> tuple[list[str], bool] | None:
    """The characters a match of the sequence ``atoms`` can start with, as pieces of a
    character class ("a", "\\-", "a-z", "\\s"), and whether it can match the empty string; None
    when not known. A superset is fine: it only says where a match cannot start."""
    out: list[str] = []
    for atom in atoms:
        q = _QUANTIFIER.search(atom)
        base = atom[: q.start()] if q is not None else atom
        optional = q is not None and (
            q.group().startswith(("*", "?")) or (q.group(1) is not None and q.group(1) in ("", "0"))
        )
        if base.startswith(("(?=", "(?!", "(?<=", "(?<!")) or base in ("\\b", "\\B"):
            continue  # zero width
        if base.startswith("(") and base.endswith(")"):
            j = 1
            if base.startswith("(?P<"):
                j = base.index(">") + 1
            elif base.startswith("(?:"):
                j = 3
            elif base.startswith("(?"):
                return None  # a back reference, flags...
            inner, _ = _parse_alt(base[j:-1], 0)
            nullable = False
            for alt in inner:
                sub = _first_chars(alt)
                if sub is None:
                    return None
                out.extend(sub[0])
                nullable = nullable or sub[1]
            if nullable or optional:
                continue
            return out, False
        if base.startswith("[") and base.endswith("]"):
            piece = base[1:-1]
            if not piece or piece[0] in "^]-" or piece[-1] == "-" or "[" in piece:
                return None  # kept simple: pieces are joined into one class
            out.append(piece)
        elif len(base) == 2 and base[0] == "\\" and not base[1].isalnum():
            out.append(base)
        elif base in ("\\s", "\\d", "\\w"):
            out.append(base)
        elif len(base) == 1 and base not in _META:
            out.append("\\" + base if base in "]\\^-" else base)
        else:
            return None  # ".", "^", "$", "\\S", "\\W"...
        if not optional:
            return out, False
    return out, True


def _is_word_class(piece: str, flags: int) -> bool:
    """Every character of the class piece ``piece`` is a word character (``\\w``)."""
    if piece in ("\\w", "\\d"):
        return True
    if "\\" in piece:
        return False
    i = 0
    while i < len(piece):
        if i + 2 < len(piece) and piece[i + 1] == "-":
            lo, hi = piece[i], piece[i + 2]
            if not any(a <= lo <= hi <= b for a, b in (("a", "z"), ("A", "Z"), ("0", "9"))):
                return False
            i += 3
            continue
        if re.match(r"\w", piece[i], flags & re.ASCII) is None:
            return False
        i += 1
    return True


# (source, optimised) of every pattern compiled here, so tests can compare the two.
COMPILED: list[tuple[str, re.Pattern[str]]] = []


def compile_fast(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` of the optimised pattern (see :func:`optimize` and
    :func:`first_char_lookahead`)."""
    compiled = re.compile(first_char_lookahead(optimize(pattern), flags), flags)
    COMPILED.append((pattern, compiled))
    return compiled


def compile_words(fragments: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    """Word fragments (regex sources, written with their real spelling) as one pattern that
    matches any of them as a whole word in a folded message: each is folded as messages are
    ("wäre" is "ware", "może" is "moze"), or a fragment with an accent could never match."""
    folded = (fold(f) for f in fragments)
    return compile_fast(r"(?<!\w)(?:" + "|".join(folded) + r")(?!\w)", flags)


def finditer_at(pattern: re.Pattern[str], s: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(s)`` for a pattern that can only match, never empty, at one of
    ``starts`` (ascending): ``pattern.match`` at those positions alone, skipping any inside an
    earlier match, instead of a match attempt at every position of a long message."""
    end = 0
    for start in starts:
        if start < end:
            continue
        m = pattern.match(s, start)
        if m is not None:
            end = m.end()
            yield m


def positions(s: str, needles: Iterable[str]) -> list[int]:
    """Every index where one of ``needles`` occurs in ``s``, ascending, without duplicates."""
    found: set[int] = set()
    for needle in needles:
        i = s.find(needle)
        while i >= 0:
            found.add(i)
            i = s.find(needle, i + 1)
    return sorted(found)


_SPACE = re.compile(r"\s")


def token_end(s: str, i: int) -> int:
    """The index of the first whitespace character at or after ``i`` (``len(s)`` if none)."""
    m = _SPACE.search(s, i)
    return len(s) if m is None else m.start()


# --- matches tried only where a match can start --------------------------------------------

# How many leading characters of a match are collected as its literal start, and the most
# distinct starts a pattern may have before it is scanned the plain way.
_START_CHARS = 6
_MAX_STARTS = 20_000
_SMALL_CLASS = 12  # a character class of at most this many letters is expanded


class _TooMany(Exception):
    pass


_Starts = set[tuple[str, bool]]  # (literal start so far, may it go on)


def _seq_starts(items: Iterable[tuple[Any, Any]], k: int) -> _Starts:
    current: _Starts = {("", True)}
    for op, av in items:
        node: _Starts | None = None
        following: _Starts = set()
        for text, more in current:
            if not more:
                following.add((text, False))
                continue
            if node is None:
                node = _node_starts(op, av, k)
            for tail, tail_more in node:
                joined = (text + tail)[:k]
                following.add((joined, tail_more and len(joined) < k))
        current = following
        if len(current) > _MAX_STARTS:
            raise _TooMany
    return current


def _node_starts(op: Any, av: Any, k: int) -> _Starts:
    """The literal starts of one parsed node; ("", False) where nothing literal is known."""
    if op is _c.LITERAL:
        return {(chr(av), True)}
    if op is _c.IN:
        chars: list[str] = []
        for item, value in av:
            if item is _c.LITERAL:
                chars.append(chr(value))
            elif item is _c.RANGE and value[1] - value[0] < _SMALL_CLASS:
                chars.extend(map(chr, range(value[0], value[1] + 1)))
            else:  # a negation, a category (\w, \d) or a wide range
                return {("", False)}
        return {(c, True) for c in chars} if len(chars) <= _SMALL_CLASS else {("", False)}
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return {("", True)}  # zero-width: consumes nothing
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, inner = av
        if add_flags & re.IGNORECASE:
            raise _TooMany  # a case-folded part: its starts are not literal
        return _seq_starts(inner, k)
    if op is _c.ATOMIC_GROUP:
        return _seq_starts(av, k)
    if op is _c.BRANCH:
        out: _Starts = set()
        for alternative in av[1]:
            out |= _seq_starts(alternative, k)
        return out
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        least, most, inner = av
        once = _seq_starts(inner, k)
        if most != 1:  # a second round may follow: what comes after is not known
            once = {(text, False) for text, _more in once}
        return once | {("", True)} if least == 0 else once
    return {("", False)}  # any character, a back reference, a conditional group


def literal_starts(pattern: re.Pattern[str], k: int = _START_CHARS) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` starts with (each at most ``k``
    characters), or None when that is not known: a case-insensitive pattern, one that can
    start with any character or match the empty string, or one with too many starts."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        found = _seq_starts(_parser.parse(pattern.pattern, pattern.flags), k)
    except (_TooMany, re.error, RecursionError):
        return None
    starts = frozenset(text for text, _more in found)
    return None if "" in starts else starts


def _word_initial(pattern: re.Pattern[str], starts: frozenset[str]) -> bool:
    """Every match of ``pattern`` begins a word: the pattern opens with ``\\b`` or
    ``(?<!\\w)`` (Unicode word characters) and each of its literal ``starts`` begins with a
    word character, so a match starts only at the text's start or right after a non-word
    character."""
    if pattern.flags & (re.ASCII | re.LOCALE):
        return False
    try:
        first = _parser.parse(pattern.pattern, pattern.flags)[0]
    except (re.error, IndexError, RecursionError):
        return False
    op, av = first
    opens = op is _c.AT and av is _c.AT_BOUNDARY
    if op is _c.ASSERT_NOT:
        direction, inner = av
        opens = direction == -1 and list(inner) == [(_c.IN, [(_c.CATEGORY, _c.CATEGORY_WORD)])]
    return opens and all(_WORD_CHAR.match(start) is not None for start in starts)


_WORD_CHAR = re.compile(r"\w")
# Every ASCII character that is no word character, as a space (``str.translate`` of an ASCII
# text is a table lookup per character; of any other text, a dict lookup per character).
_ASCII_BLANKS = {c: " " for c in range(128) if _WORD_CHAR.match(chr(c)) is None}


# (where a word starts, the numbers of the patterns one of whose starts begins there)
_Hits = list[tuple[int, tuple[int, ...]]]


class WordStarts:
    """The literal starts of many word-initial patterns (:func:`_word_initial`), found in one
    pass over an ASCII text for all of them; the answer for the last text asked about is
    kept, so the patterns that scan one message share the pass.

    The text is read with every non-word character as a space (``str.translate`` of an ASCII
    text is one table lookup per character) by an Aho-Corasick automaton of each start behind
    a space: a word start is then always behind a space, and such an automaton is cheap to run
    (from its root only the space leads anywhere)."""

    def __init__(self) -> None:
        self._ids: dict[str, list[int]] = {}  # literal start -> the patterns it starts
        self._count = 0
        self._automaton: Any = None
        # the last text asked about: its hits (word start, the patterns that start there) and
        # each asked pattern's sorted starts, worked out when first asked
        self._last: tuple[str, _Hits, dict[int, list[int]]] | None = None

    def register(self, starts: Iterable[str]) -> int:
        """Add one pattern's literal starts; returns the pattern's number here."""
        number = self._count
        self._count += 1
        for start in starts:
            self._ids.setdefault(start, []).append(number)
        self._automaton = self._last = None
        return number

    def prepare(self) -> None:
        """Build the automaton now (a few ms), not inside the first long message's scan."""
        if self._automaton is None:
            self._build()

    def _build(self) -> Any:
        keys: dict[str, set[int]] = {}
        for start, numbers in self._ids.items():
            keys.setdefault(" " + start.translate(_ASCII_BLANKS), set()).update(numbers)
        automaton = ahocorasick.Automaton()
        for key, owners in keys.items():
            automaton.add_word(key, (len(key) - 1, tuple(sorted(owners))))
        automaton.make_automaton()
        self._automaton = automaton
        return automaton

    def positions(self, s: str, number: int) -> list[int]:
        """Where, in the ASCII text ``s``, a literal start of pattern ``number`` may begin a
        word (every place one does, ascending)."""
        last = self._last
        if last is None or last[0] is not s:
            last = self._last = (s, self._scan(s), {})
        at = last[2].get(number)
        if at is None:
            # (only the patterns asked about: a short message asks one or two of them)
            at = last[2][number] = sorted({i for i, numbers in last[1] if number in numbers})
        return at

    def _scan(self, s: str) -> _Hits:
        """Every hit in ``s``: (where a word starts, the patterns a start there belongs to)."""
        automaton = self._automaton if self._automaton is not None else self._build()
        # " " first: a word at the text's start is behind a space too. A hit ends at the
        # index in the text of its key's last character; ``back`` characters before it, the
        # word starts.
        return [
            (end - back, numbers)
            for end, (back, numbers) in automaton.iter(" " + s.translate(_ASCII_BLANKS))
        ]


# The word starts of every StartScan built without an index of its own (the lexicon's).
WORD_STARTS = WordStarts()


class StartScan:
    """``pattern.finditer`` over a long message with a match tried only where one of the
    pattern's literal starts occurs (:func:`literal_starts`) instead of at every position.
    Same matches: a match starts with one of those strings, and :func:`finditer_at` goes on
    from each match's end as ``finditer`` does.

    In an ASCII text, a word-initial pattern's starts are found by the shared ``index``
    (:class:`WordStarts`, one pass per message for all such patterns); otherwise by an
    Aho-Corasick automaton of the pattern's own. Below ``LONG`` characters, for a pattern
    without known starts, or for one that may start with a single character (its starts
    would be nearly every word), the plain ``finditer``; with ``short``, a pattern with known
    starts is scanned from them in an ASCII text below ``LONG`` characters too: a pattern of
    a thousand phrases costs ``re`` a look at its alternatives at every word of even a short
    message, where its literal starts are at one or two (in other scripts, measured on the
    labelled messages, the plain search cost less)."""

    LONG = 1000

    def __init__(
        self,
        pattern: re.Pattern[str],
        index: WordStarts | None = None,
        *,
        short: bool = False,
        chars: int = _START_CHARS,
    ) -> None:
        self.pattern = pattern
        self._automaton: Any = None
        self._index: WordStarts | None = None
        self._number = -1
        self._short = False
        # (``chars``: longer starts, fewer places a match is tried where none begins)
        starts = literal_starts(pattern, chars)
        if not starts or min(map(len, starts)) < 2:
            return
        self._short = short
        if _word_initial(pattern, starts):
            self._index = index if index is not None else WORD_STARTS
            self._number = self._index.register(starts)
        automaton = ahocorasick.Automaton()
        for start in starts:
            automaton.add_word(start, len(start))
        automaton.make_automaton()
        self._automaton = automaton

    def search(self, s: str) -> re.Match[str] | None:
        """``pattern.search(s)``: the first match of :meth:`finditer` (below ``LONG``
        characters the plain search, which costs less than a first step of ``finditer``)."""
        if len(s) < self.LONG and not (self._short and s.isascii()):
            return self.pattern.search(s)
        return next(self.finditer(s), None)

    def finditer(self, s: str, pos: int = 0) -> Iterator[re.Match[str]]:
        if len(s) - pos < self.LONG and not (self._short and s.isascii()):
            return self.pattern.finditer(s, pos)
        if self._index is not None and s.isascii():
            at = self._index.positions(s, self._number)
            return finditer_at(self.pattern, s, at[bisect.bisect_left(at, pos) :] if pos else at)
        if self._automaton is None:
            return self.pattern.finditer(s, pos)
        found = {end - size + 1 for end, size in self._automaton.iter(s, pos)}
        return finditer_at(self.pattern, s, sorted(found))
