"""Contact-information detector: finds emails, phones, handles, meeting and file links, and
requests to move off the platform, in one chat message.

The detector is a pure function of the text. It works on index-preserving views of the message
(``views``): a normalised view, a de-obfuscated view for emails and links and a digit view for
phones. One module per label: ``links`` (meeting_link, file_share and messaging links),
``emails``, ``handles``, ``phones`` and ``intent`` (meetings on named tools, off_platform).
Host rules are data (``hosts``); every language's words are data (``languages``). Phone
numbers are validated with ``phonenumbers`` and hosts are split with ``tldextract`` using its
bundled public suffix list, never the network.

Every finding names its label and the span of the message that triggered it.
"""

from __future__ import annotations

import functools
from collections.abc import Collection

import tldextract

from signaling.policy.detect.copytext import drop_copy_moves
from signaling.policy.detect.emails import find_emails
from signaling.policy.detect.handles import find_handles
from signaling.policy.detect.intent import (
    drop_answered_moves,
    drop_stories,
    drop_tool_talk,
    meeting_requests,
    off_platform,
)
from signaling.policy.detect.learned import learned_findings
from signaling.policy.detect.links import canonical_url, find_urls, link_findings
from signaling.policy.detect.model import LABELS, Confidence, Finding, Spans, dedupe
from signaling.policy.detect.phones import find_phones, warm_up_phone_metadata
from signaling.policy.detect.regex_opt import WORD_STARTS
from signaling.policy.detect.views import build_views

__all__ = [
    "LABELS",
    "Confidence",
    "Detector",
    "Finding",
    "canonical_url",
    "default_detector",
    "scan",
]


# (a handle the learned layer finds is often a name to search for, which is the move itself)
_IDENTIFIERS = frozenset({"email", "phone"})


# Labels of identifiers: text the rules read as one of these is explained, so a learned
# identifier over it is the model reacting to the identifier's own words ("our Slack invite:
# team.slack.com/…" is a handle, not a meeting).
_EXPLAINED = frozenset({"email", "phone", "handle", "meeting_link", "file_share"})


def _not_over_identifiers(learned: list[Finding], rules: list[Finding]) -> list[Finding]:
    """The learned identifier findings whose span overlaps no identifier the rules found."""
    spans = [(f.start, f.end) for f in rules if f.label in _EXPLAINED]
    if not spans:
        return learned
    return [
        f
        for f in learned
        if f.label not in _EXPLAINED or not any(a < f.end and f.start < b for a, b in spans)
    ]


class Detector:
    """Holds the offline public-suffix extractor; :meth:`scan` is a pure function of its input.

    ``learned=False`` runs the rules alone, without the learned layer (``detect.learned``).
    """

    def __init__(self, *, learned: bool = True) -> None:
        self._learned = learned
        # Offline: the bundled public suffix snapshot, no cache directory, no HTTP fetch.
        self._tld = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
        warm_up_phone_metadata()
        WORD_STARTS.prepare()

    def scan(self, text: str, *, exempt_urls: Collection[str] = ()) -> list[Finding]:
        """Return the findings in ``text`` sorted by position.

        ``exempt_urls`` are links the platform generated itself (its own Zoom meetings, say):
        a link finding whose canonical URL equals one of them is dropped.
        """
        if not text or not text.strip():
            return []
        views = build_views(text)
        findings: list[Finding] = []
        urls = find_urls(views, self._tld)
        emails = find_emails(views, self._tld)
        findings.extend(emails)
        email_spans = [(f.start, f.end) for f in emails]
        email_taken = Spans(email_spans)
        urls = [u for u in urls if not email_taken.covers(u.start, u.end)]
        links = link_findings(views, urls)
        findings.extend(links)
        findings.extend(find_handles(views, Spans(email_spans + [(f.start, f.end) for f in links])))
        findings.extend(find_phones(views, Spans(email_spans + [(u.start, u.end) for u in urls])))
        findings.extend(meeting_requests(views, urls))
        findings.extend(off_platform(views, findings))
        findings = drop_answered_moves(views, drop_copy_moves(views, findings))
        findings = drop_tool_talk(views, findings)
        if self._learned:
            learned = learned_findings(views, {f.label for f in findings})
            learned = drop_tool_talk(
                views,
                drop_stories(views, drop_answered_moves(views, drop_copy_moves(views, learned))),
            )
            learned = _not_over_identifiers(learned, findings)
            if any(f.value == "comm:maker" for f in findings):
                # a tool described by its maker is no named tool: off_platform alone
                learned = [f for f in learned if f.label != "meeting_link"]
            if any(f.label in _IDENTIFIERS for f in learned):
                # a channel whose identifier the learned layer found is reported by that label
                # only, as the rules' own identifiers are ("mail me: d-e-v-o-n…")
                findings = [f for f in findings if not f.value.startswith("comm:")]
            findings.extend(learned)
        if exempt_urls:
            exempt = {canonical_url(u) for u in exempt_urls}
            findings = [f for f in findings if f.value not in exempt]
        return dedupe(findings)


@functools.cache
def default_detector() -> Detector:
    """The shared detector (built once: loading the public suffix list takes ~20 ms)."""
    return Detector()


def scan(text: str, *, exempt_urls: Collection[str] = ()) -> list[Finding]:
    """Scan one message with the shared :class:`Detector`; see :meth:`Detector.scan`."""
    return default_detector().scan(text, exempt_urls=exempt_urls)
