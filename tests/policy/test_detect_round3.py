"""Round 3 of the contact guard rules (issue 15): identifiers next to an app euphemism,
addresses given as pieces, moves to a messaging app named by kind or to "somewhere else" in
each language, payment moves (accepting crypto, cash in hand, wallets), and the hard negatives
each rule must leave alone; plus the shared word pass (``Views.words``) that gates the rewrites.
Sentences here are not in dev_v4.jsonl (the development set the rules were tuned on), and
dev_v4 itself is a regression gate (``test_dev_v4.py``)."""

from __future__ import annotations

import pytest

from signaling.policy.detect import scan
from signaling.policy.detect.views import build_views
from tests.policy.helpers import labels

# --- an identifier next to an app named by colour, logo or function -------------------------


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("you'll find me on the purple app, @dev.rosa", "@dev.rosa"),  # en: @handle after
        ("@kuba_design on the app with the ghost, ok?", "@kuba_design"),  # en: before
        ("en la app verde soy el usuario marcosqv", "marcosqv"),  # es: username word
        ("no app do passarinho, usuário bia_arts", "bia_arts"),  # pt
        ("على التطبيق الأزرق، المستخدم nour_88", "nour_88"),  # ar
        ("sa app na may ibon, username ko: lito.dev", "lito.dev"),  # tl
    ],
)
def test_identifier_next_to_app_euphemism_is_a_handle(text: str, handle: str) -> None:
    found = [f for f in scan(text) if f.label == "handle"]
    assert found, text
    assert found[0].text == handle
    assert "off_platform" not in labels(text)  # the identifier is given: its label only


@pytest.mark.parametrize(
    "text",
    [
        "me chama no app verde, meu nome é o mesmo daqui",  # pt: "same name as here"
        "add me on the green app, same username as here",  # en
        "the green app icon should show the user's @mention count",  # product talk
    ],
)
def test_app_euphemism_without_identifier_is_no_handle(text: str) -> None:
    assert "handle" not in labels(text)


# --- addresses given as pieces --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("glue 'nina.k' then @ then 'posteo.de' together", "nina.k@posteo.de"),  # en
        ("une 'marta.gil' con la @ y luego 'telefonica.net'", "marta.gil@telefonica.net"),  # es
        ("połącz 'ola.mazur' z małpką i 'interia.pl'", "ola.mazur@interia.pl"),  # pl: inflected
        ("соедини 'ivan.k' с собакой и 'rambler.ru'", "ivan.k@rambler.ru"),  # ru: inflected
        ("imię: tomek, potem małpa, potem o2 kropka pl", "tomek@o2.pl"),  # pl: labelled name
        ("'lucas.prado' e depois o de sempre do gmail", "lucas.prado@gmail.com"),  # pt: provider
    ],
)
def test_address_given_as_pieces(text: str, value: str) -> None:
    emails = [f for f in scan(text) if f.label == "email"]
    assert emails and emails[0].value == value, (text, emails)


@pytest.mark.parametrize(
    "text",
    [
        "compare 'config.prod' with @ and 'api.stripe.com' in the docs",  # service host
        "the file 'logo_v2.png' @ 'cdn.example.com' is cached",  # placeholder, file name
        "mention @ then the team name, e.g. 'design.ops' on slack.com",  # link host
        "ana@ 'x.io' is an example of a bad address for the validator",  # "@" glued in text
    ],
)
def test_pieces_that_are_no_address(text: str) -> None:
    assert "email" not in labels(text)


# --- moves: messaging apps named by kind, somewhere else, SMS -------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "reach me on whatever messaging app you use",  # en
        "let's take it offline, easier for both of us",  # en
        "continuons sur une application de messagerie",  # fr
        "podemos seguir en otra plataforma",  # es
        "dokończmy w innym miejscu",  # pl
        "давай продолжим в мессенджере",  # ru
        "चलो दूसरी जगह बात करते हैं",  # hi (Devanagari)
        "نكمل في تطبيق دردشة",  # ar
        "başka bir uygulamada konuşalım",  # tr
        "lanjut di aplikasi pesan ya",  # id
        "ituloy natin sa ibang app",  # tl
        "me chama em outro aplicativo",  # pt
    ],
)
def test_move_elsewhere_without_identifier(text: str) -> None:
    assert labels(text) == {"off_platform"}, text


@pytest.mark.parametrize(
    "text",
    [
        "let's talk about the chat app's settings page",  # talk about one
        "we are building a messaging app for a gym, can you do the backend?",  # being built
        "мы разрабатываем мессенджер, обсудим здесь",  # ru: being built
        "let's continue offline mode work tomorrow in this thread",  # offline mode is a feature
        "we should take this feature offline on Sunday",  # maintenance
        "can we continue with the blue one? the red one clashes",  # a design choice
        "text me here when the build is green",  # keeps it here
        "ituloy natin dito sa platform",  # tl: stays here
    ],
)
def test_talk_about_apps_is_no_move(text: str) -> None:
    assert labels(text) == set(), text


# --- payment moves -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "half here, the other half outside through cash app",  # the method's name has "app"
        "aceito cripto, assim ninguém fica com uma porcentagem",  # pt: accepting crypto
        "je peux accepter des bitcoins, ça évite la commission",  # fr
        "ادفع لي كاش يد بيد",  # ar: cash in hand
        "حول على انستاباي وخلصنا من رسوم الموقع",  # ar: wallet + fee
        "cash na lang pag nagkita tayo para walang kaltas",  # tl
        "सीधे खाते में ट्रांसफर करो, फीस बच जाएगी",  # hi (Devanagari)
    ],
)
def test_payment_move(text: str) -> None:
    assert "off_platform" in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "the app should let users pay with crypto or cash on delivery",
        "el usuario puede pagar en efectivo en la tienda, eso va en el módulo",
        "we accept PayPal and cards in the checkout flow, please build that",
        "صفحة الدفع يجب أن تقبل البطاقة والتحويل البنكي",
    ],
)
def test_payment_talk_in_product_is_no_move(text: str) -> None:
    assert labels(text) == set(), text


# --- numbers -------------------------------------------------------------------------------


def test_polish_plural_digit_nouns_with_multiplier() -> None:
    assert "phone" in labels("mój numer: pięćset jeden, dwie ósemki, trzy cztery pięć, sześć")


@pytest.mark.parametrize(
    "text",
    [
        "the courier code for the samples is 1Z 4R8 AB2 0612 3456 78",  # continues a code
        "shipment label: DHL JD0 1Z9 0612 345 678, phone the depot if late",
    ],
)
def test_digits_after_a_letters_and_digits_code_are_no_phone(text: str) -> None:
    assert "phone" not in labels(text)


def test_time_before_a_number_does_not_hide_it() -> None:
    assert "phone" in labels("call me at 9am on 06 12 34 56 78")


# --- the shared word pass ------------------------------------------------------------------


def test_views_words_are_the_word_pieces_of_the_normalised_text() -> None:
    views = build_views("Double 7… e-mail: ANA_b@X.io — „sześć”, ऐट 5️⃣")
    assert {"double", "e", "mail", "ana", "b", "x", "io", "szesc", "ऐट"} <= views.words
    assert not any(c.isdigit() or c in "_@.…" for w in views.words for c in w)


def test_gated_rewrites_still_run_when_their_words_are_present() -> None:
    # the multiplier and plus words follow punctuation outside Latin-1 ("…", "—")
    digits = build_views("number…double 7—plus 44 20 7946 0958").digits.s
    assert "77" in digits and "+" in digits
    deob = build_views("ana punto silva arroba proton punto me").deob.s
    assert "@" in deob


def test_app_looks_gate_never_hides_an_app_euphemism() -> None:
    """The cheap gate in front of the app-euphemism pattern is sound on every dev message."""
    import json
    from pathlib import Path

    from signaling.policy.detect import lexicon as lx

    here = Path(__file__).resolve().parent
    for name in ("dev_v2.jsonl", "dev_v3.jsonl", "dev_v4.jsonl", "extra_cases.jsonl"):
        for line in (here / name).read_text(encoding="utf-8").splitlines():
            views = build_views(json.loads(line)["text"])
            if lx.APP_EUPHEMISM_RE.search(views.norm.s):
                assert lx.APP_LOOKS_GATE.may_match(views.norm.s, views.words), line


@pytest.mark.parametrize(
    "text",
    [
        "escríbeme al privado y lo vemos",  # es: a private channel
        "mandami un messaggio in privato",  # it
        "napisz na priv, tam pogadamy",  # pl
        "özelden yaz bana",  # tr
        "japri ya kak",  # id
        "i-pm mo ako mamaya",  # tl
        "me chama no verde que eu te passo tudo",  # pt: an app named by colour alone
        "napisz do mnie na niebieskim, wiesz którym",  # pl
        "راسلني على الأزرق",  # ar
    ],
)
def test_move_to_a_private_channel_or_an_app_named_by_colour(text: str) -> None:
    assert labels(text) == {"off_platform"}, text


@pytest.mark.parametrize(
    "text",
    [
        "let's talk tomorrow at 3 pm here",  # "pm" is a time
        pytest.param(
            "let's continue the PM discussion: who is the project manager?",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known false alarm of the learned layer since round 20 (retrained on "
                "8,815 messages): 'continue' + 'pm' scores 4.6 for off_platform, threshold 4.0",
            ),
        ),
        "la paleta: escríbeme en el verde los títulos",  # design talk
        "schreib mir, ob das privat oder geschäftlich ist",  # de: private or business
        "napisz do mnie prywatnie czy firmowo wystawić fakturę",  # pl: invoice type
        "yaz tatilinden sonra özel mesaj özelliğini ekleyelim",  # tr: a feature to build
        "tombol yang hijau tolong diperbesar",  # id: the green button
    ],
)
def test_private_and_colour_words_in_other_senses_are_no_move(text: str) -> None:
    assert labels(text) == set(), text


def test_scan_gates_never_hide_a_match() -> None:
    """Every gate in front of a whole-message pattern is sound on every message we have."""
    import json
    from pathlib import Path

    from signaling.policy.detect import lexicon as lx

    here = Path(__file__).resolve().parent
    assert not any(g.always for _, g in [(None, lx.MOVE_CUE_GATE), (None, lx.CHANNEL_GATE)])
    gated = [
        (lx.FEE_RE, lx.FEE_GATE),
        (lx.OUTSIDE_RE, lx.OUTSIDE_GATE),
        (lx.MEETING_TOOL_RE, lx.MEETING_TOOL_GATE),
        (lx.FILE_SERVICE_RE, lx.FILE_SERVICE_GATE),
        (lx.MOVE_CUE_RE, lx.MOVE_CUE_GATE),
        (lx.CHANNEL_RE, lx.CHANNEL_GATE),
        (lx.PAY_METHOD_RE, lx.PAY_METHOD_GATE),
        (lx.DIRECT_PAY_RE, lx.DIRECT_PAY_GATE),
    ]
    files = [here / n for n in ("dev_v2.jsonl", "dev_v3.jsonl", "dev_v4.jsonl")]
    files += [here / "extra_cases.jsonl", here / "heldout_style.jsonl"]
    public = here.parents[2] / "shared" / "corpus" / "contact_info" / "public.jsonl"
    files += [public] if public.exists() else []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            views = build_views(json.loads(line)["text"])
            s = views.norm.s
            for pattern, gate in gated:
                if pattern.search(s):
                    assert gate.may_match(s, views.words), (pattern.pattern[:40], line)
            save = lx.SAVE_RE.search(s)
            if save and save.group() != "%" and "%" not in save.group():
                assert lx.SAVE_GATE.may_match(s, views.words), line
