"""Compiled patterns the detector matches against normalised text.

Everything here is matched on a lowercased, NFKC-normalised, accent-stripped view, so the
patterns are written without capitals or accents. Language-specific words come from
``languages`` (one entry per language) and are merged into these patterns; the patterns below
that are written inline are the language-neutral core (URL and address shapes, English).
"""

from __future__ import annotations

import functools
import operator
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

import ahocorasick

from signaling.policy.detect.languages import LANGUAGES, NOT_A_PAY_LINK
from signaling.policy.detect.regex_opt import (
    COMPILED,
    StartScan,
    compile_fast,
    compile_words,
    finditer_at,
    literal_first,
    optimize,
    split_top,
)
from signaling.policy.detect.text import fold

_ESCAPE_OR_TEXT = re.compile(r"\\.|[^\\]+")


def _lower(pattern: str) -> str:
    """Lowercase a word or regex fragment but not its escapes: "\\S" stays "any non-space"."""
    return _ESCAPE_OR_TEXT.sub(lambda m: m[0] if m[0][0] == "\\" else m[0].lower(), pattern)


def _words(items: Iterable[str]) -> list[str]:
    """Folded, de-duplicated, longest first (so "at the rate" wins over "at")."""
    seen = {fold(_lower(w)) for w in items if w}
    return sorted(seen, key=lambda w: (-len(w), w))


def _alt(items: Iterable[str], *, escape: bool = True) -> str:
    """A regex alternation of words (escaped, spaces as ``\\s+``) or of regex fragments."""
    words = _words(items)
    if escape:
        words = [re.escape(w).replace(r"\ ", r"\s+") for w in words]
    else:
        for w in words:
            _check_fragment(w)
    return "|".join(words)


def _check_fragment(fragment: str) -> None:
    """A regex fragment of a language's lists, folded, must stand as one alternative on its own:
    folding can empty a character class ("دو[ّ]?ر" loses its shadda: "[]?" then reads as a
    class that runs on through the next alternatives and swallows them). Raised at import."""
    try:
        re.compile(fragment)
    except re.error as exc:
        raise ValueError(f"language fragment {fragment!r} does not compile: {exc}") from None
    if "[]" in fragment or "[^]" in fragment:
        raise ValueError(f"language fragment {fragment!r} has an empty class once folded")


def _union(attr: str) -> list[str]:
    out: list[str] = []
    for lang in LANGUAGES:
        out.extend(getattr(lang, attr))
    return out


def _merged(attr: str) -> MappingProxyType[str, object]:
    out: dict[str, object] = {}
    for lang in LANGUAGES:
        for word, value in getattr(lang, attr).items():
            out.setdefault(fold(word.lower()), value)
    return MappingProxyType(out)


# --- numbers said as words (every language) --------------------------------------------------

DIGIT_WORDS: MappingProxyType[str, str] = _merged("digits")  # type: ignore[assignment]
TWO_DIGIT_WORDS: MappingProxyType[str, int] = _merged("two_digit")  # type: ignore[assignment]
TENS_WORDS: MappingProxyType[str, int] = _merged("tens")  # type: ignore[assignment]
HUNDREDS_WORDS: MappingProxyType[str, int] = _merged("hundreds")  # type: ignore[assignment]
MULTIPLIERS: MappingProxyType[str, int] = _merged("multipliers")  # type: ignore[assignment]

_UNIT = _alt([k for k, v in DIGIT_WORDS.items() if v != "0"] + list(TWO_DIGIT_WORDS))
_ANY_UNIT = _alt(list(DIGIT_WORDS) + list(TWO_DIGIT_WORDS))
_TENS = _alt(TENS_WORDS)
_HUNDREDS = _alt(HUNDREDS_WORDS)
_B = r"(?![\w\u0900-\u097f])"  # end of a word (Devanagari vowel signs are not \w)
# One number in words: "девятьсот шестнадцать", "сто двадцать три", "cinquante-six",
# "treinta y cuatro", "vinte e um", "vingt et un", "soixante-dix-huit", "twenty one", or a
# single digit or two-digit word.
NUMBER_WORD_RE = compile_fast(
    r"(?<![\w\u0900-\u097f])(?=[^\W\d_])"
    r"(?:(?P<hundreds>"
    + _HUNDREDS
    + r")"
    + _B
    # "duzentos e oito", "hundred and five": a connector after the hundreds too
    + r"(?:(?:\s+(?:e|y|and|i)\s+|\s+)(?=(?:"
    + _TENS
    + "|"
    + _UNIT
    + r")"
    + _B
    + r")|"
    + _B
    + r"))?"
    r"(?:(?P<tens>"
    + _TENS
    + r")(?:(?:\s*-\s*|-et-|\s+(?:y|e|et|and|und|i)\s+|\s+)(?=(?:"
    + _UNIT
    + r")"
    + _B
    + r")|"
    + _B
    + r"))?"
    r"(?P<unit>" + _ANY_UNIT + r")?" + _B
)
# Every word piece of a number word, to tell cheaply whether a message has any.
WORD_PIECE_RE = re.compile(r"[\u0900-\u097f]+|[^\W\d_]+")
NUMBER_PIECES = frozenset(
    piece
    for word in [*DIGIT_WORDS, *TWO_DIGIT_WORDS, *TENS_WORDS, *HUNDREDS_WORDS, *MULTIPLIERS]
    for piece in WORD_PIECE_RE.findall(word)
)


class _Spacer(dict[int, str]):
    """``str.translate`` table: every character that is not a letter or a combining mark
    (Devanagari vowel signs) becomes a space; filled in as characters are met."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        keep = ch.isalpha() or unicodedata.category(ch).startswith("M")
        value = ch if keep else " "
        self[code] = value
        return value


# Punctuation, symbols and digits as spaces, so str.split() yields the word pieces of a
# message (the same pieces ``WORD_PIECE_RE`` finds).
PUNCT_TO_SPACE = _Spacer()


class WordPieces(frozenset[str]):
    """The distinct word pieces of one message (``word_pieces``), remembering that message.

    ``text`` joins the pieces with newlines: a stem made of letters occurs in the message
    exactly when it occurs in ``text``, which is far shorter than a long message that repeats
    its words (see ``Gate.may_match``)."""

    source: str
    _text: str | None
    # the slots of the indexed gates whose words this message has (``GateIndex``), once
    _passed: set[int] | None
    # ... and of those it passes by their words or stems (``GateIndex.passing``), once
    _passing: set[int] | None
    # the first three letters of each piece (``_StartGate``), once
    _firsts: frozenset[str] | None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "\n".join(self)
        return self._text


def word_pieces(s: str) -> WordPieces:
    """The word pieces of a (normalised) message, computed once per message (``Views.words``)."""
    pieces = WordPieces(s.translate(PUNCT_TO_SPACE).split())
    pieces.source = s
    pieces._text = None
    pieces._passed = None
    pieces._passing = None
    pieces._firsts = None
    return pieces


def _piece_chars(word: str) -> bool:
    """Every character of ``word`` is kept inside a word piece (see ``PUNCT_TO_SPACE``)."""
    return all(PUNCT_TO_SPACE[ord(c)] != " " for c in word)


@functools.lru_cache(maxsize=1024)
def number_piece_finder(pieces: frozenset[str]) -> re.Pattern[str]:
    """A pattern for the start of any of these number-word pieces (the few a message has)."""
    # Each alternative starts with its first character and only then looks behind it, so a
    # search skips to those characters: the same matches as "(?<![\w...])(?:five|two)".
    alternation = "|".join(
        re.escape(p[0]) + r"(?<![\w\u0900-\u097f].)" + re.escape(p[1:])
        for p in sorted(pieces, key=len, reverse=True)
    )
    return re.compile(alternation)


def first_pieces(items: Iterable[str]) -> frozenset[str]:
    """The first word piece of every phrase: a pattern that starts with one of the phrases at
    a word boundary can only match when one of these is a word of the message (a cheap gate
    checked against ``Views.words`` before scanning a long message)."""
    out: set[str] = set()
    for w in _words(items):
        pieces = WORD_PIECE_RE.findall(w)
        if pieces:
            out.add(pieces[0])
    return frozenset(out)


def key_pieces(items: Iterable[str]) -> frozenset[str]:
    """The longest word piece of every phrase: like :func:`first_pieces`, a phrase can only
    match when that piece is a word of the message, and a long piece ("before" in "the part
    before it") passes far fewer messages than a first one ("the")."""
    out: set[str] = set()
    for w in _words(items):
        pieces = WORD_PIECE_RE.findall(w)
        if pieces:
            out.add(max(pieces, key=len))
    return frozenset(out)


MULTIPLIER_GATE = first_pieces(MULTIPLIERS)
POST_MULTIPLIERS: MappingProxyType[str, int] = _merged("post_multipliers")  # type: ignore[assignment]
POST_MULTIPLIER_GATE = frozenset(w.split()[-1] for w in POST_MULTIPLIERS)
# "ثلاثة مرتين، ٤ ٥", "saat do baar, ek": the digit, then the multiplier, then no digit.
POST_MULTIPLIER_RE = compile_fast(
    r"(?<![\w])(?P<d>\d)\s+(?P<rep>" + _alt(POST_MULTIPLIERS) + r")(?!\w|\s*\d)"
)
PLUS_WORD_GATE = first_pieces(_union("plus_words"))
# An article may stand between ("zweimal die 4", "two times the 8").
MULTIPLIER_RE = compile_fast(
    r"(?<!\w)(?P<rep>"
    + _alt(MULTIPLIERS)
    + r")(?:\s+|\s*-\s*)(?:(?:die|the|la|le|il|el)\s+)?(?P<d>\d)"
)
PLUS_WORD_RE = compile_fast(r"(?<!\w)(?:" + _alt(_union("plus_words")) + r")\s+(?=\d)")

# --- obfuscated "@" and "." ----------------------------------------------------------------

# Sentinels: a bare spoken "at" becomes WEAK_AT, a spoken "dot" becomes WORD_DOT and a spoken
# "point"/"punto" becomes WEAK_DOT, so the email check can ask for more evidence for them.
WEAK_AT = "\ue000"
WEAK_DOT = "\ue001"
WORD_DOT = "\ue002"

_STRONG_AT = _alt(_union("at_words"))
_WEAK_AT = _alt(_union("weak_at_words") + _union("rare_at_words"))
RARE_AT_WORDS = frozenset(fold(w.lower()) for w in _union("rare_at_words"))
_STRONG_DOT = _alt(_union("dot_words"))
_WEAK_DOT = _alt(_union("weak_dot_words"))
_AT_WORDS = "@|" + _alt(_union("at_words") + _union("weak_at_words") + ["ат"])
# The one-word names of "@" ("arroba", "arobase", "małpa", "собака"), as the normalised
# view writes them: said right before a handle after an app ("no Telegram é arroba rafa_x").
SPOKEN_AT_WORDS = frozenset(
    form
    for word in _union("at_words") + _union("at_symbol_names")
    if " " not in word and "-" not in word
    for form in (word, fold(word))
)
_DOT_WORDS = r"\.|" + _alt(_union("dot_words") + _union("weak_dot_words"))
BRACKET_AT_RE = compile_fast(
    r"\s*(?:\[\s*(?:" + _AT_WORDS + r")\s*\]|\(\s*(?:" + _AT_WORDS + r")\s*\)"
    r"|\{\s*(?:" + _AT_WORDS + r")\s*\}|<\s*(?:" + _AT_WORDS + r")\s*>)\s*"
)
BRACKET_DOT_RE = compile_fast(
    r"\s*(?:\[\s*(?:" + _DOT_WORDS + r")\s*\]|\(\s*(?:" + _DOT_WORDS + r")\s*\)"
    r"|\{\s*(?:" + _DOT_WORDS + r")\s*\}|<\s*(?:" + _DOT_WORDS + r")\s*>)\s*"
)
# Cheap first look (it starts with the bracket, so the scan skips to brackets): is there any
# bracketed "@" or "." word at all?
BRACKET_HINT_RE = re.compile(r"[\[({<]\s*(?:" + _AT_WORDS + "|" + _DOT_WORDS + r")\s*[\]})>]")
WORD_AT_RE = compile_fast(
    r"(?<=[a-z0-9_])\s+(?:" + _STRONG_AT + r"|@)\s+(?=[a-z0-9])"
    r"|(?P<weak>(?<=[a-z0-9_])\s+(?:" + _WEAK_AT + r")\s+(?=[a-z0-9]))"
)
WORD_DOT_RE = compile_fast(
    r"(?<=[a-z0-9])\s+(?:(?P<dot>" + _STRONG_DOT + r"|\.)|(?P<weak>" + _WEAK_DOT + r"))\s+"
    r"(?=[a-z0-9])"
)
# Both in one pass (the view is rebuilt once): the group that matched names the symbol.
WORD_AT_DOT_RE = compile_fast(
    r"\s(?<=[a-z0-9_]\s)\s*(?:(?P<at>" + _STRONG_AT + r"|@)|(?P<weak_at>" + _WEAK_AT + r")"
    r"|(?P<dot>" + _STRONG_DOT + r"|\.)|(?P<weak_dot>" + _WEAK_DOT + r"))\s+(?=[a-z0-9])"
)
# Letters spaced out ("d r o p b o x . com/s/x"): six or more single characters, plus the
# token after a final ".", "@" or "/"; or three to five letters right before " . ". The last
# may have a sentence's stop right after it ("... g m a i l . c o m."), and a dash is no last
# letter ("p r o t o n . m e - spaced out so the bot misses it": the dash starts a remark).
SPACED_RUN_RE = compile_fast(
    r"(?<!\S)\S(?: \S){5,}(?:(?<=[.@/]) \S+)?(?<![-\u2013\u2014])(?=[.,;:!?)]*(?:\s|$))"
)
SPACED_SHORT_RE = compile_fast(r"(?<!\S)[a-z0-9](?: [a-z0-9]){2,4}(?= \. ?[a-z])")
# A suffix spaced out after a spoken dot ("m e g a kropka n z"), once the dot is a sentinel.
SPACED_AFTER_WORD_DOT_RE = compile_fast(r"(?<=[\ue001\ue002])[a-z0-9](?: [a-z0-9]){1,5}(?!\S)")
# The same before a spoken dot ("d r i v e kropka google"), once that dot is a sentinel.
SPACED_BEFORE_WORD_DOT_RE = compile_fast(
    r"(?<!\S)[a-z0-9](?: [a-z0-9]){2,5}(?=[\ue001\ue002][a-z])"
)
# A host followed by a path whose "/", "?" and "=" were spaced out ("dropbox . com / s / x7k2",
# "onedrive.live.com / ? id = 88AF"): glued back when the host is a known link host.
SPACED_PATH_RE = compile_fast(
    r"(?<![\w.\-])(?P<host>(?:[a-z0-9-]+[.\ue001\ue002])+[a-z]{2,24})"
    r"(?P<path>\s*/\s*(?:[\w.\-~%+]+)?(?:\s*[/?=&#]\s*[\w.\-~%+]+)*)"
)
SLASH_GATE = first_pieces(_union("slash_words"))
# Every spoken "@" and "." that ``WORD_AT_DOT_RE`` reads: the gate and the anchored search are
# built from this one list, so a new kind of word cannot be matched by the pattern and missed
# by the shortcut.
_AT_DOT_SPOKEN = (
    _union("at_words")
    + _union("weak_at_words")
    + _union("rare_at_words")
    + _union("dot_words")
    + _union("weak_dot_words")
)
AT_DOT_GATE = first_pieces(_AT_DOT_SPOKEN)
_AT_DOT_WORDS = _words(_AT_DOT_SPOKEN)


def _first_piece_needles(words: Iterable[str]) -> dict[str, frozenset[str]]:
    """For each first word piece (as ``word_pieces`` cuts a message) of these words, what a
    message without whitespace other than " " shows where one of them follows a space: the
    space, the piece and the character after it in the word ("at-zeichen": " at-"), or a
    space when the piece is the whole word (a match of a spoken symbol ends in whitespace)."""
    out: dict[str, set[str]] = {}
    for w in words:
        piece = w.translate(PUNCT_TO_SPACE).split()[0]
        after = w[len(piece) : len(piece) + 1] or " "
        out.setdefault(piece, set()).add(" " + piece + after.replace("\t", " "))
    return {p: frozenset(n) for p, n in out.items()}


# ``WORD_AT_DOT_RE`` tried only where it can begin (``views._at_dot_matches``): at the first of
# the spaces before " @ ", " . " or a spoken symbol, whose first word piece is then a piece of
# the message. ``AT_DOT_ANCHORED`` is false, and the whole message is scanned, if a word ever
# starts with a character that ``word_pieces`` does not keep.
AT_DOT_ANCHORED = all(w[:1].translate(PUNCT_TO_SPACE).strip() for w in _AT_DOT_WORDS)
AT_DOT_NEEDLES = _first_piece_needles(_AT_DOT_WORDS) if AT_DOT_ANCHORED else {}
AT_DOT_FIRST = frozenset(AT_DOT_NEEDLES)
# "t dot me slash olena": a spoken slash, only between host/path-like pieces.
WORD_SLASH_RE = compile_fast(
    r"(?<=[a-z0-9_\ue001\ue002])\s+(?:" + _alt(_union("slash_words")) + r")\s+(?=[a-z0-9_+])"
)
UNDERSCORE_WORDS = tuple(_words(_union("underscore_words")))
# Spoken "." (strong and weak): a spelled-out identifier's dots ("v a s y a точка m")
SPOKEN_DOT_WORDS = tuple(_words(_union("dot_words") + _union("weak_dot_words")))
UNDERSCORE_WORD_RE = compile_fast(
    r"(?<=[a-z0-9])\s+(?:" + _alt(_union("underscore_words")) + r")\s+(?=[a-z0-9])"
)
# "skype live doppelpunkt tobi punkt cuts": a Skype id's colon said as a word, before an id
# shaped as one ("went live colon issues" is no id).
SPOKEN_LIVE_COLON_RE = compile_fast(
    r"(?<!\w)live\s*(?:"
    + _alt(_union("colon_words"))
    + r")\s*(?=[a-z0-9][a-z0-9-]*[._0-9\ue001\ue002])"
)
# "'priya.k' + '@' + 'outlook.com'": quoted pieces glued together.
# The quote comes first and the look-behind checks the character before it, so a search
# skips straight to quotes.
QUOTED_JOIN_RE = re.compile(r"['\"](?<=[\w.@]['\"])\s*\+\s*['\"](?=[\w.@])")
COMMON_TLDS = frozenset(
    """com net org io co uk de fr es it pl ru br in id ph tr me info biz app dev ai us ca au
    mx ar""".split()
)

# --- email --------------------------------------------------------------------------------

EMAIL_RE = compile_fast(
    r"(?<![a-z0-9._%+\-\ue001\ue002])"
    r"(?P<local>[a-z0-9_](?:[a-z0-9._%+\-\ue001\ue002]{0,63}[a-z0-9_])?)"
    r"(?P<at>[@\ue000])"
    r"(?P<domain>[a-z0-9](?:[a-z0-9-]{0,62})(?:[.\ue001\ue002][a-z0-9-]{1,63}){1,6})"
    r"(?![a-z0-9-])"
)
WEBMAIL = frozenset(
    """gmail googlemail outlook hotmail live msn yahoo ymail rocketmail icloud me mac
    proton protonmail pm aol gmx zoho yandex mail rambler inbox bk list qq 163 126 rediffmail
    rediff tutanota tuta fastmail hey libero laposte orange free sfr wanadoo uol bol terra ig
    web t-online""".split()
)
PLACEHOLDER_DOMAINS = frozenset(
    {"example.com", "example.org", "example.net", "example.edu", "domain.com", "email.com"}
)
PLACEHOLDER_SUFFIXES = frozenset({"test", "invalid", "example", "localhost", "local", "internal"})
# A domain named by what it stands for, in any language ("empresa.com", "yourcompany.com",
# "dominio.it", "firma.de"): an example in a spec, never where someone's mail goes.
PLACEHOLDER_DOMAIN_NAMES = frozenset(
    """company yourcompany mycompany yourdomain mydomain domain empresa suaempresa tuempresa
    minhaempresa dominio seudominio tudominio domaine entreprise votredomaine votreentreprise
    firma ihrefirma meinefirma azienda tuodominio tuaazienda domena twojafirma sirket alanadi
    perusahaan domainanda kumpanya""".split()
)
# Addresses of the people every spec uses as its example, typed out ("john.doe@gmail.com",
# "max.mustermann@...", "jan.kowalski@..."): examples, not contacts.
PLACEHOLDER_LOCALS = frozenset(
    """john.doe jane.doe johndoe janedoe jdoe john_doe jane_doe max.mustermann maxmustermann
    erika.mustermann mario.rossi jan.kowalski ivan.ivanov ivanov.ivan jean.dupont fulano
    fulano.detal fulano.de.tal""".split()
)
# The writer giving an address as their own or asking to be written to there ("my email is",
# "write to me:", "mi correo es", "napisz do mnie:", "пишите:", "मेरा ईमेल", "e-postam"),
# looked for just before the address: a real person may be called John Doe or Jan Kowalski,
# and an address at a real mailbox provider the writer calls theirs is no spec's example.
OWN_ADDRESS_RE = compile_fast(
    r"(?<!\w)(?:my|me|mine|mi|meu|minha|mon|ma|moi|mein\w*|mir|mich|mio|mia|moj\w*|mój"
    r"|moja|mnie|мой|моя|мою|мне|меня|mera|meri|mujhe|benim|bana|saya|aku|ko|ako|akin"
    r"|मेरा|मेरी|मुझे|मेरे|بريدي|ايميلي|إيميلي|لي|راسلني|adresim|mailim|e-?postam|emailim|emailku|alamatku"
    r"|write to|write me|escr[ií]b\w*|escrev\w*|ecri\w*|schreib\w*|scriv\w*|napisz\w*"
    r"|pisz\w*|пиши\w*|напиши\w*|contact\w*|kontakt\w*|контакт\w*|contato|contacto|iletisim"
    r"|kontak|reach)(?!\w)"
)
EMAIL_CUE_RE = compile_fast(
    r"e-?mail|mail|correo|courriel|почт|мейл|write|reach|contact|send|escrib|escrev|ecri|"
    + _alt(_union("email_cues"), escape=False)
)
EMAIL_STOP_LOCALS = frozenset(
    """me us look him her them it this that home work site here there online available
    is are was you we i my our your the a an be meet see call out back him""".split()
)
# "my Gmail ID is priya.sharma92": username and provider given separately.
SPLIT_EMAIL_RE = compile_fast(
    r"(?<![\w.@])(?P<prov>gmail|googlemail|hotmail|outlook|yahoo|ymail|protonmail|proton|icloud"
    r"|aol|yandex|zoho|gmx|rediffmail)(?P<conn>(?:\s*(?:(?:id|address|account|mail|username|user"
    # round 31: more copulas and possessives ("mein gmail ist …", "Gmail ko po ay …", "gmail
    # saya adalah …", "mon gmail c'est …"); Tagalog "ko" only before "ay" ("Outlook ko office365
    # se connect karna hai" is Hinglish)
    r"|is|es|e|est|hai|ist|ay|ko(?:\s+po)?\s+ay|adalah|saya|aku|ku|c'est|это)(?!\w)|:|-|=)){1,3}"
    r"|\s+(?:is|es|e|est|hai|это)\s[^.!?\n@:]{0,30}:)"
    r"\s*[:\-]?\s*(?P<user>[a-z0-9][a-z0-9._-]{2,40}[a-z0-9])"
    r"(?![\w@\ue000])"
)
PROVIDER_DOMAIN = MappingProxyType(
    {
        "gmail": "gmail.com",
        "googlemail": "googlemail.com",
        "hotmail": "hotmail.com",
        "outlook": "outlook.com",
        "yahoo": "yahoo.com",
        "ymail": "ymail.com",
        "protonmail": "protonmail.com",
        "proton": "proton.me",
        "icloud": "icloud.com",
        "aol": "aol.com",
        "yandex": "yandex.ru",
        "zoho": "zoho.com",
        "gmx": "gmx.com",
        "rediffmail": "rediffmail.com",
        # webmails whose domain is not .com (the keys are also read as a provider glued to a
        # username, see ``emails``: short everyday words, "web", "free", "list", "ig", stay out)
        "libero": "libero.it",
        "t-online": "t-online.de",
        "laposte": "laposte.net",
        "sfr": "sfr.fr",
        "wanadoo": "wanadoo.fr",
        "rambler": "rambler.ru",
        "tuta": "tuta.io",
    }
)

# --- URLs ---------------------------------------------------------------------------------

URL_RE = compile_fast(
    r"(?<![\w@.\-/\ue001\ue002])(?P<scheme>https?://)?"
    r"(?P<host>(?:[a-z0-9](?:[a-z0-9-]{0,62})[.\ue001\ue002])+[a-z]{2,63})(?![\w-])"
    r"(?::\d{1,5})?(?P<path>[/?#][^\s<>\"'`\[\]{}|\\^]*)?"
)
URL_TRAILING = ".,;:!?)'\"*"

# --- handles ------------------------------------------------------------------------------

SKYPE_LIVE_RE = compile_fast(r"(?<![\w])(?:skype:)?live:(?:\.cid\.)?[a-z0-9][a-z0-9._-]{2,40}")
DISCORD_TAG_RE = compile_fast(r"(?<![\w/#.@-])(?P<name>[a-z0-9_.]{2,32})#(?P<tag>\d{4})(?!\d)")
CHANNEL_SOURCE = (
    r"(?<![\w@./-])(?P<ch>"
    + _alt(_union("app_names"), escape=False)
    + r"|skype\w{0,3}|telegram\w{0,4}|tg|tele|dyskord\w*|diskord\w*|diskort\w*"
    r"|whats ?app\w{0,4}|wechat|weixin|vx|wx|signal"
    r"|viber\w{0,3}|discord\w{0,3}|instagram|insta|ig|twitter|x|threads|snapchat|snap|kik|matrix|element"
    r"|facebook|fb|messenger|tiktok|line|slack|linkedin|kakaotalk|kakao|zalo|threema|телеграм\w*|телег\w*|тг|ватсап\w*"
    r"|вотсап\w*|вайбер\w*|дискорд\w*|инстаграм\w*|инст\w*|скайп\w*|вичат\w*|вк|vk|сигнал\w*)(?![\w-])"
)
CHANNEL_RE = compile_fast(CHANNEL_SOURCE)
# Channel names that are also ordinary words: they need an "@" or an explicit "id" word.
WEAK_CHANNELS = frozenset(
    {
        "x",
        "ig",
        "tg",
        "tele",  # also "the telly" ("la tele"): only with an "@" or an id word
        "fb",
        "line",
        "signal",
        "element",
        "matrix",
        "threads",
        "snap",
        "vx",
        "wx",
    }
)
# Inflected names that are also everyday words ("в сигнале", "сигнал пропал"): weak too.
WEAK_CHANNEL_PREFIXES = ("сигнал",)
HANDLE_CONNECTORS = frozenset(
    """is id username user handle nick nickname name account acc es e est c'est : - = > as como
    soy sou i'm im am я je suis moi hoon hun
    comme here at on me my mi meu mon ma it's its: это мой мой: ник логин hai he h pe par sur en
    no na @ , via under aqui ici le la o a el el: id: username: handle: mera meri""".split()
    + _words(_union("handle_connectors"))
)
# Words that introduce the writer's own name ("I'm", "soy", "bin ich als", "jestem").
SELF_WORDS = frozenset(
    piece for phrase in _words(_union("self_words")) for piece in phrase.split()
) - {"i", "je", "mi", "me", "se"}
# "Search"/"find" verbs between an app and a handle ("Telegram cari aja @x", "sur Telegram,
# cherche juste 'x'", "в телеге ищи x"): they point at the identifier after them.
HANDLE_SEARCH_WORDS = frozenset(
    """search find look busca buscame búscame procura procure cherche cherchez such suche
    cerca cercami szukaj wyszukaj ищи найди поищи dhoondo dhundo dhoondh khojo खोजो ढूंढो
    ढूँढो ابحث دور ara arat bul cari carilah hanapin hanapin""".split()
)
# "On Discord I go by ravenmoth", "en Discord me llamo nachovega": a naming phrase after an
# app, then one lowercase word at the end of the sentence (checked on the typed text).
# A word each naming phrase below has: without one, the phrase is not looked for.
HANDLE_NAMING_GATE = frozenset(
    """by there llamo chamo appelle chiamo heisse heiße nazywam зовут naam name namaku
    si""".split()
)
HANDLE_NAMING_RE = compile_fast(
    r"(?<!\w)(?:i go by|go by|i'?m (?:on )?there as|i am (?:on )?there as|me llamo|me chamo"
    r"|je m'appelle|mi chiamo|ich heisse|ich heiße"
    r"|nazywam sie|nazywam się|меня зовут|mera naam|mera name|namaku|ako si)"
    r"\s+(?P<id>[a-z][a-z0-9]{3,30})(?=\s*(?:[.,!?;)]|$))"
)
# Chat-wide mentions in Slack/Discord/Teams: never a person's handle.
BROADCAST_MENTIONS = frozenset({"here", "channel", "everyone", "all", "team", "someone"})
# Words allowed between an @handle and the channel name after it ("@nora on my Telegram").
PRE_CHANNEL_CONNECTORS = frozenset(
    """on in at via over through my our is es e est c'est en no na sur pe par por мой в на
    dm me us or and also""".split()
)
HANDLE_ID_WORDS = frozenset(
    """id username user handle nick nickname usuario usuário utilisateur pseudo ник логин
    id: username: handle: user:""".split()
    # the words of the username phrases, not their function words ("de" of "nombre de
    # usuario" made "WhatsApp de mi madre" name an identifier, round 19)
    + [w for phrase in _words(_union("username_words")) for w in phrase.split() if len(w) > 2]
)
HANDLE_TOKEN_RE = compile_fast(r"[@\w\u0900-\u097f.'’:#-]+")
HANDLE_ID_RE = compile_fast(r"@?[a-z][a-z0-9._-]{1,38}[a-z0-9_]|@?[a-z0-9_][a-z0-9._-]{2,38}")
AT_HANDLE_RE = compile_fast(
    r"(?<![\w@.+\-/\ue000])@(?P<name>[a-z0-9_](?:[a-z0-9_.]{0,30}[a-z0-9_])?)"
)
AT_HANDLE_AFTER_BAD = compile_fast(r"[\w/(@-]")
DM_CUE_RE = compile_fast(
    r"\b(?:dm|dms|pm|inbox me|message me|msg me|ping me|hit me up|hmu|reach me|find me|add me"
    r"|follow me|contact me|text me|write me|message|mensaje|escribeme|mandame|me escreva"
    r"|me chama|me manda|ecris-moi|contacte-moi|пиши|напиши|добавь|личк|msg karo|message karo"
    r"|ping karo|add karo)\b"
)

# --- meeting tools named without a link ------------------------------------------------------

MEETING_TOOL_RE = compile_fast(
    r"(?<![\w.@/])(?P<tool>"
    + _alt(_union("meeting_tools"), escape=False)
    # "zoom" inflected or made a verb ("a quick zoomie", "kurz zoomen", "na zoomie", "zoomda"),
    # and the Romance misspelling "zum" (kept only after a preposition: German "zum" is "to the")
    + r"|zoom(?:ie|ies|en|e|a|u|da|dan|de|ing|ito|cito|ino|ik|zinho)?|zum"
    # Polish cases of Teams ("na teamsie") and Turkish case endings after an apostrophe
    # ("meet'ten", "zoom'dan", "teams'te")
    r"|teams(?:ie|a|ach|em|y)|(?:meet|zoom|teams)'(?:ten|tan|te|ta|den|dan|de|da|e|a|i|u)"
    r"|зум\w*|гугл[ -]?мит\w*|тимс\w*|вебекс\w*|яндекс[ .]?телемост\w*|телемост\w*|джитси"
    r"|yandex telemost|telemost"
    r"|google meet|g-?meet|hangouts?|ms teams|microsoft teams|teams|meet|meecie"
    r"|whereby|jitsi|webex|gotomeeting|goto meeting|bluejeans|facetime|calendly|cal\.com)"
    # a hyphen ends the name only before a meeting noun: German compounds ("Teams-Einladung",
    # "Zoom-Call"), never "meet-up" or "zoom-in"
    r"(?![\w/]|-(?!(?:call|meeting|link|einladung|termin|anruf|konferenz|besprechung|sitzung"
    r"|session|invite|raum)(?!\w)))"
)
MEETING_CUE_RE = compile_fast(
    r"\b(?:call|calls|meet|meeting|chat|talk|video|join|link|invite|instead|are you on|do you"
    r" (?:have|use)|hop on|jump on|session|screen ?share|present|catch up|sync|room|book|slot"
    r"|schedule|llamada|videollamada|reunion|charla|hablar|hablamos|chamada|videochamada"
    r"|conversar|falar|reuniao|appel|visio|parler|discuter|agendar|agenda|reserv\w*|созвон\w*"
    r"|interview|entrevista|entretien|собеседован\w*|(?:see|share|show) (?:your|my) screen"
    r"|звон\w*|встреч\w*|поговор\w*|call kar\w*|baat|milte|meeting kar\w*|"
    + _alt(_union("meeting_cues"), escape=False)
    + r")(?!\w)|\?"
)
# Round 25: a button beside the tool is the platform's ("el botón de zoom de acá"), but only in
# the tool's own sentence: "the call button here freezes. Google Meet tomorrow?" blames the
# platform's button and proposes the tool.
MEETING_BUTTON_RE = compile_fast(
    r"\b(?:button|boton|botao|bouton|knopf|pulsante|przycisk\w*|кнопк\w*|buton\w*|tombol"
    r"|pindutan|बटन)\b|\w+-button\b"
)
MEETING_NEG_RE = compile_fast(
    r"built-?in|in-app|integrat\w*|\bsdk\b|\bapi\b|plugin|webhook|\bbot\b"
    r"|clone|-like|zoom\w* (?:in|out|level|into|factor)\b|pinch|\bmaps?\b"
    r"|\bimag(?:e|en|em|es|ens)\b|\bphoto|\blens"
    r"|\b(?:rein|raus|heran|hinein)zoom\w*|\bbild\w*|\bfoto\w*|\bgambar\w*"
    r"|(?:on|through|via|from|in) (?:the|this) (?:platform|site)|platform'?s|messages call"
    r"|recording|transcri\w*|integrac\w*|integracao|интеграц\w*"
    # tools compared or migrated between, as products ("Zoom vs Teams", "migré de Zoom vers")
    r"|\bvs\b|\bversus\b|\bestilo\b|\bstyle\b|\bcompar(?!t)\w*|\bmigr\w*|мигр\w*"
    # the same in Devanagari, and Turkish and Indonesian integration
    r"|इंटीग्रेशन|इंटीग्रेट|इंटिग्रेशन|entegrasyon\w*|integrasi"
    r"|बटन|आइकन|आइकॉन|लोगो|वर्शन|वर्जन|तुलना|वेबिनार|कीमत"
    # links a product makes by itself ("Teams meeting link auto-generate ho jaye"); not "sync",
    # which is also "let's sync on Zoom"
    r"|auto-?generat\w*"
    # round 19: a tool being built, or Turkish map zoom ("bir araç geliştirmenizi", "haritada
    # zoom yapınca"; "zoom yapalım" alone is a call)
    r"|(?:arac|bot|entegrasyon|uygulama|eklenti)\w* gelistirmeniz\w*|haritada zoom|yakinlastir\w*"
)
# Round 28: words of a product being made ("app", "feature", "build", "website"): they say the
# tool is a product only in the tool's own sentence; in the next one ("Google Meet पर मिलें? …
# वेबसाइट के SEO ऑडिट …") they are the project the call is about
MEETING_PRODUCT_RE = compile_fast(r"\bapp\b|feature|\bbuild|develop|ऐप में|फीचर|फीचर|वेबसाइट")
# Round 19: links a system makes by itself ("gerar link pelo Zoom pra cada paciente
# automaticamente", "Teams-Link für jede Videosprechstunde automatisch"); not for a booking
# page, which makes the meeting by itself by nature ("Calendly … toplantı otomatik oluşuyor")
MEETING_AUTO_RE = compile_fast(
    r"(?<!\w)(?:automati\w*|automatisch\w*|automatyczn\w*|автоматическ\w*|otomati\w*"
    r"|awtomatiko)"
)
# ... with a verb of making the link beside it ("gerar link", "erzeugen"): "let's hop on Zoom
# to discuss the automation script" is a call about automation
MEETING_MADE_RE = compile_fast(
    r"(?<!\w)(?:gener\w*|creat\w*|gerar|gera|criar|cria|erzeug\w*|generier\w*|genera\w*"
    r"|crea\w*|generuj\w*|tworz\w*|созда\w*|генерир\w*|olustur\w*|uret\w*|buat|bikin"
    r"|gawa\w*|banay\w*|بتولد|ينشئ|يولد|जनरेट)"
)

# --- off-platform requests ---------------------------------------------------------------

NEGATION_RE = compile_fast(
    r"\b(?:don'?t|do not|dont|doesn'?t|does not|didn'?t|never|not|can'?t|cannot|won'?t|wont"
    r"|no(?!\s+(?:zoom|teams|meet|google|skype|whats|zap|telegram|discord|signal|pix|picpay|boleto|dinheiro|nubank|insta|face"
    r"|paypal|cartao|banco|mercado pago|usdt|bitcoin|cripto|payoneer|wise"
    r"|app|aplicativo|site|privado|pv|direct|dm|meio|verdinho|azulzinho|particular|meu|minha"
    r"|meus|minhas|wetransfer|drive|dropbox|onedrive|mega|icloud|email|e-mail|gmail|outlook"
    r"|linkedin|instagram|jitsi|webex|slack|calendly))"
    r"|nunca|nao|ne|pas|jamais"
    r"|не|нельзя|nahi|nahin|mat|avoid|refuse"
    # round 31: Arabic "ما" is "not", but "when" after "بعد", "قبل", "زي", "كل" ("بعد ما نتفق
    # على السعر تواصل معي": after we agree)
    r"|(?<!بعد )(?<!قبل )(?<!زي )(?<!كل )(?<!مثل )(?<!حسب )(?<!اول )ما"
    r"|" + _alt(_union("negations")) + r")(?!\w)"
    # French "ne" elided before a vowel: "je n'accepte pas les paiements en dehors du site";
    # not "ne … que" ("tu n'as qu'à m'écrire sur WhatsApp": just write) nor "n'importe"
    r"|\bn'(?!(?:a|as|ai|avez|avons|ont|est|y a) qu|importe)(?=[a-z])"
)
KEEP_HERE_RE = compile_fast(
    r"(?:only|just) (?:here|through|on|via|in)\b|keep(?:ing)? (?:\w+ ){0,2}(?:here|on (?:the|this)"
    r" platform)|stay(?:ing)? (?:here|on (?:the|this) platform)|(?:through|via|within) (?:the|this)"
    r" platform|on the platform until|aqui mesmo|solo por aqui|so por aqui|uniquement ici"
    r"|только здесь|yahin par|(?<!\w)(?:"
    + _alt(_union("keep_here_phrases"), escape=False)
    + r")(?!\w)"
)
_APP_LOOKS = _alt(_union("app_colours") + _union("app_logos"), escape=False)
_APP_WORDS = _alt(_union("app_words") + _union("app_ones"), escape=False)
CHANNEL_CATEGORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "phone",
        compile_fast(
            # with a Polish case ending too ("masz Signala?", "na Viberze")
            r"\b(?:text(?:ing)? me|sms me|whats ?app|whatsap|zap(?:zap)?|viber(?:a|ze|em|u)?"
            r"|signal(?:a|em|u|ze)?"
            # round 19: Arabic "your WhatsApp", "your number"
            r"|واتسك|واتسابك|رقمك"
            # spellings as said ("el wasap", "guasap", "wassap")
            r"|wasap\w*|guasap\w*|wassap\w*|uasap\w*|wsp|watsap\w*|whatsap\w*|zapzinho|zapinho"
            # Turkish "wp" (WhatsApp) with a case ending ("wp'den yaz"): bare "wp" is WordPress
            r"|wp'?(?:den|dan|ten|tan|ye|ya|de|da)|wp (?:den|dan|ten|tan)"
            # Polish as said ("napisz na wacapa")
            r"|wacap\w*|łacap\w*|lacap\w*"
            r"|imessage|sms|phone|cell|mobile"
            r"|(?:my|your|ur|the) (?:\w+ )?number|numero|telefone|telefono|celular|movil|portable"
            r"|telephone|tel|номер\w*|телефон\w*|ватсап\w*|вотсап\w*|вайбер\w*|mobile no"
            r"|contact no|whats ?app\w{0,4}|wa|واتساب|واتس|الواتس|الواتساب|व्हाट्सएप|व्हाट्सऐप|सिग्नल"
            # "whats" alone is WhatsApp only where no English question goes on ("3ndak whats?")
            r"|wats ?app|watsap|whatsap|wpp|whats(?!'|\s+(?:up|the|is|new|going|wrong|happening"
            r"|your|you|that|this|a|an|do|does|it|on|next|left|missing|best|if|in|for|with|i|we"
            r"|my|our|their|his|her|there|here)\b)|"
            + _alt(_union("phone_nouns"), escape=False)
            + r")(?!\w)"
        ),
    ),
    (
        "handle",
        compile_fast(
            r"(?<!\w)(?:telegram\w{0,4}|discord\w{0,3}|تيليجرام|تلغرام|تليجرام|ديسكورد|سكايب|انستغرام|انستا"
            r"|टेलीग्राम|डिस्कॉर्ड|स्काइप|इंस्टाग्राम"
            r"|लिंक्डइन|लिंकडइन|लिंक्ड इन"
            r"|телеграм\w*|телег\w*|тележк\w*|тг|tg|discord|dyskord\w*|diskord\w*|diskort\w*|fejs\w*|дискорд\w*|skype(?:'?a|'?ie|'?em)?|skypie"
            r"|skypem|скайп\w*|wechat"
            r"|weixin|line app"
            # round 28: LINE in Indonesian, only with a verb of using or an account word before
            # it or a particle after it ("buka Line", "akun Line", "Line aja"): "line" alone is
            # an everyday word
            r"|(?:buka|pake|pakai|dipake|dipakai|akun|id) line"
            r"|line (?:aja|ya kak|masih dipak[ea]i?)"
            r"|instagram\w{0,4}|insta|инст\w*|facebook\w{0,3}|messenger(?:a|ze|em)?"
            r"|linkedin\w{0,3}|twitter|вконтакт\w*|вк|vk|xing"
            r"|snapchat|kik|slack|kakao\w*|zalo|threema|social media|redes sociales|redes sociais"
            r"|reseaux sociaux|the gram|fb|ig|تلي|فيسبوك|الفيسبوك|الفيس|الانستا|الانستغرام"
            r"|التيليجرام"
            # round 20: every spelling of Telegram, with the article or without it (own_v19)
            r"|ال?تي?لي?[جغق]رام"
            r"|التلغرام|السناب|سناب|التلي|التيلي|تيلي|لينكدان|اللينكدان|لينكدإن|لينكد ان|لينكدين"
            r"|سلاك|السلاك"  # round 33: Slack in Arabic letters
            r"|ال?ميسنجر|ال?ماسنجر"  # round 33: Messenger ("راسلني في الميسنجر")
            r"|इंस्टा|फेसबुक|फेसबुक|स्नैपचैट|मैसेंजर"
            r"|telegas?|telega|telegrama"
            # round 19: Arabic with "your" attached ("اعطني انستك", "سنابك") and Polish cases
            r"|انستك|انستاك|انستغرامك|سنابك|تيليجرامك|تلغرامك|تليك|فيسك|messengerz?e|messengera)(?!\w)"
        ),
    ),
    (
        "email",
        compile_fast(
            r"\b(?:e-?mail|gmail|hotmail|outlook|mail|correo|courriel|почт\w*|имейл\w*|емейл\w*"
            r"|мейл\w*|email id)\b|(?<!\w)(?:ايميلك|إيميلك|اميلك|بريدك|"
            + _alt(_union("mail_words"), escape=False)
            + r")(?!\w)"
        ),
    ),
    (
        "elsewhere",
        compile_fast(
            r"somewhere else|elsewhere|\boutside (?:of )?(?:the |this )?(?:platform|site|apps?|chat"
            r"|here)|off[- ]?platform|off (?:the|this) (?:platform|site)|another (?:app|platform)"
            r"|other (?:app|platform)|my (?:own )?(?:website|site|web|portfolio site)"
            r"|mi (?:sitio|web|pagina)|meu site|mon site|мой сайт|my (?:personal )?(?:contact"
            r"|contacts"
            r"|details)\b|my name on|fuera de (?:la|esta) plataforma|por fuera|fora da plataforma"
            r"|por fora|en dehors de la plateforme|hors (?:de la )?plateforme|ailleurs"
            r"|вне платформы|за пределами|в другом месте|platform (?:ke|se) bahar|kahin aur"
            r"|they filter|filtered here|directly\b|directamente|diretamente|directement|напрямую"
            r"|en prive|en privado|no privado|в личк\w*|privately|personal chat|"
            + _alt(_union("outside_phrases") + _union("elsewhere_phrases"), escape=False)
        ),
    ),
    (
        # A messaging app named by its kind ("any messaging app", "мессенджер", "komunikator").
        "messenger",
        compile_fast(
            r"(?<!\w)(?:messaging apps?|messenger apps?|chat apps?|encrypted (?:app|messenger|chat)"
            r"|secure messenger|" + _alt(_union("messenger_phrases"), escape=False) + r")(?!\w)"
        ),
    ),
    (
        # An app named by its colour, logo or what it does: "the green app", "app verde",
        # "l'appli verte", "zieloną aplikację", "the app with the blue paper plane", "the one
        # with the camera icon", "la del avioncito", or a colour plus a logo ("the blue one
        # with the bird", "asul na may ibon").
        "app",
        compile_fast(
            r"(?<!\w)(?:(?:"
            + _APP_LOOKS
            + r")(?:\s+[^\s.?!,;]+){0,2}?\s+(?:"
            + _APP_WORDS
            + r")|(?:"
            + _APP_WORDS
            + r"),?(?:\s+\S+){0,3}?\s+(?:"
            + _APP_LOOKS
            + r")|(?:"
            + _alt(_union("app_colours"), escape=False)
            + r")(?:\s+\S+){0,3}?\s+(?:"
            + _alt(_union("app_logos"), escape=False)
            # a logo then its colour, where adjectives follow ("أبو سماعة الخضراء", "burung
            # biru", "l'oiseau bleu")
            + r")|(?:"
            + _alt(_union("app_logos"), escape=False)
            + r")(?:\s+\S+){0,2}?\s+(?:"
            + _alt(_union("app_colours"), escape=False)
            + r"))(?!\w)"
        ),
    ),
)
# An app named by who bought, runs or recommends it ("the one Zuckerberg bought", "l'appli que
# recommande Snowden", "jo app Zuckerberg ne kharida"): the person's name here, a word for an
# app beside it in ``intent`` (``APP_NOUN_RE``).
CHANNEL_CATEGORIES = (
    *CHANNEL_CATEGORIES,
    (
        "owner",
        compile_fast(
            r"(?<!\w)(?:zuckerberg\w*|zuckerburg|zuck|durov\w*|snowden\w*|цукерберг\w*|дуров\w*"
            r"|сноуден\w*|जकरबर्ग|जुकरबर्ग|जुकरबर्ग|जकरबर्ग|زوكربيرغ|زوكربرغ|زوكربيرج|زوكربيرك"
            r"|سنودن|دوروف|zukerberg|zuckerbergin|dürov)(?!\w)"
        ),
    ),
)
# Round 20: a video tool described by its maker, never named ("le truc de Google intégré au
# Gmail", "das Google-Ding im Kalender", "программа от Microsoft", "app ng Google na may
# camera"): a thing or an app of Google's or Microsoft's. Read only beside a word of calling
# (``intent._call_on_a_named_place``); the named tools ("Google Meet") are the meeting rules'.
_MAKERS = (
    r"google|microsoft|гугл\w*|майкрософт\w*|microsoftu|गूगल|माइक्रोसॉफ्ट|جوجل|قوقل|غوغل"
    r"|مايكروسوفت"
)
_MADE_THINGS = (
    _APP_WORDS + r"|program\w*|программ\w*|tool|outil|thing|coisa|cosa|coso|bagay|one|ding"
    r"|narzędzi\w*|narzedzi\w*|araç\w*|arac\w*|alat"
)
_NAMED_TOOL_AFTER = r"(?!\W{0,2}(?:meet|hangouts?|teams|duo|chat|drive|docs|sheets|play)\b)"
MAKER_TOOL_RE = compile_fast(
    r"(?<!\w)(?:(?:"
    + _MADE_THINGS
    + r")(?:\s+\S+){0,2}?\s+(?:"
    + _MAKERS
    + r")"
    + _NAMED_TOOL_AFTER
    + r"|(?:"
    + _MAKERS
    + r")"
    + _NAMED_TOOL_AFTER
    # one word between, an adjective ("Google's video app")
    + r"(?:'s\s*|-|\s+)(?:[^\W\d]+\s+)?(?:"
    + _MADE_THINGS
    + r"))(?!\w)"
)
# Talk of calling a program or building one: "call the Google thing (Analytics) from the
# backend", "the Microsoft tool's API", "build a video app similar to the Microsoft one".
MAKER_NOT_A_MEETING_RE = compile_fast(
    r"(?<!\w)(?:api|apis|sdk|backend|endpoint\w*|function\w*|webhook\w*|server\w*|request\w*"
    r"|translat\w*|traduc\w*|tradu\w*|ubersetz\w*|analytics|maps|cloud|graph|azure|build\w*"
    r"|similar|like|clone|develop\w*|integrat\w*|integra\w*|costs?|coute\w*|cuesta|pricing)"
    r"(?!\w)|\(\s*[a-z]+\s*\)"
)
APP_NOUN_RE = compile_fast(
    r"(?<!\w)(?:one|ones|"
    + _APP_WORDS
    + r"|للتطبيق|لتطبيق|بالتطبيق|uygulama\w*|aplikasi\w*|приложени\w*|мессенджер\w*)(?!\w)"
)
# An app named by emoji ("the 💚📞 app", "on 👻", "no 💚"): a run of app emoji after a
# preposition, or before the word "app". Gated by the emoji characters themselves (below).
APP_EMOJI = "💚💙💜📞👻✈📷🐦"
_EMOJI_RUN = "[" + APP_EMOJI + "\ufe0f]+"
CHANNEL_CATEGORIES = (
    *CHANNEL_CATEGORIES,
    (
        "emoji",
        compile_fast(
            r"(?<!\w)(?:on|in|via|over|no|na|en|el|al|sur|le|auf|su|sul|pe|sa|di|lewat|в|на|ع|على"
            r"|the)\s+"
            + _EMOJI_RUN
            + "|"
            + _EMOJI_RUN
            + r"\s*(?:app|apps|appli|aplicativo|uygulama)\b"
        ),
    ),
)
_META = frozenset("\\[](){}.*+?^$|")


@dataclass(frozen=True)
class Gate:
    """A cheap test that a pattern made of these fragments (each matched as whole words) may
    match a message: the longest whole word of a fragment's literal start is a word of the
    message, or, for a fragment that starts with a stem ("fantasm\\w*"), the stem is in the
    message text.
    ``always`` when a fragment has no literal start to test."""

    words: frozenset[str]
    stems: tuple[str, ...]
    always: bool
    # gate word -> the whole words of each fragment it stands for: all of one fragment's must
    # be words of the message ("google pay" needs "pay" too, not only "google"); a word with
    # no entry needs nothing more
    requires: Mapping[str, tuple[frozenset[str], ...]] = field(
        default_factory=lambda: MappingProxyType({}), compare=False
    )
    _in_pieces: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _in_text: tuple[str, ...] = field(init=False, repr=False, compare=False)
    # many stems: one Aho-Corasick pass over the pieces, not one ``in`` per stem
    _automaton: Any = field(init=False, repr=False, compare=False)
    # this gate's place in the lexicon's word index (``index_gates``), or -1
    _slot: int = field(init=False, repr=False, compare=False, default=-1)

    def __post_init__(self) -> None:
        # Stems made of word-piece characters occur in a message only inside one of its word
        # pieces: looked for in the pieces joined (``WordPieces.text``), not the whole text.
        in_pieces = tuple(st for st in self.stems if _piece_chars(st))
        object.__setattr__(self, "_in_pieces", in_pieces)
        object.__setattr__(self, "_in_text", tuple(st for st in self.stems if not _piece_chars(st)))
        # built when first needed: an indexed gate answers from the shared index instead
        object.__setattr__(self, "_automaton", None)

    def _build_automaton(self) -> Any:
        """This gate's own Aho-Corasick automaton of its piece stems (kept)."""
        automaton = ahocorasick.Automaton()
        for stem in self._in_pieces:
            automaton.add_word(stem, stem)
        automaton.make_automaton()
        object.__setattr__(self, "_automaton", automaton)
        return automaton

    def may_match(self, s: str, message_words: frozenset[str]) -> bool:
        if self.always:
            return True
        if self._slot >= 0 and isinstance(message_words, WordPieces):
            # indexed: whether the message passes this gate was worked out for every indexed
            # gate at once (its words, the stems inside its pieces and those in its text),
            # the first time one of them was asked about this message
            if message_words.source is s:
                passing = message_words._passing
                if passing is None:
                    passing = message_words._passing = _INDEX.passing(message_words)
                return self._slot in passing
            passed = message_words._passed
            if passed is None:
                passed = message_words._passed = _INDEX.passed(message_words)
            if self._slot in passed:
                return True
        elif not self.words.isdisjoint(message_words):
            for word in self.words.intersection(message_words):
                needs = self.requires.get(word)
                if needs is None:
                    return True
                for need in needs:
                    if need <= message_words:
                        return True
        # Plain loops, not ``any(genexpr)``: tens of stems per gate and a dozen gates per
        # message, and a generator step costs more than the ``in`` itself on a short text.
        if isinstance(message_words, WordPieces) and message_words.source is s:
            pieces = message_words.text
            automaton = self._automaton
            if automaton is None and len(self._in_pieces) >= _STEMS_AS_ONE_PASS:
                automaton = self._build_automaton()
            if automaton is not None:
                for _ in automaton.iter(pieces):
                    return True
            else:
                for stem in self._in_pieces:
                    if stem in pieces:
                        return True
            for stem in self._in_text:
                if stem in s:
                    return True
            return False
        for stem in self.stems:
            if stem in s:
                return True
        return False


# (the slots a gate word passes alone, the (slot, what it needs) of the others)
_WordSlots = tuple[frozenset[int], tuple[tuple[int, tuple[frozenset[str], ...]], ...]]


class GateIndex:
    """Every indexed gate's words in one table: gate word -> (gate slot, what the word needs).
    One pass over a message's words answers the word test of all of them (``passed``): a
    dozen gates asked per message each cost a set intersection and a loop in Python before."""

    def __init__(self) -> None:
        self._by_word: dict[str, list[tuple[int, tuple[frozenset[str], ...] | None]]] = {}
        # ``_by_word`` split, once all gates are in: gate word -> (the slots it passes alone,
        # the (slot, what it needs) of the others)
        self._split: dict[str, _WordSlots] | None = None
        self._slots = 0
        # every indexed gate's stems made of word-piece characters: stem -> gate slots, found
        # in a message's pieces in one Aho-Corasick pass (built when first needed)
        self._by_stem: dict[str, list[int]] = {}
        self._automaton: Any = None
        # the stems of other characters (emoji): stem -> gate slots, looked for in the text
        self._by_text_stem: dict[str, list[int]] = {}
        # word piece -> the slots with a stem inside it: pieces recur from message to message
        self._piece_stems: dict[str, frozenset[int]] = {}

    def add(self, gate: Gate) -> None:
        if gate._slot >= 0 or gate.always:
            return
        slot = self._slots
        self._slots += 1
        for word in gate.words:
            self._by_word.setdefault(word, []).append((slot, gate.requires.get(word)))
        for stem in gate._in_pieces:
            self._by_stem.setdefault(stem, []).append(slot)
        for stem in gate._in_text:
            self._by_text_stem.setdefault(stem, []).append(slot)
        self._automaton = self._split = None
        self._piece_stems.clear()
        object.__setattr__(gate, "_slot", slot)

    def passing(self, words: WordPieces) -> set[int]:
        """The slots of the gates that the message ``words`` came from passes: by their words
        (``passed``, kept on ``words``), by a stem inside one of its pieces or in its text."""
        passed = words._passed
        if passed is None:
            passed = words._passed = self.passed(words)
        out = self.stems_passed(words)
        out |= passed
        s = words.source
        for stem, slots in self._by_text_stem.items():
            if stem in s:
                out.update(slots)
        return out

    # the piece cache is emptied when it grows past this (as the learned layer's word caches)
    CACHE_PIECES = 100_000

    def stems_passed(self, words: WordPieces) -> set[int]:
        """The slots of the gates with a stem inside one of the pieces ``words``: each piece
        read once by the Aho-Corasick automaton, its answer kept (a stem is made of word-piece
        characters, so it lies inside one piece or none)."""
        out: set[int] = set()
        if not self._by_stem:
            return out
        cache = self._piece_stems
        for piece in words:
            found = cache.get(piece)
            if found is None:
                found = self._piece_slots(piece)
                if len(cache) >= self.CACHE_PIECES:
                    cache.clear()
                cache[piece] = found
            if found:
                out |= found
        return out

    def _piece_slots(self, piece: str) -> frozenset[int]:
        automaton = self._automaton
        if automaton is None:
            automaton = self._automaton = ahocorasick.Automaton()
            for stem, slots in self._by_stem.items():
                automaton.add_word(stem, tuple(slots))
            automaton.make_automaton()
        return frozenset(slot for _, slots in automaton.iter(piece) for slot in slots)

    def passed(self, words: frozenset[str]) -> set[int]:
        """The slots of the gates whose word test ``words`` passes."""
        out: set[int] = set()
        by_word = self._split
        if by_word is None:
            by_word = self._split = self._split_words()
        get = by_word.get
        for word in words:
            entry = get(word)
            if entry is None:
                continue
            alone, needing = entry
            if alone:
                out |= alone
            for slot, needs in needing:
                if slot in out:
                    continue
                for need in needs:
                    if need <= words:
                        out.add(slot)
                        break
        return out

    def _split_words(self) -> dict[str, _WordSlots]:
        """``_by_word`` as gate word -> (the slots it passes alone, (slot, needs) pairs). A
        set of words a gate needs holds its gate word, so it is filed under its rarest word
        instead, as told by how many sets of the index hold each word ("the", "platform" and
        "you" are in hundreds): a message with "the" no longer tries every phrase with "the"
        in it. Which word files a set changes only how often it is tried, not the answer."""
        holding: dict[str, int] = {}
        for word, entries in self._by_word.items():
            for _slot, needs in entries:
                for need in (frozenset({word}),) if needs is None else needs:
                    for w in need:
                        holding[w] = holding.get(w, 0) + 1
        alone: dict[str, set[int]] = {}
        needing: dict[str, dict[int, list[frozenset[str]]]] = {}
        for word, entries in self._by_word.items():
            for slot, needs in entries:
                if needs is None:
                    alone.setdefault(word, set()).add(slot)
                    continue
                for need in needs:
                    rarest = min(need, key=lambda w: (holding[w], -len(w), w))
                    needing.setdefault(rarest, {}).setdefault(slot, []).append(need)
        return {
            word: (
                frozenset(alone.get(word, ())),
                tuple((slot, tuple(sets)) for slot, sets in needing.get(word, {}).items()),
            )
            for word in alone.keys() | needing.keys()
        }


_INDEX = GateIndex()


def index_gates(values: Iterable[object]) -> None:
    """Put the gates among ``values`` (and inside start gates and mappings of gates) into
    the shared index. Done once for the lexicon's own gates; any other gate (a test's, say)
    answers on its own, the same way."""
    for value in values:
        if isinstance(value, Gate):
            _INDEX.add(value)
        elif isinstance(value, _StartGate):
            _INDEX.add(value._words)
        elif isinstance(value, Mapping):
            index_gates(value.values())


# From this many letter stems on, a gate finds them in one Aho-Corasick pass (see ``Gate``):
# with fewer, one ``in`` per stem costs fewer instructions (counted with callgrind).
_STEMS_AS_ONE_PASS = 40


# Zero-width checks at the start of a fragment ("\\b", "(?<!\\w)", "(?<![\\w@./-])").
_LEADING_ASSERTIONS = re.compile(r"^(?:\\b|\(\?<[!=](?:\[[^\]]*\]|\\.|[^()\[\]])*\))+")


def _top_alternatives(source: str) -> list[str] | None:
    """The alternatives of the group a pattern starts with (after its leading assertions), or
    of the pattern itself when it is an alternation at its top level; None when unsure."""
    body = _LEADING_ASSERTIONS.sub("", source)
    head = re.match(r"\((?:\?:|\?P<\w+>)", body)
    grouped = head is not None
    alts: list[str] = []
    depth = 0
    start = i = head.end() if head is not None else 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = body.index("]", i + 2 if body.startswith("[^", i) else i + 1)
            i = j + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                alts.append(body[start:i])
                # sound only if nothing after the group is another top-level alternative
                return alts if grouped and "|" not in body[i + 1 :] else None
            depth -= 1
        elif c == "|" and depth == 0:
            alts.append(body[start:i])
            start = i + 1
        i += 1
    # A pattern that is an alternation at its top level ("a b|c d|..."), not a group.
    return None if grouped else [*alts, body[start:]]


def pattern_gate(source: str) -> Gate:
    """A :class:`Gate` for a whole pattern that starts with an alternation of fragments."""
    alts = _top_alternatives(source)
    if alts is None:
        return Gate(frozenset(), (), True)
    return fragment_gate(alts)


def _group(f: str, most: int = 60) -> tuple[list[str], int] | None:
    """The alternatives of the non-capturing group ``f`` starts with (at most ``most``) and
    the index after its closing parenthesis; nested groups, classes and escapes are skipped."""
    if not f.startswith("(?:"):
        return None
    alts: list[str] = []
    depth = 0
    start = j = 3
    while j < len(f):
        c = f[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j += 2 if f.startswith("[^", j) else 1
            j += 1 if f.startswith("]", j) else 0
            while j < len(f) and f[j] != "]":
                j += 2 if f[j] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                alts.append(f[start:j])
                return (alts, j + 1) if len(alts) <= most else None
            depth -= 1
        elif c == "|" and depth == 0:
            alts.append(f[start:j])
            start = j + 1
        j += 1
    return None


# Mandatory digits at the start of a fragment ("\\d+", "[0-9]{2}") and the spaces or symbols
# after them that are no part of a word piece ("\\d+ ?% "): what follows starts a new piece.
_LEADING_DIGITS = re.compile(
    r"^(?:\\d|\[0-9\])(?:\+|\{\d+(?:,\d*)?\})?(?:(?:[ %$€£.,:/-]|\\[s.$-])[?*+]?)*"
)
# A class of a few plain letters, alone or optional ("[eao]", "[eao]?"), not repeated.
_LETTER_CLASS = re.compile(r"\[([^\]\\^\-\[]{1,6})\](\?)?(?![?*+{])")
# A quantifier that allows no repetition at all: "*", "{0,2}", "{,3}".
_ZERO_OR_MORE = re.compile(r"[?*]\??|\{0?,\d*\}\??")


def _ends_apart(alternative: str) -> bool:
    """A group alternative that ends with a space or another character no word has ("\\w+ "),
    so whatever follows it starts a new word."""
    last = alternative[-1:]
    return (
        bool(last)
        and last not in _META
        and not _piece_chars(last)
        and not (alternative.endswith("\\" + last))
    )


# Scripts whose vowel signs stay in the normalised text (they are combining marks, which
# "\w" does not match, but a word piece keeps): Devanagari and the other Indic scripts, Thai.
_MARKED = re.compile(r"[\u0900-\u0dff\u0e00-\u0e7f]")


def fragment_gate(fragments: Iterable[str]) -> Gate:
    words: set[str] = set()
    requires: dict[str, set[frozenset[str]]] = {}
    stems: set[str] = set()
    always = False
    # look-alike letters are folded word by word below: folded here, one Latin word anywhere
    # in an alternation would turn every Cyrillic word of it into Latin look-alikes
    todo = [fold(_lower(raw), confusables=False) for raw in fragments]
    while todo:
        f = _LEADING_ASSERTIONS.sub("", todo.pop())
        lead = _group(f, most=5000)
        after = f[lead[1] : lead[1] + 1] if lead is not None else ""
        if lead is not None and after not in ("*", "{", "+"):
            # a leading alternation, nested groups too: "(?:on|in) the one" -> "on the one"...;
            # an optional one, with and without it: "(?:an)?other" -> "another", "other"
            alts, end = (lead[0] + [""], lead[1] + 1) if after == "?" else lead
            todo.extend(alt + f[end:] for alt in alts)
            continue
        digits = _LEADING_DIGITS.match(f)
        if digits is not None and digits.end() < len(f):
            # "\d+ ?% off": no piece holds a digit, so the first letters after one begin a
            # piece of their own ("50% off", "50off"): the gate tests what follows
            todo.append(f[digits.end() :])
            continue
        f = re.sub(r"\[([^\]\\])\1*\]", r"\1", f)  # "[aa]" after folding "[aá]"
        prefix = ""
        for c in f:
            if c in _META:
                break
            prefix += c
        rest = f[len(prefix) :]
        if prefix and len(todo) < 5000:
            # one optional letter ("e-?mail") or a small class of letters ("t[eao] z"):
            # every spelling it allows, each tested as words
            if rest[:1] == "?" and rest[1:2] not in ("?", "+"):
                todo.extend((prefix + rest[1:], prefix[:-1] + rest[1:]))
                continue
            letters = _LETTER_CLASS.match(rest)
            if letters is not None and all(c.isalpha() or c == " " for c in letters.group(1)):
                tail = rest[letters.end() :]
                spellings = [prefix + c + tail for c in letters.group(1)]
                if letters.group(2):  # "[eao]?"
                    spellings.append(prefix + tail)
                todo.extend(spellings)
                continue
        inner = _group(rest) if prefix and len(todo) < 5000 else None
        if inner is not None:
            alts, end = inner
            repeat = _ZERO_OR_MORE.match(rest, end)
            if (
                repeat is not None
                and not _piece_chars(prefix[-1])
                and all(_ends_apart(a) for a in alts)
            ):
                # "easier than (?:\w+ ){0,2}(?:here|...)": the words after it stand apart
                # either way, and a gate needs words, not their order: skip the group
                todo.append(prefix + " " + rest[repeat.end() :])
                continue
            after = rest[end : end + 1]
            if (repeat is None and after not in ("{", "+")) or after == "?":
                # a group every match goes through: "can we (?:move|talk)" -> "can we move"...;
                # an optional one, with and without it: "to my (?:bank )?account"
                if rest[end : end + 1] == "?":
                    alts, end = [*alts, ""], end + 1
                todo.extend(prefix + alt + rest[end:] for alt in alts)
                continue
        optional = rest[:1] in ("?", "*", "{")
        if optional:
            prefix = prefix[:-1]  # the last character is optional: what follows may be glued
        raw_pieces = WORD_PIECE_RE.findall(prefix)
        if not raw_pieces:
            always = True
            continue
        # Every piece but the last is a whole word; the last one is when something that
        # is no letter follows it ("can we (...)") or nothing does.
        last_whole = not optional and (
            not _piece_chars(prefix[-1])
            or (prefix.endswith(raw_pieces[-1]) and (rest == "" or rest.startswith(("\\s", " "))))
        )
        pieces = [fold(piece) for piece in raw_pieces]
        whole = pieces if last_whole else pieces[:-1]
        best = max(whole, key=len) if whole else ""
        if best and _MARKED.search(best):
            # "मेल": patterns bound words with "\w", which no vowel sign is, so they match it
            # inside the piece "जीमेल" (Gmail): looked for inside the pieces, not as one
            stems.add(best)
        elif len(best) >= 3 or (best and len(pieces[-1]) < 3):
            words.add(best)  # the longest word is the rarest, the best test
            requires.setdefault(best, set()).add(frozenset(whole))
        elif len(pieces[-1]) >= 2:
            stems.add(pieces[-1])
        else:
            always = True
    # A word that alone is one fragment's whole prefix needs nothing more.
    needs = {
        w: tuple(sorted(sets, key=sorted))
        for w, sets in requires.items()
        if frozenset({w}) not in sets
    }
    return Gate(frozenset(words), tuple(sorted(stems)), always, MappingProxyType(needs))


# Gates in front of patterns scanned over the whole message (see ``Gate``).
FEE_GATE = fragment_gate(_union("fee_phrases"))
# (Saving phrases with "%" need the "%", which is tested on its own.)
DISCOUNT_GATE = fragment_gate(_union("discount_phrases"))
SAVE_GATE = fragment_gate(p for p in _union("save_phrases") if "%" not in p)
# Places off the platform for a payment: "outside the platform" and "between us".
_PAY_PLACES = _union("outside_phrases") + _union("between_phrases")
_OUTSIDE_PHRASES_GATE = fragment_gate(_PAY_PLACES)
# OUTSIDE_RE's own alternatives, as substrings (some have no word boundary).
OUTSIDE_GATE = Gate(
    _OUTSIDE_PHRASES_GATE.words,
    _OUTSIDE_PHRASES_GATE.stems
    + tuple(
        "outside off fuera fora dehors hors вне мимо минуя platform direct diret seedha"
        " напрямую".split()
    ),
    _OUTSIDE_PHRASES_GATE.always,
)
# An app's looks or an app emoji may be in the message (for the call cue of euphemisms).
APP_LOOKS_GATE = fragment_gate([*_union("app_colours"), *_union("app_logos")])
MEETING_TOOL_GATE = fragment_gate(
    _union("meeting_tools")
    + r"""zoom zoom\w* zum teams\w* зум\w* гугл\w* тимс\w* вебекс\w* google gmeet g-meet
    hangouts? ms microsoft teams meet meecie whereby jitsi webex gotomeeting goto bluejeans facetime
    телемост\w* telemost яндекс джитси
    calendly cal\.com""".split()
)
FILE_SERVICE_GATE = fragment_gate(
    # the names with a case ending too, as ``FILE_SERVICE_RE`` reads them ("przez WeTransfera")
    r"""google gdrive g drive dropbox\w* wetransfer\w* we onedrive\w* one box\.com mega icloud
    yandex яндекс pcloud mediafire sharepoint terabox swisstransfer swiss nextcloud owncloud
    filemail transfernow tresorit درايف دروب دروببوكس ون وي ويترانسفر гугл dysk vetransfer\w*
    ويترانسفير ويتراسفير
    गूगल""".split()
)

# Talk about a messaging app rather than a move to one ("let's talk about the chat app", "we
# are building a messenger").
ABOUT_OR_BUILD_RE = compile_fast(
    fold(
        r"(?<!\w)(?:about|regarding|build\w*|built|develop\w*|making|we are|we're|our|sobre|acerca"
        r"|construi\w*|construy\w*|desarroll\w*|desenvolv\w*|nosso|nuestr\w*|parlons de|a propos"
        r"|d[ée]velopp\w*|notre|entwickel\w*|bauen|unser\w*|sviluppi\w*|nostr\w*|budujemy|nasz\w*"
        r"|мы|делаем|разраб\w*|созда\w*|про|о нашем|banate|bana rahe|hamara|bikin|membuat|kami"
        r"|ginagawa|gumagawa|natin|yapıyoruz|geliştir\w*|نبني|نطور|نحتاج|نعمل"
        # design talk: a colour names a box, a button or a layout, not an app
        r"|layout|mockups?|banner|design\w*|tela|bot[aã]o|bot[oó]n|button|butonu?|tombol|t[ií]tulos?"
        r"|paleta|palette|headlines?|titles?"
        r"|features?|ozelli[kg]\w*|fitur|tampok|ميزة|функци\w*|funkcj\w*|funzional\w*|funktion\w*"
        r"|fonctionnalit\w*|funcionalidad\w*|funcionalidade\w*"
        r"|title|caixa|caja|box|logo|color|colour|couleur|farbe|colore|kolor\w*|цвет\w*|renk\w*"
        r"|warna|kulay|لون|كبس\w*|زر)(?!\w)"
    )
)
# An app named by colour, logo or function ("the green app"): an identifier next to it is a handle.
APP_EUPHEMISM_RE = dict(CHANNEL_CATEGORIES)["app"]
# "Same name as here": words that point back at this platform, never an identifier.
SAME_AS_HERE = frozenset(
    fold(w)
    for w in """here same as aqui daqui mismo misma igual mesmo mesma ici pareil meme hier
    gleiche gleicher qui stesso tutaj taki sam тот же здесь тут yahan wahi same wala sini sama
    dito pareho parehas burada aynı aynisi نفس هنا""".split()
)
# A shaped identifier right before a username word, as in languages that put the noun after
# it ("sa Telegram, lea_cruz ang username ko", "telegram pe rohit_k22 mera id hai",
# "Telegram'da burak_dev kullanıcı adım").
ID_BEFORE_WORD_RE = compile_fast(
    r"(?<![\w@.])(?P<id>@?[a-z][a-z0-9]*[._][a-z0-9._]*[a-z0-9]|@?[a-z][a-z]*[0-9][a-z0-9]*)"
    r"\s+(?:(?:ang|yang|mera|meri|mi|my|is|es|e|c'est)\s+)?(?:"
    + _alt(["username", "user name", "nick", "nickname", "handle", "id", *_union("username_words")])
    # then the end of the sentence, or only a possessive or "is" word ("ko", "hai", "aku")
    + r")(?:\s+(?:ko|ku|aku|saya|hai|hain|mo|nya|dito|doon|there|here))?\s*(?:[.,!?;)]|$)"
)
# Username words that name the identifier outright (not "name", "de" from "nome de usuário").
STRICT_ID_WORDS = frozenset(
    {"id", "username", "user", "handle", "nick", "nickname", "usuario", "utilisateur", "pseudo"}
    | {fold(w.lower()) for w in _union("username_words") if " " not in w}
    | {fold(w.lower()).split()[-1] for w in _union("username_words") if " " in w}
) - {"name", "adi", "adim", "de"}
MOVE_CUE_SOURCE = (
    r"\b(?:"
    r"(?:do|take) (?:this|it) (?:over|on|via)\b|let(?:'?s| us) (?:continue|move|talk"
    r"|chat|switch|take|go|connect|speak|discuss|keep|do this)"
    r"|(?:can|could|shall|should) we (?:continue|move|talk|chat|switch|take|connect|speak|discuss)"
    r"|(?:move|take|switch|continue|carry on|shift) (?:the |this |our )?(?:convo|conversation|chat"
    r"|discussion|talk|this|it)\b|(?:would|i'd|id|we'd|wed) (?:love|like|prefer"
    r"|rather) to (?:move|continue"
    r"|talk|chat|switch|connect)|keep (?:discussing|talking|chatting)|(?:send|give|share|drop|pass"
    r"|tell|leave) me (?:your|ur|yr)\b|what'?s your|what is your"
    r"|your (?:\w+ ){0,2}(?:number|email|e-mail"
    r"|whatsapp|telegram|skype|discord|contact|handle|id|wechat|instagram)\s*\?|are you on"
    r"|do you (?:have|use)|you have (?:a |an )?(?:whatsapp|telegram|skype|email|discord)|add me"
    r"|message me|text me|dm me|ping me|email me|e-mail me|mail me|whatsapp me|call me|ring me"
    r"|reach me|contact me|hit me up|write me|write to me|find me|search (?:for )?my|look me up"
    r"|google me|my (?:\w+ )?(?:number|contact|email|e-mail|mail|whatsapp|telegram"
    r"|skype|discord|wechat|cell)"
    # round 20: not a thing of the mail or the app ("my email signature", "my WhatsApp
    # settings"), own_v19
    r"(?!\s+(?:signature|template|newsletter|campaign|settings|notifications?|provider"
    r"|client|inbox|folder|filter|spam|server|domain|subject|draft|footer|header|storage"
    r"|backup|status))"
    r"|(?:chat|talk|continue|discuss\w*|speak) (?:there|on|via|over|in)\b|easier (?:on|over|via)"
    r"|better (?:on|over|via)|faster (?:on|over|via)|once we (?:chat|talk|move)"
    r"|reach out (?:on|via)"
    r"|(?:i'll|ill|i will|let me) (?:give|send) you my|text you|send you my"
    r"|" + _alt(_union("move_phrases"), escape=False) + r")(?!\w)"
)
MOVE_CUE_RE = compile_fast(MOVE_CUE_SOURCE)
# Round 18: sign-in being built ("per il login vogliamo Google e Apple", "Signup flow: OTP by
# SMS"), product talk for payment and contact words alike
_SIGN_IN_WORDS = [
    "log-?in",
    "sign-?up",
    "signup",
    "recupero password",
    "password reset",
    "reset password",
    "autenticaz\\w*",
    "authentif\\w*",
    "authenticat\\w*",
    "autenticaci\\w*",
    "logowani\\w*",
    "авторизац\\w*",
]
COMM_PROJECT_NEG_RE = compile_fast(
    r"\bbot\b|\bchat ?bots?\b|\bapi\b|integrat\w*|\bsdk\b|webhook|newsletter|receipt"
    r"|template|\bfield\b|feature"
    r"|\bform\b|validat\w*|notification|campaign|carousel|\bposts?\b|deliverable|\bicon\b"
    r"|\bbutton\b|scraper|\bads\b|login with|sign[- ]?in|\busers?\b"
    # "ad" as an advert only with a word that makes it one: Italian "ad" is a preposition
    # ("qui non riesco ad allegare il pdf")
    r"|\b(?:an|the|this|that|your|our|my|new|facebook|fb|google|meta|instagram|tiktok|video"
    r"|banner) ad\b|\bad (?:sets?|copy|campaigns?|creatives?|account)\b|(?<!\w)(?:"
    + _alt(
        _union("product_phrases") + _union("spec_phrases") + _SIGN_IN_WORDS,
        escape=False,
    )
    + r")(?!\w)"
)
FILE_SERVICE_RE = compile_fast(
    # with a case ending ("przez Dropboxa", "WeTransferem", "через Яндекс.Диск")
    r"\b(?:google drive|gdrive|g drive|drive|dropbox(?:a|ie|em|u)?|wetransfer(?:a|ze|em|u)?"
    # the local names of Google Drive ("Google Диск", "Гугл Диск", "Dysk Google")
    r"|(?:google|гугл)[ .-]?диск\w*|dysk\w* google|google dysk\w*"
    r"|we transfer|onedrive(?:a|ie|em|u)?|one drive"
    r"|box\.com|mega|icloud drive|yandex disk|яндекс[ .]?диск\w*|pcloud|mediafire"
    r"|sharepoint|google docs"
    r"|google sheets|terabox|swiss ?transfer|nextcloud|owncloud|filemail|transfernow|tresorit"
    # round 32: WeTransfer as dictated in Turkish ("vetransferle gönderseniz")
    r"|vetransfer\w*"
    r")\b|(?<!\w)(?:جوجل درايف|قوقل درايف|غوغل درايف|درايف|دروب ?بوكس"
    r"|ون ?درايف|وي ?ترانسفر|وي ?ترا?نسفير|ويتراسفير|गूगल ड्राइव)(?!\w)"
)
FILE_VERB_RE = compile_fast(
    r"\b(?:send|sending|share|sharing|upload|uploading|put|drop|transfer|instead of attaching"
    r"|mand\w*|envi\w*|envo\w*|sub(?:o|i|e|ir|imos)|pas(?:o|e|a)|закин\w*|кину\w*|download"
    r"|envia\w*|manda\w*|sube|subir|compart\w*|envoie\w*|envoy\w*|partag\w*|depose\w*|отправ\w*"
    r"|скин\w*|загруз\w*|kar do|bhej\w*|over)\b"
    r"|(?<!\w)(?:ارفع\w*|ابعت\w*|ارسل\w*|أرسل\w*|حط\w*|شارك\w*|نزل\w*|وابعت\w*|وارسل\w*)(?!\w)"
    r"|(?<!\w)(?:" + _alt(_union("file_verbs"), escape=False) + r")(?!\w)"
)
FILE_NEG_RE = compile_fast(
    r"migrat\w*|\bsync|integrat\w*|\bapi\b|backs? up|backup|\bimport|\bexport|connector"
    r"|\bapp\b|feature|integrac\w*|\bfrom (?:google drive|dropbox|onedrive|drive)\b"
    # integration, sync and "our app" in other languages ("entegrasyon", "integrasi",
    # "интеграц", "синхрониз", "ke aplikasi kami")
    r"|entegrasyon\w*|integrasi|интеграц\w*|синхрониз\w*|senkroniz\w*|sinkroni\w*"
    r"|\b(?:our|nuestra|nossa|notre|unsere\w*|nostra|nasz\w*|наш\w*) (?:app|aplicaci[oó]n"
    r"|aplicativo|application|anwendung|applicazione|aplikacj\w*|приложени\w*)"
    r"|aplikasi kami|uygulamam[iı]z\w*|hamare app|hamari app|app namin"
)
PAY_METHOD_SOURCE = (
    r"\b(?:paypal|pay pal|paypal\.me|payoneer|zelle|venmo|cash ?app|pix|upi|paytm|phonepe|gpay"
    r"|google pay|revolut|skrill|western union|moneygram|crypto|bitcoin|btc|usdt|usdc|eth|ethereum"
    r"|binance|tether|razorpay|instamojo|cashfree|paystack|flutterwave|mollie|iyzico|payu"
    r"|xendit|midtrans|bank transfer|wire transfer|bank account|bank details|iban|swift"
    r"|transferwise"
    r"|clabe|cbu|cvu|routing number|sort code|chave pix|upi id|wallet address|ach|sepa"
    r"|(?:via|through|by|on|over|with|using|my) wise|transferencia|transferencia bancaria"
    r"|transferencia|deposito|virement|перевод\w*|на карту|карт\w*|qiwi|юмани|yoomoney|сбп"
    r"|mercado pago|nequi|bizum|daviplata|interac|e-transfer|wallet|кошел\w*|boleto|stc ?pay"
    r"|instapay|urpay|gift ?cards?|cartes? cadeaux?|buoni regalo|tarjetas? de regalo"
    r"|cart[oõ]es? presente|gutschein\w*|karty podarunkowe|подарочн\w* (?:сертификат\w*|карт\w*)"
    r"|गिफ्ट कार्ड|गिफ्ट कार्ड|بطاقات? هدايا|ببطاقات? هدايا|بطاقة هدية|ببطاقة هدية"
    r"|hediye kart\w*|voucher google play|mb way|vale-?presentes?"
    r"|cr[eé]dito (?:de|do|da|no) google play|google play (?:credit|gift)\w*"
    r"|amazon (?:gift|voucher)\w*|" + _alt(_union("pay_methods"), escape=False) + r")(?!\w)"
)
PAY_METHOD_RE = compile_fast(PAY_METHOD_SOURCE)
PAY_VERB_RE = compile_fast(
    r"\b(?:pay|paid|paying|payment|send|sending|deposit|transfer|wire|tip|invoice|accept|fund"
    r"|pagar|pague|paga|pagame|pago|envia|manda|payer|paye|payez|paiement|virement|envoie"
    r"|оплат\w*|заплат\w*|плат(?!форм)\w*|перевед\w*|переве\w*|скин\w*|pay kar\w*"
    r"|payment kar\w*|bhej\w*"
    r"|de do|upfront|advance|half|balance|remaining|adelanto|anticipo|sinal|acompte|аванс"
    r"|предоплат\w*|(?:paypal|zelle|venmo|cash ?app|wise|revolut|pix|gpay|upi|payoneer)"
    r" (?:me|you|it|us)|" + _alt(_union("pay_verbs"), escape=False) + r")(?!\w)"
)
_PRODUCT_WORDS_RE = compile_fast(
    # (a checkout link sent to the reader is a way to pay: "ti mando il link al checkout")
    r"integrat\w*|"
    + NOT_A_PAY_LINK
    + r"checkout|\bapi\b|\bsdk\b|gateway|plugin|webhook|implement\w*|\bstore\b|sandbox"
    r"|module|\bsupport\w*|\busers?\b|customers?|\bapp\b|feature|\bflow\b|\bbuild|\bbutton\b"
    # (a hiring test is none: "the test task", "the paid test", round 28)
    r"|\btest(?!\s*(?:task|project|job|assignment|piece|brief|order))\w*|dashboard|integrac\w*"
    r"|\bshop\b|subscription|billing system|payment method"
    r"|(?<!\w)(?:"
    + _alt(_union("product_phrases") + _union("app_words") + _SIGN_IN_WORDS, escape=False)
    + r")(?!\w)"
)
DIRECT_PAY_SOURCE = (
    r"work (?:with (?:me|you) )?directly|deal directly|go direct\b|no middleman|without (?:the )?"
    r"(?:platform|middleman|site)|skip (?:the )?(?:platform|contract|fees|escrow"
    r"|commission|middleman)"
    r"|avoid (?:the )?(?:platform |site )?(?:fees?|commission)|sav(?:e|es|ing) (?:us )?(?:both )?"
    r"(?:on )?(?:the )?(?:platform )?(?:fees?|commission)|(?:pay|paid|payment)\w* (?:\w+ ){0,2}"
    r"(?:directly|outside|off[- ]platform|por fuera|por fora|fuera|fora|hors|вне)"
    r"|(?:outside|off) (?:of )?(?:the |this )?(?:platform|site)\W+(?:\w+\W+){0,4}(?:pay|paid"
    r"|payment|transfer|deposit|invoice)|trabajar directamente|trabalhar diretamente"
    r"|travailler directement|работать напрямую|sin comision|sem (?:taxa|comissao)"
    r"|sans commission|без комиссии|fees? (?:bach|bachegi)|seedha payment|direct payment"
    r"|pago directo|pagamento direto|paiement direct|оплат\w* напрямую|напрямую оплат\w*"
    r"|close (?:this|it|the contract) out and (?:work|continue)"
)
DIRECT_PAY_RE = compile_fast(DIRECT_PAY_SOURCE)
# A keep-here phrase refused right before it ("a nie przez serwis", "not through the site", "y
# no por la plataforma"): a place off the platform, like "outside the site".
_NOT_HERE = (
    r"(?<!\w)(?:and not|but not|not|won'?t|don'?t|doesn'?t|without|a nie|nie|y no|e não|e nao|no"
    r"|et pas|pas|und nicht|nicht"
    r"|e non|non|а не|не|nahi|bukan|hindi|değil|degil)\s+(?:(?:po|naman)\s+)?(?:"
    + KEEP_HERE_RE.pattern
    # round 28: "via check or bank deposit lang, hindi po through the app" (not the app store)
    + r"|(?:through|via) (?:the|this) app(?!\w|\s*store))"
)
# Round 28: paying through the platform said to be impossible ("we can't pay through the
# platform", "no podemos pagar por la plataforma", "platform üzerinden ödeme
# gerçekleştiremiyoruz"): with a means of paying beside it, the means is the way off it.
_CANNOT_PAY_HERE = (
    r"(?<!\w)(?:(?:can'?t|cannot|can not|unable to|not able to|(?:are|is)n'?t allowed to"
    r"|(?:are|is) not allowed to) (?:\w+ ){0,2}?(?:pay|settle|process payments?)"
    r"|no (?:podemos|puedo|pueden|se puede|nos dejan) (?:\w+ ){0,2}?(?:pagar|abonar)"
    r"|nao (?:podemos|posso|conseguimos|da pra) (?:\w+ ){0,2}?pagar"
    r"|non (?:possiamo|posso|riusciamo|possono) (?:\w+ ){0,2}?(?:pagare|usare la carta)"
    r"|ne (?:pouvons|peux|peut|pouvez) pas (?:\w+ ){0,2}?(?:payer|regler)"
    r"|nie (?:mozemy|moge|mozna) (?:\w+ ){0,2}?(?:placic|zaplacic|oplacic)"
    r"|не (?:можем|могу|получается) (?:\w+ ){0,2}?(?:платить|оплатить|оплачивать|заплатить)"
    r"|(?:tidak|gak|ga|nggak|enggak|tdk) (?:bisa|boleh|dapat) (?:\w+ ){0,2}?bayar"
    r"|hindi (?:kami |po |namin )*(?:pwede|puwede|kaya|makakapagbayad|makabayad)\w* (?:\w+ ){0,2}?"
    r"(?:magbayad|bayad|pay))"
    r" (?:\w+ ){0,2}?(?:through|via|on|using|in|por|en|pela|pelo|na|no|sulla|sul|sui|tramite"
    r"|attraverso|sur|par|przez|na|через|на|lewat|melalui|di|sa) (?:(?:the|this|la|esta|a|il"
    r"|le|les|ang) )?(?:platform\w*|plataforma|piattaforma|plateforme|marketplace|site|sitio"
    r"|sito|площадк\w*|платформ\w*|сайт\w*|aplikasi|app)(?!\w)"
    r"|(?<!\w)(?:konnen|durfen) (?:\w+ ){0,3}?nicht (?:\w+ ){0,2}?uber (?:die|diese) (?:plattform"
    r"|seite) (?:\w+ )?(?:zahlen|bezahlen|abrechnen)(?!\w)"
    r"|(?<!\w)platform (?:uzerinden|araciligiyla) (?:\w+ ){0,2}?odeme\w* (?:yapami|yapamay"
    r"|gerceklestiremi|gerceklestiremey)\w*"
    r"|(?<!\w)platform (?:uzerinden|araciligiyla) degil(?!\w)"
    # round 29: the card that does not work on the site ("البطاقة تبعي ما بتزبط عالموقع")
    r"|(?<!\w)(?:البطاقة|الكارت|الفيزا|بطاقتي|كرتي)(?: تبعي| بتاعتي| ديالي)? (?:ما بتزبط|ما تزبط"
    r"|ما زبطت|مش شغال\w*|ما بتشتغل|ما اشتغلت|مش بتشتغل|مرفوض\w*|بترفض|انرفضت)"
    r" (?:على |عل|ع|في |ف)(?:الموقع|المنصة)(?!\w)"
)
OUTSIDE_RE = compile_fast(
    _NOT_HERE
    + r"|"
    + _CANNOT_PAY_HERE
    + r"|outside (?:of )?(?:the |this )?(?:platform|site|app)|off[- ]platform|off (?:the|this)"
    r" (?:platform|site)|fuera de (?:la|esta) plataforma|fora da plataforma|en dehors de la"
    r" plateforme|hors (?:de la )?plateforme|вне платформы|мимо платформы|минуя платформу"
    r"|platform (?:ke|se) bahar|directly|directamente|diretamente|directement|напрямую"
    r"|\bdirect[aoe]?\b|\bdiret[ao]\b|\bseedha\b|(?<!\w)(?:"
    + _alt(_PAY_PLACES, escape=False)
    + r")(?!\w)"
)
FEE_RE = compile_fast(r"(?<!\w)(?:" + _alt(_union("fee_phrases"), escape=False) + r")(?!\w)")
# The platform's cut stated as a share, with or without a verb ("the site keeps 20%", "la página
# se queda con un 20%", "die Seite behält 20 % ein", "20% kinukuha ng site", "site %20 kesiyor").
_CUT_PLACES = (
    r"(?:platform\w*|plataforma\w*|plateforme\w*|plattform\w*|piattaforma\w*|площадк\w*"
    r"|платформ\w*|биржа|प्लेटफॉर्म\w*|प्लेटफॉर्म\w*|المنصة|منصة|site|sitio|sito|сайт\w*"
    r"|marketplace|portal\w*|साइट|الموقع|موقع|sitenin|situs|web ?site|web|seite|pagina|strona"
    r"|serwis|sayfa|upwork|fiverr)"
)
# The platform named as the owner of a fee ("la comisión de la página", "die Gebühr der Seite",
# "a taxa da página", "prowizja strony"): the site, not a page or product being built.
SITE_FEE_RE = compile_fast(
    r"(?<!\w)(?:"
    + _alt(_union("fee_phrases"), escape=False)
    + r")\s+(?:(?:de|da|do|del|della|dello|du|des|der|von|of|na|ng|sa)\s+)?"
    r"(?:(?:la|el|le|l'|the|a|o|die|das|dem|den|this|esta|este|cette|questa)\s+)?"
    r"(?:" + _CUT_PLACES + r"|strony|serwisu|portalu)(?!\w)"
)


class Finder(Protocol):
    """What the rules ask of a pattern: a compiled one, or :class:`Excluding`."""

    def finditer(self, s: str, pos: int = ..., endpos: int = ..., /) -> Iterator[re.Match[str]]: ...

    def search(self, s: str, pos: int = ..., endpos: int = ..., /) -> re.Match[str] | None: ...


class Excluding:
    """The matches of ``pattern`` that lie inside no match of ``inside``, with the two
    methods of a compiled pattern the rules use (``inside`` is searched only once a match is
    found)."""

    def __init__(self, pattern: re.Pattern[str], inside: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.inside = inside

    def finditer(self, s: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        spans: list[tuple[int, int]] | None = None
        for m in self.pattern.finditer(s, pos, endpos):
            if spans is None:
                spans = [x.span() for x in self.inside.finditer(s)]
            if not any(a <= m.start() and m.end() <= b for a, b in spans):
                yield m

    def search(self, s: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return next(self.finditer(s, pos, endpos), None)


# Talk of a product or one being built ("the payment form", "our app's checkout"): its words,
# except the platform named as a fee's owner ("la comisión de la página" is the site's cut).
PAY_PROJECT_NEG_RE = Excluding(_PRODUCT_WORDS_RE, SITE_FEE_RE)
SAVE_RE = compile_fast(r"(?<!\w)(?:" + _alt(_union("save_phrases"), escape=False) + r")(?!\w)|%")
DISCOUNT_RE = compile_fast(
    r"(?<!\w)(?:" + _alt(_union("discount_phrases"), escape=False) + r")(?!\w)"
)
# A messaging app by name, never an everyday word ("signal", "line", "zap", "ig" are left out):
# asked about in a short question it is a contact move ("telegram?", "tem wpp?", "واتس؟").
APP_NAME_RE = compile_fast(
    r"(?<!\w)(?:whats ?app\w{0,4}|whatsap|wats ?app|watsap|wpp|zapzap|wa|telegram\w{0,4}"
    r"|wasap\w*|guasap\w*|wassap\w*|uasap\w*|watsap\w*|telegas?|telega|telegrama|التيلي|इंस्टा"
    r"|tg|viber|insta|instagram|fb|facebook|messenger|skype|discord|wechat|snapchat"
    r"|واتس\w*|الواتس\w*|واتساب|تلي|تيليجرام|تلغرام|انستا|فيسبوك|فيس|سناب|телег\w*|ватсап\w*"
    r"|вотсап\w*|вайбер\w*|инст\w*|" + _alt(_union("app_names"), escape=False) + r")(?!\w)"
)
# "Here" in every language: a call proposed here is on the platform (the learned layer's
# meeting_link veto; the rules need a named outside tool anyway).
HERE_RE = compile_fast(
    r"(?<!\w)(?:here|aqui|aca|ici|hier|qui|tutaj|здесь|тут|сюда|buraya|هنا|هون|burada|di sini"
    r"|disini|dito|yahin|yahan|यहीं|यहाँ|यहां|on the platform|in the thread)(?!\w)"
)
SPEC_RE = compile_fast(r"(?<!\w)(?:" + _alt(_union("spec_phrases"), escape=False) + r")(?!\w)")
ASIDE_GATE = fragment_gate(_union("aside_phrases"))
# Settling it "ourselves" ("amongst ourselves", "сами"): a place off the platform beside a fee.
SELF_GATE = fragment_gate(_union("self_phrases"))
SELF_RE = compile_fast(r"(?<!\w)(?:" + _alt(_union("self_phrases"), escape=False) + r")(?!\w)")
# Paying "the usual way" ("come al solito", "kayak biasa"): a means the two parties share.
USUAL_GATE = fragment_gate(_union("usual_phrases"))
USUAL_RE = compile_fast(r"(?<!\w)(?:" + _alt(_union("usual_phrases"), escape=False) + r")(?!\w)")
# Round 21: where money went before, read only beside a "usual" phrase ("the same account as
# last time", "ten sam numer konta co ostatnio", "geçen seferki hesaba"): a bank account by any
# of its names, not a log-in (``LOGIN_RE`` vetoes "the same account as before to sign in").
BANK_ACCOUNT_RE = compile_fast(
    r"(?<!\w)(?:account(?: number| no| details)?|acc no|acct no|bank details|numer\w* konta"
    r"|kont[oa]|kontonummer|bankverbindung|сч[её]т\w*|реквизит\w*|rib|coordonnees bancaires"
    r"|cuenta|numero de cuenta|conta|dados bancarios|hesab\w*|hesap|الحساب|حسابي|حسابك"
    r"|rekening|ifsc|खाता|खाते|अकाउंट|khata|khaata)(?!\w)"
)
LOGIN_RE = compile_fast(
    r"(?<!\w)(?:log ?in\w*|sign ?in|signin|password|passwort|contrasena|senha|mot de passe"
    r"|haslo|sifre|kata sandi|логин\w*|парол\w*|войд\w*|зайд\w*|staging|server|admin|dashboard"
    r"|username|credentials|github|figma|email account|gmail|google account|repo)(?!\w)"
)
# After "between us": a third party named ("split between us and the payment processor") makes
# it a list of parties, not a private deal.
BETWEEN_RE = compile_fast(_alt(_union("between_phrases"), escape=False))
PARTY_LIST_RE = re.compile(
    r",?\s+(?:and|y|e|et|und|oraz|i|и|ve|dan|at|aur|или|or|o|ou|oder)(?![\w'’])"
)
# The platform named: money sent "as usual" with it is the platform's own flow.
PLATFORM_WORD_RE = compile_fast(
    r"(?<!\w)(?:platform\w*|plataforma\w*|plateforme\w*|plattform\w*|piattaforma\w*"
    r"|площадк\w*|платформ\w*|бирж\w*|प्लेटफॉर्म\w*|प्लेटफॉर्म\w*|المنصة|منصة|escrow|milestones?"
    r"|site|sitio|sito|сайт\w*|marketplace|portal\w*|साइट|الموقع|موقع|sitenin|situs"
    r"|web ?site|contracts?|contrato|contrat|vertrag\w*|contratto|umow\w*|контракт\w*"
    r"|कॉन्ट्रैक्ट|العقد|sözleşme\w*|kontrak|kontrata|этап\w*)(?!\w)"
)
# The platform's own places, where chat, calls and money stay: the platform, its contract,
# escrow and milestones, "here", this app or chat.
_HOME = (
    "(?:"
    + PLATFORM_WORD_RE.pattern
    + ")|(?:"
    + HERE_RE.pattern
    + r")|(?<!\w)(?:сделк\w*|meilenstein\w*|rekber|this (?:app|chat|thread)|esta app|este chat"
    r"|cette appli\w*|ce chat|dieser app|diesem chat|questa app|questa chat|tej aplikacji"
    r"|tym czacie|этом чате|этом приложении|bu uygulama\w*|aplikasi ini|chat ini|इस ऐप|इसी ऐप"
    r"|هذا التطبيق|هذه المنصة|app na ito|ito app)(?!\w)"
)
# "Only" or "everything" with the platform's own place a few words after it: the writer keeps
# chat or money on the platform ("I only work through the contract here", "solo trabajo con
# el contrato de aquí", "tout passe par le paiement du site", "semua lewat rekber situs").
HOME_RE = compile_fast(_HOME)  # the platform or here, as ``EXCLUSIVE_KEEP_RE`` names them
EXCLUSIVE_KEEP_RE = compile_fast(
    r"(?<!\w)(?:"
    + _alt([*_union("only_words"), *_union("all_words"), *_union("stay_words")])
    + r")(?!\w)(?:\W+\w+){0,6}?\W+(?:"
    + _HOME
    + ")"
)
EXCLUSIVE_KEEP_GATE = fragment_gate(
    [*_union("only_words"), *_union("all_words"), *_union("stay_words")]
)
# "Know"/"tell" and "need"/"must" in every language: the platform that "doesn't need to know"
# what the two parties agreed.
KNOW_GATE = fragment_gate(_union("know_words"))
NEED_GATE = fragment_gate(_union("need_words"))
KNOW_RE = compile_fast(r"(?<!\w)(?:" + _alt(_union("know_words"), escape=False) + r")(?!\w)")
NEED_RE = compile_fast(r"(?<!\w)(?:" + _alt(_union("need_words"), escape=False) + r")(?!\w)")
# What the two parties agree on: how much, the price or rate, the deal itself (stems).
DEAL_RE = compile_words(_union("deal_words"))
# Getting around something, in every language; and the words that make a fee someone else's
# than the platform's (a bank's, a currency conversion's, a card's).
EVADE_GATE = fragment_gate(_union("evade_phrases"))
EVADE_RE = compile_fast(r"(?<!\w)(?:" + _alt(_union("evade_phrases"), escape=False) + r")(?!\w)")
OTHER_FEE_RE = compile_fast(
    r"(?<!\w)(?:bank\w*|banc\w*|конверт\w*|convers\w*|conversion|currency|wechselkurs"
    r"|withdraw\w*|auszahlung\w*|saque|retiro|retrait|prelievo|wyplat\w*|вывод\w*|card|karte"
    r"|cartao|tarjeta|carte|carta|kart\w*|карт\w*|paypal|stripe|transfer\w*|wire|atm"
    r"|airline|shipping|envio|versand|delivery|tax|steuer|vat|iva|tva|gst|late|penalty)(?!\w)"
)
# A way or a "how": what asking for a way around something says ("is there a way", "tem como",
# "y a pas moyen", "koi jugaad", "bi yolu yok mu").
WAY_RE = compile_fast(
    r"(?<!\w)(?:way|how|let'?s|como|jeito|forma|manera|modo|moyen|comment|weg|wie|sposob"
    r"|sposób|jak|способ|как|как-то|तरीका|तरीके|jugaad|tareeka|tarika|kaise|طريقة|طريقه|كيف|yol\w*"
    r"|nasil|nasıl|cara|gimana|bagaimana|paano|paraan|diskarte)(?!\w)"
)


def _word_alternation(fragments: list[str]) -> tuple[re.Pattern[str], Gate]:
    """Word fragments (a language field's union) as one whole-word pattern and the gate that
    skips messages holding none of their words."""
    return compile_words(fragments), fragment_gate(fragments)


# Paying or refunding the other party oneself, from one's own pocket, privately (the writer or
# the reader as payer): "te lo pago yo por mi cuenta", "je continue à te payer moi-même", "ich
# zahl dich privat weiter", "ti rimborso io di tasca mia", "paranı kendim iade ederim".
SELF_PAY_RE, SELF_PAY_GATE = _word_alternation(_union("self_pay_phrases"))
# Giving money back, in every language (a refund offered off the platform is a payment move).
REFUND_RE = compile_words(_union("refund_words"))
# The other party as the one paid or paying: "you" as an object in every language.
TO_YOU_RE = compile_words(_union("party_pronouns"))


# Someone close to a party, whose account or firm pays or is paid instead ("my girlfriend's
# account", "an meinen Mitbewohner", "sa account ng pinsan ko", "meri mummy ke account").
THIRD_PARTY_RE, THIRD_PARTY_GATE = _word_alternation(_union("relative_words"))
ACCOUNT_RE, ACCOUNT_GATE = _word_alternation(_union("account_words"))
# Taking a means of payment ("Venmo works for me", "biorę w USDT", "в крипте принимаешь?",
# "aceitas Pix?"): with the means named right beside it, an offer or a request to be paid so.
ACCEPT_RE = compile_words(_union("accept_words"))
# A bonus, a tip or a small gift of money in every language: with a place off the platform in
# its sentence, a payment move ("te mando um agrado por fora", "مكافأة ... بعيد عن التطبيق").
BONUS_RE, BONUS_GATE = _word_alternation(_union("bonus_words"))
# Words for a call (a meeting cue that names a call, not "chat" or "link"): the gate of the
# call-on-a-named-place rule.
CALL_GATE = fragment_gate([*_union("call_words"), *_union("meeting_cues")])
# Declining in any language: a negation, "sorry", "I'd rather not", Turkish negative verbs,
# colloquial Indonesian and Arabic "no".
# A decline word given as a suffix ("\\w+mam", Turkish "yapmam") is found from the suffix (a
# pattern led by "\\w+" is tried at every position of a message)
_DECLINE_ALL = _union("decline_words") + _union("refused_words")
_DECLINE_SUFFIXES = [fold(w[3:]) for w in _DECLINE_ALL if w.startswith("\\w+")]
_DECLINE_WORDS_SOURCE = (
    r"(?<!\w)(?:" + "|".join(fold(w) for w in _DECLINE_ALL if not w.startswith("\\w+")) + r")(?!\w)"
)
# The writer's own refusal at the end of its clause ("..., j'ai refusé", "odmówiłem i
# zgłosiłem to", "saya tolak."): a move told before it is one turned down.
REFUSED_RE, REFUSED_GATE = _word_alternation(_union("refused_words"))
# The other party's request or offer reported by the writer ("you asked for my WhatsApp, but
# …", "Vous m'avez demandé mon WhatsApp mais…", "انت طلبت 'نتكلم على زووم' بس…").
ASKED_RE, ASKED_GATE = _word_alternation(_union("asked_words"))
_DECLINE_SUFFIX_SOURCE = r"(?<=\w)(?:" + "|".join(_DECLINE_SUFFIXES or ["(?!)"]) + r")(?!\w)"
DECLINE_RE = compile_fast(
    NEGATION_RE.pattern + "|" + _DECLINE_WORDS_SOURCE + "|" + _DECLINE_SUFFIX_SOURCE
)
# The same three parts apart: each keeps its own first-character skip, which the one pattern
# loses (``declined`` answers whether any matches, at about twice ``DECLINE_RE``'s speed)
_DECLINE_PARTS = (
    NEGATION_RE,
    compile_fast(_DECLINE_WORDS_SOURCE),
    compile_fast(_DECLINE_SUFFIX_SOURCE),
)


def declined(s: str, pos: int = 0, endpos: int | None = None) -> bool:
    """``DECLINE_RE.search(s, pos, endpos) is not None``, faster."""
    end = len(s) if endpos is None else endpos
    return any(part.search(s, pos, end) is not None for part in _DECLINE_PARTS)


_SHARE = r"(?:\d+(?:[.,]\d+)?\s*%|%\s*\d+)"
CUT_RE = compile_fast(
    r"(?<!\w)"
    + _CUT_PLACES
    + r"(?!\w)(?:\s+\S+){0,5}?\s+"
    + _SHARE
    + r"|"
    + _SHARE
    + r"(?:\s+\S+){0,4}?\s+"
    + _CUT_PLACES
    + r"(?!\w)"
)
# A fee that is the platform's by its name: a service or admin charge.
SERVICE_FEE_RE = compile_fast(
    r"(?<!\w)(?:service\w*|servis\w*|serwis\w*|сервисн\w*|hizmet\w*|admin\w*|layanan"
    r"|servizio|serviço|servicio|servicegeb\w*)(?!\w)"
)
# "Directly" and its kin: a place off the platform for a verb of paying, but too common beside
# a fee in product talk ("the fee is deducted directly") to stand alone with one.
_DIRECT_WORDS = (
    r"direct\w*|diret\w*|direkt\w*|diretto|direttamente|bezpośredni\w*|bezposredni\w*"
    r"|напрямую|прямо|seedha|sidha|langsung|diretso|doğrudan|dogrudan|مباشر\w*|सीधे"
)
DIRECT_WORD_RE = compile_fast(_DIRECT_WORDS)
# Unbounded literals (each "\w*" adds nothing to whether one matches): a match anywhere is
# one of these inside the text.
DIRECT_WORD_STEMS = tuple(w.removesuffix(r"\w*") for w in _DIRECT_WORDS.split("|"))
ASIDE_RE = compile_fast(r"(?<!\w)(?:" + _alt(_union("aside_phrases"), escape=False) + r")(?!\w)")
# "Pay" in any language, or a payment means: the anchor of a pay-outside request.
PAY_ANY_RE = compile_fast(PAY_VERB_RE.pattern + "|" + PAY_METHOD_RE.pattern)

# --- phones -------------------------------------------------------------------------------

PHONE_CUE_RE = compile_fast(
    r"\b(?:call|phone|cell|mobile|\bmob\b|number|\bnum\b|\bno\.|\btel\b|text|sms|whats ?app|\bwa\b"
    r"|viber|signal|telegram|ring|dial|contact|reach|llam\w*|telefono|celular|movil|numero|ligue"
    r"|liga|\bzap\b|appel\w*|telephone|portable|звон\w*|телефон|номер|мобил\w*|ватсап|вотсап"
    r"|karo|kare|area code|codigo de area|\bddd\b|indicatif|код|\bext\b|extension|\bfax\b|hotline"
    r"|\bcontato|\bcontacto|rest is|fone|позвон\w*|hubungi|(?<!\w)(?:"
    + _alt(_union("phone_cues"), escape=False)
    + r")(?!\w))"
)
# "The rest", "last four", "sisanya" between two pieces of digits: the second finishes the
# number the first began, even when the first is long enough to stand alone.
# One word of every rest phrase: a gap between two digit runs without one has no rest word.
REST_KEYS = key_pieces(_union("rest_words"))
REST_WORD_RE = compile_fast(
    r"(?<![\w\u0900-\u097f])(?:"
    + _alt([fold(w.lower()) for w in _union("rest_words")])
    + r")(?![\w\u0900-\u097f])"
)
# The Arabic article and the prepositions glued to it ("التتبع", "للشحنة", "بالفاتورة"):
# a not-phone word keeps its meaning with them.
_ARABIC_ARTICLE = r"(?<!\w)[وفبك]?(?:ال|لل)"
PHONE_NEG_RE = compile_fast(
    r"(?P<cue>isbn|issn|\bean\b|\bupc\b|barcode|imei|serial|\bsn\b|order|invoice|\binv\b|\bref\b"
    r"|reference|ticket|\bcase\b|\bjob\b|\bid\b|epoch|timestamp|\bcard\b|visa|mastercard|amex"
    r"|\bcvv\b|meeting|\bpin\b|passcode|password|\bcode\b|tracking|\bzip\b|postal|version"
    r"|\bbuild\b|\$|usd|eur|gbp|\binr\b|\brs\.?|₹|€|£|price|budget|\bsku\b|\bip\b|\bport\b|\blat\b"
    r"|account|\biban\b|\bpo\b|\bvat\b|\btax\b|\bnif\b|\bcpf\b|\bcnpj\b|\bssn\b|\bpr\b|commit"
    r"|twilio|test number|\bmask\b|placeholder|pedido|commande|заказ|(?<!\w)(?:"
    + _ARABIC_ARTICLE
    + r"|و)?(?:"
    + _alt(_union("not_phone_cues"), escape=False)
    # the short words skipped are letters only ("el DUNS de la empresa es"): the digits of a
    # version or reference ("Version 2.4. Llámame al ...") are words of the window
    + r")(?!\w))\W*(?:(?:[^\W\d_]{1,2}\W+)?\w+\W+){0,3}(?:[^\W\d_]{1,2}\W+)?$"
)
# The phone words of every language that name a phone, not just a number ("mi celular",
# "Handy", "мой телефон", "hp"): after an id word they say the next digits are a phone.
# "Number" words are left out: "tracking number", "номер накладной" name the id itself; so
# are words too common to say a phone ("ara", "karo", "likho").
_NUMBER_WORDS = frozenset(
    """number n[uú]mero num[ée]ro nummer numero numer номер नंबर नम्बर رقم numara\\w* nomor\\w*
    karo kare ara likho ring""".split()
)
PHONE_NEG_OVERRIDE_RE = compile_fast(
    r"(?:area code|codigo de area|phone|call|dial-?in|dial|whats ?app|cell|mobile|tel|text"
    r"|my number|reach me|ll[aá]m\w*|chiam\w*|ruf mich|zadzwo\w*|(?<!\w)(?:"
    # the writer's own number in any language ("мой номер", "mi número", "numaram")
    r"(?:my|mi|meu|mon|mein\w*|il mio|mio|moj|mój|мой|mera|meri|benim|nomor)\W+(?:\w+\W+)?"
    r"(?:number|n[uú]mero|num[ée]ro|nummer|numero|numer|номер|saya|ko)|numaram|nomorku"
    r"|رقمي|cp|selpon)(?!\w)|(?<!\w)(?:"
    + _alt([w for w in _union("phone_cues") if w not in _NUMBER_WORDS], escape=False)
    + r")(?!\w))\W*"
    r"(?:\w+\W+){0,2}$"
)
DATE_RE = compile_fast(r"(?<!\d)\d{1,4}([/.-])\d{1,2}\1\d{2,4}(?!\d)")
PHONE_REGIONS = (
    "US", "GB", "IN", "AU", "BR", "ES", "MX", "FR", "RU", "PT", "AR", "CO", "DE", "IT", "PL",
    "TR", "ID", "PH", "SA", "AE", "EG",
)  # fmt: skip
PHONE_SEP_CHARS = frozenset(" \t-.|/()\u00a0")

# --- assembly instructions ---------------------------------------------------------------

_DOT_SPOKEN = r"(?:\.|" + _alt(["dot", *_union("dot_words"), *_union("weak_dot_words")]) + r")"
_TLD_ALT = "|".join(sorted(COMMON_TLDS, key=len, reverse=True))
# Local spellings of mail providers and of suffixes ("гмейл", "جيميل", "ком"), for assembly.
MAIL_PROVIDER_WORDS: MappingProxyType[str, str] = _merged("mail_providers")  # type: ignore[assignment]
TLD_WORDS: MappingProxyType[str, str] = _merged("tld_words")  # type: ignore[assignment]
_TLD_ANY = _TLD_ALT + "|" + _alt(TLD_WORDS)
# A mail provider, a few filler words at most, then its suffix said with a dot word:
# "gmail dot com", "hotmail y al final punto es", "t-online punkt de", "laposte point net",
# "гмейл точка ком"; or the provider alone ("arroba gmail", "el de google"), suffix left implicit.
PROVIDER_AFTER_RE = compile_fast(
    r"(?<![\w.])(?P<prov>"
    + "|".join(sorted(WEBMAIL, key=len, reverse=True))
    + "|"
    + _alt(MAIL_PROVIDER_WORDS)
    + r")(?![\w-])(?:(?:[\s,]+[^\W\d_]+){0,3}?[\s,]*"
    + _DOT_SPOKEN
    + r"\s*(?P<suffix>(?:"
    + _TLD_ANY
    + r")(?:\s*"
    + _DOT_SPOKEN
    + r"\s*(?:"
    + _TLD_ANY
    + r"))?)(?!\w))?"
)
# A username said in any script right before a spoken "@" ("иван точка петров собака ...",
# "रवि डॉट शर्मा एट ..."): up to four word pieces joined by spoken or written dots, "_" or "-".
_USER_JOIN = (
    r"(?:\s*[._-]\s*|\s+(?:"
    + _alt(["dot", *_union("dot_words"), *_union("weak_dot_words")])
    + r")\s+|\s+(?P<underscore>"
    + _alt(_union("underscore_words"))
    + r")\s+"
    # round 11 (guard-ids6): digits typed one by one after a name ("reem 8 8 آت ياهو"),
    # glued to it
    r"|\s+(?=\d(?!\w)))"
)
_PIECE = r"(?:[^\W_]|[\u0900-\u097f])+"  # Devanagari vowel signs are not \w
SPOKEN_USER_BEFORE_RE = re.compile(
    r"(?<![^\W_\u0900-\u097f])(?P<user>" + _PIECE + r"(?:" + _USER_JOIN + _PIECE + r"){0,3})"
    r"[\s,:]*$"
)
SPOKEN_USER_JOIN_RE = re.compile(_USER_JOIN)
# The anchor of an assembly instruction: the "@" named as a thing or said as a word, or the
# domain part named ("then the usual google mail ending").
ASSEMBLY_ANCHOR_RE = compile_fast(
    r"(?<!\w)(?:(?P<at>"
    + _alt(_union("at_symbol_names") + _union("assembly_at_words") + _union("at_words"))
    + r")|(?P<domain>"
    + _alt(_union("domain_words"))
    + r"))(?!\w)"
)
# A "@" given as a piece to put between two others: the symbol alone ("'k.schulz' + @ +
# 'gmx.net'", "com o @ e depois") or named ("the at sign", "с собачкой").
PIECE_AT_RE = compile_fast(
    r"@|(?<![\w.@])(?:"
    + _alt(_union("at_symbol_names") + _union("assembly_at_words") + _union("at_words"))
    + r")(?![\w@.])"
    # "the at sign" after a word: the de-obfuscated view made its "at" a spoken-at sentinel
    + r"|\ue000(?:sign|symbol)(?!\w)"
)
PIECE_AT_GATE = first_pieces(
    _union("at_symbol_names") + _union("assembly_at_words") + _union("at_words")
)
# A bare domain given as a piece ("'outlook.com.br'", "onet.pl"): no path after it.
PIECE_DOMAIN_RE = compile_fast(
    r"(?<![\w@.\-/])(?:[a-z0-9][a-z0-9-]*[.\ue001\ue002])+[a-z]{2,24}(?![\w@/\-]|\.\w)"
)
# What goes before the "@" when an address is given as a domain plus that piece ("the part
# before it is simply jonas", "vorne einfach 'lena'"): the phrase, up to three short words,
# then one username (quoted, or last before punctuation or the end).
LOCAL_PART_GATE = key_pieces(_union("local_part_words"))
LOCAL_PART_RE = compile_fast(
    r"(?<![\w\u0900-\u097f])(?:"
    + _alt(_union("local_part_words"))
    + r")(?![\w\u0900-\u097f])\s*[:=,-]?\s*"
    r"(?:(?:[^\W\d_]|[\u0900-\u097f]){1,12}(?:'[^\W\d_]{1,12})?\s+){0,3}"
    r"(?:[\"'“„«‘](?P<quoted>[a-z][a-z0-9._-]{0,40}[a-z0-9])[\"'”»’]"
    r"|(?P<user>[a-z][a-z0-9]*[._-][a-z0-9._-]{0,40}[a-z0-9](?![\w@])"
    r"|[a-z][a-z0-9]{1,40}(?=\s*(?:[,.;!?)]|$))))"
)
# The writer's full name glued into the address ("my first and last name together, no dot,
# at hotmail ... I'm Rosa Kettle", "nome completo junto, sem ponto"): both words near.
FULL_NAME_GATE = key_pieces(_union("full_name_words"))
# The writer's real name named right after an app ("find me on LinkedIn by my full name",
# "cercami su LinkedIn, nome e cognome", "найдите во ВКонтакте по имени и фамилии"): what
# follows is no handle.
FULL_NAME_RE = compile_fast(
    r"(?<!\w)(?:"
    + _alt(_union("full_name_words"))
    # found "by my name": the name that follows is the writer's own ("pelo meu nome, Joana")
    + r"|by (?:my )?(?:real )?name|pelo (?:meu )?nome|por (?:mi )?nombre|par mon nom"
    r"|unter meinem (?:echten )?namen|per nome|col mio nome|po imieniu|по имени)(?!\w)"
)
GLUED_GATE = key_pieces(_union("glued_words"))
GLUED_NAME_RE = compile_fast(
    r"(?<![\w\u0900-\u097f])(?:"
    + _alt(_union("full_name_words"))
    + r")(?![\w\u0900-\u097f])[^.!?\n]{0,30}?(?<![\w\u0900-\u097f])(?:"
    + _alt(_union("glued_words"))
    + r")(?![\w\u0900-\u097f])"
)
# A username set off by commas after a username word, then a mail provider ("my email is my
# username from here, tomsketches, but at yahoo", "o mesmo nome de usuário daqui, caiopintor,
# só que no gmail").
_APPOSITION_WORDS = [
    "username",
    "user name",
    "nick",
    "nickname",
    "handle",
    *_union("username_words"),
]
USER_APPOSITION_GATE = key_pieces(_APPOSITION_WORDS)
USER_APPOSITION_RE = compile_fast(
    r"(?<![\w\u0900-\u097f])(?:"
    + _alt(_APPOSITION_WORDS)
    + r")(?![\w\u0900-\u097f])[^,.;:!?\n@]{0,25}[,:]\s*(?P<user>[a-z][a-z0-9._-]{2,30}[a-z0-9])"
    r"\s*[,\-–]"
)
# A username piece labelled as such: "name: lena", "nombre: rocio.diaz", "my surname kowal".
NAME_LABEL_WORDS = frozenset(fold(w.lower()) for w in _words(_union("name_labels")))
NAME_LABEL_RE = compile_fast(
    r"(?<!\w)(?:"
    + _alt(_union("name_labels"))
    + r")(?P<colon>\s*[:=])?\s*(?P<user>[a-z][a-z0-9._-]{1,40}[a-z0-9])(?![\w@])"
)
# An address pattern said with placeholders: the first-name word, a dot or underscore (typed
# or said), the last-name word ("first.last", "vorname punkt nachname", "imię, kropka,
# nazwisko", "pangalan ko dot apelyido"); one short word may follow the first-name word.
_FIRST_NAME = _alt([fold(w.lower()) for w in _union("first_name_words")])
_LAST_NAME = _alt([fold(w.lower()) for w in _union("last_name_words")])
_NAME_SEP = (
    r"(?P<sep>[._]|\s*-\s*|[\s,]+(?:"
    + _alt(["dot", *_union("dot_words"), *_union("weak_dot_words")])
    + r")[\s,]+|[\s,]+(?P<underscore>"
    + _alt(_union("underscore_words"))
    + r")[\s,]+)"
)
# In either order: "nachname punkt vorname" gives last.first.
NAME_PATTERN_RE = compile_fast(
    r"(?<![\w\u0900-\u097f])(?:(?:"
    + _FIRST_NAME
    + r")(?:\s+[^\W\d_]{1,3})?"
    + _NAME_SEP
    + r"(?:"
    + _LAST_NAME
    + r")|(?P<reversed>(?:"
    + _LAST_NAME
    + r")(?:\s+[^\W\d_]{1,3})?"
    + _NAME_SEP.replace("?P<sep>", "?P<rsep>").replace("?P<underscore>", "?P<runderscore>")
    + r"(?:"
    + _FIRST_NAME
    + r")))(?![\w\u0900-\u097f])"
)
# One-word placeholders ("firstname", "nome", "nachname"): an address whose local part is made
# of them only ("firstname.lastname@yourcompany.com", "nome.cognome+test@...") is an example.
NAME_PLACEHOLDER_WORDS = frozenset(
    fold(w.lower()).replace(" ", "") for w in _union("first_name_words") + _union("last_name_words")
)
# "Address" in every language: a name pattern said with it is an address's pattern.
ADDRESS_WORD_RE = compile_fast(
    r"(?<![\w\u0900-\u097f])(?:address\w*|adress\w*|adres\w*|endere[cç]o\w*|direcci[oó]n"
    r"|indirizz\w*|адрес\w*|पता|पते|عنوان|alamat\w*)(?![\w\u0900-\u097f])"
)
NAME_PATTERN_GATE = first_pieces([fold(w.lower()) for w in _union("last_name_words")])
FIRST_NAME_GATE = first_pieces([fold(w.lower()) for w in _union("first_name_words")])
# The writer's own full name ("I'm Tom Bauer", "mera naam Vikas Rao hai", "ako si Liza
# Manalo"): two Latin-letter words after an introduction.
_NAME_INTROS = [fold(w.lower()) for w in _union("name_intros")]
NAME_INTRO_RE = compile_fast(
    r"(?<!\w)(?P<intro>" + _alt(_NAME_INTROS) + r")\s+(?:(?:a|o|la|el|si)\s+)?"
    r"(?P<first>[a-z][a-z'-]+)\s+(?P<last>[a-z][a-z'-]+)(?![\w@.]\w)"
)
# Introductions that say "name" ("my name is", "me llamo", "اسمي"): the name after them need
# not be capitalised; after "I'm", "ich bin", "sono" it must be ("I'm Tom Bauer", not "I'm
# building a").
NAMING_INTRO_KEYS = (
    "name", "llamo", "chamo", "appelle", "heiße", "heisse", "chiamo", "nazywam", "imie",
    "imię", "зовут", "naam", "नाम", "اسم", "adim", "namaku", "nama saya", "pangalan", "nome",
    "nombre",
)  # fmt: skip

# A username given as quoted pieces with its dot or underscore named between them ('"paul",
# dann ein Punkt, dann "wenzel"', '"vikram", फिर अंडरस्कोर, फिर "singh"').
QUOTED_PIECES_RE = compile_fast(
    r"[\"'“”«»„](?P<a>[a-z0-9]+(?:[._-][a-z0-9]+)*)[\"'“”«»]"
    r"(?P<mid>[^\"'“”«»„@]{1,40}?)"
    r"[\"'“”«»„](?P<b>[a-z0-9]+(?:[._-][a-z0-9]+)*)[\"'“”«»]"
)
PIECE_DOT_WORD_RE = compile_fast(
    r"(?<![\w\u0900-\u097f])(?:"
    + _alt(["dot", "full stop", "period", *_union("dot_words"), *_union("weak_dot_words")])
    + r")(?![\w\u0900-\u097f])|(?<!\S)\.(?!\S)"
)
PIECE_UNDERSCORE_WORD_RE = compile_fast(
    r"(?<![\w\u0900-\u097f])(?:"
    + _alt(["underscore", *_union("underscore_words")])
    + r")(?![\w\u0900-\u097f])|(?<!\S)_(?!\S)"
)
# File names are not usernames ("logo_v2.png").
FILE_EXTENSIONS = frozenset(
    """png jpg jpeg gif svg webp pdf doc docx xls xlsx ppt pptx txt csv md json yaml yml xml
    zip rar gz tar mp3 mp4 mov avi wav psd ai fig sketch py js ts tsx jsx html css""".split()
)
USERNAME_TOKEN_RE = compile_fast(r"(?<![\w@.])[a-z][a-z0-9]*(?:[._][a-z0-9]+)+(?![\w@])")

# Words that make "my number" an order, invoice or tracking number, not a phone.
_NOT_PHONE_WORDS = (
    r"order|invoice|tracking|ticket|case|reference|serial|account|pedido|factura"
    r"|commande|bestell\w*|ordine|zamowieni\w*|заказ\w*|siparis|pesanan|"
    + _alt(_union("not_phone_cues"), escape=False)
)
NOT_PHONE_WORD_RE = compile_fast(r"(?<!\w)(?:" + _NOT_PHONE_WORDS + r")(?!\w)")
# A number masked with x's or zeros ("98XXXXXXXX", "0 (5XX) XXX XX XX", "00000 00000"): a
# placeholder in a mockup or a spec, so the phone word beside it names no one's phone.
MASKED_NUMBER_RE = compile_fast(
    r"(?<![a-z])(?:\d+x{2,}|x{2,}\d+|x{3,})(?![a-z])|(?<![\d.,])0{4,}(?:[\s-]0{2,})*(?![\d.,])"
)
# The same words right after a number, at most one word between (languages that put the noun
# after the number: "2024/118 numaralı fatura", "118 नंबर का बिल"): an id, not a phone.
PHONE_NEG_AFTER_RE = compile_fast(
    r"[\s#:)]*(?:[^\W\d_]+[\s:]+)?(?:" + _ARABIC_ARTICLE + r")?(?:" + _NOT_PHONE_WORDS + r")(?!\w)"
)

# Talk about a product being built ("field", "form", "button"), in every language.
PRODUCT_RE = compile_fast(
    r"(?<!\w)(?:" + _alt(_union("product_phrases"), escape=False) + r")(?!\w)"
)

# Gates in front of the patterns every message is scanned with (see ``Gate``).
MOVE_CUE_GATE = pattern_gate(MOVE_CUE_SOURCE)
CHANNEL_GATE = pattern_gate(CHANNEL_SOURCE)


def _literal_prefix(alternative: str) -> str:
    """The characters every match of a regex alternative starts with ("whats ?ap": "whats",
    "skype\\w{0,3}": "skype"); empty when it starts with a class, a group or an escape."""
    out: list[str] = []
    i = 0
    while i < len(alternative):
        c = alternative[i]
        if c == "\\" and i + 1 < len(alternative) and not alternative[i + 1].isalnum():
            c, width = alternative[i + 1], 2
        elif c in "\\[]().^$|?*+{}":
            break
        else:
            width = 1
        if alternative[i + width : i + width + 1] in ("?", "*", "+", "{"):
            break  # this character is optional or repeated
        out.append(c)
        i += width
    return "".join(out)


def _channel_needles() -> tuple[bool, tuple[str, ...], dict[str, tuple[str, ...]]]:
    """For ``channel_matches``: whether every channel alternative starts with a literal, the
    literals that start with a character no word piece keeps (always looked for), and the
    others by their leading run of word-piece characters."""
    alts = _top_alternatives(CHANNEL_SOURCE)
    if alts is None:
        return False, (), {}
    always: list[str] = []
    by_run: dict[str, list[str]] = {}
    for alt in alts:
        prefix = _literal_prefix(alt)
        if not prefix:
            return False, (), {}
        run = ""
        for c in prefix:
            if PUNCT_TO_SPACE[ord(c)] == " ":
                break
            run += c
        if run:
            by_run.setdefault(run, []).append(prefix)
        else:
            always.append(prefix)
    return True, tuple(always), {r: tuple(p) for r, p in by_run.items()}


CHANNEL_ANCHORED, _CHANNEL_ALWAYS, _CHANNEL_BY_RUN = _channel_needles()
# Long messages only: in a short one the plain scan costs less than the look-ups.
CHANNEL_ANCHOR_MIN_CHARS = 1000


def channel_matches(s: str, words: frozenset[str]) -> list[re.Match[str]]:
    """``list(CHANNEL_RE.finditer(s))``, in a long message tried only where a channel name's
    literal start occurs after a character that is no word character, "@", ".", "/" or "-":
    each name's leading letters lie inside one word piece, so only the names whose letters
    occur in the message's pieces (``WordPieces.text``) are looked for."""
    if (
        not CHANNEL_ANCHORED
        or len(s) < CHANNEL_ANCHOR_MIN_CHARS
        or not isinstance(words, WordPieces)
        or words.source is not s
    ):
        return list(CHANNEL_RE.finditer(s))
    pieces = words.text
    needles = set(_CHANNEL_ALWAYS)
    for run, prefixes in _CHANNEL_BY_RUN.items():
        if run in pieces:
            needles.update(prefixes)
    # Literals that share their last word ("el whats", "3a whats", "whats") are found with one
    # search for that word, then checked in full where it occurs.
    by_anchor: dict[str, list[tuple[str, int]]] = {}
    for needle in needles:
        anchor, offset = _CHANNEL_ANCHOR[needle]
        by_anchor.setdefault(anchor, []).append((needle, offset))
    found: set[int] = set()
    for anchor, group in by_anchor.items():
        j = s.find(anchor)
        while j >= 0:
            for needle, offset in group:
                i = j - offset
                if i >= 0 and s.startswith(needle, i):
                    if i == 0 or not (s[i - 1].isalnum() or s[i - 1] in "_@./-"):
                        found.add(i)
            j = s.find(anchor, j + 1)
    return list(finditer_at(CHANNEL_RE, s, sorted(found)))


def _anchor_of(needle: str) -> tuple[str, int]:
    """The last space-separated word of a literal and where it starts in it."""
    offset = needle.rfind(" ") + 1
    return needle[offset:] or needle, offset if needle[offset:] else 0


_CHANNEL_ANCHOR = {
    n: _anchor_of(n)
    for n in (*_CHANNEL_ALWAYS, *(p for ps in _CHANNEL_BY_RUN.values() for p in ps))
}
PAY_METHOD_GATE = pattern_gate(PAY_METHOD_SOURCE)
DIRECT_PAY_GATE = pattern_gate(DIRECT_PAY_SOURCE)


def source_of(pattern: re.Pattern[str]) -> str:
    """The source a ``compile_fast`` pattern was written as (before regex_opt's rewrite)."""
    return next(source for source, compiled in COMPILED if compiled is pattern)


def _bounded_gate(source: str) -> Gate:
    """:func:`pattern_gate` for a pattern that is one alternation between word boundaries
    ("\\b(?:...)\\b", "(?<!\\w)(?:...)(?!\\w)"), which is what a gate's word test assumes;
    a gate that always passes for any other shape."""
    parts = split_top(source)  # "\\b(?:...)\\b|(?<!\\w)(?:...)(?!\\w)": each part its gate
    shaped = [
        re.fullmatch(r"(?:\\b|\(\?<!\\w\))\(\?:.*\)(?:\\b|\(\?!\\w\))", part, re.S)
        for part in parts
    ]
    if not all(shaped):
        return Gate(frozenset(), (), True)
    return merge_gates([pattern_gate(part) for part in parts])


def merge_gates(gates: Iterable[Gate]) -> Gate:
    """One gate that passes where any of ``gates`` does (for a pattern that is their union)."""
    words: set[str] = set()
    stems: set[str] = set()
    always = False
    requires: dict[str, set[tuple[frozenset[str], ...]]] = {}
    bare: set[str] = set()  # words that need nothing more in some gate
    for gate in gates:
        always = always or gate.always
        words |= gate.words
        stems.update(gate.stems)
        for word in gate.words:
            needs = gate.requires.get(word)
            if needs is None:
                bare.add(word)
            else:
                requires.setdefault(word, set()).add(needs)
    merged = {
        word: tuple(sorted({need for needs in sets for need in needs}, key=sorted))
        for word, sets in requires.items()
        if word not in bare
    }
    return Gate(frozenset(words), tuple(sorted(stems)), always, MappingProxyType(merged))


# Gates for the channel categories searched over a whole message once a move was named.
# A pointer back to a place just named ("there", "lá", "туда", "هناك", "oradan", "dun"): after
# a question naming an app by a euphemism ("tem o verdinho? te mando as fotos lá"), the
# question proposes that app.
THERE_WORDS = (
    "there",
    "ahi",
    "alli",
    "alla",
    "la",
    "la-bas",
    "li",
    "dort",
    "dorthin",
    "da",
    "tam",
    "там",
    "туда",
    "wahan",
    "wahin",
    "वहाँ",
    "वहां",
    "वहीं",
    "هناك",
    "هناك",
    "هنااك",
    "orada",
    "oradan",
    "oraya",
    "sana",
    "situ",
    "dun",
    "doon",
    "kesana",
    "kesitu",
    "disana",
    "disitu",
    "ke sana",
    "ke situ",
    "di sana",
    "di situ",
    "عليه",
    "عليها",
)
THERE_GATE = fragment_gate(THERE_WORDS)
THERE_RE = compile_fast(r"(?<!\w)(?:" + _alt(THERE_WORDS) + r")(?!\w)")
# The emoji category has its own gate: the emoji looked for in the text.
EMOJI_APP_GATE = Gate(frozenset(), tuple(APP_EMOJI), False)
CATEGORY_GATES = MappingProxyType(
    {
        category: EMOJI_APP_GATE
        if category == "emoji"
        # every part of the "app" pattern names a colour or a logo, as a whole word: its gate
        # is theirs (the words for an app that some parts start with are in most messages)
        else APP_LOOKS_GATE
        if category == "app"
        else _bounded_gate(source_of(pattern))
        for category, pattern in CHANNEL_CATEGORIES
    }
)


_BOUNDED = re.compile(r"(?:\\b|\(\?<!\\w\))\(\?:.*\)(?:\\b|\(\?!\\w\))", re.S)


class AnyMatch:
    """Whether a pattern that is an alternation at its top level matches anywhere in a
    message: its word-bounded alternatives ("(?<!\\w)(?:...)(?!\\w)") each behind their word
    gate, the others as one smaller pattern. A top-level alternation matches somewhere exactly
    when one of its alternatives does, so the answer is ``pattern.search(s) is not None``."""

    def __init__(self, pattern: re.Pattern[str], *, split: bool = True) -> None:
        source = source_of(pattern)
        if not split:
            alts = []  # searched whole
        elif _BOUNDED.fullmatch(source) and _top_alternatives(source):
            alts = [source]  # one bounded alternation: "\\b(?:...)(?!\\w)"
        elif source.startswith(("(", "\\")):
            # a group first: its top-level alternatives, if it has several ("(?<!\\w)(?:not|
            # no)\\s+(?:...)|outside ...|(?<!\\w)(?:...)(?!\\w)"), else the whole pattern
            parts = split_top(source)
            alts = parts if len(parts) > 1 else []
        else:
            alts = _top_alternatives(source) or []
        bounded = [a for a in alts if _BOUNDED.fullmatch(a) and _top_alternatives(a)]
        # An alternative that starts at a word boundary with whole words: behind their gate.
        gated = [
            (a, gate)
            for a in alts
            if a not in bounded and _HEAD.match(a)
            for gate in [fragment_gate([a])]
            if not gate.always
        ]
        other = [a for a in alts if a not in bounded and all(a != g for g, _ in gated)]
        self._split = bool(alts)  # searched part by part on a long message
        self._pattern = pattern
        # searched whole: a pattern of thousands of phrases from where its literal starts
        # are (``StartScan``), not by ``re`` at every position
        self._whole: re.Pattern[str] | StartScan = pattern
        self._scans = len(pattern.pattern) >= self.SCAN_FROM
        if self._scans:
            self._whole = StartScan(pattern, short=True, chars=10)
        self._other = compile_fast("|".join(other), pattern.flags) if other else None
        self._gated = tuple((gate, compile_fast(a, pattern.flags)) for a, gate in gated)
        self._bounded = tuple(_PhrasesAny(a, pattern.flags) for a in bounded)

    # Below this many characters one search of the whole pattern costs less than the tests
    # that choose its parts (measured: even at about 200, from 2 to 7 times less beyond 800).
    WHOLE_BELOW = 200
    # From this many characters of pattern on, the whole pattern is searched from its starts.
    SCAN_FROM = 5000

    def search(self, s: str, words: frozenset[str]) -> bool:
        if (
            not self._split
            or len(s) < self.WHOLE_BELOW
            # searched from its starts, below ``LONG`` the whole costs less than the parts
            # (from 200 to 1000 characters: about 9 times less for "outside the platform")
            or (self._scans and len(s) < StartScan.LONG and s.isascii())
        ):
            return self._whole.search(s) is not None
        if self._other is not None and self._other.search(s) is not None:
            return True
        for gate, alternative in self._gated:
            if gate.may_match(s, words) and alternative.search(s) is not None:
                return True
        return any(phrases.search(s, words) for phrases in self._bounded)


_HEAD = re.compile(r"\\b|\(\?<!\\w\)")


class _PhrasesAny:
    """Whether one word-bounded alternation ("(?<!\\w)(?:one|two words|...)(?!\\w)") matches
    anywhere: only its phrases whose own gate passes are searched, each as a pattern that
    starts with its first letter (a search skips to it) and looks behind after it."""

    def __init__(self, source: str, flags: int) -> None:
        head = _HEAD.match(source)
        inner = _group(source[head.end() :], 100_000) if head is not None else None
        self._whole: re.Pattern[str] | None = None
        self._patterns: list[re.Pattern[str]] = []
        self._always: list[int] = []
        self._by_word: dict[str, list[tuple[int, tuple[frozenset[str], ...] | None]]] = {}
        # (stem, phrase) pairs, split once by where the stem is looked for: stems made of
        # word-piece characters in the message's pieces joined, the others in the text
        self._stems_in_pieces: tuple[tuple[str, int], ...] = ()
        self._stems_in_text: tuple[tuple[str, int], ...] = ()
        if head is None or inner is None:
            self._whole = re.compile(optimize(source), flags)
            return
        phrases, end = inner
        tail = source[head.end() + end :]
        if tail not in ("\\b", "(?!\\w)"):
            self._whole = re.compile(optimize(source), flags)
            return
        stems: list[tuple[str, int]] = []
        for i, phrase in enumerate(phrases):
            first = phrase[:1]
            if first.isalnum() and first not in _META and phrase[1:2] not in ("?", "*", "{", "+"):
                body = first + r"(?<!\w.)(?:" + phrase[1:] + ")" + tail
            else:
                body = literal_first(head.group(), phrase, tail)
            self._patterns.append(re.compile(optimize(body), flags))
            gate = fragment_gate([phrase])
            if gate.always:
                self._always.append(i)
            for word in gate.words:
                self._by_word.setdefault(word, []).append((i, gate.requires.get(word)))
            stems.extend((stem, i) for stem in gate.stems)
        self._stems_in_pieces = tuple((st, i) for st, i in stems if _piece_chars(st))
        self._stems_in_text = tuple((st, i) for st, i in stems if not _piece_chars(st))

    def search(self, s: str, words: frozenset[str]) -> bool:
        if self._whole is not None:
            return self._whole.search(s) is not None
        chosen = set(self._always)
        for word in self._by_word.keys() & words:
            for i, needs in self._by_word[word]:
                if needs is None or any(need <= words for need in needs):
                    chosen.add(i)
        pieces = words.text if isinstance(words, WordPieces) and words.source is s else s
        for stem, i in self._stems_in_pieces:
            if i not in chosen and stem in pieces:
                chosen.add(i)
        for stem, i in self._stems_in_text:
            if i not in chosen and stem in s:
                chosen.add(i)
        return any(self._patterns[i].search(s) is not None for i in sorted(chosen))


# "Outside the platform" anywhere in the message (the pay-outside check's first question).
OUTSIDE_ANY = AnyMatch(OUTSIDE_RE)
# Whether each channel category is named anywhere in a message: a long message that names an
# app ("app", "chat") once made the whole "app" and "messenger" patterns (hundreds of colours
# and logos each) run over all of its text; this searches only the phrases whose words it has.
# The "app" pattern is searched whole: each of its parts pairs two long lists, and its gate
# (the colours and logos, one of which every part has) already passes only where one is named.
# "elsewhere" too: most of it is one unbounded alternation, which its parts do not shorten.
CATEGORY_ANY = MappingProxyType(
    {c: AnyMatch(p, split=c not in ("app", "elsewhere")) for c, p in CHANNEL_CATEGORIES}
)


class AroundAnchors:
    """The matches of ``pattern``, every one of which holds a match of ``anchor`` (a rare
    word) no more than ``tokens`` whitespace-separated tokens from its ends: searched only in
    the windows of ``tokens`` tokens either side of each anchor (each side at most ``reach``
    characters), merged where they meet. A pattern that starts with a long list of common
    words ("one", "thing", "app") costs a step at every position of a long message; its rare
    word, searched first, leaves a few hundred characters to read."""

    _TOKENS = re.compile(r"(?:\s*\S+){0,%d}")

    def __init__(
        self, pattern: re.Pattern[str], anchor: re.Pattern[str], *, tokens: int, reach: int
    ) -> None:
        self.pattern = pattern
        self.anchor = anchor
        self._tokens = re.compile(self._TOKENS.pattern % tokens)
        self._reach = reach

    def windows(self, s: str) -> list[tuple[int, int]]:
        """The spans of ``s`` where a match may lie, in order and disjoint."""
        out: list[tuple[int, int]] = []
        reach, tokens = self._reach, self._tokens
        for m in self.anchor.finditer(s):
            a, b = m.span()
            if out and a <= out[-1][1]:
                lo = out[-1][0]  # the anchor inside the last window: that window goes on
            else:
                before = s[max(0, a - reach) : a][::-1]  # read backwards, token by token
                back = tokens.match(before)
                lo = a - (back.end() if back is not None else 0)
            ahead = tokens.match(s, b, min(len(s), b + reach))
            hi = ahead.end() if ahead is not None else b
            if out and lo <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], hi))
            else:
                out.append((lo, hi))
        return out

    def search(self, s: str, words: frozenset[str] = frozenset()) -> bool:
        """Whether ``pattern`` matches anywhere in ``s`` (``words`` as for
        :meth:`AnyMatch.search`, unused)."""
        return any(self.pattern.search(s, lo, hi) is not None for lo, hi in self.windows(s))

    def finditer(self, s: str) -> Iterator[re.Match[str]]:
        for lo, hi in self.windows(s):
            yield from self.pattern.finditer(s, lo, hi)


# round 20: the tools described by their maker (``MAKER_TOOL_RE``), read in the call path
MAKER_GATE = fragment_gate(_MAKERS.split("|"))
# round 21: searched around the makers only (a long message that named Google once ran the whole
# pattern, whose first words are "one", "thing" and every word for an app, over all its text):
# every match holds a maker, at most 8 tokens from either end (a thing of up to 6 words, 2 between)
MAKER_TOOL_ANY = AroundAnchors(
    MAKER_TOOL_RE, compile_fast(r"(?<!\w)(?:" + _MAKERS + r")"), tokens=12, reach=400
)


# --- round 11: contact moves -----------------------------------------------------------------
# Moving the conversation elsewhere with no identifier and no app named, per language as data:
# (1) a verb of reaching, finding or writing to the other party ("reach you", "te localizo",
# "dich erreichen", "с вами связаться") beside a way or place that is not this platform ("where
# else", "a faster way", "outside the platform", "when you're not on here", "if the site goes
# down"); (2) a verb of talking with no object beside a place elsewhere only ("somewhere else to
# chat", "on parle ailleurs"); (3) a verb of giving or asking beside a personal contact ("I'll
# leave you my contact", "gimme your socials", "want my personal number?"); (4) contacts
# swapped ("let's swap contacts"). Written folded (lowercase, accents stripped), as the
# normalised text is.
CONTACT_REACH = MappingProxyType(
    {
        "en": [
            r"(?:are you|you're|youre|you are|u) (?:\w+ ){0,2}(?:active|reachable|online)",
            r"(?:reach|contact|find|ping|message|msg|dm|write to|get hold of|get a hold of"
            r"|get in touch with|catch|talk to) (?:you|u|ya)",
        ],
        "es": [
            r"(?:estas|estás) (?:\w+ )?(?:activo|activa)",
            r"contactarte|localizarte|encontrarte|escribirte|hablarte|ubicarte|comunicarnos",
            r"te (?:\w+ )?(?:encuentro|encontrar|escribo|escribir|contacto|contactar|localizo"
            r"|localizar|ubico)",
        ],
        "pt": [
            r"(?:voce|vc|tu) (?:\w+ )?(?:ta|esta|fica) (?:\w+ )?ativ[oa]",
            r"falar (?:com (?:voce|vc|tu)|contigo)|contatar (?:voce|vc)",
            r"te (?:\w+ )?(?:acho|achar|encontro|encontrar|chamo|chamar|contatar|contactar"
            r"|mandar mensagem)",
        ],
        "fr": [
            r"(?:t'es|tu es|vous etes|êtes-vous|etes-vous) (?:\w+ )?acti(?:f|ve)",
            r"(?:te|vous) (?:joindre|joins|contacter|contacte|trouver|trouve|parler|recontacter"
            r"|ecrire|ecris)",
            r"t'ecrire|t'ecris",
        ],
        "de": [
            r"(?:bist du|sind sie) (?:\w+ ){0,2}aktiv",
            r"dich (?:\w+ ){0,3}(?:erreichen|finden|kontaktieren|anschreiben|anrufen)",
            r"(?:ich|wir) sie (?:\w+ ){0,3}(?:erreichen|finden|kontaktieren|anschreiben|anrufen)",
            r"erreich\w* (?:ich|wir) (?:dich|sie)|find\w* ich dich|dir schreiben|ihnen schreiben",
            r"(?:bist du|sind sie) (?:\w+ ){0,3}erreichbar",
        ],
        "it": [
            r"(?:sei|e) (?:\w+ )?attiv[oa]|rispondi (?:\w+ ){0,2}piu in fretta",
            r"raggiungerti|contattarti|trovarti|rintracciarti|scriverti|sentirti|parlarti"
            r"|beccarti",
            r"ti (?:\w+ )?(?:trovo|trovare|scrivo|scrivere|rintraccio|contatto|sento|becco)",
        ],
        "pl": [
            r"(?:jestes|jesteś) (?:\w+ )?aktywn\w*",
            r"skontaktowac sie z toba|z toba skontaktowac|skontaktowac",
            r"(?:cie|pana|pania|panstwa) (?:\w+ )?(?:znalezc|znajde|złapac|złapie)|złapac cie",
            r"(?:napisac|pisac) do ciebie|do ciebie (?:napisac|pisac)",
        ],
        "ru": [
            r"(?:ты|вы) (?:\w+ )?активн\w*",
            r"с (?:тобой|вами) (?:[\w-]+ ){0,2}связаться|связаться с (?:тобой|вами)",
            r"(?:тебя|вас) (?:\w+ ){0,3}(?:найти|поймать)|найти (?:тебя|вас)",
            r"(?:тебе|вам) (?:\w+ ){0,2}(?:писать|написать)|написать (?:тебе|вам)",
        ],
        "hi": [
            r"आप (?:\\S+ )?एक्टिव",
            r"आपसे (?:\S+ ){0,4}(?:संपर्क|बात|कॉन्टैक्ट)",
            r"आपको (?:\S+ ){0,2}(?:ढूँढूँ|ढूंढूं|ढूँढ\S*|ढूंढ\S*|मैसेज|पिंग)",
        ],
        "hi-Latn": [
            r"(?:aap|tum) (?:\w+ )?active",
            r"(?:aapse|apse|tumse|tujhse) (?:\w+ ){0,4}(?:contact|baat|sampark)",
            r"(?:aapko|apko|tumhe|tujhe) (?:\w+ ){0,2}(?:dhoond\w*|dhund\w*|ping\w*|msg|message"
            r"|contact)",
        ],
        "ar": [
            r"موجود|موجودة",
            r"التواصل معك|اتواصل معك|اتواصل وياك|اكلمك|اوصل لك|اوصلك|الاقيك|القاك|اراسلك",
        ],
        "tr": [
            r"(?:aktif|online) (?:misin|misiniz|olursun)",
            r"sana (?:\w+ ){0,3}(?:ulas\w*|yaz(?:ar|acag|ay|abil|sam|dim|mak)\w*)",
            r"seni (?:\w+ ){0,2}bul(?:ur|abil|mak|ay|sam|acag)\w*",
            r"(?:seninle|sizinle|size) (?:\w+ ){0,2}(?:iletisim\w*|ulas\w*)",
        ],
        "id": [
            r"(?:kamu|kakak|kak|anda) (?:\w+ ){0,2}aktif",
            r"(?:hubungi|hubungin|ngehubungin|ngehubungi|menghubungi|ngontak|cari|nyari|chat|kontak)"
            r" (?:kakak|kak|bapak|pak|ibu|bu|mbak|mas|abang|bang|kamu|kmu|km|kau"
            r"|lo|lu|anda|mas|kak)",
        ],
        "tl": [
            r"active ka|aktibo ka",
            r"(?:ma-contact|macontact|makontak|makokontak|kokontakin|ma-kontak|mahanap|hanapin"
            r"|i-message|imessage|ma-reach) (?:ka|kita|kayo)",
            r"makausap (?:ka|kita|kayo)|kita (?:\w+ ){0,2}(?:makausap|mahanap|makokontak|kokontakin"
            r"|i-message|ma-contact|hanapin"
            r"|ma-reach)",
        ],
    }
)
# Talking with no one named: only beside a place elsewhere (below), never a speed or way ("the
# chat loads faster now" is a status update).
CONTACT_TALK = MappingProxyType(
    {
        "en": [r"talk|chat|speak|continue"],
        "es": [r"hablemos|hablar|conversar|platicar|seguimos"],
        "pt": [r"conversar|falar|conversamos"],
        "fr": [r"discuter|discute|discutons|parler|parlons|on parle"],
        "de": [r"schreiben|quatschen|reden"],
        "it": [r"sentirci|parlare|parliamo"],
        "pl": [r"pogadac|pogadajmy|porozmawiac|piszmy|gadac|rozmawiac"],
        "ru": [r"общаться|пообщаться|спишемся|переписываться"],
        "hi": [r"बात करने|बात करें|बात करते|बात करेंगे|बात कर सकते|बात करो|बात कीजिए"],
        "hi-Latn": [r"baat kar\w*"],
        "ar": [r"نتكلم|نحكي|نكمل الكلام|نتواصل"],
        "tr": [r"konusal\w*|konusabil\w*|konusmak|yazisal\w*"],
        "id": [r"ngobrol"],
        "tl": [r"mag-usap|magusap"],
    }
)
# A place that is not this platform.
CONTACT_PLACE = MappingProxyType(
    {
        "en": [
            r"somewhere else|elsewhere|(?:an)?other (?:place|spot|channel|app)s?",
            r"outside (?:of )?(?:this|the) (?:site|platform|app)",
            r"off this site|off the site|off this platform|off the platform",
        ],
        "es": [
            r"(?:otro|otra) (?:lado|lugar|sitio|parte)|fuera de (?:la|esta) plataforma|por fuera"
        ],
        "pt": [r"outro (?:lugar|canto)|fora da plataforma|por fora"],
        "fr": [
            r"ailleurs|autre (?:endroit|part)|en dehors (?:de la plateforme|du site)",
            r"hors (?:de la |du )?(?:plateforme|site)",
        ],
        "de": [
            r"woanders|anderswo|irgendwo anders|anderen ort",
            r"au(?:ss|ß)erhalb (?:der plattform|der seite|dieser seite)",
        ],
        "it": [r"altrove|qualche altra parte|altro posto|fuori dalla piattaforma"],
        "pl": [
            r"gdzie indziej|gdzies indziej|innym miejscu",
            r"poza (?:(?:ta|tym|ten) )?(?:platforma|serwisem|portalem|strona)",
        ],
        "ru": [r"в другом месте|где-нибудь еще|где-то еще|вне (?:платформы|сайта)"],
        "hi": [r"कहीं और"],
        "hi-Latn": [r"kahin aur|platform ke bahar|site ke bahar"],
        "ar": [r"مكان (?:ثاني|اخر|تاني)|(?:خارج|برا) (?:المنصة|الموقع)"],
        "tr": [r"baska (?:bir )?yer\w*|(?:platform|site)(?:un|in|nin|nun)? disinda"],
        "id": [r"tempat lain|di luar (?:platform|situs|aplikasi)"],
        "tl": [r"ibang (?:lugar|app|platform)|sa labas ng (?:platform|site|app)"],
    }
)
# A way to reach someone other than this platform ("where else", "a faster way", "besides this").
CONTACT_ELSEWHERE = MappingProxyType(
    {
        "en": [
            r"how else|how (?:else )?can (?:we|i) (?:talk|chat|reach)|a better way",
            r"where else|(?:an)?other (?:way|means)s?|where's the best place|wheres the best place",
            r"faster way|quicker way|better way|easier way|besides this|besides here",
            r"besides the site|besides the platform|besides the app",
        ],
        "es": [
            r"c[oó]mo m[aá]s|(?:forma|manera) mejor|mejor (?:forma|manera)",
            r"de otra (?:forma|manera)",
            r"donde mas|(?:otro|otra) (?:medio|forma|manera|via)|fuera de aqui|afuera",
            r"(?:forma|manera) mas rapida",
        ],
        "pt": [
            r"como mais|de que outro jeito|jeito melhor|(?:forma|maneira) melhor",
            r"onde mais|outro (?:meio|jeito|canal)|outra (?:forma|maneira|via)",
            r"(?:jeito|meio) mais rapido|melhor jeito",
            # round 19: a call somewhere else ("chamada de vídeo fora daqui?")
            r"fora daqui|fora do site",
        ],
        "fr": [
            r"comment d'autre|autrement|moyen plus (?:simple|facile)|a part ici|à part ici",
            r"moyen plus rapide|autre (?:moyen|facon|canal)",
        ],
        "de": [
            r"wie sonst|wie anders|bessere möglichkeit|bessere moglichkeit|andere möglichkeit",
            r"sonst noch|wo sonst|schnelleren weg|anderen (?:weg|kanal)",
        ],
        "it": [
            r"in che altro modo|come altro|modo migliore|dove (?:\w+ ){0,2}piu in fretta",
            r"altro (?:modo|canale)|modo piu veloce|dove altro|fuori da qui",
        ],
        "pl": [
            r"jak inaczej|lepszy sposob|lepszy sposób",
            r"gdzie jeszcze|szybszy sposob|inny sposob|poza (?:(?:ta|tym) )?(?:strona|tym)",
        ],
        "ru": [
            # round 19: a call somewhere else ("видеосвязь где-нибудь вне площадки")
            r"вне площадки|вне сайта",
            r"как (?:ещ[её]|иначе)|удобнее|лучше связаться",
            r"где (?:\w+ )?ещ[её]|иначе|способ (?:\w+ )?быстрее|другой способ|кроме (?:этого|этой)"
            r" (?:сайта|платформы|площадки|биржи)",
        ],
        "hi": [
            r"और कैसे|दूसरा (?:जुगाड|तरीका)|कोई दूसरा",
            r"और कहाँ|कहाँ और|(?:तेज|तेज|जल्दी) तरीका|(?:कोई|किसी) और (?:तरीका|तरीके)",
        ],
        "hi-Latn": [
            r"aur kaise|dusra (?:tareeka|jugaad)|koi dusra",
            r"aur kahan|kahan aur|(?:fast|jaldi|(?:koi|kisi) aur) (?:tareek|tarik)[ae]",
        ],
        "ar": [
            r"غير هون|كيف غير هيك|طريقة احسن",
            r"غير هنا|طريقة (?:اسرع|ثانية|تانية)",
        ],
        "tr": [
            r"baska nasil|daha iyi bir yol",
            r"baska (?:nerede|nereden|bir yol|yol|kanal)",
        ],
        "id": [
            r"gimana lagi|lebih aktif di ?mana|cara yang lebih (?:gampang|enak)",
            r"di mana lagi|dimana lagi|ke mana lagi|kemana lagi|cara lain",
            r"cara lebih (?:cepat|cepet)|selain di sini|selain disini|selain chat",
        ],
        "tl": [
            r"paano pa|mas madaling paraan",
            r"saan pa|ibang paraan|iba pa(?:ng| bang) paraan|mas mabilis (?:\w+ ){0,2}paraan"
            r"|bukod dito",
        ],
    }
)
# Reaching the other party sooner, or while this platform is out of reach: only with a verb of
# reaching someone ("reach you faster", "when you're not on here", "if the site goes down").
CONTACT_WHEN = MappingProxyType(
    {
        "en": [
            r"directly",
            r"not on here|not online here|not logged in here|you're not on|you're not online",
            r"youre not on|you are not on|you are not online|ur not on|ur not online",
            r"(?:site|platform|app|chat) (?:\w+ )?(?:goes|is|went) down",
        ],
        "es": [r"mas rapido|no estas (?:conectad[oa]|en linea|aqui)|se cae|directamente|directo"],
        "pt": [
            r"diretamente|direto",
            r"rapidinho|nao (?:ta|esta|estiver|tiver) (?:online|aqui)|site cair|der problema aqui",
        ],
        "fr": [r"plus vite|(?:pas|plus) connecte|site (?:tombe|plante|est en panne)|directement"],
        "de": [
            r"schneller|nicht online|seite (?:\w+ )?down|direkt",
            r"falls (?:\w+ ){0,3}(?:hakt|ausfallt|ausfallen|down ist|nicht geht|spinnt|streikt)",
        ],
        "it": [r"piu velocemente|non sei (?:connesso|online|qui)|sito va giu|direttamente"],
        "pl": [
            r"bezposrednio",
            r"najszybciej|nie jestes (?:tu )?(?:zalogowany|online)",
            r"(?:strona|portal) (?:padnie|padł)",
        ],
        "ru": [r"побыстрее|не в сети|сайт (?:ляжет|упадет)|напрямую"],
        "hi": [r"ऑनलाइन नहीं|साइट (?:बंद|डाउन)|सीधे"],
        "hi-Latn": [r"online nahi|site (?:down|band)|seedha|seedhe|direct"],
        "ar": [r"(?:مو|مش|غير) متصل|الموقع (?:وقف|طاح|تعطل|وقع)|مباشرة|مباشر"],
        "tr": [r"daha (?:hizli|kolay)|(?:cevrimici|online) degil\w*|site coker\w*|direkt|dogrudan"],
        "id": [r"(?:gak|nggak|ga|tidak) online|situs(?:nya)? (?:down|mati|error)"],
        "tl": [
            r"mas mabilis|(?:hindi|di) ka online|(?:nag-down|nagdown) (?:yung|ang) site",
            r"diretso|direkta",
        ],
    }
)
# A personal contact: "my/your" or "personal/private" with a contact word ("your socials",
# "tu contacto", "meine private Nummer", "apna contact").
CONTACT_OWN = MappingProxyType(
    {
        "en": [
            r"(?:my|your|ur|yr) (?:\w+ )?(?:contact|contacts|contact info|contact details|socials"
            r"|social media)",
            r"(?:personal|private) (?:number|line|contact|cell|account)",
            r"(?:your|ur|yr) (?:(?:phone|cell|mobile|whatsapp|personal) )?(?:number|email"
            r"|e-mail|email address|mail address)",
        ],
        "es": [
            r"(?:tu|tus|mi|mis|su|sus) (?:datos de )?(?:contacto|contactos|redes)",
            r"(?:contacto|numero) (?:personal|privado)",
            r"(?:tu|su) (?:numero(?: de (?:telefono|celular|whatsapp))?|celular|telefono|correo"
            r"|email|mail|whatsapp)",
        ],
        "pt": [
            r"(?:teu|teus|tuas|meu|meus|minhas|seu|seus|suas) (?:dados de )?(?:contatos?|redes)",
            r"(?:contato|numero) (?:pessoal|particular|privado)",
            r"(?:teu|tua|seu|sua) (?:numero(?: de (?:telefone|celular|whats\w*))?|celular|zap"
            r"|telefone|e-?mail|whats\w*)",
        ],
        "fr": [
            r"mon contact|ton contact|votre contact|mes contacts|tes contacts|mes coordonnees",
            r"tes coordonnees|vos coordonnees|mes reseaux|tes reseaux",
            r"(?:contact|numero) (?:perso|personnel|prive)",
            r"(?:ton|ta|votre) (?:numero(?: de (?:telephone|portable|whatsapp))?|portable"
            r"|telephone|mail|e-mail|email|adresse (?:e-)?mail)",
            r"(?:ton|votre) 0[67]",  # "ton 06": a French mobile number by its prefix
        ],
        "de": [
            r"(?:meine|deine|ihre) (?:kontaktdaten|kontakte|socials|private nummer"
            r"|private handynummer)",
            r"(?:privaten|personlichen) kontakt",
            r"(?:deine|ihre) (?:handynummer|telefonnummer|nummer|mobilnummer|e-?mail"
            r"|e-?mailadresse|mailadresse|whatsapp)(?!-)",
            # round 33: the writer's own, given ("ich geb dir meine Nummer", own_v28)
            r"meine (?:handynummer|telefonnummer|nummer|mobilnummer|e-?mailadresse"
            r"|mailadresse)(?!-)",
        ],
        "it": [
            r"(?:il mio|il tuo|i tuoi|i miei) (?:contatt[oi]|social|recapiti|numero personale)",
            r"(?:contatto|numero) (?:personale|privato)",
            r"(?:il tuo|la tua|il suo|la sua) (?:numero(?: di (?:telefono|cellulare))?|cellulare"
            r"|mail|e-mail|email|indirizzo (?:e-)?mail)",
        ],
        "pl": [
            r"(?:swoj|swoje|twoj|twoje|moj|moje) (?:kontakt\w*|sociale|dane kontaktowe)",
            r"(?:prywatny|osobisty|prywatna|prywatne|prywatnym) (?:numer|kontakt\w*)",
            r"kontakt (?:osobisty|prywatny)",
            r"(?:swoj\w*|twoj\w*|pana|pani) (?:numer\w*(?: telefonu)?|mail\w*|e-?mail\w*"
            r"|telefon\w*)(?!-)",
            r"(?:moj|moje|mojego|moja|moj prywatny) (?:numer(?: telefonu)?|mail\w*"
            r"|e-?mail\w*)(?!-)",
            # no possessive: "daj numer", "podaj maila"
            r"(?:daj|dajcie|podaj|podajcie|podeslij|wyslij)(?: mi)? (?:numer\w*|mail\w*"
            r"|e-?mail\w*|telefon\w*)",
        ],
        "ru": [
            r"(?:свой|свои|твой|твои|мой|мои) (?:контакт\w*|соцсети|личный номер|координаты)",
            r"(?:личный|личного|личным|личные|личную) (?:номер|контакт\w*)",
            r"(?:твой|твою|ваш|вашу|свой|свою|мой|мою) (?:номер(?: телефона)?|телефон|почт\w*"
            r"|имейл|email|мейл|e-?mail)",
            # no possessive: "киньте почту", "дайте номер"
            r"(?:кинь|киньте|скинь|скиньте|дай|дайте|пришли|пришлите)(?: мне)? (?:номер\w*"
            r"|почт\w*|имейл\w*|мейл\w*|телефон\w*|e-?mail\w*)",
        ],
        "hi": [
            r"(?:अपना|अपने|मेरा|मेरे|आपका|तुम्हारा) "
            r"(?:(?:पर्सनल|निजी|प्राइवेट|मोबाइल|फोन|फोन|असली|डायरेक्ट|व्हाट्सएप|व्हाट्सऐप"
            r"|वॉट्सऐप) )?(?:कॉन्टैक्ट\S*|सोशल\S*|नंबर|ईमेल|ई-मेल)",
            r"(?:पर्सनल|निजी|प्राइवेट) (?:नंबर|कॉन्टैक्ट|संपर्क)",
        ],
        "hi-Latn": [
            r"(?:apna|apne|mera|mere|aapka|tumhara) (?:(?:sab|saare|saari|saara) )?"
            r"(?:(?:personal|private|niji|mobile|phone|asli|direct|contact) )?"
            r"(?:contacts?(?: details?| info)?|socials?|number|email|mail|whatsapp)",
            r"(?:personal|private|niji) (?:number|contact)",
        ],
        "ar": [
            r"جهة اتصالي|جهات اتصال\S*|حساباتك|حساباتي|ارقام التواصل",
            r"رقمي (?:بتاعي )?(?:الشخصي|الخاص)|رقمك (?:بتاعك )?(?:الشخصي|الخاص)",
            r"رقم (?:موبايلي|جوالي|تلفوني|هاتفي|موبايلك|جوالك|تلفونك)",
            r"رقمك|ايميلك|إيميلك|بريدك|واتسك|واتسابك|ايميل حضرتك|رقم حضرتك",
            r"رقمي|ايميلي|إيميلي",
            r"وسيلة تواصل|بيانات التواصل|معلومات التواصل",
        ],
        "tr": [
            r"iletisim bilgi\w*|sosyal medya hesap\w*|kisisel numara\w*|ozel numara\w*",
            r"numarani\w*|numaranizi|mailini\w*|epostani\w*|e-postani\w*|telefonunu\w*",
            # (not a tax, order, customer or ID number: "vergi numaramı vereyim")
            r"(?<!vergi )(?<!siparis )(?<!musteri )(?<!tc )(?<!kimlik )(?<!fatura )"
            r"(?:numarami|numaram)|mailimi|mail adresimi|e-?postami",
        ],
        "id": [
            r"kontak(?:ku|mu|nya)?|kontak aku|sosmed(?:mu|ku)?|nomor pribadi\w*|kontak pribadi\w*",
            r"nomormu|nomor (?:hp|wa|kamu|anda)|emailmu|email (?:kamu|anda)",
            r"nomorku|nomor (?:hp |wa )?(?:saya|aku|gue|gw)|emailku|email (?:saya|aku)",
        ],
        "tl": [
            r"(?:contact|number|socials|numero|email|cp) (?:ko|mo)|personal (?:number|contact)",
            # round 29: the polite plural ("sa email niyo", "number ninyo")
            r"(?:contact|number|numero|email|gmail|cp) (?:niyo|nyo|ninyo|nila)",
        ],
    }
)
# Giving, asking for or wanting (forms that are not everyday words of another language).
CONTACT_GIVE = MappingProxyType(
    {
        "en": [r"give|gave|gimme|leave|send|drop|share|want|have|pass|get"],
        "es": [
            r"dejo|dejar|deja|pasame|pasa|pasar|paso|dame|me das|me dar|manda|mandame|mando"
            r"|envio|quieres"
        ],
        "pt": [r"deixar|deixo|passa|passar|passo|manda|mando|me da|quer"],
        "fr": [
            r"laisse|laisser|laissez|donne|donnes|donnez|donner|me file|te file|filer|envoie"
            r"|envoyer|passe|veux|voulez"
        ],
        # ("lass" only as "leave me": "Lass meine Nummer aus dem Impressum raus" gives none)
        "de": [r"lass (?:mir|uns)|gib|geben|geb|gebe|schick\w*|willst|wollen|senden|sende"],
        "it": [r"lascio|dammi|mi dai|me dai|mandami|mando|vuoi|passami"],
        "pl": [
            r"zostawie|daj|podaj|podeslesz|wysle|wyslij|chcesz|podeslij|poda pan|poda pani|dam"
            r"|podam|przesle|podac|podala|podalaby|podalby"
        ],
        "ru": [
            r"оставлю|дай|дайте|скинь|скиньте|скину|кинь|киньте|пришли|пришлите|хочешь|хотите"
            r"|дам|пришлю|отправлю"
        ],
        "hi": [r"दे (?:दो|देता|दूँगा|दीजिए|दें)|दीजिए|भेज\S*|चाहिए|मिल (?:सकता|सकती|जाएगा)|मिलेगा"],
        "hi-Latn": [r"de (?:do|deta|dunga|du|dijiye|de)|dedo|dijiye|bhej\w*|chahiye"],
        "ar": [
            r"اترك|عطني|اعطني|تعطيني|ارسل|تبي|بعطيك|هديك|اديك|اعطيك|خد|خذ|هبعتلك|ابعتلك|ابعت"
            r"|ابعتلي|ارسل لي|ممكن|سأعطيك|ساعطيك|سأرسل لك|سارسل لك"
        ],
        "tr": [r"birak\w*|ver\w*|gonder\w*|ister\w*|atarim|atayim|atiyorum"],
        "id": [r"tinggalin|minta|kirim|mau|kasih|apa(?=\s*\?)|berapa"],
        "tl": [r"iiwan|pahingi|send|gusto|makuha|ipapadala|bigay|ibigay|bibigay|ibibigay"],
    }
)
# The writer's own website or portfolio ("my contacts are on my website", "tutti i miei
# contatti sono sul mio sito", "kontak saya ada di website saya"): with a personal contact in
# the sentence, the contact is given as a place off the platform.
OWN_SITE = MappingProxyType(
    {
        "en": [r"my (?:own |personal )?(?:website|site|web ?page|homepage|portfolio(?: site)?)"],
        "es": [r"mi (?:sitio|web|pagina|portafolio|portfolio)(?: web| personal)?"],
        "pt": [r"meu (?:site|portfolio)(?: pessoal)?"],
        "fr": [r"mon (?:site|portfolio)(?: perso\w*| web)?"],
        "de": [r"meine[rm]? (?:website|webseite|homepage|seite|portfolio\w*)"],
        # round 33: "i miei contatti sono sul sito": the site of the writer's own contacts
        "it": [
            r"mio (?:sito|portfolio)(?: personale| web)?|sito personale"
            r"|(?<=miei contatti sono )sul sito(?! della piattaforma| di questa piattaforma)"
            r"|(?<=miei recapiti sono )sul sito(?! della piattaforma| di questa piattaforma)"
        ],
        # not "z mojej strony": "on my part"
        "pl": [r"(?<!\bz )(?:moj\w*|moim|mym) (?:stron\w*|portfolio)"],
        "ru": [r"(?:мо[её]м|мой) (?:сайте?|портфолио)"],
        "hi": [r"मेरी वेबसाइट|मेरे पोर्टफोलियो|मेरे पोर्टफोलियो"],
        "hi-Latn": [r"(?:meri|mere|apni|apne) (?:website|site|portfolio)"],
        "ar": [r"موقعي|صفحتي الشخصية|البورتفوليو (?:تبعي|بتاعي)"],
        "tr": [r"(?:web )?sitem\w*|portfolyom\w*"],
        "id": [r"(?:website|web|situs|portofolio|portfolio) (?:saya|aku|gue|gw)"],
        "tl": [r"(?:website|site|portfolio) ko"],
    }
)
# Contacts swapped: a verb of swapping with contacts or numbers ("let's swap contacts",
# "intercambiemos contactos", "давай обменяемся контактами", "tukeran kontak").
# Between a verb of swapping and the contacts: articles, possessives and "each other's" only
# ("swap our contacts"; "échanger les pages contacts" swaps pages).
_SWAP_FILL = (
    r"(?:(?:our|your|the|some|each other'?s|each others|los|las|nuestros|nuestras|sus|tus|nos"
    r"|os|nossos|nossas|seus|les|des|vos|unsere|eure|die|i|gli|le|nostri|vostri|nasze|swoje"
    r"|наши|ваши|своими|нашими|mga|ng|ang|aapas|mein|apne|bhi|kita|sa|tayo|natin|kami) )"
)
CONTACT_SWAP = MappingProxyType(
    {
        "en": [
            r"(?:swap|exchange|trade) "
            + _SWAP_FILL
            + r"{0,2}(?:contacts|contact details|contact info"
            r"|numbers|socials)"
        ],
        "es": [
            r"(?:intercambiemos|intercambiamos|intercambiar|intercambia) " + _SWAP_FILL + r"{0,2}"
            r"(?:contactos|numeros|datos de contacto)"
        ],
        "pt": [
            r"(?:trocar|troca|trocamos|trocarmos|trocando) "
            + _SWAP_FILL
            + r"{0,2}(?:contac?tos?|numeros)"
        ],
        "fr": [
            r"(?:echangeons|echanger|echange|echangez) " + _SWAP_FILL + r"{0,2}"
            r"(?:contacts|coordonnees|numeros)"
        ],
        "de": [
            r"(?:kontakte|nummern|kontaktdaten) " + _SWAP_FILL + r"?tausch\w*",
            r"(?:tauschen|tausche|tauschst) "
            + _SWAP_FILL
            + r"{0,2}(?:kontakte|nummern|kontaktdaten)",
        ],
        "it": [
            r"(?:scambiamoci|scambiarci|scambiare|scambiamo|scambia) " + _SWAP_FILL + r"{0,2}"
            r"(?:contatti|numeri|recapiti)"
        ],
        "pl": [
            r"(?:wymienmy|wymienic|wymienimy|wymieniamy) "
            + _SWAP_FILL
            + r"{0,2}(?:kontakt\w*|numer\w*)"
        ],
        "ru": [
            r"(?:обменяемся|обменяться|обменялись) " + _SWAP_FILL + r"{0,2}(?:контакт\w*|номер\w*)"
        ],
        "hi": [r"(?:कॉन्टैक्ट|कॉन्टैक्ट्स|कॉन्टेक्ट|नंबर) (?:\S+ )?(?:एक्सचेंज|बदल)"],
        "hi-Latn": [
            r"(?:contact|contacts|number|numbers) " + _SWAP_FILL + r"?exchange",
            r"exchange " + _SWAP_FILL + r"{0,2}contacts?",
        ],
        "ar": [r"(?:نتبادل|تبادل) (?:\S+ ){0,2}(?:ارقام|جهات|وسائل|معلومات)"],
        "tr": [r"iletisim bilgi\w* " + _SWAP_FILL + r"?degis\w*"],
        "id": [r"(?:tukar|tuker)(?:an)? " + _SWAP_FILL + r"?(?:kontak|nomor)"],
        "tl": [r"palitan " + _SWAP_FILL + r"{0,2}(?:ng )?(?:contacts?|numbers?)"],
    }
)


def _contact_fragments(table: Mapping[str, list[str]]) -> list[str]:
    """Every top-level alternative of the table's fragments, folded (each is gated apart;
    written in lowercase already: the regex escapes keep their case)."""
    out: list[str] = []
    for frags in table.values():
        for frag in frags:
            depth, piece = 0, ""
            for i, c in enumerate(frag):
                escaped = i > 0 and frag[i - 1] == "\\"
                if c == "(" and not escaped:
                    depth += 1
                elif c == ")" and not escaped:
                    depth -= 1
                if c == "|" and depth == 0:
                    out.append(fold(piece))
                    piece = ""
                else:
                    piece += c
            out.append(fold(piece))
    return out


def _contact_re(table: Mapping[str, list[str]], tail: str = "") -> re.Pattern[str]:
    body = "|".join(_contact_fragments(table))
    return compile_fast(r"(?<!\w)(?:" + body + r")(?![\w\u0900-\u097f])" + tail)


# "The contacts page", "contact list import": a product's parts, not a person's contact.
_NOT_A_PERSONS = r"(?!\s+(?:page|form|list|field|button|import|section|tab|icon)s?\b)"
CONTACT_REACH_RE = _contact_re(CONTACT_REACH)
CONTACT_TALK_RE = _contact_re(CONTACT_TALK)
# Talking pairs with a place or a way elsewhere; reaching someone with those or a time.
CONTACT_ELSEWHERE_RE = _contact_re(
    {k: [*CONTACT_PLACE[k], *CONTACT_ELSEWHERE[k]] for k in CONTACT_PLACE}
)
CONTACT_ELSEWHERE_ANY = AnyMatch(CONTACT_ELSEWHERE_RE)
CONTACT_ANY_PLACE_RE = _contact_re(
    {k: [*CONTACT_PLACE[k], *CONTACT_ELSEWHERE[k], *CONTACT_WHEN[k]] for k in CONTACT_PLACE}
)
CONTACT_OWN_RE = _contact_re(CONTACT_OWN, _NOT_A_PERSONS)
CONTACT_GIVE_RE = _contact_re(CONTACT_GIVE)
OWN_SITE_RE = _contact_re(OWN_SITE)
OWN_SITE_GATE = fragment_gate(_contact_fragments(OWN_SITE))
# Round 18: contact words with no possessive, beside the writer's own site ("all contact
# details are in the footer of my site", "मेरी वेबसाइट पर कॉन्टैक्ट पेज है", "nasa website ko
# lahat ng contact details"): the site says whose they are.
CONTACT_WORDS = MappingProxyType(
    {
        "en": [r"contacts?(?: details| info| information| page| form| section)?"],
        "es": [r"contactos?|datos de contacto|informacion de contacto"],
        "pt": [r"conta[c]?tos?|dados de conta[c]?to"],
        "fr": [r"coordonnees|contacts?"],
        "de": [r"kontakt\w*"],
        "it": [r"contatt[oi]|recapiti"],
        "pl": [r"kontakt\w*|dane kontaktowe"],
        "ru": [r"контакт\w*|координаты"],
        "hi": [r"(?:कॉन्टैक्ट|कांटेक्ट)\S*(?: पेज)?|संपर्क\S*|contact\w*(?: page)?"],
        "ar": [r"(?:بيانات|معلومات|ارقام|وسائل) التواصل|للتواصل|جهات? اتصال\S*"],
        "tr": [r"iletisim\w*"],
        "id": [r"kontak\w*"],
        "tl": [r"contacts?(?: details| info)?"],
    }
)
# A site with no possessive ("contact detail website pe hai"), beside a personal contact
SITE_WORDS = (
    r"website|web ?site|site|homepage|portfolio|sitio|sitio web|pagina web|strona\w*|сайт\w*"
    r"|वेबसाइट|موقع\S*|web sitesi\w*|situs|webseite|linktree|link in bio"
)
SITE_WORD_RE = _contact_re({"any": [*[f for k in OWN_SITE for f in OWN_SITE[k]], SITE_WORDS]})
# Round 20: the writer's own number ("meine Nummer", "telefonum", "मेरा नंबर") said to be in
# a document the writer sent or on a page of theirs: the number given as a place to look.
MY_NUMBER = MappingProxyType(
    {
        "en": [
            r"my (?:phone |cell |mobile |whatsapp |work |direct |personal )?(?:number|phone"
            r"|cell|mobile)(?: number)?|my contact(?: details| info)?"
        ],
        "es": [r"mi (?:numero|celular|telefono|whatsapp|movil|contacto)|mis datos de contacto"],
        "pt": [
            r"meu (?:numero|celular|telefone|whats\w*|zap|conta[c]?to)|meus conta[c]?tos"
            # round 30: "as minhas referências e contactos completos"
            r"|minhas referencias e conta[c]?tos"
        ],
        "fr": [r"mon (?:numero|portable|telephone|tel)|mes (?:references et )?coordonnees"],
        "de": [r"meine (?:nummer|handynummer|telefonnummer|mobilnummer|kontaktdaten)|mein handy"],
        "it": [r"(?:il )?mio (?:numero|cellulare|telefono)|i miei (?:contatti|recapiti)"],
        "pl": [r"m[oó]j (?:numer|telefon|kontakt)|moje dane kontaktowe|nasz (?:numer|telefon)"],
        "ru": [r"мой (?:номер|телефон|контакт)|мои контакт\w*|контакты (?:для связи )?у меня"],
        "hi": [
            r"मेरा (?:नंबर|नम्बर|फोन|फोन|मोबाइल)(?: नंबर)?"
            r"|मेरी (?:सारी )?(?:कॉन्टैक्ट|कांटेक्ट|संपर्क) (?:डिटेल्स|डिटेल|जानकारी)"
        ],
        "hi-Latn": [r"mera (?:number|phone|mobile|no)"],
        "ar": [
            r"رقمي|تلفوني|تليفوني|موبايلي|جوالي"
            r"|(?:بيانات|معلومات) (?:الاتصال|التواصل) (?:ديالي|تبعي|بتاعتي|الخاصة بي)"
        ],
        "tr": [r"telefonum|numaram|cep numaram|telefon numaram"],
        "id": [r"nomor (?:saya|aku|gue|gw)|nomorku|nomerku|nomer (?:saya|aku)|no hp (?:saya|aku)"],
        "tl": [r"(?:number|numero|cp) ko"],
    }
)
# Documents a party sends, and the writer's own pages: where a number can be looked up.
DOCUMENT = MappingProxyType(
    {
        # a page of the writer's site read whole ("the contact page of my site"), as no page
        # being built
        "en": [
            r"(?:(?:my|the) (?:website|site)'?s? )?contact page(?: of my (?:website|site))?"
            r"|invoice|quote|quotation|offer|proposal|cv|resume|(?:business|visiting) card"
            r"|signature"
        ],
        "es": [r"factura|presupuesto|cotizacion|propuesta|cv|curriculum|tarjeta|firma"],
        "pt": [r"fatura|nota fiscal|orcamento|proposta|cv|curriculo|cartao|assinatura"],
        "fr": [r"facture|devis|proposition|cv|carte de visite|signature"],
        "de": [r"rechnung|angebot|kostenvoranschlag|lebenslauf|cv|visitenkarte|signatur"],
        "it": [r"fattura|preventivo|proposta|offerta|cv|curriculum|biglietto da visita|firma"],
        "pl": [r"faktur\w*|ofert\w*|wycen\w*|cv|wizytowk\w*|stop[kc]\w*"],
        "ru": [r"сч[её]т\w*|предложени\w*|резюме|визитк\w*|подпис\w*"],
        "hi": [
            r"(?:मेरी वेबसाइट (?:के|का|की) )?(?:कॉन्टैक्ट|कांटेक्ट|संपर्क) पेज"
            r"|बिल|इनवॉइस|कोटेशन|सीवी|रिज्यूमे|रिज्यूमे|बायोडाटा|विजिटिंग कार्ड|विजिटिंग कार्ड"
        ],
        "hi-Latn": [r"bill|invoice|quotation|cv|resume|biodata|visiting card|card"],
        "ar": [r"الفاتور[ةه]|فاتور[ةه]|عرض السعر|السير[ةه] الذاتي[ةه]|السي في|الكارت"],
        "tr": [r"fatura\w*|teklif\w*|cv\w*|ozgecmis\w*|kartvizit\w*|imza\w*"],
        "id": [r"invoice|faktur|penawaran|cv|kartu nama|tanda tangan"],
        "tl": [r"invoice|resibo|quotation|cv|resume|calling card"],
    }
)
MY_NUMBER_RE = _contact_re(MY_NUMBER)
MY_NUMBER_GATE = fragment_gate(_contact_fragments(MY_NUMBER))
DOCUMENT_RE = _contact_re(DOCUMENT)
DOCUMENT_GATE = fragment_gate(
    [*_contact_fragments(DOCUMENT), SITE_WORDS, *_contact_fragments(OWN_SITE)]
)

SITE_WORD_GATE = fragment_gate([SITE_WORDS, *_contact_fragments(OWN_SITE)])
CONTACT_WORD_RE = _contact_re(
    {k: [*CONTACT_OWN[k], *CONTACT_WORDS[k]] for k in CONTACT_OWN if k in CONTACT_WORDS}
)
CONTACT_WORD_GATE = fragment_gate(
    _contact_fragments(CONTACT_OWN) + _contact_fragments(CONTACT_WORDS)
)
CONTACT_SWAP_RE = _contact_re(CONTACT_SWAP, _NOT_A_PERSONS)
CONTACT_REACH_GATE = fragment_gate(_contact_fragments(CONTACT_REACH))
CONTACT_TALK_GATE = fragment_gate(_contact_fragments(CONTACT_TALK))
CONTACT_OWN_GATE = fragment_gate(_contact_fragments(CONTACT_OWN))
CONTACT_SWAP_GATE = fragment_gate(_contact_fragments(CONTACT_SWAP))
CONTACT_GIVE_GATE = fragment_gate(_contact_fragments(CONTACT_GIVE))
# The places and ways (for talking) and with the times (for reaching): each pair needs both.
CONTACT_ELSEWHERE_GATE = fragment_gate(
    _contact_fragments(CONTACT_PLACE) + _contact_fragments(CONTACT_ELSEWHERE)
)
CONTACT_ANY_PLACE_GATE = fragment_gate(
    _contact_fragments(CONTACT_PLACE)
    + _contact_fragments(CONTACT_ELSEWHERE)
    + _contact_fragments(CONTACT_WHEN)
)
# One look for every pair at once: a place, way or time, or a personal contact (a swap names
# its contacts too). Most messages have none and are done after this one test.
CONTACT_ANY_GATE = fragment_gate(
    _contact_fragments(CONTACT_PLACE)
    + _contact_fragments(CONTACT_ELSEWHERE)
    + _contact_fragments(CONTACT_WHEN)
    + _contact_fragments(CONTACT_OWN)
    + _contact_fragments(CONTACT_SWAP)
    + _contact_fragments(CONTACT_WORDS)
)


# --- round 11 (guard-ids6): a digit named as a noun after a count --------------------------
# "три нуля", "ثلاث سبعات", "trzy zera", "three zeros": a count of two to four (already a digit
# in the digit view), then the digit's name as a plural noun, stands for the digit repeated.
# Only the plural nouns are listed, so "3 sevens" is read but "the 3 of us" is not.
_DIGIT_NOUNS_BY_LANG: Mapping[str, Mapping[str, str]] = {
    "en": {
        "zeros": "0",
        "zeroes": "0",
        "noughts": "0",
        "nines": "9",
        "eights": "8",
        "sevens": "7",
        "sixes": "6",
        "fives": "5",
        "fours": "4",
        "threes": "3",
        "twos": "2",
    },
    "es": {
        "ceros": "0",
        "nueves": "9",
        "ochos": "8",
        "sietes": "7",
        "seises": "6",
        "cincos": "5",
        "cuatros": "4",
        "treses": "3",
        "doses": "2",
    },
    "pt": {
        "zeros": "0",
        "noves": "9",
        "oitos": "8",
        "setes": "7",
        "seis": "6",
        "cincos": "5",
        "quatros": "4",
        "treses": "3",
        "dois": "2",
    },
    "fr": {"zéros": "0", "zeros": "0"},
    "de": {"nullen": "0", "neunen": "9", "achten": "8", "siebenen": "7", "fünfen": "5"},
    "it": {"zeri": "0"},
    "pl": {
        "zera": "0",
        "zer": "0",
        "jedynki": "1",
        "dwójki": "2",
        "trójki": "3",
        "czwórki": "4",
        "piątki": "5",
        "szóstki": "6",
        "siódemki": "7",
        "ósemki": "8",
        "dziewiątki": "9",
    },
    "ru": {
        "нуля": "0",
        "нулей": "0",
        "единицы": "1",
        "двойки": "2",
        "тройки": "3",
        "четвёрки": "4",
        "пятёрки": "5",
        "шестёрки": "6",
        "семёрки": "7",
        "восьмёрки": "8",
        "девятки": "9",
    },
    "ar": {
        "أصفار": "0",
        "اصفار": "0",
        "واحدات": "1",
        "ثلاثات": "3",
        "أربعات": "4",
        "خمسات": "5",
        "ستات": "6",
        "سبعات": "7",
        "ثمانيات": "8",
        "تسعات": "9",
    },
}
DIGIT_NOUNS: MappingProxyType[str, str] = MappingProxyType(
    {fold(w.lower()): d for nouns in _DIGIT_NOUNS_BY_LANG.values() for w, d in nouns.items()}
)
DIGIT_NOUN_GATE = frozenset(DIGIT_NOUNS)
DIGIT_NOUN_RE = compile_fast(
    r"(?<![\w.,])(?P<n>[2-4])\s+(?P<noun>" + _alt(list(DIGIT_NOUNS)) + r")(?!\w)"
)


# --- round 11 (guard-ids6): a number called a placeholder -----------------------------------
# "use 555-0100 as the dummy number", "01 23 45 67 89 comme numéro fictif", "als Dummy-Nummer":
# a number the writer calls fake, a dummy or a sample, within three words of it, is filler for
# screenshots and mock-ups, not a number to call.
_PLACEHOLDER_NUMBER_WORDS_BY_LANG: Mapping[str, tuple[str, ...]] = {
    "en": ("dummy", "fake", "fictional", "fictitious", "made-up", "made up", "mock"),
    "es": ("ficticio", "ficticia", "falso", "falsa", "de mentira", "inventado"),
    "pt": ("fictício", "ficticio", "fictícia", "falso", "falsa", "inventado"),
    "fr": ("fictif", "fictive", "factice", "bidon", "inventé"),
    "de": (
        "dummy",
        "dummy-nummer",
        "dummynummer",
        "fiktiv\\w*",
        "platzhalter\\w*",
        "beispielnummer",
        "fake",
    ),
    "it": ("finto", "finta", "fittizio", "fittizia", "inventato"),
    "pl": ("przykładowy", "przykładowa", "fikcyjny", "fikcyjna", "zmyślony", "testowy"),
    "ru": ("тестовый", "тестовым", "фейковый", "фейковым", "выдуманный"),
    "hi": ("dummy", "fake", "nakli", "डमी", "नकली"),
    "ar": ("وهمي", "تجريبي", "للتجربة", "مزيف"),
    "tr": ("sahte", "uydurma", "temsili"),
    "id": ("palsu", "dummy", "bohongan"),
    "tl": ("dummy", "peke"),
}
_PLACEHOLDER_NUMBER_ALT = _alt(
    [fold(w.lower()) for ws in _PLACEHOLDER_NUMBER_WORDS_BY_LANG.values() for w in ws],
    escape=False,
)
# Words for "example" or "sample" count only after the number ("use 0812 0000 0000 as the sample
# number"): before it they introduce a real one ("Contoh nomor saya 0812 3456 7890", for
# example, my number is ...; review6).
_EXAMPLE_NUMBER_WORDS = (
    "sample", "de ejemplo", "de exemplo", "d'exemple", "di esempio", "для примера", "örnek",
    "contoh", "halimbawa",
)  # fmt: skip
# The word among the three words after the number, or the three before it.
PLACEHOLDER_AFTER_RE = compile_fast(
    r"\W*(?:[^\W\d_]+\W+){0,2}?(?:"
    + _PLACEHOLDER_NUMBER_ALT
    + "|"
    + _alt([fold(w.lower()) for w in _EXAMPLE_NUMBER_WORDS])
    + r")(?!\w)"
)
PLACEHOLDER_BEFORE_RE = compile_fast(
    r"(?<!\w)(?:" + _PLACEHOLDER_NUMBER_ALT + r")\W+(?:[^\W\d_]+\W+){0,2}$"
)
# "0161 496 0738, not a fake one": a denial between the number and the word keeps the number.
PLACEHOLDER_DENIED_RE = compile_fast(
    # ("ما" is no longer in the Arabic negations, see ``NEGATION_RE``: added here again)
    r"(?<!\w)(?:not|no|isn'?t|never|bukan|değil|degil|ليس|ليست|مش|مو|ما|"
    + _alt(_union("negations"), escape=False)
    + r")(?!\w)"
)


# --- round 11 (guard-ids6): a two-word name glued, then the "@" and a provider --------------
# "nadia brook, no space, at hotmail dot com", "timo berg zusammengeschrieben, at gmx punkt
# de": two lowercase words, a word for writing them together, then the "@" said or typed and
# a mail provider right after it (the provider is matched with ``PROVIDER_AFTER_RE``).
# The glue words and the "@" after them, found first (a long message has few); then the two
# words right before them.
GLUE_THEN_AT_RE = compile_fast(
    r"(?<![\w\u0900-\u097f])(?:"
    + _alt(_union("glued_words"))
    + r")(?![\w\u0900-\u097f])[\s,:)-]*(?:@|(?<![\w\u0900-\u097f])(?:"
    + _alt(_union("at_words") + _union("weak_at_words") + _union("at_symbol_names"))
    + r")(?![\w\u0900-\u097f]))\s*"
)
NAME_PAIR_BEFORE_RE = re.compile(
    r"(?<![\w\u0900-\u097f@.'\-])(?P<first>[a-z]{2,20})\s+(?P<last>[a-z]{2,20})[\s,:(-]+"
    r"(?:(?:all|todo|tudo|tout|tutto)\s+)?$"
)


# --- round 11: payment moves ------------------------------------------------------------------
# Moving the payment itself off the platform with no identifier given: billing the other party
# oneself or through one's own business, paying privately, in cash or in hand, settling the
# rest between the two parties, skipping the platform's checkout. Each class is per language
# (regex fragments on the folded text) and only counts paired with another class, in one
# sentence; see ``intent.payment_moves``.
_PAY6: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        # billing the other party: a verb of invoicing or charging, or sending an invoice
        "bill": (
            r"my own invoice",
            r"invoice you (?:myself|directly|through my company)",
            r"invoic(?:e|es|ed|ing)\s+(?:you|u|ya|them|him|her)",
            r"bill(?:s|ed|ing)?\s+(?:you|u|ya|them|him|her|my\s+\w+\s+clients|my\s+clients)",
            r"charg(?:e|es|ed|ing)\s+(?:you|u|ya)",
            r"send\s+(?:you\s+)?(?:an|a|the|my)\s+(?:\w+\s+){0,2}?invoice",
        ),
        # the writer or the writer's own business as the one billing
        "own": (
            r"your company",
            r"my company",
            r"myself",
            r"my\s+own",
            r"(?:my|our)\s+(?:company|agency|studio|firm|business|llc|ltd)",
        ),
        "private": (r"privately", r"in\s+private", r"on\s+the\s+side", r"under\s+the\s+table"),
        "settle": (r"settle", r"sort\s+(?:out\s+)?(?:the\s+)?payment", r"sort\s+it\s+out"),
        "rest": (r"rest", r"remaining", r"remainder", r"balance", r"second\s+half", r"payment"),
        "skip": (r"skip(?:ped|ping)?", r"bypass(?:ed|ing)?", r"get\s+around", r"cut\s+out"),
        "checkout": (r"checkout", r"payment\s+(?:step|page)\s+(?:here|on\s+the\s+site)"),
        # without the platform "in the middle": a move on its own
        "middle": (
            r"without\s+(?:the\s+)?(?:platform|site|website)\s+in\s+(?:the\s+)?(?:middle|between)",
        ),
        "without": (
            r"without\s+(?:the\s+)?(?:platform|site|website)\s+in\s+(?:the\s+)?(?:middle|between)",
            r"without\s+going\s+through\s+(?:the\s+)?(?:platform|site|website)",
        ),
        "cash": (
            r"in\s+cash",
            r"cash\s+in\s+hand",
            r"(?:me|it)\s+in\s+hand",
            r"cash\s+on\s+delivery",
        ),
        "pay2": (r"(?:you|u)\s+pay\s+me", r"pay\s+me", r"(?:you|u)\s+pay", r"hand\s+me"),
        "direct_me": (),
        "less": (r"\d+\s*%\s*(?:less|cheaper|off)",),
    },
    "es": {
        "bill": (
            r"(?:(?<=te )|(?<=le )|(?<=les )|(?<=os )|(?<=te la )|(?<=te lo )|(?<=te los )"
            r"|(?<=te las )|(?<=se la )|(?<=se lo ))(?:factur\w+|cobr\w+)",
            r"te\s+(?:puedo|puede|podemos|voy\s+a|va\s+a|vamos\s+a)\s+(?:factur\w+|cobr\w+)",
            r"factur(?:o|are|amos|aremos)",
            r"cobr(?:o|are|amos|aremos)",
            r"(?:mando|envio|paso)\s+(?:una|la)\s+factura",
        ),
        "own": (
            r"yo\s+mism[oa]",
            r"(?:factur\w+|cobr\w+)\s+yo",
            r"(?:mi|nuestra)\s+(?:empresa|agencia|sociedad|compania)",
            r"mi\s+estudio",
            r"por\s+mi\s+cuenta",
        ),
        "private": (r"en\s+privado", r"por\s+privado"),
        "settle": (r"arregl\w+", r"cuadr\w+", r"lo\s+vemos\s+tu\s+y\s+yo"),
        "rest": (
            r"resto",
            r"lo\s+que\s+falta",
            r"segunda\s+mitad",
            r"saldo",
            r"finiquito",
            r"pago",
        ),
        "skip": (
            r"saltarnos",
            r"saltemonos",
            r"saltemos",
            r"saltamos",
            r"saltar",
            r"evit\w+",
            r"brinc\w+",
        ),
        "checkout": (r"checkout", r"pago\s+(?:de|en|por)\s+(?:la\s+)?(?:plataforma|web|pagina)"),
        "middle": (r"sin\s+(?:la\s+)?(?:plataforma|web|pagina)\s+(?:en\s+medio|de\s+por\s+medio)",),
        "without": (
            r"sin\s+(?:la\s+)?(?:plataforma|web|pagina)\s+(?:en\s+medio|de\s+por\s+medio)",
            r"sin\s+pasar\s+por\s+(?:la\s+)?(?:plataforma|web|pagina)",
        ),
        "cash": (r"en\s+efectivo", r"en\s+mano", r"contra\s+entrega"),
        "pay2": (r"pag(?:as|ues|ais)", r"me\s+(?:la\s+|lo\s+)?das"),
        "direct_me": (r"directo\s+a\s+mi",),
        "less": (r"\d+\s*%\s*(?:menos|mas\s+barato)",),
    },
    "pt": {
        "bill": (
            r"(?:(?<=te )|(?<=lhe )|(?<=vos ))(?:fatur\w+|cobr\w+)",
            r"cobr(?:o|arei|amos)\s+(?:de\s+)?(?:vc|voce|vcs|voces)",
            r"(?:mando|envio|emito)\s+(?:uma|a)\s+(?:nota|fatura)",
        ),
        "own": (
            r"eu\s+mesm[oa]",
            r"(?:minha|nossa)\s+(?:empresa|agencia)",
            r"meu\s+estudio",
            r"por\s+conta\s+propria",
        ),
        "private": (r"no\s+privado", r"por\s+fora"),
        "settle": (r"acert\w+", r"resolvemos", r"resolver", r"resolve"),
        "rest": (r"resto", r"restante", r"segunda\s+metade", r"saldo", r"pagamento"),
        "skip": (r"pular\w*", r"pulamos", r"pula", r"pule", r"evit\w+", r"contorn\w+"),
        "checkout": (r"checkout", r"pagamento\s+(?:do|no|pelo)\s+(?:site|plataforma)"),
        "middle": (r"sem\s+(?:a\s+)?(?:plataforma|site)\s+no\s+meio",),
        "without": (
            r"sem\s+(?:a\s+)?(?:plataforma|site)\s+no\s+meio",
            r"sem\s+passar\s+pel[oa]\s+(?:plataforma|site)",
            r"sem\s+o\s+site",
        ),
        "cash": (r"em\s+dinheiro", r"em\s+especie", r"em\s+maos", r"na\s+mao"),
        "pay2": (r"(?:me\s+)?pag(?:a|ar|ue)", r"(?:vc|voce)\s+(?:me\s+)?pag\w*"),
        "direct_me": (),
        "less": (r"\d+\s*%\s*(?:mais\s+barato|a\s+menos|menos)",),
    },
    "fr": {
        "bill": (
            r"(?:ma|mes) propres? factures?",
            r"je (?:te|vous) facture\w*",
            r"(?:(?<=te )|(?<=vous )|(?<=lui )|(?<=te la )|(?<=te le )|(?<=te les )|(?<=vous la )"
            r"|(?<=vous le )|(?<=vous les ))factur\w+",
            r"(?:envoie|envoi|fais)\s+une\s+facture",
        ),
        "own": (
            r"(?:ta|ma|votre) bo[iî]te",
            r"propre",
            r"moi[- ]meme",
            r"factur\w+\s+moi",
            r"(?:ma|notre)\s+(?:societe|boite|entreprise)",
            r"(?:mon|notre)\s+(?:agence|studio|entreprise)",
        ),
        "private": (r"en\s+prive", r"au\s+noir", r"de\s+la\s+main\s+a\s+la\s+main"),
        "settle": (r"reglons", r"regler", r"reglera", r"reglez", r"regle", r"arrang\w+"),
        "rest": (r"reste", r"solde", r"deuxieme\s+moitie", r"paiement"),
        "skip": (r"zapp\w+", r"saut\w+", r"evit\w+", r"contourn\w+"),
        "checkout": (r"paiement\s+(?:de|sur|via)\s+la\s+plateforme", r"checkout"),
        "middle": (r"sans\s+(?:la\s+)?plateforme\s+(?:au\s+milieu|entre\s+nous)",),
        "without": (
            r"sans\s+(?:la\s+)?plateforme\s+(?:au\s+milieu|entre\s+nous)",
            r"sans\s+passer\s+par\s+(?:la\s+plateforme|le\s+site)",
        ),
        "cash": (r"en\s+liquide", r"en\s+especes", r"en\s+main\s+propre", r"en\s+cash"),
        "pay2": (r"(?:tu\s+)?me\s+(?:la|le|les)?\s*(?:paies|payes|donnes)", r"tu\s+paies"),
        "direct_me": (),
        "less": (r"\d+\s*%\s*de\s+moins",),
    },
    "de": {
        "bill": (
            r"(?:stell|stelle|stellen|stellt)\s+(?:\w+\s+){0,4}?in\s+rechnung",
            r"(?:rechne|rechnet|rechnen)\s+(?:\w+\s+){0,5}?ab",
            r"berechne\w*\s+(?:ich\s+)?(?:dir|ihnen|euch)",
            r"(?:schick|schicke|schicken|sende|senden)\s+(?:\w+\s+){0,2}?(?:eine|die)\s+rechnung",
        ),
        "own": (
            r"selbst",
            r"selber",
            r"(?:meine|unsere)\s+(?:firma|agentur)",
            r"(?:mein|unser)\s+(?:studio|buro|unternehmen)",
            r"direkt\s+mit\s+(?:dir|ihnen|euch)",
        ),
        "private": (r"mir\s+privat", r"privat\s+an\s+mich", r"unter\s+der\s+hand"),
        "settle": (r"regeln", r"machen\s+wir\s+unter\s+uns", r"klaren"),
        "rest": (r"rest\w*", r"zweite\s+halfte", r"zahlung"),
        "skip": (r"sparen", r"spart", r"umgeh\w+", r"uberspring\w+"),
        "checkout": (r"checkout", r"bezahlung\s+uber\s+die\s+(?:seite|plattform)"),
        "middle": (r"ohne\s+(?:die\s+)?(?:plattform|seite)\s+dazwischen",),
        "without": (
            r"ohne\s+(?:die\s+)?(?:plattform|seite)\s+dazwischen",
            r"ohne\s+die\s+(?:plattform|seite)",
        ),
        "cash": (r"bar\s+bei", r"bar\s+auf\s+die\s+hand", r"auf\s+die\s+hand", r"in\s+bar"),
        "pay2": (r"(?:zahlst|gibst)\s+du", r"du\s+(?:zahlst|gibst)", r"zahlen\s+sie"),
        "direct_me": (),
        "less": (r"\d+\s*%\s*(?:weniger|billiger|gunstiger)",),
    },
    "it": {
        "bill": (
            r"fattur(?:o|erò|ero)",
            r"(?:una )?fattura mia",
            r"(?:la )?mia fattura",
            r"(?:te|ti|le|vi|ve)\s+(?:la|lo|li|le)?\s*(?:fattur\w+|addebit\w+)",
            r"(?:mando|invio|faccio)\s+(?:una|la)\s+fattura",
            r"(?:te|ti)\s+(?:la|lo|li)?\s*faccio\s+pagare",
        ),
        "own": (
            r"(?:tua|mia|sua) ditta",
            r"mia",
            r"(?:fattur\w+|addebit\w+)\s+io",
            r"io\s+direttamente",
            r"(?:la\s+)?mia\s+(?:ditta|agenzia|societa|azienda)",
            r"(?:il\s+)?mio\s+studio",
            r"partita\s+iva",
            r"a\s+me",
        ),
        "private": (r"in\s+privato", r"a\s+mano"),
        "settle": (r"sistemiamo", r"sistemare", r"sistemo", r"mettiamo\s+d'?accordo"),
        "rest": (r"resto", r"saldo", r"seconda\s+meta", r"pagamento"),
        "skip": (r"saltare", r"saltiamo", r"evit\w+"),
        "checkout": (r"checkout", r"pagamento\s+(?:sulla|dalla|tramite\s+la)\s+piattaforma"),
        "middle": (r"senza\s+(?:la\s+)?piattaforma\s+in\s+mezzo",),
        "without": (
            r"senza\s+(?:la\s+)?piattaforma\s+in\s+mezzo",
            r"senza\s+passare\s+(?:dal|per\s+il)\s+(?:sito|portale)",
        ),
        "cash": (r"in\s+contanti", r"cash", r"a\s+mano"),
        "pay2": (r"paghi", r"darmel\w"),
        "direct_me": (),
        "less": (r"\d+\s*%\s*in\s+meno",),
    },
    "pl": {
        "bill": (
            r"wystaw\w*\s+(?:\w+\s+){0,3}?faktur\w*",
            r"(?:za|prze)?fakturuj\w*",
            r"zafaktur\w+",
            r"faktur(?:owac|uje|ujemy)",
            r"rozlicz\w+",
        ),
        "own": (
            r"sam",
            r"sama",
            r"(?:moja|nasza)\s+(?:firma|agencja)",
            r"(?:moje|nasze)\s+studio",
            r"(?:z\s+)?mojej\s+firmy",
            r"bezposrednio",
            r"bezpośrednio",
        ),
        "private": (r"prywatnie", r"na\s+boku", r"pod\s+stolem"),
        "settle": (r"rozlicz\w+", r"dogadamy\s+sie", r"dogadajmy\s+sie"),
        "rest": (r"reszt\w+", r"druga\s+polow\w+", r"drugą\s+połowę", r"platnosc", r"kas\w+"),
        "skip": (r"omin\w+", r"pomin\w+"),
        "checkout": (r"p[lł]atno[sś]\w*\s+przez\s+(?:serwis|stron\w+|platform\w+)", r"checkout"),
        "middle": (
            r"bez\s+platformy\s+posrodku",
            r"bez\s+platformy\s+pośrodku",
        ),
        "without": (r"bez\s+platformy\s+posrodku", r"bez\s+(?:strony|serwisu|platformy)"),
        "cash": (r"gotowka", r"gotówką", r"do\s+reki", r"do\s+ręki", r"na\s+reke"),
        "pay2": (r"zaplacisz", r"zapłacisz", r"dasz\s+mi", r"placisz"),
        "direct_me": (r"od\s+razu\s+do\s+mnie",),
        "less": (r"\d+\s*%\s*(?:taniej|mniej|rabatu)",),
    },
    "ru": {
        "bill": (
            r"выстав\w*\s+(?:\w+\s+){0,2}?(?:сч[её]т\w*)",
            r"выставлять\s+(?:\w+\s+){0,2}?(?:вам|тебе)",
            r"(?:брать|беру|возьму)\s+(?:деньги\s+)?с\s+(?:вас|тебя)",
            r"(?:оплачивать|оплачу)\s+у\s+(?:тебя|вас)",
            r"пришлю\s+сч[её]т",
        ),
        "own": (
            r"сам",
            r"сама",
            r"(?:сво\w+|мо\w+)\s+(?:фирм\w+|агентств\w+|студи\w+|компани\w+|ип)",
            r"моё\s+агентство",
            r"напрямую",
            r"лично",
        ),
        "private": (r"мне\s+лично", r"лично\s+мне", r"мимо\s+кассы"),
        "settle": (r"реш\w+", r"договор\w+\s+сами", r"рассчита\w+"),
        "rest": (r"остат\w+", r"остаток", r"вторую\s+половину", r"оплат\w+"),
        "skip": (r"обойд\w+", r"обойт\w+"),
        "checkout": (r"оплат\w+\s+через\s+(?:сайт|биржу|площадку|платформу)",),
        "middle": (
            r"без\s+(?:площадки|платформы|биржи|сайта)\s+посередине",
            r"без\s+оплаты\s+через\s+(?:сайт|биржу|площадку|платформу)",
        ),
        "without": (
            r"без\s+(?:площадки|платформы|биржи|сайта)\s+посередине",
            r"без\s+оплаты\s+через\s+(?:сайт|биржу|площадку|платформу)",
            r"без\s+(?:биржи|сайта|площадки|платформы)",
        ),
        "cash": (r"наличк\w+", r"наличными", r"налом", r"из\s+рук\s+в\s+руки"),
        "pay2": (r"заплатишь", r"заплатите", r"отдашь", r"кинешь\s+мне", r"скинешь\s+мне"),
        "direct_me": (r"сразу\s+мне", r"сразу\s+ко\s+мне"),
        "less": (r"на\s+\d+\s*%\s*дешевле", r"скидк\w+\s+\d+\s*%"),
    },
    "hi": {
        "bill": (
            r"बिल\s+(?:[^\s]+\s+){0,3}?भेज[^\s]*",
            r"इनवॉइस\s+(?:[^\s]+\s+){0,3}?भेज[^\s]*",
            r"(?:पैसा|पैसे|चार्ज|फीस)\s+(?:[^\s]+\s+){0,4}?(?:ले\s+)?(?:लूंगा|लूँगा|लेंगे|लेता)",
            r"(?:आपसे|तुमसे)\s+(?:[^\s]+\s+)?(?:ले\s+)?(?:लूंगा|लूँगा|लेंगे)",
        ),
        "own": (
            r"खुद",
            r"खुद",
            r"अपनी\s+कंपनी",
            r"मेरी\s+(?:कंपनी|एजेंसी)",
            r"मेरा\s+स्टूडियो",
            r"सीधे",
        ),
        "private": (r"मुझे\s+अलग\s+से", r"प्राइवेट\s+में", r"चुपके\s+से"),
        "settle": (r"हिसाब",),
        "rest": (r"बाकी", r"बचा\s+हुआ", r"आधी\s+रकम", r"पेमेंट", r"पैसा"),
        "skip": (r"छोडो", r"छोड\s+दो", r"स्किप"),
        "checkout": (r"चेकआउट",),
        "middle": (r"(?:प्लेटफॉर्म|प्लेटफॉर्म|साइट)\s+को\s+बीच\s+में\s+(?:[^\s]+\s+){0,2}?बिना",),
        "without": (r"(?:प्लेटफॉर्म|प्लेटफॉर्म|साइट)\s+(?:को\s+)?(?:[^\s]+\s+){0,4}?बिना",),
        "cash": (r"नकद", r"कैश", r"हाथ\s+में"),
        "pay2": (r"दे\s+देना", r"दे\s+दो", r"दे\s+दीजिए", r"दे\s+दें"),
        "direct_me": (),
        "less": (r"\d+\s*%\s*कम",),
    },
    "hi-Latn": {
        "bill": (
            r"bill\s+(?:\w+\s+){0,3}?(?:bhej|bhejunga|bhejenge|bhejna|bhejta|bhejti|bhejdunga)",
            r"invoice\s+(?:\w+\s+){0,3}?(?:bhej|bhejunga|bhejenge|bhejna|bhejta|bhejti|bhejdunga)",
            r"(?:paisa|paise|charge|fees|fee|payment)\s+(?:\w+\s+){0,4}?(?:le\s+)?(?:lunga|lenge|leta)",
            r"(?:aapse|tumse|apse)\s+(?:\w+\s+)?(?:le\s+)?(?:lunga|lenge)",
        ),
        "own": (
            r"khud",
            r"apni\s+company",
            r"meri\s+(?:company|agency|firm)",
            r"mera\s+studio",
            r"seedha",
            r"sidha",
        ),
        "private": (r"mujhe\s+alag\s+se", r"private\s+(?:me|mein)", r"chupke\s+se"),
        "settle": (r"hisaab", r"hisab"),
        "rest": (r"baaki", r"baki", r"bacha\s+hua", r"second\s+half", r"payment", r"paisa"),
        "skip": (r"chhodo", r"chod\s+do", r"skip"),
        "checkout": (r"checkout",),
        "middle": (r"(?:platform|site)\s+ko\s+beech\s+(?:me|mein)\s+(?:\w+\s+){0,2}?bina",),
        "without": (r"(?:platform|site)\s+(?:ko\s+)?(?:\w+\s+){0,4}?bina",),
        "cash": (r"cash", r"nakad", r"haath\s+(?:me|mein)"),
        "pay2": (r"de\s+dena", r"de\s+do", r"dedo", r"de\s+dijiye"),
        "direct_me": (),
        "less": (r"\d+\s*%\s*kam",),
    },
    "ar": {
        "bill": (
            r"فاتورة خاصة بي",
            r"فاتورة باسم\w*",
            r"فاتورتي",
            r"(?:بفوتر|افوتر|نفوتر|يفوتر|فوتر)[^\s]*",
            r"(?:احاسب|بحاسب|نحاسب)[^\s]*",
            r"(?:تصدر|سيصدر|ستصدر|اصدر|بصدر)\s+(?:لك|لكم)\s+فاتور[^\s]*",
            r"(?:ارسل|سارسل|هبعت|ابعت)[^\s]*\s+(?:لك\s+)?فاتور[^\s]*",
            r"الفاتور[^\s]*\s+(?:[^\s]+\s+){0,2}?هبعت[^\s]*",
            r"احصل[^\s]*\s+منك",
            r"ha3melak\s+fatoura",
        ),
        "own": (
            r"شركتك",
            r"مؤسستي",
            r"للمؤسسة",
            r"باسمها",
            r"خاصة بي",
            r"بنفسي",
            r"شركتي",
            r"وكالتي",
            r"مكتبي",
            r"الاستوديو\s+حقي",
            r"من\s+عندي",
            r"مباشر[^\s]*",
            r"men\s+3andi",
        ),
        "private": (r"على\s+جنب", r"بيني\s+وبينك", r"بره\s+المنصه", r"بره\s+المنصة"),
        "settle": (r"نتحاسب", r"نتفاهم"),
        "rest": (r"الباقي", r"باقي", r"النص\s+الثاني", r"المبلغ", r"الدفع"),
        "skip": (r"نتجاوز", r"نتخطى", r"نلغي"),
        "checkout": (r"الدفع\s+(?:في|على|عن\s+طريق)\s+(?:الموقع|المنصة)",),
        "middle": (r"(?:من\s+غير|بدون|بلا)\s+(?:المنصة|الموقع)\s+في\s+(?:النص|الوسط|النصف)",),
        "without": (r"(?:من\s+غير|بدون|بلا)\s+(?:المنصة|الموقع)",),
        "cash": (r"كاش", r"نقدا", r"نقدي", r"يد\s+بيد", r"في\s+ايدي"),
        "pay2": (r"ادفع[^\s]*", r"دفعت", r"تدفع[^\s]*", r"حول[^\s]*\s+لي"),
        "direct_me": (),
        "less": (r"خصم\s+\d+\s*%",),
    },
    "tr": {
        "bill": (
            r"kendi faturam\w*",
            r"fatura(?:mı|mi|yı|yi)? (?:keserim|gönderirim|gonderirim)",
            r"fatura[^\s]*\s+(?:\w+\s+){0,3}?kes\w*",
            r"faturala\w*",
            r"tahsil\s+eder\w*",
            r"(?:sizden|senden)\s+(?:\w+\s+)?al\w*",
            r"fatura\s+gonder\w*",
            r"(?:para|parasini|parasını|paranizi|paranızı)\s+(?:[^\s]+\s+){0,3}?al(?:ir|acag)\w*",
        ),
        "own": (
            r"kendi",
            # (not the company's legal title an invoice is made out to: "şirket unvanına")
            r"şirket\w*(?!\s+unvan)",
            r"sirket\w*(?!\s+unvan)",
            r"kendim",
            r"ben\s+kendim",
            r"sirketim\w*",
            r"ajansim\w*",
            r"studyom\w*",
            r"dogrudan",
            r"direkt",
            r"siteye\s+girmeden",
        ),
        "private": (r"ozelden", r"elden", r"aramizda", r"el\s+altindan"),
        "settle": (r"halled\w+", r"hallet\w*", r"anlas\w+"),
        "rest": (r"kalan\w*", r"ikinci\s+yari\w*", r"odeme\w*", r"para\w*"),
        "skip": (r"atla\w*", r"gecelim"),
        "checkout": (r"odeme\s+adim\w*", r"checkout"),
        "middle": (r"platformu\s+araya\s+(?:sokmadan|katmadan)",),
        "without": (
            r"platformu\s+araya\s+sokmadan",
            r"(?:siteye|platforma)\s+(?:ugramadan|girmeden)",
            r"(?:site|platform)\s+olmadan",
        ),
        "cash": (r"nakit", r"elden", r"pesin\s+elden"),
        "pay2": (r"odersin", r"odersen", r"verirsin", r"verirsen", r"odeyin"),
        "direct_me": (r"direkt\s+bana", r"dogrudan\s+bana"),
        "less": (r"%\s*\d+\s*indirim",),
    },
    "id": {
        "bill": (
            r"menagih",
            r"nagih\w*",
            r"tagih\w*",
            r"kirim(?:in)?\s+(?:\w+\s+)?(?:invoice|tagihan|faktur)",
        ),
        "own": (
            r"sendiri",
            r"(?:perusahaan|agensi|studio|cv|pt)\s+(?:saya|aku|gue|gw)",
            r"langsung",
        ),
        "private": (r"secara\s+pribadi", r"pribadi", r"di\s+luar", r"bawah\s+tangan"),
        "settle": (r"beres\w*", r"atur\s+sendiri", r"urus\s+sendiri"),
        "rest": (r"sisa\w*", r"setengah", r"bayar\w*", r"duit\w*"),
        "skip": (r"skip", r"lewati", r"lewatin"),
        "checkout": (r"checkout",),
        "middle": (r"tanpa\s+platform\s+di\s+tengah",),
        "without": (
            r"tanpa\s+platform",
            r"(?:ga|gak|nggak|tidak|tanpa)\s+lewat\s+(?:situs|platform|web)",
        ),
        "cash": (r"tunai", r"cash", r"cod"),
        "pay2": (r"bayar\s+(?:ke\s+)?(?:aku|saya|gue)", r"kasih\s+(?:ke\s+)?(?:aku|saya|gue)"),
        "direct_me": (),
        "less": (r"potongan\s+\d+\s*%", r"diskon\s+\d+\s*%"),
    },
    "tl": {
        "bill": (
            r"mag-iinvoice",
            r"mag-invoice",
            r"magiinvoice",
            r"maginvoice",
            r"mag-bill",
            r"magbill",
            r"magbibill",
            r"(?:si)?singil\w*",
            r"sisingil\w*",
            r"maniningil\w*",
            r"padadalhan\s+(?:kita\s+)?ng\s+invoice",
        ),
        "own": (
            r"ako\s+na",
            r"(?:company|agency|studio|negosyo)\s+ko",
            r"diretso",
            r"direkta",
        ),
        "private": (
            r"(?:nang\s+)?pribado",
            r"sa\s+labas",
            r"labas\s+(?:na\s+lang\s+)?sa\s+(?:app|site|platform)",
        ),
        "settle": (r"ayusin", r"usap\w*\s+sa\s+bayad"),
        "rest": (r"natitira\w*", r"second\s+half", r"bayad"),
        "skip": (r"i-skip", r"iskip", r"skip"),
        "checkout": (r"checkout",),
        "middle": (r"walang\s+platform\s+sa\s+gitna",),
        "without": (r"walang\s+platform", r"(?:di|hindi)\s+na\s+dadaan\s+sa\s+(?:site|platform)"),
        "cash": (r"cash", r"abot\s+mo"),
        "pay2": (r"bayaran\s+mo", r"ibigay\s+mo", r"abot\s+mo"),
        "direct_me": (),
        "less": (r"\d+\s*%\s*less",),
    },
}


def _pay6(kind: str) -> list[str]:
    return [fragment for lang in _PAY6.values() for fragment in lang[kind]]


def _pay6_re(kind: str) -> re.Pattern[str]:
    return compile_fast(r"(?<!\w)(?:" + _alt(_pay6(kind), escape=False) + r")(?!\w)")


PAY6_BILL_RE = _pay6_re("bill")
PAY6_OWN_RE = _pay6_re("own")
PAY6_PRIVATE_RE = _pay6_re("private")
PAY6_SETTLE_RE = _pay6_re("settle")
PAY6_REST_RE = _pay6_re("rest")
PAY6_SKIP_RE = _pay6_re("skip")
PAY6_CHECKOUT_RE = _pay6_re("checkout")
# The platform itself, or its escrow or middleman role, as what is skipped (round 13): "skip
# the platform", "saltamos la plataforma", "platformu atlayalım", "обойдём площадку".
_PLATFORM_NOUNS = (
    r"platform\w*",
    r"plataforma",
    r"plateforme",
    r"plattform",
    r"piattaforma",
    r"escrow",
    r"marketplace",
    r"middleman",
    r"intermediario",
    r"intermediario",
    r"intermediaire",
    r"vermittler",
    r"posrednik\w*",
    r"посредник\w*",
    r"площадк\w*",
    r"платформ\w*",
    r"бирж\w*",
    r"المنصة",
    r"منصة",
    r"الوسيط",
    r"araci\w*",
    r"perantara",
    r"tagapamagitan",
    r"this site",
    r"the site",
    r"este sitio",
    r"o site",
    r"ce site",
    r"die seite",
    r"il sito",
    r"serwis\w*",
    r"сайт",
    r"siteyi",
    r"प्लेटफॉर्म",
    r"प्लेटफॉर्म",
    r"sini",
    r"dito",
)
PLATFORM_NOUN_RE = compile_words(_PLATFORM_NOUNS)
PLATFORM_NOUN_GATE = fragment_gate(_PLATFORM_NOUNS)
PAY6_WITHOUT_RE = _pay6_re("without")
PAY6_MIDDLE_RE = _pay6_re("middle")
PAY6_CASH_RE = _pay6_re("cash")
PAY6_PAY2_RE = _pay6_re("pay2")
PAY6_DIRECT_ME_RE = _pay6_re("direct_me")
PAY6_LESS_RE = _pay6_re("less")


# Any anchor of the round but a lower price (read only when "%" is in the message): a message
# with none of them is not read further. The gate reads the fragments with plain spaces, so
# that it tests their longest words ("in cash" needs "cash", not "in").
def _spaced(fragments: list[str]) -> list[str]:
    return [_LOOKBEHINDS.sub("", f).replace(r"\s+", " ").replace(r"\s*", " ") for f in fragments]


# A leading group of lookbehinds ("(?:(?<=te )|(?<=vous ))factur"): the gate tests what follows.
_LOOKBEHINDS = re.compile(r"^\(\?:\(\?<=[^()]*\)(?:\|\(\?<=[^()]*\))*\)")


_FIRST_THREE = operator.itemgetter(slice(0, 3))


class _StartGate:
    """A ``Gate`` whose stems are looked for at the start of the message's word pieces, by
    their first three letters: every pattern of this round starts at a word boundary, so a
    stem ("factur", "выстав") can only match where a piece begins with it. One dictionary
    look-up per piece, where ``Gate`` searches the message once per stem."""

    def __init__(self, gate: Gate) -> None:
        self._words = Gate(gate.words, (), gate.always, gate.requires)
        by_start: dict[str, list[str]] = {}
        for stem in gate.stems:
            by_start.setdefault(stem[:3], []).append(stem)
        self._stems = {k: tuple(v) for k, v in by_start.items()}
        self._short = tuple(st for st in gate.stems if len(st) < 3)

    def may_match(self, s: str, message_words: frozenset[str]) -> bool:
        if self._words.may_match(s, message_words):
            return True
        if self._short and any(st in s for st in self._short):
            return True
        stems = self._stems
        if isinstance(message_words, WordPieces):
            # (a message's first letters are worked out once for every start gate asked)
            firsts = message_words._firsts
            if firsts is None:
                firsts = message_words._firsts = frozenset(map(_FIRST_THREE, message_words))
            if stems.keys().isdisjoint(firsts):
                return False
        elif stems.keys().isdisjoint(map(_FIRST_THREE, message_words)):
            return False  # the common case, with no loop in Python
        for piece in message_words:
            found = stems.get(piece[:3])
            if found is not None and piece.startswith(found):
                return True
        return False


def _pay6_gate(*kinds: str) -> _StartGate:
    return _StartGate(fragment_gate(_spaced([f for kind in kinds for f in _pay6(kind)])))


PAY6_GATE = _pay6_gate("bill", "private", "settle", "skip", "middle", "cash", "direct_me")
# The words that make billing someone a move (one's own, without the platform, privately).
PAY6_BILL_EVIDENCE_GATE = _pay6_gate("own", "without", "private")
# One gate per rule's anchor, asked once the message passed the round's gate.
PAY6_GATES = MappingProxyType(
    {kind: _pay6_gate(kind) for kind in ("bill", "private", "settle", "skip", "middle", "cash")}
)
# Paying or billing through the platform's own means ("through the milestone tool", "as a
# separate milestone here", "über die Plattform", "साइट से"): the writer keeps it here.
_PAY6_PLACES = (
    r"(?:platform\w*|plataforma\w*|plateforme\w*|plattform\w*|piattaforma\w*|площадк\w*"
    r"|платформ\w*|бирж\w*|प्लेटफॉर्म|प्लेटफॉर्म|المنصة|منصة|site|sitio|sito|сайт\w*|website"
    r"|portal\w*|साइट|الموقع|situs|escrow|milestones?|hitos?|marcos?|jalons?|meilenstein\w*"
    r"|etap\w*|этап\w*|माइलस्टोन|tool|herramienta|ferramenta|outil|strumento|narz[eę]dzi\w*"
    r"|инструмент\w*|asama\w*|arac\w*)"
)
PAY6_THROUGH_RE = compile_fast(
    r"(?<!\w)(?:through|via|using|with|as|mediante|por|pela|pelo|par|uber|tramite|przez|jako"
    r"|через|как|lewat|melalui|sebagai|gamit|bilang|عبر|من\s+خلال)\s+(?:\S+\s+){0,2}?"
    + _PAY6_PLACES
    + r"(?!\w)|(?<!\w)"
    + _PAY6_PLACES
    + r"\s+(?:\S+\s+)?(?:se|से|uzerinden|araciligiyla|ile)(?!\w)"
)
# An offer or proposal (the platform's "direct offer" feature): "direct" beside it names no place
# off the platform ("send me a direct offer here", "wyślij mi ofertę bezpośrednio tutaj").
PAY6_OFFER_RE = compile_fast(
    r"(?<!\w)(?:offers?|proposals?|ofertas?|oferte?|propuestas?|propostas?|offres?|angebot\w*"
    r"|offert\w*|propost\w*|предложени\w*|ऑफर|عرض\w*|teklif\w*|penawaran|alok)(?!\w)"
)
# The platform or the site itself, as the one who bills or is paid through ("the platform will
# charge you", "te lo cobro a través de la plataforma"); milestones and phases are not it.
PAY6_PLATFORM_RE = compile_fast(
    r"(?<!\w)(?:platform\w*|plataforma\w*|plateforme\w*|plattform\w*|piattaforma\w*|площадк\w*"
    r"|платформ\w*|бирж\w*|प्लेटफॉर्म\w*|प्लेटफॉर्म\w*|المنصة|منصة|site|sitio|sito|сайт\w*"
    r"|web ?site|portal\w*|portale|साइट|الموقع|situs|escrow|marketplace|upwork|fiverr)(?!\w)"
)
# A word putting what follows away from the platform ("hors site", "fuori dal portale", "wag na
# dumaan sa site", "gausah lewat platform"): the platform named then is a place off it.
PAY6_AWAY_RE = compile_fast(
    r"(?<!\w)(?:hors|fuori|outside|off|ausserhalb|außerhalb|poza|вне|мимо|bahar|خارج|برا|بره"
    r"|disinda|dışında|luar|labas|fora|fuera|sin|sem|sans|ohne|senza|bez|без|bina|بدون|بلا|tanpa"
    r"|walang|without|wag|huwag|gausah|gak usah|ga usah|nggak usah|instead of|rather than)(?!\w)"
)


# Every gate of the lexicon, in the shared word index (see ``GateIndex``).
index_gates(list(globals().values()))


# --- round 18: an easier or other way for the other party to get the money -----------------
# "Is there an easier way for you to receive money?", "no hay una forma más sencilla de que te
# llegue la lana?", "Jak Ci najwygodniej dostać kasę?", "ada cara lain ga buat bayar": asked
# as a question (or beside the fee), a way that is easier or other paired with being paid.
EASIER_WAY_FRAGMENTS = (
    r"easier",
    r"simpler",
    r"quicker",
    r"cheaper",
    r"more convenient",
    r"another way",
    r"other way",
    r"different way",
    r"alternative way",
    r"mas (?:sencill[ao]|facil|rapid[ao]|comod[ao]|practic[ao])",
    r"otra (?:forma|manera)",
    r"mais (?:facil|simples|rapido|pratico|comodo)",
    r"outr[ao] (?:forma|jeito|maneira)",
    r"plus (?:simple|facile|rapide|pratique)",
    r"autre (?:moyen|facon|solution)",
    r"einfacher\w*",
    r"unkomplizierter\w*",
    r"bequemer\w*",
    r"anderen? (?:weg|moglichkeit)",
    r"najwygodniej",
    r"wygodniej",
    r"łatwiej",
    r"najłatwiej",
    r"latwiej",
    r"najlatwiej",
    r"prosciej",
    r"inn[ya] (?:sposob|opcj\w*|droga|droge)",
    r"piu (?:semplice|facile|comod[oa]|veloce|pratic[oa])",
    r"altro modo",
    r"проще",
    r"удобнее",
    r"друг\w* способ\w*",
    r"aasaan",
    r"asaan",
    r"dusra (?:tarika|tareeka)",
    r"आसान",
    r"दूसरा तरीका",
    r"اسهل",
    r"اريح",
    r"طريقة (?:تانية|ثانية|اخرى|تانيه)",
    r"daha (?:kolay|rahat|pratik)",
    r"baska (?:bir )?yol\w*",
    r"lebih (?:mudah|gampang|cepat|praktis)",
    r"cara lain",
    r"mas (?:madali|mabilis|okay|ok)",
    r"ibang paraan",
    # round 19: otherwise ("die Zahlung anderweitig abwickeln", "da się jakoś inaczej
    # zapłacić?", "régler autrement", "как-то иначе", "kisi aur tarike se")
    r"anderweitig",
    r"autrement",
    r"inaczej",
    r"иначе",
    r"aur tar(?:ee|i)ke",
    r"بطريقة (?:تانية|ثانية|اخرى|تانيه)",
    r"in un altro modo",
    # round 20: an easier "way" as an adjective with its noun ("prostszy sposób", own_v19)
    r"(?:prostsz|łatwiejsz|latwiejsz|wygodniejsz|szybsz)\w* sposob\w*",
)
EASIER_WAY_RE, EASIER_WAY_GATE = _word_alternation(list(EASIER_WAY_FRAGMENTS))
# a bare verb of receiving ("de vc receber?", "das Honorar zu bekommen?") only right before
# the question mark; with what is received, only money ("receive notifications" is no pay)
_RECEIVED_ASKED = r"(?=\s*\?)"
GET_PAID_FRAGMENTS = (
    r"receive (?:the |your |my )?(?:money|payment|payments|funds|pay)",
    r"get paid",
    r"be paid",
    r"get the money",
    r"(?:to )?receive" + _RECEIVED_ASKED,
    r"pay you",
    r"te llegue",
    r"recibir (?:el |tu )?(?:pago|dinero|plata)",
    r"recibir" + _RECEIVED_ASKED,
    r"cobrar",
    r"pagarte",
    r"receber (?:o )?(?:pagamento|dinheiro|grana|valor)",
    r"receber" + _RECEIVED_ASKED,
    r"te pagar",
    r"etre paye\w*",
    r"te payer",
    r"vous payer",
    r"recevoir (?:le |ton |votre )?(?:paiement|argent|virement)",
    r"recevoir" + _RECEIVED_ASKED,
    r"(?:honorar|geld|zahlung) (?:zu )?(?:bekommen|erhalten)",
    r"(?:zu )?(?:bekommen|erhalten)" + _RECEIVED_ASKED,
    r"bezahlt (?:zu )?werden",
    r"zu bezahlen",
    r"dostac (?:kase|pieniadze|przelew|zaplate|wynagrodzenie)",
    r"(?:dostac|otrzymac)" + _RECEIVED_ASKED,
    r"zapłacic",
    r"zaplacic",
    r"ricevere (?:il )?(?:pagamento|soldi|bonifico)",
    r"ricevere" + _RECEIVED_ASKED,
    r"pagarti",
    r"essere pagat\w*",
    r"получить (?:деньги|оплату|перевод)",
    r"получ\w*" + _RECEIVED_ASKED,
    r"оплатить",
    r"заплатить",
    r"paise (?:lene|bhejne|lu|bhejun|bhej)",
    r"payment (?:lene|lena|bhejne|karne)",
    r"पेमेंट (?:लेने|भेजने|करने)",
    r"पैसे (?:लेने|भेजने)",
    r"تستلم",
    r"استلام",
    r"توصلك",
    r"ادفعلك",
    r"(?:para|odeme\w*) almak",
    r"alman\w*" + _RECEIVED_ASKED,
    r"odemek",
    r"odeme\w*",
    r"bayar\w*",
    r"terima (?:uang|duit|pembayaran)",
    r"nerima" + _RECEIVED_ASKED,
    r"matanggap (?:ng )?(?:bayad|pera)",
    r"matanggap" + _RECEIVED_ASKED,
    r"mabayaran",
    r"magbayad",
    # round 19: the payment itself, handled or made another way ("handle the payment some
    # other way", "¿hacer el pago de otra forma?", "dá pra pagar de outro jeito?")
    r"(?:the )?payment",
    r"pay",
    r"pago",
    r"pagar",
    r"pagamento",
    r"paiement",
    r"regler",
    r"payer",
    r"zahlung",
    r"zahlen",
    r"pagare",
    r"płatnosc\w*",
    r"zapłac\w*",
    r"platnosc\w*",
    r"zaplac\w*",
    r"оплат\w*",
    r"भुगतान",
    r"الدفع",
    r"ادفع",
    r"pembayaran\w*",
    # round 20: the money sent or transferred to the writer, or "it" received, asked
    # ("an easier way for you to receive it?", "prostszy sposób żeby mi przesłać pieniądze?",
    # "طريقة اسهل تحوليلي بيها", own_v19)
    r"(?:to )?receive (?:it|this|that|them)" + _RECEIVED_ASKED,
    r"(?:send|transfer|wire) (?:me )?(?:the )?(?:money|funds|payment)",
    r"(?:przesłać|przeslac|przelać|przelac|wysłać|wyslac) (?:mi |ci )?(?:pieniądze|pieniadze"
    r"|kasę|kase|przelew)",
    r"تحوليلي|تحوللي|تحول لي|تحولي لي|تحولي",
)
GET_PAID_RE, GET_PAID_GATE = _word_alternation(list(GET_PAID_FRAGMENTS))
