"""Round 19 (issue 15): kinds found missing or falsely flagged by the train half of
``learned/own_v17_probe.jsonl``. The sentences here are new phrasings, not the probes'; the
benign ones keep the same words."""

from __future__ import annotations

import pytest

from signaling.policy.detect import lexicon as lx
from signaling.policy.detect.regex_opt import compile_words
from signaling.policy.detect.views import build_views
from tests.policy.helpers import labels


def test_word_lists_written_with_accents_match_folded_messages() -> None:
    """A mechanism bug: word fields joined into one pattern were not folded as messages are,
    so every entry with an accent ("wäre mir am liebsten", "odmówi…", "może być") was dead."""
    pattern = compile_words(["wäre mir am liebsten", "może być", "décliné"])
    for text in ("PayPal wäre mir am liebsten", "może być?", "j'ai décliné"):
        assert pattern.search(build_views(text).norm.s) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        "Zelle ok? the payout here takes a week",
        "Would Payoneer work? It's way cheaper for me",
        "Venmo would be easier for me if that's fine with you",
        "¿Te va bien por Bizum? Así lo tienes al momento",
        "MB Way pode ser? Cai na hora",
        "Lydia ça te va ? c'est instantané",
        "Revolut passt dir das? Dann schicke ich heute noch",
        "Satispay va bene? Ti arriva subito",
        "BLIK może być? Szybciej mi",
        "СБП подойдёт? Так быстрее",
        "PhonePe chalega? jaldi ho jayega",
        "फ़ोनपे चलेगा? तुरंत हो जाएगा",
        "STC Pay ينفع؟ أسرع لي",
        "Papara olur mu? Daha hızlı",
        "GoPay bisa? biar cepet",
        "Maya na lang, mas mabilis",
    ],
)
def test_a_means_proposed_or_asked_about_is_a_payment_move(text: str) -> None:
    """A named means with "is it ok?", "would it work", "X na lang", "chalega", "olur mu".
    The accented entries ("ça te va", "może być", "подойдёт") match through the folding above."""
    assert "off_platform" in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Is the PayPal button ok? I moved it under the total",
        "El botón de Bizum te va bien en el checkout o lo movemos?",
        "Checkout powinien obsługiwać BLIK, może być?",
        "Paytm integration chalega in the app? client asked for it",
        "I prefer to pay through the site rather than PayPal",
    ],
)
def test_a_means_in_a_product_or_kept_here_is_no_move(text: str) -> None:
    assert "off_platform" not in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "A client wanted me to take PayPal to skip the fee, I refused.",
        "Un cliente me ofreció pagar por Bizum sin comisión, me negué",
        "Alguém quis me pagar por fora pelo Pix, recusei e denunciei",
        "Quelqu'un m'a proposé un virement hors site, j'ai refusé et je l'ai signalé",
        "Jemand wollte per PayPal außerhalb zahlen – hab ich abgelehnt",
        "Mi hanno chiesto di pagare fuori con bonifico, ho rifiutato",
        "Ktoś chciał płacić BLIK-iem poza serwisem, odmówiłem.",
        "Заказчик предлагал перевести на карту мимо сайта, я отказался",
        "ek client bola bahar UPI pe payment karo, maine mana kar diya",
        "एक ग्राहक ने कहा बाहर पेटीएम से पैसे दूँगा, मैंने मना कर दिया।",
        "واحد طلب مني أحول برا الموقع ورفضت، خليها هون",
        "Bir müşteri dışarıdan Papara ile ödemek istedi, reddettim.",
        "Ada yang minta transfer di luar aplikasi, saya tolak.",
        "May nag-alok na magbayad sa GCash sa labas, tumanggi ako.",
        "someone asked me to pay on Venmo outside the site. no way.",
    ],
)
def test_a_move_told_and_refused_after_it_is_no_move(text: str) -> None:
    """The writer's refusal after the move, at its clause's end (or before "and"): a report."""
    assert "off_platform" not in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        # the refusal of something else, before the move, or taken back with "but"
        "My bank refused my card here, so send it via PayPal please",
        "I refused, but for you PayPal is fine, send it there",
        "He refused the contract here. Let's do Wise directly instead",
        "Paga por fuera con Bizum, ¿te negaste?",
    ],
)
def test_a_refusal_before_the_move_or_taken_back_keeps_it(text: str) -> None:
    assert "off_platform" in labels(text), text


def test_refusal_words_end_their_clause() -> None:
    """A refusal verb followed by a word that goes on refuses nothing by itself; a clause end
    in Arabic or Devanagari punctuation ends it as a full stop does."""
    assert lx.REFUSED_RE.search(build_views("odmówiłem i zgłosiłem to").norm.s) is not None
    assert lx.REFUSED_RE.search(build_views("ورفضت، خلاص").norm.s) is not None
    assert lx.REFUSED_RE.search(build_views("मैंने मना कर दिया। ठीक है").norm.s) is not None
    assert lx.REFUSED_RE.search(build_views("the bank refused payments").norm.s) is None
