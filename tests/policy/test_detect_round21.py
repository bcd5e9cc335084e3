"""Round 21 (issue 15): the 10,000-character speed regression of round 20, and the rules
written from the train half of ``learned/own_v20_probe.jsonl``."""

from __future__ import annotations

import random
import re

import pytest

from signaling.policy.detect import lexicon as lx
from tests.policy.helpers import labels
from tests.policy.linear import assert_linear, repeated

_FILLER = (
    "The header needs more contrast and the footer links look crowded on small screens. "
    "I moved the pricing table below the testimonials and renamed two sections. "
)


def _long(middle: str, size: int = 10_000) -> str:
    """``middle`` in the middle of ``size`` characters of project talk."""
    half = repeated(_FILLER, (size - len(middle)) // 2)
    return half + " " + middle + " " + half


def test_a_tool_described_by_its_maker_is_read_around_the_maker_only() -> None:
    """Round 20's maker pattern starts with "one", "thing" and every word for an app, so a
    long message that named Google once ran it, a step at every position, over all its text
    (10k p99 +0.4-0.5 ms). It is now read in windows around the maker."""
    text = _long("the client also likes the google fonts we picked.")
    windows = lx.MAKER_TOOL_ANY.windows(text)
    assert len(windows) == 1
    assert sum(hi - lo for lo, hi in windows) < 300


def test_a_call_on_a_tool_described_by_its_maker_is_found_inside_a_long_message() -> None:
    text = _long("Can we do the video call on the Google thing in your calendar tomorrow?")
    assert labels(text) == {"off_platform"}


_WORDS = (
    "one thing tool app google microsoft гугл программа от the a of de na ng video call "
    "google's meet teams chat ding - , . x" + " " + "w" * 30
).split()


@pytest.mark.parametrize("seed", range(40))
def test_windows_find_every_match_of_the_whole_pattern(seed: int) -> None:
    """Searching around the anchors finds what searching the whole text finds, on texts of
    the pattern's own words in random order with random spacing."""
    rng = random.Random(seed)
    parts = []
    for _ in range(rng.randrange(5, 400)):
        parts.append(rng.choice(_WORDS))
        parts.append(rng.choice([" ", " ", "  ", "\n", "-", "'s ", ""]))
    text = "".join(parts)
    whole = [m.span() for m in lx.MAKER_TOOL_RE.finditer(text)]
    assert [m.span() for m in lx.MAKER_TOOL_ANY.finditer(text)] == whole
    assert lx.MAKER_TOOL_ANY.search(text, frozenset()) == bool(whole)


def test_windows_are_merged_and_in_order() -> None:
    found = lx.AroundAnchors(
        re.compile(r"(?<!\w)a(?:\s+\S+){0,2}\s+b(?!\w)"), re.compile(r"b"), tokens=3, reach=50
    )
    text = "a x b y b " + "z " * 40 + "a b"
    windows = found.windows(text)
    assert windows == sorted(windows)
    assert all(windows[i][1] < windows[i + 1][0] for i in range(len(windows) - 1))
    assert [m.group() for m in found.finditer(text)] == ["a x b", "a b"]


@pytest.mark.parametrize("unit", ["google ", "google thing ", "one google ", "googlegoogle"])
def test_many_makers_stay_linear(unit: str) -> None:
    assert_linear(lambda n: lx.MAKER_TOOL_ANY.search(repeated(unit, n), frozenset()))


@pytest.mark.parametrize(
    "text",
    [
        "send me the teams link again, I'll join at 4",
        "ok then the meet link from this morning, joining at 9",
        "вот ссылка на зум, подключайся в 15:00",
        "скинь ссылку в тимс, я подключусь",
        "Zoom linkini atarım, 9'da girersiniz",
        "kirim link teams yg tadi aja, aku gabung nanti",
        "te paso el enlace de zoom y nos conectamos a las 6",
        "je t'envoie le lien Zoom, tu peux rejoindre à 14h",
    ],
)
def test_a_named_tools_link_or_joining_it_is_a_meeting_move(text: str) -> None:
    """Round 21: the words for a link and for joining, per language, are meeting cues
    ("ссылку на зум", "linkini", "enlace", "lien", "rejoindre"); "meet" and "teams" in lower
    case are the tools right beside such a word."""
    assert labels(text) == {"meeting_link"}, text


@pytest.mark.parametrize(
    "text",
    [
        "the link to meet the team is in the onboarding doc",
        "the teams link in the footer should open our careers page",
        "nice to meet you, here is the link to the repo",
        "we used Zoom links at my last job, here we have the call button",
        "ссылку на макет скину вечером, посмотри в фигме",
    ],
)
def test_a_link_beside_everyday_words_is_no_meeting(text: str) -> None:
    assert labels(text) == set(), text


@pytest.mark.parametrize(
    "text",
    ["nequi o daviplata?", "pix então?", "revolut ok?", "blik czy przelew?", "GCash na lang po?"],
)
def test_a_means_of_payment_in_a_short_question_is_a_move(text: str) -> None:
    """Round 21: a means named in a question of up to six words asks how to be paid."""
    assert labels(text) == {"off_platform"}, text


@pytest.mark.parametrize(
    "text",
    [
        "Stripe or PayPal for the checkout?",
        "does the shop app support Apple Pay?",
        "Should the payment form accept BLIK too?",
    ],
)
def test_a_means_in_a_short_question_about_a_product_is_no_move(text: str) -> None:
    assert labels(text) == set(), text


@pytest.mark.parametrize(
    "text",
    [
        "send it to the same account as last time",
        "misma cuenta que la vez pasada, te aviso cuando llegue",
        "même RIB que la dernière fois",
        "dieselbe Kontonummer wie letztes Mal",
        "ten sam numer konta co poprzednio",
        "тот же счёт, что и в прошлый раз",
        "wahi account jo pichhli baar diya tha",
        "نفس الحساب اللي المرة اللي فاتت",
        "same account number pa rin po",
    ],
)
def test_the_same_account_as_last_time_is_a_payment_move(text: str) -> None:
    """Round 21: a bank account by any of its names beside a phrase of "as last time"
    (language field ``usual_phrases``): money sent where it went before, outside."""
    assert labels(text) == {"off_platform"}, text


@pytest.mark.parametrize(
    "text",
    [
        "use the same account as before to log into the staging server",
        "same account as last time for the Figma invite",
        "same invoice number format as last time please",
        "same font as last time, the client liked it",
    ],
)
def test_the_same_login_or_format_as_last_time_is_no_move(text: str) -> None:
    assert labels(text) == set(), text


@pytest.mark.parametrize(
    "text",
    [
        "> can I get your whatsapp?\nsorry, I keep everything here until we sign",
        "> zoom tomorrow?\nno, let's use the call button here",
        "> manda o pix que fica mais barato\nnão, prefiro pagar pela plataforma",
        "> дай свой телеграм\nнет, давайте общаться тут",
        "> what's your number?\nI don't give it out before a contract, the chat here is fine.",
        "> passa o teu zap?\nPrefiro seguir por aqui, respondo rapido.",
    ],
)
def test_a_quoted_move_answered_with_here_or_a_decline_is_no_move(text: str) -> None:
    """Round 21: a line quoted with ">" is the other party's; declined in the writer's own
    lines, its move is not the writer's."""
    assert labels(text) == set(), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("> can we move to WhatsApp?\nsure, add me, same name", {"off_platform"}),
        ("> zoom tomorrow?\nyes 10am works", {"meeting_link"}),
    ],
)
def test_a_quoted_move_agreed_to_stands(text: str, expected: set[str]) -> None:
    assert labels(text) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for offering to pay via Wise. Still, I keep payments on the platform.",
        "Gracias por ofrecer pagarme por Bizum. Igual prefiero que el pago pase por la plataforma.",
        "Merci de proposer un virement direct. Je préfère quand même passer par la plateforme.",
        "Danke für das Angebot, per PayPal zu zahlen. Trotzdem bleibt die Zahlung hier.",
    ],
)
def test_an_offer_thanked_for_then_kept_here_is_no_move(text: str) -> None:
    """Round 21: an offer thanked for (``asked_words``: "thanks for offering", "gracias por
    ofrecer", "merci de proposer") and answered in the next sentence with a word of "still"
    and the platform."""
    assert labels(text) == set(), text


def test_an_offer_thanked_for_then_taken_stands() -> None:
    text = "Thanks for offering to pay via Wise. Still, if it's easier, send it there."
    assert labels(text) == {"off_platform"}
