"""Identifiers, round 6 (issue 15, branch guard-ids6): a digit named as a noun after a count
("три нуля", "ثلاث سبعات"), counts said as multipliers ("dwa razy", "dalawang"), the pieces of
a split number joined by "в конце"/"وآخره", an address assembled from a first and a
second part with local names of the mail domain or from a two-word name written together,
digits typed one by one after a username, a handle after "usernameku", apps named by a plane,
and numbers the writer calls a dummy or fake; the rules alone, without the learned layer. The
kinds come from ``tests/policy/learned/own_v6_ids.jsonl``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.policy.helpers import RULES
from tests.policy.helpers import rule_labels as labels
from tests.policy.helpers import rule_values as values
from tests.policy.linear import assert_linear, repeated

DATA = Path(__file__).resolve().parent / "learned" / "own_v6_ids.jsonl"
CODES = {"en", "es", "pt", "fr", "de", "it", "pl", "ru", "hi", "hi-Latn", "ar", "tr", "id", "tl"}

# --- a digit named as a noun after a count ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "мой номер: плюс семь, девять два шесть, дважды три, сорок, три нуля",
        "رقمي: صفر واحد، اثنين اثنين، ثمانية، ثلاث أصفار، تسعة",
        "اتصل: صفر خمسة، خمسة مرتين، ثلاث سبعات، أربعة واحد",
        "llámame: seis uno dos, tres ceros, cuatro cinco seis",
    ],
)
def test_a_count_then_a_digit_noun_repeats_the_digit(text: str) -> None:
    assert "phone" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "у нас три нуля в конце суммы, 3 000 000 рублей",
        "the price has three zeros too many, 5000000 is wrong",
        "в отчёте две пятёрки и три четвёрки, средний балл 4",
    ],
)
def test_digit_nouns_in_grades_and_amounts_are_no_phone(text: str) -> None:
    assert "phone" not in labels(text)


# --- counts as multipliers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "dzwoń: pięćset, dwa razy siedem, trzy razy osiem, cztery jeden",
        "number ko: sero siyam isa walo, dalawang lima, tatlong pito, apat isa",
    ],
)
def test_counts_said_before_a_digit_multiply_it(text: str) -> None:
    assert "phone" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "sprawdziłem to dwa razy, wersja 7 działa",
        "dalawang araw pa bago matapos ang logo, tatlong revisions ang kasama",
    ],
)
def test_counts_in_everyday_sentences_are_no_phone(text: str) -> None:
    assert "phone" not in labels(text)


# --- a split number's last pieces -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "номер начинается на 8 916. дальше 442. в конце 18 90",
        "رقمي يبدأ بـ 055. بعدها 874. وآخره 2210",
    ],
)
def test_split_number_pieces_joined_by_at_the_end(text: str) -> None:
    assert "phone" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "release 2. next bit is the 496 px header. last is 0738 build",
        "в заказе 8 916. дальше 442 штуки. в конце месяца 18 90",
    ],
)
def test_next_and_at_the_end_between_unrelated_numbers_are_no_phone(text: str) -> None:
    assert "phone" not in labels(text)


# --- an address in two parts, the domain named --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "pierwsza część to k.zielinski, druga to domena gmaila, połącz je",
            "k.zielinski@gmail.com",
        ),
        ("первая часть a.volkova, вторая — домен гугл почты, соедини их", "a.volkova@gmail.com"),
        (
            "पहला हिस्सा priya.s है, दूसरा हिस्सा गूगल मेल वाला डोमेन, दोनों जोड़ लो",
            "priya.s@gmail.com",
        ),
        ("الجزء الأول sara.h والجزء الثاني دومين بريد جوجل، اجمعهم", "sara.h@gmail.com"),
        ("ilk kısım m.demir, ikinci kısım google mail alan adı, birleştir", "m.demir@gmail.com"),
    ],
)
def test_first_part_and_the_named_mail_domain_make_an_address(text: str, value: str) -> None:
    assert value in values(text, "email")


@pytest.mark.parametrize(
    "text",
    [
        "alan adı seçimi: google mail entegrasyonu için domain doğrulaması lazım",
        "домен гугл почты для компании настроим после оплаты через платформу",
        "दूसरा हिस्सा: गूगल मेल वाला डोमेन वेरिफाई करना है, DNS रिकॉर्ड भेजो",
        "الدومين الجديد مربوط ببريد جوجل للشركة، الفاتورة على المنصة",
    ],
)
def test_domain_setup_talk_is_no_address(text: str) -> None:
    assert "email" not in labels(text)


# --- a two-word name glued, then the "@" and a provider -----------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("email is nadia brook, no space, at hotmail dot com", "nadiabrook@hotmail.com"),
        ("meine mail: timo berg zusammengeschrieben, at gmx punkt de", "timoberg@gmx.de"),
        ("mera mail: rohan das bina space, at gmail dot com", "rohandas@gmail.com"),
        ("email ko: jun ramos walang space, at gmail dot com", "junramos@gmail.com"),
        ("هو dina fares مع بعض at hotmail dot com", "dinafares@hotmail.com"),
    ],
)
def test_a_two_word_name_glued_then_at_a_provider_is_an_address(text: str, value: str) -> None:
    assert value in values(text, "email")


@pytest.mark.parametrize(
    "text",
    [
        "the username is first and last name without the space, at signup we lowercase it",
        "display name: jo kim, no space trimming at the moment, bug in outlook export",
        "the login field joins jo kim without the space at gmail import, see the spec",
        "im Export steht 'jana vogt' ohne Leerzeichen, Fehler beim gmx-Import",
    ],
)
def test_names_without_a_space_in_specs_and_exports_are_no_address(text: str) -> None:
    assert "email" not in labels(text)


# --- a username typed with its digits one by one ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("راسلني: reem 8 8 آت ياهو دوت كوم", "reem88@yahoo.com"),
        ("بريدي omar 4 2 آت جيميل دوت كوم", "omar42@gmail.com"),
    ],
)
def test_digits_typed_one_by_one_join_the_username(text: str, value: str) -> None:
    assert value in values(text, "email")


@pytest.mark.parametrize(
    "text",
    [
        "reach me: harper 8 8 2 at sign yahoo period com",
        "mail karo: pooja 2 2 at ka nishan yahoo dot com",
    ],
)
def test_period_and_at_ka_nishan_are_spoken_symbols(text: str) -> None:
    assert "email" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "the period ends at 5 pm, yahoo finance has the chart",
        "team 8 8 at the office, gmail outage again",
    ],
)
def test_period_and_at_in_plain_sentences_are_no_address(text: str) -> None:
    assert "email" not in labels(text)


# --- a handle after "usernameku" ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "aku gak main ig, tapi di telegram usernameku @rizky_gambar",
        "gak pake wa, di telegram usernameku dinda.motion",
    ],
)
def test_usernameku_points_at_a_handle(text: str) -> None:
    assert "handle" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "pindah ke aplikasi hijau yang ada gagang teleponnya yuk, di sana aku lebih cepat balas",
        "namanya juga usaha, revisi ketiga aku kirim besok lewat platform",
        "fitur X namanya apa ya di figma? yang buat auto layout",
    ],
)
def test_name_words_in_everyday_sentences_name_no_handle(text: str) -> None:
    assert "handle" not in labels(text)


# --- apps named by a plane ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I check the blue plane one way more than this site, ping me there instead?",
        "neele plane wale pe msg kar do, wahi baat karte hain",
        "i-message mo na lang ako sa may asul na eroplanong papel",
    ],
)
def test_an_app_named_by_its_plane_with_a_move_is_off_platform(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "for the icon set, make the plane blue and the chat bubble green",
        "icon set me plane neela aur chat bubble hara rakhna",
        "sa icon set, asul yung eroplanong papel at green yung chat bubble",
    ],
)
def test_a_plane_in_design_work_is_no_move(text: str) -> None:
    assert "off_platform" not in labels(text)


# --- numbers called a dummy or a fake ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "use 555-0100 as the dummy number in the demo screenshots",
        "mets 01 23 45 67 89 comme numéro fictif sur les captures",
        "nimm 030 12345678 als Dummy-Nummer in den Screenshots",
        "screenshots me dummy number 99999 99999 rakhna",
    ],
)
def test_a_number_called_a_dummy_is_no_phone(text: str) -> None:
    assert "phone" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "call me 0161 496 0738, not a fake one",
        "my real number 07700 900123 - no dummy",
        "call me on 0161 496 0738 for samples",
    ],
)
def test_a_number_denied_to_be_fake_stays_a_phone(text: str) -> None:
    assert "phone" in labels(text)


# --- linear time and the data file ------------------------------------------------------------


@pytest.mark.parametrize(
    "unit",
    [
        "три нуля ",
        "2 razy 7 ",
        "reem 8 8 آت ",
        "555 dummy ",
        "dummy 0161 not ",
        "next bit 44. ",
        "ab cd no space at gmail ",
    ],
)
def test_this_rounds_triggers_repeated_stay_linear(unit: str) -> None:
    assert_linear(lambda n: RULES.scan(repeated(unit, n)))


def test_own_v6_ids_data_format() -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    allowed = {"email", "phone", "handle", "off_platform"}
    assert {r["lang"] for r in rows} == CODES
    positives = [r for r in rows if r["labels"]]
    assert len(positives) >= 220 and len(rows) - len(positives) >= 220
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids)
    for r in rows:
        assert set(r) == {"id", "text", "labels", "note", "lang", "kind", "split"}
        assert r["id"].startswith(f"own6i-{r['lang']}-")
        assert set(r["labels"]) <= allowed and r["split"] in {"train", "test"}
    assert sum(r["split"] == "test" for r in rows) >= len(rows) // 4
