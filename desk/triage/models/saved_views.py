from urllib.parse import urlencode

from django.conf import settings
from django.db import models


class SavedView(models.Model):
    """A named inbox filter. Without an owner it is shared with everyone (the built-in ones)."""

    name = models.CharField(max_length=80)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_inbox_views",
    )
    # The inbox's query parameters, as lists of values: {"assignee": ["me"], "sla": [...]}.
    query = models.JSONField(default=dict)
    position = models.PositiveSmallIntegerField(default=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def query_string(self) -> str:
        return urlencode({**self.query, "view": self.pk}, doseq=True)
