import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from desk.classification.labels import DISPLAY_NAMES, LABELS, SENTIMENTS
from tickets.models import Ticket


def validate_regex(value: str) -> None:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(
            _("Not a valid regular expression: %(reason)s") % {"reason": exc}
        ) from None


class ReplyTemplate(models.Model):
    """A holding reply ("we are on it") a rule can send at once, one text per language."""

    name = models.CharField(max_length=100)
    # Blank: used for any language that has no text of its own.
    language = models.CharField(max_length=8, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(fields=["name", "language"], name="reply_template_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language or 'any'})"


class RoutingRule(models.Model):
    """One step of the ordered rule list: conditions (all must hold) and actions.

    Blank conditions match everything. Rules are evaluated in `position` order; every matching
    rule fires; the first rule that sets the queue, priority or assignee wins that field, tags
    add up, and `stop_processing` ends the evaluation.
    """

    class Author(models.TextChoices):
        ANY = "", _("Anyone")
        KNOWN = "known", _("Known contact (wrote before)")
        VIP = "vip", _("VIP")
        AMBASSADOR = "ambassador", _("Brand ambassador")

    LABEL_CHOICES = [("", _("Any")), *((label, DISPLAY_NAMES[label]) for label in LABELS)]
    SENTIMENT_CHOICES = [("", _("Any")), *((s, DISPLAY_NAMES[s]) for s in SENTIMENTS)]
    SERVICE_LEVEL_CHOICES = [("", _("Any")), ("served", _("Served")), ("monitored", _("Monitored"))]

    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0, db_index=True)
    is_active = models.BooleanField(default=True)

    # Conditions.
    channels = models.ManyToManyField("channels.Channel", blank=True, related_name="+")
    service_level = models.CharField(max_length=10, blank=True, choices=SERVICE_LEVEL_CHOICES)
    languages = models.CharField(
        max_length=60, blank=True, help_text=_("Comma-separated language codes, e.g. de,fr.")
    )
    label = models.CharField(max_length=20, blank=True, choices=LABEL_CHOICES)
    min_score = models.FloatField(default=0.5)
    sentiment = models.CharField(max_length=8, blank=True, choices=SENTIMENT_CHOICES)
    tracked_term = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("A term such as #infopark or #iico{year}; * means any of the channel's terms."),
    )
    author = models.CharField(max_length=12, blank=True, choices=Author.choices)
    text_contains = models.CharField(
        max_length=300, blank=True, help_text=_("Comma-separated words; any of them matches.")
    )
    text_regex = models.CharField(max_length=200, blank=True, validators=[validate_regex])

    # Actions.
    queue = models.ForeignKey(
        "tickets.Queue", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The ticket's own priorities, named as the ticket names them (in the reader's language).
    priority = models.PositiveSmallIntegerField(null=True, blank=True, choices=Ticket.Priority)
    tags = models.CharField(max_length=200, blank=True, help_text=_("Comma-separated tags."))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mark_netiquette = models.BooleanField(
        default=False, help_text=_("Leaves the queue without a reply.")
    )
    request_approval = models.BooleanField(default=False)
    holding_reply = models.CharField(
        max_length=100, blank=True, help_text=_("Name of a reply template sent as holding reply.")
    )
    stop_processing = models.BooleanField(default=False)

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def language_codes(self) -> list[str]:
        """The languages the rule is limited to (none: any)."""
        return [code.strip().lower() for code in self.languages.split(",") if code.strip()]
