"""Round 28 (issue 15): rules written from the train halves of ``learned/own_v23_probe.jsonl``
and ``learned/own_v24_probe.jsonl`` (their test halves were never read). The sentences here
are new phrasings, not the probes'."""

from __future__ import annotations

import pytest

from signaling.policy.detect import scan
from tests.policy.helpers import labels, rule_labels
from tests.policy.linear import assert_linear, repeated


@pytest.mark.parametrize(
    "text",
    [
        # the project named in the next sentence is no product the tool is built into
        "Microsoft Teams पर बात करें? वेबसाइट का नया डिज़ाइन दिखाना है।",
        "Hello! May landing page ako para sa bakery app ko. Zoom tayo mamaya 7pm?",
        "Google Meet tomorrow at 10? Our app has a new onboarding flow I'd like to show you.",
    ],
)
def test_a_product_word_in_another_sentence_leaves_the_call(text: str) -> None:
    assert "meeting_link" in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Can you add a Zoom call feature inside our app for the tutors?",
        "Wir wollen eine Google-Meet-Integration in der App bauen.",
    ],
)
def test_a_tool_built_into_the_product_is_no_meeting(text: str) -> None:
    assert "meeting_link" not in rule_labels(text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # paying through the platform said to be impossible, beside a means of paying
        ("our finance team cannot pay through the platform, only by bank transfer", "off_platform"),
        ("no podemos pagar por la plataforma, solo transferencia bancaria", "off_platform"),
        ("banka havalesi ile öderiz, platform üzerinden ödeme yapamıyoruz", "off_platform"),
        ("we pay via cheque or bank deposit only, hindi po through the app", "off_platform"),
        # a refund outside the dispute system, a condition's "not" before it
        ("refund me by bank transfer, not through the dispute system", "off_platform"),
        ("se il logo non ti piace ti rimborso io direttamente con un bonifico", "off_platform"),
        # the own contact details on a page, a standing order, a deal closed off the platform
        ("O meu contacto está no site da agência, ligue para lá", "off_platform"),
        ("bisa autodebet ke rek Mandiri saya tiap bulan", "off_platform"),
        ("each month a standing order to my account, no platform needed", "off_platform"),
        ("Her ay otomatik talimatla hesabıma geçersin, platforma gerek yok", "off_platform"),
        ("cerramos el trato fuera de la plataforma y listo", "off_platform"),
        ("we pay all vendors by BACS, not through the marketplace", "off_platform"),
        ("Können wir Sie in USDT bezahlen statt hier über Kreditkarte?", "off_platform"),
        # an app used more than this one; LINE in Indonesian; Devanagari "find me"
        ("I check Telegram way more often than this app", "off_platform"),
        ("aku lebih sering buka Telegram drpd aplikasi ini", "off_platform"),
        ("aku lebih sering buka Line daripada app ini kak", "off_platform"),
        ("Instagram पर मेरे नाम से ढूँढ लीजिए", "off_platform"),
        # an Arabic spelling of Telegram before a handle
        ("تلجرام: @omar_designs", "handle"),
    ],
)
def test_moves_of_round_28(text: str, label: str) -> None:
    assert label in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "I can't pay through the platform, my card keeps failing, can support help?",
        "the app should let users set up a standing order for rent",
        "aku buka line produksi baru di pabrik minggu depan",
        "Previous designer took a cash advance and left the site unfinished, so milestones only.",
        "Спасибо, что предложили созвониться по телефону, но шеф просил писать только на площадке.",
        "Sign the contract here on the platform whenever you are ready.",
    ],
)
def test_look_alikes_of_round_28_are_no_move(text: str) -> None:
    assert labels(text) == set()


def test_the_round28_rules_stay_linear() -> None:
    unit = (
        "Zoom tayo? app. can't pay through the platform, BACS. buka Line drpd aplikasi ini "
        "standing order left unfinished statt hier über Karte تلجرام "
    )
    assert_linear(lambda n: scan(repeated(unit, n)))


@pytest.mark.parametrize(
    "text",
    [
        "did you hear about the Teams outage this morning? our whole office was offline",
        "Zoom è andato giù ieri? ho saltato due riunioni",
        "Google Meet a encore changé l'interface ce matin",
        "mending pakai fitur video di sini aja drpd zoom, biar tercatat",
    ],
)
def test_news_about_an_app_is_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # news about the platform itself is a reason to move, not talk about an app
        ("the site is down again, text me on WhatsApp", "off_platform"),
        # a hiring test is no product; the platform failing keeps nothing here
        ("I'll pay you straight into your bank for the test task", "off_platform"),
        ("the in-app chat keeps lagging, can we continue on Telegram instead?", "off_platform"),
        # a refund with the dispute skipped
        ("je te rembourse par virement, pas la peine de passer par le support", "off_platform"),
    ],
)
def test_moves_of_round_28_from_own_v25(text: str, label: str) -> None:
    assert label in rule_labels(text)
