"""Identifiers, round 5 (issue 15, branch guard-ids3): spoken spec examples, rare words for
"@" ("chez", "bei"), an address given as a domain plus the piece before the "@" or as the
writer's full name glued, numbers split in three to five pieces, multipliers before an article,
a naming phrase or a search verb between an app and a handle; the rules alone, without the
learned layer. The kinds come from ``tests/policy/learned/own_v5_ids.jsonl``."""

from __future__ import annotations

import pytest

from tests.policy.helpers import RULES
from tests.policy.helpers import rule_labels as labels
from tests.policy.helpers import rule_values as values
from tests.policy.linear import assert_linear, repeated

# --- spec examples said in words --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "the signup form should reject addresses typed in words like 'name at gmail dot com'",
        "o campo de e-mail mostra 'nome ponto sobrenome arroba empresa ponto com' como exemplo",
        "el campo acepta algo como nombre punto apellido arroba tuempresa punto com",
        "the seed file uses first dot last at company dot com in every row",
    ],
)
def test_a_spoken_example_of_placeholders_is_not_an_address(text: str) -> None:
    assert "email" not in labels(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("my email is ana dot silva at gmail dot com", "ana.silva@gmail.com"),
        (
            "emails here are lastname underscore firstname at brightwave.agency, mine: Okoro",
            "lastname_firstname@brightwave.agency",
        ),
    ],
)
def test_spoken_addresses_that_are_no_example_stay(text: str, value: str) -> None:
    assert value in values(text, "email")


# --- "chez" and "bei" ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("mon mail perso c'est camille.roux chez free point fr", "camille.roux@free.fr"),
        ("écris à paul_martin chez orange.fr", "paul_martin@orange.fr"),
        ("schreib an anna_k bei gmx punkt de", "anna_k@gmx.de"),
    ],
)
def test_chez_and_bei_between_a_username_and_a_webmail_are_at(text: str, value: str) -> None:
    assert value in values(text, "email")


@pytest.mark.parametrize(
    "text",
    [
        "je suis chez free.fr depuis 10 ans et chez orange pour le mobile",
        "je travaille chez sfr.fr depuis mars",
        "le fichier logo_v2.png chez free.fr ne s'ouvre pas",
        "ich bin bei web.de und bei gmx.net, beide Postfächer sind voll",
        "Max arbeitet bei acme.de im Vertrieb",
    ],
)
def test_chez_and_bei_in_everyday_sentences_are_not_at(text: str) -> None:
    assert "email" not in labels(text)


# --- a domain and the piece before the "@" --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "email: the domain is our company website, harlowcraft.co.uk, and the part before"
            " it is simply jonas",
            "jonas@harlowcraft.co.uk",
        ),
        (
            "Mail an mich: vorne einfach 'lena', hinten unsere Website, nordlicht-design.de",
            "lena@nordlicht-design.de",
        ),
        (
            "il dominio è fastwebnet.it, davanti ci metti luca.grandi e la chiocciola",
            "luca.grandi@fastwebnet.it",
        ),
    ],
)
def test_a_domain_and_the_piece_before_the_at(text: str, value: str) -> None:
    assert value in values(text, "email")


@pytest.mark.parametrize(
    "text",
    [
        "the email field: validate the domain like acme.io and the part before it is free text.",
        "mon adresse: 12 rue Victor Hugo, devant la mairie, site mairie-lyon.fr",
        "la parte antes de la arroba no puede tener espacios, valida el dominio empresa.com",
        "the part before the @ must be at least three characters; check the domain has a dot",
    ],
)
def test_domain_and_piece_talk_in_specs_and_postal_addresses_is_clean(text: str) -> None:
    assert "email" not in labels(text)


# --- the writer's full name glued ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "email: meu nome completo junto, sem ponto, no hotmail. Sou Rafael Brito.",
            "rafaelbrito@hotmail.com",
        ),
        (
            "I'm Rosa Kettle. for email it's my first and last name together at outlook",
            "rosakettle@outlook.com",
        ),
    ],
)
def test_the_full_name_glued_at_a_provider(text: str, value: str) -> None:
    assert value in values(text, "email")


@pytest.mark.parametrize(
    "text",
    [
        "the signup form joins first and last name together for the gmail-style username",
        "I'm Tom Hale, write your full name together on the form, we email at gmail",
    ],
)
def test_full_name_glue_words_in_a_spec_are_clean(text: str) -> None:
    assert "email" not in labels(text)


# --- split numbers, multipliers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("call me. area code 415. then 839. then 2270.", "4158392270"),
        ("Handy: 0172, dann zweimal die 4, dann 98, dann dreimal 1", "1724498111"),
        (
            "number ko: zero nine one seven. tapos four five six. tapos seven eight nine zero",
            "9174567890",
        ),
        ("call: nine one seven ➖ 4️⃣8️⃣2️⃣ ➖ three three one zero", "9174823310"),
    ],
)
def test_numbers_in_pieces_joined_by_rest_words(text: str, digits: str) -> None:
    assert any(v.endswith(digits) for v in values(text, "phone"))


@pytest.mark.parametrize(
    "text",
    [
        "room 415, floor 839, badge 2270, call me when you are here",
        "رقم الشحنة 7312 4456 0981 وسجل تجاري 1010123456",
        "order #4821 93 375 2210 - the call center says two to three days",
    ],
)
def test_pieces_without_rest_words_and_ids_are_not_phones(text: str) -> None:
    assert "phone" not in labels(text)


# --- handles after an app ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("telegram? deleted it. on discord I go by ravenmoth", "discord:ravenmoth"),
        ("Telegram no tengo. En Discord me llamo nachovega", "discord:nachovega"),
        ("aku ga main IG kak, kalo Telegram cari aja @sari.jahit", "telegram:@sari.jahit"),
        (
            "Insta je ne l'utilise plus. Sur Telegram, cherche juste 'lucas_vrn'",
            "telegram:lucas_vrn",
        ),
        ("вотсапом не пользуюсь, в телеге ищи по нику lesha_krot", "телеге:lesha_krot"),
        ("Messengera nie mam, na Telegramie szukaj po nicku kuba_lis", "telegramie:kuba_lis"),
    ],
)
def test_handles_after_a_naming_phrase_search_verb_or_inflected_nick(text: str, value: str) -> None:
    assert value in values(text, "handle")


@pytest.mark.parametrize(
    "text",
    [
        "En Discord me llamo Nacho.",
        "on discord I go by the same name.",
        "search Instagram for cats, @nike posts daily",
        "ищи по нику в телеге, там всё есть",
    ],
)
def test_names_and_searches_that_give_no_handle(text: str) -> None:
    assert "handle" not in labels(text)


# --- linear time ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit",
    [
        "discord i go by ",
        "telegram cari aja ",
        "a.b chez ",
        "0172, dann ",
        "email the part before it is x.y ",
        "full name together gmail ",
    ],
)
def test_this_rounds_triggers_repeated_stay_linear(unit: str) -> None:
    assert_linear(lambda n: RULES.scan(repeated(unit, n)))


# --- round 3 of this branch (part 3's misses) ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("الرقم ٠١٠، ثلاثة مرتين، ٤ ٥، سبعة ثلاث مرات، ١", "1033457771"),
        ("number: nau aath, baees, taintees, chavalis, chhappan", "9822334456"),
        ("नंबर: नौ आठ, बाईस, तैंतीस, चौवालीस, पाँच छह", "9822334456"),
        ("Festnetz: Vorwahl 030. Dann 2198. Dann 4471.", "3021984471"),
        ("mój numer: 601. potem 234. a na końcu 567.", "601234567"),
    ],
)
def test_post_multipliers_hindi_spellings_and_more_rest_words(text: str, digits: str) -> None:
    assert any(v.endswith(digits) for v in values(text, "phone"))


@pytest.mark.parametrize(
    "text",
    [
        "maine do baar saat revisions kiye, aur teen baar review",
        "मैंने नौ आठ पेज और दो बार सात डिज़ाइन भेजे हैं",
    ],
)
def test_times_in_prose_are_no_phone(text: str) -> None:
    assert "phone" not in labels(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "il mio indirizzo: nome e cognome attaccati, Marta Rizzo, su gmail",
            "martarizzo@gmail.com",
        ),
        (
            "my email is my username from here, tomsketches, but at yahoo instead",
            "tomsketches@yahoo.com",
        ),
        (
            "meu email: o mesmo nome de usuário daqui, caiopintor, só que no gmail",
            "caiopintor@gmail.com",
        ),
        ("email saya budi titik santoso et perusahaan titik com", "budi.santoso@perusahaan.com"),
    ],
)
def test_glued_name_after_the_glue_and_a_username_set_off_by_commas(text: str, value: str) -> None:
    assert value in values(text, "email")


@pytest.mark.parametrize(
    "text",
    [
        "il mio indirizzo: nome e cognome attaccati, come sempre, su gmail",
        "the username field, required, - gmail login",
        "di form contohnya nama titik belakang et perusahaan titik com",
        "sa form, halimbawa: pangalan tuldok apelyido at kumpanya tuldok com",
    ],
)
def test_glue_and_username_talk_without_a_name_or_in_a_spec_is_clean(text: str) -> None:
    assert "email" not in labels(text)


# --- round 4 of this branch (part 4's misses) ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("contacto: ines punto vidal arrobita yahoo punto es", "ines.vidal@yahoo.es"),
        ("manda pra caio ponto lima arrobinha uol ponto com ponto br", "caio.lima@uol.com.br"),
        # "ät" folds to "at" (accents are stripped), the weak English "at": read as such
        ("schreib an lara punkt vogt ät gmx punkt de", "lara.vogt@gmx.de"),
        ("pisz na adam kropka nowak małpką wp kropka pl", "adam.nowak@wp.pl"),
        ("почта ira.belova собачкой yandex точка ру", "ira.belova@yandex.ru"),
        ("kirim ke sinta titik dewi keong yahoo titik com", "sinta.dewi@yahoo.com"),
        ("my yahoo is the one from my portfolio: dan.okafor", "dan.okafor@yahoo.com"),
        ("mon mail c'est mon pseudo d'ici, maelle_r, mais chez free.fr", "maelle_r@free.fr"),
    ],
)
def test_more_local_at_words_and_username_plus_provider(text: str, value: str) -> None:
    assert value in values(text, "email")


@pytest.mark.parametrize(
    "text",
    [
        "beli keong di pasar tadi pagi, enak banget",
        "гуляю с собакой по парку каждое утро",
        "Affenschwanz ist das umgangssprachliche Wort für @, das erklären wir im Onboarding",
        "my gmail is great: it has 15GB: lots of space",
        "el formulario convierte 'arrobita' y 'punto' escritos en palabras en símbolos",
    ],
)
def test_at_word_inflections_in_everyday_talk_are_clean(text: str) -> None:
    assert "email" not in labels(text)


def test_there_as_names_a_handle_after_an_app() -> None:
    text = "whatsapp - nope. discord - yes, i'm there as mossfern"
    assert "discord:mossfern" in values(text, "handle")


def test_an_office_line_in_two_pieces_is_a_phone() -> None:
    assert any(
        v.endswith("2127734410")
        for v in values("office line is 212 773. the last bit is 4410", "phone")
    )


def test_a_delivery_note_number_is_no_phone() -> None:
    text = "Lieferschein 4471 2290 33, dann Rechnung 2025-0412; ruf die Buchhaltung an"
    assert "phone" not in labels(text)


def test_placeholders_at_a_placeholder_domain_after_hindi_mein_are_an_example() -> None:
    assert "email" not in labels("form mein example hai naam dot surname at company dot com")


# --- round 5 of this branch (part 5's two misses; part 6 measures it) ------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("sa Telegram na lang, jun_reyes ang username ko", "telegram:jun_reyes"),
        ("telegram pe kabir_22 mera id hai", "telegram:kabir_22"),
    ],
)
def test_an_identifier_right_before_a_username_word(text: str, value: str) -> None:
    assert value in values(text, "handle")


@pytest.mark.parametrize(
    "text",
    ["on Instagram, the api.client id is required", "on Telegram the bot_token id must be set"],
)
def test_an_identifier_before_an_id_word_in_developer_talk_is_no_handle(text: str) -> None:
    assert "handle" not in labels(text)


def test_a_plain_word_before_the_named_at_sign_and_a_domain() -> None:
    text = "for orders use sales, then the at sign, then our domain kestrelmills.co.uk"
    assert "sales@kestrelmills.co.uk" in values(text, "email")


@pytest.mark.parametrize(
    "text",
    [
        "type your name, then the at sign, then the domain acme.io",
        "the form shows the user, then the at sign, then the company domain acme.io",
    ],
)
def test_a_plain_word_before_the_named_at_sign_in_a_spec_is_clean(text: str) -> None:
    assert "email" not in labels(text)


# --- review4: a naming phrase names a handle only in the app's own sentence -------------------


@pytest.mark.parametrize(
    "text",
    [
        "On Slack the bot replies fine. I go by kate.",
        "I got a new Telegram bot running. I go by mike.",
        "Telegram bot ka setup ho gaya. Mera naam ravi.",
        "Telegram entegrasyonunda ilk adım webhook.",  # Turkish 'adım' is also 'step'
        "Telegram botu için ilk adım kurulum.",
    ],
)
def test_a_naming_phrase_in_another_sentence_than_the_app_is_no_handle(text: str) -> None:
    assert "handle" not in labels(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("telegram? deleted it. on discord I go by ravenmoth", "discord:ravenmoth"),
        ("whatsapp - nope. discord - yes, i'm there as mossfern", "discord:mossfern"),
    ],
)
def test_a_naming_phrase_in_the_apps_sentence_still_names_the_handle(text: str, value: str) -> None:
    assert value in values(text, "handle")
