"""Round 33 (issue 15): rules written from the train halves of ``learned/own_v28_probe.jsonl``
and ``learned/own_v29_probe.jsonl`` (people writing for someone else, hedged and half-joking
wording; the test halves were never read). The sentences here are new phrasings, not the
probes'."""

from __future__ import annotations

import pytest

from signaling.policy.detect import scan
from tests.policy.helpers import labels, rule_labels
from tests.policy.linear import assert_linear, repeated


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # a hyphenated compound between the words of a phrase ("Slack-Workspace")
        ("Könnt ihr uns in euren Discord-Kanal einladen? Dann fragen wir direkt.", "off_platform"),
        # the writer's own number or address given, in the codes that lacked it
        ("Ich geb dir meine Handynummer, dann klären wir das schneller.", "off_platform"),
        ("Podam ci mój numer, zadzwoń wieczorem.", "off_platform"),
        ("Я дам вам мой номер, позвоните после обеда.", "off_platform"),
        ("Size numaramı vereyim, akşam arayın.", "off_platform"),
        ("Saya kasih nomor saya ya, nanti telepon aja.", "off_platform"),
        ("Ibibigay ko sa inyo ang number ko mamaya.", "off_platform"),
        ("سأعطيك رقمي وكلمني بالليل", "off_platform"),
        # part 2: hedged asks and payments for someone else
        ("Just checking whether you are on Signal, my partner prefers it.", "off_platform"),
        ("Auriez-vous une adresse e-mail ? Ma collègue doit envoyer le devis.", "off_platform"),
        ("Hätten Sie eine Handynummer? Mein Chef möchte kurz anrufen.", "off_platform"),
        ("Mbak punya Telegram? Atasan saya lebih sering di sana.", "off_platform"),
        ("Czy mógłby Pan podać swój numer? Szef zadzwoni jutro.", "off_platform"),
        ("Можно оплатить через Payoneer, минуя площадку?", "off_platform"),
        ("Шеф предлагает оплату картой в обход биржи.", "off_platform"),
        ("Zapłacimy przez SumUp, poza tą stroną.", "off_platform"),
        ("الشركة تدفع عبر PayPal خارج المنصات عادة", "off_platform"),
        ("क्या आप क्रिप्टो लेते हैं?", "off_platform"),
        ("Pagamos por Pix, fora daqui, fica mais barato.", "off_platform"),
        # part 4: an app as a verb, booked times, swaps, files, labelled handles
        ("Malaki yung video, i-WhatsApp ko na lang sa inyo mamaya?", "off_platform"),
        ("Viber mo na lang yung mga sample, mas mabilis.", "off_platform"),
        ("Google Meet na lang tayo mamayang gabi", "meeting_link"),
        ("Pode marcar um horário no meu Calendly quando puder.", "meeting_link"),
        ("Reserva un hueco en mi Calendly para el jueves.", "meeting_link"),
        ("Podemos trocar os nossos contactos? Assim é mais rápido.", "off_platform"),
        ("ابعتلي الصور على وي ترانسفير لو سمحت", "off_platform"),
        ("Se vuoi ci sentiamo su WhatsApp più tardi.", "off_platform"),
        ("Instagram do nosso estúdio: @estudio.luma", "handle"),
        # part 5: a means suggested in a question; Devanagari with or without the nukta
        ("How about USDT for the remaining milestones?", "off_platform"),
        ("Was hältst du von PayPal für die Anzahlung?", "off_platform"),
        ("E se fosse por Pix o resto do pagamento?", "off_platform"),
        ("बाकी पैसे नक़द में दे दूँ?", "off_platform"),
        ("मेरा फ़ोन नंबर ले लीजिए, व्हाट्सऐप पर बात करते हैं", "off_platform"),
        ("मेरा फोन नंबर ले लीजिए, व्हाट्सऐप पर बात करते हैं", "off_platform"),
        # part 6: invited as a guest or to a workspace; Arabizi asks; a Mexican mobile's old "1"
        ("Can we invite you as a guest to our Slack? Easier for the team.", "off_platform"),
        ("Dürfen wir dich als Gast in unser Slack einladen?", "off_platform"),
        ("ممكن ندعوك إلى مساحة العمل على سلاك؟", "off_platform"),
        ("ya reet teb3atly el email beta3ak 3ashan el contract", "off_platform"),
        ("I miei recapiti sono sul sito, chiamami pure.", "off_platform"),
        ("Atentamente, Laura Ríos · Cel. +52 1 33 1234 5678", "phone"),
        # part 7 (own_v30's train half): local rails, meeting verbs, local asks
        ("Vediamoci su Jitsi domani alle 10.", "meeting_link"),
        ("Spotkajmy się na Jitsi w piątek.", "meeting_link"),
        ("Консультацию давайте в Jitsi, без регистрации.", "meeting_link"),
        ("¿Me regalas tu número para coordinar la entrega?", "off_platform"),
        ("Envie-me o seu e-mail, por favor.", "off_platform"),
        ("راسلني على الماسنجر", "off_platform"),
        ("Ti giro i soldi su Satispay stasera.", "off_platform"),
        ("Заплатите через ЕРИП, счёт пришлю.", "off_platform"),
        ("Кидай на моно, сразу начну.", "off_platform"),
        ("Możesz zapłacić przez Przelewy24?", "off_platform"),
        ("Bar auf die Hand, wenn ich vorbeikomme?", "off_platform"),
        ("Khalasni b Flouci wela D17?", "off_platform"),
        # part 8: the writer introduced by an @handle after the app
        ("Add me on Instagram, I'm @nadia.makes there.", "handle"),
    ],
)
def test_moves_of_round_33(text: str, label: str) -> None:
    assert label in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        # the giving refused, held back or kept until a contract
        "Meine Handynummer gebe ich grundsätzlich nicht raus, bleiben wir lieber hier.",
        "Meine Nummer gebe ich erst nach der Beauftragung weiter.",
        "Hindi ko ibibigay ang number ko, dito na lang tayo.",
        "Numaramı sözleşme olmadan vermiyorum, buradan yazışalım.",
        "Я не дам свой номер до контракта, пишите здесь.",
        # a contract named without "until": no holding back, but no move either
        "El informe de pagos de la empresa necesita estos campos: fecha, importe, transferencia.",
        "عميلنا يدفع للموردين عبر PayPal، والتقرير يحتاج هذه الحقول",
    ],
)
def test_look_alikes_of_round_33_are_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        # part 3: stories of a former worker, of once, told by someone else
        "O meu antigo editor mandava os brutos por WeTransfer e metade sumia.",
        "Kiedyś zleceniodawca zapłacił mi przez PayPal poza serwisem i zniknął.",
        "A client once paid me through Wise outside the site and I never saw the rest.",
        "المستقل السابق طلب مني أدفع له عبر PayPal ورفضت.",
        "Teman saya pernah cerita, kliennya dulu bayar lewat transfer bank di luar platform.",
        "Dati may client ako na nagbayad sa GCash sa labas, hindi na bumalik.",
        "Kwento ng kaibigan ko, yung client niya dati nag-Zoom call tapos scam pala.",
        # a tool embedded in a page, or avoided
        "Na página de agendamento vamos incrustar um calendário do Calendly.",
        "Je préfère éviter Google Meet, passons par l'appel vidéo du site.",
        # a job of migrating a team between tools; an invoice made out to a company's title
        "Our company wants to migrate everyone from Slack to Microsoft Teams, any experience?",
        "Faturayı şirket unvanımıza kesebilir misiniz? Vergi dairemiz Beşiktaş.",
        # a product's payment options suggested are no means proposed
        "How about Stripe for the checkout page of the shop?",
        # part 7: stories told by others, the news, refusals said after the means
        "Ein ehemaliger Auftraggeber hat per PayPal gezahlt und dann das Geld zurückgeholt.",
        "Знакомый из Казани работал напрямую через Telegram и остался без оплаты.",
        "Arkadaşım bir müşteriye Papara'dan ödeme yapmış, iş gelmemiş.",
        "In the news: a fake PayPal invoice scam hit freelancers in Lagos.",
        "Pagamento por fora não rola, só pelo site.",
        "Capisco la comodità di Satispay, ma preferisco che i pagamenti passino dalla piattaforma.",
        # part 8: "-wise" is Indian English for "by"; an address's numbers are no phone
        "Payment will be released phase-wise through the platform's milestones.",
        "Ship to 88 Harbor Rd, Unit 4, Portland OR 97209. The PO number is 44120.",
        "Morada: Avenida da Liberdade 110, 1250-146 Lisboa. NIF 512 345 678.",
        # accounts listed after a label are no one's contact
        "Instagram competitors: @nike, @adidas and @puma.",
    ],
)
def test_stories_embeds_and_tools_avoided_are_no_move(text: str) -> None:
    assert labels(text) == set()


def test_a_contract_named_is_no_holding_back() -> None:
    # "wyślę umowę" sends the contract; the number is asked for all the same
    assert labels("Podaj numer, wyślę umowę jutro") == {"off_platform"}


def test_a_number_said_in_two_goes_still_joins() -> None:
    assert labels("Area code is 415. The rest is 726 0093.") == {"phone"}


def test_the_round33_rules_stay_linear() -> None:
    unit = (
        "meine Nummer gebe ich nicht raus bis zum Vertrag, ich geb dir meine nummer gleich "
        "Slack-Workspace hätten Sie eine E-Mail минуя сайт fora daqui Telegram I'm @a_b "
        "1420 W Fulton St, Suite 3, Chicago IL 60607 milestone-wise "
    )
    assert_linear(lambda n: scan(repeated(unit, n)))


@pytest.mark.parametrize(
    "text",
    [
        # review of round 33 (a helper read the diff): a story followed by a command is a move
        "Ein früherer Kunde hat mir direkt per PayPal gezahlt, das können wir auch so machen.",
        "Minha antiga designer mandava tudo por WeTransfer, manda assim também.",
        "Коллега мой работал так: платите на карту напрямую, без биржи.",
        "Kuzenim de böyle ödemiş, sen de Papara'dan gönder.",
        "Mi ex cliente me pagaba por PayPal, págame así tú también.",
        "Dati may client ako na nagbayad sa GCash, ganun na lang din tayo.",
        # a "no" of "no problem" refuses nothing; "erst mal" is "first"
        "No problem, leave your number and I'll call you.",
        "Sorun değil, numaranızı verin, arayayım.",
        "Gak masalah, kirim nomor kamu ya.",
        "Ich gebe dir erst mal meine Nummer, dann telefonieren wir kurz.",
        "Nie ma sprawy, podam ci mój numer.",
        # "geht nicht nur", "no se puede rastrear" refuse nothing; "'di ko" refuses the platform
        "Per PayPal geht nicht nur schneller, zahl mir direkt.",
        "Wise no se puede rastrear, así que págame por Wise directamente.",
        "Di ko na babayaran dito, GCash na lang para walang fee.",
        # "to avoid misunderstandings" avoids no tool
        "Um Missverständnisse zu vermeiden lieber per Zoom morgen um 10?",
    ],
)
def test_review_of_round_33_moves_still_found(text: str) -> None:
    assert labels(text) != set()


@pytest.mark.parametrize(
    "text",
    [
        "Vergi numaramı vereyim.",
        "Sipariş numaramı göndereyim.",
        "Lass meine Nummer bitte aus dem Impressum raus.",
        "متى أستلم فلوسي؟ المنصة أخرت الدفعة.",
        "Переведу дорожку в моно и скину на проверку сюда.",
        "Haben Sie eine E-Mail von der Plattform bekommen?",
        "Kemarin saya sudah email-an sama tim support platform soal refund.",
        "I-text ko na lang yung details dito sa chat mamaya.",
        "Email mo na lang sa support ng platform yung issue.",
        "I miei contatti sono sul sito della piattaforma, nel mio profilo.",
        "Telegram bot name we registered for the shop: @acme_orders_bot",
        "Instagram reference account for the mood board: @kinfolk",
    ],
)
def test_review_of_round_33_look_alikes(text: str) -> None:
    assert labels(text) == set()


def test_a_phone_word_before_the_first_piece_keeps_the_pieces_together() -> None:
    text = "My cell starts 0176 lol this site keeps eating my messages so yeah 23456789"
    assert [f.value for f in scan(text) if f.label == "phone"] == ["+4917623456789"]
