"""Why a rule held or failed, worded in the reader's language.

The engine records each condition's verdict as a code and its values, plain JSON kept with the
ticket's decision. The English sentence stored beside it (the record, and what an API or a log
reads), the ticket page and the dry run all word that verdict here, each in its own language.
Most values are the mention's and the rules' own words: on a page each is escaped and isolated,
so a right-to-left override in a post cannot turn the sentence around. Scores and the names of
our own vocabulary (labels, sentiments, service levels) are only escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from desk.classification.labels import LABEL_NAMES

# A condition's verdict: a code of _SENTENCES and its values.
Because = tuple[str, dict[str, Any]]
# The fired rules in order, each with its verdicts: [{"rule": name, "because": [[code, {}]]}].
# Empty: no rule fired and the mention went to the default queue.
RoutingWhy = list[dict[str, Any]]

_SENTENCES: dict[str, str] = {
    "channel": gettext_noop("channel is %(channel)s"),
    "channel_not": gettext_noop("channel %(channel)s is not one of %(channels)s"),
    "service_level": gettext_noop("service level is %(level)s"),
    "service_level_not": gettext_noop("service level is %(level)s, not %(wanted_level)s"),
    "sentiment": gettext_noop("sentiment is %(sentiment)s"),
    "sentiment_not": gettext_noop("sentiment is %(sentiment)s, not %(wanted_sentiment)s"),
    "language": gettext_noop("language is %(language)s"),
    "language_not": gettext_noop("language %(language)s is not one of %(languages)s"),
    "label": gettext_noop("%(label)s %(score)s ≥ %(threshold)s (%(evidence)s)"),
    "label_bare": gettext_noop("%(label)s %(score)s ≥ %(threshold)s"),
    "label_below": gettext_noop("%(label)s %(score)s < %(threshold)s"),
    "term": gettext_noop("tracked term %(term)s mentioned"),
    "term_not": gettext_noop("%(terms)s not mentioned"),
    "channel_terms_not": gettext_noop("none of the channel's tracked terms mentioned"),
    "author": gettext_noop("author is %(author)s"),
    "author_not": gettext_noop("author is not %(author)s"),
    "contains": gettext_noop("text contains %(words)s"),
    "contains_not": gettext_noop("text contains none of %(words)s"),
    "matches": gettext_noop("text matches /%(pattern)s/ at %(match)s"),
    "matches_not": gettext_noop("text does not match /%(pattern)s/"),
}
_RULE = gettext_noop("rule %(rule)s: %(because)s")
_ALWAYS = gettext_noop("always")
_NO_RULE = gettext_noop("no rule fired: %(queue)s")
_UNKNOWN = gettext_noop("unknown")

# Values that are names of our own vocabulary, worded with the same messages as the forms'
# choices (so they are translated once).
_LEVELS = {"served": gettext_noop("Served"), "monitored": gettext_noop("Monitored")}
_AUTHORS = {
    "known": gettext_noop("Known contact (wrote before)"),
    "vip": gettext_noop("VIP"),
    "ambassador": gettext_noop("Brand ambassador"),
}
_SENTIMENTS = {
    "negative": gettext_noop("Negative"),
    "neutral": gettext_noop("Neutral"),
    "positive": gettext_noop("Positive"),
}
_VOCABULARY: dict[str, dict[str, str]] = {
    "label": LABEL_NAMES,
    "level": _LEVELS,
    "wanted_level": _LEVELS,
    "author": _AUTHORS,
    "sentiment": _SENTIMENTS,
    "wanted_sentiment": _SENTIMENTS,
}
_SCORES = ("score", "threshold")
_QUOTED = ("words", "match")


def because(code: str, **values: Any) -> Because:
    if code not in _SENTENCES:
        raise KeyError(f"no sentence for the routing verdict {code!r}")
    return code, values


@dataclass(frozen=True)
class _Wording:
    """How one explanation is worded: the English record, or the page in the reader's
    language."""

    say: Callable[[str], str]  # a message in the language wanted
    value: Callable[[str, bool], str]  # a value, by whether it is ours (escaped, isolated)
    text: Callable[[str], str]  # the sentence itself
    number: Callable[[float], str]  # a score
    # The classifier's shorthand for why a label scored ("model v1 0.91 (lexicon/de …)"):
    # the record keeps it; a page says it in the reader's words beside the explanation
    # (the ticket's "why it is here", the dry run's labels), so the sentence leaves it out.
    evidence: bool


def routing_text(why: RoutingWhy, default_queue: str) -> str:
    """The explanation as English text: the record kept with the decision."""
    return _routing(why, default_queue, _RECORD)


def routing_html(why: RoutingWhy, default_queue: str) -> SafeString:
    """The explanation in the active language, each value escaped and isolated."""
    return mark_safe(_routing(why, default_queue, _PAGE))  # noqa: S308  # nosec B308 B703 - every part escaped below


def verdict_html(verdict: Sequence[Any]) -> SafeString:
    """One condition's verdict (the dry run's rule trace), in the active language."""
    code, values = verdict
    return mark_safe(_sentence(code, values, _PAGE))  # noqa: S308  # nosec B308 B703


def _routing(why: RoutingWhy, default_queue: str, wording: _Wording) -> str:
    say, text = wording.say, wording.text
    if not why:
        return text(say(_NO_RULE)) % {"queue": wording.value(default_queue, False)}
    return " | ".join(
        text(say(_RULE))
        % {
            "rule": wording.value(rule["rule"], False),
            "because": "; ".join(
                _sentence(code, values, wording) for code, values in rule["because"]
            )
            or text(say(_ALWAYS)),
        }
        for rule in why
    )


def _sentence(code: str, values: dict[str, Any], wording: _Wording) -> str:
    if code == "label" and not wording.evidence:
        code = "label_bare"
        values = {name: given for name, given in values.items() if name != "evidence"}
    return wording.text(wording.say(_SENTENCES[code])) % {
        name: wording.value(*_word(name, given, wording)) for name, given in values.items()
    }


def _word(name: str, given: Any, wording: _Wording) -> tuple[str, bool]:
    """The value as words, and whether they are ours (not the mention's or a rule's)."""
    if name in _SCORES:
        return wording.number(float(given)), True
    if isinstance(given, list):
        return ", ".join(f"'{item}'" if name in _QUOTED else str(item) for item in given), False
    if name in _QUOTED:
        return f"'{given}'", False
    if given in ("", None):
        return wording.say(_UNKNOWN), True
    vocabulary = _VOCABULARY.get(name)
    if vocabulary is not None and given in vocabulary:
        return wording.say(vocabulary[given]), True
    return str(given), False


def _as_is(message: str) -> str:
    return message


def _plain(word: str, ours: bool) -> str:
    return word


def _isolated(word: str, ours: bool) -> str:
    return conditional_escape(word) if ours else format_html("<bdi>{}</bdi>", word)


def _two_places(score: float) -> str:
    return f"{score:.2f}"


def _local_two_places(score: float) -> str:
    # As the page's own figures (floatformat): the same score must not read 0,98 in the
    # routing and 0,99 beside its label.
    return str(floatformat(score, 2))


_RECORD = _Wording(say=_as_is, value=_plain, text=str, number=_two_places, evidence=True)
_PAGE = _Wording(
    say=gettext,
    value=_isolated,
    text=conditional_escape,
    number=_local_two_places,
    evidence=False,
)
