"""Identifiers, round 3 (issue 15, branch guard-ids): phone spans that must not cross a
version number or a "+" that starts a new number, reference numbers ("2024/118 ... fatura",
in Turkish) in every language, and the kinds of ``tests/policy/learned/own_v3_ids.jsonl``; the
rules alone, without the learned layer."""

from __future__ import annotations

import re

import pytest

from signaling.policy.detect.views import build_views
from tests.policy.helpers import RULES, rule_findings
from tests.policy.helpers import rule_labels as labels

# --- phones: what a number may be joined to -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "span"),
    [
        (
            "TypeScript 5.4 and deploy on Vercel. Call me on +1 415 726 8950",
            "+14157268950",
            "+1 415 726 8950",
        ),
        ("We're on Node 20.11 now. Phone: +44 7700 900123", "+447700900123", "+44 7700 900123"),
        ("Budget 3.5k, ok. Call +49 176 33458921 tomorrow", "+4917633458921", "+49 176 33458921"),
    ],
)
def test_a_plus_number_is_not_glued_to_a_version_in_the_sentence_before(
    text: str, number: str, span: str
) -> None:
    phones = [(value, s) for label, value, s in rule_findings(text) if label == "phone"]
    assert phones == [(number, span)]


def test_a_number_split_across_sentences_is_still_joined() -> None:
    phones = [v for label, v, _ in rule_findings("Area code is 415. The rest is 726 0093.")]
    assert phones == ["+14157260093"]


@pytest.mark.parametrize(
    "text",
    [
        "2024/118 numaralı fatura ödendi",
        "2023/4471 nolu sipariş kargoya verildi",
        "bill number 2024/118 hai, payment platform se hi",
        "invoice number 2024/118 is paid, thanks",
        "la factura número 2024/0457 ya está pagada",
        "счёт номер 2024/118, оплачен через платформу",
        "رقم التتبع للشحنة 7712345678، توصل الخميس",
        "رقم الفاتورة 2024118 وصل",
        "ref 4471190 3349821 order",
        "kod 8812 3349 numaralı sipariş",
    ],
)
def test_invoice_order_and_reference_numbers_are_not_phones(text: str) -> None:
    assert "phone" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "numaram 0532 776 5543, fatura için de yazabilirsin",
        "call me on 0176 3345 8921, invoice is attached here",
        "мой номер +7 916 123-45-67 заказ обсудим здесь",
    ],
)
def test_a_phone_near_an_invoice_word_is_still_a_phone(text: str) -> None:
    assert "phone" in labels(text)


# --- phones: number words read in groups (tens, hundreds, compounds) and "twice" ----------


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("beş yüz otuz iki, çift yedi, altmış beş, kırk üç", "532776543"),
        ("null eins sieben sechs, dreiundvierzig, siebzehn, achtundneunzig", "0176431798"),
        ("tre tre nove, settantotto, ventuno, quarantadue", "339782142"),
        ("nol delapan satu dua, tiga puluh empat, sebelas, dua ratus lima", "08123411205"),
        ("صفر خمسة خمسة، خمسة وخمسين، اثنين وعشرين، تسعين", "055552290"),
        ("नौ आठ दो बार सात छह", "98776"),
        ("nau aath do baar saat chhe", "98776"),
    ],
)
def test_number_words_in_groups_become_digits(text: str, digits: str) -> None:
    assert re.sub(r"\D", "", build_views(text).digits.s) == digits


@pytest.mark.parametrize(
    "text",
    [
        "numaram: beş yüz otuz iki, çift yedi, altmış beş, kırk üç",
        "ruf mich an: null eins sieben sechs, dreiundvierzig, siebzehn, achtundneunzig",
        "il mio numero: tre tre nove, settantotto, ventuno, quarantadue",
        "nomorku nol delapan satu dua, tiga puluh empat, lima enam, tujuh delapan",
        "رقمي صفر خمسة خمسة، خمسة وخمسين، اثنين وعشرين، تسعين، ستة",
        "मेरा नंबर नौ आठ एक दो, दो बार सात, छह पाँच तीन",
    ],
)
def test_phones_said_in_groups_are_found(text: str) -> None:
    assert labels(text) == {"phone"}


@pytest.mark.parametrize(
    "text",
    [
        "numaram 0532 776 55 43, yüz yüze de görüşebiliriz",
        "call me on 415 726 8950, I'm on it",
    ],
)
def test_a_bare_hundred_or_an_everyday_word_does_not_extend_a_phone(text: str) -> None:
    spans = [s for label, _, s in rule_findings(text) if label == "phone"]
    assert len(spans) == 1 and spans[0][-1].isdigit()


# --- e-mail: a username said in another script before a spoken "@" -------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("почта: иван точка петров собака яндекс точка ру", "иван.петров@yandex.ru"),
        ("почта: оля_смирнова собака рамблер точка ру", "оля_смирнова@rambler.ru"),
        ("मेरा ईमेल: रवि डॉट शर्मा एट जीमेल डॉट कॉम", "रवि.शर्मा@gmail.com"),
        ("ईमेल करो: अमित_वर्मा एट आउटलुक डॉट कॉम", "अमित_वर्मा@outlook.com"),
        ("ايميلي: سارة نقطة علي آت جيميل دوت كوم", "سارة.علي@gmail.com"),
        ("почта: иван собака яндекс точка ру", "иван@yandex.ru"),
    ],
)
def test_a_username_in_any_script_before_a_spoken_at_is_an_address(text: str, value: str) -> None:
    assert [(label, v) for label, v, _ in rule_findings(text)] == [("email", value)]


@pytest.mark.parametrize(
    "text",
    [
        "мой кот и моя собака яндекс знают",
        "собака яндекс точка ру — это шутка про логотип",
        "в форме регистрации поле email должно проверять собаку и точку",
        "моя собака гуляет, потом созвон здесь",
    ],
)
def test_dog_and_provider_words_alone_are_no_address(text: str) -> None:
    assert "email" not in labels(text)


# --- handles: "I'm ... there" after an app, fillers, spaced hosts, meeting ids ------------


@pytest.mark.parametrize(
    "text",
    [
        "Skype hab ich nicht mehr, aber auf Signal bin ich als tobi.k42 zu finden",
        "on Signal I'm tobi.k42",
        "find me on Line as mika_88",
        "sur Signal je suis tobi.k42",
        "en Signal soy tobi.k42",
        "Signal'de ben tobi.k42",
        "di Signal aku tobi.k42",
        "sa Signal ako si tobi.k42",
        "Signal par main tobi.k42 hoon",
        "I don't do Telegram. Skype though: mark.h.design",
        "Telegram nope. Viber yes, my name there is ana.reyes88",
    ],
)
def test_a_name_introduced_after_an_app_is_a_handle(text: str) -> None:
    assert labels(text) == {"handle"}


@pytest.mark.parametrize(
    "text",
    [
        "Telegram integration reads settings.json and sends to hooks.slack.com",
        "our Discord bot runs discord.py 2.3",
        "the Telegram bot API v2.3 is fine",
        "the Signal strength is fine, as config.yaml says",
        "the Line chart uses chart.js",
    ],
)
def test_files_versions_and_hosts_after_an_app_are_no_handles(text: str) -> None:
    assert "handle" not in labels(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "pliki wrzuciłem na d r i v e kropka google kropka com / file / d / 1QwErTyU",
            "drive.google.com/file/d/1qwertyu",
        ),
        ("book me: z o o m dot us slash j slash 81234567890", "zoom.us/j/81234567890"),
    ],
)
def test_spaced_letters_before_a_spoken_dot_make_a_host(text: str, value: str) -> None:
    assert [v for _, v, _ in rule_findings(text)] == [value]


def test_digit_groups_after_a_meeting_link_are_its_id_not_a_phone() -> None:
    assert labels("созвон тут: zoom . us / j / 812 3456 7890") == {"meeting_link"}
    found = labels("zoom.us/j/812 3456 7890 or call +1 415 726 8950")
    assert found == {"meeting_link", "phone"}


# --- part 2: Polish number words, underscore words, spaced suffixes, a glued preposition ---


def test_polish_hundreds_and_tens_become_digits() -> None:
    text = "mój nr: pięćset trzydzieści, podwójna siódemka, dwa trzy cztery pięć"
    assert re.sub(r"\D", "", build_views(text).digits.s) == "530772345"
    assert labels(text) == {"phone"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("пиши: маша нижнее подчёркивание котова собака гмейл точка ком", "маша_котова@gmail.com"),
        ("ईमेल लिखो: प्रिया अंडरस्कोर सिंह एट याहू डॉट को डॉट इन", "प्रिया_सिंह@yahoo.co.in"),
    ],
)
def test_underscore_words_join_a_username_in_any_script(text: str, value: str) -> None:
    assert [(label, v) for label, v, _ in rule_findings(text)] == [("email", value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("pliki są na m e g a kropka n z / folder / Qw3Rt", "mega.nz/folder/qw3rt"),
        ("filenya di m e g a titik n z / file / AbC123", "mega.nz/file/abc123"),
        ("sube los archivos a d r o p b o x . com / s c l / fi / 9kq", "dropbox.com/s"),
    ],
)
def test_spaced_hosts_with_spoken_dots_and_a_word_before_them(text: str, value: str) -> None:
    assert [(label, v) for label, v, _ in rule_findings(text)] == [("file_share", value)]


def test_yo_and_ye_are_one_letter_in_russian() -> None:
    assert build_views("подчёркивание").norm.s == build_views("подчеркивание").norm.s


# --- part 3: the id word's window, its override, and fillers after a weak app name -------


@pytest.mark.parametrize(
    "text",
    [
        "el DUNS de la empresa es 56-789-0123, el NIF B87654321",
        "o número da nota fiscal é o 415 726 8950",
        "tracking no. 7712 3456 7890",
        "Order no. 415 726 8950 shipped",
    ],
)
def test_an_id_word_reaches_over_articles_and_abbreviation_dots(text: str) -> None:
    assert "phone" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Budget 3.5k, ok. Call +49 176 33458921 tomorrow",
        "the order is ready. my number is 0176 33458921",
        "invoice is paid, call me on 0176 33458921",
        "Nice project, a clean build. Give me a ring on 0412 663 095 tonight",
    ],
)
def test_a_phone_word_after_the_id_word_or_a_new_sentence_keeps_the_phone(text: str) -> None:
    assert "phone" in labels(text)


def test_fillers_after_a_weak_app_name_then_a_self_introduction() -> None:
    text = "telegram não, só uso o signal mesmo, lá eu sou o caio.m"
    assert [(label, v) for label, v, _ in rule_findings(text)] == [("handle", "signal:caio.m")]
    assert "handle" not in labels("the signal is weak here, so the video.mp4 froze")


# --- part 4: check-digit ids, postcodes, national ids, Arabic cues, account words ---------


@pytest.mark.parametrize(
    "text",
    [
        "yung SSS number ko 34-1234567-8 para sa kontrata lang ng platform",
        "phone field example: CPF 123.456.789-09",
        "o CEP é 01310-100 e o número 1578, pra nota fiscal",
        "ang reference number ng bayad sa platform ay 5012 345 678 901",
        "PESEL 85010112345 w formularzu",
        "pin code 110001, house number 24",
    ],
)
def test_national_ids_postcodes_and_check_digit_ids_are_not_phones(text: str) -> None:
    assert "phone" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "звоните: 8 (903) 123-45-67",
        "me chama no zap 11 98765-4321",
        "cep: beş yüz elli, üç yüz kırk, çift dokuz, on sekiz",
        "cp ko: zero nine, double one, seven, tatlo apat lima, anim pito walo",
        "كلمني واتس ٠٥٥٣٢١٤٤٨٧",
    ],
)
def test_phones_in_those_shapes_and_words_stay_phones(text: str) -> None:
    assert labels(text) == {"phone"}


@pytest.mark.parametrize(
    "text",
    [
        "instagram hesabım @ayse.cizer, portfolyo orada",
        "इंस्टा पर फॉलो करो @anil_clicks",
        "snapchat non, mais je suis sur telegram en tant que hugo_dsgn",
    ],
)
def test_account_and_follow_words_before_a_handle(text: str) -> None:
    assert labels(text) == {"handle"}


@pytest.mark.parametrize(
    "text",
    [
        "our Slack bot posts to @channel every morning",
        "the Instagram feed shows @nike and @adidas posts in the carousel",
    ],
)
def test_mentions_after_an_app_in_product_talk_are_no_handles(text: str) -> None:
    assert "handle" not in labels(text)


# --- part 5: benign messages with this round's triggers ----------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "रवि डॉट शर्मा एट जीमेल जैसा कोई नाम फॉर्म का उदाहरण नहीं होना चाहिए",
        "wir haben dreiundzwanzig Seiten, siebzehn Grafiken und achtundvierzig Icons geliefert",
        "beş yüz otuz iki kelime, altmış beş görsel ve kırk üç sayfa teslim ettim",
        "سلمت خمسة وخمسين صورة واثنين وعشرين شعار وتسعين أيقونة",
        "Instagram mentions: @nike, @adidas and @puma are the competitors to benchmark",
        "Discord integration: the bot signs messages as dev.notifier in the logs",
        "2024/118 ve 2024/119 numaralı siparişler, 2025/7 nolu fatura",
        "TypeScript 5.4 and deploy on Vercel. Call me on the platform's call button",
        "sa Viber ako si admin ng group ng kliyente, pero dito tayo mag-usap",
    ],
)
def test_benign_messages_with_this_rounds_triggers_are_clean(text: str) -> None:
    assert RULES.scan(text) == []


# --- part 7: a payment reference and a compact date ---------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "رقم الحوالة في المنصة 20250412 للتأكيد فقط",
        "رقم المعاملة 77123456 في النظام",
        "reference date 20250412 in the export file name",
    ],
)
def test_payment_references_and_compact_dates_are_not_phones(text: str) -> None:
    assert "phone" not in labels(text)


def test_an_eight_digit_number_that_is_no_date_stays_a_phone() -> None:
    assert labels("number: 20991234") == {"phone"}
