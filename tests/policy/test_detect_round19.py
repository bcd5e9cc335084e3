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


@pytest.mark.parametrize(
    "text",
    [
        "You can find me on LinkedIn, just type Maria Lopez design",
        "Búscame en Insta, subo todo ahí",
        "Me encontra no LinkedIn como Paula Reis",
        "Vous me trouverez sur LinkedIn, Claire Dubois",
        "Findest du mich auf Xing? Einfach den Namen eingeben",
        "Mi trovi su Facebook come Luca Bianchi",
        "Znajdziecie mnie na Facebooku, Piotr Zieliński",
        "Найдёте меня в телеграме по имени",
        "Facebook pe mil jaungi, Neha Kapoor",
        "تلاقيني على الانستا بنفس الاسم",
        "Beni LinkedIn'de bulabilirsin, adım Mert Kaya",
        "Cari aku di IG ya, namanya sama",
        "Hanapin mo ako sa FB, same name",
    ],
)
def test_find_me_on_a_channel_is_a_contact_move(text: str) -> None:
    assert "off_platform" in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "It'd be way faster on WhatsApp, honestly",
        "Por Telegram sería más rápido, la verdad",
        "No zap fica bem mais prático pra mim",
        "Sur Signal ce sera plus simple pour les photos",
        "Über WhatsApp geht es viel schneller",
        "Su Telegram è molto più comodo",
        "Na Messengerze będzie łatwiej wysyłać zdjęcia",
        "В телеге будет гораздо удобнее",
        "whatsapp pe easy rahega",
        "व्हाट्सएप पर आसानी से होगा",
        "على التلي أسهل بكثير",
        "Telegram'da daha kolay olur",
        "Lewat WA lebih gampang kak",
        "Mas madali sa Viber",
    ],
)
def test_easier_on_a_channel_is_a_contact_move(text: str) -> None:
    assert "off_platform" in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Te escribo por Telegram esta noche",
        "Ti scrivo su WhatsApp più tardi",
        "Je t'écris sur Signal ce soir",
        "Напишу вам в телеграм вечером",
        "Gib mir deinen Telegram-Namen",
        "Daj swój numer WhatsAppa",
        "apna whatsapp de do",
        "अपना व्हाट्सएप भेजो",
        "عطني انستك",
        "Telegram hesabını ver",
        "Mailin ne?",
        "Minta WA kakak dong",
        "Ano IG mo?",
        "C'est quoi ton Telegram ?",
        "Wie ist deine Mail?",
        "Qual è la tua mail?",
        "Какая у вас почта?",
        "ايش ايميلك؟",
        "फ़ोन पर बात कर लेते हैं",
        "Kita teleponan aja",
    ],
)
def test_i_will_write_you_give_me_your_and_what_is_your_in_every_language(text: str) -> None:
    assert "off_platform" in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        # product talk, a channel named with no move, a placeholder address in a code question
        "Le lien `mailto:contact@example.org` ne s'ouvre pas sur Safari iOS, une idée ?",
        "Wah makasih banyak, revisinya cepet banget 🙏",
        "ada cara lebih cepat dapat notifikasi di sini nggak?",
        "फोन वाला हरा आइकन बदल दीजिए",
        "No guarda, pagamenti fuori dal sito non ne faccio. Usiamo la milestone",
        "Il bot di Telegram è più veloce del sito? Lo stiamo sviluppando noi",
    ],
)
def test_words_of_the_new_cues_alone_are_no_move(text: str) -> None:
    assert "off_platform" not in labels(text), text


def test_a_channel_is_not_reported_beside_the_address_the_learned_layer_found() -> None:
    """The channel's identifier given is reported by that label only (LABELING.md), when the
    learned layer finds the address, as when the rules do."""
    assert labels("mail me: d-e-v-o-n-h-a-r-t 'at' fastmail 'dot' fm") == {"email"}


@pytest.mark.parametrize(
    "text",
    [
        "I'll text you directly here when I'm done",
        "Ti scrivo direttamente qui appena ho finito",
        "Te escribo directamente aquí cuando termine",
        "Je t'écris directement ici dès que j'ai fini",
    ],
)
def test_directly_here_is_this_chat(text: str) -> None:
    """ "Directly" is a place elsewhere ("let's talk directly"), but not with "here" after it
    (a false alarm older than this round, in English too)."""
    assert "off_platform" not in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "whats ur discord",
        "Mi scrivi il tuo numero?",
        "Łatwiej jest na Telegramie, tam mam wszystko",
        "Signal kullanır mısın?",
        "Nomor WA kakak apa ya?",
        "Viber tayo para mas madali",
        "Would Payoneer be an option?",
        "¿Zelle sería una opción para ti?",
        "Pix seria uma opção pra você?",
        "Wise serait une option ?",
        "Satispay sarebbe un'opzione?",
        "Revolut wchodzi w grę?",
        "ЮMoney как вариант?",
        "Kaspi есть?",
        "Налом при встрече норм?",
        "On peut faire en espèces ?",
        "Kann ich in bar zahlen?",
        "Przekaz pocztowy może być?",
    ],
)
def test_more_asks_for_a_channel_or_a_means(text: str) -> None:
    assert "off_platform" in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "We need PayPal as a payment option at checkout.",
        "Is there an option for PayPal in the checkout?",
        "La opción de PayPal en el checkout es una opción más",
        "Die Bar im Hotel nimmt nur Karte",
    ],
)
def test_an_option_in_a_product_is_no_ask(text: str) -> None:
    assert "off_platform" not in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Put $150 on the contract here and I'll Venmo you the difference",
        "Dejamos el contrato en 100 aquí y lo demás por Bizum",
        "A primeira etapa pela plataforma e os outros você me paga direto",
        "La moitié par Lydia, la moitié sur la plateforme à la livraison",
        "Здесь оформим на 500, а остальные переведу другим способом",
        "DP lewat sini, sisanya tf manual ya",
        "Im Vertrag hier 200, die Differenz per PayPal",
    ],
)
def test_a_split_with_the_difference_or_the_others_paid_another_way(text: str) -> None:
    assert "off_platform" in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "The contract here covers the first part; the difference in scope is explained below",
        "O primeiro marco pela plataforma e os outros também pela plataforma",
        "Half on the platform now, the other half on the platform at delivery",
    ],
)
def test_a_split_kept_here_or_a_difference_of_scope_is_no_move(text: str) -> None:
    assert "off_platform" not in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Can we handle the payment some other way?",
        "¿Podemos hacer el pago de otra forma?",
        "Dá pra pagar de outro jeito?",
        "On peut régler autrement ?",
        "Gäbe es die Möglichkeit, die Zahlung anderweitig abzuwickeln?",
        "Possiamo pagare in un altro modo?",
        "Nie mam tu karty, da się jakoś inaczej zapłacić?",
        "Jak Ci najłatwiej dostać kasę bez prowizji serwisu?",
        "Можно оплатить как-то иначе?",
        "kya payment kisi aur tarike se ho sakta hai?",
        "ممكن الدفع بطريقة ثانية؟",
        "Pembayaran bisa lewat cara lain?",
    ],
)
def test_paying_another_way_asked_in_every_language(text: str) -> None:
    """Polish words with "ł" are written with it: a message keeps "ł" when accents are
    stripped, so "zaplacic" or "latwiej" never matched "zapłacić" or "łatwiej"."""
    assert "off_platform" in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Is there an easier way to pay here on the platform?",
        "Can users pay another way at checkout?",
        "Is it quicker to pay you per milestone here?",
    ],
)
def test_another_way_here_or_for_users_is_no_move(text: str) -> None:
    assert "off_platform" not in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Gibt's dich auch auf Telegram?",
        "On peut passer par WhatsApp pour la suite ?",
        "Je suis sur Signal si besoin",
        "Оставьте, пожалуйста, ваш телеграм",
        "Naa kay Viber? didto nalang ta",
        "Можно на карту кинуть?",
        "PayPal entre proches, ça te dérange ?",
        "Au Sénégal c'est plus simple par Wave, je peux te régler comme ça ?",
    ],
)
def test_own_v18_train_kinds_are_moves(text: str) -> None:
    assert "off_platform" in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Zleceniodawca chciał przelewu poza serwisem, zgłosiłem to.",
        "Заказчик просил перевести на карту, я написал в поддержку.",
        "A client wanted PayPal outside the site, I reported him.",
        "Les artisans contactent leurs clients directement, sans passer par la hotline.",
        "send me the wave file please",
    ],
)
def test_a_move_reported_to_the_site_or_product_talk_is_no_move(text: str) -> None:
    assert "off_platform" not in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "O sistema tem que gerar o link do Zoom pra cada paciente automaticamente.",
        "Die Software soll automatisch einen Teams-Link für jeden Termin erzeugen.",
        "Haritada zoom yapınca pinler kayboluyor",
        "Teams kayıtlarını özetleyen bir araç geliştirmenizi istiyoruz",
    ],
)
def test_a_meeting_link_a_system_makes_or_a_tool_built_is_no_request(text: str) -> None:
    assert "meeting_link" not in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Calendly sayfamdan saat seçin, toplantı otomatik oluşuyor",
        "yarın kısa bir zoom yapalım mı?",
    ],
)
def test_a_booking_page_or_a_zoom_proposed_stays_a_request(text: str) -> None:
    assert "meeting_link" in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Number ko: 0917. tapos 482. tapos 3391",
        "नंबर लिखो — पहले 98, फिर 301, फिर 55, आखिर में 827",
        "area code 415, the rest I'll type slowly so the site keeps it: 726 0093",
    ],
)
def test_a_number_in_pieces_with_a_few_words_between(text: str) -> None:
    """A rest word and up to six more words between two pieces of a number. ("next" is no
    rest word: an everyday word, it made every long message read its numbers as pieces, +7 %
    instructions on 10,000 characters.)"""
    assert "phone" in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "tengo el móvil lleno de audios de WhatsApp de mi madre",
        "300 messages non lus sur WhatsApp, le groupe de la crèche est infernal",
        "Quiero un botón de WhatsApp en la web de la clínica",
        "Ajoutez les pictos Facebook, Instagram et LinkedIn en pied de page",
    ],
)
def test_de_after_an_app_names_no_identifier(text: str) -> None:
    """A mechanism bug: the words of "nombre de usuario" were all username words, "de"
    among them, so any word after "WhatsApp de …" was read as a handle."""
    assert "handle" not in labels(text), text
    assert "de" not in lx.HANDLE_ID_WORDS


def test_a_username_phrase_still_names_the_identifier() -> None:
    assert labels("mi nombre de usuario en Telegram es lucia_dev") == {"handle"}


@pytest.mark.parametrize(
    "text",
    [
        "Dá pra fazer uma chamada de vídeo fora daqui?",
        "Давайте созвонимся по видеосвязи вне сайта",
        "video call kar lete hai kisi aur app pe",
        "वीडियो कॉल कर लेते हैं किसी और ऐप पर",
        "Telegram'dan görüntülü arayalım mı?",
    ],
)
def test_a_video_call_somewhere_else_or_on_an_app(text: str) -> None:
    assert "off_platform" in labels(text), text


def test_arabic_calendly_darija_give_me_and_pay_you() -> None:
    assert "meeting_link" in labels("احجز موعد من الكالندلي تبعي")
    assert "off_platform" in labels("3tini numero dyalk, nsiftlek les photos")
    assert "off_platform" in labels("nkhlsk b CashPlus?")


@pytest.mark.parametrize(
    "text",
    [
        # the review of round 19: refusing the fee is no refusal of the move
        "Just PayPal me directly. Platform fees here? No way.",
        "Pay me on Wise directly, paying your 20% fee? Not a chance.",
        "Überweis direkt per PayPal, die Gebühr hier zahle ich niemals.",
        "Papara'dan gönder, buradan asla.",
        "Págame por Bizum, ¿comisión aquí? Ni de broma.",
        "Melde dich per WhatsApp, ich hab mich auch schon gemeldet.",
    ],
)
def test_refusing_the_fee_keeps_the_move(text: str) -> None:
    assert "off_platform" in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Let's hop on Zoom tomorrow to discuss the automation script",
        "Lass uns kurz per Zoom über die Automatisierung sprechen",
        "Bu aracı geliştirmek için Zoom'da konuşalım mı?",
    ],
)
def test_a_call_about_automation_or_building_stays_a_request(text: str) -> None:
    assert "meeting_link" in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Napiszę ci bota na Telegram w Pythonie.",
        "Напишу тебе бота для Telegram за неделю.",
        "Какая у тебя оценка по срокам на интеграцию с Telegram?",
        "What's ur experience with Telegram bots?",
        "اسرع حل هو بوت تيليجرام للطلبات.",
        "L'integrazione PayPal nel sito va bene così.",
    ],
)
def test_the_new_cues_need_a_contact_word_or_an_ask(text: str) -> None:
    assert "off_platform" not in labels(text), text
