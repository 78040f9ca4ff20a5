import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from channels import channel_cache
from channels.crypto import EncryptedJSONField
from channels.registry import adapter_class, kind_choices


def new_webhook_token() -> str:
    return secrets.token_urlsafe(24)


# (channel id, webhook token) -> when this process last wrote last_success_at (see
# Channel.mark_success). The token tells apart a new channel given an id used before (SQLite
# hands out the ids of rolled-back rows again).
_success_marked_at: dict[tuple[int, str], datetime] = {}
SUCCESS_MARK_SECONDS = 60
# Channel.health's words as the channels pages show them.
HEALTH_LABELS = {
    "disabled": _("disabled"),
    "failing": _("failing"),
    "ok": _("working"),
    "new": _("no delivery yet"),
}


class ChannelQuerySet(models.QuerySet["Channel"]):
    def for_webhook(self, token: str) -> "Channel | None":
        """The active channel whose webhook URL holds `token`, from the cache when it can be.

        Only the columns the webhook path reads are loaded (channels.channel_cache); reading
        any other one loads it from the database."""
        row = self._webhook_row(token)
        if row is None:
            return None
        pk, kind, config, stored_credentials = row
        credentials: Any = self.model._meta.get_field("credentials")
        return self.model.from_db(
            DEFAULT_DB_ALIAS,
            ["id", "kind", "config", "credentials", "webhook_token", "is_active"],
            [
                pk,
                kind,
                dict(config),  # a copy: the cached row outlives this request
                credentials.from_db_value(stored_credentials, None, None),
                token,
                True,
            ],
        )

    def webhook_kind(self, token: str) -> str | None:
        """The kind of the active channel whose webhook URL holds `token` (what its body limit
        depends on), without building the channel or decrypting its credentials."""
        row = self._webhook_row(token)
        return None if row is None else row[1]

    def _webhook_row(self, token: str) -> channel_cache.CachedRow | None:
        row = channel_cache.recall(token)
        if row is None:
            row = (
                self.filter(webhook_token=token, is_active=True)
                .annotate(stored_credentials=Cast("credentials", models.TextField()))
                .values_list("pk", "kind", "config", "stored_credentials")
                .first()
            )
            if row is None:
                return None
            channel_cache.remember(token, row)
        return row

    def disable(self, reason: str, *, params: dict[str, str] | None = None, **fields: Any) -> int:
        """Switch the channels off, saying why: a platform's error as it came, or a reason of
        ours marked for translation with its facts in `params` (see Channel.why_disabled)."""
        return self.update(
            is_active=False,
            disabled_reason=reason,
            disabled_reason_params=params or {},
            **fields,
        )

    def update(self, **kwargs: Any) -> int:
        """Forgets the cached webhook columns of the channels it changes (channel_cache)."""
        if not channel_cache.ACK_COLUMNS.intersection(kwargs):
            return super().update(**kwargs)
        tokens = list(self.values_list("webhook_token", flat=True))
        updated = super().update(**kwargs)
        channel_cache.forget(tokens)
        return updated


class Channel(models.Model):
    class ServiceLevel(models.TextChoices):
        # Served: we answer, against an SLA. Monitored: followed and recorded, no SLA, no ticket.
        SERVED = "served", _("Served")
        MONITORED = "monitored", _("Monitored")

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
    # Why the channel stopped: a platform's own error as it came, or one of ours written for
    # translation (gettext_noop) with its facts in disabled_reason_params; see why_disabled.
    disabled_reason = models.TextField(blank=True)
    disabled_reason_params = models.JSONField(default=dict, blank=True)
    # Hashtags, keywords and handles followed on this channel; `#iico{year}` is a template.
    tracked_terms = models.JSONField(default=list, blank=True)
    poll_cursor = models.JSONField(default=dict, blank=True)
    # Seconds between polls; null means the adapter's default.
    poll_interval_seconds = models.PositiveIntegerField(null=True, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now)
    # A lease, not a transaction: one worker polls a channel at a time on every database,
    # and a crashed worker's lease simply runs out.
    poll_lease_until = models.DateTimeField(null=True, blank=True)
    poll_lease_token = models.CharField(max_length=32, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    rejected_deliveries = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(
                fields=["next_poll_at"], name="channel_poll_due", condition=models.Q(is_active=True)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def mark_success(self) -> None:
        """Record that the channel worked, at most once a minute: a spike of webhooks must
        not queue up on this one row, nor pay a round trip each to learn it need not.

        Each process writes at most once a minute per channel without asking the database;
        the condition on the row keeps several processes to one write a minute between them.
        """
        now = timezone.now()
        key = (self.pk, self.webhook_token)
        marked = _success_marked_at.get(key)
        if marked is not None and timedelta(0) <= now - marked < timedelta(
            seconds=SUCCESS_MARK_SECONDS
        ):
            return
        _success_marked_at[key] = now
        Channel.objects.filter(pk=self.pk).filter(
            models.Q(last_success_at__isnull=True)
            | models.Q(last_success_at__lt=now - timedelta(seconds=SUCCESS_MARK_SECONDS))
        ).update(last_success_at=now)

    @property
    def why_disabled(self) -> str:
        """The reason in the reader's language where it is ours; a platform's text stays as it
        came (gettext returns text it has no translation for unchanged)."""
        if not self.disabled_reason:
            return ""
        reason = gettext(self.disabled_reason)
        return reason % self.disabled_reason_params if self.disabled_reason_params else reason

    @property
    def effective_poll_interval(self) -> int:
        return self.poll_interval_seconds or adapter_class(self.kind).default_poll_interval

    @property
    def health(self) -> str:
        """One word for lists: disabled, failing, ok or new."""
        if not self.is_active:
            return "disabled"
        if self.last_error_at and (
            self.last_success_at is None or self.last_error_at > self.last_success_at
        ):
            return "failing"
        return "ok" if self.last_success_at else "new"

    @property
    def health_label(self) -> str:
        return str(HEALTH_LABELS[self.health])

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
        PENDING = "pending", _("Pending")
        DONE = "done", _("Processed")
        IGNORED = "ignored", _("Ignored (known event type we do not ticket)")
        UNSUPPORTED = "unsupported", _("Unsupported event type")
        FAILED = "failed", _("Failed (parked after retries)")

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("Webhook")
        POLL = "poll", _("Poll")
        API = "api", _("REST API")
        FORM = "form", _("Web form")
        STREAM = "stream", _("Stream")

    # Looked up through inbound_event_unique_delivery and inbound_event_rhythm, which lead with
    # it: an index of its own made every acknowledgement write one more.
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="inbound_events", db_index=False
    )
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
            # Channel health counts the events not for us, and shows the latest reason.
            models.Index(
                fields=["channel", "-id"],
                name="inbound_event_unsupported",
                condition=models.Q(state="unsupported"),
            ),
            # Channel health learns each channel's usual delivery rhythm from recent events.
            models.Index(fields=["channel", "received_at"], name="inbound_event_rhythm"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}/{self.pk} {self.state}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Content-addressed, so storing the same file twice writes the same path.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file that came with an inbound message; the bytes live under MEDIA_ROOT."""

    message = models.ForeignKey(
        "tickets.Message", on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)
    file = models.FileField(upload_to=attachment_path, max_length=200, blank=True)
    # Where the platform keeps the file, when it did not send the bytes.
    url = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.size} bytes)"


class DeliveryAttempt(models.Model):
    """One try to deliver an outbound message, committed before the platform is called.

    An attempt without an outcome is the trace of a crash mid-send: the next try asks the
    platform whether the reply went out before sending it again.
    """

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        FOUND = "found", _("Found already posted")
        RETRY = "retry", _("Transient error, retried")
        FAILED = "failed", _("Failed")

    message = models.ForeignKey(
        "tickets.Message", on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["message", "-started_at"], name="delivery_attempt_latest")]

    def __str__(self) -> str:
        return f"{self.message_id} {self.outcome or 'in flight'}"
