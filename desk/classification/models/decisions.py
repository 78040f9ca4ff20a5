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
    # The routing reason in full (the ticket keeps its first 300 characters).
    routing_reason = models.TextField(blank=True)
    needs_approval = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Decision for #{self.ticket_id}"
