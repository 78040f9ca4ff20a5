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

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
