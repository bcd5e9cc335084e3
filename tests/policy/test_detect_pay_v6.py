"""Off-platform intent, round 11 (issue 15, branch guard-pay6): moving the payment off the
platform with no identifier given. Billing the other party oneself or through one's own
business, paying privately or in cash, settling the rest between the two parties, skipping the
platform's checkout, working without the platform "in the middle", a lower price for coming
straight to the writer. Each positive fails on the rules of the branch's base commit; each
negative uses the same words on the platform, in a product spec or an invoice the platform
makes, and stays clean. Data: ``tests/policy/learned/own_v6_pay.jsonl``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.policy.helpers import RULES, rule_labels
from tests.policy.helpers import intent_values as values
from tests.policy.linear import assert_linear, repeated

DATA = Path(__file__).parent / "learned" / "own_v6_pay.jsonl"
CODES = {"en", "es", "pt", "fr", "de", "it", "pl", "ru", "hi", "hi-Latn", "ar", "tr", "id", "tl"}


# Billing the other party oneself, or through one's own company, agency or studio.
@pytest.mark.parametrize(
    "text",
    [
        "i'll invoice you myself for the logo work, simpler that way",
        "our studio will bill you for phase three",
        "el diseño del menú te lo facturo yo mismo",
        "a parte 3 eu mesmo te cobro depois",
        "je te facture moi-même la partie traduction",
        "die Übersetzung stell ich dir selbst in Rechnung",
        "la traduzione te la fatturo io con la mia ditta",
        "tłumaczenie sam ci zafakturuję",
        "перевод я сам выставлю тебе счётом",
        "logo का बिल मैं खुद आपको भेजूंगा",
        "logo ka bill main khud bhej dunga",
        "التصميم انا بفوترهولك بنفسي",
        "logo işinin faturasını kendim keserim",
        "desain logonya aku tagih sendiri ya",
        "ako na mismo mag-iinvoice sayo para sa logo",
    ],
)
def test_billing_oneself(text: str) -> None:
    assert "pay:bill" in values(text)


# Billing through the platform's own means, or the platform's invoice: no move.
@pytest.mark.parametrize(
    "text",
    [
        "I'll invoice you through the milestone tool once the logo is done",
        "the VAT invoice from my company is attached to the milestone",
        "my agency's details are on the invoice the site generated",
        "te facturo mediante la herramienta de hitos cuando acabe",
        "cobro cada hito por separado, te sale más barato al final",
        "jeden Meilenstein rechne ich separat ab, am Ende günstiger für dich",
        "should the invoice be made out to me privately or to my company?",
        "the app must let the shop owner invoice customers directly from the dashboard",
        "the platform will charge you directly for the service fee",
        "my company will invoice you, the platform takes care of it",
        "te lo cobro yo a través de la plataforma",
        "napisz do mnie prywatnie czy firmowo wystawić fakturę",
    ],
)
def test_billing_on_platform_is_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


# Paying the writer privately, in cash or in hand.
@pytest.mark.parametrize(
    "text",
    [
        "la otra mitad me la pagas en privado",
        "den Rest zahlst du mir privat",
        "il resto me lo dai a mano alla consegna",
        "resztę zapłacisz mi prywatnie",
        "вторую часть заплатишь мне лично",
        "النص التاني ادفعه لي على جنب",
        "kalan kısmı bana özelden ödersin",
        "the rest you pay me in hand when I bring the prints",
        "la segunda mitad me la pagas en mano",
        "resztę zapłacisz do ręki przy odbiorze",
        "le solde tu me le paies en main propre",
        "बाकी पैसे हाथ में दे देना",
        "buluşunca nakit verirsin",
    ],
)
def test_paying_privately_or_in_cash(text: str) -> None:
    assert values(text) & {"pay:private", "pay:cash"}


# Cash in a product spec or paid by a third party: no move.
@pytest.mark.parametrize(
    "text",
    [
        "build a checkout where users pay in cash on delivery",
        "the buyer should be able to pay in cash when the courier arrives",
        "el usuario paga en efectivo contra entrega, hay que mostrarlo en el carrito",
        "die Kunden zahlen bar bei Lieferung, das System muss das speichern",
        "pengguna bisa bayar tunai di tempat, tampilkan di keranjang",
        "once the payment is in hand I'll start on the logo",
        "el logo en negro, pago por hito",
        "wenn du privat zahlst, brauchst du keine Rechnung mit USt-ID",
    ],
)
def test_cash_in_a_spec_is_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


# Settling the rest between the two, skipping the checkout, no platform in the middle.
@pytest.mark.parametrize(
    "text",
    [
        "остаток решим между собой после сдачи",
        "बाकी हिसाब हम आपस में कर लेंगे",
        "kalanı teslimden sonra aramızda hallederiz",
        "sisanya kita beresin berdua nanti",
        "let's skip the checkout and sort it out between ourselves",
        "saltémonos el pago de la plataforma y lo arreglamos tú y yo",
        "bayarnya skip checkout aja, kita atur sendiri",
        "facciamo senza la piattaforma in mezzo",
        "machen wir es ohne die Plattform dazwischen",
        "yapalım ama platformu araya sokmadan",
        "gawin natin nang walang platform sa gitna",
    ],
)
def test_settling_between_us(text: str) -> None:
    assert values(text) & {"pay:settle", "pay:skip", "pay:middle"}


@pytest.mark.parametrize(
    "text",
    [
        "the discount code field on the checkout page is broken",
        "users should be able to skip the checkout upsell step",
        "skip the checkout tutorial, we'll handle it ourselves",
        "we can't do this without the platform in the middle, it protects us both",
        "the platform holds the rest in escrow until you approve",
        "the rest of the fee we settle between us and the agency",
        "sisanya kita beresin lewat milestone di sini",
    ],
)
def test_checkout_and_settling_talk_is_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


# A lower price for coming straight to the writer next time.
@pytest.mark.parametrize(
    "text",
    [
        "next time write me directly and i'll do it 10% less",
        "la prossima volta contattami direttamente, 15% in meno",
        "w przyszłości pisz od razu do mnie, dam 10% rabatu",
        "в следующий раз пиши сразу мне, будет на 10% дешевле",
    ],
)
def test_discount_for_coming_directly(text: str) -> None:
    assert "pay:discount" in values(text)


# The platform's "direct offer" feature: no place off the platform.
@pytest.mark.parametrize(
    "text",
    [
        "for future jobs just send me a direct offer here and i'll prioritise it",
        "sonraki işler için bana buradan direkt teklif gönder",
        "buat kerjaan selanjutnya kirim aja penawaran langsung di sini",
        "next time send me a direct offer and I'll give it 10% less",
    ],
)
def test_direct_offer_is_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


def test_data_file_format() -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert set(r) == {"id", "text", "labels", "note", "lang", "kind", "split"}
        assert r["id"].startswith(f"own6p-{r['lang']}-")
        assert r["lang"] in CODES
        assert r["split"] in {"train", "test"}
        assert r["labels"] == (["off_platform"] if r["kind"] == "payment_move" else [])
        assert r["kind"] in {
            "payment_move",
            "stays_on_platform",
            "spec_payment",
            "invoice_on_platform",
        }
    positives = Counter(r["lang"] for r in rows if r["labels"])
    benign = Counter(r["lang"] for r in rows if not r["labels"])
    assert set(positives) == set(benign) == CODES
    assert sum(positives.values()) >= 200
    assert sum(benign.values()) >= sum(positives.values())
    # every third message of each (lang, kind) is held back for the test split
    seen: Counter[tuple[str, str]] = Counter()
    for r in rows:
        key = (r["lang"], r["kind"])
        assert r["split"] == ("test" if seen[key] % 3 == 2 else "train")
        seen[key] += 1


# Long messages made of this round's trigger words, with and without sentence breaks.
@pytest.mark.parametrize(
    "unit",
    [
        "invoice you myself ",
        "te lo cobro yo directamente ",
        "pay me in cash in hand privately ",
        "settle the rest between us ",
        "skip the checkout ourselves ",
        "without the platform in the middle. ",
        "10% less directly ",
        "я сам выставлю тебе счёт ",
    ],
)
def test_round_is_linear(unit: str) -> None:
    assert_linear(lambda n: RULES.scan(repeated(unit, n)))
