"""Word gates (``lexicon.Gate``) skip a rule's regex when the message lacks the words every
match needs. A gate that says "no" to a message its fragment matches loses a finding; a gate
that says "yes" to everything costs the regex on every message. Both happened (round 15)."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from signaling.policy.detect import lexicon as lx
from signaling.policy.detect.languages import LANGUAGES
from signaling.policy.detect.text import fold
from signaling.policy.detect.views import build_views

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2].parent / "shared" / "corpus" / "contact_info"


def _passes(fragment: str, text: str) -> bool:
    views = build_views(text)
    return lx.fragment_gate([fragment]).may_match(views.norm.s, views.words)


def _matches(fragment: str, text: str) -> bool:
    views = build_views(text)
    body = fold(lx._lower(fragment), confusables=False)
    bounded = r"(?<!\w)(?:" + body + r")(?!\w)"
    return re.search(bounded, views.norm.s) is not None


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        # an optional leading group glued to the word after it: "another" is not "other"
        (r"(?:an)?other (?:way|means)s?", "Is there another way we can reach you?"),
        (r"(?:an)?other (?:place|spot|channel|app)s?", "is there another place i can message you"),
        # "\S" lowercased to "\s" made "भेज" look like a whole word; "भेजने" holds it
        (r"भेज\S*", "पेज पर हरा बटन दबाइए फॉर्म भेजने के लिए"),
        # "\w" matches no vowel sign: "(?<!\w)मेल" matches inside "जीमेल" (Gmail), one piece
        (r"मेल", "जीमेल इम्पोर्ट"),
        (r"(?:e-?mail|मेल) id", "जीमेल id दो"),
        # a Latin word in an alternation turned its Cyrillic words into Latin look-alikes
        (r"(?:green|зел[её]н\w*) (?:app|приложени\w*)", "Пиши мне в зелёном приложении"),
        (r"(?:green|зел[её]н\w*|blue) app", "зеленое app"),
    ],
)
def test_a_gate_passes_every_text_its_fragment_matches(fragment: str, text: str) -> None:
    assert _matches(fragment, text)
    assert _passes(fragment, text)


@pytest.mark.parametrize(
    ("fragment", "text", "other"),
    [
        # a nested group at the start: each alternative is tested, not the whole message
        (
            r"(?:fast|jaldi|(?:koi|kisi) aur) (?:tareek|tarik)[ae]",
            "koi aur tareeka batao",
            "The tariff table is attached.",
        ),
        # digits first: the words after them are the test
        (r"\d+ ?% off", "I can give you 20% off if we skip the site", "Thanks for the files."),
    ],
)
def test_a_gate_with_no_literal_start_still_tests_words(
    fragment: str, text: str, other: str
) -> None:
    gate = lx.fragment_gate([fragment])
    assert not gate.always
    assert _matches(fragment, text) and _passes(fragment, text)
    assert not _matches(fragment, other) and not _passes(fragment, other)


def test_no_gate_of_the_lexicon_passes_every_message() -> None:
    """Every gate can skip a message ("elsewhere" matches inside words and may not)."""
    gates = {name: getattr(lx, name) for name in dir(lx) if name.endswith("_GATE")}
    gates |= {f"CATEGORY_GATES[{c}]": g for c, g in lx.CATEGORY_GATES.items() if c != "elsewhere"}
    always = [name for name, gate in gates.items() if isinstance(gate, lx.Gate) and gate.always]
    assert always == []


def _texts() -> list[str]:
    paths = [*sorted(HERE.glob("*.jsonl")), *sorted((HERE / "learned").glob("own_v6_*.jsonl"))]
    paths += sorted(SHARED.glob("*.jsonl"))
    return [
        json.loads(line)["text"]
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _language_fragments() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in dataclasses.fields(LANGUAGES[0]):
        value = getattr(LANGUAGES[0], f.name)
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            out[f.name] = [frag for lang in LANGUAGES for frag in getattr(lang, f.name)]
    for name in ("PLACE", "ELSEWHERE", "WHEN", "OWN", "SWAP", "REACH", "TALK", "GIVE"):
        out["CONTACT_" + name] = lx._contact_fragments(getattr(lx, "CONTACT_" + name))
    return out


def test_every_word_list_fragment_is_passed_by_its_gate_on_the_corpora() -> None:
    """Each phrase of every language's word lists, with its own gate, over the labelled
    messages: wherever the phrase matches, the gate passes."""
    texts = [(v.norm.s, v.words) for v in map(build_views, _texts())]
    unsound = []
    for field, fragments in _language_fragments().items():
        for fragment in fragments:
            try:
                body = fold(lx._lower(fragment), confusables=False)
                regex = re.compile(r"(?<!\w)(?:" + body + r")(?!\w)")
            except re.error:
                continue  # not a regex on its own (a piece of a longer one)
            gate = lx.fragment_gate([fragment])
            if gate.always:
                continue
            for s, words in texts:
                if not gate.may_match(s, words) and regex.search(s):
                    unsound.append((field, fragment, s[:60]))
                    break
    assert unsound == []


def test_a_gate_with_many_stems_answers_as_one_test_per_stem() -> None:
    """Gates with many stems find them in one pass (Aho-Corasick): from the shared index, or,
    for a gate outside it, with its own automaton (built when first asked). Either answer is
    that of looking for each stem in the message's pieces."""
    gates = [*vars(lx).values(), *lx.CATEGORY_GATES.values()]
    indexed = [
        g for g in gates if isinstance(g, lx.Gate) and len(g._in_pieces) >= lx._STEMS_AS_ONE_PASS
    ]
    assert indexed
    alone = [dataclasses.replace(g) for g in indexed]  # the same gate, outside the index
    assert all(g._slot < 0 and g._automaton is None for g in alone)
    many = indexed + alone
    texts = [*_texts()[:1500], "the green app", "fantasminha", "o verdinho aí"]
    for views in map(build_views, texts):
        s, words = views.norm.s, views.words
        for gate in many:
            by_words = any(
                need is None or any(n <= words for n in need)
                for need in (gate.requires.get(w) for w in gate.words & words)
            )
            pieces = "\n".join(words)
            by_stem = any(stem in pieces for stem in gate._in_pieces) or any(
                stem in s for stem in gate._in_text
            )
            assert gate.may_match(s, words) == (by_words or by_stem), (s[:60], gate.stems[:3])
    assert all(g._automaton is not None for g in alone)


def test_a_union_starting_with_a_group_is_searched_part_by_part() -> None:
    """OUTSIDE_RE is "(?<!\\w)(?:not|no|...)\\s+(?:...)|outside ...|(?<!\\w)(?:...)(?!\\w)": a
    group first, so it was searched whole over every long message. Its parts are now each
    behind their own test, and the answer is still that of one search."""
    any_match = lx.OUTSIDE_ANY
    assert any_match._split and any_match._gated and any_match._bounded
    negated = [
        "no, not only through the platform",
        "I do not want to pay only here",
        "pas uniquement sur la plateforme",
        "nicht nur über die Plattform",
    ]
    plain = ["pay me directly", "indirectly", "the director", "seedha bhejo", "no worries"]
    long = " ".join(_texts()[:300])
    for text in [*negated, *plain, long, long + " " + negated[0]]:
        views = build_views(text)
        s = views.norm.s
        assert any_match.search(s, views.words) == (lx.OUTSIDE_RE.search(s) is not None), text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I'll invoice you myself for the rest.", True),
        ("I'll bill you directly for the second milestone.", True),
        ("mi agencia te factura el resto", True),
        ("Invoice INV-2024-00317 covers the first milestone.", False),
        # a long message with invoices everywhere and no word of billing apart: skipped
        # whole; with one such sentence at its end, that sentence is still found
        (" ".join(["Invoice INV-2024-00317 covers the first milestone."] * 150), False),
        (
            " ".join(["Invoice INV-2024-00317 covers the first milestone."] * 150)
            + " I'll invoice you myself for the rest.",
            True,
        ),
    ],
)
def test_billing_apart_is_read_only_where_a_word_of_it_may_be(text: str, found: bool) -> None:
    from signaling.policy.detect import intent

    assert (intent._bill_own(build_views(text), build_views(text).norm.s) is not None) == found


def test_the_shared_word_index_answers_as_each_gate_alone() -> None:
    """The lexicon's gates answer their word test from one shared index (``GateIndex``): the
    same answers as the same gate outside the index, over the corpora and their mixtures."""
    indexed = [g for g in vars(lx).values() if isinstance(g, lx.Gate) and g._slot >= 0]
    indexed += [g for g in lx.CATEGORY_GATES.values() if g._slot >= 0]
    assert len(indexed) > 30
    # their stems too: one Aho-Corasick pass over a message's pieces for every indexed gate
    assert sum(bool(g._in_pieces) for g in indexed) > 10 and lx._INDEX._by_stem
    alone = [lx.Gate(g.words, g.stems, g.always, g.requires) for g in indexed]
    assert all(g._slot == -1 for g in alone)
    texts = _texts()
    texts += [" ".join(texts[i : i + 40]) for i in range(0, len(texts), 40)]
    for views in map(build_views, texts):
        s, words = views.norm.s, views.words
        assert [g.may_match(s, words) for g in indexed] == [g.may_match(s, words) for g in alone], (
            s[:60]
        )


def test_whether_a_channel_is_named_is_answered_as_one_search() -> None:
    """Whether each channel category is named in a message is answered by its phrases whose
    words the message has (``CATEGORY_ANY``), behind its gate (``CATEGORY_GATES``; the "app"
    category's is its colours and logos, which every part of its pattern names): the same
    answer as searching the whole pattern, over the corpora and their mixtures."""
    texts = _texts()
    texts += [" ".join(texts[i : i + 40]) for i in range(0, len(texts), 40)]
    texts += [
        "the green app with the phone?",
        "la app verde",
        "the app with the blue paper plane",
        "the blue one with the bird",
        "asul na may ibon",
        "l'oiseau bleu",
        "Let's continue on the purple app, the one with the white phone in it.",
    ]
    patterns = dict(lx.CHANNEL_CATEGORIES)
    named = {c: 0 for c in patterns}
    for views in map(build_views, texts):
        s, words = views.norm.s, views.words
        for category, pattern in patterns.items():
            whole = pattern.search(s) is not None
            named[category] += whole
            gated = lx.CATEGORY_GATES[category].may_match(s, words)
            assert gated or not whole, (category, s[:60])
            assert lx.CATEGORY_ANY[category].search(s, words) == whole, (category, s[:60])
    assert all(named[c] > 0 for c in ("app", "messenger", "elsewhere", "phone", "email")), named


def test_the_app_gate_skips_a_long_message_that_only_says_app() -> None:
    """ "app" and "chat" are in most long messages; the "app" pattern pairs them with a colour
    or a logo, and its gate now asks for one of those (it passed every long message)."""
    views = build_views(" ".join(["The Zoom integration in our app drops audio."] * 200))
    assert not lx.CATEGORY_GATES["app"].may_match(views.norm.s, views.words)
