from django.conf import settings
from django.db import models


class Note(models.Model):
    """An internal note on a ticket: seen by staff only, never sent, never an SLA response."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note on #{self.ticket_id}"
