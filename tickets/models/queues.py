from django.conf import settings
from django.db import models


class Queue(models.Model):
    """A team that owns tickets: the inbound desk, technical support, the press office, sales."""

    INBOUND = "inbound"
    TECHNICAL = "technical"
    COMMUNICATIONS = "communications"
    SALES = "sales"
    DEFAULT_NAMES = {
        INBOUND: "Inbound desk",
        TECHNICAL: "Technical support",
        COMMUNICATIONS: "Communications / press",
        SALES: "Sales",
    }

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    # Staff who work this queue; a user sees the tickets of their queues.
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="desk_queues"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
