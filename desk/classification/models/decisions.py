from django.db import models


class TicketDecision(models.Model):
    """Why a ticket was classified and routed as it was: labels, scores, reasons, fired rules."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="decision", primary_key=True
    )
    language = models.CharField(max_length=8, blank=True)
    labels = models.JSONField(default=dict)  # label -> score
    sentiment = models.CharField(max_length=8, blank=True)
    reasons = models.JSONField(default=dict)  # label -> why
    # Label or "sentiment" -> {"source": "model" | "lexicon", "cues": [words or features]}:
    # what the ticket page shows, in the reader's language, as the reason for a label.
    evidence = models.JSONField(default=dict, blank=True)
    fired_rules = models.JSONField(default=list)  # rule names, in order
    # Why it went to its queue, in English: the record, and all an older decision has.
    routing_reason = models.TextField(blank=True)
    # The same as verdicts (routing.explanations), for pages to word in the reader's language;
    # None for a decision recorded before they were kept.
    routing_why = models.JSONField(null=True, blank=True)
    needs_approval = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Decision for #{self.ticket_id}"
