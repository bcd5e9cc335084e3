"""Product copy: words a spec quotes for a button, banner, slogan or warning are text to be
built, not a request between the two parties.

"The 'Pay directly with Apple Pay' button needs more contrast", "el eslogan: 'Compra directo al
productor, sin intermediarios'", "le bouton « Payer directement avec Lydia »" and "add a 'pay
outside the EU' warning" all carry words of paying outside, but inside quotes (or after a colon)
that a word for a piece of interface or marketing copy names. An ``off_platform`` finding that
starts inside such copy (a learned-layer finding: that touches it) is dropped; identifiers (an
address, a number, a handle) are kept wherever they stand, since copy that carries one still
shows it to the other party.

A message with no copy word (one set test on its word pieces) costs nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from signaling.policy.detect.model import Finding, Views
from signaling.policy.detect.text import fold

# A piece of interface or marketing copy, per language, as single words in their real spelling
# (folded like the messages). Words that name a message between people ("message", "text",
# "mensaje") are left out: quoting what one party will send is no spec.
_COPY_WORDS_BY_LANG: dict[str, tuple[str, ...]] = {
    "en": ("button", "banner", "slogan", "tagline", "headline", "label", "warning", "tooltip",
           "cta", "caption", "heading", "placeholder", "copy", "badge", "popup", "toast",
           # round 20: the parts of a page or a mail a text is quoted for (own_v19)
           "footer", "header", "navbar", "sidebar", "signature"),
    "es": ("botón", "boton", "eslogan", "lema", "titular", "etiqueta", "aviso", "leyenda",
           "cartel", "banner", "rótulo"),
    "pt": ("botão", "botao", "slogan", "chamada", "título", "etiqueta", "aviso", "banner",
           "legenda", "rótulo", "rodapé", "rodape"),
    "fr": ("bouton", "slogan", "accroche", "étiquette", "bannière", "avertissement",
           "libellé", "mention", "bandeau"),
    "de": ("button", "knopf", "schaltfläche", "slogan", "claim", "überschrift", "hinweis",
           "banner", "beschriftung", "label", "warnhinweis", "fußzeile", "signatur"),
    "it": ("pulsante", "bottone", "slogan", "titolo", "etichetta", "avviso", "banner",
           "dicitura", "scritta"),
    "pl": ("przycisk", "przycisku", "slogan", "hasło", "nagłówek", "etykieta", "baner",
           "komunikat", "napis", "stopka", "stopce", "stopki"),
    "ru": ("кнопка", "кнопку", "кнопке", "кнопки", "слоган", "заголовок", "надпись", "баннер",
           "предупреждение", "подпись", "плашка", "плашку"),
    "hi": ("बटन", "स्लोगन", "टैगलाइन", "बैनर", "हेडलाइन", "लेबल", "चेतावनी"),
    "hi-Latn": ("button", "slogan", "tagline", "banner", "label"),
    "ar": ("زر", "الزر", "زرار", "الزرار", "شعار", "الشعار", "لافتة", "اللافتة", "بانر",
           "البانر", "تنبيه", "التنبيه", "عنوان", "العنوان"),
    "tr": ("buton", "butonu", "düğme", "düğmesi", "slogan", "sloganı", "başlık", "etiket",
           "banner", "uyarı", "uyarısı"),
    "id": ("tombol", "slogan", "tagline", "judul", "label", "banner", "peringatan"),
    "tl": ("button", "pindutan", "slogan", "banner", "label", "babala"),
}  # fmt: skip
COPY_WORDS = frozenset(fold(w).lower() for words in _COPY_WORDS_BY_LANG.values() for w in words)
_COPY_ALT = "|".join(sorted((re.escape(w) for w in COPY_WORDS), key=len, reverse=True))

# A quoted stretch: an opening quote not inside a word, up to 160 characters on one line, and its
# closing quote not followed by a letter ("I'll" opens nothing).
_QUOTED_RE = re.compile(
    r"(?<!\w)(?:['\"‘’“”«»„‚「]\s?)(?P<copy>[^\n'\"‘’“”«»„‚「」]{1,160}?)\s?['\"‘’“”«»„‚」](?!\w)"
)
# A copy word, at most two words, the quote (the button 'X'), or the quote, at most two words,
# the copy word ('X' button); measured on the text between them.
_NEAR_RE = re.compile(r"^[\W_]*(?:[^\W\d_]+[\W_]+){0,2}$")
_COPY_WORD_RE = re.compile(r"(?<![\w\u0900-\u097f])(?:" + _COPY_ALT + r")(?![\w\u0900-\u097f])")
# A copy word, at most one more word, a colon, then the rest of the clause ("slogan: X - for a
# shop", "الشعار الإعلاني: X").
_AFTER_COLON_RE = re.compile(
    r"(?<![\w\u0900-\u097f])(?:" + _COPY_ALT + r")(?:\s+[^\W\d_]+)?\s*:\s*(?P<copy>[^\n]{1,160}?)"
    r"(?=\s[-–—]\s|[.!?](?:\s|$)|\n|$)"
)


def copy_spans(s: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of ``s`` (normalised text) that are product copy named by a copy word."""
    if COPY_WORDS.isdisjoint(words):
        return []
    spans: list[tuple[int, int]] = []
    copy_words = [(m.start(), m.end()) for m in _COPY_WORD_RE.finditer(s)]
    if not copy_words:
        return spans
    for q in _QUOTED_RE.finditer(s):
        a, b = q.span()
        for cw_start, cw_end in copy_words:
            between = s[cw_end:a] if cw_end <= a else s[b:cw_start] if b <= cw_start else None
            if between is not None and len(between) <= 40 and _NEAR_RE.match(between):
                spans.append(q.span("copy"))
                break
    spans.extend(m.span("copy") for m in _AFTER_COLON_RE.finditer(s))
    return spans


def drop_copy_moves(views: Views, findings: Sequence[Finding]) -> list[Finding]:
    """``findings`` without the ``off_platform`` ones that start inside product copy."""
    if not any(f.label == "off_platform" for f in findings):
        return list(findings)
    spans = [views.norm.span(a, b) for a, b in copy_spans(views.norm.s, views.words)]
    if not spans:
        return list(findings)
    return [f for f in findings if f.label != "off_platform" or not _in_copy(f, spans)]


def _in_copy(f: Finding, spans: Sequence[tuple[int, int]]) -> bool:
    # A rule's span starts at its trigger; the learned layer's covers its strongest features,
    # which may begin on the copy word itself: any overlap counts for it.
    if f.value.startswith("learned:"):
        return any(f.start < b and a < f.end for a, b in spans)
    return any(a <= f.start < b for a, b in spans)
