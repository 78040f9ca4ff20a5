import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from channels.adapters.registry import adapter_class, kind_choices
from channels.crypto import EncryptedJSONField


def new_webhook_token() -> str:
    return secrets.token_urlsafe(24)


class Channel(models.Model):
    class ServiceLevel(models.TextChoices):
        # Served: we answer, against an SLA. Monitored: followed and recorded, no SLA, no ticket.
        SERVED = "served", "Served"
        MONITORED = "monitored", "Monitored"

    kind = models.CharField(max_length=32, choices=kind_choices)
    name = models.CharField(max_length=100, unique=True)
    service_level = models.CharField(
        max_length=10, choices=ServiceLevel.choices, default=ServiceLevel.SERVED
    )
    config = models.JSONField(default=dict, blank=True)
    credentials = EncryptedJSONField(default=dict, blank=True)
    # The unguessable part of this channel's webhook URL.
    webhook_token = models.CharField(max_length=64, unique=True, default=new_webhook_token)
    is_active = models.BooleanField(default=True)
    disabled_reason = models.TextField(blank=True)
    poll_cursor = models.JSONField(default=dict, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    rejected_deliveries = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_served(self) -> bool:
        return self.service_level == self.ServiceLevel.SERVED

    def adapter(self) -> Any:
        return adapter_class(self.kind)(self)

    @property
    def webhook_path(self) -> str:
        return reverse("channel-webhook", kwargs={"token": self.webhook_token})

    @property
    def webhook_url(self) -> str:
        return f"{settings.PUBLIC_BASE_URL}{self.webhook_path}"


class InboundEvent(models.Model):
    """A raw delivery exactly as received, stored before anyone is told it arrived."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Processed"
        IGNORED = "ignored", "Ignored (known event type we do not ticket)"
        UNSUPPORTED = "unsupported", "Unsupported event type"
        FAILED = "failed", "Failed (parked after retries)"

    class Source(models.TextChoices):
        WEBHOOK = "webhook", "Webhook"
        POLL = "poll", "Poll"
        API = "api", "REST API"
        FORM = "form", "Web form"

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="inbound_events")
    source = models.CharField(max_length=10, choices=Source.choices)
    # The platform's own id for this delivery, when it has one: a replayed delivery is refused.
    delivery_id = models.CharField(max_length=255, null=True, blank=True)
    body = models.BinaryField()
    content_type = models.CharField(max_length=200, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "delivery_id"], name="inbound_event_unique_delivery"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="inbound_event_pending",
                condition=models.Q(state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}/{self.pk} {self.state}"
