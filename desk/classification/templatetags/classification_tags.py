"""Small pieces other pages include: crisis banner, similar questions, badges, the decision."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy

from desk.access import visible_queue_ids
from desk.classification import ambassadors
from desk.classification.forms import CorrectionForm
from desk.classification.incidents import mention_count, open_incidents
from desk.classification.labels import DISPLAY_NAMES, LABELS, SENTIMENTS
from desk.classification.models import TicketDecision
from desk.classification.routing.engine import DEFAULT_QUEUE, routed_queue
from desk.classification.routing.explanations import RoutingWhy, routing_html, verdict_html
from desk.classification.similar import similar_to_ticket
from desk.classification.types import Classification

register = template.Library()


@register.inclusion_tag("classification/_crisis_banner_list.html")
def crisis_banner() -> dict[str, Any]:
    return {
        "incidents": [
            {"incident": incident, "mentions": mention_count(incident)}
            for incident in open_incidents()
        ]
    }


@register.inclusion_tag("classification/_similar_list.html", takes_context=True)
def similar_questions(context: dict[str, Any], ticket: Any) -> dict[str, Any]:
    queue_ids = context.get("queue_ids")  # the ticket page has them already
    if queue_ids is None:
        queue_ids = visible_queue_ids(context["request"].user)
    return {"similar": similar_to_ticket(ticket, queue_ids=queue_ids)}


@register.inclusion_tag("classification/_badge_list.html")
def contact_badges(contact: Any) -> dict[str, Any]:
    return {"badges": ambassadors.confirmed_badges(contact.pk) if contact else []}


# What the model's features and the layers are called on the ticket page.
_CUE_NAMES = {
    "signal:why_question": gettext_lazy("a “why …?” question"),
    "signal:polite_and_negative": gettext_lazy("thanks or praise beside a complaint"),
    "signal:shouting": gettext_lazy("capital letters"),
    "signal:link": gettext_lazy("a link"),
    "xurl": gettext_lazy("a link"),
    "xuser": gettext_lazy("a mention of an account"),
}
_SOURCES = {"model": gettext_lazy("trained model"), "lexicon": gettext_lazy("word list")}


def _cue(feature: str) -> str:
    if feature in _CUE_NAMES:
        return str(_CUE_NAMES[feature])
    if feature.startswith("lexicon:"):
        return gettext("a word from the “%(list)s” list") % {"list": feature[8:]}
    words = feature.replace("xemoji ", "").replace("not ", "¬").strip()
    for token, name in _CUE_NAMES.items():
        words = words.replace(token, str(name))
    return f"“{words}”"


def explain(evidence: dict[str, Any] | None) -> dict[str, str]:
    """The layer that decided and its cues, in the reader's language ("" when unknown)."""
    if not evidence:
        return {"source": "", "cues": ""}
    return {
        "source": str(_SOURCES.get(evidence.get("source", ""), "")),
        "cues": ", ".join(_cue(str(c)) for c in evidence.get("cues", ())),
    }


def decision_of(ticket: Any) -> TicketDecision | None:
    """The ticket's decision: read with the ticket where the page asked for it, else now."""
    try:
        decision: TicketDecision = ticket.decision
    except TicketDecision.DoesNotExist:
        return None
    return decision


@register.simple_tag
def routing_explanation(ticket: Any) -> SafeString:
    """Why the ticket went to its queue, in the reader's language."""
    decision = decision_of(ticket)
    if decision is None:
        return format_html("{}", "–")
    if decision.routing_why is None:  # recorded before the verdicts were kept: its English
        return format_html("<bdi>{}</bdi>", decision.routing_reason or "–")
    return routing_html(decision.routing_why, _default_queue_name())


@register.filter
def routing_words(why: RoutingWhy) -> SafeString:
    """A routing decision's verdicts (the dry run's), in the reader's language."""
    return routing_html(why, _default_queue_name())


def _default_queue_name() -> str:
    """Where a mention goes when no rule fires, by the name people know it by."""
    return routed_queue(DEFAULT_QUEUE).name


@register.filter
def verdicts(why: Any) -> SafeString:
    """One rule's verdicts, in the reader's language."""
    return format_html_join("; ", "{}", ((verdict_html(verdict),) for verdict in why))


@register.inclusion_tag("classification/_decision.html", takes_context=True)
def ticket_decision(context: dict[str, Any], ticket: Any) -> dict[str, Any]:
    decision = decision_of(ticket)
    described = (
        {"labels": [], "sentiment": {}}
        if decision is None
        else _described(decision.labels, decision.sentiment, decision.reasons, decision.evidence)
    )
    return {
        "ticket": ticket,
        "decision": decision,
        **described,
        "form": CorrectionForm(initial={"queue": ticket.queue.slug}),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def classification_words(classification: Classification) -> dict[str, Any]:
    """A classification (the dry run's) as the ticket page words its decision."""
    return _described(
        classification.labels,
        classification.sentiment,
        classification.reasons,
        classification.evidence(),
    )


def _described(
    labels: dict[str, float], sentiment: str, reasons: dict[str, str], evidence: dict[str, Any]
) -> dict[str, Any]:
    """Labels by score, and the sentiment, each named and explained in the reader's language."""
    return {
        "labels": [
            {
                "name": DISPLAY_NAMES.get(label, label),
                "score": score,
                "why": reasons.get(label, ""),
                **explain(evidence.get(label)),
            }
            for label, score in sorted(labels.items(), key=lambda item: -item[1])
        ],
        "sentiment": {
            "name": str(DISPLAY_NAMES.get(sentiment, sentiment)),
            **explain(evidence.get("sentiment")),
        },
    }


@register.filter
def queue_name(slug: str) -> str:
    """The queue a decision names, by the name people know it by."""
    return routed_queue(slug).name


@register.filter
def label_name(value: str) -> str:
    """A label or sentiment as pages call it, in the reader's language."""
    return str(DISPLAY_NAMES.get(value, value))


# The columns of a version's scores, in this order: a key of ClassifierVersion.metrics is
# "<test set> <column>" (desk.classification.learning.evaluation.evaluate_model).
_SCORE_COLUMNS: tuple[tuple[str, Any], ...] = (
    *((label, DISPLAY_NAMES[label]) for label in LABELS),
    *((f"sentiment:{s}", DISPLAY_NAMES[s]) for s in SENTIMENTS),
    ("sentiment macro", gettext_lazy("Sentiment, macro average")),
)


@register.inclusion_tag("classification/_scores.html")
def version_scores(metrics: dict[str, float]) -> dict[str, Any]:
    """F1 per test set (rows) and label (columns); a set that does not test a label has none."""
    by_set: dict[str, dict[str, float]] = {}
    for key, f1 in metrics.items():
        test_set, _, column = key.partition(" ")
        by_set.setdefault(test_set, {})[column] = f1
    tested = {column for scores in by_set.values() for column in scores}
    columns = [(key, name) for key, name in _SCORE_COLUMNS if key in tested]
    return {
        "columns": [name for _, name in columns],
        "rows": [
            (test_set, [scores.get(key) for key, _ in columns])
            for test_set, scores in by_set.items()
        ],
    }
