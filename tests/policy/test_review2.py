"""Review of branch guard-ids (review2): phone numbers lost after a version or reference.

The id-word window of ``phones._negative_context`` skips one- and two-letter words; it also
skipped the digits of a version or a reference, so a phone in the next sentence or clause
("Versión 2.4. Llámame al 612 345 678") read as the version's id and was dropped. Every
message below was caught before guard-ids and lost after it.
"""

from __future__ import annotations

import pytest

from signaling.policy.detect import Detector

RULES = Detector(learned=False)


def phones(text: str) -> list[tuple[str, str]]:
    return [(f.value, text[f.start : f.end]) for f in RULES.scan(text) if f.label == "phone"]


@pytest.mark.parametrize(
    ("text", "number", "span"),
    [
        ("Versión 2.4. Llámame al 612 345 678", "+34612345678", "612 345 678"),
        ("Version 2.4. Ruf mich an: 0176 33458921", "+4917633458921", "0176 33458921"),
        ("Versione 2.4. Chiamami al 347 123 4567", "+443471234567", "347 123 4567"),
        ("Version 2.4 — reach me at +44 7700 900123", "+447700900123", "+44 7700 900123"),
        ("Build 5.4; my number 0412 663 095", "+61412663095", "0412 663 095"),
        ("Order #2024/118 — my number +44 7700 900123", "+447700900123", "+44 7700 900123"),
    ],
)
def test_a_phone_after_a_version_or_reference_is_kept(text: str, number: str, span: str) -> None:
    assert phones(text) == [(number, span)]


@pytest.mark.parametrize(
    "text",
    [
        # the fix keeps what guard-ids made right
        "el DUNS de la empresa es 56-789-0123",
        "Order number 123 456 7890 was delivered yesterday.",
        "Version 3.2. Rechnung Nr. 2024/118 bezahlt. PLZ 80331 München.",
        "Ticket 4471: the order id is 5551234567, my number is not needed",
    ],
)
def test_ids_after_an_id_word_stay_no_phones(text: str) -> None:
    assert phones(text) == []
