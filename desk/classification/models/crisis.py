from django.conf import settings
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tickets.text import isolated


class MentionCount(models.Model):
    """Mentions and negative mentions per scope (channel or tracked term) per time bucket."""

    scope = models.CharField(max_length=140)  # "channel:12" or "term:#infopark"
    bucket_start = models.DateTimeField()
    total = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "bucket_start"], name="mention_count_bucket"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.bucket_start:%Y-%m-%d %H:%M} {self.negative}/{self.total}"


class Incident(models.Model):
    """A spike of negative mentions on one scope: one open incident per scope at a time."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    scope = models.CharField(max_length=140)
    scope_label = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the spike was measured against when the incident opened; `reason` says it in the
    # reader's language.
    window_negative = models.PositiveIntegerField(default=0)
    window_minutes = models.PositiveIntegerField(default=60)
    baseline_median = models.FloatField(default=0)
    baseline_mad = models.FloatField(default=0)
    baseline_days = models.PositiveIntegerField(default=28)
    threshold = models.FloatField(default=0)
    holding_statement = models.TextField(blank=True)
    statement_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    statement_pinned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope"],
                condition=models.Q(status="open"),
                name="incident_one_open_per_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"Incident {self.pk}: {self.scope_label}"

    @property
    def label(self) -> str:
        """What the incident is about, in the reader's language: a tracked term as it is, a
        channel as "channel <its name>" (scope_label holds the name it had then)."""
        return scope_text(self.scope, self.scope_label)

    @property
    def reason(self) -> str:
        return gettext(
            "%(count)s negative mentions in the last %(minutes)s minutes on %(scope)s; usually "
            "%(median)s at this time of day (median of %(days)s days, MAD %(mad)s), alert at "
            "%(threshold)s"
        ) % {
            "count": self.window_negative,
            "minutes": self.window_minutes,
            "scope": isolated(self.label),
            "median": _figure(self.baseline_median),
            "days": self.baseline_days,
            "mad": _figure(self.baseline_mad),
            "threshold": _figure(self.threshold),
        }


def _figure(value: float) -> str:
    """A baseline figure as a reader takes it in: one decimal at most, in their number format
    ("34,9" in German, not "34.8608")."""
    rounded = round(value, 1)
    return number_format(int(rounded) if rounded.is_integer() else rounded)


# A scope is a channel ("channel:12") or a tracked term ("term:#infopark").
CHANNEL_SCOPE_PREFIX = "channel:"
TERM_SCOPE_PREFIX = "term:"


def scope_text(scope: str, label: str) -> str:
    if scope.startswith(CHANNEL_SCOPE_PREFIX):
        return gettext("channel %(name)s") % {"name": label}
    return label


class NegativeMention(models.Model):
    """A negative mention on a scope; it joins an incident when one opens on that scope."""

    scope = models.CharField(max_length=140)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions"
    )
    message = models.ForeignKey("tickets.Message", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["scope", "at"], name="negative_mention_scope_at")]
        constraints = [
            models.UniqueConstraint(fields=["scope", "message"], name="negative_mention_once"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.message_id}"
