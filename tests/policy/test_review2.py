"""Review of branch guard-ids (review2): phone numbers lost after a version or reference.

The id-word window of ``phones._negative_context`` skips one- and two-letter words; it also
skipped the digits of a version or a reference, so a phone in the next sentence or clause
("Versión 2.4. Llámame al 612 345 678") read as the version's id and was dropped. Every
message below was caught before guard-ids and lost after it.
"""

from __future__ import annotations

import pytest

from signaling.policy.detect import Detector
from signaling.policy.detect.model import Finding, dedupe
from tests.policy.linear import assert_linear, repeated

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


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Text me at 0412 663 095 for order updates", "+61412663095"),
        ("WhatsApp 0412 663 095 tracking info there", "+61412663095"),
        ("call me 0412 663 095 re invoice", "+61412663095"),
        ("Позвони 8 912 345 67 89 по заказу", "+79123456789"),
        ("Beni ara 0532 123 45 67 sipariş için", "+555321234567"),
        ("Hubungi 0812 3456 7890 soal pesanan", "+4981234567890"),
        ("मुझे कॉल करो 98765 43210 ऑर्डर के लिए", "+919876543210"),
        ("mujhe call karo 98765 43210 order ke liye", "+919876543210"),
        ("اتصل بي 0501234567 بخصوص الطلب", "+33501234567"),
    ],
)
def test_a_number_asked_to_be_called_about_an_order_is_a_phone(text: str, number: str) -> None:
    # guard-ids' id word right after the number ("2024/118 numaralı fatura") also dropped
    # numbers a phone word stands right before; all nine were caught at cb2bc02
    assert [value for value, _ in phones(text)] == [number]


@pytest.mark.parametrize(
    "text",
    [
        "2024/118 numaralı fatura ödendi",
        "the 4471 2209 3381 order is on its way",
        "118 नंबर का बिल भेज दिया",
    ],
)
def test_an_id_word_after_the_number_without_a_phone_word_before_is_no_phone(text: str) -> None:
    assert phones(text) == []


# --- dedupe: linear in the number of findings ------------------------------------------------


def test_dedupe_keeps_what_it_kept_and_drops_what_it_dropped() -> None:
    a = Finding("handle", 0, 10, "x" * 10, "a", 0.9)
    inside = Finding("handle", 2, 5, "xxx", "b", 0.9)
    same = Finding("handle", 0, 10, "x" * 10, "a2", 0.9)
    other_label = Finding("email", 2, 5, "xxx", "c", 0.9)
    overlapping = Finding("handle", 5, 12, "x" * 7, "d", 0.9)
    later = Finding("handle", 20, 22, "xx", "e", 0.9)
    kept = dedupe([later, inside, overlapping, other_label, same, a])
    assert [(f.label, f.start, f.end) for f in kept] == [
        ("handle", 0, 10),
        ("email", 2, 5),
        ("handle", 5, 12),
        ("handle", 20, 22),
    ]


def test_dedupe_of_thousands_of_findings_is_not_quadratic() -> None:
    # "soy x.y " 1,250 times made 1,250 handle findings after guard-ids' self-introduced
    # handles; comparing each with every kept one cost 0.15 s of a 0.19 s scan of 10k
    # characters. 20,000 findings took about 9 s that way (this machine, shared).
    def findings(n: int) -> list[Finding]:
        return [Finding("handle", 3 * i, 3 * i + 2, "xx", f"h{i}", 0.9) for i in range(n)]

    assert len(dedupe(findings(20_000))) == 20_000
    many = {n: findings(n) for n in (5_000, 20_000)}
    assert_linear(lambda n: dedupe(many[n]), small=5_000)


# --- handles: a verb after "I" is no self-introduction ---------------------------------------


def handles(text: str) -> list[str]:
    return [f.value for f in RULES.scan(text) if f.label == "handle"]


@pytest.mark.parametrize(
    "text",
    [
        "Di aplikasi mirip Line aku pegang api.client",
        "Sa app na parang Line ako ang gumawa ng api.client",
        "في تطبيق مثل Signal انا مسؤول عن auth.service",
        "En la app tipo Signal soy quien hizo api.client",
        "В приложении типа Signal я делал api.client",
    ],
)
def test_a_module_named_after_i_and_a_verb_is_no_handle(text: str) -> None:
    # guard-ids' self_words let two filler words follow "I" ("aku", "ako", "انا", "soy",
    # "я") before a dotted name, so "I handle api.client" in an app spec was a handle
    assert handles(text) == []


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("só uso o signal mesmo, lá eu sou o caio.m", "signal:caio.m"),
        ("sa Signal ako si maria.ph", "signal:maria.ph"),
        ("Line'da ben ayse.tr", "line:ayse.tr"),
        ("auf Signal bin ich als jonas.k", "signal:jonas.k"),
        ("Signal पर मैं rahul.k हूँ", "signal:rahul.k"),
    ],
)
def test_a_self_introduced_handle_after_a_weak_app_is_still_found(text: str, handle: str) -> None:
    assert handles(text) == [handle]


# --- phones: a time's minutes do not start a number in the next sentence ----------------------


@pytest.mark.parametrize(
    "text",
    [
        "Call at 10:30. Room 412 663, floor 9.",
        "Call me at 14:45. Order 123 4567 is in the van.",
    ],
)
def test_the_minutes_of_a_time_are_not_joined_to_the_next_sentence(text: str) -> None:
    assert phones(text) == []


def test_an_area_code_said_before_the_rest_is_still_joined() -> None:
    assert [v for v, _ in phones("Area code is 415. The rest is 726 0093.")] == ["+14157260093"]


# --- links: a chain of spoken dots is searched once, not from every letter -------------------


def test_a_long_chain_of_spoken_dots_is_scanned_in_linear_time() -> None:
    # "a dot a dot ..." becomes one token of letters and spoken-dot sentinels; the link
    # pattern could start after every sentinel (not after a written "."), and each start
    # backtracked over the rest of the chain: 72 ms for 10k characters, 276 ms for 20k
    # (already so at cb2bc02). Now 4 ms and 6 ms.
    assert_linear(lambda n: RULES.scan(repeated("a dot ", n)), small=9_000)


def test_spoken_dot_links_are_still_found() -> None:
    found = {f.value for f in RULES.scan("join at zoom dot us slash j slash 81234567890")}
    assert any("zoom.us/j/81234567890" in value for value in found), found


# --- e-mails: a long token of "@"s has its end found once ------------------------------------


def test_a_long_token_of_spoken_ats_is_scanned_in_linear_time() -> None:
    # "x.y.z.w at " repeated is one token of the de-obfuscated view with a candidate at every
    # "at"; the end of the token was searched again after each one (10k 18 ms, 20k 63 ms,
    # 40k 198 ms; now 6, 12 and 26 ms)
    assert_linear(lambda n: RULES.scan(repeated("x.y.z.w at ", n)))


def test_addresses_in_one_token_are_all_found() -> None:
    emails = [f.value for f in RULES.scan("ana@x.com,bo@y.org;cy@z.net") if f.label == "email"]
    assert emails == ["ana@x.com", "bo@y.org", "cy@z.net"]
