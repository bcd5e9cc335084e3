"""Format checks for the held-out contact-guard evaluation set (tests/policy/eval_v2/).

These tests only check the file's shape; they never run the detector on it, and nothing here
may be used to tune rules (see tests/policy/eval_v2/README.md).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

HELDOUT = Path(__file__).parent / "eval_v2" / "heldout.jsonl"

KNOWN_LABELS = {"email", "phone", "handle", "meeting_link", "file_share", "off_platform"}
REQUIRED_LANGS = {
    "en", "es", "pt", "fr", "de", "it", "pl", "ru", "hi", "hi-Latn", "ar", "tr", "id", "tl",
}  # fmt: skip
POSITIVE_KINDS = {
    "email_plain", "email_obfuscated", "email_local_words", "email_assembly", "phone_plain",
    "phone_digit_words", "phone_multiplier", "phone_local_mixed", "phone_split", "handle_plain",
    "handle_username_after_app", "handle_app_rejected", "meeting_link_url", "meeting_move",
    "file_share_url", "domain_spaced_bracketed", "payment_move", "contact_move",
}  # fmt: skip
NEGATIVE_KINDS = {
    "tracking_number", "registry_id", "iban_like", "invoice", "zero_placeholder", "spec_email",
    "spec_payment", "code_snippet", "price", "date_time", "version", "platform_feature",
    "portfolio", "project_tool", "stays_on_platform", "numbers_prose", "benign_words",
}  # fmt: skip
# An app named by a euphemism can be positive or negative depending on the rest of the text.
EITHER_KINDS = {"app_euphemism"}


def _records() -> list[dict[str, object]]:
    lines = HELDOUT.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_every_line_parses_with_the_public_fields_plus_lang_and_kind() -> None:
    ids: set[str] = set()
    texts: set[str] = set()
    for number, line in enumerate(HELDOUT.read_text(encoding="utf-8").splitlines(), 1):
        record = json.loads(line)
        assert set(record) == {"id", "text", "labels", "note", "lang", "kind"}, number
        assert isinstance(record["id"], str) and record["id"] not in ids, number
        assert isinstance(record["text"], str) and record["text"].strip(), number
        assert record["text"] not in texts, f"line {number} repeats a text"
        assert isinstance(record["note"], str), number
        labels = record["labels"]
        assert isinstance(labels, list) and len(set(labels)) == len(labels), number
        ids.add(record["id"])
        texts.add(record["text"])


def test_labels_languages_and_kinds_are_known_and_consistent() -> None:
    for record in _records():
        labels = set(record["labels"])  # type: ignore[call-overload]
        kind = record["kind"]
        assert labels <= KNOWN_LABELS, record["id"]
        assert record["lang"] in REQUIRED_LANGS, record["id"]
        if kind in POSITIVE_KINDS:
            assert labels, f"{record['id']}: kind {kind} needs a label"
        elif kind in NEGATIVE_KINDS:
            assert not labels, f"{record['id']}: kind {kind} is a hard negative"
        else:
            assert kind in EITHER_KINDS, f"{record['id']}: unknown kind {kind!r}"


def test_size_languages_and_balance() -> None:
    records = _records()
    assert len(records) >= 500
    langs = Counter(str(r["lang"]) for r in records)
    assert set(langs) >= REQUIRED_LANGS
    assert len({lang.split("-")[0] for lang in langs}) >= 13
    assert min(langs.values()) >= 30
    positive = sum(1 for r in records if r["labels"])
    assert 0.40 <= positive / len(records) <= 0.60


@pytest.mark.parametrize("lang", sorted(REQUIRED_LANGS))
def test_each_language_has_every_label_and_both_classes(lang: str) -> None:
    records = [r for r in _records() if r["lang"] == lang]
    seen = {label for r in records for label in r["labels"]}  # type: ignore[attr-defined]
    assert seen == KNOWN_LABELS
    positive = sum(1 for r in records if r["labels"])
    assert 0.35 <= positive / len(records) <= 0.65


def test_every_kind_of_miss_and_false_alarm_is_covered() -> None:
    kinds = Counter(str(r["kind"]) for r in _records())
    for kind in POSITIVE_KINDS | NEGATIVE_KINDS | EITHER_KINDS:
        assert kinds[kind] >= 1, kind
    for kind in (
        "phone_multiplier",
        "domain_spaced_bracketed",
        "email_assembly",
        "app_euphemism",
        "payment_move",
        "meeting_move",
        "phone_local_mixed",
        "email_local_words",
        "handle_username_after_app",
        "handle_app_rejected",
        "tracking_number",
        "registry_id",
        "spec_payment",
        "code_snippet",
    ):
        assert kinds[kind] >= 13, kind
