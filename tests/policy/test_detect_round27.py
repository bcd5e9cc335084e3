"""Round 27 (issue 15): rules written from the train half of ``learned/own_v24_probe.jsonl``
(its test half was never read). The sentences here are new phrasings, not the probe's."""

from __future__ import annotations

import pytest

from signaling.policy.detect import scan
from tests.policy.helpers import labels, rule_labels
from tests.policy.linear import assert_linear, repeated


@pytest.mark.parametrize(
    "text",
    [
        "Previous client paid me by Wise for the first half and then disappeared, so escrow only.",
        "Una cliente antigua me pagó por Bizum y luego desapareció. Desde entonces, todo aquí.",
        "Un ancien client m'a payé par virement puis a disparu. Depuis, séquestre obligatoire.",
        "Um cliente antigo pagou por Pix e sumiu. Agora só trabalho pela plataforma.",
        "Una volta un cliente mi ha mandato tutto su WeTransfer e il link è scaduto dopo 3 giorni.",
        "W innym projekcie ktoś wysłał pliki przez Dropboxa i link wygasł, więc proszę tutaj.",
        "dans ma boîte précédente tout se passait sur Teams, visio sur visio, ici c'est calme",
    ],
)
def test_stories_of_being_let_down_are_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "WhatsApp hai mera, sab wahi pe bhejna",  # no story word: still a move
        "una volta firmato il contratto il saldo lo sistemiamo noi direttamente, senza commissioni",
        "pisz do mnie w aplikacji, gdzie wiadomości znikają",
    ],
)
def test_words_like_story_words_still_move(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        'tumne kaha "WhatsApp pe aa jao" lekin main yahin baat karunga',
        'piszesz "przenieśmy się na whatsappa", ale wolę zostać tutaj do umowy',
        "Danke für die Zoom-Einladung, aber lass uns lieber hier im Chat bleiben.",
        "ayoko ng Zoom, dito na lang tayo mag-usap",
    ],
)
def test_a_reported_request_answered_with_here_is_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("akşam zoom yapalım mı, fiyatı konuşuruz", "meeting_link"),
        ("i-refund mo na lang sa Coins.ph ko pag na-cancel", "off_platform"),
        ("بحولك ع Whish بكرا الصبح", "off_platform"),
        ("lets finish the rest on telegram, this app keeps logging me out", "off_platform"),
        ("pode ser wise? a taxa daqui é alta", "off_platform"),
        ("resztę ci zakinę? nie, po rosyjsku: остальное закину тебе на карту", "off_platform"),
        ("Podasz maila? Wyślę pliki w pełnej jakości", "off_platform"),
        ("zdjęcia wysyłajcie mi na Signalu", "off_platform"),
        ("sa Viber ko na lang ipapasa, hanapin mo lang pangalan ko", "off_platform"),
    ],
)
def test_moves_of_round_27(text: str, label: str) -> None:
    assert label in rule_labels(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("+43 676\n512\n8830\nab 18 Uhr", "436765128830"),
        ("+49 171\n44 82\n19 30", "4917144821930"),
        ("mon 07\n62 18\n44 90\nrappelle-moi ce soir", "762184490"),
    ],
)
def test_a_number_one_group_per_line_led_by_a_country_code_or_a_zero(
    text: str, number: str
) -> None:
    phones = [f.value for f in scan(text) if f.label == "phone"]
    assert any(p.endswith(number[-8:]) for p in phones), phones


@pytest.mark.parametrize(
    "text",
    [
        "scores:\n+10\n+20\n+30",  # signed numbers, no number of a phone
        "room 07\n12\n18",  # a 0 with no word of phoning in the message
    ],
)
def test_short_signed_or_zero_led_columns_are_no_number(text: str) -> None:
    assert "phone" not in labels(text)


def test_a_telemost_link_is_a_meeting_link() -> None:
    assert "meeting_link" in rule_labels("ссылка на созвон: telemost.yandex.ru/j/44018273365110")


@pytest.mark.parametrize(
    "text",
    [
        "book a slot on my cal.com, we'll go over the floor plans",
        "umów się przez mój cal.com na rozmowę",
    ],
)
def test_a_bare_cal_com_names_the_booking_tool(text: str) -> None:
    assert "meeting_link" in rule_labels(text)  # the learned layer guessed these before


def test_building_on_cal_com_is_no_move() -> None:
    assert labels("we integrate with cal.com and zoom.us through their APIs") == set()


def test_a_russian_file_verb() -> None:
    assert "off_platform" in labels("исходники перекинь через dropbox, тут лимит")


def test_a_field_in_single_brackets_is_a_template() -> None:
    assert rule_labels("No modelo deixei [seu nome] e [seu telefone] pra preencher") == set()


def test_the_round27_rules_stay_linear() -> None:
    unit = "mon 07\n62\n18 Una volta un cliente, disparu. cal.com? [seu email] ayoko ng Zoom. "
    assert_linear(lambda n: scan(repeated(unit, n)))
