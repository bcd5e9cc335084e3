"""Evaluate the contact-information detector on a labelled JSON Lines corpus.

Prints per-label precision/recall/F1 and message-level (any label flagged vs clean) precision
and recall for the detector and, in the same run, for a naive regex baseline.

    .venv/bin/python benchmarks/policy_eval.py [--corpus PATH] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from signaling.policy.detector import LABELS, scan  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "contact_info" / "public.jsonl"

_NAIVE_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_NAIVE_PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
_NAIVE_HOSTS = {
    "meeting_link": re.compile(r"(?:meet\.google\.com|zoom\.us/j|teams\.microsoft\.com|calendly)"),
    "file_share": re.compile(r"(?:drive\.google\.com|docs\.google\.com|dropbox\.com|wetransfer)"),
    "handle": re.compile(r"(?:t\.me/|wa\.me/|discord\.gg/|linkedin\.com/in/)"),
}


def naive_labels(text: str) -> set[str]:
    """The baseline: a plain email regex, a 7+-digit regex and a few URL hosts."""
    labels: set[str] = set()
    if _NAIVE_EMAIL.search(text):
        labels.add("email")
    for m in _NAIVE_PHONE.finditer(text):
        if sum(c.isdigit() for c in m.group()) >= 7:
            labels.add("phone")
            break
    lowered = text.lower()
    for label, pattern in _NAIVE_HOSTS.items():
        if pattern.search(lowered):
            labels.add(label)
    return labels


def detector_labels(text: str) -> set[str]:
    """Labels the real detector assigns to ``text``."""
    return {f.label for f in scan(text)}


@dataclass
class Scores:
    """Confusion counts per label and at message level, plus the misclassified ids."""

    tp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    fp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    fn: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    msg_tp: int = 0
    msg_fp: int = 0
    msg_fn: int = 0
    msg_tn: int = 0
    wrong: list[tuple[str, list[str], list[str]]] = field(default_factory=list)


def evaluate(records: Sequence[dict[str, object]], predict: Callable[[str], set[str]]) -> Scores:
    """Score ``predict`` against the labelled ``records``."""
    sc = Scores()
    for rec in records:
        gold = set(rec["labels"])  # type: ignore[call-overload]
        pred = predict(str(rec["text"]))
        for label in LABELS:
            if label in gold and label in pred:
                sc.tp[label] += 1
            elif label in pred:
                sc.fp[label] += 1
            elif label in gold:
                sc.fn[label] += 1
        if gold and pred:
            sc.msg_tp += 1
        elif pred:
            sc.msg_fp += 1
        elif gold:
            sc.msg_fn += 1
        else:
            sc.msg_tn += 1
        if gold != pred:
            sc.wrong.append((str(rec["id"]), sorted(gold), sorted(pred)))
    return sc


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def message_precision_recall(sc: Scores) -> tuple[float, float]:
    """Message-level precision and recall (any label vs none)."""
    return (
        _ratio(sc.msg_tp, sc.msg_tp + sc.msg_fp),
        _ratio(sc.msg_tp, sc.msg_tp + sc.msg_fn),
    )


def load(path: Path) -> list[dict[str, object]]:
    """Read a JSON Lines corpus."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _print_table(name: str, sc: Scores) -> None:
    print(f"\n== {name}")
    print(f"{'label':<14}{'prec':>7}{'recall':>8}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}")
    for label in LABELS:
        tp, fp, fn = sc.tp[label], sc.fp[label], sc.fn[label]
        p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{label:<14}{p:>7.3f}{r:>8.3f}{f1:>7.3f}{tp:>5}{fp:>5}{fn:>5}")
    mp, mr = message_precision_recall(sc)
    print(
        f"message level: precision {mp:.3f} recall {mr:.3f} "
        f"(tp {sc.msg_tp}, fp {sc.msg_fp}, fn {sc.msg_fn}, tn {sc.msg_tn})"
    )
    exact = 1 - len(sc.wrong) / max(1, sc.msg_tp + sc.msg_fp + sc.msg_fn + sc.msg_tn)
    print(f"exact label-set match: {exact:.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("-v", "--verbose", action="store_true", help="list misclassified ids")
    args = parser.parse_args(argv)
    records = load(args.corpus)
    print(f"corpus: {args.corpus} ({len(records)} messages)")
    base = evaluate(records, naive_labels)
    ours = evaluate(records, detector_labels)
    _print_table("baseline (naive regexes)", base)
    _print_table("detector (signaling.policy)", ours)
    if args.verbose:
        print("\nmisclassified by the detector (id: gold -> predicted):")
        by_id = {str(r["id"]): r for r in records}
        for rid, gold, pred in ours.wrong:
            print(f"  {rid}: {gold} -> {pred}   {str(by_id[rid]['text'])[:110]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
