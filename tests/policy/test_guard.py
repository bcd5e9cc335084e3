"""Policy decisions: block, redact, warn, the contract-stage switch and the exemption."""

from __future__ import annotations

import pytest

from signaling.policy.detector import Finding
from signaling.policy.guard import PolicyAction, PolicyDecision, apply_policy, notice_text, redact

TEXT = "Call me on +1 415 726 0093 or mail ana.lopez@gmail.com, thanks!"


def test_block_withholds_text() -> None:
    d = apply_policy(TEXT, action=PolicyAction.BLOCK, pre_contract=True)
    assert d.action is PolicyAction.BLOCK
    assert d.delivered_text is None
    assert d.labels == ("email", "phone")
    assert d.flagged
    assert "not delivered" in notice_text(d)
    assert "(email, phone" in notice_text(d)


def test_redact_masks_spans() -> None:
    d = apply_policy(TEXT, action=PolicyAction.REDACT, pre_contract=True)
    assert d.action is PolicyAction.REDACT
    assert d.delivered_text == ("Call me on [removed: phone] or mail [removed: email], thanks!")
    assert "removed before delivery" in notice_text(d)


def test_warn_delivers_as_written() -> None:
    d = apply_policy(TEXT, action=PolicyAction.WARN, pre_contract=True)
    assert d.action is PolicyAction.WARN
    assert d.delivered_text == TEXT
    assert notice_text(d) == (
        "A message contained contact details (email, phone). Before a contract starts, keep "
        "communication, files and payment on the platform."
    )


@pytest.mark.parametrize("action", list(PolicyAction))
def test_after_contract_nothing_is_flagged(action: PolicyAction) -> None:
    d = apply_policy(TEXT, action=action, pre_contract=False)
    assert d == PolicyDecision(None, (), TEXT, ())
    assert notice_text(d) == ""


def test_clean_message_passes() -> None:
    d = apply_policy("Sounds good, see you Tuesday.", action=PolicyAction.BLOCK, pre_contract=True)
    assert d.action is None
    assert d.delivered_text == "Sounds good, see you Tuesday."
    assert not d.flagged


def test_platform_meeting_link_is_exempt() -> None:
    link = "https://zoom.us/j/99887766554?pwd=abc"
    text = f"Join the interview here: {link}"
    flagged = apply_policy(text, action=PolicyAction.BLOCK, pre_contract=True)
    assert flagged.labels == ("meeting_link",)
    exempt = apply_policy(text, action=PolicyAction.BLOCK, pre_contract=True, exempt_urls=[link])
    assert exempt.action is None
    assert exempt.delivered_text == text


def test_redaction_merges_overlapping_findings() -> None:
    text = "reach me: wa.me/13125867740 today"
    d = apply_policy(text, action=PolicyAction.REDACT, pre_contract=True)
    assert d.labels == ("phone", "handle")
    assert d.delivered_text == "reach me: [removed: phone, handle] today"


def test_redact_nested_and_adjacent_spans() -> None:
    text = "abcdefghij"
    findings = [
        Finding("email", 1, 6, text[1:6], "x", 0.9),
        Finding("phone", 2, 4, text[2:4], "y", 0.9),
        Finding("handle", 6, 8, text[6:8], "z", 0.9),
    ]
    assert redact(text, findings) == "a[removed: email, phone][removed: handle]ij"


def test_redacted_text_has_no_identifier_left() -> None:
    text = "My email is tom dot becker at outlook dot com, and +44 7911 382 640 works too."
    d = apply_policy(text, action=PolicyAction.REDACT, pre_contract=True)
    assert d.delivered_text is not None
    assert "becker" not in d.delivered_text
    assert "7911" not in d.delivered_text


def test_off_platform_notice() -> None:
    d = apply_policy(
        "Let's continue on WhatsApp, it's easier.", action=PolicyAction.WARN, pre_contract=True
    )
    assert d.labels == ("off_platform",)
    assert "off_platform" in notice_text(d)


def test_decision_invariants() -> None:
    with pytest.raises(ValueError):
        PolicyDecision(PolicyAction.BLOCK, (), "text", ())
    with pytest.raises(ValueError):
        PolicyDecision(None, (Finding("email", 0, 1, "a", "a", 0.5),), "a", ("email",))
