"""Quality gate on the v2 development set (13 languages, every miss and false-alarm kind).

The set was written before the v2 rules and then used for tuning, so these figures are not a
held-out estimate; they guard against regressions."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from signaling.policy.detect import LABELS, scan

DEV = Path(__file__).resolve().parent / "dev_v2.jsonl"
RECORDS = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]


def test_dev_set_shape() -> None:
    assert len(RECORDS) >= 300
    assert len({r["lang"] for r in RECORDS}) >= 13
    assert all(set(r["labels"]) <= set(LABELS) and r["kind"] for r in RECORDS)
    kinds = {r["kind"] for r in RECORDS}
    assert {"tracking", "registry", "placeholder", "payment_fields", "code"} <= kinds
    assert {"multiplier", "emoji_digits", "spaced_domain", "bracket_dot", "assembly"} <= kinds
    assert {"euphemism", "pay_outside", "meeting_tool", "username_after_app"} <= kinds


def test_dev_set_message_level_precision_and_recall_per_language() -> None:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for r in RECORDS:
        flagged = bool(scan(r["text"]))
        expected = bool(r["labels"])
        for key in (r["lang"], "all"):
            if flagged and expected:
                counts[key][0] += 1
            elif flagged:
                counts[key][1] += 1
            elif expected:
                counts[key][2] += 1
    for key, (tp, fp, fn) in counts.items():
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        floor = 0.97 if key == "all" else 0.9
        assert precision >= floor, (key, precision)
        assert recall >= floor, (key, recall)


def test_dev_set_labels_match_per_label() -> None:
    wrong = [r["id"] for r in RECORDS if {f.label for f in scan(r["text"])} != set(r["labels"])]
    assert len(wrong) <= len(RECORDS) // 50, wrong
