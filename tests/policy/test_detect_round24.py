"""Round 24 (issue 15): rules written from the train half of ``learned/own_v21_probe.jsonl``
(its test half was never read). The sentences here are new phrasings, not the probe's."""

from __future__ import annotations

import pytest

from signaling.policy.detect import scan
from tests.policy.helpers import labels
from tests.policy.linear import assert_linear, repeated


@pytest.mark.parametrize(
    "text",
    [
        "el año pasado una agencia me pagó por Payoneer y nunca llegó el dinero, ahora solo aquí",
        "Letztes Jahr hat mir ein Startup per PayPal gezahlt und dann zurückgebucht.",
        "l'anno scorso un cliente mi ha pagato con bonifico fuori dal sito, mai più",
        "в прошлом году заказчик платил мне на карту, потом пропал",
        "my old client paid me through Wise and it took three weeks to arrive",
        "il vecchio grafico ci mandava i file su WeTransfer e scadevano sempre",
        "pichle saal client ne paytm pe payment kiya tha, baaki paisa kabhi nahi aaya",
    ],
)
def test_a_payment_told_as_a_story_of_the_past_is_no_move(text: str) -> None:
    assert "off_platform" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "last year you paid me through Wise, let's do that again for this one",
        "like last time, transfer to the same account please",
        "kayak kemarin aja ya, transfer ke rek yang sama",
        "geçen seferki gibi nakit ver parayı",
    ],
)
def test_the_past_named_to_propose_the_same_way_again_is_still_a_move(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "seguimos por donde no cobran comisión y te hago precio",
        "on finit là où y'a pas de frais ? 😉",
        "machen wir dort weiter, wo keine Provision abgezogen wird",
        "dokończmy tam, gdzie nie ma prowizji",
        "let's wrap this up where there's no fee",
        "komisyon olmayan yerden devam edelim mi",
        "lanjut di tempat yang gak ada potongan aja",
        "doon na lang tayo sa walang fee",
    ],
)
def test_a_place_named_by_the_fee_it_lacks_is_a_payment_move(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "here, where there are no hidden fees, everything is covered",
        "I don't know where the fee shows up in the invoice",
        "where is the fee? I can't find it on the milestone page",
        "our pricing page: the plan where there is no fee for the first month",
    ],
)
def test_where_and_a_fee_in_other_talk_is_no_move(text: str) -> None:
    assert "off_platform" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "write to my other account, this one gets flagged",
        "у меня есть запасной аккаунт, давай туда",
        "doosre account pe msg karo, ye wala band hoga",
        "mejor escríbeme a mi otra cuenta, esta la voy a cerrar",
        "diğer hesabıma yazın, bu hesap kısıtlı",
        "chat di akun aku yang lain aja ya",
    ],
)
def test_the_writers_other_account_is_a_move(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "our other account manager will join the call here",
        "the client's second account needs the same permissions",
        "I don't use my other account anymore",
        "the app must let users switch to their second account",
    ],
)
def test_other_accounts_that_are_no_move(text: str) -> None:
    assert "off_platform" not in labels(text)


def test_the_round24_rules_stay_linear() -> None:
    unit = "last year where no fee was due, my other account paid by paypal. "
    assert_linear(lambda n: scan(repeated(unit, n)))


@pytest.mark.parametrize(
    "text",
    [
        "IBAN IT02 L123 4512 3451 2345 6789 012 intestato a Marco Neri, causale grafica",
        "nr konta PL27 1140 2004 0000 3002 0135 5387, tytułem projekt logo",
        "ده الايبان حقي EG38 0019 0005 0000 0000 2631 8000 2 باسم كريم",
        "BPI po acct ko, 3149 0021 7788, Ana Cruz. i-deposit niyo na lang",
        "IBAN: ES91 2100 0418 4502 0005 1332, a nombre de Lucía Ortega",
    ],
)
def test_an_account_number_with_its_holder_or_reference_is_a_payment_move(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "the IBAN field validates ES91 2100 0418 4502 0005 1332 and shows the account name",
        "the form has an account name field and an IBAN field, both required",
    ],
)
def test_account_fields_of_a_product_are_no_move(text: str) -> None:
    assert "off_platform" not in labels(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("mon discord c'est m a t h i s o, tout en minuscules", "discord:mathiso"),
        ("тг: k o s t y a подчеркивание p r o", "тг:kostya_pro"),
        ("ig: p i x e l _ f e r n", "instagram:pixel_fern"),
        ("tele: @ rina _ ilustrasi (spasinya hapus)", "telegram:@rina_ilustrasi"),
        ("insta पे ढूंढो: kavya डॉट art डॉट studio", "instagram:kavya.art.studio"),
        ("easier on discord tbh, my username is pixelfern", "discord:pixelfern"),
    ],
)
def test_an_identifier_spelled_out_after_an_app_is_a_handle(text: str, value: str) -> None:
    assert value in {f.value for f in scan(text) if f.label == "handle"}


@pytest.mark.parametrize(
    "text",
    [
        "line: a b c d e f g are the options",
        "la tele: @ 8 pm hay partido",
        "Insta pe mera naam search kar lo, profile pic same hai",
        "the Instagram API returns the username field",
    ],
)
def test_letters_or_words_after_an_app_that_are_no_handle(text: str) -> None:
    assert "handle" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "paypal.me/luciaphoto, como amigos porfa que si no cobran comisión",
        "https://www.paypal.me/kemal34",
        "buy.stripe.com/5kA9bQ deposit there please",
        "revolut.me/tomekdesign, wyślij tam",
    ],
)
def test_a_payment_link_is_a_payment_move(text: str) -> None:
    assert "off_platform" in labels(text)


def test_a_payment_link_in_a_product_spec_is_no_move() -> None:
    assert "off_platform" not in labels(
        "the checkout should create a buy.stripe.com/xyz link for each order"
    )


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("zoom'u platform dışından açalım, bunlarınki donuyor", "meeting_link"),
        ("nuestro equipo usa teams para todo, te invito a una reunión el lunes?", "meeting_link"),
        ("liga no meu whats por vídeo amanhã?", "off_platform"),
        ("Können wir das per Mail weiterbesprechen?", "off_platform"),
        ("posso mandar o valor em btc pela binance?", "off_platform"),
        ("napisz na wacapa, tu nie widzę powiadomień", "off_platform"),
        ("wp den yazsana", "off_platform"),
        ("email ko: rio dot santos atsign gmail dot com", "email"),
        ("gmail, username is maya.lens.studio", "email"),
        ("c'est chez free.fr, l'identifiant c'est paul.girard", "email"),
        ("gmail pe milunga, id hai rohit.k.92", "email"),
    ],
)
def test_round24_moves_and_identifiers(text: str, label: str) -> None:
    assert label in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "agendé la reunión con el botón de zoom de acá, te aparece en el calendario",
        "> может напрямую на карту, без комиссии?\nнет, только через сделку, сорян",
        "we use teams of three people for each sprint, call me if you want details",
        "the gmail login uses the user id usr_1234 from the db",
    ],
)
def test_round24_no_moves(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "> сколько за логотип?\nздесь 8000, а если напрямую мимо сайта — 6500",
        "> Was kostet die Website?\n2.400 € hier über die Plattform, 2.100 € wenn du per PayPal"
        " direkt zahlst",
        "> كم السعر؟\n٥٠٠ دولار، بس لو حولت باي بال تصير ٤٥٠",
        "agar payment bahar karo to logo free bana dunga",
        "acconto 200€, saldo 300€, ma tutto fuori di qui che la fee è alta",
    ],
)
def test_a_cheaper_price_outside_is_a_payment_move(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "тестовая карта 4242 4242 4242 4242 для Stripe, CVC любой",
        "fatura no 2025/0412, IBAN TR00 0000 0000 0000 0000 0000 00 örnek olarak",
        "logo 300, site 1200, total 1500, paid through the platform milestones",
        "the checkout accepts PayPal and cards; plans cost 9.99 and 19.99",
    ],
)
def test_prices_and_numbers_without_a_way_out_are_no_move(text: str) -> None:
    assert "off_platform" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "cancel the order here and pay me the rest by Wise",
        "предлагаю договор напрямую с нашей фирмой, а заказ здесь отменить",
        "نتقابل وادفعلك كاش ونلغي الطلب من هنا",
        "pode ser Pix mesmo e a gente cancela o contrato aqui",
        "ja, gleiche IBAN wie beim letzten Mal, dann storniere ich den Auftrag hier",
    ],
)
def test_the_order_here_cancelled_with_a_direct_way_is_a_payment_move(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Can we cancel the order here and reopen it with the right budget?",
        "please do not cancel the order here, paying directly is against the rules",
        "I had to cancel the order here last year, the client paid by PayPal instead",
    ],
)
def test_an_order_cancelled_without_a_way_out_is_no_move(text: str) -> None:
    assert "off_platform" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "mi contadora te va a escribir con los datos para que transfieras directo",
        "tu peux me transférer directement sur mon compte Revolut",
    ],
)
def test_transfer_verbs_in_their_forms_are_payment_verbs(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Entiendo lo de la comisión, pero me quedo con el pago por acá, así estamos cubiertos",
        "धन्यवाद, पर मैं डायरेक्ट UPI नहीं लेता, साइट के नियम हैं",
        "shukriya, par main direct UPI nahi leta, site ke rules hain",
        "marunong ka ba gumawa ng Viber chatbot? para sa FAQs ng clinic",
        "el cliente transfiere el archivo por la plataforma",
    ],
)
def test_refusals_and_builds_that_name_a_means_are_no_move(text: str) -> None:
    assert "off_platform" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "jak pominiemy serwis, zejdę z ceny o stówkę",
        "साइट पे डील छोटी बना लो, बाकी पैसे मैं अलग से दे दूँगा",
        "site pe deal chhoti bana lo, baaki paise main alag se de dunga",
    ],
)
def test_skipping_the_site_for_a_discount_or_the_rest_paid_aside_is_a_move(text: str) -> None:
    assert "off_platform" in labels(text)
