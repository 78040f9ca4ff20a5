"""Evaluate the ordered rule list against a mention: which rules fire, why, and the decision.

The first rule that sets the queue, priority or assignee wins that field; tags add up;
netiquette and approval marks are kept once any rule sets them; `stop_processing` ends the
list. With no queue set, the mention goes to the inbound desk.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from channels.terms import channel_terms, expand_terms, term_matches
from desk.classification.models import ReplyTemplate, RoutingRule
from desk.classification.routing.explanations import Because, RoutingWhy, because, routing_text
from desk.classification.routing.facts import MentionFacts
from desk.classification.types import Classification, RoutingDecision
from desk.config_snapshot import cached
from tickets.models import Queue
from tickets.services import queue_by_slug

if TYPE_CHECKING:
    from channels.adapters.base import Mention
    from channels.models import Channel

DEFAULT_QUEUE = "inbound"

# A condition answers (holds, why) for the facts at hand.
Condition = Callable[[MentionFacts], tuple[bool, Because]]


@dataclass(frozen=True)
class CompiledRule:
    id: int
    name: str
    conditions: tuple[Condition, ...]
    queue_slug: str | None
    priority: int | None
    tags: tuple[str, ...]
    assignee_id: int | None
    mark_netiquette: bool
    request_approval: bool
    holding_reply: str
    stop_processing: bool


@dataclass(frozen=True)
class RuleOutcome:
    rule_id: int
    name: str
    fired: bool
    why: tuple[Because, ...]  # every condition's verdict, up to the first that failed


@dataclass(frozen=True)
class Evaluation:
    decision: RoutingDecision
    outcomes: tuple[RuleOutcome, ...] = field(default=())


def evaluate(facts: MentionFacts, rules: list[CompiledRule] | None = None) -> Evaluation:
    rules = active_rules() if rules is None else rules
    outcomes: list[RuleOutcome] = []
    queue = priority = assignee = None
    tags: list[str] = []
    netiquette = approval = False
    holding = ""
    fired: list[CompiledRule] = []
    reasons: RoutingWhy = []
    for rule in rules:
        why: list[Because] = []
        holds = True
        for condition in rule.conditions:
            ok, explanation = condition(facts)
            why.append(explanation)
            if not ok:
                holds = False
                break
        outcomes.append(RuleOutcome(rule.id, rule.name, holds, tuple(why)))
        if not holds:
            continue
        fired.append(rule)
        reasons.append({"rule": rule.name, "because": why})
        queue = queue or rule.queue_slug
        priority = priority if priority is not None else rule.priority
        assignee = assignee if assignee is not None else rule.assignee_id
        tags += [t for t in rule.tags if t not in tags]
        netiquette = netiquette or rule.mark_netiquette
        approval = approval or rule.request_approval
        holding = holding or rule.holding_reply
        if rule.stop_processing:
            break
    decision = RoutingDecision(
        queue_slug=queue or DEFAULT_QUEUE,
        reason=routing_text(reasons, DEFAULT_QUEUE),
        why=reasons,
        priority=priority,
        tags=tuple(tags),
        netiquette_violation=netiquette,
        assignee_id=assignee,
        needs_approval=approval,
        holding_reply=render_holding_reply(holding, facts.classification.language)
        if holding and not netiquette
        else "",
        fired_rules=tuple(rule.name for rule in fired),
    )
    return Evaluation(decision=decision, outcomes=tuple(outcomes))


def render_holding_reply(template_name: str, language: str) -> str:
    texts = dict(ReplyTemplate.objects.filter(name=template_name).values_list("language", "text"))
    return texts.get(language) or texts.get("") or next(iter(texts.values()), "")


# --- compiling rules -------------------------------------------------------------------


def active_rules() -> list[CompiledRule]:
    """The active rules, compiled once per process and configuration version: any save,
    reorder or deletion of a rule (or of a queue it names) makes every process compile again."""
    return cached("routing-rules", _compile_active_rules)


def _compile_active_rules() -> list[CompiledRule]:
    rules = RoutingRule.objects.filter(is_active=True).select_related("queue")
    return [compile_rule(rule) for rule in rules.prefetch_related("channels")]


def compile_rule(rule: RoutingRule) -> CompiledRule:
    conditions: list[Condition] = []
    channel_ids = {c.pk: c.name for c in rule.channels.all()} if rule.pk else {}
    if channel_ids:
        conditions.append(_channel_condition(channel_ids))
    if rule.service_level:
        conditions.append(_equals("service_level", lambda f: f.service_level, rule.service_level))
    languages = rule.language_codes()
    if languages:
        conditions.append(_language_condition(languages))
    if rule.label:
        conditions.append(_label_condition(rule.label, rule.min_score))
    if rule.sentiment:
        conditions.append(
            _equals("sentiment", lambda f: f.classification.sentiment, rule.sentiment)
        )
    if rule.tracked_term:
        conditions.append(_term_condition(rule.tracked_term))
    if rule.author:
        conditions.append(_author_condition(rule.author))
    words = [w.strip().lower() for w in rule.text_contains.split(",") if w.strip()]
    if words:
        conditions.append(_contains_condition(words))
    if rule.text_regex:
        conditions.append(_regex_condition(re.compile(rule.text_regex, re.IGNORECASE)))
    return CompiledRule(
        id=rule.pk or 0,
        name=rule.name,
        conditions=tuple(conditions),
        queue_slug=rule.queue.slug if rule.queue is not None else None,
        priority=rule.priority,
        tags=tuple(t.strip().lower() for t in rule.tags.split(",") if t.strip()),
        assignee_id=rule.assignee_id,
        mark_netiquette=rule.mark_netiquette,
        request_approval=rule.request_approval,
        holding_reply=rule.holding_reply,
        stop_processing=rule.stop_processing,
    )


def _channel_condition(channels: dict[int, str]) -> Condition:
    def check(facts: MentionFacts) -> tuple[bool, Because]:
        name = getattr(facts.channel, "name", "")
        if facts.channel_id in channels:
            return True, because("channel", channel=name)
        return False, because("channel_not", channel=name, channels=list(channels.values()))

    return check


def _equals(what: str, get: Callable[[MentionFacts], str], wanted: str) -> Condition:
    """`what`: "service_level" or "sentiment", the verdict's code and its value's name."""
    value_name = "level" if what == "service_level" else what

    def check(facts: MentionFacts) -> tuple[bool, Because]:
        value = get(facts)
        if value == wanted:
            return True, because(what, **{value_name: wanted})
        return False, because(f"{what}_not", **{value_name: value, f"wanted_{value_name}": wanted})

    return check


def _language_condition(languages: list[str]) -> Condition:
    def check(facts: MentionFacts) -> tuple[bool, Because]:
        language = facts.classification.language
        if language in languages:
            return True, because("language", language=language)
        return False, because("language_not", language=language, languages=languages)

    return check


def _label_condition(label: str, threshold: float) -> Condition:
    def check(facts: MentionFacts) -> tuple[bool, Because]:
        score = facts.classification.labels.get(label, 0.0)
        evidence = facts.classification.reasons.get(label, "")
        if score < threshold:
            return False, because("label_below", label=label, score=score, threshold=threshold)
        if evidence:
            return True, because(
                "label", label=label, score=score, threshold=threshold, evidence=evidence
            )
        return True, because("label_bare", label=label, score=score, threshold=threshold)

    return check


def _term_condition(term: str) -> Condition:
    def check(facts: MentionFacts) -> tuple[bool, Because]:
        if term.strip() == "*":
            # The dry run may have no channel: then it follows no terms.
            candidates = channel_terms(facts.channel) if facts.channel is not None else []
        else:
            candidates = [term]
        for candidate in candidates:
            variant = term_matches(candidate, facts.text)
            if variant:
                return True, because("term", term=variant)
        if term.strip() == "*":
            return False, because("channel_terms_not")
        return False, because("term_not", terms=expand_terms([term]))

    return check


def _author_condition(kind: str) -> Condition:
    def check(facts: MentionFacts) -> tuple[bool, Because]:
        holds = facts.is_known_contact if kind == "known" else kind in facts.badges
        return holds, because("author" if holds else "author_not", author=kind)

    return check


def _contains_condition(words: list[str]) -> Condition:
    def check(facts: MentionFacts) -> tuple[bool, Because]:
        lowered = facts.text.lower()
        found = [w for w in words if w in lowered]
        if found:
            return True, because("contains", words=found)
        return False, because("contains_not", words=words)

    return check


def _regex_condition(pattern: re.Pattern[str]) -> Condition:
    def check(facts: MentionFacts) -> tuple[bool, Because]:
        match = pattern.search(facts.text)
        if match:
            return True, because("matches", pattern=pattern.pattern, match=match.group(0)[:40])
        return False, because("matches_not", pattern=pattern.pattern)

    return check


def routed_queue(slug: str) -> Queue:
    """The queue a decision names, read once per process and configuration version."""
    return cached(f"queue:{slug}", lambda: queue_by_slug(slug))


def decide(
    *, channel: Channel, mention: Mention, classification: Classification
) -> RoutingDecision:
    """Which team a new mention goes to: the first matching rules of the ordered list."""
    facts = MentionFacts(
        channel=channel,
        text=mention.text,
        classification=classification,
        author=mention.author,
        message_platform_id=mention.platform_id,
    )
    return evaluate(facts).decision
