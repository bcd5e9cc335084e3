"""A small learned layer behind the rules: one linear model per label over word and
character 4-gram features of the normalised text.

The rules name what they know; this layer catches paraphrases they have no words for
("the app with the paper plane logo", "sort the payment between us"). It only adds a label the
rules did not find, and only when the model's score clears that label's threshold, which the
training script calibrates on out-of-fold scores (see ``benchmarks/policy_train.py``).

Explainable by construction: the score is a sum of the weights of the features present, so a
finding names its label, the span covering the words of its strongest features, and those
features in its ``value`` (``"learned:handle:w:username+b:app z"``).

The weights are data (``learned_weights.json``, written by the training script); nothing is
downloaded or computed at import beyond reading that file.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from signaling.policy.detect import lexicon as lx
from signaling.policy.detect.model import Confidence, Finding, Views

WEIGHTS_PATH = Path(__file__).with_name("learned_weights.json")

_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"[^.!?\n;]+[.!?\n;]*")
# Messages up to this length are scored whole (as the model was trained); longer ones per
# sentence, so one long message is not one giant bag of words.
WHOLE_MESSAGE_CHARS = 400
NGRAM = 4
TOP_FEATURES = 3
# Names of apps, tools and payment services are the rules' business (each with its vetoes for
# product talk): the layer sees them as one placeholder word, so it learns the phrasing around
# a name ("b:on <app>") and never "skype" itself.
NAME = "<app>"
NAMES = frozenset(
    """
    whatsapp whats zap wa telegram tg telega telegi telegrame skype zoom zoomie zoomem zoome
    zoomu calendly teams teamsie teamsach meet hangouts webex whereby jitsi signal viber
    discord instagram insta ig facebook fb messenger wechat line imessage snapchat tiktok
    linkedin twitter x slack dropbox drive wetransfer mega gmail outlook yahoo hotmail proton
    paypal wise payoneer venmo zelle revolut pix upi gcash paytm phonepe gpay blik bizum lydia
    satispay papara dana ovo gopay stripe crypto bitcoin usdt binance
    ватсап вотсап телеграм телеге телеграме телега скайп зум зуме вайбер
    व्हाट्सऐप टेलीग्राम ज़ूम जूम इंस्टा इंस्टाग्राम
    واتساب واتس تلغرام تيليجرام زوم سكايب انستا انستغرام
    """.split()
)


def features(s: str) -> Iterator[tuple[str, int, int]]:
    """The features of ``s`` (normalised text) with the span of the word each comes from:
    ``w:word``, ``b:word next`` (word bigrams) and ``c:gram`` (character 4-grams of the word
    padded with ``<`` and ``>``). Numbers count by length only; a name in ``NAMES`` is the
    word ``<app>``."""
    prev: str | None = None
    for m in _WORD.finditer(s):
        w = m.group()
        a, b = m.start(), m.end()
        if w.isdigit():
            w = "0" * min(len(w), 4)  # numbers by length only
        elif w in NAMES:
            w = NAME
        yield "w:" + w, a, b
        if prev is not None:
            yield "b:" + prev + " " + w, a, b
        prev = w
        if w != NAME and len(w) >= NGRAM - 1:
            padded = "<" + w + ">"
            for i in range(len(padded) - NGRAM + 1):
                yield "c:" + padded[i : i + NGRAM], a, b


# The rules' vetoes hold for the layer too: a piece that keeps the talk here, or talks about a
# product, a feature or one being built, gets no learned flag of these labels.
VETOES: dict[str, tuple[re.Pattern[str], ...]] = {
    "off_platform": (
        lx.KEEP_HERE_RE,
        lx.PRODUCT_RE,
        lx.PAY_PROJECT_NEG_RE,
        lx.COMM_PROJECT_NEG_RE,
    ),
    "handle": (lx.PRODUCT_RE, lx.COMM_PROJECT_NEG_RE),
    "meeting_link": (lx.MEETING_NEG_RE,),
    "email": (),
}


@dataclass(frozen=True)
class LabelModel:
    label: str
    bias: float
    threshold: float
    weights: dict[str, float]

    def score(self, s: str) -> tuple[float, list[tuple[float, str, int, int]]]:
        """The score of ``s`` and the positive contributions (weight, feature, word span)."""
        total = self.bias
        seen: set[str] = set()
        positive: list[tuple[float, str, int, int]] = []
        weights = self.weights
        for f, a, b in features(s):
            if f in seen:
                continue
            seen.add(f)
            w = weights.get(f)
            if w is None:
                continue
            total += w
            if w > 0:
                positive.append((w, f, a, b))
        return total, positive


@dataclass(frozen=True)
class LearnedModel:
    labels: tuple[LabelModel, ...]
    version: str

    @classmethod
    def from_json(cls, data: dict[str, object]) -> LearnedModel:
        raw = data["labels"]
        assert isinstance(raw, dict)
        models = []
        for label, spec in raw.items():
            models.append(
                LabelModel(
                    label=label,
                    bias=float(spec["bias"]),
                    threshold=float(spec["threshold"]),
                    weights={str(k): float(v) for k, v in spec["weights"].items()},
                )
            )
        return cls(tuple(models), str(data.get("version", "")))


@functools.cache
def default_model() -> LearnedModel | None:
    """The shipped model, or ``None`` when the weights file is absent (rules only)."""
    if not WEIGHTS_PATH.exists():
        return None
    with WEIGHTS_PATH.open(encoding="utf-8") as fh:
        return LearnedModel.from_json(json.load(fh))


def chunks(s: str) -> Iterator[tuple[int, int]]:
    """The pieces of ``s`` scored on their own: the whole message, or its sentences."""
    if len(s) <= WHOLE_MESSAGE_CHARS:
        yield 0, len(s)
        return
    for m in _SENTENCE.finditer(s):
        yield m.start(), m.end()


def learned_findings(
    views: Views, present: set[str], model: LearnedModel | None = None
) -> list[Finding]:
    """Findings for the labels the rules did not find, where the model is sure enough."""
    model = model if model is not None else default_model()
    if model is None:
        return []
    todo = [lm for lm in model.labels if lm.label not in present]
    if not todo:
        return []
    s = views.norm.s
    out: list[Finding] = []
    for lm in todo:
        for a, b in chunks(s):
            piece = s[a:b]
            total, positive = lm.score(piece)
            if total < lm.threshold or not positive:
                continue
            if any(v.search(piece) for v in VETOES.get(lm.label, ())):
                continue
            positive.sort(key=lambda t: -t[0])
            top = positive[:TOP_FEATURES]
            lo = a + min(t[2] for t in top)
            hi = a + max(t[3] for t in top)
            start, end = views.norm.span(lo, hi)
            value = f"learned:{lm.label}:" + "+".join(t[1] for t in top)
            conf = round(min(Confidence.LEARNED_MAX, 1 / (1 + math.exp(-total))), 3)
            out.append(Finding(lm.label, start, end, views.text[start:end], value, conf))
            break
    return out
