"""Staff corrections: every re-route, relabel or netiquette mark is a labelled example, which
trains the model once someone who may edit policies has accepted it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from desk.classification.labels import LABELS, NETIQUETTE, PRESS, SALES_LEAD, SENTIMENTS, TECHNICAL
from desk.classification.models import TicketDecision, TrainingExample
from tickets.models import Message, Queue, Ticket, TicketEvent

# What moving a ticket to a queue says about it: to Sales means "a sales lead, not a technical
# question nor a press inquiry"; back to the inbound desk means none of the three.
QUEUE_LABELS: dict[str, str] = {
    Queue.TECHNICAL: TECHNICAL,
    Queue.COMMUNICATIONS: PRESS,
    Queue.SALES: SALES_LEAD,
}


class CorrectionError(ValueError):
    """A correction that cannot be recorded; the message says why."""


def record_correction(
    *,
    ticket: Ticket,
    actor: Any,
    queue_slug: str | None = None,
    labels: dict[str, bool] | None = None,
    sentiment: str | None = None,
    netiquette: bool | None = None,
) -> TrainingExample:
    """Apply a staff correction to the ticket and keep it as a training example, pending review.

    None means "unchanged". A second correction of the same ticket updates its example, which
    waits for a review again.
    """
    queue = _check(queue_slug=queue_slug, labels=labels, sentiment=sentiment)
    if queue is None and labels is None and sentiment is None and netiquette is None:
        raise CorrectionError("Nothing to correct: give a queue, labels, a sentiment or a mark.")
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        decided = _current_labels(ticket)
        if queue is not None and queue.pk != ticket.queue_id:
            old = ticket.queue.slug
            ticket.queue = queue
            ticket.save(update_fields=["queue", "updated_at"])
            TicketEvent.record(ticket, "rerouted", actor=actor, old=old, new=queue.slug)
        if queue is not None:
            for slug, label in QUEUE_LABELS.items():
                decided[label] = queue.slug == slug
        if netiquette is not None:
            decided[NETIQUETTE] = netiquette
            _mark_netiquette(ticket, actor, netiquette)
        if labels is not None:
            decided.update(labels)
            TicketEvent.record(
                ticket,
                "relabelled",
                actor=actor,
                new=", ".join(label for label in LABELS if decided.get(label)) or "none",
            )
        if sentiment is not None and sentiment != ticket.sentiment:
            TicketEvent.record(
                ticket, "sentiment", actor=actor, old=ticket.sentiment, new=sentiment
            )
            ticket.sentiment = sentiment
            ticket.save(update_fields=["sentiment", "updated_at"])
        first = (
            ticket.conversation.messages.filter(direction=Message.Direction.INBOUND)
            .order_by("created_at", "id")
            .first()
        )
        example, _ = TrainingExample.objects.update_or_create(
            ticket=ticket,
            defaults={
                "text": first.text if first else ticket.subject,
                "language": ticket.language,
                "labels": {label: bool(decided.get(label)) for label in LABELS},
                "sentiment": ticket.sentiment,
                "source": "correction",
                "created_by": actor if getattr(actor, "is_authenticated", False) else None,
                "review": TrainingExample.Review.PENDING,
                "reviewed_by": None,
                "reviewed_at": None,
            },
        )
    return example


def review_correction(*, example: TrainingExample, reviewer: Any, accept: bool) -> TrainingExample:
    """Accept a correction as training data, or reject it; the next training reads the answer."""
    example.review = TrainingExample.Review.ACCEPTED if accept else TrainingExample.Review.REJECTED
    example.reviewed_by = reviewer
    example.reviewed_at = timezone.now()
    example.save(update_fields=["review", "reviewed_by", "reviewed_at", "updated_at"])
    return example


def _check(
    *, queue_slug: str | None, labels: dict[str, bool] | None, sentiment: str | None
) -> Queue | None:
    queue = None
    if queue_slug is not None:
        queue = Queue.objects.filter(slug=queue_slug).first()
        if queue is None:
            raise CorrectionError(f"There is no queue {queue_slug!r}.")
    if labels is not None and set(labels) - set(LABELS):
        unknown = ", ".join(sorted(set(labels) - set(LABELS)))
        raise CorrectionError(f"Unknown labels: {unknown}. Known: {', '.join(LABELS)}.")
    if sentiment is not None and sentiment not in SENTIMENTS:
        raise CorrectionError(f"Sentiment must be one of {', '.join(SENTIMENTS)}.")
    return queue


def _current_labels(ticket: Ticket) -> dict[str, bool]:
    example = TrainingExample.objects.filter(ticket=ticket).first()
    if example is not None:
        return dict(example.labels)
    decision = TicketDecision.objects.filter(ticket=ticket).first()
    scores = decision.labels if decision else {}
    return {label: scores.get(label, 0.0) >= 0.5 for label in LABELS}


def _mark_netiquette(ticket: Ticket, actor: Any, violation: bool) -> None:
    if violation and ticket.status != Ticket.Status.IGNORED:
        if not ticket.can_move_to(Ticket.Status.IGNORED):
            raise CorrectionError(f"A {ticket.get_status_display()} ticket cannot be marked.")
        ticket.set_status(
            Ticket.Status.IGNORED, actor=actor, note=gettext_noop("netiquette: marked by staff")
        )
    elif not violation and ticket.status == Ticket.Status.IGNORED:
        ticket.set_status(
            Ticket.Status.OPEN, actor=actor, note=gettext_noop("netiquette mark removed")
        )
