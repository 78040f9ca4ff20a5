"""What classification and routing decide about a mention, as plain values.

The ingestion pipeline, the rule engine, the dry run and the evaluation all pass these around;
they import nothing, so every module of the package can use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Classification:
    language: str
    # Label -> score in [0, 1]: "technical", "press", "sales_lead", "netiquette".
    labels: dict[str, float] = field(default_factory=dict)
    sentiment: str = ""  # "negative" / "neutral" / "positive", or "" when unknown
    # Label -> why (the rule, the matched words, or the model and its score).
    reasons: dict[str, str] = field(default_factory=dict)
    # Label or "sentiment" -> the words or features that decided it, for people to read.
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Label or "sentiment" -> "model" or "lexicon": which layer decided it.
    sources: dict[str, str] = field(default_factory=dict)

    def has(self, label: str, threshold: float = 0.5) -> bool:
        return self.labels.get(label, 0.0) >= threshold

    def evidence(self) -> dict[str, dict[str, Any]]:
        """Which layer decided each label and the sentiment, and on which cues: as a ticket's
        decision keeps it (TicketDecision.evidence) and pages word it."""
        return {
            name: {"source": source, "cues": list(self.cues.get(name, ()))}
            for name, source in self.sources.items()
            if name in self.labels or name == "sentiment"
        }


@dataclass(frozen=True)
class RoutingDecision:
    """Which team a new mention goes to, and how it is treated there; always with its reason."""

    queue_slug: str
    reason: str
    priority: int | None = None  # None: the ticket's default priority
    tags: tuple[str, ...] = ()
    netiquette_violation: bool = False  # leaves the queue without a reply
    assignee_id: int | None = None
    # Replies on the ticket need a spokesperson's approval (the outbound gate reads it).
    needs_approval: bool = False
    holding_reply: str = ""  # text of a holding reply to send at once, if a rule asks for it
    fired_rules: tuple[str, ...] = field(default=())
    # `reason`'s verdicts as JSON, for the reader's language (routing.explanations).
    why: list[dict[str, Any]] = field(default_factory=list)
