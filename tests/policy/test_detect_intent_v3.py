"""Off-platform intent, round 3 (issue 15, branch guard-intent): kinds of moves that name no
listed verb or place, and the hard negatives that share their words. Each positive group fails
on the rules before this round; the negative groups guard this round's own reach (and two
false alarms the earlier rules had)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from signaling.policy.detect import Detector
from tests.policy.helpers import RULES, SHIPPED, labels, rule_labels
from tests.policy.helpers import intent_values as values


# The platform's fee named, and a place off the platform, with no verb of paying.
@pytest.mark.parametrize(
    "text",
    [
        "that commission is brutal, let's keep it between the two of us",
        "la comisión es altísima, lo vemos entre nosotros",
        "a taxa é pesada, fica entre a gente",
        "die Provision ist frech, das bleibt unter uns",
        "la commissione è esagerata, resta tra di noi",
        "prowizja jest za wysoka, załatwmy to między nami",
        "комиссия огромная, пусть это будет между нами",
        "komisyon fazla, aramızda kalsın",
        "عمولة الموقع عالية، خليها بيني وبينك",
    ],
)
def test_fee_with_a_place_and_no_verb_is_a_payment_move(text: str) -> None:
    assert values(text) & {"pay:fee", "pay:outside"}, text


# The platform's cut named by what the platform does, then settling it privately.
@pytest.mark.parametrize(
    "text",
    [
        "the site eats too much of it, we could keep it between us",
        "Die Plattform kassiert ordentlich, das können wir privat regeln",
        "il sito si prende un sacco, paghiamo privatamente",
        "serwis bierze za dużo, rozliczmy się prywatnie",
        "site çok kesiyor, kendi aramızda hallederiz",
    ],
)
def test_the_platform_taking_too_much_is_a_fee(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


# Money sent "the usual way": a means the two parties already share.
@pytest.mark.parametrize(
    "text",
    [
        "send the money like last time and we're good",
        "el pago como la última vez, ya sabes",
        "manda o dinheiro como sempre",
        "schick das Geld wie immer",
        "oplata jak zwykle, gotówką",
        "деньги как обычно",
        "bayarnya seperti biasa ya",
        "paise hamesha ki tarah bhej dena",
    ],
)
def test_money_the_usual_way_is_a_payment_move(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


# ... unless the platform is named (or "here"): then "as usual" is the platform's own flow.
@pytest.mark.parametrize(
    "text",
    [
        "Payment as usual goes through the platform once the milestone is approved",
        "como siempre, el pago lo libera la plataforma",
        "die Zahlung läuft wie immer über die Plattform",
        "оплата как обычно через площадку",
        "pembayaran seperti biasa lewat platform",
        "the usual way of paying here is fine by me",
    ],
)
def test_money_as_usual_on_the_platform_is_clean(text: str) -> None:
    assert labels(text) == set(), text


# "Between us" followed by a third party is a list of who shares something.
@pytest.mark.parametrize(
    "text",
    [
        "The fee is split between us and the payment processor in the report",
        "the commission is shared between us and the agency, see the invoice table",
    ],
)
def test_between_us_and_a_third_party_is_no_private_deal(text: str) -> None:
    assert labels(text) == set(), text


# The writer's own account or card as the destination, with a word for money or a deposit.
@pytest.mark.parametrize(
    "text",
    [
        "put the deposit on my card please",
        "Überweis die Anzahlung aufs Konto, IBAN kommt gleich",
        "wpłać zaliczkę na moje konto",
        "kaporayı hesabıma yatır",
        "حط العربون في حسابي",
        "ihulog mo ang downpayment sa account ko",
        "yung kalahati sa gcash ko muna",
        "advance mere account me daal dena",
    ],
)
def test_the_writers_own_account_is_a_payment_move(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


# Slang and unlisted verbs of moving the chat.
@pytest.mark.parametrize(
    "text",
    [
        "hmu on insta when you're free",
        "стукни мне в телегу",
        "маякни в вотсап",
        "puść mi esemesa jak skończysz",
        "ping mich auf Telegram",
        "pm mo ako sa fb mamaya",
        "i-chat mo ako sa messenger",
        "japri aja ya kak, lewat wa",
        "lmk your snap",
    ],
)
def test_slang_move_cues_are_moves(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


# Apps named by who uses them, in general, or by messages that vanish.
@pytest.mark.parametrize(
    "text",
    [
        "message me on the app everybody's grandma uses",
        "écris-moi sur l'appli des grands-parents",
        "escríbeme en la app donde los mensajes se borran",
        "pisz do mnie na aplikacji, gdzie wiadomości kasują się same",
    ],
)
def test_apps_named_by_their_users_or_vanishing_messages(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "my grandma uses the app too, the font must be bigger",
        "anneannem de uygulamayı kullanıyor, yazılar büyük olmalı",
        "mia nonna usa l'app e non trova il tasto indietro",
        "We added a 'disappearing messages' toggle to the settings screen",
    ],
)
def test_the_writers_own_grandma_and_ui_talk_stay_clean(text: str) -> None:
    assert labels(text) == set(), text


# A meeting tool named in lowercase after a preposition of a language where "meet" is no
# everyday word; English lowercase "meet" stays a verb.
@pytest.mark.parametrize(
    "text",
    [
        "hacemos la llamada por meet mañana",
        "facciamo la riunione su meet domani?",
        "on fait l'appel sur meet demain ?",
    ],
)
def test_lowercase_meet_after_a_foreign_preposition(text: str) -> None:
    assert "meeting_link" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "can we meet on friday to review the call notes?",
        "let's schedule a call to meet the team here",
    ],
)
def test_english_meet_is_a_verb(text: str) -> None:
    assert "meeting_link" not in labels(text), text


# Negation inside a place off the platform is part of the place, not of the move.
@pytest.mark.parametrize(
    "text",
    [
        "me paga por fora, não pelo site",
        "ödemeyi buradan değil, elden yaparız",
        "si no pasamos por la plataforma te sale más barato",
    ],
)
def test_negation_inside_a_place_is_part_of_the_place(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


# Hard negatives sharing this round's words: staying here, specs, fees in product talk.
@pytest.mark.parametrize(
    "text",
    [
        "lass uns lieber hier weiterschreiben, das ist sicherer",
        "the platform fee is deducted directly from each payout",
        "napisz do mnie prywatnie czy firmowo wystawić fakturę",
        "fatturo privatamente o con partita IVA?",
        "the deposit field on the checkout form must accept decimals",
        "los clientes pagan con tarjeta y la comisión se descuenta sola",
        "Hit me up here if anything in the brief is unclear",
        "kalahati ng budget ay para sa design, okay lang ba?",
    ],
)
def test_this_rounds_words_in_other_senses_stay_clean(text: str) -> None:
    assert labels(text) == set(), text


def test_own_v3_intent_data_format() -> None:
    """own_v3_intent.jsonl: 14 language codes, unique ids, every third message of each
    language in the never-trained ``dev`` split, labels from LABELING.md."""
    path = Path(__file__).parent / "learned" / "own_v3_intent.jsonl"
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    assert len(rows) >= 600
    codes = {
        "en",
        "es",
        "pt",
        "fr",
        "de",
        "it",
        "pl",
        "ru",
        "hi",
        "hi-Latn",
        "ar",
        "tr",
        "id",
        "tl",
    }
    assert {r["lang"] for r in rows} == codes
    assert len({r["id"] for r in rows}) == len(rows)
    allowed = {"email", "phone", "handle", "meeting_link", "file_share", "off_platform"}
    for r in rows:
        assert set(r) == {"id", "text", "labels", "note", "lang", "kind", "split"}
        assert set(r["labels"]) <= allowed
        prefix = f"own3i-{r['lang']}-"
        assert r["id"].startswith(prefix)
        number = int(r["id"][len(prefix) :])
        assert r["split"] == ("dev" if number % 3 == 0 else "train")
        assert r["note"].startswith(f"({r['lang']}) ")
    positives = sum(1 for r in rows if r["labels"])
    assert 0.4 <= positives / len(rows) <= 0.6


# A place off the platform that is itself refused ("not outside") is no proposal to go there.
@pytest.mark.parametrize(
    "text",
    [
        "pague pelo site, não por fora",
        "paga pelo site, não por fora, por favor",
        "ödemeyi buradan yap, dışarıdan değil",
        "I'd rather not pay outside the platform",
    ],
)
def test_a_refused_place_is_no_move(text: str) -> None:
    assert labels(text) == set(), text


# French "ici" alone keeps nothing here: contrasting with it is a move; staying here is not.
@pytest.mark.parametrize(
    "text",
    [
        "on continue sur WhatsApp, ici c'est lent",
        "écris-moi sur telegram, ici je ne réponds pas vite",
        "paie-moi en liquide, pas ici",
    ],
)
def test_french_ici_contrasted_is_a_move(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "je préfère qu'on reste ici, c'est plus sûr",
        "écris-moi ici quand la maquette est prête",
        "je paie ici via la plateforme, pas de souci",
        "WhatsApp ? non, restons ici",
    ],
)
def test_french_staying_here_is_clean(text: str) -> None:
    assert labels(text) == set(), text


# "Are you on <app>?" and "I answer faster there", with the app named by its logo.
@pytest.mark.parametrize(
    "text",
    [
        "t'es sur l'appli avec le fantôme ? je réponds plus vite là-bas",
        "bist du auf der App mit dem Geist?",
        "ты есть в приложении с призраком? там быстрее",
        "hayaletli uygulamada mısın? orada daha hızlı dönerim",
        "kamu ada di aplikasi yang logonya hantu?",
    ],
)
def test_are_you_on_an_app_named_by_its_logo(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


# "Outside the contract" is a place off the platform; the contract's milestones are the
# platform's own flow.
@pytest.mark.parametrize(
    "text",
    [
        "if you settle with me outside the contract I'll add a banner for free",
        "se me pagar fora do contrato faço o banner de graça",
        "jak mi zapłacisz poza umową, dorzucę banner",
        "sözleşme dışında ödersen banner'ı bedava yaparım",
        "kalau bayar di luar kontrak, banner tambahannya gratis",
    ],
)
def test_paying_outside_the_contract_is_a_payment_move(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "оплата идёт по этапам контракта, всё как обычно",
        "payments go through the contract milestones as usual",
    ],
)
def test_contract_milestones_as_usual_are_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


# "Do you have <app>?" in a longer message.
@pytest.mark.parametrize(
    "text",
    [
        "ngl this chat lags like crazy, u got IG or smth?",
        "este chat va lentísimo, ¿tienes insta o algo?",
        "ten czat strasznie muli, masz insta czy coś?",
        "bu sohbet çok donuyor, insta falan var mı?",
        "ang bagal ng chat dito, may ig ka ba o kahit ano?",
    ],
)
def test_do_you_have_an_app_is_a_move(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "¿tienes el número de pedido para revisar el envío?",
        "masz już logo w wektorach?",
        "u got the latest mockups? the chat here is fine for them",
    ],
)
def test_do_you_have_without_an_app_is_clean(text: str) -> None:
    assert labels(text) == set(), text


@pytest.mark.parametrize(
    "text",
    ["¿hacemos un meet rapidito luego?", "bora num meet rapidinho mais tarde?"],
)
def test_a_meet_with_an_article(text: str) -> None:
    assert "meeting_link" in rule_labels(text), text


# The learned layer adds no e-mail where the rules found a link: "at" before a meeting or
# file link is no spoken "@" (the retrained layer scored this 3.04 against its 3.0 threshold).
@pytest.mark.parametrize(
    "text",
    ["Join me at whereby.com/studio-kline at 5pm", "grab it at dropbox.com/s/x7k2/brief.pdf"],
)
def test_no_learned_email_at_a_link(text: str) -> None:
    assert "email" not in labels(text), text


# "Do you use another app?" after a complaint about this inbox; a channel refused stays clean.
@pytest.mark.parametrize(
    "text",
    [
        "my inbox here is a mess, any other app u use?",
        "das Postfach hier ist Chaos, nutzt du noch eine andere App?",
        "skrzynka tutaj to bałagan, używasz innej apki?",
        "buradaki gelen kutusu karışık, başka bir uygulama kullanıyor musun?",
        "inbox di sini berantakan, kamu pakai aplikasi lain nggak?",
    ],
)
def test_another_app_asked_for_is_a_move(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "hablemos por aquí nomás, no tengo otra app",
        "I don't use WhatsApp, let's keep it here",
        "nie mam innej aplikacji, piszmy tutaj",
    ],
)
def test_a_refused_channel_is_no_move(text: str) -> None:
    assert labels(text) == set(), text


def test_layer_keeps_precision_and_gains_on_the_dev_split() -> None:
    """On own_v3_intent's dev split (never trained on) the learned layer keeps message-level
    precision at or above 0.97 and finds at least three messages the rules alone miss (four
    before round 14's retraining on the probes' dev halves, which gained on every probe's
    test half)."""
    path = Path(__file__).parent / "learned" / "own_v3_intent.jsonl"
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in map(json.loads, filter(str.strip, fh)) if r["split"] == "dev"]
    assert len(rows) >= 250

    def counts(det: Detector) -> tuple[int, int]:
        tp = fp = 0
        for r in rows:
            pred, gold = bool(det.scan(str(r["text"]))), bool(r["labels"])
            tp += pred and gold
            fp += pred and not gold
        return tp, fp

    r_tp, _ = counts(RULES)
    tp, fp = counts(SHIPPED)
    assert tp / (tp + fp) >= 0.97
    assert tp >= r_tp + 3


# Round 10, the weakest languages: cash on delivery when meeting, "do you have <app>?",
# "continue with me on", "not from here", local wallets, "give me your number on <app>".
@pytest.mark.parametrize(
    "text",
    [
        "biar ga kena potongan, kita COD aja pas ketemu",
        "ada telegram? di sana aku kirim referensinya",
        "يا باشا كمل معايا على الواتس أريح",
        "الدفع مش من هنا، حوله على الانستاباي بتاعي",
        "pre, sa messenger na lang tayo para mas madali",
        "pahingi ng number mo sa viber",
        "may telegram ka? doon ko ipapadala ang references",
        "kak minta no wa nya dong",
    ],
)
def test_weakest_languages_round_10(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "COD tersedia untuk pelanggan di Jabodetabek, tampilkan di checkout",
        "لازم التطبيق يدعم الدفع بانستاباي للعملاء",
        "pahingi ng revised file, i-upload mo na lang dito",
        "pre, dito na lang tayo para safe tayong dalawa",
        "kak minta no resi nya dong",
    ],
)
def test_weakest_languages_round_10_negatives(text: str) -> None:
    assert labels(text) == set(), text
