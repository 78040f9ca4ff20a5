from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    """A thread with one contact on one channel."""

    # Looked up through the (channel, root_platform_id) index below, which leads with it.
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, related_name="conversations", db_index=False
    )
    contact = models.ForeignKey(
        "tickets.Contact", on_delete=models.PROTECT, related_name="conversations"
    )
    # The platform id of the message that started the thread; replies find their thread by it.
    root_platform_id = models.CharField(max_length=255, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=8, blank=True)
    is_private = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["channel", "root_platform_id"])]

    def __str__(self) -> str:
        return self.subject or f"Conversation {self.pk}"

    @classmethod
    def active_at(cls, pk: int, moment: datetime) -> None:
        """Something happened in the conversation at `moment` (retention counts from its last
        activity). A mention that waited in a backlog never moves back an answer sent since."""
        cls.objects.filter(pk=pk, last_activity_at__lt=moment).update(last_activity_at=moment)


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", _("Inbound")
        OUTBOUND = "out", _("Outbound")

    class Delivery(models.TextChoices):
        RECEIVED = "received", _("Received")
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Voice(models.TextChoices):
        # Who speaks: the company's official voice, or an employee's own opinion, which is
        # posted with the employee disclosure.
        COMPANY = "company", _("Company voice")
        PERSONAL = "personal", _("Personal opinion")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    # Looked up through message_unique_platform_id, which leads with it.
    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    # Null until an outbound message has been delivered; unique per channel once known, which
    # is what makes a twice-delivered platform event one message.
    platform_id = models.CharField(max_length=255, null=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    author_identity = models.ForeignKey(
        "tickets.Identity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    language = models.CharField(max_length=8, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    is_holding_reply = models.BooleanField(default=False)
    voice = models.CharField(max_length=10, choices=Voice.choices, blank=True)
    delivery_state = models.CharField(
        max_length=10, choices=Delivery.choices, default=Delivery.RECEIVED
    )
    delivery_error = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)
    received_at = models.DateTimeField(auto_now_add=True)
    inbound_event = models.ForeignKey(
        "channels.InboundEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "platform_id"], name="message_unique_platform_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.platform_id or self.pk}"
