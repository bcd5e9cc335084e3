"""Round 30 (issue 15): rules written from the train half of ``learned/own_v26_probe.jsonl``
(its test half was never read). The sentences here are new phrasings, not the probe's."""

from __future__ import annotations

import pytest

from signaling.policy.detect import scan
from tests.policy.helpers import labels, rule_labels
from tests.policy.linear import assert_linear, repeated


@pytest.mark.parametrize(
    "text",
    [
        # the other party's words quoted inline and answered with here
        'about your "add me on WhatsApp": sorry, everything stays in this chat',
        "Ela escreveu “me passa teu zap”. Respondi que tudo fica por aqui.",
        # a request reported, then the talk kept here
        "Vous m'avez parlé de me régler par PayPal. Je préfère qu'on reste ici pour tout.",
        "Du hattest angeboten, per Überweisung zu zahlen. Lass uns lieber alles hier machen.",
        # a job of managing someone's tools
        "A vaga é cuidar da caixa do Gmail e da agenda de Zoom da nossa diretora.",
        "Mag-manage ka ng Gmail inbox ng client at mag-schedule ng Zoom meetings nila.",
        # (from here on, look-alikes that were clean before this round too: guards)
        # stories from before joining, a previous job, the last time a client did so
        "W poprzedniej pracy wszystkie pliki trzymaliśmy na Dropboxie.",
        "Antes de entrar aqui eu recebia tudo por Pix, hoje só pela plataforma.",
        # a fictional number, a refusal after the verb, a cue negated after an app's news
        "Use +1 (555) 010-0123 as the sample number in the form mockup.",
        "apna personal number share nahi karunga, yahi chat theek hai",
        "टेलीग्राम डाउन है, टीम बात ही नहीं कर पा रही",
        # a payment service connected in a spec
        "Нужно подключить эквайринг и оплату через СБП на сайте магазина.",
    ],
)
def test_look_alikes_of_round_30_are_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # the writer's contact details in a document or on their site
        ("Mes coordonnées figurent en bas de la page de garde du CV, appelez-moi", "off_platform"),
        ("контакты для связи у меня на сайте, напишите туда", "off_platform"),
        ("मेरी सारी संपर्क जानकारी सीवी में है, वहीं से कॉल कर लीजिए", "off_platform"),
        # notifications that never come blame the platform
        ("telegram pe baat karo, yaha notification hi nahi aate", "off_platform"),
        # Jitsi in Cyrillic, PayU, Tagalog and Polish forms, a Turkish skip of the site
        ("давай созвонимся в джитси завтра", "meeting_link"),
        ("Wyślę link do płatności PayU, proszę zapłacić zaliczkę", "off_platform"),
        ("pa-add na lang ako sa Viber, mas mabilis doon", "off_platform"),
        ("Proszę mnie wyszukać na Facebooku, tam pogadamy", "off_platform"),
        ("iyzico linki atıyorum, site üzerinden hiç uğraşmayalım", "off_platform"),
        # a lower price than another beside a place off the platform
        ("se lavoriamo fuori ti faccio 30 l'ora invece di 35", "off_platform"),
        (
            "wenn du mir direkt ne Rechnung schreibst statt über die Plattform, leg ich 10€ drauf",
            "off_platform",
        ),
        ("te mando um boleto, nem precisa passar pela plataforma", "off_platform"),
        ("صيفطهوم ليا فـ CIH، المنصة كتاكل الكوميسيون", "off_platform"),
    ],
)
def test_moves_of_round_30(text: str, label: str) -> None:
    assert label in rule_labels(text)


def test_the_round30_rules_stay_linear() -> None:
    unit = (
        '"add me on WhatsApp" keep it here. gerenciar o Gmail e Zoom manage the Zoom '
        "antes de entrar aqui Pix 40 instead of 50 direct джитси "
    )
    assert_linear(lambda n: scan(repeated(unit, n)))


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ('"add me on WhatsApp" no, here please', ['"add me on WhatsApp"']),
        ("you wrote: «pasame tu número» — prefiero aquí", ["«pasame tu número»"]),
        ("don't send 'your email please' here", ["'your email please'"]),
        ("napisał „dodaj mnie na telegramie”. Nie.", ["„dodaj mnie na telegramie”"]),
        ("it's the client's 'rule' now", []),  # too short, and apostrophes open nothing
        ('a"b c d e f g"', []),  # a mark glued to a word opens nothing
    ],
)
def test_inline_quotations_open_after_a_space_a_colon_or_a_dash(
    text: str, quoted: list[str]
) -> None:
    from signaling.policy.detect.intent import _inline_quote_spans

    assert [text[a:b] for a, b in _inline_quote_spans(text)] == quoted
