"""Round 4 (issue 15): a lower price for doing it off the platform is a payment move even with
no verb of paying, in every language with discount words; the rules alone, without the
learned layer."""

from __future__ import annotations

import pytest

from signaling.policy.detect import Detector

RULES = Detector(learned=False)


def rule_findings(text: str) -> list[tuple[str, str]]:
    return [(f.label, f.value) for f in RULES.scan(text)]


@pytest.mark.parametrize(
    "text",
    [
        "te hago un descuento si lo arreglamos por fuera, sin intermediarios",
        "ich mache dir einen Rabatt, falls wir das außerhalb abwickeln",
        "dam rabat, jeśli rozliczymy się poza portalem",
        "أعطيك خصم إذا دفعت خارج المنصة",
        "bibigyan kita ng discount kung sa labas tayo magbabayaran",
        "there's a discount for you if we settle this off-platform",
        "faço mais barato se for fora da plataforma",
    ],
)
def test_discount_for_going_outside_is_a_payment_move(text: str) -> None:
    found = rule_findings(text)
    assert [label for label, _ in found] == ["off_platform"]
    assert found[0][1].startswith("pay:")


@pytest.mark.parametrize(
    "text",
    [
        "the app should show a discount badge outside the platform's checkout flow",
        "we offer a student discount, everything stays here on the platform",
        "no discount if we go outside the platform, let's keep it here",
        "a 10% discount applies to the second milestone",
    ],
)
def test_discounts_without_a_move_are_clean(text: str) -> None:
    assert rule_findings(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "сделаю скидку, если оплатите мимо сайта",
        "bahar payment karoge toh 10% kam kar dunga",
        "बाहर पेमेंट कर दो, मैं डिस्काउंट दे दूंगा",
    ],
)
def test_outside_words_for_ru_and_hindi(text: str) -> None:
    assert [label for label, _ in rule_findings(text)] == ["off_platform"]
