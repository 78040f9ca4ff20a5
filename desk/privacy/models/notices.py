from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LANGUAGE_CHOICES = settings.LANGUAGES


class NoticeInUse(Exception):
    """A notice version that was given to someone is a record: supersede it, never edit it."""


class NoticeMethod(models.TextChoices):
    FIRST_REPLY = "first_reply", _("Sent with the first reply")
    WEB_FORM = "web_form", _("Shown on the web form before submitting")
    PUBLIC_LINK = "public_link", _("Linked in a public reply")
    CHANNEL_PROFILE = "channel_profile", _("Shown in the channel profile")


# Methods whose notice travels in a message we send, so the reply service carries it.
SENT_METHODS = (NoticeMethod.FIRST_REPLY, NoticeMethod.PUBLIC_LINK)


class RetentionNoticeQuerySet(models.QuerySet["RetentionNotice"]):
    def update(self, **kwargs: Any) -> int:
        if ConversationNotice.objects.filter(notice__in=self).exists():
            raise NoticeInUse("A notice version that was given cannot be changed.")
        return super().update(**kwargs)


class RetentionNotice(models.Model):
    """One version of what we tell people about storing their data, in one language."""

    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES)
    version = models.PositiveIntegerField()
    text = models.TextField()
    retention_days = models.PositiveIntegerField(
        help_text=_("Personal data is kept this many days after the conversation's last activity.")
    )
    legal_basis = models.CharField(max_length=300)
    published_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RetentionNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["language", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["language", "version"], name="notice_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.language} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.is_used():
            raise NoticeInUse(f"Notice {self} was given to people; supersede it instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_used():
            raise NoticeInUse(f"Notice {self} was given to people and stays on record.")
        return super().delete(*args, **kwargs)

    @property
    def retention_period(self) -> timedelta:
        return timedelta(days=self.retention_days)

    def is_used(self) -> bool:
        return self.pk is not None and self.records.exists()


class ConversationNotice(models.Model):
    """Which notice a conversation's person was given: version, language, channel, how, when."""

    conversation = models.OneToOneField(
        "tickets.Conversation", on_delete=models.CASCADE, related_name="retention_notice"
    )
    notice = models.ForeignKey(RetentionNotice, on_delete=models.PROTECT, related_name="records")
    language = models.CharField(max_length=8)
    channel = models.ForeignKey("channels.Channel", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=20, choices=NoticeMethod.choices)
    given_at = models.DateTimeField()
    # The message that carried the notice: our reply, our standalone message, or the person's
    # own first message sent from the form or profile that showed it.
    message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["notice"], name="notice_record_notice")]

    def __str__(self) -> str:
        return f"{self.notice} on conversation {self.conversation_id}"


class ChannelNoticeConfig(models.Model):
    """How one channel gives the notice. A channel without one sends it with the first reply."""

    channel = models.OneToOneField(
        "channels.Channel", on_delete=models.CASCADE, related_name="notice_config"
    )
    method = models.CharField(
        max_length=20, choices=NoticeMethod.choices, default=NoticeMethod.FIRST_REPLY
    )
    # The notice's language when a conversation's language is unknown or has no notice.
    default_language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default="en")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.channel}: {self.get_method_display()}"


class NoticeInTransit(models.Model):
    """A notice that travels in an outbound message not yet delivered.

    It becomes the conversation's ConversationNotice when the platform accepts the message:
    a notice in a message that never reached the person was not given.
    """

    message = models.OneToOneField(
        "tickets.Message", on_delete=models.CASCADE, related_name="notice_in_transit"
    )
    conversation = models.ForeignKey(
        "tickets.Conversation", on_delete=models.CASCADE, related_name="+"
    )
    notice = models.ForeignKey(RetentionNotice, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=20, choices=NoticeMethod.choices)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.notice} in message {self.message_id}"
