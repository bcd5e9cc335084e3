"""Off-platform intent, round 4 (issue 15, branch guard-intent2): the platform's cut stated
as a share and then a way of paying the writer, tools said as slang or misspelt, apps named by
emoji, diminutive or a euphemism in a question, and the product specs and thanks that share
their words. Each positive group fails on the rules of the branch's base commit; the negative
groups guard this round's own reach (eight of their sentences, payment specs and cuts
explained, were false alarms of the base rules)."""

from __future__ import annotations

import pytest

from tests.policy.helpers import intent_values as values
from tests.policy.helpers import rule_labels


# The platform's cut as a share ("keeps 20%"), then a means or a payment to the writer.
@pytest.mark.parametrize(
    "text",
    [
        "la página se queda con el 15%, me pagas por Bizum y ya",
        "Die Seite behält 15 % ein, überweis mir lieber per PayPal",
        "la web se lleva un 15%, hazme un bizum",
        "المنصة بتاخد 15%، حوّلي على المحفظة",
        "साइट 15% काटती है, मुझे फोनपे कर दो",
    ],
)
def test_platform_cut_then_payment(text: str) -> None:
    assert "off_platform" in rule_labels(text)


# The cut explained, or paid through the platform: no move.
@pytest.mark.parametrize(
    "text",
    [
        "The site keeps 15% of each milestone, so my quote here is a little higher.",
        "La página se queda con un 15%, así que págame por la plataforma como siempre.",
        "Die Seite behält 15 % ein, das ist im Preis hier schon drin.",
        "O site fica com 15% de cada pagamento, por isso meu orçamento aqui já inclui a taxa.",
        "Биржа берёт 15%, поэтому оплатите через биржу как обычно.",
        "Platform potong 15%, jadi bayar lewat platform aja kayak biasa.",
    ],
)
def test_platform_cut_explained_is_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


# A meeting tool said as slang, inflected, misspelt or in lower case after an article.
@pytest.mark.parametrize(
    "text",
    [
        "quick zoomie after lunch?",
        "Können wir heute kurz zoomen?",
        "zdzwonimy się na zoomie w piątek",
        "yarın zoomda konuşalım mı?",
        "ci vediamo su zum stasera?",
        "on fait un petit teams jeudi ?",
        "un petit meet lundi matin ?",
        "meet aja nanti sore",
        "bikin meet yuk besok",
        "zoom aja ya besok pagi",
    ],
)
def test_meeting_tool_slang(text: str) -> None:
    assert "meeting_link" in rule_labels(text)


# The same words where they are no outside meeting.
@pytest.mark.parametrize(
    "text",
    [
        "Können Sie ins Bild reinzoomen und die Farben prüfen?",
        "Wir fahren morgen zum Kunden und zeigen den Entwurf.",
        "zoom aja gambarnya biar detailnya kelihatan",
        "The two teams will review the release notes on Monday.",
        "nice to meet you, I read the brief here",
        "Could you zoom in on the header and check the spacing?",
    ],
)
def test_meeting_words_that_are_no_tool(text: str) -> None:
    assert "meeting_link" not in rule_labels(text)


# Apps by spelling as said, diminutive, nickname or emoji, with a move.
@pytest.mark.parametrize(
    "text",
    [
        "mejor escríbeme por el wasap",
        "chama no zapzinho que te respondo",
        "scrivimi sul verdino, qui non guardo mai",
        "escríbeme al verde, el de siempre",
        "pisz na watsapie, tu rzadko bywam",
        "го в тележку, тут неудобно",
        "pásate al telegrama y lo vemos",
        "message me on the 💚📞 app",
        "ضيفني ع التلي وابعتلك هناك",
        "हरे वाले पे मैसेज कर दो",
        "wp'den yaz bana",
    ],
)
def test_app_spellings_and_emoji(text: str) -> None:
    assert "off_platform" in rule_labels(text)


# An app euphemism asked about, then a pointer back to it.
@pytest.mark.parametrize(
    "text",
    [
        "tem o verdinho? te mando as fotos lá",
        "ты в синей с самолётиком есть? скину туда",
        "may app ka nung asul na may eroplano? dun tayo",
        "sarı hayalet uygulamasında var mısın? oradan atarım",
    ],
)
def test_euphemism_question_with_pointer(text: str) -> None:
    assert "off_platform" in rule_labels(text)


# Thanks with a heart, colour questions about a design: no app.
@pytest.mark.parametrize(
    "text",
    [
        "Thanks so much 💚 I'll upload the files here tonight.",
        "Obrigado 💚 amanhã mando o arquivo final por aqui.",
        "Should the icon be the green one? I'll put it there in the header.",
        "is the blue button with the plane ok? the rest stays there as is",
    ],
)
def test_hearts_and_colour_questions_are_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


# Payment and e-mail specs that name wallets: product talk, not a payment move.
@pytest.mark.parametrize(
    "text",
    [
        "Formularz płatności ma obsługiwać BLIK, kartę i przelew, a potwierdzenie wysyłać mailem.",
        "La pasarela debe enviar un correo de confirmación cuando el cliente pague con Bizum.",
        "Le module de paiement doit envoyer un e-mail de confirmation après chaque virement.",
        "Das Zahlungsformular soll PayPal und Klarna anbieten.",
        "فورم الدفع لازم يقبل فودافون كاش والبطاقة.",
        "El panel debe mostrar cuándo el cliente paga por Mercado Pago.",
    ],
)
def test_payment_specs_are_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


def test_cut_finding_value() -> None:
    assert values("la página se queda con el 15%, me pagas por Bizum y ya") == {"pay:cut"}


# Round 5: more euphemism questions ("das grüne Ding", "el de la camarita", a diminutive logo)
# and "send me ur ..." as a cue.
@pytest.mark.parametrize(
    "text",
    [
        "hast du das blaue Ding? Da schick ich dir die Skizzen",
        "¿tienes el de la camarita? ahí te mando el video",
        "jesteś na tym z niebieskim samolocikiem? tam wyślę pliki",
        "got the app with the little ghost? send me ur name on it",
    ],
)
def test_round5_euphemisms(text: str) -> None:
    assert "off_platform" in rule_labels(text)


# A means named only to be declined, and the platform's cut then a wallet in Cyrillic.
def test_declined_means_is_clean() -> None:
    assert "off_platform" not in rule_labels(
        "Please pay the deposit through the escrow; my IBAN isn't needed here."
    )


def test_cut_then_cyrillic_wallet() -> None:
    assert "off_platform" in rule_labels("площадка берёт 15%, кинь на киви")


# Round 6: "the one with <logo>" phrased as a pronoun and a preposition ("el del pajarito",
# "quella con l'aeroplanino", "tę z duszkiem"), colours and wallets added as data.
@pytest.mark.parametrize(
    "text",
    [
        "¿sigues en el del pajarito? ahí te mando el boceto",
        "hai quella col fantasmino? ti mando lì il file",
        "masz ten z duszkiem? tam ci wyślę zdjęcia",
        "बैंगनी ऐप पे हो? वहाँ फोटो भेजता हूँ",
        "platform %15 alıyor, ininal'e at",
        "o site abocanha 15%, me manda no picpay",
    ],
)
def test_round6_pronoun_logos_and_wallets(text: str) -> None:
    assert "off_platform" in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Le tunnel de paiement doit accepter Paylib et la carte bancaire.",
        "Il checkout deve supportare PayPal e bonifico istantaneo.",
        "el del lunes ya está listo, lo subo aquí",
    ],
)
def test_round6_specs_and_pronouns_are_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


# Round 7: Teams in Polish cases and tools with Turkish case endings, Arabic "الزوم", French
# "le truc vert", the Wero wallet after the cut.
@pytest.mark.parametrize(
    "text",
    [
        "pogadajmy na teamsie w piątek?",
        "yarın meet'ten konuşalım mı?",
        "نتكلم ع الزوم بالليل؟",
    ],
)
def test_round7_meeting_tools(text: str) -> None:
    assert "meeting_link" in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "t'es sur le truc bleu ? je t'écris là-bas",
        "la plateforme prend 15 %, passe par Wero",
    ],
)
def test_round7_moves(text: str) -> None:
    assert "off_platform" in rule_labels(text)


def test_round7_it_management_spec_is_clean() -> None:
    assert "off_platform" not in rule_labels(
        "Il gestionale deve registrare i bonifici e spedire la fattura via email."
    )


# Round 8: the platform's fee and its share on an invoice: the "%" is the fee's, no saving.
@pytest.mark.parametrize(
    "text",
    [
        "On the invoice, list the platform fee (15%) apart from the VAT.",
        "Di invoice, potongan platform 15% ditulis terpisah.",
        "Sa invoice, hiwalay ang 15% fee ng platform.",
    ],
)
def test_round8_fee_share_on_invoice_is_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


def test_round8_saving_still_counts() -> None:
    assert "off_platform" in rule_labels("invoice me and we both save the 15% fee")
