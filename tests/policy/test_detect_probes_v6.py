"""Fixes found by ``tests/policy/learned/own_v6_probe.jsonl`` (570 messages in 14 codes written by
a helper who never ran the detector while writing; its first run is in that file's README entry).
Each positive fails on the rules before the fix; the negatives keep the fix to its shape."""

from __future__ import annotations

import pytest

from tests.policy.helpers import intent_values, labels, rule_labels, rule_spans


# A dot typed with a space before it between digit groups hides a number; it ends no sentence.
@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("mi número es 0532 .. 111 .. 22 .. 33, escríbeme", "0532 .. 111 .. 22 .. 33"),
        ("numara: 0532 . 111 . 22 . 33", "0532 . 111 . 22 . 33"),
        ("07 . 61 . 22 . 48 . 90 c'est mon portable", "07 . 61 . 22 . 48 . 90"),
        ("zadzwoń 601 .. 234 .. 567", "601 .. 234 .. 567"),
    ],
)
def test_spaced_dots_between_digit_groups(text: str, span: str) -> None:
    assert rule_spans(text, "phone") == [span]


# A dot right after a group, then a space, still ends a sentence.
@pytest.mark.parametrize(
    "text",
    [
        "I ordered 3. 12 arrived today, the rest next week.",
        "Punkte 1. 22 Seiten sind fertig.",
        "v2 .. 10 .. 3 is the range of versions we support",
    ],
)
def test_a_sentence_end_between_numbers_joins_nothing(text: str) -> None:
    assert "phone" not in rule_labels(text)


# "Nr." after an id word abbreviates "number": its dot ends no sentence, so the id word still
# says the digits are an id.
@pytest.mark.parametrize(
    "text",
    [
        "unsere USt-IdNr. ist DE 123 456 789, steht schon im Plattformprofil",
        "Steuer-IdNr. 123 456 789 01 steht auf der Rechnung",
    ],
)
def test_an_id_word_abbreviated_with_nr(text: str) -> None:
    assert "phone" not in rule_labels(text)


def test_an_id_word_in_an_earlier_sentence_still_says_nothing() -> None:
    assert rule_spans("Die Bestellung ist da. Meine Nummer: 0171 234 5678", "phone") == [
        "0171 234 5678"
    ]


# A VAT number: the country code in capitals right before exactly its number of digits, however
# far the id word is (found by own_v7_probe.jsonl).
@pytest.mark.parametrize(
    "text",
    [
        "unsere USt-IdNr. für die Plattformrechnung lautet DE 123 456 789",
        "la fattura riporta sempre IT 12345678901 come partita",
        "na fakturze musi być PL 526-000-12-46, popraw proszę",
    ],
)
def test_a_vat_number_after_its_country_code(text: str) -> None:
    assert "phone" not in rule_labels(text)


# Lowercase letters, a number of another length or a "+" keep the phone.
@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("mi número de 612 345 678, llámame", "612 345 678"),
        ("mein Handy DE 0171 2345678", "0171 2345678"),
        ("call me AT 0171 2345678", "0171 2345678"),
    ],
)
def test_a_phone_after_two_letters_stays_a_phone(text: str, span: str) -> None:
    assert rule_spans(text, "phone") == [span]


# Product copy quoted for a button, banner, slogan or warning is text to build, not a move
# (found by own_v7_probe.jsonl; every one was flagged before).
@pytest.mark.parametrize(
    "text",
    [
        "the 'Pay directly with Apple Pay' button needs more contrast on mobile",
        "add a 'pay outside the EU' warning when the card country differs from the shipping one",
        "el eslogan: 'Compra directo al productor, sin intermediarios', es para una cooperativa de"
        " aceite",
        "der Button 'Direkt mit PayPal bezahlen' geht auf dem Handy unter, bitte mehr Kontrast",
        "el botón 'Paga directamente con Bizum' se pierde en el móvil, dale más contraste",
        "le bouton « Payer directement avec Lydia » doit ressortir davantage sur mobile",
        "slogan: 'Tarladan doğrudan sofranıza, aracısız' - bir sebze dükkanı için",
    ],
)
def test_quoted_product_copy_is_no_move(text: str) -> None:
    assert "off_platform" not in labels(text)


# Quotes with no copy word, a copy word far from the quote, or a move outside the copy stay moves.
@pytest.mark.parametrize(
    "text",
    [
        "I'll pay you directly on PayPal, skip the 'platform fee' nonsense",
        "my tagline says it all: pay me directly on PayPal and save 20%",
        "the 'Send' button is broken here, pay me directly on PayPal instead",
        "just press the button and pay me on paypal directly",
    ],
)
def test_a_move_beside_copy_stays_a_move(text: str) -> None:
    assert "off_platform" in labels(text)


# Paying directly from the platform's own milestone, escrow or wallet is its own flow (found by
# own_v7_probe.jsonl; each was flagged before).
@pytest.mark.parametrize(
    "text",
    [
        "¿se puede pagar directamente desde el hito o tengo que recargar el saldo antes?",
        "dá pra pagar direto pelo marco ou preciso colocar saldo na carteira antes?",
        "on peut payer directement depuis le jalon ou il faut d'abord alimenter le compte ?",
    ],
)
def test_paying_from_the_platforms_own_objects_is_no_move(text: str) -> None:
    assert "off_platform" not in labels(text)


# The same objects refused or skipped keep the move.
@pytest.mark.parametrize(
    "text",
    [
        "skip the escrow and pay me directly on PayPal",
        "pay me directly on PayPal, not from the milestone",
        "let's not use escrow, pay me directly to my bank account",
        "sin depósito en garantía, págame directo por Bizum",
    ],
)
def test_the_platforms_objects_refused_keep_the_move(text: str) -> None:
    assert "off_platform" in labels(text)


# A shopping cart is a product being built (found by own_v7_probe.jsonl).
def test_a_payment_option_in_the_cart_is_a_spec() -> None:
    assert "off_platform" not in labels("أضف خيار الدفع كاش عند الاستلام في سلة المشتريات")


def test_cash_on_delivery_instead_of_the_platform_stays_a_move() -> None:
    assert "off_platform" in labels("ادفعلي كاش عند الاستلام بدل المنصة")


# A word for "example" before a real number gives it, it does not hide it (review6).
@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Contoh nomor saya 0812 3456 7890, WA aja.", "0812 3456 7890"),
        ("örnek olsun diye değil, numaram 0532 111 22 33", "0532 111 22 33"),
    ],
)
def test_an_example_word_keeps_a_real_number(text: str, span: str) -> None:
    assert rule_spans(text, "phone") == [span]


# "Pay directly" next to the platform's own flow asks how to pay here (found by own_v7_probe.jsonl;
# each was flagged as pay:direct before).
@pytest.mark.parametrize(
    "text",
    [
        "does this platform let me pay directly from the milestone page, or fund escrow first?",
        "can I pay you directly through the platform once the milestone is approved?",
        "можно оплатить напрямую из этапа на платформе или сначала пополнить баланс?",
    ],
)
def test_paying_directly_inside_the_platform_is_no_move(text: str) -> None:
    assert "pay:direct" not in intent_values(text)


@pytest.mark.parametrize(
    "text",
    [
        "pay me directly, not through the platform",
        "rather than through the platform, pay me directly",
        "just pay me directly and we skip the milestone",
    ],
)
def test_paying_directly_instead_of_the_platform_stays_a_move(text: str) -> None:
    assert "off_platform" in labels(text)


# A place word followed by the thing it lies in names a spot in a document, page or thread, and
# "another way" that is tried is a method (review6's false alarms, own_v6_review.jsonl).
@pytest.mark.parametrize(
    "text",
    [
        "Let's continue talking about the logo elsewhere in this thread, I'll open a milestone.",
        "Podemos hablar del padding por fuera del contenedor.",
        "On peut discuter de la marge en dehors du conteneur ? Non, ailleurs dans le CSS.",
        "نحكي عن الالوان في مكان ثاني من العرض",
        "is bug ke baare mein baat karte hain, koi aur tareeka try karte hain",
    ],
)
def test_a_place_inside_a_document_is_no_move(text: str) -> None:
    assert not {v for v in intent_values(text) if v.startswith("comm:")}


# The same place words stay a move when what follows is the platform, private, or a channel.
@pytest.mark.parametrize(
    "text",
    [
        "hablemos por fuera del sitio, es más fácil",
        "let's talk somewhere else in private",
        "let's continue elsewhere on telegram",
        "let's talk elsewhere in the app with the green icon",
        "let's move this chat elsewhere on the internet",
        "ang bagal ng chat dito, sa ibang app na lang tayo mag-usap?",
        "message me privately on the app everyone uses for chat, you know the one",
    ],
)
def test_a_place_outside_or_private_stays_a_move(text: str) -> None:
    assert "off_platform" in labels(text)


# A business paying its own suppliers is a report or export being specified (own_v6_pay.jsonl's
# train false alarms; the rules flagged the method before).
@pytest.mark.parametrize(
    "text",
    [
        "nuestro cliente paga a sus proveedores por transferencia, el informe necesita esos campos",
        "notre client paie ses fournisseurs par virement, l'export doit avoir les champs bancaires",
        "unser kunde zahlt seine lieferanten per überweisung, der export braucht die bankfelder",
        "il faut un tunnel de commande où le client paie en espèces à la livraison",
        "our client pays its suppliers by wire transfer, the report needs those bank fields",
    ],
)
def test_paying_ones_suppliers_is_a_spec(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "págame por transferencia a mi cuenta, sin pasar por la plataforma",
        "paie-moi par virement directement, on évite les frais du site",
        "zahl mir per überweisung direkt, dann sparen wir die gebühr",
    ],
)
def test_paying_me_by_transfer_stays_a_move(text: str) -> None:
    assert "off_platform" in rule_labels(text)


# "Direct" as an adjective on the platform's offer ("una oferta directa", "ein direktes Angebot",
# "direct offer") is a feature of this platform (own_v6_pay, own_v6_probe, own_v7_probe).
@pytest.mark.parametrize(
    "text",
    [
        "para futuros trabajos mándame una oferta directa por aquí y la priorizo",
        "envoyez-moi une offre directe ici, je l'accepte tout de suite",
        "schick mir ein direktes Angebot hier, dann nehme ich es heute an",
        "yahin pe direct offer bhej do, aaj raat accept kar lunga",
    ],
)
def test_a_direct_offer_is_a_platform_feature(text: str) -> None:
    assert "off_platform" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "schreib mir direkt, nicht hier",
        "contact me direct, skip the site",
        "pay me direct to my account",
    ],
)
def test_direct_as_a_way_stays_a_move(text: str) -> None:
    assert "off_platform" in labels(text)
