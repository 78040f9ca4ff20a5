from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EngagementTally(models.Model):
    """How a contact has engaged with us so far, kept up to date as messages arrive."""

    contact = models.OneToOneField(
        "tickets.Contact", on_delete=models.CASCADE, related_name="engagement", primary_key=True
    )
    positive = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    netiquette = models.PositiveIntegerField(default=0)
    last_positive_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.contact_id}: +{self.positive} -{self.negative}"


class ContactBadge(models.Model):
    """A brand ambassador (suggested, then confirmed by a manager) or a VIP."""

    class Kind(models.TextChoices):
        AMBASSADOR = "ambassador", _("Brand ambassador")
        VIP = "vip", _("VIP")

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    contact = models.ForeignKey("tickets.Contact", on_delete=models.CASCADE, related_name="badges")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    reason = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "kind"], name="contact_badge_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.status})"
