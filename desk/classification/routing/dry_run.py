"""The dry run: which rules would fire for a text or a stored message, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desk.classification.classifier import classify_text
from desk.classification.routing.engine import Evaluation, evaluate
from desk.classification.routing.facts import MentionFacts
from desk.classification.types import Classification
from tickets.models import Message


@dataclass(frozen=True)
class DryRun:
    text: str = ""
    channel: Any = None
    classification: Classification | None = None
    evaluation: Evaluation | None = None
    error: str = ""


def dry_run(*, text: str, message_id: int | None, channel: Any, language_hint: str = "") -> DryRun:
    contact_id = None
    platform_id = ""
    if message_id:
        message = (
            Message.objects.select_related("channel", "author_identity")
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return DryRun(error=f"There is no message {message_id}.")
        text, channel = message.text, message.channel
        language_hint = language_hint or ""
        platform_id = message.platform_id or ""
        if message.author_identity is not None:
            contact_id = message.author_identity.contact_id
    classification = classify_text(text, language_hint=language_hint)
    facts = MentionFacts(
        channel=channel,
        text=text,
        classification=classification,
        known_contact_id=contact_id,
        message_platform_id=platform_id,
    )
    return DryRun(
        text=text, channel=channel, classification=classification, evaluation=evaluate(facts)
    )
