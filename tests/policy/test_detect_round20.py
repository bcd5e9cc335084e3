"""Round 20 (issue 15): kinds found missing or falsely flagged by the train half of
``learned/own_v19_probe.jsonl``. The sentences here are new phrasings, not the probe's; the
benign ones keep the same words."""

from __future__ import annotations

import pytest

from signaling.policy.detect.views import build_views
from tests.policy.helpers import labels


@pytest.mark.parametrize(
    "text",
    [
        "You asked for my WhatsApp yesterday, but I keep everything here until we sign.",
        "Thanks for the offer of 15% off by bank transfer, but no, I stick to milestones.",
        "Me pediste mi WhatsApp, pero prefiero seguir por este chat hasta el contrato.",
        "Vc me pediu o Telegram, mas nao passo contato antes do contrato, foi mal.",
        "Tu m'as demandé mon numéro WhatsApp, mais je préfère rester sur la plateforme.",
        "Du hast mich nach Skype gefragt, aber ich bleibe lieber hier im Chat.",
        "Mi hai chiesto il numero WhatsApp, ma preferisco restare qui sulla piattaforma.",
        "Prosiłeś o mój Telegram, ale wolę zostać tutaj na platformie.",
        "Вы просили мой Телеграм, но я общаюсь только здесь на платформе.",
        "Aapne WhatsApp number manga tha, sorry, abhi yahan hi baat karte hain.",
        "انت طلبت الواتساب بتاعي بس خلينا هنا على المنصة احسن",
        "Zoom linki göndermişsiniz ama ben burada görüşmeyi tercih ederim.",
        "Kakak minta pindah ke Zoom, tapi di sini sudah ada video call kok.",
        "Sabi mo sa Zoom na lang, pero may video call naman dito sa platform.",
    ],
)
def test_the_other_partys_request_quoted_in_a_refusal_is_no_move(text: str) -> None:
    """Round 20: the other party's request or offer reported ("you asked for my WhatsApp",
    "Zoom linki göndermişsiniz") and answered in the same message with a decline, or a "but"
    and the platform or here, is quoted, not made (language field ``asked_words``). Before,
    only the writer's own refusal told after a move (``refused_words``) was read so."""
    assert labels(text) == set(), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the request reported and then granted: the move or the identifier stands
        ("You asked for my WhatsApp, here it is: +44 7700 900123", {"phone"}),
        ("You asked about PayPal - sure, send it to my PayPal and I'll start", {"off_platform"}),
        ("Mi hai chiesto Zoom: va bene, facciamo la call su Zoom domani", {"meeting_link"}),
        # no one asked: the writer's own move with a "but" after it
        ("Let's talk on WhatsApp, but not before Monday", {"off_platform"}),
        ("Pay me on PayPal but keep the milestone open here", {"off_platform"}),
    ],
)
def test_a_request_reported_and_granted_still_counts(text: str, expected: set[str]) -> None:
    assert labels(text) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        # pieces joined by rest words, with no word of phoning anywhere
        "start with 0812, then 4471, and the last part 2039",
        "prefisso 347, poi 12. il resto dopo: 55 890",
        "पहले 4 अंक 9810, फिर बाकी बाद में बताता हूँ... 44 7712",
        "pehle 5 digits 98111, baaki 5 agle msg mein... 4 0 2 7 7",
        "awalnya 0813... lanjutannya 5566... terakhir 7788 ya",
        # a second part named as such after a long first one
        "Первая часть +7 916 204, вторая 33 18, звони вечером",
        # Tagalog "po" is politeness, not a purchase order
        "Kung may tanong po 0917 555 0123 tawag na lang kayo",
    ],
)
def test_a_number_given_in_pieces_is_a_phone(text: str) -> None:
    """Round 20: pieces joined by rest words are their own cue (before, a number in pieces
    was read only beside a word of phoning); a rest word may be followed by a count ("baaki 5
    next msg") and by words written in Devanagari (whose vowel signs split "\\w+");
    "вторая", "terakhir" are rest words; "po" near Tagalog's little words is no "PO"."""
    assert labels(text) == {"phone"}, text


@pytest.mark.parametrize(
    "text",
    [
        "Step 1 costs 2024, then 15 for setup, then 300 for hosting",
        "version 2.4, then 3.1, and the last release 4.0.2",
        "PO 4500012345 approved, please ship by Friday",
        "Our Texas corp file number 0801234567 goes in the contract header",
        "Numéro d'entreprise BCE 0456.789.123 pour la facture",
        "Numer zlecenia 22 481 907 podaj przy kontakcie z supportem",
        "Rok 2019, potem 2021 i na koniec 2024: tyle wersji mamy",
    ],
)
def test_counts_versions_orders_and_company_numbers_are_no_phone(text: str) -> None:
    assert "phone" not in labels(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Masz Signala? Tam szybciej odpisuję",
        "Jesteś na Viberze? Tam wyślę szkice",
        "Dzień dobry, może przeniesiemy rozmowę na Messengera? Tam szybciej odpisuję",
        "Projekty wyślę Ci przez WeTransfera, tutaj limit plików jest mały",
        "Przeniesiemy rozmowę na Skype'a? Łatwiej będzie",
    ],
)
def test_polish_app_names_with_a_case_ending_and_every_form_of_moving(text: str) -> None:
    """Round 20: names of apps and file hosts with a Polish case ending ("Signala",
    "Viberze", "Messengera", "WeTransfera": the file hosts' gate held only the bare names)
    and "przeniesiemy" (every form of "przenieść", not only "przenieśmy")."""
    assert labels(text) == {"off_platform"}, text


@pytest.mark.parametrize(
    "text",
    [
        "na Signalu jestem rzadko, piszmy tutaj",
        "na Telegramie bywam rzadko, piszmy tutaj",
        "Przeniesiemy termin na piątek, dobrze?",
        "Sygnał słaby, przeniesiemy rozmowę na jutro",
    ],
)
def test_a_move_cue_pointing_here_or_moving_a_date_is_no_move(text: str) -> None:
    """A move cue with "here" right after it ("piszmy tutaj") points at this chat; the app
    before it is where the writer is not."""
    assert labels(text) == set(), text


def test_product_talk_in_another_sentence_vetoes_no_learned_move() -> None:
    """The learned layer's vetoes are read in the sentences of the words that scored, not in
    the whole message: "the site will be ready Friday" after a payment offer vetoed it."""
    text = (
        "Panie Tomku, mogę też przyjąć płatność Revolutem, szybciej i bez tych opłat. "
        "Pasuje? Strona będzie w piątek"
    )
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "My number is on the quote I sent you last week, call me when you've read it",
        "Mi número está en el presupuesto que te mandé, llámame cuando puedas",
        "Meine Handynummer steht im Lebenslauf, ruf einfach an",
        "Il mio cellulare è nel preventivo che ti ho mandato ieri",
        "Mój numer jest na fakturze, dzwoń śmiało",
        "Мой номер есть в резюме, звоните после обеда",
        "मेरा नंबर बिल पर लिखा है, वहीं से कॉल कर लीजिए",
        "Numaram teklifte yazıyor, oradan arayın",
        "Nomor saya ada di invoice kemarin, telpon aja ya",
        "मेरा नंबर मेरी वेबसाइट के कॉन्टैक्ट पेज पर है, वहां से कॉल कर लेना",
    ],
)
def test_the_writers_number_pointed_at_in_a_document_is_a_contact_move(text: str) -> None:
    """Round 20: the writer's own number said to be in a document they sent (an invoice, a
    quote, a CV) or on their site's contact page: given as a place to look it up."""
    assert labels(text) == {"off_platform"}, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My number is in my CV, +44 7911 123456", {"phone"}),
        ("The invoice template must show my phone number in the footer", set()),
        ("Mi número de pedido está en la factura", set()),
        ("The contact page must show my phone number and a form", set()),
    ],
)
def test_a_number_given_or_a_document_being_built_is_no_pointer(
    text: str, expected: set[str]
) -> None:
    assert labels(text) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "Czy jest jakiś prostszy sposób, żeby mi przesłać pieniądze? Prowizja tutaj jest duża",
        "Is there a simpler way to send me the money? The fee here is brutal",
        "في طريقة اسهل تحوليلي بيها غير الموقع؟",
    ],
)
def test_an_easier_way_to_send_the_money_is_a_payment_move(text: str) -> None:
    """Round 20: "prostszy sposób" (an adjective with its noun), the money sent or
    transferred to the writer, and a platform named as what is left ("غير الموقع", "other than
    the site"), which kept the way here before."""
    assert labels(text) == {"off_platform"}, text


def test_an_easier_way_here_is_no_move() -> None:
    assert labels("is there an easier way to pay you here, per milestone?") == set()


@pytest.mark.parametrize(
    "text",
    [
        "On fait la visio sur le truc de Google qui est dans le calendrier ?",
        "Lass uns per Video über das Microsoft-Ding reden, das deine Firma nutzt",
        "Давайте созвонимся по видео в программе от Гугл, там удобнее",
        "Video call tayo sa app ng Microsoft, yung ginagamit sa office",
    ],
)
def test_a_call_on_a_tool_described_by_its_maker_is_a_move(text: str) -> None:
    """Round 20: a video tool described by its maker, never named ("le truc de Google", "das
    Microsoft-Ding", "app ng Microsoft"), beside a word of calling: off_platform (LABELING.md
    names only named tools as meeting_link); "по видео" is a Russian call word."""
    assert labels(text) == {"off_platform"}, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Can we call on Google Meet tomorrow?", {"meeting_link"}),
        ("We need a video call feature like the one in the Google app, for our product", set()),
        ("The Google app crashes when I start a video call in our build", set()),
    ],
)
def test_a_named_tool_or_a_product_is_no_described_tool(text: str, expected: set[str]) -> None:
    assert labels(text) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "Anmeldung mit E-Mail und Double-Opt-In, Zahlung per PayPal und Klarna",
        "Uygulamada Papara ile ödeme entegrasyonu olsun, kartla da ödenebilsin",
        "Please translate the 'Message us on WhatsApp' line in the footer too",
        "Stopka strony: 'Napisz do nas na WhatsAppie' - to też przetłumacz",
        "O rodapé diz 'Fale conosco pelo WhatsApp', pode traduzir também",
        "Keep {{mobile}} and {{email}} as they are in the template, the CRM fills them",
        "टेम्पलेट में {{whatsapp}} वैसे ही छोड़ दीजिए, सिस्टम भरेगा",
        "My email signature needs a new logo, can you make it?",
    ],
)
def test_specs_quoted_copy_and_template_fields_are_no_move(text: str) -> None:
    """Round 20: a sign-up or an integration being specified (German "Registrierung",
    Turkish "entegrasyon"), text quoted for a page's footer or a mail signature, a template's
    fields ("{{mobile}}"), and "my email signature" (a thing of the mail, not the address)."""
    assert labels(text) == set(), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mbak, bisa zoom-an nanti sore? Saya jelasin alur aplikasinya", {"meeting_link"}),
        ("ngezoom aja yuk besok pagi", {"meeting_link"}),
        ("सिग्नल इस्तेमाल करते हैं? वहां बात करना आसान है", {"off_platform"}),
        ("फेसबुक पर मेरा पेज है, वहां मैसेज कर दीजिए", {"off_platform"}),
        ("Insta pe DM karo, page ka naam studio jaipur hai", {"off_platform"}),
        ("ممكن نعمل جروب على التلجرام للمشروع؟", {"off_platform"}),
    ],
)
def test_local_forms_of_apps_and_tools(text: str, expected: set[str]) -> None:
    """Round 20: Zoom made an Indonesian verb ("zoom-an", "ngezoom"), Signal in Devanagari
    and the polite "इस्तेमाल करते हैं?", a page on a social network (a person's profile, no
    page being built), every Arabic spelling of Telegram and a group made on it."""
    assert labels(text) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "नेटवर्क का सिग्नल कमजोर है, कॉल कट रही है",
        "We need a Facebook page plugin on the landing page, send me the specs here",
        "The landing page needs a WhatsApp button, message me the copy here",
    ],
)
def test_signal_strength_and_pages_being_built_are_no_move(text: str) -> None:
    assert labels(text) == set(), text


def test_polish_l_with_a_stroke_folds_to_l() -> None:
    """A mechanism bug: "ł" has no decomposition, so it survived folding and every word list
    entry with it missed the same word typed without Polish letters ("placic" for "płacić"),
    as chats often are; round 19 wrote such words twice by hand. Both spellings fold to one."""
    from signaling.policy.detect.regex_opt import compile_words
    from signaling.policy.detect.text import fold, strip_accents

    assert fold("płacić") == strip_accents("placic") == "placic"
    pattern = compile_words(["zapłacić", "małpa"])
    for text in ("Mozesz zaplacic w USDT?", "Możesz zapłacić w USDT?", "z malpa w srodku"):
        assert pattern.search(build_views(text).norm.s) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        "Mozesz zaplacic w USDT albo BTC, wtedy wyjdzie taniej",
        "Jak wolisz placic w krypto to tez ogarne, bez prowizji",
    ],
)
def test_polish_payment_moves_typed_without_polish_letters(text: str) -> None:
    assert labels(text) == {"off_platform"}, text


@pytest.mark.parametrize(
    "text",
    [
        "Kak, kayak biasa aja ya, transfer ke rek yang kemarin",
        "Boss, sa BPI account ko na lang ulit, same as before",
        "Me depositas en OXXO y listo, te paso los datos",
    ],
)
def test_local_means_of_paying(text: str) -> None:
    """Round 20: "rek" (short for "rekening") after "to" or "number", a Philippine bank's
    account named by the bank, a deposit at OXXO."""
    assert labels(text) == {"off_platform"}, text


@pytest.mark.parametrize(
    "text",
    ["ayo rek, semangat ngerjain revisinya", "BDO branch near me closes at 5, I'll upload later"],
)
def test_the_same_words_in_other_senses_are_no_payment(text: str) -> None:
    assert labels(text) == set(), text


# --- round 20 review (helper 84, 164 own messages): what the round's mechanisms broke ----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You asked for my WhatsApp, no problem, let's continue there.", {"off_platform"}),
        ("Vous m'avez demandé mon WhatsApp, pas de souci, on continue là-bas.", {"off_platform"}),
        (
            "You asked for my Telegram, but the platform chat is slow, so let's use Telegram.",
            {"off_platform"},
        ),
        ("Вы предложили оплату на карту, хорошо, но пришлите реквизиты здесь.", {"off_platform"}),
        (
            "Nach der Registrierung schreib mir bitte auf WhatsApp, da antworte ich schneller.",
            {"off_platform"},
        ),
        ("Zdzwońmy się na Skypie jutro o 10.", {"off_platform"}),
    ],
)
def test_a_request_granted_or_moved_after_all_still_counts(text: str, expected: set[str]) -> None:
    """A request reported and then granted ("no problem", "pas de souci", "хорошо") or moved
    to after a "but" is no refusal; "Registrierung" alone vetoes no move."""
    assert labels(text) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "Erst 2500 für das Design, dann 3200 für die Umsetzung, dann 1800 für Tests.",
        "São 2300 pelo layout, depois 1800 pela integração, depois 4700 pelo app.",
        "Quantities: 120 then 340 then 5600 then 78 units.",
        "Yung PO number po ng order ay 4500012345, paki-check lang.",
        "Auf der Visitenkarte soll meine Nummer rechts unten stehen, bitte zwei Entwürfe.",
        "For the business card design: my number goes on the back, under the logo.",
        "Mon numéro de client est sur le devis, c'est 20391.",
        "My number one priority in the quote is the mobile layout.",
        "We'll call the Google thing (Analytics) from the backend to log every call event.",
        "Can you build a video call app similar to the Microsoft one for our clinic?",
    ],
)
def test_amounts_briefs_and_programs_are_no_contact(text: str) -> None:
    """Prices and counts told in pieces (round hundreds, "für", "units" after a piece, no
    mobile number in any region), a PO number with Tagalog words near it, a business card
    being designed, a customer's or a ranked number, and calling a program or building one
    like a maker's tool."""
    assert labels(text) == set(), text


@pytest.mark.parametrize(
    "text",
    [
        "Can we hop on a video call on the Microsoft thing tomorrow?",
        "On fait un appel vidéo sur le truc de Google ce soir ?",
        "Let's do the call on Google's video app instead, it's easier for my team.",
    ],
)
def test_a_described_tool_is_off_platform_alone(text: str) -> None:
    """A tool described by its maker is no named tool: the learned layer's meeting_link beside
    the rules' finding is dropped; one adjective may stand between ("Google's video app")."""
    assert labels(text) == {"off_platform"}, text


@pytest.mark.parametrize(
    "text",
    [
        "बड़ी फाइलें Google Drive से शेयर कर दूंगा, बस आपकी ईमेल चाहिए",
        "Files Google Drive pe share kar dunga, tum bas apna gmail do",
        "هبعتلك الملفات على جوجل درايف عشان الرفع هنا بطيء",
        "I'll send the files via Dropbox because the upload here is slow",
        "kalo bayarnya lewat Jenius aja bisa? biar cepet",
        "فيك تحولي عن طريق كليك بدل ما ندفع عالموقع",
    ],
)
def test_files_and_payments_moved_in_local_words(text: str) -> None:
    """Round 20: sharing and sending verbs for files in Hindi and Arabic (Arabic had none),
    "here" after "because" is a reason against here, not where the files go; Jenius, and
    "instead of paying on the site" in Levantine Arabic."""
    assert "off_platform" in labels(text), text


def test_files_kept_here_are_no_move() -> None:
    assert labels("send the files here, my Dropbox is full") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The app needs a login screen. Anyway, add me on Telegram, it's faster.",
            {"off_platform"},
        ),
        ("Die App braucht ein Login. Schreib mir übrigens lieber auf Telegram.", {"off_platform"}),
        ("Our app must support WhatsApp sign-in. Add me as a tester on the store build.", set()),
    ],
)
def test_a_product_word_in_another_sentence_vetoes_no_move_with_its_own_cue(
    text: str, expected: set[str]
) -> None:
    """Round 20: the rules' product check read "app" in the sentence before a move that has
    its own cue; now only a sentence with no cue of its own borrows it."""
    assert labels(text) == expected, text


@pytest.mark.parametrize(
    "text",
    [
        "Zoom yesterday froze three times during a client meeting, what a nightmare",
        "Nel mio ultimo progetto, in passato, facevamo tutto su Teams; qui va benissimo la chat",
        "Dulu klienku suka rapat pakai Zoom, jadi aku sudah biasa presentasi online",
        "Gestern hatte ich drei Meetings auf Teams hintereinander, total müde",
    ],
)
def test_a_meeting_told_of_the_past_is_no_request(text: str) -> None:
    """Round 20: a named tool in a sentence told of the past ("yesterday", "in my last job",
    "dulu"), with no question, no "let's" and no day ahead, is something that happened."""
    assert labels(text) == set(), text


@pytest.mark.parametrize(
    "text",
    [
        "Like last time, a quick Zoom tomorrow?",
        "Yesterday's call on Zoom was great, let's do another one on Zoom Friday",
        "Zoom geht bei mir auch, falls dir das lieber ist als der Call hier",
    ],
)
def test_a_meeting_proposed_beside_the_past_still_counts(text: str) -> None:
    assert labels(text) == {"meeting_link"}, text
