"""Every miss kind and every false-alarm kind of issue 15, in several languages, one test per
module (links, emails, handles, phones, intent). Sentences here are not in the dev set."""

from __future__ import annotations

import pytest

from signaling.policy.detect import LABELS, Confidence, scan
from signaling.policy.detect.hosts import LINK_RULES, link_label
from tests.policy.helpers import labels

# --- links: spaced, bracketed and worded dots ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("the mockups: d r o p b o x . com/s/9qk2/mock.fig", "file_share"),
        ("grab a time at c a l e n d l y . com/nadia-q", "meeting_link"),
        ("archivos en drive [.] google [.] com/drive/folders/1xQz", "file_share"),
        ("arquivo: dropbox ponto com/s/zz81/contrato.pdf", "file_share"),
        ("Unterlagen: docs punkt google punkt com/document/d/1Pw", "file_share"),
        ("il link è we [punto] tl/t-AbC123", "file_share"),
        ("dokumen di drive titik google titik com/file/d/9Hh/view", "file_share"),
        ("ссылка: calendly [точка] com/oleg-m", "meeting_link"),
        ("toplantı: zoom nokta us/j/81234567890", "meeting_link"),
    ],
)
def test_obfuscated_links_on_known_hosts(text: str, label: str) -> None:
    assert label in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "At this point google is the default search engine.",  # weak dot word, not a host
        "Il punto è che stripe punto com non serve qui.",  # spoken dot on an unknown host
        "Revisamos el punto dos y el punto tres mañana.",
    ],
)
def test_spoken_dots_on_unknown_hosts_are_not_links(text: str) -> None:
    assert labels(text) & {"file_share", "meeting_link", "handle"} == set()


def test_link_rules_are_a_table_tried_in_order() -> None:
    assert link_label("google.com", "meet", "/abc-defg-hij", "") == "meeting_link"
    assert link_label("google.com", "docs", "/document/d/1", "") == "file_share"
    assert link_label("google.com", "docs", "/", "") is None
    assert link_label("skype.com", "join", "/x", "") == "meeting_link"  # before handle hosts
    assert link_label("skype.com", "", "/x", "") == "handle"
    assert link_label("meet.jitsi", "", "/room", "") == "meeting_link"  # domain_contains
    assert link_label("github.com", "", "/some/repo", "") is None
    assert {rule.label for rule in LINK_RULES} == {"meeting_link", "file_share", "handle"}


# --- emails: local words for "@" and ".", suffixes as words, assembly ----------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("scrivi a paola.greco chiocciola tiscali punto it", "paola.greco@tiscali.it"),
        ("mail: tomasz.lis małpa interia kropka pl", "tomasz.lis@interia.pl"),
        ("adresim: can.demir et yandex nokta com", "can.demir@yandex.com"),
        ("surel: rina.wati at gmail titik com", "rina.wati@gmail.com"),
        ("sulatan mo ako: ana.reyes at yahoo tuldok com", "ana.reyes@yahoo.com"),
        ("ईमेल करो: vikas.rao एट outlook डॉट com", "vikas.rao@outlook.com"),
        ("البريد: khaled.n آت hotmail دوت com", "khaled.n@hotmail.com"),
        ("correo: ventas arroba tienda-luna punto com punto ar", "ventas@tienda-luna.com.ar"),
        ("email: kontakt at holzwerk-mayer punkt co punkt at", "kontakt@holzwerk-mayer.co.at"),
        ("e-posta: info (at) kahve-evi (nokta) com (nokta) tr", "info@kahve-evi.com.tr"),
        ("write to li underscore wei at qq dot com", "li_wei@qq.com"),
        ("it's 'dana.k' + '@' + 'fastmail.com'", "dana.k@fastmail.com"),
    ],
)
def test_emails_with_local_words_suffixes_and_pieces(text: str, value: str) -> None:
    found = [f for f in scan(text) if f.label == "email"]
    assert [f.value for f in found] == [value]
    for f in found:
        assert text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    "text",
    [
        "my email is my first name, then the at sign, then gmail dot com. First name: jo.walsh",
        "la dirección: mi nombre, luego la arroba, luego hotmail punto com. nombre: rocio.paz",
        "indirizzo: il mio nome poi la chiocciola poi libero punto it, nome: dario.fo",
        "adres: imię, potem małpa, potem gmail kropka com; imię: ola.nowak",
    ],
)
def test_assembly_instructions_are_emails(text: str) -> None:
    found = [f for f in scan(text) if f.label == "email"]
    assert len(found) == 1
    assert found[0].confidence == Confidence.EMAIL_ASSEMBLED


@pytest.mark.parametrize(
    "text",
    [
        "the validator rejects 'user' + '@' + 'example.com' in tests",
        "El campo de correo debe validar el formato con arroba y punto.",
        "Die E-Mail-Adresse braucht ein At-Zeichen, sonst Fehler.",
        "const sep = '@'; const tld = '.com';",
    ],
)
def test_email_talk_and_placeholders_are_not_emails(text: str) -> None:
    assert "email" not in labels(text)


# --- handles: "username is ..." after an app, even a rejected one --------------------------


@pytest.mark.parametrize(
    ("text", "ident"),
    [
        ("No Telegram here, but on Signal my username is blue.heron9", "blue.heron9"),
        ("No tengo WhatsApp; en Discord mi usuario es gato_negro", "gato_negro"),
        ("Sem Telegram, mas no Discord meu usuário é rio_azul22", "rio_azul22"),
        ("Pas de WhatsApp. Sur Telegram mon pseudo est loup_gris", "loup_gris"),
        ("Kein WhatsApp, aber auf Discord ist mein Benutzername fuchs_77", "fuchs_77"),
        ("Niente WhatsApp, su Telegram il mio nome utente è lupo.grigio", "lupo.grigio"),
        ("Nie mam Discorda, ale na Telegramie mój nick to zielony_las", "zielony_las"),
        ("Вайбера нет, а в Телеграме мой ник — seryi_volk", "seryi_volk"),
        ("WhatsApp yok ama Telegram kullanıcı adım kara_kedi", "kara_kedi"),
        ("Gak ada WA, di Telegram username saya nasi_goreng", "nasi_goreng"),
        ("Walang WhatsApp, sa Telegram ang username ko ay pusa_itim", "pusa_itim"),
        ("व्हाट्सएप नहीं, टेलीग्राम पर मेरा यूज़रनेम है neela_akash", "neela_akash"),
        ("ما عندي واتساب، على تيليجرام اسم المستخدم sahm_99", "sahm_99"),
    ],
)
def test_username_after_an_app_name(text: str, ident: str) -> None:
    found = [f for f in scan(text) if f.label == "handle"]
    assert found
    assert found[0].text == ident


# --- phones: multipliers, number words, emoji and local digits -----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "call me: six four six, triple two, eight nine one oh",
        "mi cel: seis uno cuatro, doble ocho, tres dos, uno cero",
        "meu número: onze, nove oito, dois dois, sete sete, três três, quatro",
        "chiamami: tre quattro otto, doppio cinque, uno due tre quattro",
        "numer: sześć zero jeden, dwa trzy, podwójna czwórka, pięć sześć",
        "telefon: beş üç beş, çift sıfır, bir iki, üç dört beş",
        "nomor: nol delapan satu satu, dobel tiga, empat lima enam tujuh",
        "tawagan mo ako: sero siyam isa pito, lima lima lima, apat tatlo dalawa isa",
        "мой номер: девятьсот три, сто двадцать, сорок пять, шестьдесят семь",
        "नंबर लिखो: नौ आठ सात, डबल छह, पांच चार तीन दो",
        "رقمي: صفر خمسة خمسة، سبعة ثمانية تسعة، واحد اثنان ثلاثة أربعة",
        "WhatsApp: 9️⃣1️⃣7️⃣ 5️⃣5️⃣2️⃣ 0️⃣1️⃣9️⃣8️⃣",
        "واتساب: ٠٥٥٩٨٧٦٥٤٣",
        "फोन: ९८२०१२३४५६",
    ],
)
def test_phone_numbers_in_words_and_symbols(text: str) -> None:
    assert "phone" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        # parcel tracking numbers
        "Tracking: 1Z999AA10123456784 via UPS, arriving Friday",
        "Número de seguimiento 7946 1234 5678 9012 de FedEx",
        "Sendungsnummer 0034 0434 1612 3456 7890, Zustellung morgen",
        "Трек-номер посылки 8008 1234 5678 90",
        "Kargo takip no 7212 3456 7890, yarın teslim",
        "No. resi JNE 0123 4567 8901 2345",
        # company registry and tax ids
        "Our DUNS is 08-146-6849 and EIN 94-1081436",
        "Partita IVA 0123 4567 890 sul preventivo",
        "NIP 123-456-32-18, REGON 012 345 678",
        "SIRET 552 100 554 00025",
        "ИНН 7728 1686 71, КПП 7728 01001",
        "CNPJ 11.222.333/0001-81 na nota",
        "IBAN DE89 3704 0044 0532 0130 00 is only an example for the validator",
        # placeholder zeros
        "phone placeholder: +1 (000) 000-0000",
        "máscara do telefone (00) 00000-0000",
        "maska: +7 (000) 000-00-00",
        "contoh: 0000-0000-0000",
        # amounts and invoices
        "Счёт № 2024-0199 на сумму 120 000 ₽",
        "Fatura no 2024-0007, tutar 12.500 TL",
        "Invoice INV/2024/00099 sebesar Rp 7.500.000",
        # order numbers
        "Il numero d'ordine è 2024-00012345",
        "Bestellnummer 3021-4455-9981",
        "Sipariş numarası 5551234567 kargoya verildi",
    ],
)
def test_ids_tracking_numbers_and_placeholders_are_not_phones(text: str) -> None:
    assert "phone" not in labels(text)


# --- intent: paying outside, meetings on outside tools, app euphemisms ---------------------


@pytest.mark.parametrize(
    "text",
    [
        "Pay me outside the platform and I'll take 10% off",
        "If you wire it directly we both save the fee",
        "Págame directamente por transferencia y te ahorras la comisión",
        "Paga por fora no Pix que eu dou desconto",
        "Règle-moi en direct par virement, sans commission",
        "Zahl direkt per Überweisung, dann sparen wir die Gebühr",
        "Pagami direttamente con bonifico, niente commissione",
        "Zapłać bezpośrednio przelewem, bez prowizji",
        "Оплати напрямую на карту, без комиссии",
        "Platform ke bahar payment kar do, fees bachegi",
        "प्लेटफॉर्म के बाहर भुगतान करो, कमीशन बचेगा",
        "ادفع مباشرة بتحويل بنكي بدون عمولة",
        "Doğrudan havale ile öde, komisyon olmadan",
        "Bayar langsung ke rekening saya biar hemat biaya",
        "Magbayad ka nang direkta sa GCash, walang fee",
    ],
)
def test_paying_outside_in_each_language(text: str) -> None:
    found = [f for f in scan(text) if f.label == "off_platform"]
    assert found
    assert all(f.value.startswith("pay:") for f in found)


@pytest.mark.parametrize(
    "text",
    [
        "I'll pay through the platform when the milestone is done",
        "Te pago por la plataforma al entregar",
        "Pago pela plataforma depois da entrega",
        "Je paierai via la plateforme",
        "Ich zahle über die Plattform",
        "Ti pago tramite la piattaforma",
        "Zapłacę przez platformę",
        "Оплачу через платформу",
        "Ödemeyi platform üzerinden yapacağım",
        "Saya bayar lewat platform",
        "Magbabayad ako sa platform",
        # product talk about payment fields
        "The payout form needs an IBAN field and a PayPal email field",
        "El formulario necesita un campo para la cuenta de PayPal",
        "Das Formular braucht ein Feld für die IBAN",
        "Uygulamada kart ve IBAN alanı olsun",
        "Aplikasi butuh kolom untuk nomor rekening",
        "फॉर्म में UPI आईडी का फ़ील्ड जोड़ो",
    ],
)
def test_paying_on_the_platform_and_payment_fields_are_not_off_platform(text: str) -> None:
    assert "off_platform" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Let's do a quick call on Zoom tomorrow",
        "¿Una videollamada por Teams el lunes?",
        "Fazemos uma chamada no Google Meet?",
        "On se fait une visio sur Zoom ?",
        "Kurzer Anruf über Teams morgen?",
        "Facciamo una call su Zoom?",
        "Rozmowa na Google Meet jutro?",
        "Созвонимся в Зуме?",
        "Kal Zoom pe call karein?",
        "कल ज़ूम पर कॉल करें?",
        "مكالمة على زوم بكرة؟",
        "Yarın Google Meet'te görüşelim mi?",
        "Meeting lewat Google Meet besok ya?",
        "Mag-call tayo sa Zoom bukas?",
    ],
)
def test_meetings_on_outside_tools_in_each_language(text: str) -> None:
    assert "meeting_link" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Use the platform's call button, not Zoom",
        "The Zoom SDK integration drops audio",
        "Pinch to zoom in on the map",
    ],
)
def test_platform_calls_and_zoom_features_are_not_meetings(text: str) -> None:
    assert "meeting_link" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Message me on the green app instead",
        "Escríbeme en la app verde",
        "Me chama no aplicativo verde",
        "Écris-moi sur l'appli verte",
        "Schreib mir in der grünen App",
        "Scrivimi sull'app verde",
        "Napisz do mnie na zielonej aplikacji",
        "Напиши мне в синем приложении",
        "Hare wale app pe message karo",
        "कल हरे ऐप पर बात करते हैं",
        "راسلني على التطبيق الأخضر",
        "Mavi uygulamadan yaz bana",
        "Chat di aplikasi hijau aja",
        "Usap tayo sa blue app",
        "Ping me on the app with the paper plane",
    ],
)
def test_app_euphemisms_are_off_platform(text: str) -> None:
    assert "off_platform" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "The app's primary button should be green",
        "El botón verde de la app no funciona",
        "Die App soll ein grünes Icon bekommen",
        "Make the chat bubble blue in our app",
    ],
)
def test_design_talk_about_app_colours_is_not_off_platform(text: str) -> None:
    assert "off_platform" not in labels(text)


def test_every_finding_names_its_label_and_the_text_that_triggered_it() -> None:
    text = (
        "Pay me outside the platform. Call 4 one 5, double seven two, oh oh nine three. "
        "Files: d r o p b o x . com/s/x1y2 and mail ana (at) gx (dot) io"
    )
    found = scan(text)
    assert {f.label for f in found} >= {"off_platform", "phone", "file_share", "email"}
    for f in found:
        assert f.label in LABELS
        assert f.text and text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Let's hop on Meet at 4", {"meeting_link"}),
        ("Meet me halfway on the budget?", set()),
        ("Instagram'dan yaz: @ayse.tasarim", {"handle"}),
        ("Add mo ako sa FB: juan.dela.cruz.77", {"handle"}),
        ("whatsapp: nine eight, double four, five six seven, triple zero", {"phone"}),
        ("ادفعلي عن طريق باي بال مباشرة", {"off_platform"}),
        ("Ödeme sayfasında PayPal butonu olsun", set()),
        ("Mi número de pedido es 402-8812345-1234", set()),
        ("My order number is 402-8812345-1234", set()),
        ("Let's continue on the app with the green phone icon", {"off_platform"}),
        ("Melhor falar pelo Zap, aqui demora", {"off_platform"}),
        ("Mejor hablar por Telegram, aquí tardo en ver los mensajes", {"off_platform"}),
        ("Continuiamo a scrivere su Telegram", {"off_platform"}),
        ("We deploy with WhatsApp Cloud API webhooks", set()),
        ("Il logo deve avere un uccellino blu", set()),
    ],
)
def test_probe_regressions(text: str, expected: set[str]) -> None:
    assert labels(text) == expected


# --- adding a language is one Language entry ----------------------------------------------

# Run in a fresh interpreter: the lexicon is built from ``LANGUAGES`` when it is imported, so
# the new entry goes in before anything imports it (``languages`` imports nothing of ours).
_ADD_DUTCH = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location(
    "signaling.policy.detect.languages", "signaling/policy/detect/languages.py"
)
languages = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = languages
spec.loader.exec_module(languages)
fields = json.loads(sys.argv[1])
dutch = languages.Language("nl", "Dutch", **{k: tuple(v) for k, v in fields.items()})
languages.LANGUAGES = (*languages.LANGUAGES, dutch)
from signaling.policy.detect import Detector
for text in sys.argv[2:]:
    print(json.dumps([[f.label, f.value] for f in Detector(learned=False).scan(text)]))
"""


def _scan_with_dutch(fields: dict[str, list[str]], *texts: str) -> list[list[list[str]]]:
    import json
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", _ADD_DUTCH, json.dumps(fields), *texts],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_a_new_language_entry_reaches_the_payment_rules_of_round_14() -> None:
    """The words of the third-party and bonus rules are ``Language`` fields (they were lists in
    lexicon.py that a new language had to extend there): a Dutch entry with its words for a
    relative, an account, a bonus and "outside the platform" makes those rules read Dutch."""
    third_party = "Kun je het geld naar de bankrekening van mijn vriendin overmaken?"
    bonus = "Ik stuur je een fooi buiten het platform om."
    base = {"pay_verbs": ["overmaken"], "outside_phrases": ["buiten het platform om"]}
    words = {
        **base,
        "relative_words": ["vriendin"],
        "account_words": ["bankrekening"],
        "bonus_words": ["fooi"],
    }
    assert _scan_with_dutch(base, third_party, bonus) == [[], []]
    assert _scan_with_dutch(words, third_party, bonus) == [
        [["off_platform", "pay:third_party"]],
        [["off_platform", "pay:bonus"]],
    ]
