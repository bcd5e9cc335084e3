"""Round 17 (issue 15): kinds found missing or falsely flagged by the train half of
``learned/own_v14_probe.jsonl`` (and one of own_v13's). The sentences here are new phrasings,
not the probes'; the benign ones keep the same words."""

from __future__ import annotations

import pytest

from tests.policy.helpers import labels, rule_values


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # letters spaced out up to a sentence's stop: the last letter was left out
        ("mine is j o h n . d o e @ g m a i l . c o m.", "john.doe@gmail.com"),
        ("write to a n n a @ w e b . d e, thanks", "anna@web.de"),
        # a dash after the spaced letters starts a remark; it is no letter of the address
        ("k a i . l u n d @ p r o t o n . m e - spaced out on purpose", "kai.lund@proton.me"),
        ("l e o @ o u t l o o k . c o m — there you go", "leo@outlook.com"),
    ],
)
def test_spaced_letters_end_at_a_stop_or_before_a_dash(text: str, address: str) -> None:
    assert labels(text) == {"email"}
    assert address in rule_values(text, "email")


@pytest.mark.parametrize(
    "text",
    [
        "no Insta é arroba bia_design, me chama lá",
        "sur Telegram je suis arobase tom_dev_fr",
        "w Telegramie jestem małpa kasia_ux",
        "en Telegram soy arroba nico_dev",
    ],
)
def test_a_spoken_at_after_an_app_points_at_the_handle(text: str) -> None:
    assert labels(text) == {"handle"}


@pytest.mark.parametrize(
    "text",
    [
        "Si me pagas por Bizum te hago un 10% menos y nos ahorramos la comisión de la página.",
        "Überweis es mir direkt, dann sparen wir uns die Gebühr der Seite.",
        "Paga-me por Pix que eu faço desconto, assim fugimos da taxa da página.",
    ],
)
def test_the_site_named_as_a_fees_owner_is_no_product(text: str) -> None:
    """ "la página" names a page being built in a spec; as the owner of a fee it is the site."""
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "La página de pago debe aceptar Bizum y mostrar la comisión.",
        "Moyens de paiement à intégrer : CB, PayPal et virement SEPA.",
        "Zahlungsmethoden im Shop: PayPal, Klarna und Überweisung.",
        "Métodos de pago de la tienda: tarjeta, Bizum y transferencia.",
        "Formas de pagamento do app: Pix, boleto e cartão.",
        "Metody płatności w sklepie: BLIK, przelew i karta.",
        "Способы оплаты на сайте магазина: карта, СБП и PayPal.",
    ],
)
def test_payment_methods_of_a_product_are_a_spec(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Merci, mais je n'accepte pas les paiements en dehors du site.",
        "Non merci, je n'accepte aucun virement hors plateforme.",
        "Danke, aber Zahlungen außerhalb der Plattform nehme ich nicht an.",
        "Überweisungen am Treuhandkonto vorbei akzeptiere ich grundsätzlich nicht.",
    ],
)
def test_a_refused_payment_off_the_platform_is_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Tu peux me payer en dehors du site, par virement ?",
        "On règle en dehors du site ? Je n'ai pas envie de payer la commission.",
        "Zahl mir das außerhalb der Plattform, dann sparen wir die Gebühr.",
    ],
)
def test_the_same_moves_unrefused_are_still_moves(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "Schick mir die Rohdateien lieber per WeTransfer, hier ist das Limit zu klein.",
        "Wrzuć mi proszę te zdjęcia przez Dropboxa, tu się nie mieszczą.",
        "Пришлите макеты через Яндекс.Диск, здесь лимит.",
        "Tu peux me faire passer les photos par WeTransfer ?",
        "Invia i sorgenti con Dropbox, qui non si caricano.",
        "Dosyaları WeTransfer ile gönderir misin, burası sıkıştırıyor.",
        "Kirim filenya lewat Google Drive aja ya, di sini lama.",
        "I-send mo na lang sa Google Drive yung raw files.",
    ],
)
def test_files_sent_through_a_named_host_in_other_languages(text: str) -> None:
    """The file hosts' verbs of sending are a ``Language`` field (``file_verbs``), and a host
    may carry a case ending ("przez Dropboxa")."""
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "Die App soll Fotos automatisch in die Dropbox des Nutzers hochladen.",
        "Uygulama dosyaları Google Drive'a yüklesin, entegrasyon lazım.",
        "Pengguna bisa kirim file dari Google Drive ke aplikasi kami.",
        "Schick mir bitte nichts über WeTransfer, lade es hier hoch.",
        "Mega, danke! Ich schicke dir morgen die Entwürfe hier im Chat.",
        "Сервис должен загружать отчёты на Яндекс Диск клиента по расписанию.",
    ],
)
def test_file_hosts_in_a_product_refused_or_mega_as_a_word_are_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "गूगल मीट पर आ जाइए, वहीं स्क्रीन दिखा दूँगा",
        "ज़ूम पर जुड़िए, मैं डिज़ाइन समझा देता हूँ",
        "टीम्स पर जुड़ जाइए, शाम को डिज़ाइन दिखाता हूँ",
    ],
)
def test_a_named_tool_with_a_devanagari_cue_is_a_meeting_move(text: str) -> None:
    assert labels(text) == {"meeting_link"}


@pytest.mark.parametrize(
    "text",
    [
        "हमारे ऐप में ज़ूम इंटीग्रेशन चाहिए, लिंक अपने आप बने",
        "Uygulamaya Zoom entegrasyonu lazım, toplantı linki otomatik oluşsun.",
        "इस फोटो को ज़ूम करके देखो, लोगो धुंधला है",
    ],
)
def test_a_meeting_tool_as_a_product_or_zooming_an_image_is_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("n e h a . d e v 2 1 (at) g m a i l (dot) c o m", "neha.dev21@gmail.com"),
        ("it's r o s a (at) w e b (dot) d e, thanks", "rosa@web.de"),
        ("m a r c o [at] l i b e r o [dot] i t", "marco@libero.it"),
    ],
)
def test_bracketed_symbols_between_spaced_letters(text: str, address: str) -> None:
    """ "(at)" and "(dot)" between letters spaced out: the letters on both sides are glued."""
    assert labels(text) == {"email"}
    assert address in rule_values(text, "email")


@pytest.mark.parametrize(
    "text",
    [
        "WhatsApp pe baat karein? yahan notifications bahut der se aate hain",
        "Can we talk on WhatsApp? The notifications here arrive hours late.",
        "Seguimos por WhatsApp? Aquí las notificaciones me llegan tarde.",
    ],
)
def test_the_platforms_own_features_set_against_an_app_are_no_product(text: str) -> None:
    """A product word in another sentence that says "here" names this platform's feature."""
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "The app should send WhatsApp notifications to the customer. Can we talk it over here?",
        "We need WhatsApp notifications in the app, let's talk about it here.",
    ],
)
def test_a_product_word_in_the_apps_own_sentence_still_counts(text: str) -> None:
    assert "off_platform" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "Find me on LinkedIn by my full name, same as on this profile.",
        "Cercami su LinkedIn con nome e cognome, come qui.",
        "Búscame en LinkedIn por mi nombre completo.",
        "Procure meu nome no Instagram, a foto é a mesma daqui.",
        "Cherche mon nom sur LinkedIn, on continue là-bas.",
        "Wyszukaj mnie na Facebooku po imieniu i nazwisku.",
        "Найдите меня во ВКонтакте по имени и фамилии.",
        "Insta pe mera naam search kar lo, profile pic same hai.",
        "LinkedIn'de adımı aratın, detayları orada konuşuruz.",
        "Cari aja nama saya di Instagram ya, nanti kita lanjut di sana.",
    ],
)
def test_search_my_name_on_an_app_is_a_contact_move_not_a_handle(text: str) -> None:
    """The writer's real name named after an app ("full name", "nome e cognome") is no handle,
    and "search my name" is a move in each language (``move_phrases``)."""
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "Viber yes, my name there is jon.k",
        "LinkedIn: full name Anna Kowalska, handle anna_k",
        "Insta pe mera naam search kar lo: neha.art",
    ],
)
def test_a_shaped_handle_after_a_name_word_is_still_a_handle(text: str) -> None:
    assert labels(text) == {"handle"}


@pytest.mark.parametrize(
    "text",
    [
        "Найди меня толкового дизайнера для лендинга, бюджет есть.",
        "Procure meu nome na lista de aprovados do concurso.",
        "Integracja z VK API jest w zakresie projektu.",
    ],
)
def test_find_me_without_an_app_or_an_app_as_a_product_is_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "All my contacts are on my website, write to me from there.",
        "Mis datos de contacto están en mi web personal.",
        "Meine Kontaktdaten findest du auf meiner Homepage.",
        "I miei contatti sono sul mio sito, scrivimi lì.",
        "Wszystkie moje kontakty są na mojej stronie.",
        "Tüm iletişim bilgilerim web sitemde var.",
        "Semua kontak saya ada di website saya ya.",
    ],
)
def test_my_contacts_on_my_website_is_a_contact_move(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "The contact form on my website needs a phone field.",
        "Add my contacts page link to the footer of my website.",
        "My contacts list syncs with my portfolio site automatically.",
    ],
)
def test_a_contact_feature_of_my_website_is_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Prefiero que sigamos hablando por aquí, sin contrato no me paso a WhatsApp.",
        "Numara paylaşmak yerine her şeyi buraya yazalım.",
        "Booking hote hi Teams meeting link auto-generate ho jaye customer ke liye.",
    ],
)
def test_keeping_the_talk_here_or_a_product_made_link_is_no_move(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Sigamos por WhatsApp, por aquí tarda mucho.", "off_platform"),
        ("Buraya yazmak zor, WhatsApp'tan yazalım.", "off_platform"),
        ("Let's sync on Zoom tomorrow at 10.", "meeting_link"),
    ],
)
def test_a_move_that_only_mentions_here_is_still_a_move(text: str, label: str) -> None:
    assert labels(text) == {label}


# --- review of round 17 (a helper's benign and positive probes of the new rules) -----------


@pytest.mark.parametrize(
    "text",
    [
        "हमारे लैंडिंग पेज के रंग ज़ूम के लोगो से मिलते-जुलते हैं।",
        "फुटर में ज़ूम की वेबसाइट का लिंक लगा दीजिए।",
        "आइए, पहले ज़ूम और टीम्स की कीमतों की तुलना कर लें।",
        "टीम्स आइकन स्क्रीन पर ब्लिंक करता रहता है",
        "Wyślij mi logo jeszcze dziś, to mega ważne dla klienta.",
        "Schick mir die Fotos bitte in mega Qualität, hier im Chat.",
        "Der Laden nutzt Dropbox für die Belege.",
        "Yüklenici olarak Dropbox hesabım var ama dosyaları burada teslim ederim.",
        "Kirim saja filenya di sini, Google Drive saya sudah penuh.",
        "Invia pure qui i file, il mio Dropbox è pieno.",
        "Пришлите файлы сюда в чат, мой Яндекс Диск переполнен.",
        "Przez Dropboxa nie, wrzuć pliki tutaj na czacie.",
        "All my contacts must be visible on my website too.",
        "Kontak saya harus muncul juga di website saya.",
        "Moje kontakty z klientami z mojej strony są dobre.",
    ],
)
def test_review_benign_uses_of_the_new_words(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Tu n'as qu'à m'écrire sur WhatsApp, c'est plus simple.",
        "Sube los archivos a mi Mega, te paso el enlace luego.",
        "Put the renders on my Mega please.",
        "Upload the landing page mockups to my Google Drive please.",
        "Mándame los archivos del formulario por WeTransfer.",
        "Per i file pesanti mandali con WeTransfer invece che caricarli qui.",
    ],
)
def test_review_moves_the_first_version_missed(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Закинь файлы на Google Диск, тут лимит.", "files:googledrive"),
        ("Скиньте макеты через Гугл Диск.", "files:googledrive"),
        ("Wrzuć pliki na Dysk Google, tu się nie mieszczą.", "files:googledrive"),
        ("फाइलें मेरे गूगल ड्राइव पर अपलोड कर दो।", "files:googledrive"),
        ("Исходники лучше пришлите через Яндекс.Диск, тут лимит.", "files:yandexdisk"),
        ("Pliki źródłowe najlepiej wrzuć mi przez Dropboxa.", "files:dropbox"),
        ("Dosyaları Google Drive'ıma atar mısın?", "files:googledrive"),
    ],
)
def test_local_names_of_file_hosts_name_the_host(text: str, value: str) -> None:
    """A host's local name or case ending is the host itself in the finding's value."""
    assert labels(text) == {"off_platform"}
    assert value in rule_values(text, "off_platform")


def test_by_my_name_is_the_writers_own_name_not_a_handle() -> None:
    text = "Procura-me no Instagram pelo meu nome, Joana Lima."
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "Im Angebot schreiben wir hier 200 €, der Rest läuft nebenher.",
        "В заказе укажем сумму поменьше, а остальное я переведу отдельно.",
        "Fiyatı burda 80 dolar yazalım, gerisini aramızda hallederiz.",
        "ऑफ़र में यहाँ 100 डॉलर डालते हैं, बाकी आधा बाहर से दे दूँगा।",
        "نحط ٥٠ دولار هنا والباقي بيننا",
    ],
)
def test_a_smaller_sum_here_and_the_rest_apart_is_a_split_payment(text: str) -> None:
    """The offer, order or contract is the part paid here; "between us" with a sum is apart."""
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Burada tasarımı konuştuk, gerisini aramızda hallederiz.",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known false alarm of the learned layer since round 20 (retrained on "
                "8,815 messages): 'aramızda hallederiz' scores 4.5 for off_platform, "
                "threshold 4.0",
            ),
        ),
        "Here we agreed on the logo; the rest between us is fine.",
        "Der Rest des Projekts läuft hier über Meilensteine, nebenher mache ich Tests.",
    ],
)
def test_the_rest_between_us_without_money_is_no_split_payment(text: str) -> None:
    assert labels(text) == set()
