from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class TrainingExample(models.Model):
    """A labelled text from a staff decision: a re-route, a relabel or a netiquette mark.

    It trains the model only once someone who may edit policies has accepted it: one hasty
    or mistaken correction, counted eight times a seed post, can move a label for everyone.
    """

    class Review(models.TextChoices):
        PENDING = "pending", _("pending review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    text = models.TextField()
    language = models.CharField(max_length=8, blank=True)
    labels = models.JSONField(default=dict)  # label -> bool, for every label
    sentiment = models.CharField(max_length=8, blank=True)
    # One example per ticket: a second correction of the same ticket replaces the first.
    ticket = models.OneToOneField(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_example",
    )
    source = models.CharField(max_length=20, default="correction")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review = models.CharField(max_length=8, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]


class ClassifierVersion(models.Model):
    """One trained model, stored with its checksum; at most one is active (rollback = activate)."""

    number = models.PositiveIntegerField(unique=True)
    artifact = models.BinaryField()
    checksum = models.CharField(max_length=64)
    is_active = models.BooleanField(default=False)
    trained_at = models.DateTimeField(auto_now_add=True)
    example_count = models.PositiveIntegerField(default=0)
    correction_count = models.PositiveIntegerField(default=0)
    # F1 per test set and label ('<set> <label>' -> F1), computed when trained.
    metrics = models.JSONField(default=dict, blank=True)
    # Why it was trained, as the desk wrote it (marked for translation, read by note_text).
    note = models.CharField(max_length=200, blank=True)
    # Who asked for it on the classifier page; empty for the periodic and command trainings.
    requested_by = models.CharField(max_length=150, blank=True)
    # Why the quality gate refused to activate it (emptied when it is activated).
    gate_report = models.TextField(blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="classifier_one_active_version",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    @property
    def note_text(self) -> str:
        """Why it was trained, in the reader's language, with who asked for it."""
        if self.requested_by:
            return gettext("requested by %(name)s") % {"name": self.requested_by}
        return gettext(self.note) if self.note else ""
