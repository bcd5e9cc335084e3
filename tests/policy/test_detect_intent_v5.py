"""Off-platform intent, round 5 (issue 15, branch guard-intent3): asking how else to reach the
other party, offering or swapping one's own contact, billing the other party oneself or from
one's own company, paying in person, and the "here" talk and product specs that share their
words. Each positive group fails on the rules of the branch's base commit (1a2eeed); the
negative groups guard this round's own reach."""

from __future__ import annotations

import pytest

from signaling.policy.detect import Detector

RULES = Detector(learned=False)


def rule_labels(text: str) -> set[str]:
    return {f.label for f in RULES.scan(text)}


def values(text: str) -> set[str]:
    return {f.value for f in RULES.scan(text) if f.label == "off_platform"}


# A verb of reaching the other party and another or a better way or place in one sentence.
@pytest.mark.parametrize(
    "text",
    [
        "is there a better number to reach you on? i rarely log in",
        "where else can i find you if the site goes down?",
        "¿dónde más te puedo localizar? aquí no me llegan avisos",
        "come ti trovo fuori dal sito? rispondo lento",
        "c'è un numero dove beccarti nel weekend?",
        "qual o melhor jeito de te achar fora do horário?",
        "je peux te joindre ailleurs, le soir ?",
        "wo erreiche ich dich am besten außerhalb der Plattform?",
        "gdzie jeszcze mogę cię złapać poza portalem?",
        "а вы где-то ещё на связи, кроме сайта?",
        "как тебя ещё можно найти, кроме сайта?",
        "pwede ba kita ma-reach bukod dito?",
        "sana daha hızlı nereden ulaşabilirim?",
        "ada jalur lain buat hubungin kamu kak?",
        "bhai aapse baat karne ka koi aur jariya hai?",
        "आपसे संपर्क करने का दूसरा जरिया बताइए, यहाँ के अलावा",
        "fi 7aga tanya nitkallem 3aleha?",
    ],
)
def test_reach_elsewhere(text: str) -> None:
    assert "off_platform" in rule_labels(text)


# Reaching here, turning on notifications, or asking where else the work is shown: no move.
@pytest.mark.parametrize(
    "text",
    [
        "is there a quicker way to reach you on here? like from the mobile app?",
        "i can reach you faster if you turn on push notifications in the app",
        "where else have you published your work? i'd like more samples",
        "wo erreiche ich dich am besten hier im Chat, morgens oder abends?",
        "pano kita makokontak dito kapag may update?",
        "c'è un modo per beccarti qui più spesso?",
        "¿dónde más puedo ver tus trabajos?",
        "как ещё можно найти ваши работы на этом сайте?",
    ],
)
def test_reach_here_is_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


# One's own contact offered, or contacts swapped.
@pytest.mark.parametrize(
    "text",
    [
        "je te donne mon contact, ce sera plus simple pour discuter",
        "ti do il mio contatto così ci organizziamo",
        "sini aku kasih kontak aku ya kak",
        "tukeran kontak yuk kak biar gampang",
        "bigay ko na lang sayo yung contact ko",
        "let's exchange numbers, easier to sort the details",
        "оставлю вам свои координаты, позвоните",
        "هديك رقمي وكلمني",
    ],
)
def test_contact_offered(text: str) -> None:
    assert "off_platform" in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "je te donne mon avis sur la page contact",
        "ti do il mio contatto di riferimento in agenzia per le foto",
        "sini aku kasih masukan buat halaman kontak",
        "оставлю вам свои комментарии к макету прямо тут",
    ],
)
def test_contact_page_talk_is_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


# Billing the other party oneself, or from one's own company.
@pytest.mark.parametrize(
    "text",
    [
        "for the last milestone i'll just invoice you myself",
        "my studio will bill you for phase two",
        "el resto te lo facturo yo mismo",
        "le solde, je te le facture moi-même",
        "den Rest stelle ich dir selbst in Rechnung",
        "счёт я вам сам выставлю за вторую часть",
        "termin 2 aku tagih sendiri ya kak",
        "i'll send the invoice from my company, pay it when you can",
    ],
)
def test_self_invoice(text: str) -> None:
    assert "pay:self_invoice" in values(text)


@pytest.mark.parametrize(
    "text",
    [
        "i'll invoice you through the platform for the second milestone",
        "attached is my company's invoice template, copy its layout",
        "i'll send the invoice from my company and upload it here",
        "ako na lang gagawa ng resibo tapos i-upload ko dito",
    ],
)
def test_invoices_kept_here_are_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


# Paying in person as a place off the platform, for payments only.
@pytest.mark.parametrize(
    "text",
    [
        "il saldo me lo dai a mano, così niente commissione",
        "o resto do pagamento você me paga pessoalmente",
        "вторую часть оплатите из рук в руки",
    ],
)
def test_paid_in_person(text: str) -> None:
    assert "off_platform" in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "let's talk in person at the conference next week",
        "il saldo lo rilascia la piattaforma, ci vediamo di persona alla consegna",
    ],
)
def test_in_person_without_payment_is_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


# Round 5: the way or place asked in the next sentence, the clause of "here", clitics and
# adverbs of speed, offers with "take my number", receipts one makes oneself.
@pytest.mark.parametrize(
    "text",
    [
        "how can i get a hold of you later? any number?",
        "ezay awsalak ba3d el shoghl? 3andak rakam?",
        "خد رقمي وكلمني بالليل",
        "mau hubungin kmu dimana selain di sini?",
        "posso contattarti più facilmente altrove?",
        "¿te localizo más rápido por otro lado?",
        "wie erreiche ich dich schneller, hier lädt alles ewig",
        "ako na gagawa ng resibo, bayaran mo na lang ako diretso",
        "ako na mag-bill sayo, wag na dito",
    ],
)
def test_round5_reach_and_billing(text: str) -> None:
    assert "off_platform" in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "wie erreiche ich dich hier schneller, per Benachrichtigung?",
        "posso contattarti più facilmente qui in chat?",
        "mau hubungin kmu disini aja ya kak",
        "kak ada aplikasi yg ijo itu di desain kita, ganti warnanya",
    ],
)
def test_round5_here_and_design_are_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


# Round 6: "where" next to a verb of reaching the other party, "here" after a condition or
# with a negation after it, billing one keeps doing oneself.
@pytest.mark.parametrize(
    "text",
    [
        "if the chat breaks, where do i ping you?",
        "si la web falla, ¿dónde te puedo llamar?",
        "se o site cair, onde eu te acho?",
        "se qui si blocca, dove ti becco?",
        "si le site tombe, je te contacte où ?",
        "если тут всё упадёт, где вас можно застать?",
        "kung mag-down dito, saan kita pwedeng i-text?",
        "kalo webnya error, aku ngontak kamu lewat mana?",
        "agar site na chale toh aapse kahan baat karu?",
        "अगर यहाँ दिक्कत आए तो आपसे फिर कहाँ संपर्क करूँ?",
        "el soporte te lo cobro yo directamente cada mes",
        "die Pflege rechne ich direkt mit dir ab",
        "хостинг буду выставлять вам сам, через сайт не надо",
        "yung hosting ako na maniningil sayo buwan buwan",
    ],
)
def test_round6_where_and_recurring_billing(text: str) -> None:
    assert "off_platform" in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "where can i ping you here if the build fails?",
        "¿dónde te puedo escribir aquí en el hilo del proyecto?",
        "dove ti becco qui in chat domani?",
        "where do i find the invoice you sent?",
    ],
)
def test_round6_where_here_is_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)
