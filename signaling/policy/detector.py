"""Contact-information detector: finds emails, phones, handles, meeting and file links, and
requests to move off the platform, in one chat message.

The detector is a pure function of the text. It works on index-preserving views of the message
(see ``_text``): a normalised view (NFKC, lowercase, look-alikes folded, accents stripped), a
de-obfuscated view for emails and links ("name at gmail dot com", "[at]", spaced letters) and a
digit view for phones (digit words in several languages turned into digits). Phone numbers are
validated with ``phonenumbers`` and hosts are split with ``tldextract`` using its bundled public
suffix list, never the network.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import phonenumbers
import tldextract

from signaling.policy import _lexicon as lx
from signaling.policy._text import View, normalize, strip_accents

logger = logging.getLogger(__name__)

LABELS: tuple[str, ...] = (
    "email",
    "phone",
    "handle",
    "meeting_link",
    "file_share",
    "off_platform",
)


@dataclass(frozen=True)
class Finding:
    """One detected piece of contact information.

    ``start``/``end`` index the original message; ``text`` is ``message[start:end]``; ``value``
    is the normalised identifier (E.164 phone, lowercased email, canonical URL or handle, or a
    short description such as ``"pay:paypal"`` for off-platform requests).
    """

    label: str
    start: int
    end: int
    text: str
    value: str
    confidence: float

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise ValueError(f"unknown label {self.label!r}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside [0, 1]")


@dataclass(frozen=True, slots=True)
class _Url:
    start: int
    end: int
    host: str
    subdomain: str
    registered: str
    path: str
    query: str
    canonical: str


@dataclass(frozen=True, slots=True)
class _Views:
    text: str
    norm: View  # lowercase NFKC, accents stripped (same indices as the normalised text)
    deob: View  # obfuscations rewritten, for emails and links
    digits: View  # digit words turned into digits, for phones


def canonical_url(url: str) -> str:
    """Canonical form used to compare links: lowercase host without ``www.``, path, no scheme,
    query or fragment, no trailing slash."""
    raw = url.strip()
    if "://" not in raw:
        raw = "http://" + raw
    parts = urlsplit(raw)
    host = (parts.hostname or "").lower()
    host = host.removeprefix("www.")
    path = parts.path.rstrip("/")
    return host + path


class Detector:
    """Holds the offline public-suffix extractor; :meth:`scan` is a pure function of its input."""

    def __init__(self) -> None:
        # Offline: the bundled public suffix snapshot, no cache directory, no HTTP fetch.
        self._tld = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    def scan(self, text: str, *, exempt_urls: Collection[str] = ()) -> list[Finding]:
        """Return the findings in ``text`` sorted by position.

        ``exempt_urls`` are links the platform generated itself (its own Zoom meetings, say):
        a link finding whose canonical URL equals one of them is dropped.
        """
        if not text or not text.strip():
            return []
        views = _build_views(text)
        findings: list[Finding] = []
        urls = self._urls(views)
        emails = self._emails(views)
        findings.extend(emails)
        email_spans = [(f.start, f.end) for f in emails]
        urls = [u for u in urls if not _inside_any(u.start, u.end, email_spans)]
        link_findings = self._classify_urls(views, urls)
        findings.extend(link_findings)
        taken = email_spans + [(u.start, u.end) for u in urls]
        findings.extend(_handles(views, email_spans + [(f.start, f.end) for f in link_findings]))
        findings.extend(_phones(views, taken))
        findings.extend(_meeting_requests(views, urls))
        findings.extend(_off_platform(views, findings))
        if exempt_urls:
            exempt = {canonical_url(u) for u in exempt_urls}
            findings = [f for f in findings if f.value not in exempt]
        return _dedupe(findings)

    # --- links ----------------------------------------------------------------------------

    def _urls(self, views: _Views) -> list[_Url]:
        out: list[_Url] = []
        s = views.deob.s
        if "." not in s and lx.WORD_DOT not in s:
            return out
        for m in lx.URL_RE.finditer(s):
            host = m.group("host").replace(lx.WORD_DOT, ".")
            path_full = (m.group("path") or "").rstrip(lx.URL_TRAILING)
            end = m.start("path") + len(path_full) if m.group("path") else m.end("host")
            ext = self._tld(host)
            if not ext.suffix or not ext.domain:
                continue
            registered = f"{ext.domain}.{ext.suffix}"
            if registered in lx.PLACEHOLDER_DOMAINS:
                continue
            start, stop = views.deob.span(m.start(), end)
            if path_full:
                # Paths are case-sensitive (file ids): take them from the original text.
                path_start = views.deob.orig_start(m.start("path"))
                original_path = views.text[path_start:stop]
                if original_path.lower() == path_full:
                    path_full = original_path
            split = urlsplit("http://" + host + path_full)
            canonical = canonical_url(host + path_full)
            out.append(
                _Url(
                    start,
                    stop,
                    host.removeprefix("www."),
                    ext.subdomain.removeprefix("www").strip("."),
                    registered,
                    split.path,
                    split.query,
                    canonical,
                )
            )
        return out

    def _classify_urls(self, views: _Views, urls: Iterable[_Url]) -> list[Finding]:
        out: list[Finding] = []
        for u in urls:
            label = _link_label(u)
            if label is None:
                continue
            text = views.text[u.start : u.end]
            if label == "handle":
                out.append(Finding("handle", u.start, u.end, text, u.canonical, 0.95))
                phone = _phone_from_whatsapp(u)
                if phone is not None:
                    out.append(Finding("phone", u.start, u.end, text, phone, 0.95))
            else:
                out.append(Finding(label, u.start, u.end, text, u.canonical, 0.95))
        return out

    # --- emails ---------------------------------------------------------------------------

    def _emails(self, views: _Views) -> list[Finding]:
        out: list[Finding] = []
        dv = views.deob
        s = dv.s
        pos = 0
        while "@" in s or lx.WEAK_AT in s:
            m = lx.EMAIL_RE.search(s, pos)
            if m is None:
                break
            # A rejected candidate must not swallow the address after it: "email me at
            # dana@x.com" first matches "me <at> dana" (rejected), then must retry right after
            # that "at", not after the whole candidate.
            pos = m.start("at") + 1
            local = m.group("local")
            domain = m.group("domain")
            weak_at = m.group("at") == lx.WEAK_AT
            if weak_at and (s.startswith("/", m.end()) or "@" in s[m.end() : m.end() + 1]):
                continue  # "the brief at docs.google.com/d/x" is a link, not an address
            clean_domain = domain.replace(lx.WEAK_DOT, ".").replace(lx.WORD_DOT, ".")
            ext = self._tld(clean_domain)
            if not ext.suffix or not ext.domain:
                continue
            registered = f"{ext.domain}.{ext.suffix}"
            if registered in lx.PLACEHOLDER_DOMAINS or ext.suffix in lx.PLACEHOLDER_SUFFIXES:
                continue
            # Keep only the registrable part plus real subdomains (drop trailing words).
            clean_local = local.replace(lx.WEAK_DOT, ".").replace(lx.WORD_DOT, ".")
            weak_dot = lx.WEAK_DOT in m.group()
            word_dot = lx.WORD_DOT in m.group()
            if (weak_at or weak_dot) and not _spoken_email_ok(
                clean_local, ext.domain, word_dot, s[max(0, m.start() - 60) : m.start()]
            ):
                continue
            pos = m.end()
            start, end = dv.span(m.start(), m.end())
            obfuscated = (
                weak_at
                or weak_dot
                or word_dot
                or views.text[start:end] != (f"{clean_local}@{clean_domain}")
            )
            out.append(
                Finding(
                    "email",
                    start,
                    end,
                    views.text[start:end],
                    f"{clean_local}@{clean_domain}",
                    0.9 if obfuscated else 0.98,
                )
            )
        for m in lx.SPLIT_EMAIL_RE.finditer(views.norm.s):
            user = m.group("user")
            if not any(c in user for c in "._0123456789") and not re.search(
                r"\b(?:id|username|user)\b", m.group("conn")
            ):
                continue
            if user in lx.EMAIL_STOP_LOCALS:
                continue
            start, end = views.norm.span(m.start(), m.end())
            if _inside_any(start, end, [(f.start, f.end) for f in out]):
                continue
            value = f"{user}@{lx.PROVIDER_DOMAIN[m.group('prov')]}"
            out.append(Finding("email", start, end, views.text[start:end], value, 0.8))
        return out


def _spoken_email_ok(local: str, domain: str, word_dot: bool, before: str) -> bool:
    """A spoken "at" ("john at acme.io") needs more evidence than a real "@"."""
    if local in lx.EMAIL_STOP_LOCALS:
        return False
    if word_dot or domain in lx.WEBMAIL:
        return True
    if any(c in local for c in "._-0123456789"):
        return True
    return lx.EMAIL_CUE_RE.search(before) is not None


def _phone_from_whatsapp(u: _Url) -> str | None:
    digits = ""
    if u.registered == "wa.me":
        digits = re.sub(r"\D", "", u.path.split("/")[1] if "/" in u.path else "")
    elif u.registered == "whatsapp.com":
        digits = re.sub(r"\D", "", (parse_qs(u.query).get("phone") or [""])[0])
    if not 7 <= len(digits) <= 15:
        return None
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    # The link itself says "this is a phone number": any number under a real country code
    # counts, including legacy forms libphonenumber calls impossible (Mexico's "+52 1 ...").
    if phonenumbers.region_code_for_country_code(number.country_code or 0) == "ZZ":
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


_MEETING_HOSTS = frozenset(
    {
        "whereby.com",
        "jit.si",
        "webex.com",
        "calendly.com",
        "cal.com",
        "gotomeeting.com",
        "gotomeet.me",
        "bluejeans.com",
        "chime.aws",
        "zcal.co",
        "tidycal.com",
        "savvycal.com",
        "doodle.com",
        "around.co",
        "livestorm.co",
        "8x8.vc",
        "meetings.hubspot.com",
    }
)
_FILE_HOSTS = frozenset(
    {
        "1drv.ms",
        "sharepoint.com",
        "dropbox.com",
        "db.tt",
        "dropboxusercontent.com",
        "wetransfer.com",
        "we.tl",
        "mega.nz",
        "mega.co.nz",
        "pcloud.com",
        "pcloud.link",
        "yadi.sk",
        "mediafire.com",
        "sendspace.com",
        "transfernow.net",
        "swisstransfer.com",
        "terabox.com",
        "4shared.com",
        "files.fm",
        "filemail.com",
        "jumpshare.com",
        "fromsmash.com",
        "gofile.io",
        "send-anywhere.com",
        "tresorit.com",
    }
)
_HANDLE_HOSTS = frozenset(
    {
        "t.me",
        "telegram.me",
        "telegram.dog",
        "wa.me",
        "wa.link",
        "discord.gg",
        "m.me",
        "line.me",
        "matrix.to",
        "signal.me",
        "signal.group",
        "vk.me",
        "kik.me",
        "instagr.am",
        "fb.me",
        "viber.me",
        "skype.com",
    }
)
_PROFILE_HOSTS = frozenset(
    {
        "instagram.com",
        "twitter.com",
        "x.com",
        "facebook.com",
        "fb.com",
        "vk.com",
        "tiktok.com",
        "threads.net",
        "snapchat.com",
        "messenger.com",
    }
)
_PROFILE_RESERVED = frozenset(
    {"", "i", "home", "search", "explore", "hashtag", "share", "sharer", "intent", "about", "p"}
)


def _link_label(u: _Url) -> str | None:
    reg, sub, path = u.registered, u.subdomain, u.path.rstrip("/")
    has_path = len(path) > 1
    if reg == "google.com":
        if sub in {"meet", "hangouts"}:
            return "meeting_link"
        if sub in {"drive", "docs", "sheets", "slides"}:
            return "file_share" if has_path else None
        if sub == "calendar" and ("appointments" in path or "schedules" in path):
            return "meeting_link"
        return None
    if reg == "app.google" and sub == "calendar":
        return "meeting_link"
    if reg in {"zoom.us", "zoom.com"}:
        if re.match(r"/(?:j|my|s|w|wc|meeting|webinar|join)\b", path) or sub.endswith("web"):
            return "meeting_link"
        return None
    if reg == "microsoft.com" and sub == "teams":
        return "meeting_link" if has_path else None
    if reg == "live.com":
        if sub == "teams":
            return "meeting_link"
        if sub == "onedrive":
            return "file_share"
        return None
    if reg == "skype.com" and sub == "join":
        return "meeting_link"
    if reg == "webex.com" and (has_path or sub not in {"", "www"}):
        return "meeting_link"
    if reg in {"goto.com", "zoho.com", "zoho.eu"} and sub.startswith("meet"):
        return "meeting_link"
    if reg == "hubspot.com" and sub == "meetings":
        return "meeting_link"
    if "jitsi" in reg or reg == "jit.si":
        return "meeting_link"
    if reg in _MEETING_HOSTS:
        return "meeting_link" if has_path or reg == "jit.si" else None
    if reg in {"yandex.ru", "yandex.com"} and sub == "disk":
        return "file_share"
    if reg == "proton.me" and sub == "drive":
        return "file_share"
    if reg == "icloud.com" and ("iclouddrive" in path or "/share" in path):
        return "file_share"
    if reg == "box.com":
        return "file_share" if path.startswith("/s/") or sub == "app" else None
    if reg in _FILE_HOSTS:
        return "file_share" if has_path or reg == "sharepoint.com" else None
    if reg == "whatsapp.com" and sub in {"api", "chat", "web", "wa"}:
        return "handle" if has_path or u.query else None
    if reg in {"discord.com", "discordapp.com"}:
        return "handle" if re.match(r"/(?:invite|users)/", path) else None
    if reg == "linkedin.com":
        return "handle" if re.match(r"/(?:in|pub)/[^/]+", path) else None
    if reg == "slack.com":
        return "handle" if sub == "join" or "/join" in path or "shared_invite" in path else None
    if reg == "wechat.com" and sub == "u":
        return "handle"
    if reg in _HANDLE_HOSTS:
        return "handle" if has_path else None
    if reg in _PROFILE_HOSTS:
        segments = [p for p in path.split("/") if p]
        if len(segments) == 1 and segments[0].lstrip("@") not in _PROFILE_RESERVED:
            return "handle"
        if reg == "messenger.com" and segments[:1] == ["t"]:
            return "handle"
        if reg == "snapchat.com" and segments[:1] == ["add"]:
            return "handle"
        return None
    return None


# --- views --------------------------------------------------------------------------------


def _build_views(text: str) -> _Views:
    base = normalize(text)
    norm = View(strip_accents(base.s), base.starts, base.ends)
    deob = norm
    if lx.SPACED_RUN_RE.search(deob.s):
        deob = deob.sub(lx.SPACED_RUN_RE, lambda m: m.group().replace(" ", ""))
    if any(c in deob.s for c in "[({<"):
        deob = deob.sub(lx.BRACKET_AT_RE, lambda m: "@")
        deob = deob.sub(lx.BRACKET_DOT_RE, lambda m: ".")
    deob = deob.sub(lx.WORD_AT_RE, lambda m: lx.WEAK_AT if m.group("weak") else "@")
    deob = deob.sub(lx.WORD_DOT_RE, lambda m: lx.WEAK_DOT if m.group("weak") else lx.WORD_DOT)
    if lx.WORD_DOT in deob.s:
        deob = deob.sub(lx.WORD_SLASH_RE, lambda m: "/")
    digits = norm.sub(lx.DIGIT_WORD_RE, _digit_word)
    if digits is not norm and lx.REPEAT_RE.search(digits.s):
        digits = digits.sub(
            lx.REPEAT_RE,
            lambda m: m.group("d") * (3 if m.group("rep").startswith(("tri", "тро")) else 2),
        )
    return _Views(text, norm, deob, digits)


def _digit_word(m: re.Match[str]) -> str | None:
    tens = m.group("tens")
    if tens:
        unit = m.group("unit")
        value = lx.TENS_WORDS[tens] * 10
        if unit:
            two = lx.TWO_DIGIT_WORDS.get(unit)
            value += two if two is not None else int(lx.DIGIT_WORDS[unit])
        return str(value) if value < 100 else None
    two_word = m.group("two")
    if two_word:
        return str(lx.TWO_DIGIT_WORDS[two_word])
    return lx.DIGIT_WORDS[m.group("word")]


# --- handles ------------------------------------------------------------------------------


def _handles(views: _Views, taken: list[tuple[int, int]]) -> list[Finding]:
    out: list[Finding] = []
    nv = views.norm
    s = nv.s

    def add(a: int, b: int, value: str, confidence: float) -> None:
        start, end = nv.span(a, b)
        if _inside_any(start, end, taken):
            return
        out.append(Finding("handle", start, end, views.text[start:end], value, confidence))

    if "live:" in s:
        for m in lx.SKYPE_LIVE_RE.finditer(s):
            value = m.group().removeprefix("skype:").rstrip(".-_")
            add(m.start(), m.start() + len(m.group().rstrip(".-_")), "skype:" + value, 0.95)
    if "#" in s and ("discord" in s or "дискорд" in s):
        for m in lx.DISCORD_TAG_RE.finditer(s):
            add(m.start(), m.end(), f"discord:{m.group('name')}#{m.group('tag')}", 0.9)
    channel_hits = list(lx.CHANNEL_RE.finditer(s))
    at_done: set[int] = set()
    for ch in channel_hits:
        name = ch.group("ch")
        found = _identifier_after(s, ch.end(), weak=name in lx.WEAK_CHANNELS)
        if found is not None:
            a, b, ident = found
            if ident.startswith("@"):
                at_done.add(a)
            add(a, b, f"{_channel_key(name)}:{ident}", 0.85)
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
                add(m.start(), m.end(), f"{_channel_key(name)}:@{m.group('name')}", 0.8)
    if "@" in s:
        for m in lx.AT_HANDLE_RE.finditer(s):
            if m.start() in at_done or not _valid_at_handle(s, m):
                continue
            window = s[max(0, m.start() - 60) : m.end() + 60]
            if lx.DM_CUE_RE.search(window):
                add(m.start(), m.end(), "@" + m.group("name"), 0.75)
    return out


def _channel_key(name: str) -> str:
    name = name.replace(" ", "")
    aliases = {"insta": "instagram", "ig": "instagram", "tg": "telegram", "x": "twitter"}
    return aliases.get(name, name)


def _valid_at_handle(s: str, m: re.Match[str]) -> bool:
    after = s[m.end() : m.end() + 1]
    if after and lx.AT_HANDLE_AFTER_BAD.match(after):
        return False
    name = m.group("name")
    return len(name) >= 3 and not name.isdigit() and name not in lx.BROADCAST_MENTIONS


def _identifier_after(s: str, pos: int, *, weak: bool) -> tuple[int, int, str] | None:
    """The identifier a channel name introduces ("Telegram @x", "WeChat ID is x")."""
    window = s[pos : pos + 60]
    explicit = False
    for i, tok in enumerate(lx.HANDLE_TOKEN_RE.finditer(window)):
        if i >= 6:
            return None
        word = tok.group().strip(".,:;'’-")
        raw = tok.group()
        if word in lx.HANDLE_ID_WORDS or raw in lx.HANDLE_ID_WORDS:
            explicit = True
            continue
        if not word or word in lx.HANDLE_CONNECTORS or raw in lx.HANDLE_CONNECTORS:
            continue
        if word.startswith("@"):
            ident = word
        else:
            ident = word
            if weak and not explicit:
                return None
            if not explicit and not any(c in ident for c in "._0123456789"):
                return None
        m = lx.HANDLE_ID_RE.fullmatch(ident)
        body = ident.lstrip("@")
        if m is None or not any(c.isalpha() for c in body) or "@" in body:
            return None
        if len(body) < 3 or body in lx.EMAIL_STOP_LOCALS:
            return None
        a = pos + tok.start() + raw.find(word)
        return a, a + len(word), ident
    return None


# --- phones -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Run:
    start: int  # index in the digit view
    end: int
    digits: str
    groups: list[str]
    seps: list[str]
    plus: bool


def _phones(views: _Views, taken: list[tuple[int, int]]) -> list[Finding]:
    pv = views.digits
    s = pv.s
    if len(_ONE_DIGIT_RE.findall(s)) < 7:
        return []
    runs = _digit_runs(s, pv, taken)
    if not runs:
        return []
    cue_text = views.norm.s
    has_cue = lx.PHONE_CUE_RE.search(cue_text) is not None
    out: list[Finding] = []
    used: set[int] = set()
    if has_cue:
        # A number split across sentences: "Area code is 415. The rest is 726 0093."
        for i in range(len(runs) - 1):
            r1, r2 = runs[i], runs[i + 1]
            if i in used or len(r1.digits) >= 7:
                continue
            if r2.start - r1.end > 50 or len(r1.digits) < 2 or len(r2.digits) < 3:
                continue
            if not 8 <= len(r1.digits) + len(r2.digits) <= 13:
                continue
            if _negative_context(s, r1.start) or _negative_context(s, r2.start):
                continue
            merged = _Run(
                r1.start, r2.end, r1.digits + r2.digits, r1.groups + r2.groups, [], r1.plus
            )
            if _fictional(merged.digits):
                continue
            value = _strict_number(merged)
            if value is None:
                continue
            used.update((i, i + 1))
            start, end = pv.span(merged.start, merged.end)
            out.append(Finding("phone", start, end, views.text[start:end], value, 0.7))
    for i, run in enumerate(runs):
        if i in used or not 7 <= len(run.digits) <= 15:
            continue
        value, conf = _validate_run(s, run, has_cue)
        if value is None:
            continue
        start, end = pv.span(run.start, run.end)
        out.append(Finding("phone", start, end, views.text[start:end], value, conf))
    return out


_DIGITS_RE = re.compile(r"\d+")
_ONE_DIGIT_RE = re.compile(r"\d")


def _digit_runs(s: str, pv: View, taken: list[tuple[int, int]]) -> list[_Run]:
    runs: list[_Run] = []
    cur: _Run | None = None
    for m in _DIGITS_RE.finditer(s):
        a, b = m.span()
        glued = (
            (a > 0 and (s[a - 1].isalpha() or s[a - 1] in "_#"))
            or (b < len(s) and (s[b].isalpha() or s[b] in "_%"))
            or (a > 1 and s[a - 1] in "-/" and s[a - 2].isalpha())
            or (b + 1 < len(s) and s[b] in "-/" and s[b + 1].isalpha())
        )
        orig_a = pv.orig_start(a)
        inside = _inside_any(orig_a, orig_a + 1, taken)
        if glued or inside:
            if cur is not None:
                runs.append(cur)
            cur = None
            continue
        if cur is not None:
            sep = s[cur.end : a]
            if _joinable(sep, cur, m.group()):
                cur.end = b
                cur.digits += m.group()
                cur.groups.append(m.group())
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
        cur = _Run(start, b, m.group(), [m.group()], [], plus)
    if cur is not None:
        runs.append(cur)
    return runs


def _joinable(sep: str, cur: _Run, nxt: str) -> bool:
    if not sep or len(sep) > 4:
        if len(sep) <= 6 and sep.strip(" ") == ",":
            pass
        else:
            return False
    if all(c in lx.PHONE_SEP_CHARS for c in sep):
        # ". " ends a sentence: only keep going when the groups look like one number.
        if sep.endswith(". ") or sep == ". ":
            return False
        return True
    if sep.strip(" ") == "," and len(cur.groups[-1]) <= 4 and len(nxt) <= 4:
        return "." not in "".join(cur.seps)
    return False


def _negative_context(s: str, pos: int) -> bool:
    """An id, price, card, code... keyword right before the digits, not overridden by a later
    phone keyword ("meeting ID 845..., dial-in +1 ..." keeps the dial-in number)."""
    before = s[max(0, pos - 32) : pos].replace("area code", "area")
    neg = lx.PHONE_NEG_RE.search(before)
    if neg is None:
        return False
    override = lx.PHONE_NEG_OVERRIDE_RE.search(before, neg.end())
    return override is None


def _validate_run(s: str, run: _Run, has_cue: bool) -> tuple[str | None, float]:
    text = s[run.start : run.end]
    if _negative_context(s, run.start):
        return None, 0.0
    if not run.plus and _date_run(text, len(run.digits)):
        return None, 0.0
    seps = "".join(run.seps)
    if not run.plus:
        if len(run.groups) == 4 and all(len(g) <= 3 for g in run.groups) and set(seps) == {"."}:
            return None, 0.0  # IPv4 address
        if "." in seps and "," in seps:
            return None, 0.0  # a list of decimals
        if len(run.groups) == 1 and not has_cue:
            return None, 0.0  # one bare block of digits: an id, a barcode, an epoch
        if len(run.digits) == 13 and run.digits[:3] in {"978", "979"}:
            return None, 0.0  # ISBN-13 / EAN
    if _fictional(run.digits):
        return None, 0.0
    strict = _strict_number(run)
    if strict is not None:
        return strict, 0.95 if run.plus else 0.9
    if has_cue or (run.plus and len(run.groups) >= 2):
        loose = _possible_number(run)
        if loose is not None:
            return loose, 0.7
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


def _fictional(digits: str) -> bool:
    """Documented test numbers: NANP 555-01XX and Twilio's 500-555-XXXX magic numbers."""
    d = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    return len(d) == 10 and ((d[3:6] == "555" and d[6:8] == "01") or d.startswith("500555"))


def _parse(run: _Run, region: str | None) -> phonenumbers.PhoneNumber | None:
    digits = run.digits
    if run.plus:
        digits, region = "+" + digits, None
    elif digits.startswith("00") and len(digits) > 9:
        digits, region = "+" + digits[2:], None
    try:
        return phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _strict_number(run: _Run) -> str | None:
    regions: tuple[str | None, ...] = (
        (None,) if run.plus or run.digits.startswith("00") else lx.PHONE_REGIONS
    )
    for region in regions:
        number = _parse(run, region)
        if number is not None and phonenumbers.is_valid_number(number):
            return _e164(number)
    return None


def _possible_number(run: _Run) -> str | None:
    """A number of a plausible length for its region (fictional but real-looking ranges)."""
    regions: tuple[str | None, ...] = (
        (None,) if run.plus or run.digits.startswith("00") else lx.PHONE_REGIONS[:4]
    )
    for region in regions:
        number = _parse(run, region)
        if number is None or not phonenumbers.is_possible_number(number):
            continue
        if run.plus or len(run.groups) >= 2:
            return _e164(number)
    return None


# --- meeting requests -----------------------------------------------------------------------


def _meeting_requests(views: _Views, urls: list[_Url]) -> list[Finding]:
    s = views.norm.s
    out: list[Finding] = []
    if any(_link_label(u) == "meeting_link" for u in urls):
        return out  # the link itself is the finding
    for m in lx.MEETING_TOOL_RE.finditer(s):
        tool = m.group("tool")
        start, end = views.norm.span(m.start(), m.end())
        if tool == "teams":
            original = views.text[start:end]
            before = s[max(0, m.start() - 12) : m.start()]
            if not original.startswith("T") and not re.search(r"(?:ms|microsoft)\s*$", before):
                continue
        if any(u.start <= start < u.end for u in urls):
            continue
        window = s[max(0, m.start() - 90) : m.end() + 90]
        if lx.MEETING_NEG_RE.search(window):
            continue
        sentence = _sentence(s, m.start(), m.end())
        pre = sentence[0][: m.start() - sentence[1]]
        if lx.NEGATION_RE.search(pre):
            continue
        if lx.MEETING_CUE_RE.search(window) is None:
            continue
        value = "meet:" + tool.replace(" ", "")
        out.append(Finding("meeting_link", start, end, views.text[start:end], value, 0.75))
    return out


def _sentence(s: str, a: int, b: int) -> tuple[str, int]:
    """The sentence around ``s[a:b]`` and its start offset."""
    lo = max(s.rfind(c, 0, a) for c in ".!?\n;")
    his = [i for i in (s.find(c, b) for c in "!?\n;") if i != -1]
    dot = re.search(r"\.(?:\s|$)", s[b:])
    if dot is not None:
        his.append(b + dot.start())
    hi = min(his) if his else len(s)
    return s[lo + 1 : hi + 1], lo + 1


# --- off-platform requests --------------------------------------------------------------------


def _off_platform(views: _Views, findings: list[Finding]) -> list[Finding]:
    s = views.norm.s
    present = {f.label for f in findings}
    out: list[Finding] = []
    pay = _payment_request(views)
    if pay is not None:
        out.append(pay)
    for cue in lx.MOVE_CUE_RE.finditer(s):
        lo, hi = max(0, cue.start() - 80), min(len(s), cue.end() + 80)
        sentence, sent_start = _sentence(s, cue.start(), cue.end())
        pre = sentence[: cue.start() - sent_start]
        if lx.NEGATION_RE.search(pre) or lx.KEEP_HERE_RE.search(sentence):
            continue
        for category, pattern in lx.CHANNEL_CATEGORIES:
            ch = pattern.search(s, lo, hi)
            if ch is None:
                continue
            if _covered(category, present):
                continue
            near = s[max(0, ch.start() - 60) : ch.end() + 60]
            if category != "elsewhere" and lx.COMM_PROJECT_NEG_RE.search(near):
                continue
            a, b = min(cue.start(), ch.start()), max(cue.end(), ch.end())
            start, end = views.norm.span(a, b)
            value = f"comm:{category}"
            out.append(Finding("off_platform", start, end, views.text[start:end], value, 0.7))
            break
        if out and out[-1].value.startswith("comm:"):
            break
    if "file_share" not in present:
        for fs in lx.FILE_SERVICE_RE.finditer(s):
            window = s[max(0, fs.start() - 60) : fs.end() + 60]
            verb = lx.FILE_VERB_RE.search(window)
            if verb is None or lx.FILE_NEG_RE.search(window):
                continue
            sentence, sent_start = _sentence(s, fs.start(), fs.end())
            if lx.NEGATION_RE.search(sentence[: fs.start() - sent_start]):
                continue
            start, end = views.norm.span(fs.start(), fs.end())
            value = "files:" + fs.group().replace(" ", "")
            out.append(Finding("off_platform", start, end, views.text[start:end], value, 0.65))
            break
    return out


def _covered(category: str, present: set[str]) -> bool:
    if category == "phone":
        return bool(present & {"phone", "handle"})
    if category == "handle":
        return "handle" in present
    if category == "email":
        return "email" in present
    return bool(present & {"email", "phone", "handle"})


def _payment_request(views: _Views) -> Finding | None:
    s = views.norm.s
    direct = lx.DIRECT_PAY_RE.search(s)
    if direct is not None and not _negated(s, direct.start(), direct.end()):
        return _op_finding(views, direct.start(), direct.end(), "pay:direct", 0.8)
    for method in lx.PAY_METHOD_RE.finditer(s):
        lo, hi = max(0, method.start() - 70), min(len(s), method.end() + 70)
        window = s[lo:hi]
        if _negated(s, method.start(), method.end()):
            continue
        mine = re.search(
            r"\b(?:my|mi|meu|minha|mon|ma|мой|мою|мои|mera|meri)\s+(?:\w+\s+)?$",
            s[max(0, method.start() - 20) : method.start()],
        )
        outside = lx.OUTSIDE_RE.search(window)
        verb = lx.PAY_VERB_RE.search(window)
        if mine is None and outside is None:
            if verb is None or lx.PAY_PROJECT_NEG_RE.search(window):
                continue
        value = "pay:" + re.sub(r"\W+", "", method.group()) or "pay:other"
        return _op_finding(views, method.start(), method.end(), value, 0.8)
    return None


def _negated(s: str, a: int, b: int) -> bool:
    sentence, start = _sentence(s, a, b)
    return lx.NEGATION_RE.search(sentence[: a - start]) is not None


def _op_finding(views: _Views, a: int, b: int, value: str, confidence: float) -> Finding:
    start, end = views.norm.span(a, b)
    return Finding("off_platform", start, end, views.text[start:end], value, confidence)


# --- helpers --------------------------------------------------------------------------------


def _inside_any(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop a finding fully inside another finding of the same label; sort by position."""
    findings.sort(key=lambda f: (f.start, -(f.end - f.start), f.label))
    kept: list[Finding] = []
    for f in findings:
        if any(
            k.label == f.label and k.start <= f.start and f.end <= k.end and k is not f
            for k in kept
        ):
            continue
        kept.append(f)
    return kept


@functools.cache
def default_detector() -> Detector:
    """The shared detector (built once: loading the public suffix list takes ~20 ms)."""
    return Detector()


def scan(text: str, *, exempt_urls: Collection[str] = ()) -> list[Finding]:
    """Scan one message with the shared :class:`Detector`; see :meth:`Detector.scan`."""
    return default_detector().scan(text, exempt_urls=exempt_urls)
