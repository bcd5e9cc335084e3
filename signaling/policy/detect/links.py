"""Links: URLs found in the de-obfuscated view, labelled by the host rules in ``hosts``."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from urllib.parse import parse_qs, urlsplit

import phonenumbers
import tldextract

from signaling.policy.detect import lexicon as lx
from signaling.policy.detect.hosts import KNOWN_DOMAINS, link_label
from signaling.policy.detect.model import Confidence, Finding, Url, Views
from signaling.policy.detect.regex_opt import token_end


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


@functools.lru_cache(maxsize=4096)
def _split(tld: tldextract.TLDExtract, host: str) -> tuple[str, str, str]:
    ext = tld(host)
    return ext.subdomain, ext.domain, ext.suffix


def split_host(tld: tldextract.TLDExtract, host: str) -> tuple[str, str, str]:
    """(subdomain, domain, public suffix) by the bundled public suffix list, cached."""
    return _split(tld, host)


def find_urls(views: Views, tld: tldextract.TLDExtract) -> list[Url]:
    """Every host-shaped link in the message (before labelling)."""
    out: list[Url] = []
    s = views.deob.s
    if "." not in s and lx.WORD_DOT not in s and lx.WEAK_DOT not in s:
        return out
    for m in _url_finditer(s):
        raw_host = m.group("host")
        obfuscated = lx.WEAK_DOT in raw_host or lx.WORD_DOT in raw_host
        host = raw_host.replace(lx.WORD_DOT, ".").replace(lx.WEAK_DOT, ".")
        path_full = (m.group("path") or "").rstrip(lx.URL_TRAILING)
        end = m.start("path") + len(path_full) if m.group("path") else m.end("host")
        subdomain, domain, suffix = split_host(tld, host)
        if not suffix or not domain:
            continue
        registered = f"{domain}.{suffix}"
        if registered in lx.PLACEHOLDER_DOMAINS:
            continue
        if lx.WEAK_DOT in raw_host and registered not in KNOWN_DOMAINS:
            continue  # "at this point google" is no link; "drive punto google punto com" is
        start, stop = views.deob.span(m.start(), end)
        if path_full:
            # Paths are case-sensitive (file ids): take them from the original text.
            path_start = views.deob.orig_start(m.start("path"))
            original_path = views.text[path_start:stop]
            if original_path.lower() == path_full:
                path_full = original_path
        split = urlsplit("http://" + host + path_full)
        out.append(
            Url(
                start,
                stop,
                host.removeprefix("www."),
                subdomain.removeprefix("www").strip("."),
                registered,
                split.path,
                split.query,
                canonical_url(host + path_full),
                obfuscated,
            )
        )
    return out


# A dot (typed or spoken) followed by what starts a host label or suffix: every link has one
# in its host, at most ``_HOST_DOT_MAX`` characters after the link's start ("https://" and a
# 63-character label).
_HOST_DOT = re.compile(r"[.\ue001\ue002](?=[a-z0-9])")
_HOST_DOT_MAX = 72


def _url_finditer(s: str) -> Iterator[re.Match[str]]:
    """``lx.URL_RE.finditer(s)``, matched only in the stretch around each host dot.

    A link holds no whitespace, and at a whitespace character the pattern's classes, its
    path and its look-ahead behave as at the end of the text, so searching from
    ``_HOST_DOT_MAX`` before the next host dot up to the whitespace after it finds the same
    leftmost link; when there is none, no link starts before that whitespace."""
    pos = 0
    n = len(s)
    while pos < n:
        dot = _HOST_DOT.search(s, pos)
        if dot is None:
            return
        end = token_end(s, dot.start())
        # ... and from after the last space before the dot: the link holds that dot (the
        # first host dot from ``pos`` on) and no whitespace.
        lo = max(pos, dot.start() - _HOST_DOT_MAX)
        m = lx.URL_RE.search(s, max(lo, s.rfind(" ", lo, dot.start()) + 1), end)
        if m is None:
            pos = end
            continue
        yield m
        pos = m.end() if m.end() > m.start() else m.end() + 1


def label_of(u: Url) -> str | None:
    return link_label(u.registered, u.subdomain, u.path, u.query)


# Digit groups right after a link that ends in digits: the rest of a meeting id.
_ID_GROUP_RE = re.compile(r"[ \u00a0-](?P<d>\d{2,5})(?![\w.,:/-]?\d|\w)")


def _trailing_digits(value: str) -> int:
    return len(value) - len(value.rstrip("0123456789"))


def link_findings(views: Views, urls: Iterable[Url]) -> list[Finding]:
    """Meeting links, file shares and messaging links (plus the phone a WhatsApp link shows)."""
    out: list[Finding] = []
    for u in urls:
        label = label_of(u)
        if label is None:
            continue
        end, value = u.end, u.canonical
        if label == "meeting_link" and 0 < _trailing_digits(value) < 9:
            # A meeting id typed in groups after the link ("zoom.us/j/812 3456 7890"): the
            # link's value is the whole id (at most eleven digits).
            n = _trailing_digits(value)
            while (group := _ID_GROUP_RE.match(views.text, end)) is not None:
                digits = group.group("d")
                if n + len(digits) > 11:
                    break
                n += len(digits)
                end, value = group.end(), value + digits
        text = views.text[u.start : end]
        out.append(Finding(label, u.start, end, text, value, Confidence.LINK))
        if label == "handle":
            phone = phone_from_whatsapp(u)
            if phone is not None:
                out.append(Finding("phone", u.start, u.end, text, phone, Confidence.LINK))
    return out


def phone_from_whatsapp(u: Url) -> str | None:
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
