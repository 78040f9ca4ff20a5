from django.db import models


class CannedReply(models.Model):
    """A reusable answer. Placeholders: {name}, {first_name}, {agent}, {ticket}."""

    title = models.CharField(max_length=100)
    text = models.TextField()
    # Offered on this queue's tickets only, or everywhere when empty.
    queue = models.ForeignKey(
        "tickets.Queue", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=8, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title
