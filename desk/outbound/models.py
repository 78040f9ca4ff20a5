"""What the outbound gate keeps: the confidential terms it blocks, and replies waiting for a
spokesperson's approval."""

from django.conf import settings
from django.db import models


class ConfidentialTerm(models.Model):
    """A word or phrase that must never appear in a reply (managed by admins)."""

    term = models.CharField(max_length=200, unique=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["term"]
        # Created by the triage app, which held the gate before desk.outbound existed.
        db_table = "triage_confidentialterm"

    def __str__(self) -> str:
        return self.term


class ReplyApproval(models.Model):
    """A public reply drafted by someone who may not post it, waiting for a spokesperson."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    voice = models.CharField(max_length=10)
    is_holding = models.BooleanField(default=False)
    reason = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        db_table = "triage_replyapproval"
        indexes = [
            models.Index(
                fields=["created_at"],
                name="approval_pending",
                condition=models.Q(state="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"Approval {self.pk} on #{self.ticket_id} ({self.state})"
