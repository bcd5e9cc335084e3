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
