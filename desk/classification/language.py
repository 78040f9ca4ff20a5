"""Language detection: lingua, restricted to the languages we serve and a few common ones.

Restricting the candidates is what makes short posts work: "Danke!" has to be told apart from
five languages, not seventy-five. The detector is built once per process (its models load
lazily, on the first call, and stay).
"""

from __future__ import annotations

import re
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from desk.classification.labels import SERVED_LANGUAGES
from desk.classification.normalize import language_text

_CANDIDATES: dict[Language, str] = {
    Language.ENGLISH: "en",
    Language.GERMAN: "de",
    Language.FRENCH: "fr",
    Language.POLISH: "pl",
    Language.SWEDISH: "sv",
    # Common neighbours, so that a Spanish or Danish post is not forced into a served language.
    Language.SPANISH: "es",
    Language.ITALIAN: "it",
    Language.DUTCH: "nl",
    Language.DANISH: "da",
    Language.BOKMAL: "nb",
}
# Lingua's confidence on one or two words is low; below this, greetings and thanks in the
# served languages decide (lingua takes "merci" for Italian).
_SHORT_TEXT_CONFIDENCE = 0.5
_SHORT_TEXT_WORDS = 4
_MARKERS: dict[str, frozenset[str]] = {
    "en": frozenset("thanks thank you hi hello please the is not help why ok".split()),
    "de": frozenset("danke hallo bitte nicht ist und warum hilfe geht servus moin".split()),
    "fr": frozenset("merci bonjour salut svp pas est et pourquoi aide".split()),
    "pl": frozenset("dzięki dziękuję cześć proszę nie jest i dlaczego pomocy".split()),
    "sv": frozenset("tack hej snälla inte är och varför hjälp".split()),
}
_WORDS = re.compile(r"\w+", re.UNICODE)


@cache
def detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_CANDIDATES).build()


def detect_language(text: str, *, hint: str = "") -> str:
    """ISO 639-1 code of the text's language; a declared hint wins; "" when there is no text."""
    hint = hint.strip().lower()[:2]
    if hint:
        return hint
    # Handles, hashtags and links are names, not language: "@DeutscheBahnHilfe" in an
    # English post is no evidence of German.
    # The first paragraphs tell the language; lingua's time grows with the length.
    text = language_text(text[:2000])[:600]
    words = [w.lower() for w in _WORDS.findall(text) if not w.isdigit()]
    if not words:
        return ""
    if len(words) > _SHORT_TEXT_WORDS:
        detected = detector().detect_language_of(text)
        return _CANDIDATES[detected] if detected is not None else ""
    # Short posts: ask for confidences (costly on long texts, cheap here) so that greetings
    # and thanks can decide when lingua is unsure.
    confidences = detector().compute_language_confidence_values(text)
    best = confidences[0] if confidences else None
    if best is None or best.value < _SHORT_TEXT_CONFIDENCE:
        marked = _by_markers(words)
        if marked:
            return marked
    return _CANDIDATES[best.language] if best is not None else ""


def _by_markers(words: list[str]) -> str:
    hits = {code: sum(w in markers for w in words) for code, markers in _MARKERS.items()}
    code, count = max(hits.items(), key=lambda item: item[1])
    return code if count else ""


def is_served(code: str) -> bool:
    return code in SERVED_LANGUAGES
