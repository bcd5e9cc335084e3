"""Review of branches guard-ids2 and guard-intent (review3).

Every contact below was caught on main before those branches (cb2bc02) and lost after them:
a phone named by a phone word of its own language after a tracking or receipt id ("Número de
guía ..., mi celular 612 ...": the id word's window reached the phone and only English phone
words overrode it).
"""

from __future__ import annotations

import pytest

from signaling.policy.detect import Detector

RULES = Detector(learned=False)


def found(text: str, label: str) -> list[str]:
    return [text[f.start : f.end] for f in RULES.scan(text) if f.label == label]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Número de guía 123456789012, mi celular 612 345 678", "612 345 678"),
        ("Номер накладной 12345678901, мой телефон 8 912 345 67 89", "8 912 345 67 89"),
        ("Sendungsnummer 00340434161094042557, Handy 0176 33458921", "0176 33458921"),
        ("Numero di tracking 123456789012, cellulare 347 123 4567", "347 123 4567"),
        ("Nomor resi 123456789012, hp 0812 3456 7890", "0812 3456 7890"),
    ],
)
def test_a_phone_word_of_any_language_after_an_id_keeps_the_phone(text: str, span: str) -> None:
    assert found(text, "phone") == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Número de guía 123456789012",
        "Tracking number 940011189922 was delivered",
        "Номер накладной 12345678901",
    ],
)
def test_the_id_itself_stays_no_phone(text: str) -> None:
    assert found(text, "phone") == []
