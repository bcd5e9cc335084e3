"""Round 26 (issue 15): rules written from the train halves of ``learned/own_v21_probe.jsonl``
and ``own_v22_probe.jsonl`` (parts 1 and 2) and of ``own_v23_probe.jsonl`` (parts 3 to 8);
no test half was read. The sentences here are new phrasings, not the probes'."""

from __future__ import annotations

import pytest

from signaling.policy.detect import Detector, intent, scan
from signaling.policy.detect import lexicon as lx
from signaling.policy.detect.model import Finding, Views
from signaling.policy.detect.views import build_views
from tests.policy.helpers import labels
from tests.policy.linear import assert_linear, repeated


@pytest.mark.parametrize(
    "text",
    [
        # the first mention of the channel's kind is a device, the second the move
        "Notifications never reach my phone here. Could we move to WhatsApp?",
    ],
)
def test_a_later_mention_of_the_channel_is_read_when_the_first_is_a_device(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Teams po tayo mamaya, ayaw gumana ng video feature dito sa phone ko", "meeting_link"),
        ("mandami la tua email, qui non riesco ad allegare i file", "off_platform"),
    ],
)
def test_a_product_word_in_a_clause_blaming_the_platform_vetoes_nothing(
    text: str, label: str
) -> None:
    assert label in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "we need a Zoom integration, the feature doesn't work yet",
        "Kullanıcı profilinde ad ve telefon numarasını gizleme seçeneği olacak.",
    ],
)
def test_product_talk_still_vetoes(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Uygulamadan değil de direkt havale gönder, daha ucuza yaparım",
        "kung outside po tayo magbayad, 5k na lang",
        "papara hesabım var, oradan alsam iyi olur, site kesintisi de olmaz",
    ],
)
def test_payment_moves_of_part_2(text: str) -> None:
    # by the rules: the learned layer guessed one of these before
    assert "off_platform" in {f.label for f in Detector(learned=False).scan(text)}


def test_fees_of_a_means_in_a_spec_are_no_move() -> None:
    assert labels("PayPal fees are not included in the quoted price") == set()


@pytest.mark.parametrize(
    "text",
    [
        "Pourriez-vous nous communiquer votre numéro WhatsApp ?",
        "Telefon numaranızı paylaşabilir misiniz?",
        "Prześle Pan swój numer? Dyrektor woli Signal.",
        "aspetto ancora il tuo Telegram per i file",
        "Кинь свой телеграм, там удобнее",
        "BiP'ten yaz bana, buranın bildirimleri gelmiyor",
        "Mi scrivi su WhatsApp? Da qui le notifiche non mi arrivano.",
        "Reply with your email and we'll add you to our Slack",
    ],
)
def test_asks_for_a_contact_in_formal_and_colloquial_forms(text: str) -> None:
    # by the rules: the learned layer guessed some of these before
    assert "off_platform" in {f.label for f in Detector(learned=False).scan(text)}


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("my cell:\n415\n839\n2270", "4158392270"),
        ("chiamami al 347\n215\n8890", "3472158890"),
        ("номер:\n+7 916\n220\n14 05", "79162201405"),
    ],
)
def test_a_number_written_one_group_per_line_after_a_word_of_phoning(
    text: str, number: str
) -> None:
    phones = [f.value for f in scan(text) if f.label == "phone"]
    assert any(p.endswith(number[-8:]) for p in phones), phones


@pytest.mark.parametrize(
    "text",
    [
        "Quantities:\n2019\n2020\n2021",  # no word of phoning
        "Order 4471\nqty 12\n88 units",  # lines of words and digits
        "phone model years:\n2019\n2020\n2021\n2022\n2023",  # too many digits for one number
    ],
)
def test_columns_of_numbers_are_not_joined(text: str) -> None:
    assert "phone" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mi último cliente me pagó por transferencia fuera de la plataforma y tardó un mes.",
        "Mon dernier client m'a payé par virement hors plateforme et ça a pris deux mois.",
        "Прошлый клиент платил мне на карту, потом пропал.",
    ],
)
def test_the_last_client_opens_a_story(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Teams yerine sitenin kendi görüntülü arama özelliğini kullanalım, kayıt kalsın.",
        "Zoom yerine buradaki arama özelliğini kullanalım",
        "Давайте созвонимся прямо тут, через встроенный звонок в чате — так удобнее.",
    ],
)
def test_a_tool_set_aside_or_the_built_in_call_is_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "colloquio conoscitivo su Zoom con il nostro art director prima dell'incarico",
    ],
)
def test_interview_words_cue_a_meeting(text: str) -> None:
    assert "meeting_link" in labels(text)


def test_money_given_back_by_a_named_means_is_a_move() -> None:
    assert "off_platform" in labels("se não der certo, eu te devolvo pelo Pix")


def test_a_report_of_refunds_in_a_spec_is_no_move() -> None:
    assert labels("bramka platnicza:\n- przelewy24\n- blik\n- raport zwrotow w adminie") == set()


@pytest.mark.parametrize(
    "text",
    [
        "Pago por Bizum, mucho más rápido que por la plataforma y sin líos",
    ],
)
def test_faster_than_through_the_platform_sets_it_against(text: str) -> None:
    assert "off_platform" in labels(text)


def test_an_arabic_app_name_with_my_attached_names_the_handle() -> None:
    assert "handle" in labels("انستغرامي @lina.designs راسليني هناك")


@pytest.mark.parametrize(
    "text",
    [
        "Requisitos de la tienda:\n- pago con tarjeta, Bizum y PayPal\n- aviso por correo",
        "Shop-Anforderungen:\n- Zahlarten: PayPal, Klarna\n- Bestellbestätigung per Mail",
    ],
)
def test_means_in_a_list_under_a_product_heading_are_product_talk(text: str) -> None:
    assert labels(text) == set()


def test_a_list_under_a_plain_heading_still_moves() -> None:
    assert "off_platform" in labels("Zahlung:\n- bitte per PayPal an mich, spart die Gebühr")


@pytest.mark.parametrize(
    "text",
    [
        "to gravando áudio aqui no trem então prefiro pagar por transferência direto na tua conta"
        " do Inter sem passar pela plataforma",
    ],
)
def test_portuguese_no_is_in_the(text: str) -> None:
    assert "off_platform" in labels(text)


def test_a_spanish_no_still_negates() -> None:
    assert labels("no, no te pago por PayPal, todo por aquí") == set()


@pytest.mark.parametrize(
    "text",
    [
        "Odeślę ci zaliczkę przelewem, bo przez platformę to trwa tydzień.",
        "I'll wire it back to your bank, through the site refunds takes forever",
    ],
)
def test_the_platform_blamed_as_slow_keeps_nothing(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "> pay you by transfer and get 10% off?\nThanks, but no: my account could get banned.",
        "> تحول لي برا وأخصم لك؟\nأشكرك بس ما أقدر آخذ فلوس برا المنصة، حسابي ممكن يتقفل. نكمل هنا",
    ],
)
def test_the_account_at_risk_is_a_reason_to_refuse(text: str) -> None:
    assert labels(text) == set()


def _learned_move(views: Views, words: str) -> Finding:
    start = views.text.index(words)
    end = start + len(words)
    return Finding("off_platform", start, end, words, "learned:off_platform:w:x", 0.5)


@pytest.mark.parametrize(
    ("text", "words", "undone"),
    [
        # its strongest words partly in the writer's own line, which turns the quote down
        (
            "> ¿Me lo pagas por Bizum y nos ahorramos?\nPrefiero que no. Pagamos por aquí.",
            "ahorramos?\nPrefiero",
            True,
        ),
        # the writer's own line grants it
        ("> bisa bayar di luar aja?\nBoleh kak, transfer ke BCA ya", "luar aja?\nBoleh", False),
        # "not through the site" is no decline
        (
            "> скидку сделаете?\nСделаю, если переводом на карту, а не через сайт.",
            "скидку сделаете?\nСделаю",
            False,
        ),
    ],
)
def test_a_learned_move_in_a_quote_turned_down_is_undone(
    text: str, words: str, undone: bool
) -> None:
    views = build_views(text)
    move = _learned_move(views, words)
    assert intent._quoted_and_declined(views, move) is undone


def test_a_quote_answered_with_a_grant_still_moves() -> None:
    text = "> bisa bayar di luar aja?\nBoleh kak, transfer ke BCA 1234567890 a.n. Rina ya"
    assert "off_platform" in labels(text)


def test_a_folded_fragment_with_an_empty_class_is_refused_at_import() -> None:
    # the shadda folds away and leaves "[]", which would swallow the alternatives after it
    with pytest.raises(ValueError, match="language fragment"):
        lx._alt(["دو[ّ]?ر"], escape=False)


def test_every_cue_survives_its_neighbours() -> None:
    # a cue of one language must still match beside all the others (the broken fragment hid
    # "telepon saya" and every alternative after it)
    for text in ("telepon saya ke HP nanti malam ya", "scrivimi su telegram", "добавь меня"):
        assert lx.MOVE_CUE_RE.search(text.lower()) is not None, text


def test_the_round26_rules_stay_linear() -> None:
    unit = (
        "numer:\n789\n120\n556\n- blik\nZoom yerine? el último cliente, qui non riesco ad. "
        "> quote\nno. "
    )
    assert_linear(lambda n: scan(repeated(unit, n)))
