"""Shared types of the detector: labels, findings, named confidences, views, small helpers."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from signaling.policy.detect.text import View

LABELS: tuple[str, ...] = (
    "email",
    "phone",
    "handle",
    "meeting_link",
    "file_share",
    "off_platform",
)


class Confidence:
    """How sure each rule is, named once (a finding's ``confidence``)."""

    LINK: Final = 0.95  # a URL on a known meeting, file or messaging host
    EMAIL_PLAIN: Final = 0.98  # a literal address
    EMAIL_OBFUSCATED: Final = 0.9  # spoken or bracketed "@"/"." rewritten
    EMAIL_SPLIT: Final = 0.8  # username and provider given separately
    EMAIL_ASSEMBLED: Final = 0.75  # pieces the reader is told to put together
    HANDLE_SKYPE_LIVE: Final = 0.95
    HANDLE_DISCORD_TAG: Final = 0.9
    HANDLE_AFTER_APP: Final = 0.85  # "Telegram: @x", "on Signal my username is x"
    HANDLE_BEFORE_APP: Final = 0.8  # "@x on Telegram"
    HANDLE_DM_CUE: Final = 0.75  # "@x, DM me"
    HANDLE_NEAR_APP: Final = 0.75  # "on the blue bird app, @x"
    PHONE_INTERNATIONAL: Final = 0.95  # "+" and a valid number
    PHONE_VALID: Final = 0.9  # valid for one of the regions tried
    PHONE_POSSIBLE: Final = 0.7  # plausible length with a phone cue, or split in two
    MEETING_NAMED_TOOL: Final = 0.75  # "let's do it on Zoom"
    OFF_PLATFORM_PAY: Final = 0.8
    OFF_PLATFORM_COMM: Final = 0.7
    OFF_PLATFORM_FILES: Final = 0.65
    LEARNED_MAX: Final = 0.7  # the learned layer's sigmoid score, capped here


@dataclass(frozen=True)
class Finding:
    """One detected piece of contact information.

    ``start``/``end`` index the original message; ``text`` is ``message[start:end]`` (the
    span that triggered the flag); ``value`` is the normalised identifier (E.164 phone,
    lowercased email, canonical URL or handle, or a short description such as
    ``"pay:paypal"`` for off-platform requests).
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
class Url:
    """A link found in the de-obfuscated view, with its host split by the public suffix list."""

    start: int
    end: int
    host: str
    subdomain: str
    registered: str
    path: str
    query: str
    canonical: str
    obfuscated: bool  # dots were spoken or bracketed ("drive kropka google kropka com")


@dataclass(frozen=True, slots=True)
class Views:
    """The index-preserving views every rule matches on (see ``views.build_views``)."""

    text: str
    norm: View  # lowercase NFKC, accents stripped (same indices as the normalised text)
    deob: View  # obfuscations rewritten, for emails and links
    digits: View  # digit words turned into digits, for phones
    words: frozenset[str]  # the word pieces of ``norm`` (one tokenizing pass, shared by rules)


class Spans:
    """Sorted, non-nested lookup of taken spans: "is [a, b) inside one of them?" in log time."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [a for a, _ in ordered]
        # Running maximum of ends, so a nested span never hides a longer earlier one.
        ends: list[int] = []
        best = -1
        for _, b in ordered:
            best = max(best, b)
            ends.append(best)
        self._ends = ends

    def __bool__(self) -> bool:
        return bool(self._starts)

    def merged(self) -> list[tuple[int, int]]:
        """The union of the spans as disjoint ``[start, end)`` ranges, in order: ``i`` lies in
        one exactly when ``covers(i, i + 1)``."""
        out: list[tuple[int, int]] = []
        for a, b in zip(self._starts, self._ends, strict=True):
            if a >= b:
                continue
            if out and a <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], b))
            else:
                out.append((a, b))
        return out

    def covers(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start) - 1
        return i >= 0 and self._ends[i] >= end


_SENTENCE_END = re.compile(r"[!?\n;]|\.(?:\s|$)")


def sentence(s: str, a: int, b: int) -> tuple[str, int]:
    """The sentence around ``s[a:b]`` and its start offset."""
    # The last of ".!?\n;" before ``a``: each later search only looks past the best so far
    # (a character absent from a long message is not searched for through all of it).
    lo = -1
    # a stop ends a sentence only before a space, as at the end (``_SENTENCE_END``): "2.400 €",
    # "v2.1" and "site.com" are inside one
    for c in (". ", "!", "?", "\n", ";"):
        found = s.rfind(c, lo + 1, a)
        if found > lo:
            lo = found
    m = _SENTENCE_END.search(s, b)
    hi = m.start() if m is not None else len(s)
    return s[lo + 1 : hi + 1], lo + 1


def finding(
    views: Views, view: View, label: str, a: int, b: int, value: str, conf: float
) -> Finding:
    """A finding for the view span ``[a, b)``, reported on the original text."""
    start, end = view.span(a, b)
    return Finding(label, start, end, views.text[start:end], value, conf)


def dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop a finding fully inside another finding of the same label; sort by position."""
    findings.sort(key=lambda f: (f.start, -(f.end - f.start), f.label))
    kept: list[Finding] = []
    # Every finding kept so far starts at or before this one (sorted), so this one lies inside
    # one of them exactly when the furthest end of its label reaches its end: linear, where
    # comparing with every kept finding was quadratic in a message with a thousand handles.
    furthest: dict[str, int] = {}
    for f in findings:
        if furthest.get(f.label, -1) >= f.end:
            continue
        kept.append(f)
        furthest[f.label] = max(furthest.get(f.label, -1), f.end)
    return kept
