"""Detector behaviour: each label, positives and negatives, spans, exemption, linear time."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signaling.policy.detector import LABELS, Detector, Finding, canonical_url, scan
from tests.policy.helpers import labels

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PUBLIC = REPO.parent / "shared" / "corpus" / "contact_info" / "public.jsonl"


def only(text: str, label: str) -> list[Finding]:
    return [f for f in scan(text) if f.label == label]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("mail me: jo.ann+work@acme-studio.co.uk", "jo.ann+work@acme-studio.co.uk"),
        ("reach me: nate.ross AT outlook DOT com", "nate.ross@outlook.com"),
        ("elena[at]novakstudio[dot]co", "elena@novakstudio.co"),
        ("kofi(at)hotmail(dot)com", "kofi@hotmail.com"),
        ("write to b{at}c{dot}io please", "b@c.io"),
        ("mail: h a n n a h . k i m @ y a h o o . c o m", "hannah.kim@yahoo.com"),
        ("diego＠icloud．com", "diego@icloud.com"),
        ("lara.vidal arroba gmail punto com", "lara.vidal@gmail.com"),
        ("почта: oleg собака mail точка ru", "oleg@mail.ru"),
        ("my Gmail ID is priya.sharma92", "priya.sharma92@gmail.com"),
    ],
)
def test_email_positive(text: str, value: str) -> None:
    found = only(text, "email")
    assert [f.value for f in found] == [value]
    for f in found:
        assert text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    "text",
    [
        "log in with admin@example.com / changeme",
        "SMTP_FROM=noreply@example.org in the test config",
        "fixtures use bob@shop.test and eve@corp.invalid",
        "send them to sales@ the usual way",
        "Have a look at stripe.com for the docs",
        "We reference RFC 5322 for email validation.",
        "The newsletter goes out by email every Friday.",
    ],
)
def test_email_negative(text: str) -> None:
    assert "email" not in labels(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("text me at 773-219-4086", "+17732194086"),
        ("call +44 7911 382 640 tonight", "+447911382640"),
        ("my cell is (646) 302 8851", "+16463028851"),
        ("call me on seven one eight, four four zero, two nine three one", "+17184402931"),
        ("number: nine 1 seven, 6 four 3, 80 two 4", "+19176438024"),
        ("Text: 202.611.4478", "+12026114478"),
        ("Мой номер +7 916 123-45-67", "+79161234567"),
        ("phone: 415 | 726 | 0093", "+14157260093"),
        ("WhatsApp: +91 98450 12345", "+919845012345"),
    ],
)
def test_phone_positive(text: str, value: str) -> None:
    assert [f.value for f in only(text, "phone")] == [value]


def test_phone_split_across_sentences() -> None:
    text = "Area code is 415. The rest is 726 0093 - text me there."
    [f] = only(text, "phone")
    assert f.value == "+14157260093"
    assert text[f.start : f.end].startswith("415")


@pytest.mark.parametrize(
    "text",
    [
        "Budget is flexible between 2,000 and 2,750.",
        "Deadline is 06/30/2025 11:59 PM EST.",
        "Kickoff 2024-03-15, beta 2024-04-30.",
        "We're on Python 3.11.7 and numpy 1.26.4.",
        "The ISBN is 978-0-306-40615-7.",
        "UPC-A codes like 036000291452 must validate.",
        "Unix epoch, e.g. 1709251200, convert it.",
        "Use test card 4242 4242 4242 4242.",
        "Job #4482917 and invoice INV-2024-00317.",
        "Serial SN 4471-2093-8816 on the label.",
        "Zoom meeting ID 845 1293 0071 and passcode 441902.",
        "Staging is 10.0.42.117 on port 8443.",
        "Readings 1013.25, 22.4, 61.08 every 250 ms.",
        "Case number 2023-CV-01184 is referenced.",
        "Twilio magic number +1 500-555-0006 for tests.",
    ],
)
def test_phone_negative(text: str) -> None:
    assert "phone" not in labels(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Add me on Skype, live:felix.brandt_design", "skype:live:felix.brandt_design"),
        ("Ping me on Telegram @jasper_builds", "telegram:@jasper_builds"),
        ("I'm on Discord as ethan.dev#4821", "discord:ethan.dev#4821"),
        ("My WeChat ID is lena_park_studio.", "wechat:lena_park_studio"),
        ("t.me/mia_illustrates", "t.me/mia_illustrates"),
        ("join discord.gg/pX4kQm9", "discord.gg/pX4kQm9"),
        ("linkedin.com/in/owen-gallagher-pm", "linkedin.com/in/owen-gallagher-pm"),
        ("DM me on X, @harper_writes", "twitter:@harper_writes"),
    ],
)
def test_handle_positive(text: str, value: str) -> None:
    assert value in [f.value for f in only(text, "handle")]


def test_wa_me_is_handle_and_phone() -> None:
    found = scan("reach me: wa.me/13125867740")
    assert {(f.label, f.value) for f in found} == {
        ("handle", "wa.me/13125867740"),
        ("phone", "+13125867740"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "Upgraded @angular/core and @angular/cli to 17.2",
        "Using @Input() and @Output() decorators",
        "Add @media (max-width: 768px) breakpoints",
        "Saw the thread from @tailwindcss about v4",
        "We're building a Telegram bot for price alerts.",
        "The Discord bot needs /rank and /leaderboard.",
        "github.com/leahkwan/tinychart has 1.2k stars",
        "Behance: behance.net/rosavidal and dribbble.com/tessa_draws",
        "The goal is a Skype-like UI for our telehealth app.",
    ],
)
def test_handle_negative(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Join at meet.google.com/tuf-ngbq-wre",
        "https://zoom.us/j/84512930071?pwd=Rk9tWlR2",
        "book: calendly.com/isaac-rowe/30min",
        "meet.jit.si/KesslerCopyReview",
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ2/0",
        "Are you on Hangouts? Easier to screen share there.",
        "Could we hop on a Google Meet instead?",
        "Zoom instead? Easier to present there.",
    ],
)
def test_meeting_positive(text: str) -> None:
    assert "meeting_link" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'll set up a Zoom call from the Messages call button here.",
        "Our users say the Zoom integration drops audio; can you debug the SDK?",
        "Calendly integration: create a lead in HubSpot when a prospect books.",
        "Users should zoom in on the map to see the pins.",
    ],
)
def test_meeting_negative(text: str) -> None:
    assert "meeting_link" not in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "drive.google.com/drive/folders/1aBcXy7Q2wLm9KpZr4TnUv",
        "docs.google.com/spreadsheets/d/1Hn4Qw8ZkLp2sV/edit#gid=0",
        "https://www.dropbox.com/s/7tq2mzz0hx4/chapters.pdf?dl=0",
        "wetransfer.com/downloads/4f8c2a91b7e0d3/9ac1e2",
        "box.com/s/q8z3xw1l0v9n2m4k",
        "https://onedrive.live.com/?cid=5A2F19C8E3D7B604",
        "drive[.]google[.]com/file/d/abc123/view",
    ],
)
def test_file_share_positive(text: str) -> None:
    assert "file_share" in labels(text)


def test_file_share_keeps_path_case() -> None:
    [f] = only("see drive.google.com/file/d/1Qx7vLmN3pRtY/view", "file_share")
    assert f.value == "drive.google.com/file/d/1Qx7vLmN3pRtY/view"


@pytest.mark.parametrize(
    "text",
    [
        "Migrate ~800 GB from Dropbox to S3.",
        "Sync with Google Drive is a must-have: the app backs up photos nightly.",
        "I'll attach the files here in Messages.",
    ],
)
def test_file_share_negative(text: str) -> None:
    assert labels(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "Let's continue on WhatsApp, it's much easier than this chat.",
        "What's your Telegram? I'll add you.",
        "Can you send me your email so we can keep talking there?",
        "Text me instead, I rarely check this inbox.",
        "Could you pay me via PayPal directly and we skip the contract?",
        "I'd prefer we close this out and work directly going forward - no middleman.",
        "Send the files over Google Drive instead of attaching here.",
        "Vamos continuar a conversa pelo WhatsApp?",
        "Давайте перейдём в Телеграм.",
        "Aapka WhatsApp number kya hai?",
    ],
)
def test_off_platform_positive(text: str) -> None:
    assert labels(text) == {"off_platform"}


@pytest.mark.parametrize(
    "text",
    [
        "Please don't send me anything outside this platform.",
        "Please communicate only through this chat until the contract starts.",
        "I don't do calls on outside apps, but the built-in video is fine.",
        "I'll set the milestone for $900 and fund escrow today.",
        "We need Stripe and PayPal checkout on the store.",
        "Our WhatsApp Business API integration is half done.",
    ],
)
def test_off_platform_negative(text: str) -> None:
    assert labels(text) == set()


def test_payment_to_email_gets_both_labels() -> None:
    text = "To save on fees just send the deposit to my PayPal, liam.dev@gmail.com."
    assert labels(text) == {"email", "off_platform"}


def test_identifier_replaces_off_platform_for_its_channel() -> None:
    assert labels("I'm UK based, so WhatsApp works best for me: +44 7911 382 640.") == {"phone"}


def test_exempt_platform_link_is_dropped() -> None:
    link = "https://zoom.us/j/99887766554?pwd=abc"
    text = f"Here is the call: {link}"
    assert labels(text) == {"meeting_link"}
    assert scan(text, exempt_urls=[link]) == []
    assert scan(text, exempt_urls=["zoom.us/j/99887766554"]) == []
    assert scan(text, exempt_urls=["https://zoom.us/j/11111111111"]) != []


def test_canonical_url() -> None:
    assert canonical_url("HTTPS://WWW.Dropbox.com/s/AbC/?dl=0") == "dropbox.com/s/AbC"


def test_spans_point_into_original_text() -> None:
    text = "Ｃａｌｌ ｍｅ: ｐｅｔｒａ＠ｇｍａｉｌ．ｃｏｍ — or +1 (415) 726-0093!"
    found = scan(text)
    assert {f.label for f in found} == {"email", "phone"}
    for f in found:
        assert text[f.start : f.end] == f.text
    email = next(f for f in found if f.label == "email")
    assert email.value == "petra@gmail.com"
    assert email.text == "ｐｅｔｒａ＠ｇｍａｉｌ．ｃｏｍ"


def test_homoglyph_email() -> None:
    # Cyrillic "е" and "а" inside a Latin address.
    [f] = only("write to p\u0435tra.novak@gm\u0430il.com", "email")
    assert f.value == "petra.novak@gmail.com"


def test_finding_validation() -> None:
    with pytest.raises(ValueError):
        Finding("fax", 0, 1, "x", "x", 0.5)
    with pytest.raises(ValueError):
        Finding("email", 3, 3, "", "x", 0.5)


def test_clean_and_empty() -> None:
    assert scan("") == []
    assert scan("   \n") == []
    assert scan("Thanks, the scope looks right.") == []


ADVERSARIAL = [
    "a" * 10_000,
    "a." * 5_000,
    "a@" * 5_000,
    "1 " * 5_000,
    "1-" * 5_000,
    "a a " * 2_500,
    "@a" * 5_000,
    ("x" * 63 + ".") * 156 + "com",
    "[at]" * 2_500,
    " at " * 2_500,
    " dot " * 2_000,
    "call " + "1 2 3 " * 1_650,
    "one two " * 1_250,
    "telegram " * 1_111,
    "(" * 10_000,
    "+" * 5_000 + "1" * 5_000,
    "live:" + "a" * 9_995,
    "https://" + "a/" * 4_996,
    "\uff21" * 10_000,
    "з" * 5_000 + "a" * 5_000,
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_adversarial_inputs_finish(text: str) -> None:
    assert len(text) >= 9_000
    for f in scan(text):
        assert 0 <= f.start < f.end <= len(text)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(codec="utf-8"),
            st.sampled_from(list("@.[]()0123456789 +-atdo:/#_")),
        ),
        max_size=200,
    )
)
def test_random_text_never_raises_and_spans_are_valid(text: str) -> None:
    for f in scan(text):
        assert f.label in LABELS
        assert 0 <= f.start < f.end <= len(text)
        assert f.text == text[f.start : f.end]


def test_detector_instances_agree() -> None:
    text = "mail me at ana.lopez@gmail.com or call +34 612 45 78 90"
    assert Detector().scan(text) == scan(text)


def _corpus_scores(path: Path) -> tuple[float, float]:
    sys.path.insert(0, str(REPO))
    from benchmarks.policy_eval import detector_labels, evaluate, load, message_precision_recall

    return message_precision_recall(evaluate(load(path), detector_labels))


@pytest.mark.skipif(not PUBLIC.exists(), reason=f"{PUBLIC} is not present")
def test_public_corpus_quality_gate() -> None:
    precision, recall = _corpus_scores(PUBLIC)
    assert precision >= 0.98
    assert recall >= 0.97


def test_extra_cases_quality_gate() -> None:
    path = HERE / "extra_cases.jsonl"
    assert sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line) >= 40
    precision, recall = _corpus_scores(path)
    assert precision >= 0.95
    assert recall >= 0.95


def test_extra_cases_file_is_valid_jsonl() -> None:
    for line in (HERE / "extra_cases.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert set(record["labels"]) <= set(LABELS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sure, email me at dana.kowalski@gmail.com or call +1 415 867 5309 tonight",
            {"email", "phone"},
        ),
        ("email me at dana.kowalski@gmail.com", {"email"}),
        ("You can write to me at mateo.quiroga@proton.me whenever.", {"email"}),
        ("reach me at john.doe at gmail dot com", {"email"}),
        ("I'll send the brief at docs.google.com/document/d/1abc", {"file_share"}),
    ],
)
def test_address_after_spoken_at_cue(text: str, expected: set[str]) -> None:
    # A rejected "me <at> ..." candidate must not hide the real address that follows it.
    assert labels(text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("мой номер 8 (903) 123-45-67, звони вечером", "+79031234567"),
        ("call 8 (903) 123-45-67", "+79031234567"),
    ],
)
def test_phone_ending_in_date_shaped_group(text: str, value: str) -> None:
    assert [f.value for f in only(text, "phone")] == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "mon portable : zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit",
            "+33612345678",
        ),
        ("mi número es seis, doce, treinta y cuatro, cincuenta y seis, setenta y ocho", None),
        ("call me on seven one eight, four four zero, two nine three one", "+17184402931"),
    ],
)
def test_phone_in_paired_number_words(text: str, value: str | None) -> None:
    found = only(text, "phone")
    assert found
    if value is not None:
        assert found[0].value == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Telegram: t dot me slash olena_art", {"handle"}),
        ("dropbox dot com slash s slash ab12cd34 has the fonts", {"file_share"}),
        ("KakaoTalk ID is jiwoo_park, add me there", {"handle"}),
        ("Agrégame en Telegram, soy @valen_ux", {"handle"}),
        ("давай созвонимся в Зуме завтра", {"meeting_link"}),
        ("te mando los archivos por Google Drive esta noche", {"off_platform"}),
        ("Zelle me the first half at 917-482-3316", {"off_platform", "phone"}),
        ("Prefiero transferencia bancaria directa, te paso mi CLABE", {"off_platform"}),
        ("The mention parser must handle @channel and @here like Slack does.", set()),
        ("@here on Slack we announced it", set()),
        ("Read docs dot python dot org slash 3 slash library", set()),
        ("Pay half upfront via the platform milestone, rest on delivery.", set()),
        ("Kind of a big file, can I send it in two parts here?", set()),
    ],
)
def test_heldout_style_siblings(text: str, expected: set[str]) -> None:
    assert labels(text) == expected


def test_heldout_style_quality_gate() -> None:
    path = HERE / "heldout_style.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 150
    assert sum(1 for r in records if not r["labels"]) >= 60
    assert all(set(r["labels"]) <= set(LABELS) for r in records)
    precision, recall = _corpus_scores(path)
    assert precision >= 0.97
    assert recall >= 0.95


def test_wa_me_with_legacy_mexican_mobile_prefix_is_phone() -> None:
    assert labels("escríbeme al wa.me/5215512345678") == {"handle", "phone"}


def test_platform_call_button_is_not_a_meeting_link_but_asking_for_zoom_is() -> None:
    from signaling.policy.detector import scan

    assert scan("Use the Zoom button above to start our interview call") == []
    assert scan("Click the platform's Zoom button and we can talk") == []
    assert [f.label for f in scan("Let's do the interview on Zoom")] == ["meeting_link"]
    assert [f.label for f in scan("Podemos hacer la entrevista por Google Meet?")] == [
        "meeting_link"
    ]


def test_policy_eval_scores_only_the_split_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sys.path.insert(0, str(REPO))
    from benchmarks.policy_eval import main

    rows = [
        {"id": "a", "text": "mail me at ana@gmail.com", "labels": ["email"], "split": "test"},
        {"id": "b", "text": "the logo looks great", "labels": [], "split": "test"},
        {"id": "c", "text": "call +1 415 555 0100", "labels": ["phone"], "split": "train"},
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["--corpus", str(corpus), "--split", "test"]) == 0
    out = capsys.readouterr().out
    assert "(2 messages, split test)" in out
    assert "message level: precision 1.000 recall 1.000 (tp 1, fp 0, fn 0, tn 1)" in out
