from django.conf import settings
from django.db import models
from django.utils import timezone


class TicketPresence(models.Model):
    """Who has a ticket open right now, refreshed by the page while it stays open."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_seen_at = models.DateTimeField(default=timezone.now)
    is_composing = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="presence_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on #{self.ticket_id}"
