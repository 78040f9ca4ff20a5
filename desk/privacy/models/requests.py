from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataSubjectRequest(models.Model):
    """That a person's access or erasure request was fulfilled: by whom, when, how much.

    It deliberately holds none of the person's data: the identifiers searched are kept only as
    a keyed digest, so the request can be matched when the person asks again, not read back.
    """

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access (GDPR art. 15)")
        ERASURE = "erasure", _("Erasure (GDPR art. 17)")

    class Via(models.TextChoices):
        DESK = "desk", _("Desk")
        API = "api", _("REST API")
        COMMAND = "command", _("Management command")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    via = models.CharField(max_length=10, choices=Via.choices)
    subject_digest = models.CharField(max_length=64, db_index=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fulfilled_by_name = models.CharField(max_length=150, blank=True)
    fulfilled_at = models.DateTimeField(auto_now_add=True)
    # How much was exported or erased, by kind of record: {"messages": 12, "identities": 2}.
    counts = models.JSONField(default=dict)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-fulfilled_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class ConversationRedaction(models.Model):
    """A conversation whose personal data is gone, by retention or by an erasure request."""

    class Reason(models.TextChoices):
        RETENTION = "retention", _("Retention period ended")
        ERASURE = "erasure", _("Erasure request")

    conversation = models.OneToOneField(
        "tickets.Conversation", on_delete=models.CASCADE, related_name="redaction"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    redacted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Conversation {self.conversation_id} redacted ({self.reason})"
