"""Round 32 (issue 15): rules written from the train half of ``learned/own_v28_probe.jsonl``
(formal letters, dictation, machine translation, pasted text; its test half was never read).
The sentences here are new phrasings, not the probe's."""

from __future__ import annotations

import pytest

from signaling.policy.detect import scan
from tests.policy.helpers import labels, rule_labels
from tests.policy.linear import assert_linear, repeated


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # formal and translated asks to share a number or an address, or to move
        (
            "Shortlisted applicants: please include your Telegram number in the cover note.",
            "off_platform",
        ),
        ("Indíquenos su número de WhatsApp para coordinar la entrevista.", "off_platform"),
        ("Pedimos que nos informe um e-mail para enviarmos o contrato.", "off_platform"),
        ("Vi preghiamo di indicarci un numero di cellulare del referente.", "off_platform"),
        ("Предлагаю перейти в Телеграм, там удобнее пересылать макеты.", "off_platform"),
        ("Kripya apna WhatsApp number saajha karein, team aapse wahin judegi.", "off_platform"),
        ("كرماً تزويدنا برقم جوالك للتواصل المباشر", "off_platform"),
        ("Cep numaranızı paylaşırsanız ortağımız sizi yarın arayacak.", "off_platform"),
        ("Saya ingin melanjutkan percakapan ini di Telegram, boleh?", "off_platform"),
        ("pakibigay na lang po ng Viber number nyo para sa updates", "off_platform"),
        (
            "Could you invite me to your Slack so I can talk to the designer directly?",
            "off_platform",
        ),
        # paying through the platform refused
        ("Paid via Wise only (we don't pay through this platform).", "off_platform"),
        # dictated tool names
        ("pogadajmy na dżitsi w czwartek", "meeting_link"),
    ],
)
def test_moves_of_round_32(text: str, label: str) -> None:
    assert label in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        # a tool embedded in the product, said right after it
        "Cahier des charges : téléconsultation avec visio Teams intégrée pour les conseillers.",
        "Aplikacja: wideokonsultacje przez Jitsi osadzone w panelu.",
        # an offer thanked for formally, then declined
        "La ringraziamo per la proposta di pagamento con PayPal; tuttavia operiamo solo "
        "attraverso la piattaforma.",
        # a channel inside a template's blank
        "विज्ञापन जाँचें: 'आवेदन [एचआर ईमेल] पर भेजें या [ऑफिस नंबर] पर कॉल करें'",
        # someone who was never paid, told as a story
        "Mio fratello ha accettato di continuare su WhatsApp e non è mai stato pagato.",
        # look-alikes a review of rounds 31-32 found flagged by their first versions
        "We need to migrate from gmail to office365 next week.",
        "Could you add line item_total to the invoice table?",
        "Es más fácil que pagar por PayPal, pagamos por la plataforma.",
        "Il cliente voleva PayPal, ma più che altro paghiamo tramite la piattaforma.",
        "Indícanos tu Instagram para ponerlo en el pie de la web.",
        "Hum aapke brand ko Instagram pe le jayenge, 10k followers guaranteed.",
        "Kita melanjutkan diskusi soal desain feed Instagram besok.",
        "Te marco en la foto de Facebook cuando la subas.",
        "Оплата по реквизитам платформы, как обычно.",
        "Mi pagate tramite la piattaforma, grazie; niente PayPal.",
        # (from here on, look-alikes that were clean before this round too: guards)
        "Please include your portfolio link and your hourly rate in the reply.",
        "Indique su disponibilidad horaria en la respuesta, por favor.",
        "Proofread this ad: 'Send your CV to [HR email] or call [office number].'",
        "My brother moved a client to WhatsApp last spring and never got paid for the logo.",
        "Cahier des charges : téléconsultation Zoom intégrée à l'application du cabinet.",
        "L'appel intégré ici coupe tout le temps, mais on reste ici quand même.",
    ],
)
def test_look_alikes_of_round_32_are_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("gmail:john.doe88", "john.doe88@gmail.com"),
        ("my gmail-john.doe88", "john.doe88@gmail.com"),
        ("Yung Gmail ko po ay carlo.bookkeeping", "carlo.bookkeeping@gmail.com"),
    ],
)
def test_provider_then_username_keeps_its_punctuation_connectors(text: str, value: str) -> None:
    assert [f.value for f in scan(text) if f.label == "email"] == [value]


def test_the_round32_rules_stay_linear() -> None:
    unit = (
        "please include your Signal number [HR email] Zoom intégrée we do not pay through "
        "this site перейдём в Viber pakibigay ang number never got paid "
    )
    assert_linear(lambda n: scan(repeated(unit, n)))
