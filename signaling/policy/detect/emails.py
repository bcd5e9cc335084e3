"""Email addresses: literal, spoken ("at"/"dot" in many languages), bracketed, spaced out,
given as username plus provider, or as pieces the reader is told to put together."""

from __future__ import annotations

import re
from collections.abc import Iterator

import tldextract

from signaling.policy.detect import lexicon as lx
from signaling.policy.detect.hosts import KNOWN_DOMAINS
from signaling.policy.detect.links import split_host
from signaling.policy.detect.model import Confidence, Finding, Spans, Views, finding
from signaling.policy.detect.regex_opt import finditer_at, positions, token_end
from signaling.policy.detect.text import fold

# A host then ":" and a path ("git@github.com:acme/pos-app.git", "deploy@host:/var/www"): the
# user@host:path of an SSH remote or scp target
_SSH_REMOTE = re.compile(r":[~/\w.-]*/")


def find_emails(views: Views, tld: tldextract.TLDExtract) -> list[Finding]:
    out: list[Finding] = []
    dv = views.deob
    s = dv.s
    pos = 0
    token = [0, -1]  # the last [i, token_end(s, i)]: a token's end is found once
    while "@" in s or lx.WEAK_AT in s:
        m = _email_search(s, pos, token)
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
        if not weak_at and _SSH_REMOTE.match(s, m.end()) is not None:
            continue  # "git@github.com:acme/app.git": a repository's remote, not an address
        clean_domain = domain.replace(lx.WEAK_DOT, ".").replace(lx.WORD_DOT, ".")
        _, domain_name, suffix = split_host(tld, clean_domain)
        if not suffix or not domain_name:
            continue
        if _reserved_domain(domain_name, suffix):
            continue
        clean_local = local.replace(lx.WEAK_DOT, ".").replace(lx.WORD_DOT, ".")
        weak_dot = lx.WEAK_DOT in m.group()
        word_dot = lx.WORD_DOT in m.group()
        if not (weak_at or weak_dot or word_dot) and (
            _placeholder_local(clean_local)
            or (
                (clean_local in lx.PLACEHOLDER_LOCALS or domain_name in lx.PLACEHOLDER_DOMAIN_NAMES)
                and lx.OWN_ADDRESS_RE.search(s, max(0, m.start() - 40), m.start()) is None
            )
        ):
            # "firstname.lastname@yourcompany.com", "john.doe@gmail.com", "ana@empresa.com"
            # typed out are examples; said with "at" the pattern is an instruction
            # ("lastname underscore firstname at brightwave.agency"). An example person's
            # name or domain the writer calls theirs ("my email is john.doe@gmail.com",
            # "napisz do mnie: jan.kowalski@wp.pl") is their address.
            continue
        if (weak_at or weak_dot or word_dot) and _spoken_example(
            clean_local, domain_name, s, m.start()
        ):
            # "'nome ponto sobrenome arroba empresa ponto com ponto br' como exemplo", "reject
            # addresses typed in words like 'name at gmail dot com'": a spec's example said in
            # words (placeholders only, at a placeholder domain or a webmail in product talk).
            continue
        if (
            weak_at
            and not lx.RARE_AT_WORDS.isdisjoint(views.words)
            and not _rare_at_ok(views, m, clean_local, domain_name, clean_domain)
        ):
            continue
        if (weak_at or weak_dot) and not _spoken_email_ok(
            clean_local,
            domain_name,
            word_dot or "." in suffix,
            s[max(0, m.start() - 60) : m.start()],
        ):
            continue
        pos = m.end()
        start, end = dv.span(m.start(), m.end())
        value = f"{clean_local}@{clean_domain}"
        obfuscated = weak_at or weak_dot or word_dot or views.text[start:end] != value
        conf = Confidence.EMAIL_OBFUSCATED if obfuscated else Confidence.EMAIL_PLAIN
        out.append(Finding("email", start, end, views.text[start:end], value, conf))
    norm = views.norm.s
    # Every match starts with a provider name: matched only where one occurs.
    split_starts = positions(norm, lx.PROVIDER_DOMAIN)
    split_candidates = finditer_at(lx.SPLIT_EMAIL_RE, norm, split_starts) if split_starts else ()
    # the first pass's spans, looked up in log time (the split matches themselves never
    # overlap): a message of a thousand "my gmail is x.y" stays linear
    first_pass = Spans((f.start, f.end) for f in out)
    for m in split_candidates:
        user = m.group("user")
        if not any(c in user for c in "._0123456789") and not re.search(
            r"\b(?:id|username|user)\b", m.group("conn")
        ):
            continue
        if user in lx.EMAIL_STOP_LOCALS:
            continue
        start, end = views.norm.span(m.start(), m.end())
        if first_pass.covers(start, end):
            continue
        value = f"{user}@{lx.PROVIDER_DOMAIN[m.group('prov')]}"
        out.append(
            Finding("email", start, end, views.text[start:end], value, Confidence.EMAIL_SPLIT)
        )
    if not out:
        assembled = (
            _assembled(views)
            or _pieces(views, tld)
            or _name_pattern(views, tld)
            or _domain_and_local(views, tld)
            or _glued_name(views, tld)
            or _user_then_provider(views)
            or _name_pair_glued(views)
            or _glued_token(views, tld)
            or _provider_and_local(views)
            or _reversed_address(views)
            or _provider_without_ending(views)
            or _provider_then_username(views)
            or _in_file_name(views, tld)
        )
        if assembled is not None:
            out.append(assembled)
    return out


# The longest local part ``EMAIL_RE`` takes: one character, up to 63, one more.
_LOCAL_MAX = 65


def _next_at(s: str, pos: int) -> int:
    """The index of the first "@" or spoken-at sentinel at or after ``pos``, or -1."""
    at = s.find("@", pos)
    weak = s.find(lx.WEAK_AT, pos)
    if at < 0 or 0 <= weak < at:
        return weak
    return at


def _email_search(s: str, pos: int, token: list[int] | None = None) -> re.Match[str] | None:
    """``lx.EMAIL_RE.search(s, pos)``, matched only around each "@" (or spoken "at").

    Every match has its "@" within ``_LOCAL_MAX`` characters of its start and holds no
    whitespace, so the match using the first "@" at or after ``pos`` starts at or after
    ``at - _LOCAL_MAX`` and ends before the next whitespace (where the pattern's classes and
    its closing look-ahead see the same as at the end of the text). When there is none, no
    match starts before that whitespace either: go on from there."""
    while True:
        at = _next_at(s, pos)
        if at < 0:
            return None
        if token is not None and token[0] <= at <= token[1]:
            end = token[1]  # no whitespace from token[0] to it (a long "x@y@z..." token)
        else:
            end = token_end(s, at)
            if token is not None:
                token[:] = [at, end]
        # From after the last space before the "@": a match holds it (the first from ``pos``
        # on) and no whitespace.
        lo = max(pos, at - _LOCAL_MAX)
        m = lx.EMAIL_RE.search(s, max(lo, s.rfind(" ", lo, at) + 1), end)
        if m is not None:
            return m
        pos = end


def _pieces(views: Views, tld: tldextract.TLDExtract) -> Finding | None:
    """An address given as pieces in order, quoted or not, joined by words in any language
    (matched on the de-obfuscated view, so spoken dots and underscores are already symbols):

    * a username piece (username-shaped, or labelled: "imię piotr"), the "@" (the symbol
      alone or named) and a bare domain with a real public suffix ("'lara.mendes' com o @ e
      depois 'outlook.com.br'", "склей 'petrov.a' ... собачкой ... 'yandex.ru'");
    * a username-shaped piece followed by a mail provider ("'pablo.ruiz' ... de gmail",
      "rico underscore santos sa gmail dot com").

    Each gap is at most 40 characters."""
    dv = views.deob
    s = dv.s
    at_named = ("@" in s or not lx.PIECE_AT_GATE.isdisjoint(views.words)) and (
        _DOMAIN_HINT_RE.search(s) is not None
    )
    for at in lx.PIECE_AT_RE.finditer(s) if at_named else ():
        if at.group() == "@" and not _standalone_at(views, at.start()):
            continue
        dom = lx.PIECE_DOMAIN_RE.search(s, at.end(), at.end() + 40)
        if dom is None:
            continue
        host = dom.group().replace(lx.WORD_DOT, ".").replace(lx.WEAK_DOT, ".")
        sub, name, suffix = split_host(tld, host)
        registered = f"{name}.{suffix}"
        if sub and sub != "mail":
            continue  # "api.stripe.com" is a service host, not where a person's mail goes
        if not suffix or not name or registered in lx.PLACEHOLDER_DOMAINS:
            continue
        if suffix in lx.PLACEHOLDER_SUFFIXES or registered in KNOWN_DOMAINS:
            continue  # a link host ("the brief @ dropbox.com") is not a mail domain
        if lx.WEAK_DOT in dom.group() and suffix not in lx.COMMON_TLDS:
            continue
        user = _user_before(s, at.start())
        if user is None:
            # '"paul", dann ein Punkt, dann "wenzel", dann das At-Zeichen ... posteo.de'
            quoted = _quoted_user(views, dv.span(at.start(), at.end())[0])
            if quoted is not None:
                end = dv.span(dom.start(), dom.end())[1]
                text = views.text[quoted[1] : end]
                value = f"{quoted[0]}@{host}"
                return Finding("email", quoted[1], end, text, value, Confidence.EMAIL_ASSEMBLED)
        if user is None and at.group() != "@":
            # "use accounts, then the at sign, then our domain brennanjoinery.ie": a plain word
            # right before the named "@", a few short words between.
            plain = _PLAIN_USER_BEFORE_RE.search(s, max(0, at.start() - 40), at.start())
            if (
                plain is not None
                and plain.group("user") not in lx.EMAIL_STOP_LOCALS
                and plain.group("user") not in lx.NAME_PLACEHOLDER_WORDS
                and plain.group("user") not in lx.STRICT_ID_WORDS
                and plain.group("user") not in lx.REST_KEYS
                and lx.PRODUCT_RE.search(s) is None
                and lx.SPEC_RE.search(s) is None
            ):
                user = plain  # not in a spec ("the form shows the user, then the at sign")
        if user is None:
            label = next(
                (
                    m
                    for m in lx.NAME_LABEL_RE.finditer(s)
                    if m.group("user") not in lx.EMAIL_STOP_LOCALS
                ),
                None,
            )
            if label is None:
                continue
            user_text, user_start = label.group("user"), label.start()
        else:
            user_text = user.group("user") if "user" in user.re.groupindex else user.group()
            user_start = user.start("user") if "user" in user.re.groupindex else user.start()
        lo, hi = min(user_start, at.start()), dom.end()
        value = f"{user_text}@{host}"
        return finding(views, dv, "email", lo, hi, value, Confidence.EMAIL_ASSEMBLED)
    if not any(p in s for p in lx.PROVIDER_DOMAIN):
        return None
    for tok in lx.USERNAME_TOKEN_RE.finditer(s):
        if not _username_shaped(tok.group()):
            continue
        provider = lx.PROVIDER_AFTER_RE.search(s, tok.end(), tok.end() + 40)
        if provider is None or provider.start() - tok.end() > 40:
            continue
        if "@" in s[tok.end() : provider.start()] or "/" in s[tok.end() : provider.start()]:
            continue
        value = f"{tok.group()}@{_provider_domain(provider)}"
        return finding(
            views, dv, "email", tok.start(), provider.end(), value, Confidence.EMAIL_ASSEMBLED
        )
    return None


# A plain word, a comma and up to three short words right before a named "@" ("accounts, then
# the at sign").
_PLAIN_USER_BEFORE_RE = re.compile(
    r"(?<![\w.@-])(?P<user>[a-z][a-z0-9]{2,30}),?(?:\s+[^\W\d_]{1,5}){0,3}\s*$"
)
# "first.last at our domain", "pangalan dot apelyido ko at ...": "at" right after the pattern.
_AT_AFTER_RE = re.compile(r"(?:\s+[^\W\d_]{1,3})?\s+(?:at|et)\s")


def _placeholder_local(local: str) -> bool:
    """A local part made of first- and last-name placeholders only ("nome.cognome+test")."""
    pieces = re.split(r"[._-]", local.split("+", 1)[0])
    return len(pieces) >= 2 and all(p in lx.NAME_PLACEHOLDER_WORDS for p in pieces)


def _domain_and_local(views: Views, tld: tldextract.TLDExtract) -> Finding | None:
    """An address given as a bare mail domain ("our company website minus the www, so
    harlowcraft.co.uk") and what goes before the "@" ("the part before it is simply jonas",
    "vorne einfach 'lena'"), in either order, in a message about e-mail."""
    if lx.LOCAL_PART_GATE.isdisjoint(views.words):
        return None
    s = views.norm.s
    if _DOMAIN_HINT_RE.search(s) is None:
        return None
    if lx.EMAIL_CUE_RE.search(s) is None and lx.ASSEMBLY_ANCHOR_RE.search(s) is None:
        return None
    local = lx.LOCAL_PART_RE.search(s)
    if local is None or lx.PRODUCT_RE.search(s) or lx.SPEC_RE.search(s):
        return None  # "validate the domain ... the part before it is free text": a spec
    user = local.group("quoted") or local.group("user")
    if (
        user in lx.EMAIL_STOP_LOCALS
        or _placeholder_local(user)
        or user in lx.NAME_PLACEHOLDER_WORDS
    ):
        return None
    for dom in lx.PIECE_DOMAIN_RE.finditer(s):
        if dom.start() <= local.start("user" if local.group("user") else "quoted") < dom.end():
            continue
        sub, name, suffix = split_host(tld, dom.group())
        registered = f"{name}.{suffix}"
        if not suffix or not name or (sub and sub not in ("www", "mail")):
            continue
        if registered in lx.PLACEHOLDER_DOMAINS or suffix in lx.PLACEHOLDER_SUFFIXES:
            continue
        if registered in KNOWN_DOMAINS or name in lx.PLACEHOLDER_DOMAIN_NAMES:
            continue
        if registered.rsplit(".", 1)[-1] in lx.FILE_EXTENSIONS:
            continue
        lo, hi = min(local.start(), dom.start()), max(local.end(), dom.end())
        value = f"{user}@{registered}"
        return finding(views, views.norm, "email", lo, hi, value, Confidence.EMAIL_ASSEMBLED)
    return None


def _user_then_provider(views: Views) -> Finding | None:
    """A username set off by commas after a username word, then a mail provider within 40
    characters, in a message about e-mail ("my email is my username from here, tomsketches,
    but at yahoo instead")."""
    if lx.USER_APPOSITION_GATE.isdisjoint(views.words):
        return None
    s = views.norm.s
    if lx.EMAIL_CUE_RE.search(s) is None:
        return None
    for m in lx.USER_APPOSITION_RE.finditer(s):
        if lx.PRODUCT_RE.search(s) or lx.SPEC_RE.search(s):
            return None  # "the username field, required, - gmail login"
        user = m.group("user")
        if user in lx.EMAIL_STOP_LOCALS or user in lx.SAME_AS_HERE:
            continue
        provider = lx.PROVIDER_AFTER_RE.search(s, m.end(), m.end() + 40)
        if provider is None:
            continue
        value = f"{user}@{_provider_domain(provider)}"
        return finding(
            views, views.norm, "email", m.start(), provider.end(), value, Confidence.EMAIL_ASSEMBLED
        )
    return None


_NAME_AFTER_RE = re.compile(
    r"[\s,:;(\-]{1,4}(?P<first>[a-z][a-z'-]+)\s+(?P<last>[a-z][a-z'-]+)(?![\w@.]\w)"
)


def _glued_name(views: Views, tld: tldextract.TLDExtract) -> Finding | None:
    """The writer's first and last name glued into the address ("for email just squash my
    first and last name together, no dot, at hotmail ... I'm Rosa Kettle"): the glue words, a
    mail provider or a bare mail domain, and the name after an introduction."""
    if lx.FULL_NAME_GATE.isdisjoint(views.words) or lx.GLUED_GATE.isdisjoint(views.words):
        return None
    s = views.norm.s
    glued = lx.GLUED_NAME_RE.search(s)
    if glued is None or lx.EMAIL_CUE_RE.search(s) is None:
        return None
    if lx.PRODUCT_RE.search(s) or lx.SPEC_RE.search(s):
        return None
    # the provider after the glue words first ("my e-mail is … together, at outlook")
    provider = lx.PROVIDER_AFTER_RE.search(s, glued.end()) or lx.PROVIDER_AFTER_RE.search(s)
    domain = _provider_domain(provider) if provider is not None else None
    where = provider
    if domain is None:
        for dom in lx.PIECE_DOMAIN_RE.finditer(s):
            sub, name, suffix = split_host(tld, dom.group())
            registered = f"{name}.{suffix}"
            if not suffix or not name or (sub and sub != "mail"):
                continue
            if registered in lx.PLACEHOLDER_DOMAINS or registered in KNOWN_DOMAINS:
                continue
            if name in lx.PLACEHOLDER_DOMAIN_NAMES or suffix in lx.PLACEHOLDER_SUFFIXES:
                continue
            domain, where = registered, dom
            break
    if domain is None or where is None:
        return None
    # The name after an introduction, or right after the glue words ("nome e cognome
    # attaccati, Marta Rizzo, su gmail").
    right_after = _NAME_AFTER_RE.match(s, glued.end())
    # or the name alone after the provider ("joined with a dot, at gmail. Rachel Okafor.")
    after_provider = _NAME_AFTER_PROVIDER_RE.match(s, where.end())
    names = [right_after, after_provider]
    sep = "." if _WITH_A_DOT.search(s, glued.start(), glued.end() + 30) else ""
    for intro in [*lx.NAME_INTRO_RE.finditer(s), *(n for n in names if n is not None)]:
        first, last = intro.group("first"), intro.group("last")
        if first in lx.EMAIL_STOP_LOCALS or last in lx.EMAIL_STOP_LOCALS:
            continue
        start, _ = views.norm.span(intro.start("first"), intro.end("first"))
        start2, _ = views.norm.span(intro.start("last"), intro.end("last"))
        if not (views.text[start : start + 1].isupper() and views.text[start2].isupper()):
            continue  # a name, capitalised: "Sou Rafael Brito", not "I'm building a"
        lo = min(glued.start(), where.start(), intro.start())
        hi = max(glued.end(), where.end(), intro.end())
        value = f"{first}{sep}{last}@{domain}"
        return finding(views, views.norm, "email", lo, hi, value, Confidence.EMAIL_ASSEMBLED)
    return None


_NAME_AFTER_PROVIDER_RE = re.compile(
    r"[\s,:;.(\-]{1,4}(?P<first>[a-z][a-z'-]+)\s+(?P<last>[a-z][a-z'-]+)\s*(?:[.!?]|$)"
)
# The glued name joined by a dot instead ("joined with a dot", "unidos con un punto").
_WITH_A_DOT = re.compile(
    r"(?<!\w)(?:with a (?:dot|period)|con (?:un )?punto|com (?:um )?ponto|avec un point"
    r"|mit (?:einem )?punkt|z kropk\w*|через точку|dot ke saath|nokta ile|pakai titik"
    r"|may tuldok)(?!\w)"
)


def _rare_at_ok(views: Views, m: re.Match[str], local: str, domain_name: str, domain: str) -> bool:
    """A rare spoken "@" ("chez", "bei": everyday prepositions) only between a username with a
    dot, underscore, hyphen or digit and a webmail domain given with its suffix ("je suis chez
    free.fr" is where someone's internet comes from, not an address)."""
    start, end = views.deob.span(m.start("at"), m.end("at"))
    if fold(views.text[start:end].strip().lower()) not in lx.RARE_AT_WORDS:
        return True
    if local.rsplit(".", 1)[-1] in lx.FILE_EXTENSIONS:
        return False
    return any(c in local for c in "._-0123456789") and domain_name in lx.WEBMAIL and "." in domain


def _spoken_example(local: str, domain_name: str, s: str, start: int) -> bool:
    """A spoken address at a domain named by what it stands for ("... et perusahaan titik com")
    that the writer does not call theirs, or made of name placeholders only ("name",
    "nome.sobrenome") at a webmail in talk about a product's form."""
    pieces = re.split(r"[._-]", local)
    placeholders = all(p in lx.NAME_PLACEHOLDER_WORDS for p in pieces)
    if domain_name in lx.PLACEHOLDER_DOMAIN_NAMES:
        # "naam dot surname at company dot com" after Hindi "mein" ("in"), which the own-address
        # words read as German "mein": placeholders at a placeholder domain are an example.
        return placeholders or lx.OWN_ADDRESS_RE.search(s, max(0, start - 40), start) is None
    if not placeholders:
        return False
    return domain_name in lx.WEBMAIL and (
        lx.PRODUCT_RE.search(s) is not None or lx.SPEC_RE.search(s) is not None
    )


def _name_pattern(views: Views, tld: tldextract.TLDExtract) -> Finding | None:
    """An address given as the pattern everyone at a company uses, plus whose it is: the
    pattern with placeholders ("first.last at our domain", "nome.cognome", "ad.soyad"), the
    company's bare domain ("kestrelworks.com") and the writer's username ("u menya eto
    anna.belova") or full name ("I'm Tom Bauer", "mera naam Vikas Rao hai")."""
    words = views.words
    if lx.NAME_PATTERN_GATE.isdisjoint(words) or lx.FIRST_NAME_GATE.isdisjoint(words):
        return None
    s = views.norm.s
    if _DOMAIN_HINT_RE.search(s) is None:
        return None
    pattern = lx.NAME_PATTERN_RE.search(s)
    if pattern is None:
        return None
    if not (
        lx.EMAIL_CUE_RE.search(s)
        or lx.PIECE_AT_RE.search(s)
        or lx.ADDRESS_WORD_RE.search(s)
        or _AT_AFTER_RE.match(s, pattern.end())
    ):
        return None  # "first.last naming for git branches": a pattern, but not of an address
    domain = None
    for dom in lx.PIECE_DOMAIN_RE.finditer(s):
        sub, name, suffix = split_host(tld, dom.group())
        registered = f"{name}.{suffix}"
        if not suffix or not name or (sub and sub != "mail"):
            continue
        if registered in lx.PLACEHOLDER_DOMAINS or suffix in lx.PLACEHOLDER_SUFFIXES:
            continue
        if registered in KNOWN_DOMAINS:
            continue  # a link host is not the company's mail domain
        domain = dom
        break
    if domain is None:
        return None
    rev = pattern.group("reversed") is not None
    sep = (pattern.group("rsep") if rev else pattern.group("sep")).strip(" ,")
    underscore = pattern.group("runderscore" if rev else "underscore")
    join = "_" if sep == "_" or underscore else "-" if sep == "-" else "."
    user: tuple[str, int, int] | None = None
    for tok in lx.USERNAME_TOKEN_RE.finditer(s):
        a, b = tok.span()
        if pattern.start() <= a < pattern.end() or domain.start() <= a < domain.end():
            continue
        if _username_shaped(tok.group()) and split_host(tld, tok.group())[2] == "":
            user = (tok.group(), a, b)
            break
    if user is None:
        for intro in lx.NAME_INTRO_RE.finditer(s):
            first, last = intro.group("first"), intro.group("last")
            if first in lx.EMAIL_STOP_LOCALS or last in lx.EMAIL_STOP_LOCALS:
                continue
            if not any(k in intro.group("intro") for k in lx.NAMING_INTRO_KEYS):
                start, _ = views.norm.span(intro.start("first"), intro.end("first"))
                start2, _ = views.norm.span(intro.start("last"), intro.end("last"))
                if not (views.text[start : start + 1].isupper() and views.text[start2].isupper()):
                    continue
            name = f"{last}{join}{first}" if rev else f"{first}{join}{last}"
            user = (name, intro.start("first"), intro.end("last"))
            break
    if user is None:
        return None
    lo = min(pattern.start(), domain.start(), user[1])
    hi = max(pattern.end(), domain.end(), user[2])
    value = f"{user[0]}@{domain.group()}"
    return finding(views, views.norm, "email", lo, hi, value, Confidence.EMAIL_ASSEMBLED)


# A dotted host-like token ("gmx.net", "wp\ue002pl"): a domain piece may be present.
# A dot (typed or spoken) between a letter or digit and two letters: "x.io". Only ever asked
# whether there is one: matched from the dot (rare, so ``search`` skips to it) with the
# character before it looked behind at, instead of from every letter.
_DOMAIN_HINT_RE = re.compile(r"[.\ue001\ue002](?<=[a-z0-9].)[a-z]{2}")


def _quoted_user(views: Views, at: int) -> tuple[str, int] | None:
    """A username given as two quoted pieces with the dot or underscore named between them,
    ending within 60 characters before the "@" (original index ``at``): the joined username
    and where it starts in the original text."""
    norm = views.norm
    if '"' not in views.text and "'" not in views.text and "“" not in views.text:
        return None
    for m in lx.QUOTED_PIECES_RE.finditer(norm.s):
        start, end = norm.span(m.start(), m.end())
        if end > at or at - end > 60:
            continue
        mid = m.group("mid")
        if lx.PIECE_UNDERSCORE_WORD_RE.search(mid):
            return f"{m.group('a')}_{m.group('b')}", start
        if lx.PIECE_DOT_WORD_RE.search(mid):
            return f"{m.group('a')}.{m.group('b')}", start
    return None


def _standalone_at(views: Views, i: int) -> bool:
    """The "@" at de-obfuscated index ``i`` stood alone in the message (" @ ", "+ @ +") or
    was said as a word ("z małpą i"), not glued into a string such as "x@y"."""
    s = views.deob.s
    if (i == 0 or not s[i - 1].isalnum()) and (i + 1 == len(s) or not s[i + 1].isalnum()):
        return True
    start, end = views.deob.span(i, i + 1)
    typed = views.text[start:end]
    return typed != "@"


def _username_shaped(user: str) -> bool:
    last = user.rsplit(".", 1)[-1]
    return not (last in lx.COMMON_TLDS or last in lx.FILE_EXTENSIONS or len(user) < 4)


def _user_before(s: str, pos: int) -> re.Match[str] | None:
    """The last username-shaped token in the 40 characters before ``pos``."""
    user = None
    for tok in lx.USERNAME_TOKEN_RE.finditer(s, max(0, pos - 40), pos):
        if _username_shaped(tok.group()):
            user = tok
    return user


def _spoken_email_ok(local: str, domain: str, strong: bool, before: str) -> bool:
    """A spoken "at" ("john at acme.io") needs more evidence than a real "@"."""
    if local in lx.EMAIL_STOP_LOCALS:
        return False
    if strong or domain in lx.WEBMAIL:
        return True
    if any(c in local for c in "._-0123456789"):
        return True
    return lx.EMAIL_CUE_RE.search(before) is not None


def _assembled(views: Views) -> Finding | None:
    """Assembly instructions: the "@" named or said as a word ("the at sign", "la chiocciola",
    "arroba") or the domain part named ("the usual google mail ending"), a mail provider (with
    its suffix, "gmail dot com", or alone, "arroba gmail"), and a username piece elsewhere in the
    message: a username-shaped token ("nova.writes") or a labelled one ("name: lena")."""
    s = views.norm.s
    for anchor in lx.ASSEMBLY_ANCHOR_RE.finditer(s):
        # The provider follows the "@"; a domain word ("ending") follows the provider.
        lo = anchor.end() if anchor.group("at") else max(0, anchor.start() - 40)
        provider = lx.PROVIDER_AFTER_RE.search(s, lo, anchor.end() + 80)
        if provider is None:
            continue
        a = min(anchor.start(), provider.start())
        b = max(anchor.end(), provider.end())
        # "my surname kowal" (no colon) only counts when the domain is given in full.
        user = _username_piece(s, a, b, loose=provider.group("suffix") is not None)
        if user is None and anchor.group("at"):
            user = _spoken_user_before(s, anchor.start(), provider.group("suffix") is not None)
        if user is None:
            continue
        value = f"{user[0]}@{_provider_domain(provider)}"
        lo, hi = min(a, user[1]), max(b, user[2])
        return finding(views, views.norm, "email", lo, hi, value, Confidence.EMAIL_ASSEMBLED)
    return None


def _spoken_user_before(s: str, at: int, suffix: bool) -> tuple[str, int, int] | None:
    """The username said right before a spoken "@", in any script (Cyrillic "ivan tochka
    petrov" before "sobaka yandex"): several pieces joined by dots when the address is given
    in full (provider and suffix) or after an e-mail word, one piece only with both."""
    lo = max(0, at - 60)
    m = lx.SPOKEN_USER_BEFORE_RE.search(s, lo, at)
    if m is None:
        return None
    raw = m.group("user")
    user = lx.SPOKEN_USER_JOIN_RE.sub(_user_join, raw)
    cue = lx.EMAIL_CUE_RE.search(s, lo, m.start()) is not None
    if user == raw:  # one piece: only with the full address and an e-mail word before it
        if not suffix or not cue or raw in lx.EMAIL_STOP_LOCALS:
            return None
    elif not suffix and not cue:
        return None  # "ravi dot sharma at gmail jaisa naam": a name, not an address given
    return user, m.start("user"), m.end("user")


def _user_join(m: re.Match[str]) -> str:
    sep = m.group().strip()
    if m.group("underscore"):
        return "_"
    return sep if sep in "_-" else "."


def _provider_domain(provider: re.Match[str]) -> str:
    prov = provider.group("prov")
    prov = lx.MAIL_PROVIDER_WORDS.get(re.sub(r"\s+", " ", prov), prov)
    raw = provider.group("suffix")
    if raw is None:
        return lx.PROVIDER_DOMAIN.get(prov, f"{prov}.com")
    parts = [lx.TLD_WORDS.get(p, p) for p in re.findall(r"[^\s.,]+", raw)]
    suffix = ".".join(p for p in parts if p in lx.COMMON_TLDS)
    return f"{prov}.{suffix}"


def _username_piece(s: str, a: int, b: int, *, loose: bool) -> tuple[str, int, int] | None:
    """The username the reader is told to put before the "@": a labelled piece ("name:
    lena"; without the colon only when ``loose``), else a username-shaped token that is not a
    file name, outside the instruction ``[a, b)``."""
    labelled = sorted(lx.NAME_LABEL_RE.finditer(s), key=lambda m: m.group("colon") is None)
    for m in labelled:
        if m.group("colon") is None and not loose:
            break
        if a <= m.start("user") < b or m.group("user") in lx.EMAIL_STOP_LOCALS:
            continue
        return m.group("user"), m.start(), m.end()
    for tok in lx.USERNAME_TOKEN_RE.finditer(s):
        if a <= tok.start() < b:
            continue
        user = tok.group()
        last = user.rsplit(".", 1)[-1]
        if last in lx.COMMON_TLDS or last in lx.FILE_EXTENSIONS or len(user) < 4:
            continue  # a domain or a file name, not a username
        return user, tok.start(), tok.end()
    return None


# --- round 11 (guard-ids6) ---------------------------------------------------------------


def _name_pair_glued(views: Views) -> Finding | None:
    """Two lowercase words to be written together, then the "@" and a mail provider ("nadia
    brook, no space, at hotmail dot com", "anton belov слитно, собака mail точка ru"); not in
    a spec, and not when either word is an everyday one ("me", "the")."""
    if lx.GLUED_GATE.isdisjoint(views.words):
        return None
    s = views.norm.s
    for glue in lx.GLUE_THEN_AT_RE.finditer(s):
        m = lx.NAME_PAIR_BEFORE_RE.search(s, max(0, glue.start() - 50), glue.start())
        provider = lx.PROVIDER_AFTER_RE.match(s, glue.end())
        if m is None or provider is None:
            continue
        first, last = m.group("first"), m.group("last")
        if first in lx.EMAIL_STOP_LOCALS or last in lx.EMAIL_STOP_LOCALS:
            continue
        if last in ("name", "names", "surname"):
            continue  # "first and last name together": the words for the name, not the name
        if lx.PRODUCT_RE.search(s) or lx.SPEC_RE.search(s):
            return None
        value = f"{first}{last}@{_provider_domain(provider)}"
        return finding(
            views, views.norm, "email", m.start(), provider.end(), value, Confidence.EMAIL_ASSEMBLED
        )
    return None


# --- round 13 -------------------------------------------------------------------------------


# The glued name itself, right after the words that say it is glued ("nome e cognome attaccati,
# marcoferri", "имя и фамилия слитно латиницей, olgasmirnova"): a lowercase Latin token of at
# least six letters, at most a couple of words on.
_GLUED_TOKEN_RE = re.compile(
    r"(?:[^\w.!?\n]{1,4}[^\s\w]*(?:[^\W\d_a-z]\w*|[a-z]{1,3})){0,2}"
    r"[^\w.!?\n]{1,4}(?P<user>[a-z][a-z0-9]{5,30})(?![\w@.]\w|@)"
)


def _glued_token(views: Views, tld: tldextract.TLDExtract) -> Finding | None:
    """The writer's name and surname, said to be glued, then written glued, then a mail
    provider or a bare mail domain within 60 characters ("è nome e cognome attaccati,
    marcoferri, poi il solito gmail", "soyadim bitisik, aysekaya, sonra bildik hotmail
    nokta com"); not in a spec."""
    if lx.FULL_NAME_GATE.isdisjoint(views.words) or lx.GLUED_GATE.isdisjoint(views.words):
        return None
    s = views.norm.s
    for glued in lx.GLUED_NAME_RE.finditer(s):
        tok = _GLUED_TOKEN_RE.match(s, glued.end())
        if tok is None or tok.group("user") in lx.EMAIL_STOP_LOCALS:
            continue
        if lx.PRODUCT_RE.search(s) or lx.SPEC_RE.search(s):
            return None
        user, hi = tok.group("user"), tok.end() + 60
        provider = lx.PROVIDER_AFTER_RE.search(s, tok.end(), hi)
        domain = _provider_domain(provider) if provider is not None else None
        where = provider
        if domain is None:
            for dom in lx.PIECE_DOMAIN_RE.finditer(s, tok.end(), hi):
                sub, name, suffix = split_host(tld, dom.group())
                registered = f"{name}.{suffix}"
                if not suffix or not name or sub or registered in lx.PLACEHOLDER_DOMAINS:
                    continue
                domain, where = registered, dom
                break
        if domain is None or where is None:
            continue
        value = f"{user}@{domain}"
        return finding(
            views,
            views.norm,
            "email",
            glued.start(),
            where.end(),
            value,
            Confidence.EMAIL_ASSEMBLED,
        )
    return None


def _provider_and_local(views: Views) -> Finding | None:
    """A mail provider named ("the usual one, gmail", "la solita di Outlook", "обычный
    gmail") and what goes before the "@" (``local_part_words``: "devant tu mets
    amandine.roux.design", "przed małpą daj michal.wrobel.dev", "önüne burak.aydin.dev koy"),
    in either order. The username must be quoted or shaped (a dot, underscore, hyphen or
    digit): "davanti metti il nome" names no address. Not in a spec."""
    if lx.LOCAL_PART_GATE.isdisjoint(views.words):
        return None
    s = views.norm.s
    local = lx.LOCAL_PART_RE.search(s)
    if local is None:
        return None
    user = local.group("quoted") or local.group("user")
    if not (local.group("quoted") or re.search(r"[._\d-]", user)):
        return None
    if (
        user in lx.EMAIL_STOP_LOCALS
        or _placeholder_local(user)
        or user in lx.NAME_PLACEHOLDER_WORDS
    ):
        return None
    if lx.PRODUCT_RE.search(s) or lx.SPEC_RE.search(s):
        return None
    user_span = local.span("quoted" if local.group("quoted") else "user")
    for provider in lx.PROVIDER_AFTER_RE.finditer(s):
        if provider.start() < user_span[1] and user_span[0] < provider.end():
            continue  # the provider is part of the username ("gmail.fan")
        lo, hi = min(local.start(), provider.start()), max(local.end(), provider.end())
        if hi - lo > 120:
            continue
        value = f"{user}@{_provider_domain(provider)}"
        return finding(views, views.norm, "email", lo, hi, value, Confidence.EMAIL_ASSEMBLED)
    return None


# A token with one "@" whose reverse is an address ("moc.kooltuo@yeltnahc.sirhc"): written
# backwards so that a filter misses it.
_AT_TOKEN_RE = re.compile(r"(?<![\w.@])[a-z0-9._-]{2,64}@[a-z0-9._-]{3,200}(?![\w@])")


def _reversed_address(views: Views) -> Finding | None:
    s = views.norm.s
    if "@" not in s:
        return None
    for m in _AT_TOKEN_RE.finditer(s):
        token = m.group().strip("._-")
        if token.rsplit(".", 1)[-1] in lx.COMMON_TLDS:
            continue  # read forwards: an address the other rules judge
        local, _, domain = token[::-1].partition("@")
        name, _, suffix = domain.rpartition(".")
        if not name or suffix not in lx.COMMON_TLDS or not local:
            continue
        if domain in lx.PLACEHOLDER_DOMAINS or name in lx.PLACEHOLDER_DOMAIN_NAMES:
            continue
        value = f"{local}@{domain}"
        return finding(
            views, views.norm, "email", m.start(), m.end(), value, Confidence.EMAIL_OBFUSCATED
        )
    return None


# Round 23: a username, an "@" and a mail provider with no ending ("paypal: d e n i z 3 4 at
# gmail", "s a m i 8 8 (at) yahoo", "deniz34@gmail"): the provider's domain is known.
_VERSION_RE = re.compile(r"v?\d+(?:\.\d+)*[a-z]?$|.*_v\d+$")


def _provider_without_ending(views: Views) -> Finding | None:
    """A username before a spoken or typed "@" and a mail provider's name that ends there.
    After a bare "at" ("3 years at yahoo", "me at gmail") the username must look like one: a
    digit, a dot or an underscore beside its letters."""
    s = views.deob.s
    for at in _at_positions(s):
        prov = _PROVIDER_AFTER_AT_RE.match(s, at + 1)
        if prov is None:
            continue
        user_m = _USER_BEFORE_AT_RE.search(s, max(0, at - 45), at)
        if user_m is None:
            continue
        user = user_m.group("user")
        if user in lx.EMAIL_STOP_LOCALS or sum(c.isalpha() for c in user) < 2:
            continue
        if s[at] == lx.WEAK_AT and (
            not any(c in user for c in "._0123456789")
            or sum(c.isalpha() for c in user) < 3
            or _VERSION_RE.match(user) is not None
            or lx.PRODUCT_RE.search(views.norm.s) is not None
        ):
            continue  # "v2.1 at gmail", "the login form at outlook": no username
        value = f"{user}@{lx.PROVIDER_DOMAIN[prov.group('prov')]}"
        return finding(
            views, views.deob, "email", user_m.start("user"), prov.end(), value,
            Confidence.EMAIL_ASSEMBLED,
        )  # fmt: skip
    return None


def _reserved_domain(name: str, suffix: str) -> bool:
    """A reserved or placeholder domain ("example.com", "*.test"): no one's address."""
    return f"{name}.{suffix}" in lx.PLACEHOLDER_DOMAINS or suffix in lx.PLACEHOLDER_SUFFIXES


# Every mail provider's name, longest first (for an alternation that takes the longest).
_PROVIDERS = "|".join(sorted((re.escape(p) for p in lx.PROVIDER_DOMAIN), key=len, reverse=True))


def _at_positions(s: str, marks: tuple[str, ...] = ("@", lx.WEAK_AT)) -> Iterator[int]:
    """Where each of ``marks`` ("@", a bare spoken "at") stands in ``s``, mark by mark (at
    most 20 in all)."""
    found = 0
    for mark in marks:
        i = s.find(mark)
        while i >= 0 and found < _AT_TRIES:
            found += 1
            yield i
            i = s.find(mark, i + 1)


_AT_TRIES = 20
_PROVIDER_AFTER_AT_RE = re.compile(r"\s?(?P<prov>" + _PROVIDERS + r")(?![\w.@\ue001\ue002-])")
_USER_BEFORE_AT_RE = re.compile(
    r"(?<![\w.@\ue000\ue001\ue002-])(?P<user>[a-z0-9][a-z0-9._-]{1,40}[a-z0-9])\s?$"
)


# Round 24: the provider first, then the username named by a username word ("gmail, username
# is tomas.reyes.audio", "c'est chez orange.fr, l'identifiant c'est elodie.marchal", "gmail pe
# milunga, id hai mohit.jain.ca"). The webmail domains of national providers count too.
_ISP_DOMAINS = (
    "orange.fr", "free.fr", "sfr.fr", "laposte.net", "wanadoo.fr", "yahoo.fr", "hotmail.fr",
    "web.de", "gmx.de", "gmx.net", "t-online.de", "wp.pl", "o2.pl", "onet.pl", "interia.pl",
    "mail.ru", "yandex.ru", "bk.ru", "list.ru", "inbox.ru", "libero.it", "virgilio.it",
    "tiscali.it", "alice.it", "uol.com.br", "bol.com.br", "terra.com.br", "hotmail.es",
    "outlook.es", "yahoo.es", "yahoo.co.in", "rediffmail.com", "yahoo.com.tr",
)  # fmt: skip
_PROVIDER_THEN_USER_RE = re.compile(
    r"(?<![\w.@])(?P<prov>"
    + "|".join(re.escape(d) for d in _ISP_DOMAINS)
    + "|"
    + _PROVIDERS
    + r")(?![\w@.])[^.!?\n@]{0,40}?(?<!\w)(?:username|user ?name|user|id|identifiant|login"
    r"|usuario|usuário|utilisateur|benutzername|nazwa|логин|kullanici adi|यूजरनेम|आईडी)(?!\w)"
    r"\s*(?:is|es|e|est|c'est|ist|hai|это|h)?\s*[:=-]?\s*"
    r"(?P<user>[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*[a-z0-9])(?![\w@])"
)


_USER_WORDS = frozenset(
    "username user name id identifiant login usuario usuário utilisateur benutzername nazwa"
    " логин kullanici यूजरनेम आईडी".split()
)


def _provider_then_username(views: Views) -> Finding | None:
    if _USER_WORDS.isdisjoint(views.words):
        return None
    s = views.norm.s
    for m in _PROVIDER_THEN_USER_RE.finditer(s):
        user = m.group("user")
        if not any(c in user for c in "._0123456789") or user in lx.EMAIL_STOP_LOCALS:
            continue
        if lx.PRODUCT_RE.search(s) or lx.SPEC_RE.search(s):
            return None  # "gmail login: the user id field …"
        prov = m.group("prov")
        domain = prov if "." in prov else lx.PROVIDER_DOMAIN[prov]
        return finding(
            views, views.norm, "email", m.start(), m.end(), f"{user}@{domain}",
            Confidence.EMAIL_ASSEMBLED,
        )  # fmt: skip
    return None


# Round 25: an address inside a file name ("propuesta_logo_contacto-ana.grafica@outlook.es.pdf",
# "angebot_kontakt-jana.hoff@posteo.de.pdf"): the file's extension after the address's domain
# hid it. The local part is what follows the file name's last "_".
_FILE_NAME_DOMAIN_RE = re.compile(
    r"(?P<domain>(?:[a-z0-9-]+\.)+[a-z]{2,24})\.(?:pdf|docx?|xlsx?|pptx?|odt|png|jpe?g|gif|webp"
    r"|zip|rar|7z|ai|psd|svg|fig|mp4|mov|wav|mp3|txt|csv)(?![\w.])"
)
_FILE_NAME_LOCAL_RE = re.compile(r"(?P<local>[a-z0-9._%+-]+)$")


def _in_file_name(views: Views, tld: tldextract.TLDExtract) -> Finding | None:
    s = views.norm.s
    for at in _at_positions(s, ("@",)):
        dom = _FILE_NAME_DOMAIN_RE.match(s, at + 1) if at > 0 else None
        loc = _FILE_NAME_LOCAL_RE.search(s, max(0, at - 80), at) if dom is not None else None
        if dom is None or loc is None:
            continue
        local = loc.group("local").rsplit("_", 1)[-1].strip(".-")
        domain = dom.group("domain")
        _, name, suffix = split_host(tld, domain)
        if not local or not name or not suffix or _placeholder_local(local):
            continue
        if _reserved_domain(name, suffix):
            continue  # "report_user@example.com.pdf": a fixture's file
        if local in lx.PLACEHOLDER_LOCALS or name in lx.PLACEHOLDER_DOMAIN_NAMES:
            continue
        return finding(
            views, views.norm, "email", loc.start(), dom.end(), f"{local}@{domain}",
            Confidence.EMAIL_ASSEMBLED,
        )  # fmt: skip
    return None
