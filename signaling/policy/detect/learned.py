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

import itertools
import json
import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from signaling.policy.detect import lexicon as lx
from signaling.policy.detect.model import Confidence, Finding, Views, sentence

WEIGHTS_PATH = Path(__file__).with_name("learned_weights.json")

_WORD = re.compile(r"\w+")


class _NotWordToSpace(dict[int, str]):
    """``str.translate`` table: every character ``\\w`` does not match becomes a space (``\\w``
    is ``str.isalnum()`` or "_", and no such character is whitespace); filled in as met."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = self[code] = ch if ch.isalnum() or ch == "_" else " "
        return value


_NOT_WORD_TO_SPACE = _NotWordToSpace()


def _word_list(s: str) -> list[str]:
    """``_WORD.findall(s)``, about twice as fast: the text with every other character as a
    space, split on whitespace."""
    return s.translate(_NOT_WORD_TO_SPACE).split()


_STOPS = ".!?\n;"  # what ends a sentence scored on its own
_SENTENCE = re.compile(f"[^{re.escape(_STOPS)}]+[{re.escape(_STOPS)}]*")
# ``_NOT_WORD_TO_SPACE`` with the sentence stops of ``_SENTENCE`` as NUL (a NUL of the text is
# no word character, so it becomes a space like any other)
_SENTENCE_TABLE = _NotWordToSpace({ord(c): "\0" for c in _STOPS})
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
    व्हाट्सऐप टेलीग्राम जूम जूम इंस्टा इंस्टाग्राम
    واتساب واتس تلغرام تيليجرام زوم سكايب انستا انستغرام
    """.split()
)


def canonical(word: str) -> str:
    """A word as the model sees it: numbers by length only, a known name as ``<app>``."""
    if word.isdigit():
        return "0" * min(len(word), 4)
    return NAME if word in NAMES else word


def word_features(word: str) -> list[str]:
    """``w:word`` and the character 4-grams ``c:gram`` of the word padded with ``<``/``>``."""
    out = ["w:" + word]
    if word != NAME and len(word) >= NGRAM - 1:
        padded = "<" + word + ">"
        out.extend("c:" + padded[i : i + NGRAM] for i in range(len(padded) - NGRAM + 1))
    return out


def features(s: str) -> list[str]:
    """The features of ``s`` (normalised text): the ``word_features`` of each distinct word
    and ``b:word next`` for each distinct pair of neighbouring words. A 4-gram shared by two
    distinct words counts twice (the score is a sum over distinct words and pairs)."""
    words = [canonical(w) for w in _WORD.findall(s)]
    out: list[str] = []
    for w in dict.fromkeys(words):
        out.extend(word_features(w))
    out.extend("b:" + p for p in dict.fromkeys(a + " " + b for a, b in itertools.pairwise(words)))
    return out


# The rules' vetoes hold for the layer too: a piece that keeps the talk here, or talks about a
# product, a feature or one being built, gets no learned flag of these labels.
VETOES: dict[str, tuple[lx.Finder, ...]] = {
    "off_platform": (
        lx.KEEP_HERE_RE,
        lx.PRODUCT_RE,
        lx.PAY_PROJECT_NEG_RE,
        lx.COMM_PROJECT_NEG_RE,
    ),
    "handle": (lx.PRODUCT_RE, lx.COMM_PROJECT_NEG_RE),
    "meeting_link": (lx.MEETING_NEG_RE, lx.HERE_RE),
    "email": (),
}


@dataclass(frozen=True)
class LabelModel:
    label: str
    bias: float
    threshold: float
    weights: dict[str, float]

    def explain(self, s: str) -> list[tuple[float, str, int, int]]:
        """The positive contributions to the score of ``s``: (weight, feature, word span)."""
        out: list[tuple[float, str, int, int]] = []
        seen: set[str] = set()
        prev: str | None = None
        for m in _WORD.finditer(s):
            w = canonical(m.group())
            feats = word_features(w) if w not in seen else []
            seen.add(w)
            if prev is not None:
                feats.append("b:" + prev + " " + w)
            prev = w
            for f in feats:
                weight = self.weights.get(f, 0.0)
                if weight > 0:
                    out.append((weight, f, m.start(), m.end()))
        return out


class _Canonical(dict[str, str]):
    """Raw word -> canonical word, filled on first sight."""

    def __missing__(self, word: str) -> str:
        value = self[word] = canonical(word)
        return value


class _WordRows(dict[str, tuple[float, ...]]):
    """Canonical word -> what it adds to each label's score, filled on first sight."""

    def __init__(self, labels: tuple[LabelModel, ...]) -> None:
        super().__init__()
        self._labels = labels

    def __missing__(self, word: str) -> tuple[float, ...]:
        feats = word_features(word)
        row = self[word] = tuple(sum(lm.weights.get(f, 0.0) for f in feats) for lm in self._labels)
        return row


class _WordScores(dict[str, float]):
    """Canonical word -> what it adds to one label's score (its column of ``_WordRows``)."""

    def __init__(self, rows: _WordRows, k: int) -> None:
        super().__init__()
        self._rows = rows
        self._k = k

    def __missing__(self, word: str) -> float:
        value = self[word] = self._rows[word][self._k]
        return value


class LearnedModel:
    """All labels' models, scored together: one pass over a piece's words, with the score
    each distinct word adds to each label cached (most words recur from message to message)."""

    CACHE_WORDS = 100_000  # both caches are emptied when they grow past this

    def __init__(self, labels: tuple[LabelModel, ...], version: str) -> None:
        self.labels = labels
        self.version = version
        self._biases = tuple(lm.bias for lm in labels)
        # ``_columns[k](row)``: a cached row's weight for label ``k``
        self._columns = tuple(operator.itemgetter(k) for k in range(len(labels)))
        self._canonical = _Canonical()
        self._rows = _WordRows(labels)
        # one label's column alone, for the pieces where only that label is still wanted
        self._word_scores = tuple(_WordScores(self._rows, k) for k in range(len(labels)))
        # word pair -> its weight for each label, keyed by the pair itself (no joined string)
        self._bigrams: dict[tuple[str, str], tuple[float, ...]] = {}
        n = len(labels)
        for k, lm in enumerate(labels):
            for f, w in lm.weights.items():
                if f.startswith("b:"):
                    first, _, second = f[2:].partition(" ")
                    row = list(self._bigrams.get((first, second), (0.0,) * n))
                    row[k] = w
                    self._bigrams[first, second] = tuple(row)
        self._pair_scores = tuple(
            {p: row[k] for p, row in self._bigrams.items() if row[k]} for k in range(n)
        )

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

    def _bound_caches(self) -> None:
        """Empty the word caches when they have grown past ``CACHE_WORDS``."""
        if len(self._rows) > self.CACHE_WORDS or len(self._canonical) > self.CACHE_WORDS:
            self._rows.clear()
            self._canonical.clear()
            for scores in self._word_scores:
                scores.clear()

    def scores(self, s: str) -> list[float]:
        """Every label's score for the piece ``s`` (same sum as training: ``features``)."""
        return self.label_scores(s, range(len(self.labels)))

    def label_scores(self, s: str, wanted: Sequence[int]) -> list[float]:
        """The scores of the labels at the indices ``wanted`` (in that order): the same sums
        as :meth:`scores`, without adding up the columns of labels nobody asked for."""
        self._bound_caches()
        words = list(map(self._canonical.__getitem__, _word_list(s)))
        rows = list(map(self._rows.__getitem__, set(words)))
        if len(words) > 1:
            pairs = set(itertools.pairwise(words))
            rows.extend(filter(None, map(self._bigrams.get, pairs)))
        biases = self._biases
        if not rows:
            return [biases[k] for k in wanted]
        columns = self._columns
        return [biases[k] + sum(map(columns[k], rows)) for k in wanted]

    def reaching(
        self, pieces: list[str], wanted: list[int], floors: Sequence[float]
    ) -> Iterator[tuple[int, list[float]]]:
        """For each piece (in order) where a label of ``wanted`` reaches its floor: its index
        and the scores of ``wanted`` (the sums of :meth:`label_scores`). One loop for all the
        sentences of a long message; ``wanted`` may shrink between pieces. A piece without
        words is passed over (its score is the bias, and it has no word to name)."""
        return self.reaching_words(map(_word_list, pieces), wanted, floors)

    def reaching_words(
        self,
        word_lists: Iterable[list[str]],
        wanted: list[int],
        floors: Sequence[float],
        *,
        repeats: bool = True,
    ) -> Iterator[tuple[int, list[float]]]:
        """:meth:`reaching` of pieces given as their raw words (``_word_list`` of each).

        A piece whose words an earlier piece had, while ``wanted`` was the same, has its
        scores: each distinct one is scored once (a long message repeats its sentences).
        ``repeats=False`` (one piece, a short message) skips that bookkeeping."""
        self._bound_caches()
        canonical = self._canonical.__getitem__
        row = self._rows.__getitem__
        pair = self._bigrams.get
        biases = self._biases
        columns = self._columns
        # raw words -> the scores of ``wanted`` if one reached its floor, else None
        done: dict[tuple[str, ...], list[float] | None] = {}
        done_for = list(wanted)
        for i, raw in enumerate(word_lists):
            if not raw:
                continue
            key = tuple(raw) if repeats else ()
            if repeats:
                if wanted != done_for:
                    done.clear()
                    done_for = list(wanted)
                if key in done:
                    scored = done[key]
                    if scored is not None:
                        yield i, list(scored)
                    continue
                done[key] = None
            words = list(map(canonical, raw))
            if len(wanted) == 1:  # most long messages: the rules found every other label
                # that label's column alone: a float per word and per known pair
                # (added in the order of ``label_scores``: the words, then the pairs)
                k = wanted[0]
                total = sum(map(self._word_scores[k].__getitem__, set(words)))
                if len(words) > 1:
                    pairs = self._pair_scores[k]
                    total = sum(filter(None, map(pairs.get, set(itertools.pairwise(words)))), total)
                total = biases[k] + total
                if total >= floors[k]:
                    done[key] = [total]
                    yield i, [total]
                continue
            rows = list(map(row, set(words)))
            if len(words) > 1:
                rows.extend(filter(None, map(pair, set(itertools.pairwise(words)))))
            totals = [biases[k] + sum(map(columns[k], rows)) for k in wanted]
            for k, total in zip(wanted, totals, strict=True):
                if total >= floors[k]:
                    done[key] = totals
                    yield i, list(totals)
                    break


def _load() -> LearnedModel | None:
    if not WEIGHTS_PATH.exists():
        return None
    with WEIGHTS_PATH.open(encoding="utf-8") as fh:
        return LearnedModel.from_json(json.load(fh))


# Read at import, like the compiled word lists: never a file read inside the event loop.
_DEFAULT = _load()


def default_model() -> LearnedModel | None:
    """The shipped model, or ``None`` when the weights file is absent (rules only)."""
    return _DEFAULT


def _whole(s: str) -> Callable[[int], tuple[str, int]]:
    """The one chunk of a message scored whole: the text itself, at 0."""
    return lambda _i: (s, 0)


def sentences(s: str) -> tuple[list[list[str]], Callable[[int], tuple[str, int]]]:
    """The raw words of each sentence of ``s`` (``_SENTENCE.findall(s)``, each read by
    ``_word_list``) from one ``str.translate`` of the whole text, and a function giving the
    ``i``-th sentence and its start, worked out only when asked (for a sentence that scores)."""
    runs = s.translate(_SENTENCE_TABLE).split("\0")
    # A sentence is a run of characters between stops, with the stops after it: the runs
    # that are not empty, in order.
    word_lists = [run.split() for run in runs if run]
    starts: list[int] = []

    def sentence_at(i: int) -> tuple[str, int]:
        if not starts:
            at = 0
            for run in runs:
                if run:
                    starts.append(at)
                at += len(run) + 1
        end = starts[i + 1] if i + 1 < len(starts) else len(s)
        return s[starts[i] : end], starts[i]

    return word_lists, sentence_at


# Labels of links the rules found: "at" before such a link is no spoken "@" of an address.
_LINK_LABELS = frozenset({"meeting_link", "file_share"})


def learned_findings(
    views: Views, present: set[str], model: LearnedModel | None = None
) -> list[Finding]:
    """Findings for the labels the rules did not find, where the model is sure enough."""
    model = model if model is not None else default_model()
    if model is None:
        return []
    if all(lm.label in present for lm in model.labels):
        return []
    s = views.norm.s
    out: list[Finding] = []
    done: set[str] = set()
    # Only the labels still open are scored; once each has its finding, no chunk can add one.
    wanted = [k for k, lm in enumerate(model.labels) if lm.label not in present]
    floors = [lm.threshold for lm in model.labels]
    # The chunks' words; a chunk's text and offset only for one that reaches a threshold.
    chunk_at: Callable[[int], tuple[str, int]]
    whole = len(s) <= WHOLE_MESSAGE_CHARS
    if whole:
        word_lists = [_word_list(s)]
        chunk_at = _whole(s)
    else:
        word_lists, chunk_at = sentences(s)
    for i, totals in model.reaching_words(word_lists, wanted, floors, repeats=not whole):
        piece, a = chunk_at(i)
        for k, total in zip(list(wanted), totals, strict=True):
            lm = model.labels[k]
            if lm.label in done or total < lm.threshold:
                continue
            if lm.label == "email" and present & _LINK_LABELS:
                continue  # "join me at whereby.com/x": the "at" before a link the rules found
            if lm.label == "off_platform" and "meeting_link" in present:
                continue  # a meeting on a named tool is that label alone ("on Hangouts?")
            positive = sorted(lm.explain(piece), key=lambda t: -t[0])
            if not positive:
                continue
            top = positive[:TOP_FEATURES]
            lo = a + min(t[2] for t in top)
            hi = a + max(t[3] for t in top)
            # the rules' vetoes are read in the sentences of the words that scored: product
            # talk in another sentence ("Strona będzie w piątek") vetoes no move in this one
            said, _ = sentence(s, lo, hi)
            if any(v.search(said) for v in VETOES.get(lm.label, ())):
                continue
            start, end = views.norm.span(lo, hi)
            value = f"learned:{lm.label}:" + "+".join(t[1] for t in top)
            conf = round(min(Confidence.LEARNED_MAX, 1 / (1 + math.exp(-total))), 3)
            out.append(Finding(lm.label, start, end, views.text[start:end], value, conf))
            done.add(lm.label)
        if done:
            wanted[:] = [k for k in wanted if model.labels[k].label not in done]
            if not wanted:
                break
    return out
