"""Off-platform intent, round 14 (issue 15): what the dev halves of ``learned/own_v11_pay.jsonl``
and ``learned/own_v12_probe.jsonl`` showed missing, fixed as kinds, each with the benign
sentences that share its words.

- A product word in another sentence is no spec of a payment request: "la página se lleva un
  montón. ¿Me pagás en USDT?" names the site, not a product; the product veto of a named means
  of payment reads only the means' own sentence.
- Paying "separately" to spare the platform's cut, with no lower price named: "schick mir das
  Trinkgeld separat, hier zieht die Plattform was ab", "tip alag se bhej dena, ... kaat
  lenge"; the word of paying must be in the aside word's clause, so an invoice that shows
  the fee "separately" is no move.
- A move answered in the same message with the platform kept as the only place and a word of
  declining is a refusal that quotes the move ("You mentioned PayPal to skip the fee - sorry,
  I only work through the contract here", "tout passe par le paiement du site"): "only" and
  "everything" (or "we stay") in each language, before the platform's own places. Not when
  the keeping is negated ("I don't like that everything here takes so long"), comes before
  the move, has no declining between it and the move, or is followed by a "but".
- The other party's number or e-mail asked for, with the polite and the familiar "your" of
  each language ("Vous pouvez me donner votre numéro ?", "Können Sie mir Ihre Handynummer
  geben?", "Wyślij mi swojego maila", Arabic "إيميلك"): a contact move. Not "your phone
  number in the profile settings", "your number of revisions" or "Ihre E-Mail-Vorlage".
- The platform that "doesn't need to know" what the two parties agreed ("Le site n'a pas
  besoin de savoir sur combien on s'est mis d'accord", "Serwis nie musi wiedzieć, na ile się
  umówiliśmy", "Di na kailangang malaman ng site"): a deal kept from it; "know" and "need"
  words per language. Not when the one who need not know is the reader ("you don't need to
  know how the platform computes the fee") or nothing agreed is kept ("wann du Urlaub hast").
  English "doesn't", "does not" and "didn't" are negations everywhere.
- A way around the platform's fee asked for, with no verb of paying ("essa comissão é um
  absurdo, tem como a gente fugir dela?", "koi jugaad hai isse bachne ka?", "bi
  yolu yok mu"): "getting around" words per language. Not a bank's, a card's or a conversion
  fee, not a spec, not a way around denied ("the fee can't be avoided, it's part of it").
- Apps named by what they are known for among gamers ("the gamer app with the controller
  logo", "quella col joystick nel logo", "z padem w logo", "شعاره يد تحكم"), and a call
  proposed on an app named by its looks ("Faisons l'appel sur l'appli violette", "telponan di
  aplikasi ungu"): a call word close to the app, in its clause, is the move's cue. Not design
  talk ("make the chat bubble green", "the purple app icon ..., call the designer").
- Places off the platform said as "without going through it" in each language ("sans passer
  par le site", "ohne Umweg", Turkish "without a middleman"), and a keep-here phrase refused
  right before it ("a nie przez serwis", "not through the site"): with a verb of paying, a
  payment move.
- Paying or refunding the other party oneself, privately, out of one's own pocket, with a
  person as the one paid right beside the verb ("lo demás te lo pago yo por mi cuenta", "ich
  zahl dich privat weiter", "ti rimborso io di tasca mia", "pay me yourself"); a negation
  inside an "if" clause ("si no te gusta, ...") states a condition, not a refusal. Not "I'll
  pay the hosting myself" or "you can pay the domain yourself".
- A call proposed somewhere else ("On peut faire l'appel ailleurs ?", "Hagamos la
  videollamada por otro lado", "कॉल कहीं और कर लें?", "نخلي المكالمة في مكان ثاني؟"): the call
  word before the place, close to it in its clause, is the cue. Not "por otro lado, la
  llamada" ("on the other hand") or "the other way around - the webhook calls our API".
- Money sent "like last time" when the usual way is a short question and the money comes in
  the next sentence ("Robimy jak ostatnio? Przelewasz i ...", "Lo hacemos como la vez pasada:
  te mando la plata"); French "tu me règles".
- Money moved through someone close to a party, an account or a firm named, asked of the
  other party or paying them ("Pode depositar na conta da minha namorada?", "kannst du das
  Geld an meinen Mitbewohner überweisen?", "my brother-in-law's firm will be paying you").
- Billing with one's own invoice or company ("ma propre facture ... avec ta boîte", "una
  fattura mia ... dalla tua ditta", Turkish "my own invoice", "فاتورة خاصة بي"), and leaving the
  platform out of it ("il sito lo lasciamo fuori", "ونخلي الموقع برا الموضوع") as a place off
  the platform.
- The refusal that keeps the platform as the only place also drops the learned layer's
  finding, whose span is its strongest words wherever they stand ("Não aceito dinheiro por
  fora nem transferência, tudo passa pelo pagamento do site").
- A means of payment taken or asked to be taken, the word of taking right beside it ("Venmo
  or Cash App both work for me", "Biorę też w USDT", "в крипте принимаешь?"). Not a shop or
  a checkout that accepts a means.
- A bonus, a tip or a small gift of money with a place off the platform in its sentence ("te
  mando um agrado por fora, sem passar pelo app", "an extra hundred on the side, won't go
  through this app"); "won't go through this app", "no need to go through the app" and "I
  don't want to go through the app" are places off the platform.
- Arabic accusative alif: an indefinite noun in the accusative is written with a final alif
  beside the tanween mark ("خصماً", "بدلاً"); the view drops the alif with the mark, so the
  word reads as the lists hold it.
"""

from __future__ import annotations

import pytest

from signaling.policy.detect.text import normalize
from tests.policy.helpers import labels, rule_labels


@pytest.mark.parametrize(
    "text",
    [
        "Che, la página se lleva un montón. ¿Me pagás en USDT y nos olvidamos del fee?",
        "Trinkgeld lieber nicht über den Bonus-Button. Per Überweisung ist besser.",
        "Bahşişi bonus butonundan gönderme; Papara'dan at daha iyi",
        "The site's app takes 20%. Can you pay me via PayPal instead?",
        "O app cobra caro. Me paga no Pix?",
    ],
)
def test_product_word_in_another_sentence_vetoes_no_payment_request(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "La página de pago debe aceptar USDT y tarjetas.",
        "The checkout page must let users pay with PayPal.",
        "Der Bonus-Button soll Zahlungen per Überweisung anbieten.",
        "Uygulamanın ödeme sayfası Papara ile ödemeyi desteklemeli.",
        "We need a website. The checkout must accept PayPal and bank transfer.",
    ],
)
def test_product_spec_naming_a_means_of_payment(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "إذا دفعت لي مباشرة سأمنحك خصماً بنسبة 15%.",
        "إذا دفعت لي مباشرة سأمنحك خصمًا بنسبة 15%.",
        "أرسل لي التصاميم على البريد بدلاً من المحادثة هنا",
        "أرسل لي التصاميم على البريد بدلا من المحادثة هنا",
    ],
)
def test_arabic_accusative_alif(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    ("text", "view"),
    [
        ("خصماً", "خصم"),
        ("خصمًا", "خصم"),
        ("شكراً.", "شكر."),
        ("ما", "ما"),  # no tanween: a word that ends in alif keeps it
        ("اً", "ا"),  # an alif with no letter before it stays
    ],
)
def test_accusative_alif_view_keeps_spans(text: str, view: str) -> None:
    v = normalize(text)
    assert v.s == view
    # the view's characters together still cover the whole original text
    assert v.span(0, len(v.s)) == (0, len(text))


@pytest.mark.parametrize(
    "text",
    [
        "Ein Trinkgeld kannst du mir gerne separat schicken, hier zieht die Plattform was ab",
        "Tip dena ho toh alag se bhej dena, yahan se doge toh usme se bhi kaat lenge",
        "Send the tip separately, the site takes a cut of everything here.",
    ],
)
def test_paid_aside_to_spare_the_platforms_cut(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "For the invoice template, please show the platform fee (20%) and the VAT line separately.",
        "Di invoice, potongan platform 20% harus tampil di baris terpisah.",
        "Sa invoice, dapat hiwalay na linya ang 20% fee ng platform.",
        "Die Plattform zieht die Gebühr separat von jeder Auszahlung ab, steht in den AGB.",
    ],
)
def test_fee_shown_separately_is_no_move(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "You mentioned paying via PayPal to skip the fee - sorry, I only work through the "
        "contract here.",
        "\"Let's move to WhatsApp\" - I'd rather not, I keep all client chats on this app.",
        "Me propones pagar por PayPal, pero no: solo trabajo con el contrato de aquí.",
        "Désolé, je n'accepte ni espèces ni PayPal, tout passe par le paiement du site.",
        "„Przejdźmy na WhatsAppa” – wolę nie, wszystkie rozmowy trzymam w tej aplikacji.",
        "Вы предлагаете перевод на карту — нет, работаю только через сделку здесь.",
        "आप UPI पर पेमेंट की बात कर रहे हैं, पर नहीं, मैं सिर्फ़ यहाँ के कॉन्ट्रैक्ट से काम करता हूँ।",
        "تقترح الدفع بتحويل بنكي، لكن لا، أنا أشتغل بس عن طريق العقد هنا.",
        "Nakit ya da yan ödeme kabul etmiyorum, her şey sitenin güvenli ödemesinden geçer.",
        "Saya gak terima cash atau transfer di luar, semua lewat rekber situs.",
        "Zahlung per PayPal? Nein danke, leider läuft bei mir alles über die Plattform.",
        "Zahlung in Krypto, wie du vorgeschlagen hast, kommt für mich nicht infrage, wir "
        "bleiben beim Meilenstein hier.",
        "WhatsApp? No thanks, let's stay here on the platform.",
    ],
)
def test_move_answered_with_the_platform_as_the_only_place(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Sorry for the delay! Can you pay me via PayPal? I only check this chat once a day.",
        "Can you pay me via PayPal? I don't like that everything here takes so long.",
        "Let's move to WhatsApp, I can't stand that all messages here get lost.",
        "No worries. Pay me directly via Wise, I only use the platform to find clients.",
        "Pague-me por Pix, não quero que tudo passe pelo site.",
        "I only work through the contract here, sorry, but can you pay me via PayPal?",
        "Kung hindi na tayo dadaan dito, 8k na lang, pero dito 10k kasi may kaltas.",
        "Sorry, I only work through contracts here, but PayPal is faster, pay me there.",
        "Pay me via PayPal and we stay in touch here for the files.",
    ],
)
def test_move_with_only_or_everything_that_keeps_nothing(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Vous pouvez me donner votre numéro ? Je préfère vous appeler.",
        "Können Sie mir Ihre Handynummer geben? Ich rufe lieber kurz an.",
        "Können Sie mir Ihre E-Mail geben?",
        "Wyślij mi swojego maila, dalej pogadamy tam.",
        "ابعت لي إيميلك ونكمل الكلام هناك.",
        "Kirim nomormu dong",
        "Can you give me your email address?",
    ],
)
def test_the_other_partys_number_or_mail_asked_for(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Please update your phone number in the profile settings.",
        "Your email template looks great, send me the final version.",
        "Give me your number of revisions",
        "Send the invoice to your email, the platform does it automatically",
        "Ihre E-Mail-Vorlage gefällt mir, schicken Sie die finale Version.",
        "Le formulaire doit demander votre numéro de téléphone.",
        "Tu número de pedido es 4411, te lo paso por aquí",
    ],
)
def test_your_number_or_mail_that_asks_for_no_contact(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Le site n'a pas besoin de savoir sur combien on s'est vraiment mis d'accord.",
        "Was wir wirklich ausmachen, muss die Seite ja nicht wissen, oder?",
        "Il sito non deve per forza sapere quanto ci siamo accordati davvero.",
        "Serwis nie musi wiedzieć, na ile się naprawdę umówiliśmy.",
        "असली रेट क्या तय हुआ है, ये साइट वालों को जानने की ज़रूरत नहीं है।",
        "Di na kailangang malaman ng site kung magkano talaga usapan natin.",
        "Coloca um valor simbólico no contrato e o resto a gente acerta, o site não precisa "
        "ficar sabendo.",
        "The site doesn't need to know how much we really agreed on.",
    ],
)
def test_deal_kept_from_the_platform(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "You don't need to know how the platform calculates the fee.",
        "The platform needs to know the deadline, add it to the contract.",
        "Die Plattform muss nicht wissen, wann du Urlaub hast, trag es einfach nicht ein.",
        "Our app must not tell users their password.",
        "Los usuarios no necesitan saber cuánto cobra la pasarela: el sistema lo calcula.",
    ],
)
def test_need_not_know_with_no_deal_kept_from_the_platform(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Cara, essa comissão é um absurdo, tem como a gente fugir dela?",
        "franchement leur commission c'est du vol, y a pas moyen de s'en passer ?",
        "Слушай, ну их комиссия это грабёж, может как-то обойдём?",
        "भाई इनका कमीशन तो बहुत ज़्यादा है, कोई तरीका है इससे बचने का?",
        "Yaar inka commission bahut zyada hai, koi jugaad hai isse bachne ka?",
        "والله العمولة اللي ياخذونها كثيرة، في طريقة نتجنبها؟",
        "ya bu komisyon çok fazla, bunu atlatmanın bi yolu yok mu",
        "Their fee is insane. Is there a way we can get around it?",
    ],
)
def test_a_way_around_the_platforms_fee(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "How can I avoid the bank's conversion fee on withdrawals?",
        "The fee can't be avoided, it's part of the service.",
        "The app should let users skip the fee screen.",
        "Is there a way to avoid the late fee on the card?",
    ],
)
def test_a_way_around_a_fee_that_keeps_the_payment_here(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Sei sull'app dei gamer, quella col joystick nel logo? Ci sentiamo in un canale vocale lì.",
        "Join me on the gamer app with the controller logo",
        "Faisons l'appel sur l'appli violette, le son est pourri ici.",
        "Telponan di aplikasi ungu aja, suara di sini putus-putus.",
        "बैंगनी वाले कॉलिंग ऐप पर कॉल कर लेते हैं, यहाँ आवाज़ कट रही है।",
        "Let's call on the purple app, the sound here is bad.",
    ],
)
def test_app_named_by_gamers_or_a_call_on_an_app_named_by_its_looks(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "The purple app icon should be bigger, call the designer.",
        "Can you make the call button green in the app?",
        "the app icon should be a green speech bubble like every chat app",
        "for the new icon set, make the chat bubble green and the plane blue like the mockup",
        "We're building a chat app for gamers with a controller icon on the home screen.",
    ],
)
def test_app_looks_in_design_talk(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Je vous fais -15 % si vous me payez sans passer par le site.",
        "Dam ci 15% rabatu, jak zapłacisz mi bezpośrednio, a nie przez serwis.",
        "Die nehmen 20 % Provision. Wenn du mich ohne Umweg bezahlst, teilen wir die Ersparnis.",
        "Adamlar %20 kesiyor, aracısız ödersen kazancı yarı yarıya bölüşürüz.",
        "Pay me, not through the platform, and I'll knock 10% off.",
    ],
)
def test_paying_without_going_through_the_platform(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Zapłać przez serwis, nie przelewem, tak jest bezpieczniej.",
        "Please pay through the platform, not by bank transfer.",
        "Le site prélève 10 % sans passer par moi, c'est automatique.",
    ],
)
def test_paying_through_the_platform_with_a_refused_means(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Cerramos el contrato y lo demás te lo pago yo por mi cuenta, ¿te parece?",
        "On clôture le contrat et je continue à te payer moi-même pour la suite.",
        "Nach dem ersten Meilenstein beenden wir den Vertrag und ich zahl dich privat weiter.",
        "Chiudiamo il contratto e per il resto mi paghi privatamente.",
        "Si no te gusta el resultado te devuelvo el dinero yo mismo por transferencia.",
        "Se il risultato non ti convince ti rimborso io di tasca mia.",
        "Kung di mo magustuhan, ako na mismo magre-refund sa'yo.",
        "Next time you need something just ping me and pay me yourself.",
    ],
)
def test_paying_the_other_party_oneself(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "I'll pay the hosting myself.",
        "You can pay the domain yourself, it's cheap.",
        "No te voy a pagar por mi cuenta, todo por la plataforma.",
        "I personally think the price is fair for you.",
        "Ich zahle die Lizenz selbst, das ist kein Problem.",
    ],
)
def test_paying_oneself_with_no_party_paid(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Hagamos la videollamada por otro lado, aquí no me funciona bien la cámara.",
        "On peut faire l'appel ailleurs ? Ce chat coupe tout le temps.",
        "कॉल कहीं और कर लें? ये चैट बार-बार अटक रही है।",
        "نخلي المكالمة في مكان ثاني؟ الشات هنا يعلق كثير.",
        "Can we do the call somewhere else? This chat keeps freezing.",
    ],
)
def test_a_call_proposed_somewhere_else(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Por otro lado la llamada de ayer fue útil.",
        "Actually it's the other way around - the webhook calls our API, not the reverse.",
        "The call went well; we can hold the next one here, nowhere else.",
    ],
)
def test_a_call_and_another_place_that_move_nothing(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Lo hacemos como la vez pasada: te mando la plata y listo, nada de hitos.",
        "On fait comme la dernière fois ? Tu me règles de ton côté et je commence lundi.",
        "Robimy jak ostatnio? Przelewasz i biorę się do roboty w poniedziałek.",
        "Like last time? Just send the money and I'll start Monday.",
    ],
)
def test_paying_like_last_time(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Comme d'habitude ? Le paiement passe par la plateforme, bien sûr.",
        "Like last time? The payment goes through the milestone here.",
        "Como la vez pasada, el diseño tiene que ser minimalista. El pago por hitos.",
    ],
)
def test_like_last_time_with_the_payment_kept_here(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Pode depositar na conta da minha namorada? A minha tá bloqueada essa semana.",
        "Mein Konto ist grad gesperrt, kannst du das Geld an meinen Mitbewohner überweisen?",
        "My brother-in-law's firm will actually be paying you, he'll wire it from the business.",
        "¿Puedes transferir a la cuenta de mi hermano? La mía está bloqueada.",
    ],
)
def test_money_through_someone_close(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "My brother will review the design tomorrow.",
        "My wife pays our bills, so the milestone goes through the platform as usual.",
        "Can your sister test the app on her phone?",
        "The app lets users pay into a family member's account, like a wife or brother?",
        "Minha mãe não vai pagar nada fora, a conta dela é só para a plataforma.",
    ],
)
def test_someone_close_with_no_money_moved(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Je t'envoie ma propre facture pour le gros du boulot, tu la paies avec ta boîte.",
        "Ti mando una fattura mia per la parte grossa del lavoro e la paghi dalla tua ditta.",
        "Fatturo con la mia partita IVA, mi paghi la fattura e il sito lo lasciamo fuori.",
        "سأرسل لك فاتورة خاصة بي بالمبلغ الكامل، ويمكنك سدادها من حساب شركتك.",
        "عندي مؤسسة مسجلة، أصدر لك فاتورة باسمها وتحوّل للمؤسسة ونخلي الموقع برا الموضوع.",
        "Size kendi faturamı gönderirim, işin büyük kısmını onunla ödersiniz.",
        "Let's leave the platform out of it, pay me by wire.",
    ],
)
def test_own_invoice_or_the_platform_left_out(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "La plateforme génère la facture pour ta boîte automatiquement.",
        "Ti mando la fattura della piattaforma per la tua ditta.",
        "Leave the platform fee out of the quote, I'll add it at the end.",
    ],
)
def test_invoices_that_stay_on_the_platform(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Não aceito dinheiro por fora nem transferência, tudo passa pelo pagamento do site.",
        "Mi proponi un bonifico per risparmiare la commissione, ma no: lavoro solo col "
        "contratto qui, tutela entrambi.",
    ],
)
def test_refusal_drops_the_learned_layers_finding_too(text: str) -> None:
    assert "off_platform" not in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Venmo or Cash App both work for me, whichever you've got.",
        "Biorę też w USDT albo BTC, szybciej dochodzi.",
        "а в крипте принимаешь? usdt или что угодно",
        "Aceitas Pix? É mais rápido.",
    ],
)
def test_a_means_of_payment_taken(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Our shop accepts PayPal and cards.",
        "The store must accept Pix at checkout.",
        "Der Shop soll PayPal akzeptieren, die Kunden wollen das.",
    ],
)
def test_a_shop_that_takes_a_means_of_payment(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "If you get it done by Friday I'll throw you an extra hundred on the side, won't go "
        "through this app.",
        "Se entregar antes do prazo te mando um agrado por fora, sem passar pelo app.",
        "لو خلصت قبل الخميس راح أعطيك مكافأة زيادة من عندي بعيد عن التطبيق.",
        "Pay me on PayPal, no need to go through the app.",
        "Pay me on PayPal, I don't want to go through the app.",
    ],
)
def test_a_bonus_or_payment_away_from_the_app(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Send the bonus through the site, not outside.",
        "The bonus feature should work outside business hours too.",
        "You don't need to go through the app to pay, the site does it.",
        "Let's go through the app for the payment, please.",
    ],
)
def test_a_bonus_kept_on_the_platform(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


def test_money_kept_between_you_and_me() -> None:
    assert "off_platform" in rule_labels(
        "Let's keep the money side of things between you and me, if you catch my drift."
    )
    assert "off_platform" not in rule_labels("Between you and me, the payment feature is buggy.")


def test_gift_vouchers_named_in_portuguese() -> None:
    assert "off_platform" in rule_labels(
        "Topa receber uma parte em vale-presente da Amazon ou crédito de Google Play?"
    )
    assert "off_platform" not in rule_labels("O app precisa vender vale-presente para os clientes.")


def test_round_14_gates_can_skip_messages() -> None:
    """A phrase with no literal start (an optional clitic "و?نخلي", an optional hyphen
    "e-?postani", a group split mid-way) makes its whole gate "always" and the rule's regex run
    on every message: round 14's gates, and the outside-place gate they extend, must not."""
    from signaling.policy.detect import lexicon as lx

    gates = [
        "OUTSIDE_GATE",
        "CONTACT_OWN_GATE",
        "THIRD_PARTY_GATE",
        "SELF_PAY_GATE",
        "EXCLUSIVE_KEEP_GATE",
        "KNOW_GATE",
        "EVADE_GATE",
        "APP_LOOKS_GATE",
        "ACCOUNT_GATE",
        "BONUS_GATE",
        "CALL_GATE",
        "THIRD_PARTY_GATE",
    ]
    assert [g for g in gates if getattr(lx, g).always] == []


@pytest.mark.parametrize(
    "text",
    [
        "Is the service fee charged to me or taken from your earnings? Just want to understand "
        "the final invoice.",
        "Sino magbabayad ng service fee, ako ba o kakaltasin sa kita mo? Gusto ko lang "
        "maintindihan yung final invoice.",
    ],
)
def test_who_pays_the_platforms_fee_asked(text: str) -> None:
    """An either-or question about the platform's fee asks which, it proposes nothing."""
    assert "off_platform" not in rule_labels(text), text


def test_the_platforms_fee_kept_between_us_still_a_move() -> None:
    assert "off_platform" in rule_labels("The commission is a joke, can we keep it between us?")


def test_no_need_to_go_through_here_again() -> None:
    assert "off_platform" in rule_labels(
        "Pour les prochaines missions, contacte-moi et paie-moi en direct, pas la peine de "
        "repasser par ici."
    )
    assert "off_platform" in rule_labels(
        "Next time just pay me direct, no need to go through here again."
    )
    assert "off_platform" not in rule_labels(
        "Pas la peine de repasser par ici pour le fichier, je l'ai déjà."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Grazie, ma il bonifico fuori piattaforma non lo accetto.",
        "UPI पर पेमेंट नहीं लूँगा, माफ़ कीजिए।",
        "Nahi bhai, GPay pe payment nahi lunga.",
        "Kusura bakma, Papara ile ödeme almıyorum.",
        "Maaf, aku nggak terima transfer di luar platform.",
    ],
)
def test_a_means_refused_with_the_negated_verb_after_it(text: str) -> None:
    assert "off_platform" not in rule_labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Transfer langsung aja, nggak usah lewat platform.",
        "Pay me via PayPal, no thanks to the fees here.",
        "Il bonifico fuori piattaforma lo accetto volentieri, costa meno.",
    ],
)
def test_a_means_taken_with_a_negation_elsewhere(text: str) -> None:
    assert "off_platform" in rule_labels(text), text


def test_romanized_hindi_colour_words_for_apps() -> None:
    assert "off_platform" in rule_labels("Hari wale app pe ho? Wahan message karo.")
    assert "off_platform" not in rule_labels(
        "Hari sabzi wale app se order karna hai, delivery kab tak?"
    )


@pytest.mark.parametrize(
    "text",
    [
        "Sa susunod, sa akin ka na lang magbayad, di na kailangan dumaan sa site.",
        "Bayad mo na lang sa akin pag tapos, wag na sa platform.",
    ],
)
def test_tagalog_no_longer_through_the_platform(text: str) -> None:
    assert "off_platform" in rule_labels(text), text
