"""Faster equivalents of the long alternations in ``lexicon``.

Python's ``re`` tries every alternative of ``a|b|c...`` at every position. Grouping the
alternatives by their first literal character ("pay|paid|pix" becomes "p(?:ay|aid|ix)") lets
it reject a position after one comparison per distinct first character instead of one per
alternative, which matters on 10,000-character messages. :func:`optimize` does that for every
group with many alternatives; what a pattern matches does not change.
"""

from __future__ import annotations

import re

_META = frozenset("\\[](){}.*+?^$|")
_MIN_ALTERNATIVES = 6


def _parse_alt(p: str, i: int) -> tuple[list[list[str]], int]:
    """Parse alternatives from p[i:] until an unmatched ')' or the end; atoms are strings."""
    alts: list[list[str]] = [[]]
    while i < len(p):
        c = p[i]
        if c == ")":
            return alts, i
        if c == "|":
            alts.append([])
            i += 1
            continue
        if c == "\\":
            atom = p[i : i + 2]
            i += 2
        elif c == "[":
            j = i + 1
            if j < len(p) and p[j] == "^":
                j += 1
            if j < len(p) and p[j] == "]":
                j += 1
            while p[j] != "]":
                j += 2 if p[j] == "\\" else 1
            atom = p[i : j + 1]
            i = j + 1
        elif c == "(":
            j = i + 1
            prefix = ""
            if p.startswith("?P<", j):
                k = p.index(">", j)
                prefix = p[j : k + 1]
            elif p.startswith(("?<=", "?<!"), j):
                prefix = p[j : j + 3]
            elif p.startswith(("?:", "?=", "?!"), j):
                prefix = p[j : j + 2]
            elif p.startswith("?P=", j):
                k = p.index(")", j)
                atom = p[i : k + 1]
                i = k + 1
                alts[-1].append(atom)
                continue
            inner, k = _parse_alt(p, j + len(prefix))
            atom = "(" + prefix + _emit(inner) + ")"
            i = k + 1
        else:
            atom = c
            i += 1
        # quantifiers
        while i < len(p) and p[i] in "*+?{":
            if p[i] == "{":
                k = p.index("}", i)
                atom += p[i : k + 1]
                i = k + 1
            else:
                atom += p[i]
                i += 1
        alts[-1].append(atom)
    return alts, i


def _emit(alts: list[list[str]]) -> str:
    if len(alts) < _MIN_ALTERNATIVES:
        return "|".join("".join(a) for a in alts)
    buckets: dict[str, list[str]] = {}
    other: list[str] = []
    for a in alts:
        if a and len(a[0]) == 1 and a[0] not in _META:
            buckets.setdefault(a[0], []).append("".join(a[1:]))
        else:
            other.append("".join(a))
    parts = []
    for first, rests in buckets.items():
        if len(rests) == 1:
            parts.append(re.escape(first) if first in _META else first)
            parts[-1] += rests[0]
        else:
            ne = [r for r in rests if r]
            tail = "|" if len(ne) < len(rests) else ""
            parts.append(first + "(?:" + "|".join(ne) + tail + ")")
    return "|".join(parts + other)


def optimize(pattern: str) -> str:
    alts, i = _parse_alt(pattern, 0)
    assert i == len(pattern), (i, len(pattern))
    return _emit(alts)


def compile_fast(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` of the optimised pattern."""
    return re.compile(optimize(pattern), flags)
