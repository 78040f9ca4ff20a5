"""Which team a new mention goes to, and how it is treated there.

The ordered, editable rule list lives in `desk.classification.routing`; `decide` keeps the
signature the ingestion path calls, and every decision keeps its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from channels.adapters.base import Mention
    from channels.models import Channel
    from desk.classify import Classification


@dataclass(frozen=True)
class RoutingDecision:
    queue_slug: str
    reason: str
    priority: int | None = None  # None: the ticket's default priority
    tags: tuple[str, ...] = ()
    netiquette_violation: bool = False  # leaves the queue without a reply
    assignee_id: int | None = None
    needs_approval: bool = False
    holding_reply: str = ""  # text of a holding reply to send at once, if a rule asks for it
    fired_rules: tuple[str, ...] = field(default=())


def decide(
    *, channel: Channel, mention: Mention, classification: Classification
) -> RoutingDecision:
    from desk.classification.routing.engine import evaluate
    from desk.classification.routing.facts import MentionFacts

    facts = MentionFacts(
        channel=channel,
        text=mention.text,
        classification=classification,
        author=mention.author,
        message_platform_id=mention.platform_id,
    )
    return evaluate(facts).decision
