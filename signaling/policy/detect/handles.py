"""Messaging handles: Skype live: ids, Discord tags, identifiers after an app name ("Telegram
@x", "on Signal my username is x", also after an app named only to be rejected), @handles
next to an app name or a "DM me" cue."""

from __future__ import annotations

import bisect
import re

from signaling.policy.detect import lexicon as lx
from signaling.policy.detect.model import Confidence, Finding, Spans, Views
from signaling.policy.detect.regex_opt import finditer_at, positions
from signaling.policy.detect.text import View

# Round 31: the writer added on an app whose name is also a word: "add me on", "add mo ko sa"
# right before it, or "add" before it and a first-person word right after it ("add line aku
# aja ya: kakbella_les", "tambahin line aku"); not "add line item_total to the table"
_ADD_ON_BEFORE = re.compile(
    r"(?<!\w)(?:(?:add|follow) me on|add mo (?:ko|ako) sa|(?P<bare>add|tambahin|tambahkan))\s+$"
)
_ME_AFTER = re.compile(r"\s+(?:aku|ako|ko|me|saya|ku)(?!\w)")


def _added_on(s: str, start: int, end: int) -> bool:
    """The app name ``s[start:end]`` is where the writer is to be added (see ``_ADD_ON_BEFORE``)."""
    add = _ADD_ON_BEFORE.search(s, max(0, start - 16), start)
    if add is None:
        return False
    return add.group("bare") is None or _ME_AFTER.match(s, end) is not None


def find_handles(views: Views, taken: Spans, *, spoken: bool = True) -> list[Finding]:
    out: list[Finding] = []
    nv = views.norm
    s = nv.s

    def add(a: int, b: int, value: str, confidence: float) -> None:
        start, end = nv.span(a, b)
        if taken.covers(start, end):
            return
        out.append(Finding("handle", start, end, views.text[start:end], value, confidence))

    if "live:" in s:
        for m in lx.SKYPE_LIVE_RE.finditer(s):
            value = m.group().removeprefix("skype:").rstrip(".-_")
            add(
                m.start(),
                m.start() + len(m.group().rstrip(".-_")),
                "skype:" + value,
                Confidence.HANDLE_SKYPE_LIVE,
            )
    if "#" in s and ("discord" in s or "дискорд" in s):
        for m in lx.DISCORD_TAG_RE.finditer(s):
            add(
                m.start(),
                m.end(),
                f"discord:{m.group('name')}#{m.group('tag')}",
                Confidence.HANDLE_DISCORD_TAG,
            )
    channel_hits = (
        lx.channel_matches(s, views.words) if lx.CHANNEL_GATE.may_match(s, views.words) else []
    )
    at_done: set[int] = set()
    naming = (
        list(lx.HANDLE_NAMING_RE.finditer(s))
        if channel_hits and not lx.HANDLE_NAMING_GATE.isdisjoint(views.words)
        else []
    )
    for k, ch in enumerate(channel_hits):
        name = ch.group("ch")
        weak = name in lx.WEAK_CHANNELS or name.startswith(lx.WEAK_CHANNEL_PREFIXES)
        found = _identifier_after(s, ch.end(), weak=weak)
        if found is None and weak and _added_on(s, ch.start(), ch.end()):
            # the app added on, with a username-shaped identifier after it
            found = _identifier_after(s, ch.end(), weak=False)
            if found is not None and not _SHAPED_RE.search(found[2]):
                found = None
        if found is None and not lx.STRICT_ID_WORDS.isdisjoint(views.words):
            # "Instagram'da buluşalım, kullanıcı adım zeynep.cizer", "इंस्टा पर मेरा हैंडल है
            # kavya.art": a username word a few words after the app names the identifier.
            # Not past the next app named ("no WhatsApp; on Instagram my username is x").
            stop = next((c.start() for c in channel_hits if c.start() > ch.end()), len(s))
            for word in _ID_WORD_RE.finditer(s, ch.end(), min(stop, ch.end() + 80)):
                if word.group() in lx.STRICT_ID_WORDS:
                    found = _identifier_after(s, word.start(), weak=False, strict=True)
                    if (
                        found is not None
                        and not _SHAPED_RE.search(found[2])
                        and not _own_username_is(s, word, found[0])
                    ):
                        # "the Instagram API returns the username field"; but the writer's
                        # own ("on discord tbh … my username is pixelfern") is theirs
                        found = None
                    break
            if found is None:
                before = lx.ID_BEFORE_WORD_RE.search(s, ch.end(), min(stop, ch.end() + 80))
                if before is not None and lx.PRODUCT_RE.search(s) is None:
                    found = before.start("id"), before.end("id"), before.group("id")
        if found is None and naming:
            nxt = channel_hits[k + 1].start() if k + 1 < len(channel_hits) else len(s)
            found = _named_after(views, ch, min(nxt, ch.end() + 60), naming)
        if found is None:
            found = _spelled_after(s, ch.end())
        if found is None:
            found = _labelled_at_handle(s, ch.end()) or _introduced_at_handle(s, ch.end())
        if found is not None:
            a, b, ident = found
            if ident.startswith("@"):
                at_done.add(a)
            add(a, b, f"{_channel_key(name)}:{ident}", Confidence.HANDLE_AFTER_APP)
            continue
        # "@noraphoto on Telegram": an @handle just before the channel name, joined to it by
        # nothing but connectors ("@here like Slack does" is a mention, not a contact).
        window_start = max(0, ch.start() - 30)
        for m in lx.AT_HANDLE_RE.finditer(s, window_start, ch.start()):
            between = re.findall(r"[^\W\d_]+", s[m.end() : ch.start()])
            if any(w not in lx.PRE_CHANNEL_CONNECTORS for w in between):
                continue
            if _valid_at_handle(s, m) and m.start() not in at_done:
                at_done.add(m.start())
                add(
                    m.start(),
                    m.end(),
                    f"{_channel_key(name)}:@{m.group('name')}",
                    Confidence.HANDLE_BEFORE_APP,
                )
    # An app named by colour, logo or function ("on the green app, user: x.rey"): the
    # identifier right after it, named by a username word or shaped like one.
    apps = _app_euphemisms(s, views.words)
    for app in apps:
        found = _identifier_after(s, app.end(), weak=False, strict=True)
        if found is None:
            # "... the paper plane app, the username there: omar_k": a username word later on.
            for word in _WORD_RE.finditer(s, app.end(), app.end() + 80):
                if word.group() in lx.STRICT_ID_WORDS:
                    found = _identifier_after(s, word.start(), weak=False, strict=True)
                    break
        if found is not None:
            a, b, ident = found
            if ident.startswith("@"):
                at_done.add(a)
            add(a, b, f"app:{ident}", Confidence.HANDLE_AFTER_APP)
    if "@ " in s:
        # round 18: an "@" then a handle typed apart ("insta : @ nina . illustre", "tg: @ b u r
        # a k _ d e v") after an app, a DM cue or an app's euphemism
        for at in positions(s, ("@ ",)):
            if at in at_done or taken.covers(*nv.span(at, at + 1)):
                continue  # the "@" of an address ("j . r . w @ p r o t o n . m e")
            spaced = _spaced_handle(s, at + 1)
            if spaced is None:
                continue
            end, handle = spaced
            named: re.Match[str] | None = None
            for hit in channel_hits:
                if hit.end() <= at and at - hit.end() <= _SPACED_AT_REACH:
                    named = hit
                    break
            if named is not None:
                key = _channel_key(named.group("ch"))
            elif lx.DM_CUE_RE.search(s, max(0, at - 60), end + 60) is None:
                continue
            else:
                key = "dm"
            at_done.add(at)
            add(at, end, f"{key}:@{handle}", Confidence.HANDLE_AFTER_APP)
    if "@" in s:
        for m in finditer_at(lx.AT_HANDLE_RE, s, positions(s, "@")):
            if m.start() in at_done or not _valid_at_handle(s, m):
                continue
            window = s[max(0, m.start() - 60) : m.end() + 60]
            if lx.DM_CUE_RE.search(window):
                add(m.start(), m.end(), "@" + m.group("name"), Confidence.HANDLE_DM_CUE)
            elif _near_app(s, m, apps):
                # "find me on the blue bird app, @x": an @handle near an app euphemism.
                add(m.start(), m.end(), "app:@" + m.group("name"), Confidence.HANDLE_NEAR_APP)
    if spoken:
        places = [ch.start() for ch in channel_hits] + [app.start() for app in apps]
        out.extend(_spoken_handles(views, taken, out, places))
    return out


# The symbols a spoken word was rewritten to in the deobfuscated view: its "@" glued to the
# word before ("soy@pao") and its dots (sentinels). A weak "@" ("at", also an everyday word)
# stays as it is.
# An "@" glued to the word before it ("soy@pao"): what comes before it and after it.
_GLUED_BEFORE, _GLUED_AFTER = "[^\\s@\\ue000]", "[a-z0-9_]"
_SPOKEN_REWRITES = re.compile(
    "[\\ue001\\ue002]|(?<=" + _GLUED_BEFORE + ")@(?=" + _GLUED_AFTER + ")"
)


# Round 33: the app, a few words of whose it is, a colon, then an @handle ("Telegram da minha
# assistente: @bia_assist", "Instagram of our studio: @x")
_LABEL_TO_AT = re.compile(r"[^.!?\n@:]{1,40}:\s*(?=@)")


def _labelled_at_handle(s: str, end: int) -> tuple[int, int, str] | None:
    label = _LABEL_TO_AT.match(s, end)
    if label is None or _NOT_A_CONTACT_LABEL.search(label.group()) is not None:
        return None  # "Telegram bot name we registered: @acme_bot", "reference account: @x"
    found = _at_handle_at(s, label.end())
    if found is None or _AT_LIST_NEXT.match(s, found[1]) is not None:
        return None  # "Instagram mentions: @nike, @adidas and @puma": accounts listed
    return found


# Round 33: the writer introduced by an @handle later in the app's sentence ("Escribime por
# Telegram que acá no me llegan las notificaciones, estoy como @fedesosa_dev")
_AS_ME_BEFORE = re.compile(
    r"(?<!\w)(?:estoy como|aparezco como|soy|i'?m|i am|me as|je suis|ich bin|sono|jestem"
    r"|я там|ben|aku|saya|ako si|ako ay|sou|estou como)\s*$"
)
_INTRODUCED_REACH = 100


def _introduced_at_handle(s: str, end: int) -> tuple[int, int, str] | None:
    stop = _SENTENCE_STOP.search(s, end, end + _INTRODUCED_REACH)
    limit = stop.start() if stop is not None else min(len(s), end + _INTRODUCED_REACH)
    at = s.find("@", end, limit)
    if at < 0 or _AS_ME_BEFORE.search(s, max(end, at - 20), at) is None:
        return None
    return _at_handle_at(s, at)


def _at_handle_at(s: str, at: int) -> tuple[int, int, str] | None:
    """A valid @handle starting right at ``at``."""
    m = lx.AT_HANDLE_RE.match(s, at)
    if m is None or not _valid_at_handle(s, m):
        return None
    return m.start(), m.end(), "@" + m.group("name")


_SENTENCE_STOP = re.compile(r"[!?\n]|\.(?:\s|$)")
_NOT_A_CONTACT_LABEL = re.compile(
    r"bot|referen|competitor|concorren|competen|konkuren|конкурент|mood|inspira|example|ejemplo"
    r"|exemplo|exemple|beispiel|esempio|przyk|пример|örnek|ornek|contoh|halimbawa|tag|mention"
)
_AT_LIST_NEXT = re.compile(r"\s*(?:[,;/&]|\w{1,3}\s)\s*@")


def _as_typed(m: re.Match[str]) -> str:
    return "." if m.group() in (lx.WEAK_DOT, lx.WORD_DOT) else " @"


def _spoken_handles(
    views: Views, taken: Spans, found: list[Finding], places: list[int]
) -> list[Finding]:
    """Handles whose symbols were said as words ("en insta soy arroba pao guion bajo
    modela3d", "discord: arjun underscore renders", "skype live doppelpunkt tobi punkt cuts"):
    the handle rules read again on the deobfuscated view, with its spoken symbols typed. Only a
    handle that needed a spoken symbol is new; one found on the typed text is not repeated.
    ``places``: where the first reading found an app or an app's euphemism (norm indices)."""
    norm, deob = views.norm, views.deob
    if not places and "@" not in deob.s:
        return []  # no app, no euphemism, no "@" for a DM cue: nothing to name a handle
    lives = (
        [m.start() for m in lx.SPOKEN_LIVE_COLON_RE.finditer(deob.s)] if "live" in norm.s else []
    )
    if deob.s == norm.s and not lives:
        return []
    compact = _near_rewrites(views, places, lives)
    if compact is None:
        return []
    typed = compact.sub(_SPOKEN_REWRITES, _as_typed)
    if lives:
        typed = typed.sub(lx.SPOKEN_LIVE_COLON_RE, lambda m: "live:")
    again = Views(views.text, typed, deob, views.digits, lx.word_pieces(typed.s))
    new: list[Finding] = []
    for f in find_handles(again, taken, spoken=False):
        if any(g.start < f.end and f.start < g.end for g in found):
            continue
        if taken.covers(f.start, f.start + 1) or taken.covers(f.end - 1, f.end):
            continue  # part of an address ("reach me at j . r . w @ p r o t o n . m e")
        ident = f.value.split(":", 1)[-1].lstrip("@")
        if ident in norm.s[norm.first_at(f.start) : norm.first_at(f.end)]:
            continue  # typed as it is ("nom et prénom"): no spoken symbol in it
        new.append(f)
    return new


# The spoken pass reads only the text around a spoken symbol of the deobfuscated view (a
# rewrite other than a bare "at", an "@" glued to a word, a Skype "live" with a spoken colon)
# that has an app, an app's euphemism or, for an "@", a DM cue near it: a long message is not
# read twice whole. ``_SPOKEN_NEAR`` characters between the symbol and what names the place,
# ``_SPOKEN_WINDOW`` kept on each side.
_SPOKEN_NEAR = 120
_SPOKEN_WINDOW = 160
_DM_TRIES = 8
# Any run of characters. "." with DOTALL is the same set as "[\s\S]", and ``re`` matches a
# run of it by jumping to the end of the range instead of testing each character (a gap of
# 10,000 characters: about 0.3 us instead of 120 us).
_ANY_RE = re.compile(r".+", re.DOTALL)
_GLUED_AT_RE = re.compile(_GLUED_BEFORE + "@" + _GLUED_AFTER)  # matched at the one before


def _near_rewrites(views: Views, places: list[int], lives: list[int]) -> View | None:
    """The deobfuscated view cut down to windows around its spoken symbols that have a place
    named near them, the text between windows replaced by a paragraph break; None when none
    has."""
    norm, deob = views.norm, views.deob
    d = deob.s
    spots = [
        deob.ostart[k]
        for k, end in enumerate(deob.oend)
        if end >= 0 and d[deob.vpos[k]] != lx.WEAK_AT  # a bare "at" stays as it is
    ]
    ats: list[int] = []  # view indices of a spoken "@" or one glued to the word before
    if "@" in d:
        ats = [
            deob.vpos[k] for k, end in enumerate(deob.oend) if end >= 0 and d[deob.vpos[k]] == "@"
        ]
        at = d.find("@")
        while at >= 0:
            if at > 0 and _GLUED_AT_RE.match(d, at - 1) is not None:
                ats.append(at)
            at = d.find("@", at + 1)
        del ats[_DM_TRIES:]
    spots += [deob.orig_start(i) for i in ats] + [deob.orig_start(i) for i in lives]
    near = [norm.orig_start(i) for i in places]
    for i in ats:  # a DM cue near a spoken or glued "@" ("dm me, soy arroba pao")
        at = norm.first_at(deob.orig_start(i))
        cue = lx.DM_CUE_RE.search(norm.s, max(0, at - _SPOKEN_NEAR), at + _SPOKEN_NEAR)
        if cue is not None:
            near.append(norm.orig_start(cue.start()))
    if not near or not spots:
        return None
    near.sort()
    windows: list[tuple[int, int]] = []
    for spot in sorted(spots):
        j = bisect.bisect_left(near, spot - _SPOKEN_NEAR)
        if j == len(near) or near[j] > spot + _SPOKEN_NEAR:
            continue
        lo = deob.first_at(max(0, spot - _SPOKEN_WINDOW))
        hi = deob.first_at(spot + _SPOKEN_WINDOW)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], hi))
        else:
            windows.append((lo, hi))
    if not windows:
        return None
    gaps: list[re.Match[str]] = []
    pos = 0
    for lo, hi in [*windows, (len(d), len(d))]:
        if lo > pos:
            gap = _ANY_RE.match(d, pos, lo)
            if gap is not None:
                gaps.append(gap)
        pos = max(pos, hi)
    return deob.sub(_ANY_RE, lambda m: "\n\n", gaps) if gaps else deob


_SENTENCE_END_RE = re.compile(r"[.!?;\n]")

# How far after an app's name an "@" typed apart may come ("tg: @ b u r a k")
_SPACED_AT_REACH = 40
_SPACED_TOKEN = re.compile(r"[ \t]*([^\s]+)")
_TIME_OR_VERSION = re.compile(r"v?\d+(?:[.:]\d+)+(?:am|pm|h)?|\d+(?:am|pm|h)")
_SPACED_PIECE = re.compile(r"[a-z0-9._]+")


def _spaced_handle(s: str, i: int) -> tuple[int, str] | None:
    """The handle typed apart after an "@" at ``i - 1``: words joined by a spaced "." or "_"
    ("nina . illustre"), single letters spaced out ("r a y a n _ d e v"), or one dotted word
    after the space ("@ laras.ilustrasi"); its end and the handle, or None when what follows
    is not shaped like a handle (a plain word: "@ the office", "@ 5 pm")."""
    pieces: list[str] = []
    end = i
    joined = False
    limit = min(len(s), i + 80)
    while end < limit:
        tok = _SPACED_TOKEN.match(s, end, limit)  # the next token on this line, no gap skipped
        if tok is None:
            break
        word = tok.group(1)
        core = word.rstrip(",;:!?)")
        if not core or _SPACED_PIECE.fullmatch(core) is None:
            break
        if pieces:
            last = pieces[-1]
            joiner = core[0] in "._" or last[-1] in "._"
            singles = len(core) == 1 and len(last) == 1
            if not (joiner or singles):
                break
            joined = True
        pieces.append(core)
        end = tok.start(1) + len(core)
        if core != word:
            break  # "bakes," ends it
    handle = "".join(pieces).strip("._")
    if not joined and _TIME_OR_VERSION.fullmatch(handle):
        return None  # "Instagram post @ 7.30pm", "bot update @ v2.3"
    shaped = joined or any(c in handle for c in "._") or any(c.isdigit() for c in handle)
    if len(handle) < 3 or not shaped or not any(c.isalpha() for c in handle):
        return None
    return end, handle


def _named_after(
    views: Views, ch: re.Match[str], stop: int, naming: list[re.Match[str]]
) -> tuple[int, int, str] | None:
    """A name given after an app with a naming phrase ("snap: I go by juniperfox", "en Discord
    me llamo nachovega"), starting before ``stop`` (the next app named, or 60 characters on):
    one word typed in lowercase, as usernames are, ending the sentence."""
    i = bisect.bisect_left(naming, ch.end(), key=lambda m: m.start())
    if i == len(naming) or naming[i].start() >= stop:
        return None
    m = naming[i]
    if _SENTENCE_END_RE.search(views.norm.s, ch.end(), m.start()):
        return None  # "On Slack the bot replies fine. I go by kate.": the app is elsewhere
    ident = m.group("id")
    if ident in lx.SAME_AS_HERE or ident in lx.EMAIL_STOP_LOCALS:
        return None
    start, end = views.norm.span(m.start("id"), m.end("id"))
    typed = views.text[start:end]
    if not typed.islower():
        return None  # "en Discord me llamo Nacho": a first name, not a username
    return m.start("id"), m.end("id"), ident


def _app_euphemisms(s: str, words: frozenset[str]) -> list[re.Match[str]]:
    """App euphemisms near something that could be an identifier ("@", "_", a dotted token,
    a username word): searched only in windows around those, not over a whole long message."""
    if not lx.APP_LOOKS_GATE.may_match(s, words):
        return []
    spots = [m.start() for m in _ID_HINT_RE.finditer(s)] if ("@" in s or "_" in s) else []
    spots += [m.start() for m in _DOTTED.finditer(s)]
    for word in lx.STRICT_ID_WORDS.intersection(words):
        i = s.find(word)
        while i >= 0:
            spots.append(i)
            i = s.find(word, i + 1)
    if not spots:
        return []
    spots.sort()
    windows: list[list[int]] = []
    for spot in spots:
        lo, hi = max(0, spot - 200), spot + 80
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = hi  # overlapping windows are searched as one
        else:
            windows.append([lo, hi])
    return [m for lo, hi in windows for m in lx.APP_EUPHEMISM_RE.finditer(s, lo, hi)]


_ID_HINT_RE = re.compile(r"[@_]")
_PLACEHOLDER_HANDLES = frozenset({"mention", "mentions", "username", "handle", "user", "name"})


def _near_app(s: str, m: re.Match[str], apps: list[re.Match[str]]) -> bool:
    """An @handle within 60 characters of an app euphemism, outside product talk (the words
    around it, not counting the euphemism, which may name an icon)."""
    if m.group("name") in _PLACEHOLDER_HANDLES:
        return False
    for app in apps:
        if app.end() < m.start() - 60 or app.start() > m.end() + 60:
            continue
        lo, hi = max(0, min(app.start(), m.start()) - 40), max(app.end(), m.end()) + 40
        rest = s[lo : app.start()] + " " + s[app.end() : hi]
        if lx.PRODUCT_RE.search(rest) is None and lx.COMM_PROJECT_NEG_RE.search(rest) is None:
            return True
    return False


_WORD_RE = re.compile(r"[^\W\d_]+")
_SHAPED_RE = re.compile(r"[@._0-9]")
_USERNAME_WORDS = frozenset(
    "username usernames user nick nickname handle usuario usuário utilisateur pseudo ник логин"
    " benutzername nazwa kullanici yuzernem".split()
)
_IS_RIGHT_AFTER = re.compile(r"\s*(?:is|es|est|ist|e|hai|это|c'est|:)?\s*[:\-]?\s*")


def _own_username_is(s: str, word: re.Match[str], at: int) -> bool:
    """ "my username is pixelfern": the writer's own username word, the identifier right after
    it (a verb "is" or a colon between at most) — a plain word is then the name."""
    return (
        word.group() in _USERNAME_WORDS
        and _MY_BEFORE.search(s, max(0, word.start() - 12), word.start()) is not None
        and _IS_RIGHT_AFTER.fullmatch(s, word.end(), at) is not None
    )


_MY_BEFORE = re.compile(
    r"(?<!\w)(?:my|mi|mon|ma|mein|meine|meinen|mio|mia|moj|moja|moje|мой|моя|mera|meri|benim"
    r"|meu|minha|saya|aku|ko|ku)\s+$"
)
_ID_WORD_RE = re.compile(r"(?:[^\W\d_]|[\u0900-\u097f])+")  # Devanagari signs are not \w
_TLDS = lx.COMMON_TLDS
# Words that name the identifier as a name ("my name there is x", "nombre", "imię").
_NAME_WORDS = frozenset(
    w for label in lx.NAME_LABEL_WORDS for w in label.split() if w not in {"first", "last", "user"}
)
_DOTTED = re.compile(r"[a-z0-9]\.[a-z]")


# Round 24: an identifier spelled out letter by letter right after an app ("mon discord
# c'est l e o p h i x", "тг: v a s y a подчеркивание m o n t a z h"): single letters and
# digits one space apart, maybe with "_", "." or a spoken underscore or dot between. Nobody
# spells an everyday word so; a plain name counts.
def _spoken_alt(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SPELLED_UNDERSCORE = r"\s+(?:_|" + _spoken_alt(lx.UNDERSCORE_WORDS) + r")\s+"
_SPELLED_DOT = r"\s+(?:\.|" + _spoken_alt(lx.SPOKEN_DOT_WORDS) + r")\s+"
_SPELLED_AFTER_RE = re.compile(
    r"\s*(?:[:=\-–]\s*)?(?:(?:c'est|is|es|e|est|ist|это|hai|ni|po|ko)\s+){0,2}"
    r"(?P<id>[a-z0-9](?:(?:" + _SPELLED_UNDERSCORE + "|" + _SPELLED_DOT + r"|\s)[a-z0-9]){3,40})"
    r"(?![\w.@])"
)
_SPELLED_UNDERSCORE_RE = re.compile(_SPELLED_UNDERSCORE)
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_SPELLED_DOT_RE = re.compile(_SPELLED_DOT)


def _spelled_after(s: str, pos: int) -> tuple[int, int, str] | None:
    m = _SPELLED_AFTER_RE.match(s, pos, min(len(s), pos + 200))
    if m is None:
        return None
    spelled = m.group("id")
    singles = sum(1 for piece in spelled.split() if len(piece) == 1 and piece.isalnum())
    ident = _SPELLED_DOT_RE.sub(".", _SPELLED_UNDERSCORE_RE.sub("_", spelled)).replace(" ", "")
    letters = "".join(c for c in ident if c.isalpha())
    if singles < 5 or len(letters) < 3 or letters in _ALPHABET:
        return None  # "line: a b c d e", "ig: 1 2 3 4 5": a list or a number, no name
    return m.start("id"), m.end("id"), ident


def _channel_key(name: str) -> str:
    name = name.replace(" ", "")
    if name.startswith(("dyskord", "diskord", "diskort")):
        return "discord"  # Polish and Turkish spellings ("dyskord:", "diskorttan ekle")
    aliases = {
        "insta": "instagram",
        "ig": "instagram",
        "tg": "telegram",
        "tele": "telegram",
        "x": "twitter",
    }
    return aliases.get(name, name)


def _valid_at_handle(s: str, m: re.Match[str]) -> bool:
    after = s[m.end() : m.end() + 1]
    if after and lx.AT_HANDLE_AFTER_BAD.match(after):
        return False
    name = m.group("name")
    return len(name) >= 3 and not name.isdigit() and name not in lx.BROADCAST_MENTIONS


def _identifier_after(
    s: str, pos: int, *, weak: bool, strict: bool = False
) -> tuple[int, int, str] | None:
    """The identifier a channel name introduces ("Telegram @x", "WeChat ID is x").

    ``strict`` (after an app euphemism): a plain word counts only after a username word
    that names it outright ("usuario", "username"), not after "name"."""
    window = s[pos : pos + 60]
    explicit = False
    introduced = False  # "I'm", "soy", "als": the writer's own name follows
    fillers = 0  # plain words skipped ("Skype though: x.y", "Viber yes, my name there is x")
    marked = False  # after fillers, a colon or a name word must point at the identifier
    colon = window.lstrip(" ").startswith(":")  # "FB: juan.cruz" names the id outright
    for i, tok in enumerate(lx.HANDLE_TOKEN_RE.finditer(window)):
        if i >= 6:
            return None
        raw = tok.group()
        if i == 0 and raw[0] in "'’" and tok.start() == 0:
            continue  # a suffix glued to the app name: Turkish "Instagram'dan", "Telegram'da"
        word = raw.strip(".,:;'’-")
        if raw.endswith(":") or word in _NAME_WORDS:
            marked = True  # "Skype though: x", "my name there is x"
        if word in lx.SPOKEN_AT_WORDS:
            marked = True  # "no Telegram é arroba rafa_x", "sur Telegram je suis arobase x"
            continue
        if word in lx.HANDLE_SEARCH_WORDS and fillers < 2:
            marked = True  # "Telegram cari aja @x", "sur Telegram, cherche juste 'x'"
            fillers += 1
            continue
        if word in lx.HANDLE_ID_WORDS or raw in lx.HANDLE_ID_WORDS:
            explicit = explicit or not strict or word in lx.STRICT_ID_WORDS
            continue
        if word in lx.SELF_WORDS:
            introduced = True
        if not word or word in lx.HANDLE_CONNECTORS or raw in lx.HANDLE_CONNECTORS:
            continue
        if lx.MOVE_CUE_RE.fullmatch(word) or lx.DM_CUE_RE.fullmatch(word):
            continue  # "Instagram'dan yaz: @x", "Telegram, write me: @x"
        if introduced and word in lx.SELF_WORDS:
            continue
        if explicit and not word.isascii() and fillers < 2:
            fillers += 1  # "اليوزر تبعي lama_art", "ник там olya.photo": no identifier
            continue  # is written in those scripts' letters here
        shaped = any(c in word for c in "._0123456789")
        if word.startswith("@"):
            ident = word
        else:
            ident = word
            if (
                not shaped
                and not explicit
                and not strict
                and fillers < 2
                and len(word) <= 6
                and word.isalpha()
                and raw[-1] not in ".?!"
                and lx.COMM_PROJECT_NEG_RE.search(word) is None
            ):
                if introduced and weak and not marked:
                    # "aku pegang api.client", "I'm using api.client": a verb after "I",
                    # not a name; fillers stand before the self-introduction ("lá eu sou o x")
                    return None
                fillers += 1
                marked = marked or raw.endswith(":")
                continue
            if weak and not explicit and not ((colon or introduced or marked) and shaped):
                return None
            if not explicit and not shaped:
                return None
            ending = ident.rsplit(".", 1)[-1] if "." in ident else ""
            if not explicit and (ending in lx.FILE_EXTENSIONS or (fillers and ending in _TLDS)):
                return None  # a file, or a host after other words ("discord.py", "x.com")
        if fillers and not (explicit or introduced or marked):
            return None  # "the Instagram feed shows @nike": words, not a pointer, before it
        real_name = lx.FULL_NAME_RE.search(window, 0, tok.end())
        if real_name is not None and not shaped and not ident.startswith("@"):
            return None  # "by my full name, same as here": the writer's real name, no handle
        m = lx.HANDLE_ID_RE.fullmatch(ident)
        body = ident.lstrip("@")
        if m is None or sum(c.isalpha() for c in body) < 2 or "@" in body:
            return None  # "v2.3" is a version
        if len(body) < 3 or body in lx.EMAIL_STOP_LOCALS:
            return None
        if strict and body in lx.SAME_AS_HERE:
            return None  # "same username as here"
        a = pos + tok.start() + raw.find(word)
        return a, a + len(word), ident
    return None
