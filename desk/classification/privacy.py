"""What classification keeps about a person, removed by erasure and retention (steps in
settings.PRIVACY_EXTRA_ERASURE_STEPS, run by the privacy app inside its transaction).

Kept on purpose: crisis counts (MentionCount, NegativeMention) and incidents hold figures,
times and links to messages whose texts the privacy app removes, no text or name of their own.
"""

from __future__ import annotations

from desk.classification import similar
from desk.classification.models import (
    ContactBadge,
    ConversationDocument,
    EngagementTally,
    TicketDecision,
    TrainingExample,
)
from desk.privacy.services.redaction import REDACTED, RedactionScope
from tickets.models import Message


def redact_search_index(scope: RedactionScope) -> int:
    """The similar-questions index: the scope's conversations leave it; a thread where the
    person also wrote is indexed again without their words."""
    changed, _ = ConversationDocument.objects.filter(pk__in=scope.conversation_ids).delete()
    if scope.contact_ids:
        authors = scope.identity_ids()
        elsewhere = (
            Message.objects.filter(
                author_identity_id__in=authors, direction=Message.Direction.INBOUND
            )
            .exclude(conversation_id__in=scope.conversation_ids)
            .values_list("conversation_id", flat=True)
            .distinct()
        )
        changed += similar.rebuild_documents(
            conversation_ids=sorted(elsewhere), leave_out_authors=authors
        )
    return changed


def redact_training_examples(scope: RedactionScope) -> int:
    """Staff corrections keep a copy of the message they corrected: those examples go (an
    example without its text teaches nothing). Models trained earlier keep what they learned
    until the next training."""
    deleted, _ = TrainingExample.objects.filter(
        ticket__conversation_id__in=scope.conversation_ids
    ).delete()
    return deleted


def redact_ticket_decisions(scope: RedactionScope) -> int:
    """Labels and sentiment stay for the figures; the reasons go, as they quote the words
    that matched."""
    return TicketDecision.objects.filter(ticket__conversation_id__in=scope.conversation_ids).update(
        reasons={}, evidence={}, routing_reason=REDACTED, routing_why=None
    )


def redact_engagement(scope: RedactionScope) -> int:
    """A person's engagement tally and badges (ambassador, VIP) profile them: they go with
    their contact record."""
    tallies, _ = EngagementTally.objects.filter(contact_id__in=scope.contact_ids).delete()
    badges, _ = ContactBadge.objects.filter(contact_id__in=scope.contact_ids).delete()
    return tallies + badges
