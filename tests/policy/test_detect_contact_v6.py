"""Off-platform intent, round 11 (issue 15, branch guard-contact6): moving the conversation
elsewhere with no identifier and no app named. The round's rules were reverted after a review
(254 benign messages using the same words, 50 newly flagged: "I can find you a faster way to run
these migrations", "mujhe aapka order number chahiye refund ke liye", "Die App soll Kontakte
tauschen zwischen Messebesuchern ermöglichen"); what stays is its data,
``learned/own_v6_contact.jsonl``, an unseen corpus for the next round, and the benign minimal
pairs below, which any later rule must keep clean."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.policy.helpers import rule_labels

DATA = Path(__file__).parent / "learned" / "own_v6_contact.jsonl"
LANGS = {"en", "es", "pt", "fr", "de", "it", "pl", "ru", "hi", "hi-Latn", "ar", "tr", "id", "tl"}


@pytest.mark.parametrize(
    "text",
    [
        "is there a faster way to get notified of messages here?",
        "is there a quicker way to reach you on here, like push notifications?",
        "where else in the app can I upload files?",
        "I'll ping you here when the deploy is done",
        "reach out to support if the site goes down",
        "the contact form on the client's website is broken",
        "swap the contacts page layout so the map sits on top",
        "how do I reach the settings page?",
        "pushed the fix for the chat lag, messages load faster now",
        "done with the personal number field validation",
        "contact list import works, tested with 300 rows",
        "dónde más en la app puedo subir archivos?",
        "si se cae la página, escribe a soporte",
        "je te préviens ici quand le déploiement est fini",
        "wo sonst in der app kann ich dateien hochladen?",
        "gdzie jeszcze w aplikacji mogę wrzucić pliki?",
        "где ещё в приложении можно загрузить файлы?",
        "अगर साइट बंद हो तो सपोर्ट से संपर्क करें",
        "agar site down ho toh support se contact karo",
        "إذا الموقع وقف تواصل مع الدعم الفني",
        "site çökerse destek ekibine yaz",
        "di mana lagi di aplikasi aku bisa upload file?",
        "pag nag-down yung site, i-contact mo yung support",
        "I won't give you my personal number, let's keep it on the platform",
    ],
)
def test_staying_here_and_product_talk_are_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)


def test_data_file_format() -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    fields = {"id", "text", "labels", "note", "lang", "kind", "split"}
    by_kind: dict[tuple[str, str], int] = Counter()
    for r in rows:
        assert set(r) == fields
        assert r["id"].startswith(f"own6c-{r['lang']}-")
        assert r["lang"] in LANGS
        assert r["split"] in {"train", "test"}
        if r["kind"] == "contact_move":
            assert r["labels"] == ["off_platform"]
        else:
            assert r["kind"] in {"stays_on_platform", "platform_feature", "status_update"}
            assert r["labels"] == []
        # every third message of each (lang, kind) is held back as the test split
        nth = by_kind[(r["lang"], r["kind"])]
        by_kind[(r["lang"], r["kind"])] += 1
        assert r["split"] == ("test" if nth % 3 == 2 else "train")
    positives = sum(1 for r in rows if r["labels"])
    assert positives >= 200
    assert len(rows) - positives >= 200
    assert {r["lang"] for r in rows} == LANGS


# --- round 12: the contact moves again, with what each word pair needs -----------------------
# The reverted round's rules flagged 54 of own_v6_review's benign messages. Round 12 restores
# them with the mechanisms that tell those apart: a verb of finding or writing followed by its
# object is done *for* the reader ("I can find you a faster way to run it"); a way or place for
# doing something else ("cara lain buat export", "woanders im Code") is no place to talk; a
# personal contact must end its phrase ("your order number", "mis redes neuronales" are
# things); contacts swapped between other people or allowed by a product are a feature; "here"
# in the sentence keeps it here unless negated ("when you're not on here").


@pytest.mark.parametrize(
    "text",
    [
        "هل في طريقة أسرع أتواصل معك فيها؟ هنا كل شي بطيء",
        "كيف أوصل لك لما تكون مو متصل هنا",
        "gibt es einen schnelleren weg, dich zu erreichen? hier dauert alles ewig",
        "wo kann ich dich sonst noch finden, falls es dringend ist?",
        "is there a faster way to reach you? this inbox takes forever to refresh",
        "where else can i find you if i need a quick answer on the weekend",
        "hay alguna forma más rápida de contactarte? este chat tarda un montón",
        "dónde más te puedo encontrar si necesito algo urgente?",
        "y a-t-il un moyen plus rapide de te joindre ? ici ça rame",
        "où est-ce que je peux te trouver ailleurs si j'ai une urgence ?",
        "क्या आपसे संपर्क करने का कोई तेज़ तरीका है? यहाँ बहुत देर लगती है",
        "अगर कुछ अर्जेंट हो तो आपको और कहाँ ढूँढूँ?",
        "aapse contact karne ka koi fast tareeka hai kya? yahan bahut late hota hai",
        "kuch urgent ho toh aapko aur kahan dhoondhu?",
        "ada cara lebih cepat buat hubungi kamu gak? di sini lama banget",
        "kalau ada yang urgent aku bisa cari kamu di mana lagi?",
        "c'è un modo più veloce per raggiungerti? qui ci mette una vita",
        "dove altro ti posso trovare se mi serve una risposta al volo?",
        "jest jakiś szybszy sposób, żeby się z tobą skontaktować? tu wszystko trwa wieki",
        "gdzie jeszcze mogę cię znaleźć, jakby coś było pilne?",
        "onde mais eu te acho se precisar de algo no fim de semana?",
        "como faço pra falar com você quando não tá online aqui",
        "есть способ быстрее с тобой связаться? тут всё долго грузится",
        "где ещё тебя можно найти, если будет что-то срочное?",
        "may mas mabilis bang paraan para ma-contact ka? ang tagal dito eh",
        "saan pa kita pwedeng mahanap kung may urgent?",
        "sana ulaşmanın daha hızlı bir yolu var mı? burada her şey çok yavaş",
        "acil bir şey olursa seni başka nerede bulabilirim?",
    ],
)
def test_contact_moves_with_no_identifier_are_flagged(text: str) -> None:
    assert "off_platform" in rule_labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "I can find you a faster way to run these migrations, the current script is slow.",
        "Our CRM lets sales reps exchange contacts between teams; need an API for that.",
        "Te encuentro una manera más rápida de importar los productos.",
        "Te escribo más rápido si activas las notificaciones aquí.",
        "Il faut échanger les pages contacts FR et EN.",
        "Je te trouve une autre façon de gérer le cache.",
        "Ich kann dich hier schneller erreichen, wenn du Benachrichtigungen aktivierst.",
        "Die App soll Kontakte tauschen zwischen Messebesuchern ermöglichen.",
        "Bisogna scambiare le pagine contatti in italiano e inglese.",
        "Ti trovo un modo più veloce per generare i PDF.",
        "Aplikacja ma pozwalać wymienić kontakty między uczestnikami konferencji.",
        "Постараюсь вам написать побыстрее, когда будут правки.",
        "Приложение должно позволять участникам обменяться контактами на конференции.",
        "mujhe aapka order number chahiye refund ke liye",
        "mujhe aapka project number chahiye invoice ke liye",
        "मुझे आपका ऑर्डर नंबर चाहिए ताकि रिफंड प्रोसेस हो",
        "نتكلم عن الشعار في مكان ثاني من الملف، الصفحة 3",
        "Uygulamada katılımcılar iletişim bilgilerini değiştirebilmeli, profil düzenleme ekranı.",
        "I want my contacts app redesign to look closer to the iOS one.",
        "I can write to you a quicker way to parse the CSV, give me a minute.",
        (
            "Can you drop your contact person at the hosting company in the brief? Only the"
            " company name."
        ),
        "Find you a better way to structure the database, I'll write it up in the doc.",
        "Te paso mis redes neuronales entrenadas en la carpeta del proyecto.",
        "Te escribo el script más rápido si me das acceso al repositorio aquí.",
        "Podemos hablar del padding por fuera del contenedor.",
        "Dame tus redes de referencia para el moodboard, perfiles de marcas que te gusten.",
        "Te passo minhas redes neurais treinadas no repositório.",
        "Preciso falar da margem por fora do card.",
        "Te acho um jeito mais rápido de rodar os testes.",
        "Quer meus contatos de fornecedores em CSV para importar no sistema?",
        "Je vais te trouver une solution plus vite que prévu.",
        "Je te passe mes réseaux de neurones entraînés dans le dossier.",
        "Sonst schreiben wir die Texte selbst, kein Problem.",
        "Ich kann sonst auch die Produkttexte schreiben.",
        "Wir können woanders im Code reden, äh, ich meine: die Funktion woanders aufrufen.",
        "Ti trovo una soluzione più velocemente di così.",
        "Ti scrivo un modo più veloce per fare il parsing.",
        "Mandami i tuoi social di riferimento per il moodboard, profili di brand che ti piacciono.",
        "Скинь свои контакты клиентов в CSV для импорта в CRM.",
        "Дай свой личный номер заказа, не вижу его в системе.",
        "aapka invoice number bhej do, main milestone check karta hoon",
        "is bug ke baare mein baat karte hain, koi aur tareeka try karte hain",
        "mera roll number chahiye to certificate design mein daal dunga",
        "आपका इनवॉइस नंबर भेज दीजिए, मैं माइलस्टोन चेक करता हूँ",
        "نتفاهم على طريقة ثانية للتصميم",
        "ارسل بيانات التواصل للفوتر: اسم الشركة والعنوان فقط",
        "نحكي عن الالوان في مكان ثاني من العرض",
        "Sana yazılımı daha hızlı teslim ederim.",
        "Seni bulduğum çözüm daha kolay olacak.",
        "Fitur chat anda perlu cara lain untuk notifikasi.",
        "Saya mau kirim revisi menu kontak besok.",
        "Cari kak, ada cara lain buat export datanya.",
        "I-message kita ng mas mabilis na paraan para sa query.",
        "Gusto ko ang contact ko sa footer ay company address lang.",
    ],
)
def test_what_the_reverted_rules_flagged_stays_clean(text: str) -> None:
    assert "off_platform" not in rule_labels(text)
