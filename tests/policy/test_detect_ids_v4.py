"""Identifiers, round 4 (issue 15, branch guard-ids2): id words further back and in every
language ("número de guía", "номер накладной", "बिल"), Hindi numbers from 10 to 99 said as
words, and a meeting id typed in groups after its link; the rules alone, without the learned
layer. The kinds come from ``tests/policy/learned/own_v4_ids.jsonl``."""

from __future__ import annotations

import pytest

from tests.policy.helpers import rule_findings as findings
from tests.policy.helpers import rule_labels as labels

# --- tracking, waybill, receipt and booking numbers ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "el número de guía 7845 1203 9981 ya aparece en Estafeta",
        "номер накладной СДЭК 1456789023, посылка уже в пункте выдачи",
        "трек-номер посылки 8061 2345 6789, придёт в пятницу",
        "Paketnummer 0034 0434 1610 9404, kommt morgen",
        "o código do boleto é 2345 6789 0123, vence sexta",
        "बिल नंबर 4471 2290 31 है, पेमेंट प्लेटफॉर्म से हो गया",
        "رقم بوليصة الشحن 7712 3456 789 من أرامكس",
        "irsaliye no 0532 7765 543, kargo yolda",
        "nomor kiriman 0812 3345 6789 sudah sampai gudang",
        "the consignment for the replacement parts you ordered is 7845 1203 9981",
    ],
)
def test_numbers_after_a_tracking_or_receipt_word_are_not_phones(text: str) -> None:
    assert "phone" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "номер накладной пришлю позже, а мой телефон 8 916 123-45-67",
        "el número de guía te llega por correo; mi cel es 55 1234 5678",
    ],
)
def test_a_phone_after_a_tracking_sentence_is_still_a_phone(text: str) -> None:
    assert "phone" in labels(text)


# --- Hindi numbers 10-99 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("मेरा नंबर नौ आठ सत्तर बयालीस पचपन इकसठ", "+919870425561"),
        ("mera number nau aath sattar bayalis pachpan iksath", "+919870425561"),
        ("number hai chhiyanve, ikyasi, chauvan, battis, sattar", "+919681543270"),
    ],
)
def test_hindi_two_digit_number_words_make_a_phone(text: str, number: str) -> None:
    assert [v for label, v, _ in findings(text) if label == "phone"] == [number]


@pytest.mark.parametrize(
    "text",
    ["हम साठ लोग हैं और सत्तर पन्ने", "hum saath kaam karenge, pachas rupaye", "das bis zwanzig"],
)
def test_hindi_number_words_in_prose_are_not_phones(text: str) -> None:
    assert "phone" not in labels(text)


# --- a meeting id in groups after its link ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["join: zoom.us/j/812 3456 7890 pass 1234", "zoom.us/j/812 3456 7890. see you"],
)
def test_a_meeting_link_takes_the_id_groups_after_it(text: str) -> None:
    assert findings(text)[:1] == [
        ("meeting_link", "zoom.us/j/81234567890", "zoom.us/j/812 3456 7890")
    ]
    assert "phone" not in labels(text)


def test_a_phone_after_a_complete_meeting_id_is_still_a_phone() -> None:
    text = "zoom.us/j/81234567890 0176 3345 8921"
    assert ("phone", "+4917633458921", "0176 3345 8921") in findings(text)
    assert ("meeting_link", "zoom.us/j/81234567890", "zoom.us/j/81234567890") in findings(text)


# --- an address given as the company's pattern plus whose it is ------------------------------


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "I'm Tom Bauer. Work mail is the usual first.last at our domain, kestrelworks.com",
            "tom.bauer@kestrelworks.com",
        ),
        (
            "Adresse wie bei allen: Vorname Punkt Nachname, Domain hafenbau.de. Ich bin Lena Kraus",
            "lena.kraus@hafenbau.de",
        ),
        ("la mail è nome.cognome come tutti, dominio ferrarilab.it, io sono Paolo Greco", None),
        (
            "почта: имя точка фамилия, у меня это anna.belova, домен severtech.ru",
            "anna.belova@severtech.ru",
        ),
        ("الاسم نقطة العائلة آت nilesoft.com.eg، وأنا اسمي karim mostafa", None),
        ("format kantor namadepan_namabelakang at lautbiru.co.id, nama saya Rina Wijaya", None),
    ],
)
def test_a_name_pattern_with_a_domain_and_a_name_is_an_address(
    text: str, address: str | None
) -> None:
    emails = [v for label, v, _ in findings(text) if label == "email"]
    assert len(emails) == 1
    if address is not None:
        assert emails == [address]


@pytest.mark.parametrize(
    "text",
    [
        "Spec: accounts get first.last at the client's domain, e.g. acme.io; I'm building the form",
        "the HR tool builds nome.cognome for every hire, see docs.example.it",
        "nome e cognome: obbligatori nel form, dominio del sito ferrarilab.it",
        "I'm Tom Bauer, lead dev. We use first.last naming for git branches, repo on gitlab.com",
        "io sono Paolo Greco, il dominio del sito è ferrarilab.it, nome.cognome è il formato",
        "mera naam Vikas Rao hai, naam.surname format mein CSV export chahiye, tarangsoft.com",
    ],
)
def test_a_name_pattern_not_of_an_address_or_without_whose_it_is_is_no_address(text: str) -> None:
    assert "email" not in labels(text)


# --- handles named by a username word a few words after the app ------------------------------


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("फेसबुक पर नहीं हूँ, इंस्टा पर मेरा हैंडल है kavya.art", "kavya.art"),
        ("whatsapp yok bende, instagramda buluşalım, kullanıcı adım zeynep.cizer", "zeynep.cizer"),
        ("على الانستا اليوزر تبعي lama_art", "lama_art"),
        ("в инсте ищи, ник там olya.photo", "olya.photo"),
        ("whatsapp pe nahi hoon yaar, snap pe add kar: karan_x9", "karan_x9"),
    ],
)
def test_a_handle_named_after_the_app_is_found(text: str, handle: str) -> None:
    handles = [(v, span) for label, v, span in findings(text) if label == "handle"]
    assert [span for _, span in handles] == [handle]
    assert not handles[0][0].startswith(("whatsapp", "фейсбук", "फेसबुक"))


@pytest.mark.parametrize(
    "text",
    [
        "the Instagram API returns the username field as a string",
        "снимаю для инсты, ник клиента там не нужен",
        "snap judgement: do_not_do_it",
    ],
)
def test_username_words_in_product_talk_are_no_handles(text: str) -> None:
    assert "handle" not in labels(text)


# --- multipliers said as "twice"/"three times" -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Handy null eins sechs null, dreimal fünf, acht sieben, zweimal vier, eins",
        "mon numéro zéro six, deux fois un, quarante-deux, trois fois sept, zéro cinq",
    ],
)
def test_times_words_repeat_a_digit_in_a_phone(text: str) -> None:
    assert "phone" in labels(text)


@pytest.mark.parametrize("text", ["ho provato 2 volte 3 soluzioni diverse", "il faut 2 fois 3 h"])
def test_times_words_in_prose_make_no_phone(text: str) -> None:
    assert "phone" not in labels(text)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "schreib an nachname punkt vorname bei uns, holzwerk-sued.de. Ich heiße Ben Albrecht",
            "albrecht.ben@holzwerk-sued.de",
        ),
        (
            "по шаблону фамилия точка имя собака ural-soft.ru, латиницей kotov.sergey",
            "kotov.sergey@ural-soft.ru",
        ),
        (
            "herkesin maili isim.soyisim şeklinde, alan adı yildizyazilim.com, adım Burak Şen",
            "burak.sen@yildizyazilim.com",
        ),
    ],
)
def test_a_name_pattern_in_either_order_is_an_address(text: str, address: str) -> None:
    assert [v for label, v, _ in findings(text) if label == "email"] == [address]


@pytest.mark.parametrize(
    "text",
    [
        'Copy: "we send links to firstname.lastname@yourcompany.com style addresses only"',
        "il campo deve accettare indirizzi tipo nome.cognome+test@dominio.it nei test",
        "ejemplo en el formulario: nombre_apellido@empresa.com.mx",
    ],
)
def test_an_address_made_of_name_placeholders_is_an_example(text: str) -> None:
    assert "email" not in labels(text)


def test_a_real_address_next_to_a_placeholder_one_is_found() -> None:
    text = "not firstname.lastname@gmail.com, mine is dana.reyes@gmail.com"
    assert [v for label, v, _ in findings(text) if label == "email"] == ["dana.reyes@gmail.com"]


def test_an_indonesian_username_word_with_its_suffix_names_a_handle() -> None:
    text = "ig aku udah gak aktif, di tiktok aja, usernamenya rara.bake"
    assert [span for label, _, span in findings(text) if label == "handle"] == ["rara.bake"]


@pytest.mark.parametrize(
    "text", ["в сигнале я tobi.k42", "на линии? нет. в сигнале меня зовут tobi_k"]
)
def test_signal_in_cyrillic_introduces_a_self_named_handle(text: str) -> None:
    assert "handle" in labels(text)


@pytest.mark.parametrize(
    "text", ["сигнал пропал в 14.30, перезвоню", "сигнал с датчика v2.1 приходит с задержкой"]
)
def test_signal_as_an_everyday_russian_word_names_no_handle(text: str) -> None:
    assert "handle" not in labels(text)


def test_a_placeholder_pattern_said_with_at_is_still_an_instruction() -> None:
    text = "emails here are lastname underscore firstname at brightwave.agency, mine: Okoro, Chidi"
    assert "email" in labels(text)


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("fejsa nie mam, na instagramie jestem kasia.szyje", "kasia.szyje"),
        ("na telegramie: ola_grafik", "ola_grafik"),
    ],
)
def test_polish_inflected_app_names_introduce_a_handle(text: str, handle: str) -> None:
    assert [span for label, _, span in findings(text) if label == "handle"] == [handle]


def test_a_polish_inflected_app_name_in_prose_is_no_handle() -> None:
    assert "handle" not in labels("post na instagramie ma 3.5 tys. polubień")


# --- a number split across sentences ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("my cell starts 646 213. last four are 0187", "+16462130187"),
        ("o número é 11 98765. o resto: 4321", "+5511987654321"),
        ("number is 917 555. then 2231", "+19175552231"),
    ],
)
def test_the_rest_of_a_number_after_a_sentence_end_joins_it(text: str, number: str) -> None:
    assert [v for label, v, _ in findings(text) if label == "phone"] == [number]


@pytest.mark.parametrize(
    "text",
    ["nomor aku 0812 3345, sisanya 6789", "номер начинается на 916 123, дальше 45 67"],
)
def test_the_rest_word_joins_the_whole_number(text: str) -> None:
    spans = [span for label, _, span in findings(text) if label == "phone"]
    assert len(spans) == 1 and spans[0].endswith(("6789", "45 67"))


@pytest.mark.parametrize(
    "text",
    [
        "call me later. we migrated 2500000 rows, the rest 300 failed",
        "text me: the invoice total is 1250000, then 450 for shipping",
    ],
)
def test_counts_and_amounts_before_a_rest_word_make_no_phone(text: str) -> None:
    assert "phone" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "our D-U-N-S number is 150483782",
        "ABN 51 824 753 556, GST registered",
        "Steuer-ID 12 345 678 901 für die Rechnung",
    ],
)
def test_more_registry_ids_are_not_phones(text: str) -> None:
    assert "phone" not in labels(text)


def test_a_phone_beside_a_registry_word_after_it_is_still_a_phone() -> None:
    assert "phone" in labels("call me: 0412 345 678 (ABN on the invoice)")


@pytest.mark.parametrize(
    "text",
    [
        "treat john.doe@gmail.com and johndoe@gmail.com as the same account",
        'Show an error if the address contains spaces, e.g. "ana silva@empresa.com"',
        "Platzhalter im Feld: max.mustermann@web.de",
        "nel campo metti come esempio info@azienda.it",
    ],
)
def test_example_people_and_example_domains_are_not_contacts(text: str) -> None:
    assert "email" not in labels(text)


@pytest.mark.parametrize(
    "text", ["write me at ana.silva@empresa-silva.com", "mail me: johnny.doe@gmail.com"]
)
def test_real_addresses_near_those_words_are_contacts(text: str) -> None:
    assert "email" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Пример номера счёта для формы: 40817810099910004312, БИК 044525225",
        "р/с 40702810900000012345, к/с 30101810400000000225, БИК 044525225",
    ],
)
def test_russian_bank_codes_are_not_phones(text: str) -> None:
    assert "phone" not in labels(text)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            'erst "paul", dann ein Punkt, dann "wenzel", dann das At-Zeichen, dann posteo.de',
            "paul.wenzel@posteo.de",
        ),
        (
            'पहले "vikram", फिर अंडरस्कोर, फिर "singh", फिर @ और आख़िर में outlook.com',
            "vikram_singh@outlook.com",
        ),
    ],
)
def test_quoted_username_pieces_with_the_separator_named_are_joined(
    text: str, address: str
) -> None:
    assert [v for label, v, _ in findings(text) if label == "email"] == [address]


def test_quoted_words_without_a_separator_word_are_no_username() -> None:
    text = 'the labels "paul" and "wenzel" go in the header, the @ mention uses posteo.de style'
    assert "email" not in labels(text)


@pytest.mark.parametrize(
    ("text", "is_phone"),
    [
        ("رقمي: صفر خمسة ستة، تلات مرات اتنين، أربعة، سبعة سبعة، تسعة تمانية", True),
        ("عندي تلات أسئلة واتنين ملاحظات على التصميم", False),
    ],
)
def test_spoken_arabic_digit_spellings(text: str, is_phone: bool) -> None:
    assert ("phone" in labels(text)) is is_phone


@pytest.mark.parametrize(
    ("text", "is_phone"),
    [
        ("yung OR number 2025-0114 at tracking LBC, dumating na", False),
        ("O.R. No. 2025-0114 for the deposit", False),
        ("Email OR number: 0917 123 4567", True),
        ("email or number 2025 0114 789", True),
    ],
)
def test_a_philippine_official_receipt_number_is_not_a_phone(text: str, is_phone: bool) -> None:
    assert ("phone" in labels(text)) is is_phone
