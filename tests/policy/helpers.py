"""How the policy tests read the detector: the rules alone (``RULES``, what a rule change is
judged by) or the shipped default (rules and the learned layer), as label sets, values or
matched spans. One place, so every test file reads findings the same way."""

from __future__ import annotations

from signaling.policy.detect import Detector, default_detector

RULES = Detector(learned=False)
SHIPPED = default_detector()


def rule_labels(text: str) -> set[str]:
    """Labels the rules alone find."""
    return {f.label for f in RULES.scan(text)}


def labels(text: str) -> set[str]:
    """Labels the shipped detector (rules and learned layer) finds."""
    return {f.label for f in SHIPPED.scan(text)}


def rule_values(text: str, label: str) -> list[str]:
    """Normalised values of the rules' findings with ``label``, in scan order."""
    return [f.value for f in RULES.scan(text) if f.label == label]


def rule_spans(text: str, label: str) -> list[str]:
    """The text each of the rules' findings with ``label`` points at."""
    return [text[f.start : f.end] for f in RULES.scan(text) if f.label == label]


def rule_findings(text: str) -> list[tuple[str, str, str]]:
    """(label, value, matched text) of each of the rules' findings."""
    return [(f.label, f.value, text[f.start : f.end]) for f in RULES.scan(text)]


def intent_values(text: str) -> set[str]:
    """Values of the rules' off_platform findings (``move:app``, ``pay:fee``…)."""
    return set(rule_values(text, "off_platform"))
