"""Phone numbers in the digit view (digit words, multipliers, emoji and local-script digits
already turned into digits), validated with ``phonenumbers``; ids, tracking and registry
numbers, dates, prices and placeholder zeros are not phones."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers
from phonenumbers import re_util

from signaling.policy.detect import lexicon as lx
from signaling.policy.detect.model import Confidence, Finding, Spans, Views
from signaling.policy.detect.text import View, fold, has_digits


@dataclass(slots=True)
class _Run:
    start: int  # index in the digit view
    end: int
    digits: str
    groups: list[str]
    seps: list[str]
    plus: bool


def find_phones(views: Views, taken: Spans) -> list[Finding]:
    pv = views.digits
    s = pv.s
    if not has_digits(s, 7):  # every digit is ASCII here (see text.normalize)
        return []
    cue_text = views.norm.s
    has_cue = lx.PHONE_CUE_RE.search(cue_text) is not None
    if "\n" in s and (has_cue or "+" in s):
        s = _lines_joined(s, lx.PHONE_CUE_RE, has_cue)
    chains = not lx.REST_KEYS.isdisjoint(views.words)  # "then", "dann": pieces may follow
    # With no word of phoning, pieces joined by rest words are their own cue ("0857...
    # lanjutannya 1122... terakhir 3398", "पहले 4 अंक 8448, फिर बाकी … 71 2093"): only such
    # pieces are read then, never two runs that merely stand near each other.
    # (chat lines only: a long text without a word of phoning is not split into every digit
    # group for it, which cost 4 % of the instructions of a 10,000-character message)
    by_rest = chains and not has_cue and len(s) <= _BY_REST_MAX_CHARS
    runs = _digit_runs(s, pv, taken, _clusters(s, 0 if has_cue or by_rest else 7))
    if not runs:
        return []
    out: list[Finding] = []
    used: set[int] = set()
    if has_cue or by_rest:
        # A number split across sentences: "Area code is 415. The rest is 726 0093."
        for i in range(len(runs) - 1):
            r1, j = runs[i], i + 1
            if i in used or len(r1.digits) >= 10:
                continue
            found: tuple[_Run, str] | None = None
            pieces: list[_Run] = []
            last = j  # the index of the last piece (a chain's pieces are runs[i : i + k])
            if chains and i + 2 < len(runs) and len(r1.digits) < 7:
                # Three to five pieces joined by rest words ("area code 415. then 839. then
                # 2270.", "0172, dann 44, dann 98, dann 111"): the longest that validates.
                chain = _rest_chain(s, runs, i)
                if len(chain) < 3 or _clock_minutes(s, r1):
                    chain = []
                for k in range(len(chain), 2, -1):
                    found = _split_value(s, chain[:k])
                    if found is not None:
                        pieces, last = chain[:k], i + k - 1
                        break
            if found is None:
                if len(runs[j].digits) < 3 and j + 1 < len(runs):
                    j += 1  # "last four are 0187": "four" is no piece of the number
                r2 = runs[j]
                if r2.start - r1.end > 50 or len(r1.digits) < 2 or len(r2.digits) < 3:
                    continue
                if len(r1.digits) >= 7 and not _begun(s, r1, r2):
                    continue  # a whole number on its own unless "the rest" follows it
                if not _continues(r1, r2) or _clock_minutes(s, r1):
                    continue
                if _YEAR_RE.fullmatch(r1.digits) and _YEAR_RE.fullmatch(r2.digits):
                    continue  # two years told in turn, no pieces of one number
                if by_rest and not _rest_between(s, r1, r2):
                    continue
                if _told_apart(s, r1, r2):
                    continue  # round 33: "1420 W Fulton St, Suite 3, Chicago IL 60607"
                pieces, last = [r1, r2], j
                found = _split_value(s, pieces)
                if found is None:
                    continue
            merged, number = found
            # (the run after the last piece, joined by a rest word too, tells what they count:
            # "120 then 340 then 5600 then 78 units")
            more = runs[last + 1 : last + 2]
            if more and not _rest_between(s, runs[last], more[0]):
                more = []
            if by_rest and not _pieces_of_a_number(s, pieces + more, merged):
                continue
            used.update(range(i, last + 1))
            start, end = pv.span(merged.start, merged.end)
            out.append(
                Finding(
                    "phone", start, end, views.text[start:end], number, Confidence.PHONE_POSSIBLE
                )
            )
    for i, run in enumerate(runs):
        if i in used or not 7 <= len(run.digits) <= 15:
            continue
        value, conf = _validate_run(s, run, has_cue)
        if value is None:
            continue
        start, end = pv.span(run.start, run.end)
        if not run.digits.startswith(("09", "639")) and _RECEIPT_RE.search(
            views.text, max(0, start - 16), start
        ):
            continue  # a Philippine official receipt ("OR number 2025-0114"), not a mobile
        if not run.plus and _vat_number(views.text, start, run.digits):
            continue
        out.append(Finding("phone", start, end, views.text[start:end], value, conf))
    return out


# A line of a few digits and nothing else ("514", "8 912", "(0)5 38"): a piece of a number
# written one group per line.
_PIECE_LINE_RE = re.compile(r"[ \t]*[+(]?[0-9][0-9 \t().-]*[ \t]*")
_PIECE_MAX_DIGITS = 5  # a longer line is a whole number (or a price, an id) of its own
_PIECES_MAX_DIGITS = 15


def _lines_joined(s: str, cue: re.Pattern[str], has_cue: bool) -> str:
    """``s`` with the line breaks between pieces of one number written a group per line
    ("mon cell :\n514\n338\n7126", "номер\n8 912\n405\n77 31", "liga-me para o 912\n448\n307")
    made spaces: lines in a row of digits only, each with at most ``_PIECE_MAX_DIGITS``
    (the first may end such a group after words), that together hold 7 to
    ``_PIECES_MAX_DIGITS`` digits, right after a word of phoning (in the line before the
    pieces or before the first piece on its line), so a column of years or quantities is
    never joined. A first piece with a country code ("+43 664\n218\n7740") needs no word of
    phoning, and one led by a 0 ("mon 06\n51 38\n90 24") none beside it when the message has
    one. Offsets are unchanged (one character for one)."""
    lines = s.split("\n")
    if len(lines) < 2:
        return s
    out = list(s)
    starts = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    i = 0
    while i < len(lines):
        line = lines[i]
        head = _TRAILING_PIECE_RE.search(line)
        if head is None:
            i += 1
            continue
        before = line[: head.start()]
        own_line = not before.strip()
        if own_line:
            # the pieces begin on their own line: the word of phoning ends the line before
            before = lines[i - 1] if i > 0 else ""
        digits = _digits_in(head.group())
        lead = head.group().lstrip(" \t(")
        cued = (
            lead.startswith("+")
            or (has_cue and lead.startswith("0"))
            or cue.search(fold(before.lower())) is not None
        )
        if (
            not cued
            or digits > _PIECE_MAX_DIGITS
            or (own_line and any(c.isdigit() for c in before))
        ):
            i += 1
            continue
        j = i + 1
        while j < len(lines):
            n = _digits_in(lines[j])
            if not 0 < n <= _PIECE_MAX_DIGITS or _PIECE_LINE_RE.fullmatch(lines[j]) is None:
                break
            digits += n
            j += 1
        if j - i >= 2 and 7 <= digits <= _PIECES_MAX_DIGITS:
            for k in range(i + 1, j):
                out[starts[k] - 1] = " "
        i = max(j, i + 1)
    return "".join(out)


def _digits_in(text: str) -> int:
    """How many ASCII digits ``text`` holds (the digit view's are all ASCII)."""
    return sum(map(text.count, "0123456789"))


# The last group of a line, after words or alone ("liga-me para o 912", "514")
_TRAILING_PIECE_RE = re.compile(r"(?<![0-9])[+(]?[0-9][0-9 \t().-]*[ \t]*$")


# ASCII digits: every digit of the digit view is one (see ``text.normalize``), and "[0-9]" is a
# cheaper test than the Unicode digit class on a long message.
_DIGITS_RE = re.compile(r"[0-9]+")
# An EU-style VAT number: the country's code in capitals right before exactly as many digits
# as that country's VAT numbers have ("DE 123 456 789", "IT 12345678901", "PL 526-000-12-46").
# Read on the original text (lowercase "de", "it" are everyday words); Austria's "ATU" and
# Norway's "NO" are left out ("AT", "NO" in capitals also start a shouted "call me AT …").
_VAT_DIGITS = {
    "BE": (10,), "BG": (9, 10), "CZ": (8, 9, 10), "DE": (9,), "DK": (8,), "EE": (9,),
    "EL": (9,), "FI": (8,), "FR": (11,), "GB": (9, 12), "HR": (11,), "HU": (8,), "IT": (11,),
    "LT": (9, 12), "LU": (8,), "LV": (11,), "PL": (10,), "PT": (9,), "RO": (8, 9, 10),
    "SE": (12,), "SI": (8,), "SK": (10,),
}  # fmt: skip
_VAT_PREFIX_RE = re.compile(r"(?<![\w+])([A-Z]{2})[ \u00a0]?$")


def _vat_number(text: str, start: int, digits: str) -> bool:
    m = _VAT_PREFIX_RE.search(text, max(0, start - 3), start)
    return m is not None and len(digits) in _VAT_DIGITS.get(m.group(1), ())


# "OR" (official receipt) in capitals, as printed on Philippine receipts, then a number word:
# read on the original text, since the lowercase "or number" is English "or".
_RECEIPT_RE = re.compile(r"(?<![\w])O\.?R\.?\s*(?:[Nn]umber|[Nn]o\.?|#)\s*:?\s*$")
# Digits and whatever may join them into one number: a run never crosses a cluster's edge.
_CLUSTER_RE = re.compile(r"\d(?:[\d \t\-.|/()\u00a0,]*\d)?")


def _clusters(s: str, min_digits: int) -> list[tuple[int, int]]:
    """Spans of digit clusters with at least ``min_digits`` digits (one cheap pass, so a long
    message's many short numbers, prices and dates skip the per-group work)."""
    if min_digits <= 1:
        return [(0, len(s))]
    out: list[tuple[int, int]] = []
    for m in _CLUSTER_RE.finditer(s):
        if m.end() - m.start() < min_digits:
            continue
        text = m.group()
        if _digits_in(text) >= min_digits:
            out.append(m.span())
    return out


def _digit_runs(s: str, pv: View, taken: Spans, spans: list[tuple[int, int]]) -> list[_Run]:
    runs: list[_Run] = []
    if not spans:
        return runs
    # The taken spans as ranges of the digit view, once: a group is inside one when its
    # original index is (``Spans.covers``), and original indices grow with view indices.
    inside_view = [(pv.first_at(a), pv.first_at(b)) for a, b in taken.merged()]
    taken_view = [(a, b) for a, b in inside_view if a < b]
    ends = [b for _, b in taken_view]
    for lo, hi in spans:
        first = bisect.bisect_right(ends, lo)  # ranges that end by ``lo`` hold no group here
        runs.extend(_cluster_runs(s, bool(taken), taken_view, first, lo, hi))
    return runs


def _cluster_runs(
    s: str, has_taken: bool, taken_view: list[tuple[int, int]], k: int, lo: int, hi: int
) -> list[_Run]:
    runs: list[_Run] = []
    cur: _Run | None = None
    n = len(s)
    tail = -1  # end of the last digit group inside a link (or continuing its id)
    tail_digits = 0  # digits of that id so far
    # ``k``: the first range of ``taken_view`` that may hold this group or a later one
    n_taken = len(taken_view)
    for m in _DIGITS_RE.finditer(s, lo, hi):
        a, b = m.span()
        # Glued to a word, a hashtag, a percent sign or a code ("v2-3", "x/45"): no phone.
        glued = False
        if a > 0:
            c = s[a - 1]
            glued = c.isalpha() or c in "_#" or (c in "-/" and a > 1 and s[a - 2].isalpha())
        if not glued and b < n:
            c = s[b]
            glued = c.isalpha() or c in "_%" or (c in "-/" and b + 1 < n and s[b + 1].isalpha())
        if has_taken:
            # Inside an address or a link; or a group right after a link's digits
            # ("zoom.us/j/812 3456 7890", whose "812" is also glued to "j/"): the rest of the
            # meeting or file id, not a phone.
            if a - 1 == tail and s[a - 1] == " " and tail_digits < 9:
                inside = True
                tail_digits += b - a
            else:
                while k < n_taken and taken_view[k][1] <= a:
                    k += 1
                inside = k < n_taken and taken_view[k][0] <= a
                tail_digits = b - a
            if inside:
                # A whole id (nine digits or more) has nothing more to come.
                glued, tail = True, b
        if glued:
            if cur is not None:
                runs.append(cur)
            cur = None
            continue
        group = m.group()
        if cur is not None:
            sep = s[cur.end : a]
            # ``_joinable(sep, cur, group)``, its usual answers without a call
            kind = _SEPARATOR_KINDS.get(sep, _UNKNOWN) if len(sep) <= 6 else _NEVER
            if kind == _UNKNOWN:
                kind = _separator_kind(sep)
                if len(_SEPARATOR_KINDS) < _SEPARATOR_KINDS_MAX:
                    _SEPARATOR_KINDS[sep] = kind
            if kind == _ALWAYS or (kind == _COMMA and _joinable(sep, cur, group)):
                cur.end = b
                cur.digits += group
                cur.groups.append(group)
                cur.seps.append(sep)
                continue
            runs.append(cur)
        plus = False
        start = a
        j = a - 1
        while j >= 0 and s[j] in " (":
            j -= 1
        if j >= 0 and s[j] == "+":
            plus, start = True, j
        elif a > 0 and s[a - 1] == "(":
            start = a - 1
        cur = _Run(start, b, group, [group], [], plus)
    if cur is not None:
        runs.append(cur)
    return runs


_YEAR_RE = re.compile(r"(?:19|20)\d\d")
# The longest message whose pieces are read with no word of phoning.
_BY_REST_MAX_CHARS = 1_000
# Pieces read with no word of phoning make a number of at least this many digits: counts and
# prices told in turn ("2024, then 15 for setup, then 300") make shorter ones.
_MIN_DIGITS_BY_REST = 10


def _pieces_of_a_number(s: str, pieces: list[_Run], merged: _Run) -> bool:
    """Pieces joined by rest words alone (no word of phoning in the message) that make a whole
    number: ten digits or more, not led by a year ("Rok 2019, potem 2021 …"), not two round
    hundreds (prices told in turn: "Erst 2500 für das Design, dann 3200 …, dann 1800"), and a
    mobile number in some region (a fixed line's free lengths take any long sum of digits)."""
    if len(merged.digits) < _MIN_DIGITS_BY_REST:
        return False
    if _YEAR_RE.fullmatch(pieces[0].digits) is not None:
        return False
    if sum(1 for r in pieces if r.digits.endswith("00")) >= 2:
        return False
    if any(_PRICED_AFTER.match(s, r.end) is not None for r in pieces):
        return False  # "2500 für das Design", "78 units", "120 €": amounts, not digits
    return _mobile_somewhere(merged.digits, merged.plus)


# What an amount is followed by: a currency, a unit, or what it pays for ("2500 für das
# Design", "2300 pelo layout", "4500 за дизайн", "3500 tasarım için" has "için" later).
_PRICED_AFTER = re.compile(
    r"\s*(?:[€$£₹%]|(?:for|fur|pour|por|pelo|pela|para|per|za|на|за|ka|ki|ke liye|icin|untuk"
    r"|units?|pcs|pieces?|px|items?|usd|eur|pln|zl|руб\w*|rs|inr|tl|lira|dolar\w*|euro\w*"
    r"|reais|pesos?|rupees?|rupay\w*)(?!\w))"
)


_MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


@functools.lru_cache(maxsize=1024)
def _mobile_somewhere(digits: str, plus: bool) -> bool:
    """The digits are a valid mobile number in one of the regions tried."""
    return any(
        phonenumbers.number_type(number) in _MOBILE_TYPES for number in _valid_numbers(digits, plus)
    )


def _begun(s: str, r1: _Run, r2: _Run) -> bool:
    """``r1`` (seven digits or more) is only the start of a number: typed in groups like one
    ("0812 3345", not a count "2500000" nor a date "2024 06 15") and followed by a rest word
    ("sisanya", "the rest", "дальше") right before ``r2``."""
    if len(r1.groups) < 2 or _date_run(s[r1.start : r1.end], len(r1.digits)):
        return False
    rest = lx.REST_WORD_RE.search(s, r1.end, r2.start)
    return rest is not None and _FEW_WORDS_RE.fullmatch(s, rest.end(), r2.start) is not None


def _rest_chain(s: str, runs: list[_Run], i: int) -> list[_Run]:
    """Runs from ``runs[i]`` on, each joined to the one before by a rest word ("0172, dann
    44, dann 98, dann 111", "415. then 839. then 2270"): at most five pieces."""
    pieces = [runs[i]]
    for nxt in runs[i + 1 : i + 5]:
        last = pieces[-1]
        if nxt.start - last.end > 50 or nxt.plus or not _rest_between(s, last, nxt):
            break
        if not _continues(last, nxt):
            break
        pieces.append(nxt)
    return pieces


def _split_value(s: str, pieces: list[_Run]) -> tuple[_Run, str] | None:
    """The number the pieces of a split number make, merged and validated, or None."""
    digits = "".join([r.digits for r in pieces])
    if not 8 <= len(digits) <= 13:
        return None
    for r in pieces:
        if _negative_context(s, r.start):
            return None
    first, last = pieces[0], pieces[-1]
    if _id_word_after(s, first.start, last.end) or _called_placeholder(s, first.start, last.end):
        return None
    merged = _Run(
        first.start, last.end, digits, [g for r in pieces for g in r.groups], [], first.plus
    )
    if _fictional(merged.digits) or _placeholder(merged.digits):
        return None
    value = _strict_number(merged)
    return None if value is None else (merged, value)


def _rest_between(s: str, r1: _Run, r2: _Run) -> bool:
    """A rest word ("then", "dann", "потом") and at most two more words between two pieces."""
    if lx.REST_KEYS.isdisjoint(lx.WORD_PIECE_RE.findall(s, r1.end, r2.start)):
        return False  # most gaps in a long message: no rest word, no regex search
    rest = lx.REST_WORD_RE.search(s, r1.end, r2.start)
    return rest is not None and _FEW_WORDS_RE.fullmatch(s, rest.end(), r2.start) is not None


# At most six words (split on spaces: a Devanagari vowel sign is no word character, so "\w+"
# would cut "मैसेज" in three) and a count of one or two digits among them ("baaki 5 next msg").
_FEW_WORDS_RE = re.compile(r"\W*(?:(?:[^\s\d]+|\d{1,2})\s+){0,6}\W*")


def _continues(r1: _Run, r2: _Run) -> bool:
    """``r2`` may be the rest of the number ``r1`` began in an earlier sentence ("Area code is
    415. The rest is 726 0093."): not when ``r2`` starts with "+" (a number of its own), nor
    when ``r1`` is a version or a decimal ("TypeScript 5.4"), a reference ("2024/118") or a
    date."""
    if r2.plus or any("." in sep or "/" in sep for sep in r1.seps):
        return False
    return not _reference(r1) and not _reference(r2)


_GAP_WORD = re.compile(r"[^\W\d_]+")
_CUE_BEFORE_PIECE = 30
_GAP_WORDS = 6  # words between two pieces past which, with no word of phoning, they part


def _told_apart(s: str, r1: _Run, r2: _Run) -> bool:
    """Words between the two pieces, none of them a word of phoning or of "the rest": an
    address's house number and its postcode ("1420 W Fulton St, Suite 3, Chicago IL 60607"),
    not a number said in two goes."""
    gap = s[r1.end : r2.start]
    if len(_GAP_WORD.findall(gap)) < _GAP_WORDS:
        return False
    if lx.PHONE_CUE_RE.search(s, max(0, r1.start - _CUE_BEFORE_PIECE), r1.start) is not None:
        return False  # "My cell starts 0176 lol … so yeah 23456789": announced before it
    return lx.PHONE_CUE_RE.search(gap) is None and not _rest_between(s, r1, r2)


def _clock_minutes(s: str, run: _Run) -> bool:
    """``run`` is the minutes of a time ("Call at 10:30. Room 412 663"), not an area code."""
    return run.start >= 2 and s[run.start - 1] == ":" and s[run.start - 2].isdigit()


# A year then a serial: "2024/118", "2023/00457" (an invoice, order or file number).
_YEAR_SERIAL_RE = re.compile(r"(?:19[89]\d|20[0-4]\d)/\d{1,6}")


def _reference(run: _Run) -> bool:
    """A year and a serial joined by "/" ("2024/118 ... fatura"): a reference number."""
    return (
        not run.plus
        and len(run.groups) == 2
        and run.seps[0].strip() == "/"
        and _YEAR_SERIAL_RE.fullmatch(run.groups[0] + "/" + run.groups[1]) is not None
    )


def _compact_date(digits: str) -> bool:
    """Eight digits that read as a date, year first ("20250412")."""
    if len(digits) != 8 or not digits.startswith(("19", "20")):
        return False
    month, day = int(digits[4:6]), int(digits[6:])
    return 1 <= month <= 12 and 1 <= day <= 31


def _postcode(run: _Run) -> bool:
    """Five digits, "-", three ("01310-100", a Brazilian CEP): no phone is written so."""
    return run.seps == ["-"] and [len(g) for g in run.groups] == [5, 3]


def _check_digit_id(run: _Run) -> bool:
    """An id that ends in a check digit after a hyphen ("34-1234567-8", "01.234.567.8-901",
    "123.456.789-09"): a long group, "-", then one or two digits; phones do not end so."""
    if len(run.groups) < 3 or run.seps[-1] != "-":
        return False
    last, before = len(run.groups[-1]), len(run.groups[-2])
    if last == 1:
        return max(len(g) for g in run.groups[:-1]) >= 3
    return last == 2 and before >= 3 and "." in run.seps[:-1]


def _joinable(sep: str, cur: _Run, nxt: str) -> bool:
    kind = _separator_kind(sep) if len(sep) <= 6 else _NEVER
    if kind == _COMMA:
        return len(cur.groups[-1]) <= 4 and len(nxt) <= 4 and "." not in "".join(cur.seps)
    return kind == _ALWAYS


_NEVER, _ALWAYS, _COMMA, _UNKNOWN = 0, 1, 2, 3
# ``_separator_kind`` of the separators met so far (at most six characters each; the first
# ``_SEPARATOR_KINDS_MAX`` kept, the rest asked of its own cache)
_SEPARATOR_KINDS: dict[str, int] = {}
_SEPARATOR_KINDS_MAX = 4096


@functools.lru_cache(maxsize=1024)
def _separator_kind(sep: str) -> int:
    """What joins two digit groups: phone separators (not ". ", which ends a sentence), a comma
    with spaces (only between short groups, see ``_joinable``), or nothing."""
    if not sep or len(sep) > 4:
        if not (len(sep) <= 6 and sep.strip(" ") == ","):
            return _NEVER
    if all(c in lx.PHONE_SEP_CHARS for c in sep):
        # ". " right after a group ends a sentence ("I have 3. 12 more"); a dot with a space
        # before it ("0532 . 111", "0532 .. 111") is a separator typed to hide the number.
        if sep.endswith(". ") and not sep.startswith(" "):
            return _NEVER
        return _ALWAYS
    if sep.strip(" ") == ",":
        return _COMMA
    return _NEVER


def _id_word_after(s: str, start: int, end: int) -> bool:
    """An id word right after the number ("2024/118 nolu fatura", "118 नंबर का बिल"), and
    no phone word right before it: "call me 0412 663 095 re invoice" and "Позвони 8 912 345
    67 89 по заказу" ask for a call about the order."""
    if lx.PHONE_NEG_AFTER_RE.match(s, end) is None:
        return False
    return lx.PHONE_CUE_RE.search(s, max(0, start - 24), start) is None


def _called_placeholder(s: str, start: int, end: int) -> bool:
    """round 11 (guard-ids6): the writer calls the number a dummy, fake or sample within three
    words of it ("use 555-0100 as the dummy number", "als Dummy-Nummer")."""
    m = lx.PLACEHOLDER_AFTER_RE.match(s, end, end + 40)
    if m is None:
        m = lx.PLACEHOLDER_BEFORE_RE.search(s, max(0, start - 40), start)
    return m is not None and lx.PLACEHOLDER_DENIED_RE.search(m.group()) is None


# A word of four letters or more, then a sentence end; not an abbreviation of "number" ending
# in "nr" ("USt-IdNr. DE 123 456 789", "Rechnungsnr. 2024 118"), whose dot ends nothing.
_SENTENCE_END_RE = re.compile(r"[^\W\d_]{4,}(?<!nr)[.!?]\s|[!?]\s|\n")


def _negative_context(s: str, pos: int) -> bool:
    """An id, price, card, code... keyword right before the digits, not overridden by a later
    phone keyword ("meeting ID 845..., dial-in +1 ..." keeps the dial-in number)."""
    before = s[max(0, pos - 48) : pos].replace("area code", "area")
    neg = lx.PHONE_NEG_RE.search(before)
    if neg is None:
        return False
    if (
        neg.group("cue") == "po"
        and _PO_NUMBER.match(before, neg.end("cue")) is None
        and (
            _TAGALOG_PO.search(before, 0, neg.start("cue")) is not None
            or _TAGALOG_WORD.search(s, max(0, pos - 60), min(len(s), pos + 60)) is not None
        )
    ):
        # Tagalog "po" (politeness) after "number ko", or in a sentence with Tagalog's own
        # little words ("Kung urgent po 0995 …, tawag na lang kayo"): not a purchase order
        return False
    # An id word in an earlier sentence says nothing here ("The order is ready. My number
    # is ..."); "no." and "ref." are abbreviations, not sentence ends.
    ends = list(_SENTENCE_END_RE.finditer(before, neg.start("cue")))
    if ends:
        before = before[ends[-1].end() :]
        neg = lx.PHONE_NEG_RE.search(before)
        if neg is None:
            return False
    override = lx.PHONE_NEG_OVERRIDE_RE.search(before, neg.end("cue"))
    return override is None


_PO_NUMBER = re.compile(r"\s*(?:number|no\b|num\b|#)")  # "PO number": the id, in any sentence
# Tagalog's little words (case markers, pronouns, "lang", "naman"): "po" near them is
# politeness. None is an everyday English, Spanish, Indonesian or Hinglish word ("ko" and "ho"
# are Hinglish too).
_TAGALOG_WORD = re.compile(
    r"(?<!\w)(?:kung|ng|ang|mga|yung|naman|kayo|tayo|lang|nalang|mo|nyo|niyo|ninyo|natin"
    r"|namin|opo)(?!\w)"
)
# The words Tagalog "po" follows in "number ko po:", "ito po", "eto po yung number ko"
_TAGALOG_PO = re.compile(
    r"(?<!\w)(?:ko|mo|nyo|niyo|ninyo|ito|eto|heto|iyan|yan|yun|number|numero|cp|contact|opo"
    r"|ang|yung|naman|lang|nalang)\s+$"
)


# A letters-and-digits code right before the digits ("1Z 999 AA1 0123 4567 84"): the digits
# continue a parcel or registry id; times such as "9am" do not count.
_CODE_BEFORE_RE = re.compile(
    r"(?<![\w-])(?=[a-z]*\d)(?=\d*[a-z])(?!\d{1,2}(?:am|pm|h)\b)[a-z\d]{2,6}[ ]$"
)


def _validate_run(s: str, run: _Run, has_cue: bool) -> tuple[str | None, float]:
    # Every test before the validation only rejects: the cheap ones on the run itself first,
    # then the ones that read the words around it.
    seps = "".join(run.seps)
    if not run.plus:
        if len(run.groups) == 1 and (not has_cue or _compact_date(run.digits)):
            return None, 0.0  # one bare block of digits: an id, a barcode, an epoch, a date
        if len(run.groups) == 4 and all(len(g) <= 3 for g in run.groups) and set(seps) == {"."}:
            return None, 0.0  # IPv4 address
        if "." in seps and "," in seps:
            return None, 0.0  # a list of decimals
        if len(run.digits) == 13 and run.digits[:3] in {"978", "979"}:
            return None, 0.0  # ISBN-13 / EAN
        if _reference(run) or _check_digit_id(run) or _postcode(run):
            return None, 0.0
        if len(run.groups) >= 2 and all(_YEAR_RE.fullmatch(g) for g in run.groups):
            return None, 0.0  # years in a row ("phone model years: 2019, 2020, 2021")
        # A date reads only the run: asked before the words around it (only rejections come
        # before the validation, so their order changes no answer).
        if _date_run(s[run.start : run.end], len(run.digits)):
            return None, 0.0
    if _fictional(run.digits) or _placeholder(run.digits):
        return None, 0.0
    if _negative_context(s, run.start) or _called_placeholder(s, run.start, run.end):
        return None, 0.0
    if not run.plus:
        if _id_word_after(s, run.start, run.end):
            return None, 0.0
        if _CODE_BEFORE_RE.search(s, max(0, run.start - 8), run.start):
            return None, 0.0
    strict = _strict_number(run)
    if strict is not None:
        return strict, Confidence.PHONE_INTERNATIONAL if run.plus else Confidence.PHONE_VALID
    if has_cue or (run.plus and len(run.groups) >= 2):
        loose = _possible_number(run)
        if loose is not None:
            return loose, Confidence.PHONE_POSSIBLE
    return None, 0.0


def _date_run(text: str, n_digits: int) -> bool:
    """A plausible calendar date makes up (nearly) all of the run: "06/30/2025 1159" is a
    date and a time, while "8 (903) 123-45-67" merely ends in a date-shaped group."""
    for m in lx.DATE_RE.finditer(text):
        parts = [int(p) for p in re.split(r"[/.-]", m.group())]
        lens = [len(p) for p in re.split(r"[/.-]", m.group())]
        ymd = lens[0] == 4 and 1 <= parts[1] <= 12 and 1 <= parts[2] <= 31
        dmy = lens[0] <= 2 and lens[2] in (2, 4) and 1 <= min(parts[0], parts[1])
        dmy = dmy and min(parts[0], parts[1]) <= 12 and max(parts[0], parts[1]) <= 31
        if (ymd or dmy) and sum(c.isdigit() for c in m.group()) >= n_digits - 4:
            return True
    return False


def warm_up_phone_metadata() -> None:
    """Load libphonenumber's metadata for every region tried, once, and keep its compiled
    patterns (more regions than the re module's own cache holds would recompile them on
    every number): the first long message then costs what every other one does."""
    enable = getattr(re_util, "enable_pattern_cache", None)
    if enable is not None:
        enable()
    # Also every region that shares a country code with one of them: validating a number
    # under "US" asks which of the 25 "+1" regions it belongs to, and loading those on the
    # first such number cost it ~3 ms.
    regions = set(lx.PHONE_REGIONS)
    for region in lx.PHONE_REGIONS:
        code = phonenumbers.country_code_for_region(region)
        regions.update(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ()))
    for region in sorted(regions):
        example = phonenumbers.example_number(region)
        if example is not None:
            phonenumbers.is_valid_number(example)


def _placeholder(digits: str) -> bool:
    """A mask or placeholder ("+1 (000) 000-0000", "00000 00000"): all but two digits are 0,
    or the last seven are ("+34 600 000 000", "+1 555 000 0000": a prefix then zeros; "+7 495
    100 0000" is a number)."""
    return digits.count("0") >= len(digits) - 2 or digits.endswith("0000000")


def _fictional(digits: str) -> bool:
    """Documented test numbers: NANP 555-01XX and Twilio's 500-555-XXXX magic numbers."""
    d = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    # (round 30: "+1-555-010-0000", the 555-01XX range written where the area code goes)
    return len(d) == 10 and (
        (d[3:6] == "555" and d[6:8] == "01") or d.startswith(("500555", "55501"))
    )


# Round 33: Mexico's former mobile prefix "1" after the country code ("+52 1 55 4187 2290"),
# still written in signatures and WhatsApp links; the number is the same without it.
_MX_OLD_MOBILE = re.compile(r"\+521(?=\d{10}$)")


def _parse(digits: str, plus: bool, region: str | None) -> phonenumbers.PhoneNumber | None:
    if plus:
        digits, region = "+" + digits, None
    elif digits.startswith("00") and len(digits) > 9:
        digits, region = "+" + digits[2:], None
    if digits.startswith("+521"):
        digits = _MX_OLD_MOBILE.sub("+52", digits)
    try:
        return phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _strict_number(run: _Run) -> str | None:
    return _valid_e164(run.digits, run.plus)


@functools.lru_cache(maxsize=4096)
def _valid_e164(digits: str, plus: bool) -> str | None:
    """The number valid in the first region that takes it (cached: long messages repeat)."""
    number = next(_valid_numbers(digits, plus), None)
    return None if number is None else _e164(number)


def _valid_numbers(digits: str, plus: bool) -> Iterator[phonenumbers.PhoneNumber]:
    """The digits parsed in each region tried that takes them as a valid number, in order."""
    regions: tuple[str | None, ...] = (
        (None,) if plus or digits.startswith("00") else lx.PHONE_REGIONS
    )
    for region in regions:
        number = _parse(digits, plus, region)
        if number is not None and phonenumbers.is_valid_number(number):
            yield number


def _possible_number(run: _Run) -> str | None:
    """A number of a plausible length for its region (fictional but real-looking ranges)."""
    if not run.plus and len(run.groups) < 2:
        return None
    return _possible_e164(run.digits, run.plus)


@functools.lru_cache(maxsize=4096)
def _possible_e164(digits: str, plus: bool) -> str | None:
    regions: tuple[str | None, ...] = (
        (None,) if plus or digits.startswith("00") else lx.PHONE_REGIONS[:4]
    )
    for region in regions:
        number = _parse(digits, plus, region)
        if number is not None and phonenumbers.is_possible_number(number):
            return _e164(number)
    return None
