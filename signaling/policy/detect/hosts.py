"""Link rules as data: which hosts (and which of their paths) are meeting links, file shares or
messaging handles.

Each :class:`LinkRule` is tried in order and the first one whose conditions all hold gives the
label; a link no rule matches is not contact information (GitHub, Behance, a company site).
To cover a new service, add its registered domain to one of the sets below, or a rule when only
some subdomains or paths count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MEETING_HOSTS = frozenset(
    """whereby.com jit.si webex.com calendly.com cal.com gotomeeting.com gotomeet.me
    bluejeans.com chime.aws zcal.co tidycal.com savvycal.com doodle.com around.co livestorm.co
    8x8.vc meetings.hubspot.com""".split()
)
FILE_HOSTS = frozenset(
    """1drv.ms sharepoint.com dropbox.com db.tt dropboxusercontent.com wetransfer.com we.tl
    mega.nz mega.co.nz pcloud.com pcloud.link yadi.sk mediafire.com sendspace.com
    transfernow.net swisstransfer.com terabox.com 4shared.com files.fm filemail.com
    jumpshare.com fromsmash.com gofile.io send-anywhere.com tresorit.com""".split()
)
HANDLE_HOSTS = frozenset(
    """t.me telegram.me telegram.dog wa.me wa.link discord.gg m.me line.me matrix.to signal.me
    signal.group vk.me kik.me instagr.am fb.me viber.me skype.com""".split()
)
PROFILE_HOSTS = frozenset(
    """instagram.com twitter.com x.com facebook.com fb.com vk.com tiktok.com threads.net
    snapchat.com messenger.com""".split()
)
PROFILE_RESERVED = frozenset(
    {"", "i", "home", "search", "explore", "hashtag", "share", "sharer", "intent", "about", "p"}
)


@dataclass(frozen=True, slots=True)
class LinkRule:
    """``label`` applies when every given condition holds (``None`` = no condition).

    ``domains``: registered domains; ``domain_contains``: a substring of it instead;
    ``subs``: allowed subdomains; ``sub_prefix``/``sub_suffix``: subdomain shape;
    ``path``: a regex searched in the path; ``needs_path``: a path longer than "/";
    ``path_or_query``: a path or a query string; ``profile``: exactly one non-reserved
    path segment (a social profile).
    """

    label: str
    domains: frozenset[str] | None = None
    domain_contains: str | None = None
    subs: frozenset[str] | None = None
    sub_prefix: str | None = None
    sub_suffix: str | None = None
    sub_nonempty: bool = False
    path: re.Pattern[str] | None = None
    needs_path: bool = False
    path_or_query: bool = False
    profile: bool = False

    def matches(self, registered: str, sub: str, path: str, query: str) -> bool:
        if self.domains is not None and registered not in self.domains:
            return False
        if self.domain_contains is not None and self.domain_contains not in registered:
            return False
        if self.subs is not None and sub not in self.subs:
            return False
        if self.sub_prefix is not None and not sub.startswith(self.sub_prefix):
            return False
        if self.sub_suffix is not None and not sub.endswith(self.sub_suffix):
            return False
        if self.sub_nonempty and sub in {"", "www"}:
            return False
        if self.path is not None and self.path.search(path) is None:
            return False
        if self.needs_path and len(path) <= 1:
            return False
        if self.path_or_query and len(path) <= 1 and not query:
            return False
        if self.profile:
            segments = [p for p in path.split("/") if p]
            if len(segments) != 1 or segments[0].lstrip("@") in PROFILE_RESERVED:
                return False
        return True


def _d(*names: str) -> frozenset[str]:
    return frozenset(names)


def _s(*names: str) -> frozenset[str]:
    return frozenset(names)


MEETING, FILE, HANDLE = "meeting_link", "file_share", "handle"

LINK_RULES: tuple[LinkRule, ...] = (
    LinkRule(MEETING, _d("google.com"), subs=_s("meet", "hangouts")),
    LinkRule(FILE, _d("google.com"), subs=_s("drive", "docs", "sheets", "slides"), needs_path=True),
    LinkRule(
        MEETING, _d("google.com"), subs=_s("calendar"), path=re.compile("appointments|schedules")
    ),
    LinkRule(MEETING, _d("app.google"), subs=_s("calendar")),
    LinkRule(
        MEETING,
        _d("zoom.us", "zoom.com"),
        path=re.compile(r"^/(?:j|my|s|w|wc|meeting|webinar|join)\b"),
    ),
    LinkRule(MEETING, _d("zoom.us", "zoom.com"), sub_suffix="web"),
    LinkRule(MEETING, _d("microsoft.com"), subs=_s("teams"), needs_path=True),
    LinkRule(MEETING, _d("live.com"), subs=_s("teams")),
    LinkRule(FILE, _d("live.com"), subs=_s("onedrive")),
    LinkRule(MEETING, _d("skype.com"), subs=_s("join")),
    LinkRule(MEETING, _d("webex.com"), needs_path=True),
    LinkRule(MEETING, _d("webex.com"), sub_nonempty=True),
    LinkRule(MEETING, _d("goto.com", "zoho.com", "zoho.eu"), sub_prefix="meet"),
    LinkRule(MEETING, _d("hubspot.com"), subs=_s("meetings")),
    LinkRule(MEETING, domain_contains="jitsi"),
    LinkRule(MEETING, _d("jit.si")),
    LinkRule(MEETING, MEETING_HOSTS, needs_path=True),
    LinkRule(FILE, _d("yandex.ru", "yandex.com"), subs=_s("disk")),
    LinkRule(MEETING, _d("yandex.ru", "yandex.com"), subs=_s("telemost"), needs_path=True),
    LinkRule(FILE, _d("proton.me"), subs=_s("drive")),
    LinkRule(FILE, _d("icloud.com"), path=re.compile("iclouddrive|/share")),
    LinkRule(FILE, _d("box.com"), path=re.compile("^/s/")),
    LinkRule(FILE, _d("box.com"), subs=_s("app")),
    LinkRule(FILE, _d("sharepoint.com")),
    LinkRule(FILE, FILE_HOSTS, needs_path=True),
    LinkRule(HANDLE, _d("whatsapp.com"), subs=_s("api", "chat", "web", "wa"), path_or_query=True),
    LinkRule(HANDLE, _d("discord.com", "discordapp.com"), path=re.compile(r"^/(?:invite|users)/")),
    LinkRule(HANDLE, _d("linkedin.com"), path=re.compile(r"^/(?:in|pub)/[^/]+")),
    LinkRule(HANDLE, _d("slack.com"), subs=_s("join")),
    LinkRule(HANDLE, _d("slack.com"), path=re.compile("/join|shared_invite")),
    LinkRule(HANDLE, _d("wechat.com"), subs=_s("u")),
    LinkRule(HANDLE, HANDLE_HOSTS, needs_path=True),
    LinkRule(HANDLE, PROFILE_HOSTS, profile=True),
    LinkRule(HANDLE, _d("messenger.com"), path=re.compile("^/t/")),
    LinkRule(HANDLE, _d("snapchat.com"), path=re.compile("^/add/")),
)

# Every registered domain some rule is about: a link whose dots were spoken or bracketed
# ("drive kropka google kropka com") is only taken when it lands on one of these.
KNOWN_DOMAINS = frozenset(
    {d for rule in LINK_RULES if rule.domains is not None for d in rule.domains}
)


def _rules_by_domain() -> dict[str, tuple[LinkRule, ...]]:
    by_domain: dict[str, list[LinkRule]] = {}
    for rule in LINK_RULES:
        for domain in rule.domains or ():
            by_domain.setdefault(domain, []).append(rule)
    return {d: tuple(rules) for d, rules in by_domain.items()}


_BY_DOMAIN = _rules_by_domain()
_BY_SUBSTRING = tuple(rule for rule in LINK_RULES if rule.domains is None)


def link_label(registered: str, subdomain: str, path: str, query: str) -> str | None:
    """The label of a link, or ``None`` when it is not contact information (the first rule
    that matches, in ``LINK_RULES`` order)."""
    path = path.rstrip("/")
    candidates = _BY_DOMAIN.get(registered, ()) + _BY_SUBSTRING
    for rule in sorted(candidates, key=lambda r: _ORDER[id(r)]):
        if rule.matches(registered, subdomain, path, query):
            return rule.label
    return None


_ORDER = {id(rule): i for i, rule in enumerate(LINK_RULES)}
