"""Proof that a speed change changes no finding: scan the same messages with two source trees
(a base checkout, e.g. from ``git archive``, and this one) and count the messages whose
findings differ.

Messages: every ``tests/policy/**/*.jsonl`` corpus except the held-out set
(``tests/policy/eval_v2/heldout.jsonl`` is never opened), ``../shared/corpus/contact_info/*.jsonl``,
the speed benchmark's own generated messages (``benchmarks/policy_speed.py``: its short and
10,000-character messages and its warm-up messages, same seed), ~10,000-character mixtures of
the corpus messages, and adversarial repeats of trigger words (10k and 40k characters).

    python benchmarks/policy_labels_diff.py --base /tmp/base [--tree .]

Each tree is scanned in its own process (``PYTHONPATH`` set to that tree). Printed: per source,
messages, messages whose labels or finding spans differ, and messages whose findings differ in
any field (label, span, value, confidence); the exit status is 1 when any differs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HELDOUT = Path("tests/policy/eval_v2/heldout.jsonl")

ADVERSARIAL_WORDS = (
    "meet ",
    "outside the contract ",
    "@ at dot ",
    "one two three four five six seven eight nine zero ",
    "double seven triple five ",
    "a t ",
    "d o t ",
    "' + ' ",
    "call me at 415 ",
    "1 2 3 4 5 6 7 8 9 ",
    "pay me via paypal ",
    ". . . ",
    "whatsapp me ",
)


def corpus_files(root: Path) -> list[Path]:
    """The corpora scanned: never the held-out set."""
    files = [
        p
        for p in sorted((root / "tests" / "policy").rglob("*.jsonl"))
        if p.relative_to(root) != HELDOUT and p.name != "heldout.jsonl"
    ]
    shared = root.parent / "shared" / "corpus" / "contact_info"
    if not shared.is_dir():
        shared = Path("/work/shared/corpus/contact_info")
    files.extend(sorted(shared.glob("*.jsonl")))
    return files


def read_texts(path: Path) -> list[str]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                out.append(str(json.loads(line)["text"]))
    return out


def messages(root: Path, seed: int, short_n: int, long_n: int) -> dict[str, list[str]]:
    """Every source's messages, by source name."""
    sys.path.insert(0, str(root))
    from benchmarks.policy_speed import make_long, make_short

    out: dict[str, list[str]] = {}
    everything: list[str] = []
    for path in corpus_files(root):
        texts = read_texts(path)
        out[str(path.relative_to(root) if path.is_relative_to(root) else path)] = texts
        everything.extend(texts)
    rng = random.Random(seed)  # the speed benchmark's own messages, in its order
    out["policy_speed short"] = [make_short(rng) for _ in range(short_n)]
    out["policy_speed 10k"] = [make_long(rng) for _ in range(long_n)]
    warm = random.Random(seed + 1)
    out["policy_speed warm-up 10k"] = [make_long(warm) for _ in range(5)]
    mix_rng = random.Random(seed + 2)
    mixtures = []
    for _ in range(60):
        parts: list[str] = []
        length = 0
        while length < 10_000:
            part = mix_rng.choice(everything)
            parts.append(part)
            length += len(part) + 1
        mixtures.append(mix_rng.choice([" ", "\n", ". "]).join(parts))
    out["corpus mixtures ~10k"] = mixtures
    adversarial = []
    for word in ADVERSARIAL_WORDS:
        for size in (10_000, 40_000):
            adversarial.append((word * (size // len(word) + 1))[:size])
    out["adversarial repeats"] = adversarial
    return out


def dump(message_file: Path, out_file: Path) -> None:
    """Child mode: scan every message with the tree on ``sys.path`` and write its findings."""
    from signaling.policy.detector import default_detector

    detector = default_detector()
    sources = json.loads(message_file.read_text(encoding="utf-8"))
    result: dict[str, list[list[list[object]]]] = {}
    for name, texts in sources.items():
        result[name] = [
            [[f.label, f.start, f.end, f.value, f.confidence] for f in detector.scan(t)]
            for t in texts
        ]
    out_file.write_text(json.dumps(result), encoding="utf-8")


def run_tree(tree: Path, message_file: Path, out_file: Path) -> dict[str, list[list[list[object]]]]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--dump", str(message_file), str(out_file)],
        check=True,
        env=env,
        cwd=str(tree),
    )
    result: dict[str, list[list[list[object]]]] = json.loads(out_file.read_text(encoding="utf-8"))
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="the base source tree")
    parser.add_argument("--tree", type=Path, default=REPO, help="the changed tree (this one)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--short", type=int, default=8000)
    parser.add_argument("--long", type=int, default=80)
    parser.add_argument(
        "--show", type=int, default=3, help="messages whose findings differ to print per source"
    )
    parser.add_argument("--dump", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.dump:
        dump(*args.dump)
        return 0
    if args.base is None:
        parser.error("--base is required")
    sources = messages(REPO, args.seed, args.short, args.long)
    with tempfile.TemporaryDirectory() as tmp:
        message_file = Path(tmp) / "messages.json"
        message_file.write_text(json.dumps(sources), encoding="utf-8")
        base = run_tree(args.base.resolve(), message_file, Path(tmp) / "base.json")
        tree = run_tree(args.tree.resolve(), message_file, Path(tmp) / "tree.json")
    total = label_diff = any_diff = 0
    print(f"{'source':<48}{'messages':>9}{'labels/spans differ':>21}{'any field differs':>19}")
    for name, texts in sources.items():
        n_label = n_any = 0
        for i, (a, b) in enumerate(zip(base[name], tree[name], strict=True)):
            if [f[:3] for f in a] != [f[:3] for f in b]:
                n_label += 1
                if n_label <= args.show:
                    print(f"  DIFF {name}[{i}]: {texts[i][:80]!r}\n    base {a}\n    tree {b}")
            if a != b:
                n_any += 1
        total += len(texts)
        label_diff += n_label
        any_diff += n_any
        print(f"{name:<48}{len(texts):>9}{n_label:>21}{n_any:>19}")
    print(f"{'all':<48}{total:>9}{label_diff:>21}{any_diff:>19}")
    return 1 if label_diff or any_diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
