"""The pre-contract contact policy: decide what happens to a message, purely.

``apply_policy`` scans a message and turns the findings into a :class:`PolicyDecision`:
``block`` (not delivered), ``redact`` (delivered with the spans masked) or ``warn`` (delivered
as written, flagged). After the contract starts nothing is flagged. Recording the decision in
the audit chain and showing the notice are the caller's job.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from signaling.policy.detector import LABELS, Finding, scan


class PolicyAction(StrEnum):
    """What the deployment does with a message that contains contact details."""

    BLOCK = "block"
    REDACT = "redact"
    WARN = "warn"


@dataclass(frozen=True)
class PolicyDecision:
    """The outcome for one message.

    ``action`` is ``None`` when the message is clean or the policy does not apply (after the
    contract started). ``delivered_text`` is ``None`` when the message is blocked.
    """

    action: PolicyAction | None
    findings: tuple[Finding, ...]
    delivered_text: str | None
    labels: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.action is None and self.findings:
            raise ValueError("a decision with findings needs an action")
        if (self.action is PolicyAction.BLOCK) != (self.delivered_text is None):
            raise ValueError("delivered_text is None exactly when the message is blocked")

    @property
    def flagged(self) -> bool:
        """True when the message tripped the policy."""
        return self.action is not None


_LABEL_WORDS = {
    "email": "email address",
    "phone": "phone number",
    "handle": "messaging handle",
    "meeting_link": "external meeting link",
    "file_share": "external file link",
    "off_platform": "request to move off the platform",
}


def redact(text: str, findings: Sequence[Finding]) -> str:
    """Replace every finding's span with ``[removed: <label>]``.

    Overlapping or nested spans are merged first, so each stretch of text is masked once and
    the marker names every label that covered it.
    """
    spans = sorted((f.start, f.end, f.label) for f in findings)
    merged: list[tuple[int, int, list[str]]] = []
    for start, end, label in spans:
        if merged and start < merged[-1][1]:
            lo, hi, labels = merged[-1]
            if label not in labels:
                labels.append(label)
            merged[-1] = (lo, max(hi, end), labels)
        else:
            merged.append((start, end, [label]))
    out: list[str] = []
    pos = 0
    for start, end, labels in merged:
        out.append(text[pos:start])
        ordered = [label for label in LABELS if label in labels]
        out.append("[removed: " + ", ".join(ordered) + "]")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def redact_contact_details(text: str, *, exempt_urls: Collection[str] = ()) -> str:
    """Free text one party wrote that the other sees outside a chat message (meeting topics,
    schedule notes, names and job titles in invites): contact details are masked with
    ``[removed: <label>]``, whatever the deployment's action for messages. A generated document
    is never refused for what a party typed into it."""
    findings = scan(text, exempt_urls=exempt_urls)
    return redact(text, findings) if findings else text


def apply_policy(
    text: str,
    *,
    action: PolicyAction,
    pre_contract: bool,
    exempt_urls: Collection[str] = (),
) -> PolicyDecision:
    """Scan ``text`` and apply the deployment's ``action`` if the thread is pre-contract."""
    if not pre_contract:
        return PolicyDecision(None, (), text, ())
    findings = tuple(scan(text, exempt_urls=exempt_urls))
    if not findings:
        return PolicyDecision(None, (), text, ())
    labels = tuple(label for label in LABELS if any(f.label == label for f in findings))
    if action is PolicyAction.BLOCK:
        delivered: str | None = None
    elif action is PolicyAction.REDACT:
        delivered = redact(text, findings)
    else:
        delivered = text
    return PolicyDecision(action, findings, delivered, labels)


def notice_text(decision: PolicyDecision) -> str:
    """The notice both parties see in the thread; empty for a clean decision."""
    if decision.action is None:
        return ""
    what = ", ".join(decision.labels)
    kinds = ", ".join(_LABEL_WORDS[label] for label in decision.labels)
    rule = "Before a contract starts, keep communication, files and payment on the platform."
    if decision.action is PolicyAction.BLOCK:
        return (
            f"A message was not delivered because it contained contact details ({what}: {kinds})."
            f" {rule}"
        )
    if decision.action is PolicyAction.REDACT:
        return (
            f"A message contained contact details ({what}); they were removed before delivery."
            f" {rule}"
        )
    return f"A message contained contact details ({what}). {rule}"
