"""Round 18 (issue 15): kinds found missing or falsely flagged by the train half of
``learned/own_v15_probe.jsonl``. The sentences here are new phrasings, not the probes'; the
benign ones keep the same words."""

from __future__ import annotations

import pytest

from signaling.policy.detect.text import fold
from tests.policy.helpers import labels, rule_values


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        ("Revolut: marek.nowak@onet.pl", "email"),
        ("Pix: 21 98877 6655", "phone"),
        # ("Paytm bhi chalega, …" is now taken by "chalega" as a means accepted, round 19)
        ("Paytm bhi, 98765 43210 pe", "phone"),
        ("Bizum al seis uno dos, cuarenta y ocho, setenta y tres, noventa", "phone"),
        ("Gcash: 0918 234 5678", "phone"),
        ("Papara: 0532 111 22 33", "phone"),
        ("Zelle → ana.ruiz@outlook.com", "email"),
    ],
)
def test_a_means_of_payment_beside_a_number_or_address_is_a_payment_move(
    text: str, identifier: str
) -> None:
    """The number or address is where to pay: off the platform, with or without a verb."""
    assert labels(text) == {identifier, "off_platform"}
    assert any(v.endswith(":payee") for v in rule_values(text, "off_platform"))


@pytest.mark.parametrize(
    "text",
    [
        # a name inside the address is no means of payment ("Maya" is also a wallet)
        "reach me at maya (at) brightpath (dot) com (dot) au",
        # a surname that starts like "IBAN"
        "escríbeme: nombre punto apellido arroba vitalsur.com.ar, soy Lucía Ibáñez",
        # the number is far from the means, past a sentence's end
        "We accept PayPal on the new checkout page. For the office, call +44 20 7946 0958.",
    ],
)
def test_a_payee_needs_a_means_beside_it(text: str) -> None:
    assert "off_platform" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Tu me donnes ton 07 ? Je te rappelle demain matin",
        "Daj numer, oddzwonię jutro",
        "Podaj maila, wyślę umowę",
        "Киньте почту, пришлю макеты",
        "Дайте номер, я наберу вечером",
        "आपका ईमेल मिल सकता है? फाइलें भेजनी हैं",
        "nomor kamu berapa? biar aku telpon",
        "email kamu apa? aku kirim brief-nya",
    ],
)
def test_asking_for_a_number_or_address_without_a_possessive(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "Podaj numer zamówienia, sprawdzę status",
        "Дайте номер заказа, проверю",
        "email kamu apa sudah diverifikasi di platform?",
        "Tu as noté ton 07 dans le formulaire du profil ?",
    ],
)
def test_an_order_number_or_a_question_about_the_address_is_no_request(text: str) -> None:
    assert labels(text) == set()


def test_fold_keeps_cyrillic_words_beside_a_latin_alternative() -> None:
    """A pattern folds each alternative on its own: "(?:телефон|email)" keeps "телефон" in
    Cyrillic, as a message's "телефон" is kept (only a token mixing the scripts is folded)."""
    pattern = "(?:твой|ваш) (?:телефон|почт\\w*|email)"
    assert fold(pattern) == pattern
    # a token that mixes the scripts is still folded, as in a message
    assert fold("wаtsаpp") == "watsapp"


@pytest.mark.parametrize(
    "text",
    [
        "скиньте ваш телефон, созвонимся",
        "пришлите вашу почту, отправлю договор",
    ],
)
def test_russian_contact_words_beside_latin_ones_match(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "Nie, poza serwisem nie płacę, nawet z rabatem.",
        "माफ़ कीजिए, वेबसाइट के बाहर पेमेंट नहीं करूँगा",
        "maaf, aku ga bisa terima pembayaran di luar platform",
        "poza platformą nie przyjmuję płatności",
    ],
)
def test_a_refusal_to_pay_outside_in_any_word_order(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        # the negation is of the place; the payment follows in another clause
        "Potrzebuję faktury bezpośrednio od Ciebie, nie z platformy, zapłacę przelewem",
        # Indonesian "pas" is "when", not French "pas"
        "Saya bayar tunai pas serah terima ya, cara lama aja.",
    ],
)
def test_a_negation_of_something_else_keeps_the_move(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        # Portuguese "no" is "in the" before a means of payment
        "Tenho conta no Skrill, manda pra lá e fugimos da taxa do site",
        "Pode pagar no Revolut, cai na hora e evitamos a comissão",
        # French "prendre" as accepting a means
        "Je prends aussi Wero ou PayPal si tu préfères",
        # German "not through the site" is a place off the platform
        "Die Rechnung zahlst du bitte aufs Konto, nicht über die Plattform",
    ],
)
def test_a_means_of_payment_after_portuguese_no_or_french_prendre(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        # English "no" before a means is still a negation
        "The checkout page needs fields for card and bank transfer; no crypto for now.",
        "I accept card payments through the platform, no PayPal please.",
    ],
)
def test_english_no_before_a_means_is_still_a_negation(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        # the rest paid by a named means
        "Primeiro marco pela plataforma e o resto você me paga no Pix",
        "Il primo acconto qui, il resto me lo mandi con Satispay",
        # the next ones (milestones) after a first one here
        "First milestone through the platform, the next ones via Wise?",
        "Pierwszy etap przez serwis, kolejne przelewem na konto",
        # the first part paid by a named means and the rest here
        "Den Vorschuss schicke ich dir per PayPal, der Rest läuft dann hier über den Meilenstein",
        "The deposit I'll send over Revolut, the rest goes through the milestone here",
    ],
)
def test_a_split_payment_with_a_named_means_in_either_order(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "The checkout takes PayPal for the deposit, the rest goes through the milestone here",
        "First milestone here, the others too; I don't use PayPal.",
        "Vorschlag: Meilenstein 1 läuft über die Seite, der Rest auch über die Seite.",
    ],
)
def test_a_split_that_keeps_every_part_here_or_is_a_product_is_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Mi empresa solo paga con cheque, te lo mando por correo postal",
        "Our finance team pays by cheque, I'll mail it once you're done",
        "Nasza firma płaci czekiem, wyślę go pocztą",
        "L'agenzia paga con assegno circolare, te lo spedisco a casa",
        "hamari company चेक से पेमेंट करेगी, कूरियर कर देंगे",
        "Accounting can only issue a cheque, ipapadala namin, outside na ng platform",
    ],
)
def test_a_cheque_is_a_means_of_payment(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "Let me do a quick check before we pay the milestone",
        "The app pays creators by check every month",
        "Please double-check the invoice amount before I pay through the platform",
    ],
)
def test_a_check_that_is_no_cheque_or_a_product_is_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Il portale che stiamo costruendo avrà videochiamate tipo Zoom, ma dentro l'app",
        "Nasza platforma ma mieć rozmowy wideo podobne do Zoom, tylko w przeglądarce",
        "Sistem kita butuh video call seperti Zoom tapi di dalam aplikasi",
        "Kurs platformumuzda canlı ders olacak, Teams gibi ama tarayıcıda",
        "التطبيق فيه مكالمات فيديو مثل زووم بس داخل المنصة",
        "Nee, Zoom oder Meet extern brauchen wir nicht, der Call hier reicht",
        "Teams no hace falta, hacemos la llamada aquí",
    ],
)
def test_a_tool_as_a_likeness_or_turned_down_after_it_is_no_meeting(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Let's jump on Zoom, no need to keep typing here",
        "I'd like Zoom better than this chat, can we do a Zoom call at 5?",
    ],
)
def test_a_meeting_request_beside_those_words_stays(text: str) -> None:
    assert labels(text) == {"meeting_link"}


@pytest.mark.parametrize(
    "text",
    [
        # a contact word with no possessive beside the writer's own site, either order
        "Todos los datos de contacto están en el pie de mi web, búscame ahí",
        "na moim portfolio są wszystkie kontakty, tam mnie złapiesz",
        "all contact info is on my website, reach me there",
        "sa website ko nandun lahat ng contact details, doon mo ako i-message",
        # a personal contact beside a site with no possessive
        "mere saare contact details website pe hain, wahan se call karo",
        "my contact details are on the website in my bio",
    ],
)
def test_contacts_on_the_writers_site_in_either_order(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "my website needs a contact page and a blog",
        "Can you add a contact form to my website?",
        "mera contact number website pe update karna hai, footer me",
        "Please update the contact section on my website with the new office hours",
        "The contact page of the website should list our office phone",
    ],
)
def test_work_on_the_writers_own_site_is_no_move(text: str) -> None:
    assert "off_platform" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "ابحث عن اسمي في لينكدإن، هتلاقيني هناك وكلمني",
        "दोस्त, लिंक्डइन पर मुझे ऐड कर लो, वहीं बात करते हैं",
        "Tens Telegram? Adiciona-me, é mais fácil falarmos por lá",
    ],
)
def test_search_my_name_and_add_me_in_arabic_devanagari_and_european_portuguese(
    text: str,
) -> None:
    assert labels(text) == {"off_platform"}


def test_an_account_on_an_app_with_no_move_is_clean() -> None:
    assert labels("عندي حساب في لينكدإن وبحب أشارك فيه مقالات عن الباك اند") == set()


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("envoie-moi les rushs par SwissTransfer, c'est plus simple", "files:swisstransfer"),
        ("lad die Dateien in deine Nextcloud und schick mir den Link", "files:nextcloud"),
        (
            "I'd rather share the mockups through Dropbox than upload them here.",
            "files:dropbox",
        ),
    ],
)
def test_more_file_hosts_and_rather_than_here(text: str, host: str) -> None:
    assert labels(text) == {"off_platform"}
    assert host in rule_values(text, "off_platform")


@pytest.mark.parametrize(
    "text",
    [
        "I'd rather upload the files here than use Dropbox.",
        "We self-host Nextcloud for the team; the integration should sync files there",
    ],
)
def test_files_kept_here_or_a_host_in_a_product_is_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "предлагаю видеосозвон в Яндекс Телемосте завтра в 11",
        "давай созвонимся в Телемосте после обеда",
    ],
)
def test_yandex_telemost_is_a_meeting_tool(text: str) -> None:
    assert labels(text) == {"meeting_link"}


@pytest.mark.parametrize(
    ("text", "number"),
    [
        # Tagalog "po" is politeness, not a purchase order
        ("number ko po: 0917 555 2387", None),
        ("ito po yung number ko 0918 456 7823", None),
        # letters that look like digits among digits
        ("ватсап +7 9ОЗ 55I 2З 8О", "+79035512380"),
        ("мой номер: +7 9I6 2ЗЗ 4О 8I", "+79162334081"),
    ],
)
def test_tagalog_po_and_lookalike_digits(text: str, number: str | None) -> None:
    assert labels(text) == {"phone"}
    if number is not None:
        assert number in rule_values(text, "phone")


@pytest.mark.parametrize(
    "text",
    [
        "PO: 4500123456 for the first milestone",
        "our PO 4500 1234 56 is attached",
        "The i5 and i7 builds, 10o versions, ios17 and the O2 tariff",
        "telefono='+34 600 000 000' in the fixture",
        "mock the caller as +1 555 000 0000",
    ],
)
def test_purchase_orders_words_with_digits_and_placeholders_are_no_phone(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "per il login vogliamo Google e Apple, più recupero password via email; niente login "
        "col numero di telefono",
        "वेबसाइट पर पेमेंट गेटवे लगाना है — UPI, कार्ड, नेटबैंकिंग सब चलने चाहिए",
        "Signup flow: OTP by SMS to the user's phone number, password reset via email",
    ],
)
def test_sign_in_and_a_gateway_being_built_are_product_talk(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("écris-moi sur insta : @ lea . dessine", "@lea.dessine"),
        ("tg: @ m a r c o _ d e v (sin espacios)", "@marco_dev"),
        ("ig pe DM karo: @ riya . clicks . goa", "@riya.clicks.goa"),
        ("تلغرام: @ s a m i _ u x", "@sami_ux"),
        ("dm aja di ig @ dina.desain ya", "@dina.desain"),
    ],
)
def test_an_at_then_a_handle_typed_apart_after_an_app(text: str, handle: str) -> None:
    assert "handle" in labels(text)
    assert any(v.endswith(handle) for v in rule_values(text, "handle"))


@pytest.mark.parametrize(
    "text",
    [
        "ping me on Slack @ the usual channel",
        "we met on Telegram @ the conference last year",
        "reach me at j . r . w . e . l . l . s @ p r o t o n . m e",
    ],
)
def test_an_at_before_a_plain_word_or_inside_an_address_is_no_handle(text: str) -> None:
    assert "handle" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Is there a simpler way for you to get paid? The milestone thing here takes ages.",
        "¿Hay otra forma de que te llegue el pago? Aquí la comisión es altísima",
        "Tem um jeito mais prático de você receber? Aqui demora demais pra liberar",
        "Existe-t-il un moyen plus rapide pour vous d'être payé ? Les frais ici sont lourds",
        "Gibt es einen einfacheren Weg, wie Sie Ihr Honorar bekommen? Die Gebühr hier nervt",
        "Jak Ci wygodniej dostać kasę? Tutaj prowizja zjada pół",
        "ada cara lain ga buat bayar biar ga kena fee?",
        "Есть способ проще получить деньги? Тут комиссия бешеная",
    ],
)
def test_an_easier_way_to_get_the_money_is_a_payment_move(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "Is there an easier way for users to receive payments in the app?",
        "Is there an easier way to get the files to you? The upload here is slow.",
        "What's the easiest way to get paid through the milestone here?",
        "tem jeito mais rápido de receber notificação aqui?",
        "c'è un modo più veloce per ricevere le notifiche qui?",
    ],
)
def test_an_easier_way_for_a_products_users_files_or_notifications_is_no_move(
    text: str,
) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Someone offered me PayPal to skip the fee, I refused. Only here for me.",
        "Me ofrecieron pagar por transferencia directa y lo rechacé; mejor hablamos por aquí.",
        "Já me pediram pix por fora e eu recusei, então vamos pelo site mesmo",
        "On m'a proposé un virement direct, j'ai refusé. Ici c'est très bien.",
        "Jemand wollte per PayPal bezahlt werden – hab abgelehnt. Bleiben wir hier.",
        "sorki, numeru nie podaję, piszmy tutaj",
        "Hindi ko po maibibigay number ko, dito nalang po tayo mag-usap",
    ],
)
def test_a_refusal_told_with_staying_here_is_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Bisa bayar pakai voucher Google Play nggak? Daripada ribet lewat platform.",
        "Pay me by PayPal to skip the fee, I refused the escrow last time. Chat here is fine.",
    ],
)
def test_a_move_with_a_question_tag_or_a_refusal_of_the_platform_stays(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        # local means of payment, offered or asked about
        "Zahlung per Twint wäre mir am liebsten, bin in Basel",
        "NEFT kar dena sir, account details bhej raha hoon",
        "IMPS कर दीजिए, IFSC नीचे है",
        "حبيبي ابعتلك ع ويش موني ولا OMT أسهل لك؟",
        "نقدر نخلصك بالبريدي موب؟ ابعثلي رقم الـ CCP تاعك",
        "pwede rin Cebuana padala, bigay mo lang full name mo",
        "USDT via Binance P2P pwede? mas okay sakin",
        "Paytm है आपके पास? उसी से डाल देता हूँ",
        "Anzahlung gern bar, ich kann sie dir im Café in die Hand drücken",
        "شركتنا بتدفع بتحويل بنكي بس، ابعت الفاتورة على الإيميل بعيد عن الموقع",
    ],
)
def test_local_means_of_payment_offered_or_asked_about(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Sul sito del corso vorrei il pagamento a rate con Klarna o Scalapay",
        "kya ye site phone pe notification bhej sakti hai jab aap yahan likho?",
        "el recibo de la factura está en el panel de pagos de la plataforma",
    ],
)
def test_a_checkout_option_or_a_phone_on_which_is_no_means(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Unter welcher Nummer erreiche ich Sie am besten?", "off_platform"),
        ("che numero hai? ti chiamo stasera", "off_platform"),
        ("Vous pouvez me laisser votre adresse mail ? Je vous envoie le brief", "off_platform"),
        ("mail adresin ne? dosyaları oradan atayım", "off_platform"),
        ("Kamu pake WA ga? biar cepet", "off_platform"),
        ("Запишитесь на удобное время через мой Calendly", "meeting_link"),
    ],
)
def test_more_ways_to_ask_for_a_number_an_address_or_a_booking(text: str, label: str) -> None:
    assert labels(text) == {label}


@pytest.mark.parametrize(
    "text",
    [
        "on veut une fonction visio intégrée à l'appli, genre Teams mais en marque blanche",
        "aula ao vivo dentro do próprio site, sem mandar o aluno pro Zoom",
        "टेलीग्राम बॉट बनाना है जो अलर्ट भेजे",
        "haha sab insta reels me busy rehte 😂 chalo good night",
        "`git clone git@github.com:acme/pos-app.git` fails with permission denied",
        "I want a contact page on my website with a map",
    ],
)
def test_likeness_without_bots_goodbyes_git_remotes_and_site_work_are_clean(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("liga-me: nove um seis, duzentos e oito, quatrocentos e trinta e um", "916208431"),
        ("llámame al seis cero cero, doscientos treinta, cuatrocientos doce", "600230412"),
        ("كلمني واتس، الرقم بيبدأ ب ٠١٠٠ وبعدين ٧٦٥ والباقي ٤٣٢١", "01007654321"),
    ],
)
def test_hundreds_in_words_and_a_number_in_arabic_pieces(text: str, number: str) -> None:
    assert "phone" in labels(text)
    assert any(v.endswith(number.lstrip("0")) for v in rule_values(text, "phone"))


@pytest.mark.parametrize(
    "text",
    [
        "मेरी वेबसाइट पे कॉन्टैक्ट पेज है, वहाँ से सीधे संपर्क कर लेना",
        "my website has a contact page, reach me from there",
    ],
)
def test_a_contact_page_on_the_writers_own_site(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "Mitad por la página y la otra mitad por fuera, ¿te parece?",
        "moitié ici, moitié en direct, ça te va ?",
        "Pierwszą część przez system, a drugą bezpośrednio między nami",
        "half here, half directly to me?",
    ],
)
def test_a_split_by_halves_or_parts(text: str) -> None:
    assert labels(text) == {"off_platform"}


def test_halves_in_a_product_spec_are_no_split() -> None:
    text = "The page should show half the price and the other half as a discount badge directly"
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "przelew na 12 1020 1026 0000 0422 0012 3456 (PKO), w tytule nr zlecenia",
        "IBAN IT60 X054 2811 1010 0000 0123 456. Mandami lì l'anticipo e parto",
        "bank transfer to 0123 4567 8901 23, then I start",
    ],
)
def test_a_means_with_the_account_to_pay_into(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "Esempio di IBAN per i test del modulo: IT60 X054 2811 1010 0000 0123 456",
        "The checkout form validates IBAN DE89 3704 0044 0532 0130 00 before the user pays",
    ],
)
def test_an_account_number_in_a_spec_or_an_example_is_no_move(text: str) -> None:
    assert labels(text) == set()


# --- review of round 18 (a helper's own benign and positive messages) --------------------


@pytest.mark.parametrize(
    "text",
    [
        # an IBAN-like code whose country code is a "to" word needs a verb like any other
        "Invoice PDF test data: Revolut AT61 1904 3002 3457 3201 in the bank block, bold.",
        # a time or a version after "@ " is no handle
        "Instagram post @ 7.30pm, then the story @ 9.45pm",
        "telegram bot update @ v2.3 went live",
        # the new half words with French "hier" (yesterday) as the part "here"
        "Hier j'ai fini la moitié des maquettes, l'autre moitié direct demain.",
        # easier ways to pay here
        "Is it quicker to pay you per milestone or hourly here?",
        "Would it be easier to pay you weekly instead of per milestone?",
        "¿Hay otra forma de cobrar más rápido en la plataforma?",
        "Ist es einfacher, dich pro Meilenstein zu bezahlen?",
        # work on the writer's own site, in other languages
        "Mi página web necesita una sección de contacto nueva.",
        "Na mojej stronie trzeba dodać sekcję kontakt.",
        # Polish "czekać" (to wait) is no cheque
        "czekam na płatność przez serwis",
        "Zoom gibi bir görüntülü arama özelliği istiyoruz.",
    ],
)
def test_review_round18_benign_uses_stay_clean(text: str) -> None:
    assert "off_platform" not in labels(text) and "handle" not in labels(text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # "no need" in a purpose clause after the tool
        ("Let's jump on Zoom so there's no need to type everything.", "meeting_link"),
        ("Ayo zoom aja biar ga perlu ngetik panjang.", "meeting_link"),
        # Tagalog "kaya" suggests; "tipo" is a filler when nothing is being built
        ("Zoom kaya tayo bukas ng 3pm?", "meeting_link"),
        ("Bora fazer uma call tipo Zoom mesmo amanhã?", "meeting_link"),
        # "without problems" is no "without the tool"
        ("Sin problemas nos vemos por Zoom mañana a las 10", "meeting_link"),
        # a refusal of something else is no refusal of the move
        ("PayPal me directly, my card got declined here so let's only chat here.", "off_platform"),
        (
            "Scrivimi su WhatsApp, ho rifiutato le notifiche, parliamo qui solo per il contratto.",
            "off_platform",
        ),
        ("Unter welcher Handynummer erreiche ich dich?", "off_platform"),
        ("دور على اسمي في الفيسبوك وكلمني هناك", "off_platform"),
    ],
)
def test_review_round18_moves_stay_caught(text: str, label: str) -> None:
    assert label in labels(text)


def test_review_round18_a_real_number_ending_in_six_zeros_is_a_phone() -> None:
    assert "phone" in labels("Ibrahim Telefon +7 495 100 0000")


def test_review_round18_spaced_handle_stops_at_a_line_end() -> None:
    values = rule_values("insta @ a\nb\nc\nd", "handle")
    assert not any("abcd" in v for v in values)


def test_a_message_naming_a_means_many_times_is_read_for_the_first_few(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each means costs reads of its whole sentence: 500 of them in one sentence were read
    500 times (quadratic). The review's adversarial message is read for the first few."""
    from signaling.policy.detect import intent

    calls = 0
    real = intent._negated

    def counted(s: str, a: int, b: int) -> bool:
        nonlocal calls
        calls += 1
        return real(s, a, b)

    monkeypatch.setattr(intent, "_negated", counted)
    text = " ".join(["PayPal 555 123 4567"] * 500)
    assert "off_platform" in labels(text)
    assert calls <= 3 * intent._METHOD_TRIES
