"""Layer 1: per-language lexicons and patterns. Works from the first minute, explains itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from desk.classification.labels import LABELS, NETIQUETTE, SERVED_LANGUAGES
from desk.classification.lexicons import COMMON, LEXICONS
from desk.classification.normalize import lexicon_text

NETIQUETTE_KINDS: tuple[str, ...] = ("insult", "threat", "spam")
CATEGORIES: tuple[str, ...] = (
    *(label for label in LABELS if label != NETIQUETTE),
    *NETIQUETTE_KINDS,
    "positive",
    "negative",
)


@dataclass(frozen=True)
class LexiconResult:
    labels: dict[str, float]
    sentiment: str
    reasons: dict[str, str]
    # Category -> matched words, in order of appearance: the trained model's extra features.
    hits: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _score(hit_count: int) -> float:
    # One matching word is good evidence, two are strong; never more than certain.
    return min(1.0, 0.6 + 0.2 * hit_count)


@cache
def _patterns(language: str) -> dict[str, re.Pattern[str]]:
    """One alternation per category for `language`, plus English loanwords and common cues."""
    languages = [language] if language in LEXICONS else list(SERVED_LANGUAGES)
    if "en" not in languages:
        # Technical posts borrow English everywhere ("login", "API", "bug").
        languages.append("en")
    compiled = {}
    for category in CATEGORIES:
        fragments = [f for code in languages for f in LEXICONS[code].get(category, ())]
        fragments += COMMON.get(category, ())
        if fragments:
            compiled[category] = re.compile(
                r"(?<!\w)(?:" + "|".join(fragments) + r")(?!\w)", re.IGNORECASE
            )
    return compiled


def classify_by_lexicon(text: str, *, language: str) -> LexiconResult:
    text = lexicon_text(text)
    hits: dict[str, tuple[str, ...]] = {}
    patterns = _patterns(language)
    negative = patterns.get("negative")
    # "Thanks for nothing" is a complaint: its "thanks" is no praise.
    taken = [m.span() for m in negative.finditer(text)] if negative else []
    for category, pattern in patterns.items():
        matches = pattern.finditer(text)
        if category == "positive":
            matches = (m for m in matches if not any(a <= m.start() < b for a, b in taken))
        found = tuple(dict.fromkeys(m.group(0).lower() for m in matches))
        if found:
            hits[category] = found
    labels: dict[str, float] = {}
    reasons: dict[str, str] = {}
    for label in LABELS:
        if label == NETIQUETTE:
            kinds = [kind for kind in NETIQUETTE_KINDS if kind in hits]
            words = [w for kind in kinds for w in hits[kind]]
            why = "; ".join(f"{kind}: {_quoted(hits[kind])}" for kind in kinds)
        else:
            words = list(hits.get(label, ()))
            why = _quoted(hits.get(label, ()))
        if words:
            labels[label] = _score(len(words))
            reasons[label] = f"lexicon/{language or 'any'} {why}"
    sentiment, why = _sentiment(hits)
    reasons["sentiment"] = why
    return LexiconResult(labels=labels, sentiment=sentiment, reasons=reasons, hits=hits)


def _sentiment(hits: dict[str, tuple[str, ...]]) -> tuple[str, str]:
    positive = len(hits.get("positive", ()))
    # Insults and threats are negative whatever else the post says.
    negative = len(hits.get("negative", ())) + 2 * (
        len(hits.get("insult", ())) + len(hits.get("threat", ()))
    )
    cues = [*hits.get("negative", ()), *hits.get("insult", ()), *hits.get("threat", ())]
    if negative > positive:
        return "negative", f"lexicon: negative {_quoted(cues)}"
    if positive > negative:
        return "positive", f"lexicon: positive {_quoted(hits['positive'])}"
    if positive:
        return "neutral", "lexicon: positive and negative cues balance"
    return "neutral", "lexicon: no sentiment cues"


def _quoted(words: tuple[str, ...] | list[str]) -> str:
    return ", ".join(repr(w) for w in words[:5])
