"""Round 29 (issue 15): rules written from the train half of ``learned/own_v25_probe.jsonl``
(its test half was never read). The sentences here are new phrasings, not the probe's."""

from __future__ import annotations

import pytest

from signaling.policy.detect import scan
from tests.policy.helpers import labels, rule_labels
from tests.policy.linear import assert_linear, repeated


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # asks for the address, the polite forms, moving the talk
        ("Poproszę o pana adres e-mail, wyślę umowę NDA", "off_platform"),
        ("Schicken Sie mir den Lebenslauf bitte per Mail", "off_platform"),
        ("vorrei spostare il colloquio sul nostro canale Slack", "off_platform"),
        ("ano po ang gmail niyo para ma-send ko yung brief?", "off_platform"),
        ("i-send ko po yung sample sa email niyo", "off_platform"),
        # "see you on" as a meeting cue; a tool kept though "not needed even" follows it
        ("allora ci vediamo su Teams giovedì alle 15", "meeting_link"),
        ("ci vediamo su Jitsi che non serve nemmeno installarlo", "meeting_link"),
        # cheaper than paying through the platform
        ("acepto Binance Pay, sale más barato que pagar por la plataforma", "off_platform"),
        ("I take Revolut, way cheaper than paying through the platform", "off_platform"),
        # a receipt the writer issues is no spec; a refund made; the dispute skipped
        ("пришлю чек и оплатите переводом на карту, так проще чем через сайт", "off_platform"),
        (
            "iadeyi kendim hesabınıza yaparım, platform üzerinden itiraz açmakla uğraşmayalım",
            "off_platform",
        ),
        ("الفيزا تبعي ما بتزبط عالموقع، بقدر حوّلك ويسترن يونيون؟", "off_platform"),
        ("bayar pakai QRIS aja kak, nggak perlu lewat sistem sini", "off_platform"),
        # Portuguese "no" before a file host; a boleto paid by
        ("sobe os vídeos no dropbox e me passa o link", "off_platform"),
        ("te pago o resto via boleto, fora da plataforma", "off_platform"),
        # a group to join on another app; a payment gateway's link
        ("we run a Discord server for our freelancers, want to join?", "off_platform"),
        ("WhatsApp grubumuza katılır mısın? testler orada", "off_platform"),
        ("मैं Instamojo का लिंक भेज दूँगा, वहीं से पेमेंट कर देना", "off_platform"),
        # a pronoun attached to the verb of paying, a checkout link sent
        (
            "preferirei pagarti con carta invece che qui, ti giro il link al checkout",
            "off_platform",
        ),
    ],
)
def test_moves_of_round_29(text: str, label: str) -> None:
    assert label in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        # news tied to the app's name is about the app, even after "did you see"
        "Hast du den Telegram-Ausfall heute früh mitbekommen?",
        "t'as vu la panne de zoom ce matin ?",
        # (the rest guard what must not change: each is clean before this round too)
        # what is here stays here
        "Hindi ko kailangan ng email niyo, dito niyo na lang i-upload ang portfolio.",
        # a tool turned down, a bill's boleto, a group talked of, a spec of a gateway
        "Zoom non serve, usiamo la chiamata qui",
        "boleto nº 8812/2025 vence dia 15, valor R$ 900,00",
        "I joined a Telegram group about logo design years ago",
        "checkout me Razorpay integrate karna hai, UPI aur card dono",
        "Proszę o cierpliwość, odpiszę tutaj jutro",
    ],
)
def test_look_alikes_of_round_29_are_no_move(text: str) -> None:
    assert labels(text) == set()


def test_the_round29_rules_stay_linear() -> None:
    unit = (
        "WhatsApp-Ausfall t'as vu join our group want to join ci vediamo su Zoom che non serve "
        "neanche poproszę o adres e-mail iadeyi yaparım lewat sistem sini email niyo dito "
    )
    assert_linear(lambda n: scan(repeated(unit, n)))
