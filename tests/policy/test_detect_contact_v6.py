"""Off-platform intent, round 11 (issue 15, branch guard-contact6): moving the conversation
elsewhere with no identifier and no app named. A verb of reaching the other party beside a
way, place or time that is not this platform ("where else can I find you", "reach you when
you're not on here"), a verb of talking beside a place elsewhere ("on parle ailleurs"), a
personal contact given or asked for ("gimme your socials"), and contacts swapped. Each positive
fails on the rules of the branch's base commit; each benign sentence is a minimal pair that
uses the same words to stay here, to talk about the product, or to report a status."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.policy.helpers import intent_values, rule_labels
from tests.policy.linear import assert_linear

DATA = Path(__file__).parent / "learned" / "own_v6_contact.jsonl"
LANGS = {"en", "es", "pt", "fr", "de", "it", "pl", "ru", "hi", "hi-Latn", "ar", "tr", "id", "tl"}


# A verb of reaching the other party beside a way, place or time off this platform.
@pytest.mark.parametrize(
    "text",
    [
        "where else could i find you if this inbox acts up again",
        "how do I get hold of you when you're not on here for a few days?",
        "if the site goes down during launch where do i message you",
        "¿dónde más te puedo escribir si esto no carga?",
        "como faço pra te achar quando você não tá online aqui?",
        "comment je te joins si t'es pas connecté ce week-end ?",
        "wie erreiche ich dich, wenn du hier nicht online bist?",
        "dove altro ti posso scrivere se la piattaforma non va?",
        "gdzie jeszcze mogę do ciebie pisać w weekend?",
        "где ещё тебя можно найти, если что-то срочное?",
        "अगर साइट बंद हो तो आपको और कहाँ ढूँढूँ?",
        "weekend pe aapko aur kahan ping karu?",
        "وين ممكن الاقيك غير هنا اذا صار شي؟",
        "acil olursa seni başka nerede bulabilirim?",
        "kalau urgent aku bisa hubungi kamu di mana lagi?",
        "saan pa kita pwedeng mahanap pag weekend?",
    ],
)
def test_reach_you_elsewhere(text: str) -> None:
    assert "off_platform" in rule_labels(text)


# Talking with a place elsewhere.
@pytest.mark.parametrize(
    "text",
    [
        "on discute ailleurs plutôt, ici ça rame",
        "meglio parlare altrove, qui si blocca tutto",
        "lass uns woanders reden, der chat hier hängt",
        "может, спишемся где-нибудь ещё? тут всё виснет",
    ],
)
def test_talk_elsewhere(text: str) -> None:
    assert "off_platform" in rule_labels(text)


# A personal contact offered or asked for, or contacts swapped, with no identifier.
@pytest.mark.parametrize(
    "text",
    [
        "could i have your private contact? only for emergencies",
        "te dejo mi contacto personal por si acaso",
        "je te laisse mes coordonnées, on verra ça plus simplement",
        "willst du meine private nummer? dann geht's schneller",
        "chcesz mój prywatny numer? daj znać",
        "хочешь мой личный номер? только скажи",
        "मेरा पर्सनल नंबर चाहिए? बोल दो",
        "تبي رقمي الشخصي؟ قول",
        "kişisel numaramı ister misin?",
        "mau nomor pribadiku? bilang aja",
        "let's swap contacts and keep the small stuff off this thread",
        "scambiamoci i contatti, così è più facile",
        "tukeran kontak yuk biar gampang",
    ],
)
def test_contact_given_or_swapped(text: str) -> None:
    assert intent_values(text) & {"comm:contact_given", "comm:contact_swap"}


# The same words used to stay here, to talk about the product, or to report a status.
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


@pytest.mark.parametrize(
    "unit",
    [
        "reach you faster where else ",
        "leave you my contact ",
        "swap contacts ",
        "te joindre ailleurs ",
    ],
)
def test_contact_moves_are_linear(unit: str) -> None:
    def run(size: int) -> object:
        return rule_labels((unit * (size // len(unit) + 1))[:size])

    assert_linear(run)
