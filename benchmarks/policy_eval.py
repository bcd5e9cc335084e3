"""Evaluate the contact-information detector on labelled JSON Lines corpora.

For each corpus it prints, for the detector and, in the same run, for a naive regex baseline:
per-label precision/recall/F1, message-level (any label flagged vs clean) precision and recall,
and -- when the lines carry a ``lang`` field -- message-level precision and recall per language.

    .venv/bin/python benchmarks/policy_eval.py [--corpus PATH]... [--markdown] [-v]

Without ``--corpus`` it scores the public corpus and the held-out set in tests/policy/eval_v2/.
The held-out set is for measuring only: never look at its misses to tune a rule (see its README).
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

PUBLIC_CORPUS = REPO.parent / "shared" / "corpus" / "contact_info" / "public.jsonl"
HELDOUT_CORPUS = REPO / "tests" / "policy" / "eval_v2" / "heldout.jsonl"

_NAIVE_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_NAIVE_PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
_NAIVE_HOSTS = {
    "meeting_link": re.compile(r"(?:meet\.google\.com|zoom\.us/j|teams\.microsoft\.com|calendly)"),
    "file_share": re.compile(r"(?:drive\.google\.com|docs\.google\.com|dropbox\.com|wetransfer)"),
    "handle": re.compile(r"(?:t\.me/|wa\.me/|discord\.gg/|linkedin\.com/in/)"),
}

Record = dict[str, object]
Predict = Callable[[str], set[str]]


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
class MessageCounts:
    """Message-level confusion counts (positive = at least one label)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, gold: bool, pred: bool) -> None:
        """Count one message."""
        if gold and pred:
            self.tp += 1
        elif pred:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def total(self) -> int:
        """Number of messages counted."""
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        """Share of flagged messages that carry a label."""
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        """Share of labelled messages that are flagged."""
        return _ratio(self.tp, self.tp + self.fn)


@dataclass
class Scores:
    """Confusion counts per label, per message, per language, plus the misclassified ids."""

    tp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    fp: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    fn: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    message: MessageCounts = field(default_factory=MessageCounts)
    by_lang: dict[str, MessageCounts] = field(default_factory=dict)
    by_kind: dict[str, MessageCounts] = field(default_factory=dict)
    # (lang, label) -> [tp, fp, fn]
    lang_label: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    wrong: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    def label_precision_recall(self, label: str) -> tuple[float, float]:
        """Precision and recall of one label."""
        tp, fp, fn = self.tp[label], self.fp[label], self.fn[label]
        return _ratio(tp, tp + fp), _ratio(tp, tp + fn)


def evaluate(records: Sequence[Record], predict: Predict) -> Scores:
    """Score ``predict`` against the labelled ``records``."""
    sc = Scores()
    for rec in records:
        gold = set(_labels(rec))
        pred = predict(str(rec["text"]))
        for label in LABELS:
            if label in gold and label in pred:
                sc.tp[label] += 1
            elif label in pred:
                sc.fp[label] += 1
            elif label in gold:
                sc.fn[label] += 1
        sc.message.add(bool(gold), bool(pred))
        lang = rec.get("lang")
        if isinstance(lang, str):
            sc.by_lang.setdefault(lang, MessageCounts()).add(bool(gold), bool(pred))
            for label in LABELS:
                cell = sc.lang_label.setdefault((lang, label), [0, 0, 0])
                if label in gold and label in pred:
                    cell[0] += 1
                elif label in pred:
                    cell[1] += 1
                elif label in gold:
                    cell[2] += 1
        kind = rec.get("kind")
        if isinstance(kind, str):
            sc.by_kind.setdefault(kind, MessageCounts()).add(bool(gold), bool(pred))
        if gold != pred:
            sc.wrong.append((str(rec["id"]), sorted(gold), sorted(pred)))
    return sc


def message_precision_recall(sc: Scores) -> tuple[float, float]:
    """Message-level precision and recall (any label vs none)."""
    return sc.message.precision, sc.message.recall


def _labels(rec: Record) -> list[str]:
    raw = rec.get("labels")
    if not isinstance(raw, list):
        raise ValueError(f"{rec.get('id')}: 'labels' must be a list")
    return [str(x) for x in raw]


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def load(path: Path) -> list[Record]:
    """Read a JSON Lines corpus."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _print_labels(name: str, sc: Scores) -> None:
    print(f"\n== {name}")
    print(f"{'label':<14}{'prec':>7}{'recall':>8}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}")
    for label in LABELS:
        p, r = sc.label_precision_recall(label)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(
            f"{label:<14}{p:>7.3f}{r:>8.3f}{f1:>7.3f}"
            f"{sc.tp[label]:>5}{sc.fp[label]:>5}{sc.fn[label]:>5}"
        )
    m = sc.message
    print(
        f"message level: precision {m.precision:.3f} recall {m.recall:.3f} "
        f"(tp {m.tp}, fp {m.fp}, fn {m.fn}, tn {m.tn})"
    )
    exact = 1 - len(sc.wrong) / max(1, m.total)
    print(f"exact label-set match: {exact:.3f}")


def _print_languages(ours: Scores, base: Scores) -> None:
    if not ours.by_lang:
        return
    print("\n== message level per language (detector | baseline)")
    print(
        f"{'lang':<9}{'n':>5}{'pos':>5}{'prec':>7}{'recall':>8}{'fp':>4}{'fn':>4}"
        f"  |{'prec':>7}{'recall':>8}"
    )
    for lang in sorted(ours.by_lang):
        o, b = ours.by_lang[lang], base.by_lang[lang]
        print(
            f"{lang:<9}{o.total:>5}{o.tp + o.fn:>5}{o.precision:>7.3f}{o.recall:>8.3f}"
            f"{o.fp:>4}{o.fn:>4}  |{b.precision:>7.3f}{b.recall:>8.3f}"
        )


def _print_kinds(ours: Scores) -> None:
    if not ours.by_kind:
        return
    print("\n== message level per kind (detector): flagged / messages")
    for kind in sorted(ours.by_kind, key=lambda k: (-(ours.by_kind[k].tp + ours.by_kind[k].fn), k)):
        k = ours.by_kind[kind]
        side = "positive" if k.tp + k.fn else "negative"
        print(f"{kind:<27}{side:<9}{k.tp + k.fp:>4} / {k.total:<4}")


def _markdown(corpus: Path, n: int, ours: Scores, base: Scores) -> None:
    print(f"\n### {corpus.name} ({n} messages)\n")
    print("| label | detector P | detector R | tp | fp | fn | baseline P | baseline R |")
    print("|---|---|---|---|---|---|---|---|")
    for label in LABELS:
        p, r = ours.label_precision_recall(label)
        bp, br = base.label_precision_recall(label)
        print(
            f"| {label} | {p:.3f} | {r:.3f} | {ours.tp[label]} | {ours.fp[label]} "
            f"| {ours.fn[label]} | {bp:.3f} | {br:.3f} |"
        )
    o, b = ours.message, base.message
    print(
        f"| **message level** | **{o.precision:.3f}** | **{o.recall:.3f}** | {o.tp} | {o.fp} "
        f"| {o.fn} | {b.precision:.3f} | {b.recall:.3f} |"
    )
    if not ours.by_lang:
        return
    print(
        "\n| lang | messages | positive | detector P | detector R | fp | fn "
        "| baseline P | baseline R |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for lang in sorted(ours.by_lang):
        lo, lb = ours.by_lang[lang], base.by_lang[lang]
        print(
            f"| {lang} | {lo.total} | {lo.tp + lo.fn} | {lo.precision:.3f} | {lo.recall:.3f} "
            f"| {lo.fp} | {lo.fn} | {lb.precision:.3f} | {lb.recall:.3f} |"
        )
    print("\nDetector per language and label: found/labelled (+ false alarms)\n")
    print("| lang | " + " | ".join(LABELS) + " |")
    print("|---|" + "---|" * len(LABELS))
    for lang in sorted(ours.by_lang):
        cells = []
        for label in LABELS:
            tp, fp, fn = ours.lang_label[(lang, label)]
            cells.append(f"{tp}/{tp + fn}" + (f" (+{fp})" if fp else ""))
        print(f"| {lang} | " + " | ".join(cells) + " |")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        action="append",
        help="JSON Lines corpus; may be given several times (default: public + eval_v2)",
    )
    parser.add_argument(
        "--split",
        help="score only the records whose 'split' field has this value (train, dev, test)",
    )
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables too")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misclassified ids")
    args = parser.parse_args(argv)
    corpora: list[Path] = args.corpus or [p for p in (PUBLIC_CORPUS, HELDOUT_CORPUS) if p.exists()]
    for corpus in corpora:
        records = load(corpus)
        if args.split is not None:
            records = [r for r in records if r.get("split") == args.split]
        part = f", split {args.split}" if args.split is not None else ""
        print(f"\n######## corpus: {corpus} ({len(records)} messages{part})")
        base = evaluate(records, naive_labels)
        ours = evaluate(records, detector_labels)
        _print_labels("baseline (naive regexes)", base)
        _print_labels("detector (signaling.policy)", ours)
        _print_languages(ours, base)
        _print_kinds(ours)
        if args.markdown:
            _markdown(corpus, len(records), ours, base)
        if args.verbose:
            print("\nmisclassified by the detector (id: gold -> predicted):")
            by_id = {str(r["id"]): r for r in records}
            for rid, gold, pred in ours.wrong:
                print(f"  {rid}: {gold} -> {pred}   {str(by_id[rid]['text'])[:110]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
