"""Index-preserving text views for the detector.

The detector never matches on the raw message: it matches on views that have been normalised
(NFKC, lowercase, look-alike letters folded, obfuscations rewritten). Every view keeps, for each
of its characters, the span of the original text it came from, so a finding can always report
indices into the text the user actually typed.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Characters people insert to break up identifiers without changing how they look.
# Also the emoji presentation selector and the keycap mark ("5\ufe0f\u20e3" is the digit 5), and
# Arabic short vowels, shadda and tatweel (optional marks that only change how a word looks).
_INVISIBLE = frozenset(
    "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff\ufe0f\u20e3\u0640\u0670"
    + "".join(chr(c) for c in range(0x064B, 0x0660))
    # round 33: the Devanagari nukta, written or not by the same people ("नक़द", "नकद";
    # "फ़ोन", "फोन"), dropped from messages and word lists alike
    + "\u093c"
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
    "\u2796": "-",  # heavy minus sign emoji (➖) between digit groups
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
    "ё": "е",  # Russian writes "подчёркивание" and "подчеркивание" alike
    "Ё": "е",
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
# A word of a regex source: what lies between whitespace and the metacharacters that separate
# alternatives ("|", groups, classes, quantifiers)
_PATTERN_WORD = re.compile(r"[^\s|()\[\]?*+{}]+")


@dataclass(frozen=True, slots=True)
class View:
    """A derived string plus, for each of its characters, the original span it stands for.

    The mapping is stored as pieces, not per character, so building a view of a long message
    costs in the number of rewrites, not in its length. Piece ``k`` starts at view index
    ``vpos[k]``; when ``oend[k]`` is -1 it is copied text (view index ``vpos[k] + d`` is
    original index ``ostart[k] + d``), otherwise every character of it stands for the whole
    original span ``[ostart[k], oend[k])`` (a rewrite). ``vpos`` is empty when the view is
    index-identical to the original text.
    """

    s: str
    vpos: tuple[int, ...] = ()
    ostart: tuple[int, ...] = ()
    oend: tuple[int, ...] = ()

    def with_text(self, s: str) -> View:
        """The same mapping for a string of the same length (e.g. accents stripped)."""
        return View(s, self.vpos, self.ostart, self.oend)

    def _orig(self, i: int) -> tuple[int, int]:
        if not self.vpos:
            return i, i + 1
        k = bisect.bisect_right(self.vpos, i) - 1
        end = self.oend[k]
        if end < 0:
            o = self.ostart[k] + i - self.vpos[k]
            return o, o + 1
        return self.ostart[k], end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map the view span ``[start, end)`` (non-empty) to the original text."""
        if not self.vpos:
            return start, end
        return self._orig(start)[0], self._orig(end - 1)[1]

    def orig_start(self, i: int) -> int:
        """The original index where view character ``i`` begins."""
        return self._orig(i)[0]

    def first_at(self, o: int) -> int:
        """The first view index whose original index (``orig_start``) is ``o`` or more, or
        ``len(s)`` if none. Original indices never decrease along a view (rewrites are made
        in order), so view indices ``[first_at(a), first_at(b))`` are exactly those whose
        original index lies in ``[a, b)``."""
        n = len(self.s)
        if not self.vpos:
            return max(0, min(o, n))
        k = bisect.bisect_left(self.ostart, o)
        pieces = len(self.vpos)
        if k > 0 and self.oend[k - 1] < 0:
            v = self.vpos[k - 1] + o - self.ostart[k - 1]
            if v < (self.vpos[k] if k < pieces else n):
                return v
        return self.vpos[k] if k < pieces else n

    def _pieces(self) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        if self.vpos:
            return self.vpos, self.ostart, self.oend
        return (0,), (0,), (-1,)

    def sub(
        self,
        pattern: re.Pattern[str],
        repl: Callable[[re.Match[str]], str | None],
        matches: Iterable[re.Match[str]] | None = None,
    ) -> View:
        """Rewrite every match of ``pattern`` with ``repl(match)`` (``None`` keeps the match).

        Replacement characters all stand for the whole matched original span, so spans that
        start or end on a rewritten piece still cover what the user typed. ``matches``, when
        given, replaces ``pattern.finditer`` (non-overlapping, in order).
        """
        s = self.s
        if not self.vpos:
            return self._sub_identity(pattern, repl, matches)
        vpos, ostart, oend = self._pieces()
        n_pieces = len(vpos)
        out_s: list[str] = []
        nv: list[int] = []
        no: list[int] = []
        ne: list[int] = []
        pos = 0  # next view index of self not yet copied
        out_len = 0
        k = 0  # piece of self containing ``pos``

        def copy(upto: int) -> None:
            # Copy self's pieces covering [pos, upto) into the new view.
            nonlocal pos, out_len, k
            while k + 1 < n_pieces and vpos[k + 1] <= pos:
                k += 1
            while pos < upto:
                piece_end = vpos[k + 1] if k + 1 < n_pieces else len(s)
                stop = min(piece_end, upto)
                end = oend[k]
                nv.append(out_len)
                no.append(ostart[k] + pos - vpos[k] if end < 0 else ostart[k])
                ne.append(end)
                out_len += stop - pos
                pos = stop
                if pos >= piece_end and k + 1 < n_pieces:
                    k += 1

        changed = False
        identity = not self.vpos
        text_pos = 0
        for match in pattern.finditer(s) if matches is None else matches:
            a, b = match.span()
            if a == b:
                continue
            new = repl(match)
            if new is None:
                continue
            changed = True
            if identity:
                lo, hi = a, b
            else:
                lo = self._orig(a)[0]
                hi = self._orig(b - 1)[1]
            copy(a)
            out_s.append(s[text_pos:a])
            if new:
                nv.append(out_len)
                no.append(lo)
                ne.append(hi)
                out_len += len(new)
                out_s.append(new)
            pos = b
            text_pos = b
        if not changed:
            return self
        copy(len(s))
        out_s.append(s[text_pos:])
        return View("".join(out_s), tuple(nv), tuple(no), tuple(ne))

    def _sub_identity(
        self,
        pattern: re.Pattern[str],
        repl: Callable[[re.Match[str]], str | None],
        matches: Iterable[re.Match[str]] | None,
    ) -> View:
        """:meth:`sub` of an index-identical view (the first rewrite of most messages): the
        same pieces (the text between rewrites copied one to one, each rewrite standing for
        its match), built without walking a piece table."""
        s = self.s
        out_s: list[str] = []
        nv: list[int] = []
        no: list[int] = []
        ne: list[int] = []
        out_len = 0
        text_pos = 0
        for match in pattern.finditer(s) if matches is None else matches:
            a, b = match.span()
            if a == b:
                continue
            new = repl(match)
            if new is None:
                continue
            if text_pos < a:
                nv.append(out_len)
                no.append(text_pos)
                ne.append(-1)
                out_len += a - text_pos
            out_s.append(s[text_pos:a])
            if new:
                nv.append(out_len)
                no.append(a)
                ne.append(b)
                out_len += len(new)
                out_s.append(new)
            text_pos = b
        if text_pos == 0:
            return self  # nothing rewritten (every rewrite ends past 0)
        if text_pos < len(s):
            nv.append(out_len)
            no.append(text_pos)
            ne.append(-1)
        out_s.append(s[text_pos:])
        return View("".join(out_s), tuple(nv), tuple(no), tuple(ne))


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
            if ends and ends[-1] == i:
                ends[-1] = i + 1  # a keycap or vowel mark belongs to the character before it
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
    if "\u064b" in text:
        _drop_accusative_alif(text, out, starts, ends)
    s = "".join(out)
    if any(c in _CONFUSABLE_CHARS for c in s):
        s = _WORD.sub(_fold_word, s)
    return _compress(s, starts, ends)


def _drop_accusative_alif(text: str, out: list[str], starts: list[int], ends: list[int]) -> None:
    """Arabic writes an indefinite noun's accusative with a final alif beside the tanween mark
    ("خصماً", "خصمًا", "a discount"): with the mark dropped as a vowel, that alif would leave
    "خصما", a word no list holds. Where the mark sits beside a word-final alif, the alif goes
    too, and its original span joins the letter before it, so the view reads "خصم"."""
    k = len(out) - 1
    while k > 0:
        if out[k] == "\u0627" and (k + 1 == len(out) or not out[k + 1].isalnum()):
            i = starts[k]
            if text[i + 1 : i + 2] == "\u064b" or text[i - 1 : i] == "\u064b":
                if out[k - 1].isalpha() and starts[k - 1] != i:
                    ends[k - 1] = ends[k]
                    del out[k], starts[k], ends[k]
        k -= 1


def _compress(s: str, starts: list[int], ends: list[int]) -> View:
    """Per-character original spans as pieces: runs of one-to-one characters become one copied
    piece, runs of characters that share one original span (an expansion) a rewritten piece."""
    vpos: list[int] = []
    ostart: list[int] = []
    oend: list[int] = []
    last = -2  # original index of the previous character when it was copied one-to-one
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
        if vpos:
            if oend[-1] < 0 and b == a + 1 and a == last + 1:
                last = a
                continue
            if oend[-1] >= 0 and ostart[-1] == a and oend[-1] == b:
                continue
        vpos.append(i)
        ostart.append(a)
        if b == a + 1:
            oend.append(-1)
            last = a
        else:
            oend.append(b)
            last = -2
    if vpos == [0] and ostart == [0] and oend == [-1]:
        return View(s)
    return View(s, tuple(vpos), tuple(ostart), tuple(oend))


_ACCUSATIVE_ALIF = re.compile("(?<=\\w)(?:\u0627\u064b|\u064b\u0627)(?!\\w)")


def _fold_word(match: re.Match[str]) -> str:
    word = match.group()
    if _LATIN.search(_ESCAPES.sub("", word)) is None:
        return word
    return word.translate(_CONFUSABLES)


# Letters with a stroke, which no decomposition strips: Polish "ł" is typed "l" as often as
# not ("placic" for "płacić", "zaplacisz"), so both spellings fold to one (round 20).
_STROKE_BASE = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D"}
_STROKE_TABLE = str.maketrans(_STROKE_BASE)


def strip_accents(text: str) -> str:
    """Remove combining accents while keeping the length (used for cue matching only)."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)
        out.append(base[0] if base and base[0].isascii() and base[0].isalpha() else ch)
    folded = "".join(out)
    if any(c in folded for c in _STROKE_BASE):  # four scans in C, not a lookup per character
        folded = folded.translate(_STROKE_TABLE)
    return folded


def fold(pattern: str, *, confusables: bool = True) -> str:
    """Fold a word list entry or regex fragment the way :func:`normalize` and
    :func:`strip_accents` fold messages, without lowercasing ASCII (regex escapes such as
    ``\\S`` keep their meaning), so data can be written with its real spelling.

    Look-alike letters are folded per whitespace-separated token, as in a message, which in a
    regex source with no spaces is the whole alternation: ``confusables=False`` leaves them
    for the caller to fold word by word (``lexicon.fragment_gate``)."""
    # as in messages, an accusative alif beside its tanween goes with it ("خصماً": "خصم")
    pattern = _ACCUSATIVE_ALIF.sub("", pattern)
    out: list[str] = []
    for ch in pattern:
        if ch in _INVISIBLE:
            continue
        folded = _PUNCT_FOLD.get(ch)
        if folded is None:
            folded = ch if ch.isascii() else unicodedata.normalize("NFKC", ch).lower()
        out.append(folded)
    s = "".join(out)
    if confusables and any(c in _CONFUSABLE_CHARS for c in s):
        # per alternative, not per whitespace token: in "(?:телефон|email)" the Latin of
        # "email" must not fold the Cyrillic of "телефон" (a message folds a token that mixes
        # the scripts, and "телефон" alone is no such token)
        s = _PATTERN_WORD.sub(_fold_word, s)
    return strip_accents(s)


def has_digits(s: str, k: int) -> bool:
    """``s`` holds at least ``k`` ASCII digits (counting stops as soon as it knows)."""
    total = 0
    for d in "0123456789":
        if total >= k:
            return True
        total += s.count(d)
    return total >= k
