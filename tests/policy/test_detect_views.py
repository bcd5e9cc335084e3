"""Views: number words in every language, multipliers, emoji and local digits, de-obfuscation,
and the piece mapping back to the original text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signaling.policy.detect import lexicon as lx
from signaling.policy.detect.languages import LANGUAGES, Language
from signaling.policy.detect.text import View, fold, normalize
from signaling.policy.detect.views import build_views


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", build_views(text).digits.s)


@pytest.mark.parametrize("lang", LANGUAGES, ids=lambda lang: lang.code)
def test_every_digit_word_of_every_language_becomes_its_digit(lang: Language) -> None:
    for word, digit in lang.digits.items():
        # Seven other digits around it so the digit view is built.
        assert digits_of(f"1 2 3 {word} 4 5 6") == f"123{digit}456", word


@pytest.mark.parametrize("lang", LANGUAGES, ids=lambda lang: lang.code)
def test_every_multiplier_of_every_language_repeats_the_digit(lang: Language) -> None:
    for word, times in lang.multipliers.items():
        assert digits_of(f"1 2 3 4 {word} 7") == "1234" + "7" * times, word


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("four one five, double seven two, oh oh nine three", "4157720093"),
        ("seis uno dos, doble tres, cuatro", "612334"),
        ("tre tre tre, doppio quattro, cinque", "333445"),
        ("sześć zero dwa, podwójna siódemka, trzy", "602773"),
        ("beş üç iki, çift yedi, dört", "532774"),
        ("nol delapan satu, dobel dua, tiga", "081223"),
        ("नौ आठ, डबल सात, छह", "98776"),
        ("девятьсот шестнадцать, сто двадцать три, сорок пять", "91612345"),
        ("восемь девятьсот шестнадцать, две двойки", "891622"),
        ("zéro six, douze, soixante-dix-huit, quatre-vingt-douze", "06127892"),
        ("treinta y cuatro, veintidós, cincuenta y seis", "342256"),
        ("صفر خمسة خمسة، واحد اثنان ثلاثة", "055123"),
        ("sero siyam isa pito, isa dalawa tatlo", "0917123"),
    ],
)
def test_number_words_with_multipliers_tens_and_hundreds(text: str, digits: str) -> None:
    assert digits_of(text + " 1 2 3 4 5 6 7").startswith(digits)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7\ufe0f\u20e31\ufe0f\u20e38\ufe0f\u20e3", "718"),  # keycap emoji digits
        ("٠٥٠١٢٣", "050123"),  # Arabic-Indic digits
        ("९८७६", "9876"),  # Devanagari digits
    ],
)
def test_emoji_and_local_script_digits_normalise_to_ascii(text: str, expected: str) -> None:
    assert normalize(text).s == expected


@pytest.mark.parametrize(
    ("text", "deob"),
    [
        ("d r o p b o x . com/s/x1", "dropbox.com/s/x1"),
        ("c a l . com/max", "cal\ue002com/max"),
        ("drive[.]google[.]com/file", "drive.google.com/file"),
        ("lena [at] gmx [punkt] de", "lena@gmx.de"),
        ("kasia (małpa) onet (kropka) pl", "kasia@onet.pl"),
        ("ayse (at) hotmail (nokta) com", "ayse@hotmail.com"),
        ("'priya.k' + '@' + 'outlook.com'", "'priya.k@outlook.com'"),
        ("neha underscore singh", "neha_singh"),
        ("marco.rossi chiocciola libero", "marco.rossi@libero"),
    ],
)
def test_deobfuscation(text: str, deob: str) -> None:
    assert build_views(text).deob.s == fold(deob)


def test_spoken_local_dots_are_weak_and_english_dot_is_strong() -> None:
    s = build_views("a punto b dot c kropka d nokta e titik f tuldok g").deob.s
    assert s == "a\ue001b\ue002c\ue001d\ue001e\ue001f\ue001g"


def test_view_spans_point_at_what_the_user_typed() -> None:
    text = "Write: 7\ufe0f\u20e31\ufe0f\u20e38\ufe0f\u20e3 or ana [at] x [dot] io"
    views = build_views(text)
    d = views.deob
    at = d.s.index("@")
    assert text[slice(*d.span(at, at + 1))] == " [at] "
    seven = views.norm.s.index("7")
    assert (
        text[slice(*views.norm.span(seven, seven + 3))] == "7\ufe0f\u20e31\ufe0f\u20e38\ufe0f\u20e3"
    )


def _reference_sub(
    text: str, pattern: re.Pattern[str], new: str
) -> tuple[str, list[tuple[int, int]]]:
    """Per-character reference for View.sub on an identity view."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in pattern.finditer(text):
        a, b = m.span()
        if a == b:
            continue
        for i in range(pos, a):
            out.append(text[i])
            spans.append((i, i + 1))
        for c in new:
            out.append(c)
            spans.append((a, b))
        pos = b
    for i in range(pos, len(text)):
        out.append(text[i])
        spans.append((i, i + 1))
    return "".join(out), spans


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="ab .x", min_size=1, max_size=40),
    st.sampled_from(["", "Z", "ZZZ"]),
    st.sampled_from(["Q", ""]),
)
def test_view_pieces_match_a_per_character_reference(text: str, new1: str, new2: str) -> None:
    p1, p2 = re.compile(r" \. |xx"), re.compile(r"ab")
    first = View(text).sub(p1, lambda m: new1)
    s1, spans1 = _reference_sub(text, p1, new1)
    assert first.s == s1
    second = first.sub(p2, lambda m: new2)
    s2, spans2 = _reference_sub(s1, p2, new2)
    assert second.s == s2
    for i in range(len(s2)):
        # compose: a character of the second view stands for the union of what it covers
        a, b = spans2[i]
        lo, hi = spans1[a][0], spans1[b - 1][1]
        assert second.span(i, i + 1) == (lo, hi)


def test_lexicon_words_are_folded_like_messages() -> None:
    # "ı", "ł", "ё", Arabic hamza forms: data and messages fold the same way.
    assert "kullanici" in lx.HANDLE_ID_WORDS
    assert normalize("Kullanıcı").s == "kullanici"
    assert fold("أربعة") == normalize("أربعة").s
