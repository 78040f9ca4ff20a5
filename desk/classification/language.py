"""Language detection: lingua, restricted to the languages we serve and a few common ones.

Restricting the candidates is what makes short posts work: "Danke!" has to be told apart from
five languages, not seventy-five. The detector is built once per process (its models load
lazily, on the first call, and stay).
"""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.utils.translation import get_language_info
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
# What a mention can be detected as: the languages a rule, a holding reply or the dry run
# offers to choose from.
DETECTED_LANGUAGES: tuple[str, ...] = tuple(_CANDIDATES.values())
_DESK_LANGUAGE_NAMES = dict(settings.LANGUAGES)


def language_name(code: str) -> str:
    """A language by its own name and code ("Deutsch (de)"): a reader looks for theirs. A
    language Django does not know keeps its code."""
    name = _DESK_LANGUAGE_NAMES.get(code)
    if name is None:
        try:
            name = get_language_info(code)["name_local"]
        except KeyError:
            return code
    return f"{name} ({code})"


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
# Frequent function words. A post in which those of one language clearly outnumber all others
# is decided without lingua: its detection costs milliseconds per post (the classifier's
# budget is 5 ms), these lists microseconds. Words shared by two lists count for neither.
_FUNCTION_WORDS: dict[str, str] = {
    "en": "the and is are was to of my your you it this that with for have has not what why "
    "how on at been just they we our can't don't won't doesn't didn't from get got",
    "de": "der die das und ist nicht ich ein eine mit auf für wie warum bei von zu ihr euch "
    "sie mein meine den dem des auch noch schon wird wurde kann bitte",
    "fr": "le la les et est pas je un une des du avec pour vous votre mon ma mes ce qui que sur "
    "dans il elle au aux ne c'est j'ai",
    "pl": "w na nie jest się to z do że jak co czy mój moja ale od po dla są mnie mi już tak",
    "sv": "och är inte jag ett det att med för på som har min mitt vi ni er ert till av om kan "
    "var hur varför",
    "da": "og ikke jeg er det en at med til på af har min mit vi de hvad hvorfor",
    "nb": "og ikke jeg er det en at med til på av har min mitt vi de hva hvorfor",
    "nl": "de het een en is niet ik van op met voor je zijn wat waarom",
    "es": "el la los las y es no yo un una de con para que por mi qué por qué",
    "it": "il la e è non io un una di con per che mi del perché",
}
_OWNER: dict[str, str] = {}
for _code, _words in _FUNCTION_WORDS.items():
    for _word in _words.split():
        _OWNER[_word] = "" if _word in _OWNER and _OWNER[_word] != _code else _code
_DECISIVE_HITS = 2


LANGUAGE_SAMPLE_CHARS = 2000


@cache
def detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_CANDIDATES).build()


@cache
def fast_detector() -> LanguageDetector:
    """Trigrams only: lingua's documentation finds it as accurate as the full mode from about
    120 characters on, at a fraction of the time."""
    return LanguageDetectorBuilder.from_languages(*_CANDIDATES).with_low_accuracy_mode().build()


_LONG_TEXT = 120


def detect_language(text: str, *, hint: str = "") -> str:
    """ISO 639-1 code of the text's language; a declared hint wins; "" when there is no text."""
    hint = hint.strip().lower()[:2]
    if hint:
        return hint
    # Handles, hashtags and links are names, not language: "@DeutscheBahnHilfe" in an
    # English post is no evidence of German. The opening tells the language; lingua's time
    # grows with the length, and one 100,000-character word took seconds.
    text = language_text(text[:LANGUAGE_SAMPLE_CHARS])[:600]
    words = [w.lower() for w in _WORDS.findall(text) if not w.isdigit()]
    if not words:
        return ""
    if len(words) > _SHORT_TEXT_WORDS:
        decided = _by_function_words(words)
        if decided:
            return decided
        chosen = fast_detector() if len(text) >= _LONG_TEXT else detector()
        detected = chosen.detect_language_of(text)
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


def _by_function_words(words: list[str]) -> str:
    """A served language whose function words make up the clear majority, or ""."""
    counts: dict[str, int] = {}
    for word in words:
        owner = _OWNER.get(word)
        if owner:
            counts[owner] = counts.get(owner, 0) + 1
    if not counts:
        return ""
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    code, hits = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if code in SERVED_LANGUAGES and hits >= _DECISIVE_HITS and hits >= 2 * runner_up + 1:
        return code
    return ""


def _by_markers(words: list[str]) -> str:
    hits = {code: sum(w in markers for w in words) for code, markers in _MARKERS.items()}
    code, count = max(hits.items(), key=lambda item: item[1])
    return code if count else ""


def is_served(code: str) -> bool:
    return code in SERVED_LANGUAGES
