"""Build the views every rule matches on: normalised, de-obfuscated and digit views.

* ``norm``: NFKC, lowercase, invisible characters and keycap marks dropped, look-alike letters
  folded, accents stripped, local-script digits (Arabic-Indic, Devanagari...) as ASCII.
* ``deob``: for emails and links. Spaced-out letters joined, bracketed and spoken "@"/"."
  in every supported language rewritten, quoted pieces glued ("'ana' + '@' + 'x.io'").
* ``digits``: for phones. Number words of every supported language turned into digits,
  including tens and hundreds, then multipliers ("double 7", "doble 5", "çift 7") expanded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from signaling.policy.detect import lexicon as lx
from signaling.policy.detect.hosts import KNOWN_DOMAINS
from signaling.policy.detect.model import Views
from signaling.policy.detect.regex_opt import finditer_at, positions
from signaling.policy.detect.text import View, has_digits, normalize, strip_accents


def build_views(text: str) -> Views:
    base = normalize(text)
    norm = base.with_text(strip_accents(base.s))
    words = lx.word_pieces(norm.s)
    return Views(text, norm, _deobfuscate(norm, words), _digit_view(norm, words), words)


# Four single characters between spaces: the middle of any run of six (found by a search
# that skips from space to space, before the token loop below).
_SPACED_MIDDLE = re.compile(r" (?:[^ ] ){4}")


# Two single letters spaced out right before or after a spoken dot ("i v e\ue001", "\ue001n z").
_SPACED_BEFORE = re.compile(r"(?<!\S)\w \w$")
_SPACED_AFTER = re.compile(r"\w \w(?!\S)")


def _spaced_at_word_dot(s: str) -> bool:
    """Letters spaced out next to a spoken dot (looked at only around each one)."""
    for sentinel in (lx.WORD_DOT, lx.WEAK_DOT):
        i = s.find(sentinel)
        while i >= 0:
            if _SPACED_BEFORE.search(s, max(0, i - 4), i) or _SPACED_AFTER.match(s, i + 1):
                return True
            i = s.find(sentinel, i + 1)
    return False


def _spaced_run(s: str) -> bool:
    """Cheap look for six single characters in a row ("d r o p b o x"), before the regex."""
    if _SPACED_MIDDLE.search(s) is None:
        return False
    run = 0
    for token in s.split(" "):
        if len(token) == 1:
            run += 1
            if run >= 6:
                return True
        else:
            run = 0
    return False


# Three or more single letters or digits spaced out right before an "@" or a ".", or two or
# more right after one up to the end of the token ("n e h a@g m a i l.c o m").
_SPACED_BESIDE_SYMBOL = re.compile(
    r"(?<!\S)[a-z0-9](?: [a-z0-9]){2,}(?=[@.])"
    r"|(?<=[@.])[a-z0-9](?: [a-z0-9])+(?=[@.][a-z0-9]|[.,;:!?]*(?:\s|$))"
)


def _deobfuscate(norm: View, words: frozenset[str]) -> View:
    deob = norm
    s = deob.s
    if ("'" in s or '"' in s) and "+" in s:
        deob = deob.sub(lx.QUOTED_JOIN_RE, lambda m: "", _quoted_join_matches(s))
    if _spaced_run(deob.s) and lx.SPACED_RUN_RE.search(deob.s):
        deob = deob.sub(lx.SPACED_RUN_RE, _glue_spaced)
    if " ." in deob.s and lx.SPACED_SHORT_RE.search(deob.s):
        deob = deob.sub(lx.SPACED_SHORT_RE, lambda m: m.group().replace(" ", ""))
    if any(c in deob.s for c in "[({<") and lx.BRACKET_HINT_RE.search(deob.s):
        deob = deob.sub(lx.BRACKET_AT_RE, lambda m: "@")
        deob = deob.sub(lx.BRACKET_DOT_RE, lambda m: ".")
        if _SPACED_BESIDE_SYMBOL.search(deob.s):
            # letters spaced out on either side of a bracketed symbol, glued ("n e h a (at)
            # g m a i l (dot) c o m")
            deob = deob.sub(_SPACED_BESIDE_SYMBOL, lambda m: m.group().replace(" ", ""))
    if " @" in deob.s or " ." in deob.s or not lx.AT_DOT_GATE.isdisjoint(words):
        matches = _at_dot_matches(deob.s, words) if deob is norm else None
        deob = deob.sub(lx.WORD_AT_DOT_RE, _spoken_symbol, matches)
        if (lx.WORD_DOT in deob.s or lx.WEAK_DOT in deob.s) and _spaced_at_word_dot(deob.s):
            deob = deob.sub(lx.SPACED_BEFORE_WORD_DOT_RE, lambda m: m.group().replace(" ", ""))
            deob = deob.sub(lx.SPACED_AFTER_WORD_DOT_RE, lambda m: m.group().replace(" ", ""))
    if (lx.WORD_DOT in deob.s or lx.WEAK_DOT in deob.s) and not lx.SLASH_GATE.isdisjoint(words):
        deob = deob.sub(lx.WORD_SLASH_RE, lambda m: "/")
    if "/" in deob.s and (" /" in deob.s or "/ " in deob.s):
        deob = deob.sub(lx.SPACED_PATH_RE, _glue_path)
    if (
        "_" not in deob.s
        and any(w in deob.s for w in lx.UNDERSCORE_WORDS)
        and lx.UNDERSCORE_WORD_RE.search(deob.s)
    ):
        deob = deob.sub(lx.UNDERSCORE_WORD_RE, lambda m: "_")
    return deob


def _quoted_join_matches(s: str) -> Iterator[re.Match[str]]:
    """``QUOTED_JOIN_RE.finditer(s)``, tried only at the quote before each "+" (the whitespace
    between them skipped): a match is a quote, whitespace, "+", whitespace and a quote."""
    starts: list[int] = []
    i = s.find("+")
    while i >= 0:
        q = i - 1
        while q >= 0 and s[q].isspace():
            q -= 1
        if q >= 0 and s[q] in "'\"":
            starts.append(q)
        i = s.find("+", i + 1)
    return finditer_at(lx.QUOTED_JOIN_RE, s, starts)


# Whitespace other than the space: any of it and the spoken-symbol scan reads the whole text.
_ASCII_OTHER_SPACE = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
_OTHER_SPACE_RE = re.compile(r"[^\S ]")


def _only_spaces(s: str) -> bool:
    """The only whitespace in ``s`` is " " (what ``\\s`` matches, ``str.isspace``)."""
    if s.isascii():
        return not any(c in s for c in _ASCII_OTHER_SPACE)
    return _OTHER_SPACE_RE.search(s) is None


def _at_dot_matches(s: str, words: frozenset[str]) -> Iterator[re.Match[str]] | None:
    """``WORD_AT_DOT_RE.finditer(s)``, tried only where a match can begin, or ``None`` when
    the whole text has to be scanned. A match begins at the first of the spaces before "@",
    "." or a spoken symbol, whose first word piece is then a piece of the message (``words``
    are the pieces of ``s``): a few hundred tries in a long message, not one at every space."""
    if not lx.AT_DOT_ANCHORED or not _only_spaces(s):
        return None
    needles = {" @ ", " . "}
    for piece in lx.AT_DOT_FIRST.intersection(words):
        needles.update(lx.AT_DOT_NEEDLES[piece])
    starts: set[int] = set()
    for i in positions(s, needles):
        while i > 0 and s[i - 1] == " ":
            i -= 1
        starts.add(i)
    return finditer_at(lx.WORD_AT_DOT_RE, s, sorted(starts))


def _glue_spaced(m: re.Match[str]) -> str:
    """Spaced-out letters glued ("d r o p b o x . com"); a one-letter word before them ("a",
    "e", "o", "y": "sube a d r o p b o x . com") stays apart when the host is known without
    it."""
    text = m.group()
    joined = text.replace(" ", "")
    if "." in joined and not _known_host(joined):
        for k in (1, 2):
            if _known_host(joined[k:]):
                return text[: 2 * k] + joined[k:]
    return joined


def _known_host(joined: str) -> bool:
    labels = joined.split("/", 1)[0].split(".")
    return any(".".join(labels[-n:]) in KNOWN_DOMAINS for n in (2, 3) if len(labels) >= n)


def _glue_path(m: re.Match[str]) -> str | None:
    """A known link host with a spaced-out path: drop the spaces inside the path."""
    path = m.group("path")
    if not any(c.isspace() for c in path):
        return None
    labels = re.split("[.\ue001\ue002]", m.group("host"))
    if not any(".".join(labels[-n:]) in KNOWN_DOMAINS for n in (2, 3)):
        return None
    return m.group("host") + re.sub(r"\s+", "", path)


def _spoken_symbol(m: re.Match[str]) -> str | None:
    kind = m.lastgroup
    if kind in ("dot", "weak_dot") and m.string[m.start() - 1] == "_":
        return None  # a dot word after "_" is not part of an address
    if kind == "at":
        return "@"
    if kind == "weak_at":
        return lx.WEAK_AT
    if kind == "dot":
        return lx.WORD_DOT
    return lx.WEAK_DOT


# Round 18: letters that look like digits typed among digits ("+7 9ОЗ 55I 2З 8О"): a run of
# digits and such letters with at least one of each, not inside a word. Only in a text with a
# Cyrillic "о" or "з" (two ``in`` tests; a Latin-only "0l7 5O" is left alone), and where a digit
# touches such a letter (one search that skips from digit to digit).
_LOOKALIKE = "озoilі"
_LOOKALIKE_TOUCH = re.compile(f"[0-9](?:[{_LOOKALIKE}]|(?<=[{_LOOKALIKE}].))")
# (a run starts after no word character, so each run is tried once, and ends before none)
_LOOKALIKE_RUN = re.compile(
    f"(?<!\\w)(?=[0-9{_LOOKALIKE}]*[0-9])(?=[0-9{_LOOKALIKE}]*[{_LOOKALIKE}])"
    f"[0-9{_LOOKALIKE}]{{2,}}(?!\\w)"
)
_AS_DIGITS = str.maketrans({"о": "0", "o": "0", "з": "3", "i": "1", "l": "1", "і": "1"})


def _lookalike_digits(m: re.Match[str]) -> str:
    return m.group().translate(_AS_DIGITS)


def _digit_view(norm: View, words: frozenset[str]) -> View:
    # Phones need seven digits: skip the rewrite when the digits and number words (at most
    # three digits each) cannot add up to that.
    s = norm.s
    if ("о" in s or "з" in s) and has_digits(s, 3) and _LOOKALIKE_TOUCH.search(s) is not None:
        typed = norm.sub(_LOOKALIKE_RUN, _lookalike_digits)
        if typed.s != s:
            norm, s = typed, typed.s
    present = lx.NUMBER_PIECES.intersection(words)
    if not present:
        return norm
    starts = _number_piece_starts(s, present)
    if not starts or not has_digits(s, 7 - 3 * len(starts)):
        return norm
    digits = norm.sub(lx.NUMBER_WORD_RE, _number_word, _number_words_at(s, starts))
    # round 11 (guard-ids6): "3 нуля", "3 سبعات": a count, then a digit named as a noun
    if not lx.DIGIT_NOUN_GATE.isdisjoint(words) and lx.DIGIT_NOUN_RE.search(digits.s):
        digits = digits.sub(lx.DIGIT_NOUN_RE, _digit_noun)
    if not lx.POST_MULTIPLIER_GATE.isdisjoint(words) and lx.POST_MULTIPLIER_RE.search(digits.s):
        digits = digits.sub(lx.POST_MULTIPLIER_RE, _post_multiply)
    if not lx.MULTIPLIER_GATE.isdisjoint(words) and lx.MULTIPLIER_RE.search(digits.s):
        digits = digits.sub(lx.MULTIPLIER_RE, _multiply)
    if not lx.PLUS_WORD_GATE.isdisjoint(words) and lx.PLUS_WORD_RE.search(digits.s):
        digits = digits.sub(lx.PLUS_WORD_RE, lambda m: "+")
    return digits


# Up to this many occurrences of the message's number-word pieces, their word starts are
# found with ``str.find``; past it (a piece inside many words), with the compiled finder.
_FIND_PIECES_MAX = 64


def _number_piece_starts(s: str, present: frozenset[str]) -> list[int]:
    """``[m.start() for m in lx.number_piece_finder(present).finditer(s)]``: every index where
    one of these pieces begins a word. Pieces are made of word characters, so two such
    occurrences never overlap, and the finder's matches are exactly these."""
    if sum(s.count(p) for p in present) > _FIND_PIECES_MAX:
        return [m.start() for m in lx.number_piece_finder(present).finditer(s)]
    found: set[int] = set()
    for piece in present:
        i = s.find(piece)
        while i >= 0:
            if i == 0 or not _word_char(s[i - 1]):
                found.add(i)
            i = s.find(piece, i + 1)
    return sorted(found)


def _word_char(c: str) -> bool:
    """``c`` is what ``[\\w\\u0900-\\u097f]`` matches (a word character or Devanagari)."""
    return c.isalnum() or c == "_" or "\u0900" <= c <= "\u097f"


def _number_words_at(s: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """Number words, matched only where a word piece is one (not at every position)."""
    end = 0
    for start in starts:
        if start < end:
            continue
        m = lx.NUMBER_WORD_RE.match(s, start)
        if m is not None and m.end() > start:
            end = m.end()
            yield m


def _post_multiply(m: re.Match[str]) -> str:
    return m.group("d") * lx.POST_MULTIPLIERS[re.sub(r"\s+", " ", m.group("rep"))]


def _digit_noun(m: re.Match[str]) -> str:
    return lx.DIGIT_NOUNS[m.group("noun")] * int(m.group("n"))


def _multiply(m: re.Match[str]) -> str:
    return m.group("d") * lx.MULTIPLIERS[m.group("rep")]


def _number_word(m: re.Match[str]) -> str | None:
    """One number said in words: a digit, a two-digit word, tens (+ unit), hundreds (+ rest)."""
    value = 0
    width = 1
    hundreds = m.group("hundreds")
    if hundreds:
        value = lx.HUNDREDS_WORDS[hundreds] * 100
        width = 3
    tens = m.group("tens")
    if tens:
        value += lx.TENS_WORDS[tens] * 10
        width = max(width, 2)
    unit = m.group("unit")
    if unit:
        two = lx.TWO_DIGIT_WORDS.get(unit)
        if two is not None:
            value += two
            width = max(width, 2)
        else:
            value += int(lx.DIGIT_WORDS[unit])
    if not (hundreds or tens or unit) or value >= 1000 or (tens and not hundreds and value >= 100):
        return None
    if value == 100:
        return None  # "yüz" (also "face"), "сто": a bare hundred is rarely part of a phone
    return str(value).zfill(width) if hundreds else str(value)
