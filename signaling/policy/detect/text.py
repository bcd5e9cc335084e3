"""Index-preserving text views for the detector.

The detector never matches on the raw message: it matches on views that have been normalised
(NFKC, lowercase, look-alike letters folded, obfuscations rewritten). Every view keeps, for each
of its characters, the span of the original text it came from, so a finding can always report
indices into the text the user actually typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# Characters people insert to break up identifiers without changing how they look.
# Also the emoji presentation selector and the keycap mark ("5\ufe0f\u20e3" is the digit 5), and
# Arabic short vowels, shadda and tatweel (optional marks that only change how a word looks).
_INVISIBLE = frozenset(
    "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff\ufe0f\u20e3\u0640\u0670"
    + "".join(chr(c) for c in range(0x064B, 0x0660))
)

# Punctuation that NFKC leaves alone but that people use as "@", "." or "-".
_PUNCT_FOLD = {
    "\u3002": ".",  # ideographic full stop
    "\uff61": ".",
    "\u2024": ".",
    "\u2027": ".",
    "\u00b7": ".",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2022": " ",
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u060c": ",",  # Arabic comma
    "\u061f": "?",  # Arabic question mark
    "\u06d4": ".",  # Arabic full stop
    "\u0964": ".",  # Devanagari danda
    "\u0623": "\u0627",  # Arabic alef with hamza above / below / madda: plain alef
    "\u0625": "\u0627",
    "\u0622": "\u0627",
    "\u0649": "\u064a",  # alef maksura: yeh
}

# Cyrillic and Greek letters that look like Latin ones. Folded only inside words that also
# contain Latin letters, so genuine Russian text ("собака", "телефон") keeps its meaning.
_CONFUSABLES = str.maketrans(
    {
        "а": "a",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "һ": "h",
        "ӏ": "l",
        "ɡ": "g",
        "ı": "i",
        "α": "a",
        "β": "b",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ϲ": "c",
        "ℓ": "l",
    }
)
_CONFUSABLE_CHARS = frozenset("аеёкморстухіїјѕԁԛԝһӏɡıαβειкνορτυχϲℓ")
_WORD = re.compile(r"\S+")
_LATIN = re.compile(r"[a-z]")
_ESCAPES = re.compile(r"\\[a-zA-Z]")  # regex escapes in folded patterns are not letters


@dataclass(frozen=True, slots=True)
class View:
    """A derived string plus, per character, the original span it stands for.

    ``starts``/``ends`` are ``None`` when the view is index-identical to the original text.
    """

    s: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the view span ``[start, end)`` (non-empty) to the original text."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]

    def orig_start(self, i: int) -> int:
        """The original index where view character ``i`` begins."""
        return i if self.starts is None else self.starts[i]

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str | None]) -> View:
        """Rewrite every match of ``pattern`` with ``repl(match)`` (``None`` keeps the match).

        Replacement characters all stand for the whole matched original span, so spans that
        start or end on a rewritten piece still cover what the user typed.
        """
        s = self.s
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        changed = False
        st = self.starts
        en = self.ends
        for match in pattern.finditer(s):
            new = repl(match)
            if new is None:
                continue
            a, b = match.span()
            if a == b:
                continue
            changed = True
            pieces.append(s[pos:a])
            if st is None or en is None:
                starts.extend(range(pos, a))
                ends.extend(range(pos + 1, a + 1))
                lo, hi = a, b
            else:
                starts.extend(st[pos:a])
                ends.extend(en[pos:a])
                lo, hi = st[a], en[b - 1]
            pieces.append(new)
            starts.extend([lo] * len(new))
            ends.extend([hi] * len(new))
            pos = b
        if not changed:
            return self
        pieces.append(s[pos:])
        if st is None or en is None:
            starts.extend(range(pos, len(s)))
            ends.extend(range(pos + 1, len(s) + 1))
        else:
            starts.extend(st[pos:])
            ends.extend(en[pos:])
        return View("".join(pieces), tuple(starts), tuple(ends))


def normalize(text: str) -> View:
    """NFKC, lowercase, drop invisible characters, fold look-alike punctuation and letters."""
    if text.isascii():
        lowered = text.lower()
        # str.lower() keeps the length of ASCII text, so the view is index-identical.
        return View(lowered)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        if ch in _INVISIBLE:
            continue
        folded = _PUNCT_FOLD.get(ch)
        if folded is None and ch.isdecimal():
            folded = str(unicodedata.decimal(ch))  # Arabic-Indic, Devanagari... digits
        if folded is None:
            folded = ch.lower() if ch.isascii() else unicodedata.normalize("NFKC", ch).lower()
            if len(folded) > 1 and not folded.isascii():
                # e.g. "İ" lowercases to "i" + combining dot: keep only the base letters.
                folded = "".join(c for c in folded if not unicodedata.combining(c)) or folded
        for c in folded:
            out.append(_PUNCT_FOLD.get(c, c))
            starts.append(i)
            ends.append(i + 1)
    s = "".join(out)
    if any(c in _CONFUSABLE_CHARS for c in s):
        s = _WORD.sub(_fold_word, s)
    return View(s, tuple(starts), tuple(ends))


def _fold_word(match: re.Match[str]) -> str:
    word = match.group()
    if _LATIN.search(_ESCAPES.sub("", word)) is None:
        return word
    return word.translate(_CONFUSABLES)


def strip_accents(text: str) -> str:
    """Remove combining accents while keeping the length (used for cue matching only)."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)
        out.append(base[0] if base and base[0].isascii() and base[0].isalpha() else ch)
    return "".join(out)


def fold(pattern: str) -> str:
    """Fold a word list entry or regex fragment the way :func:`normalize` and
    :func:`strip_accents` fold messages, without lowercasing ASCII (regex escapes such as
    ``\\S`` keep their meaning), so data can be written with its real spelling."""
    out: list[str] = []
    for ch in pattern:
        if ch in _INVISIBLE:
            continue
        folded = _PUNCT_FOLD.get(ch)
        if folded is None:
            folded = ch if ch.isascii() else unicodedata.normalize("NFKC", ch).lower()
        out.append(folded)
    s = "".join(out)
    if any(c in _CONFUSABLE_CHARS for c in s):
        s = _WORD.sub(_fold_word, s)
    return strip_accents(s)
