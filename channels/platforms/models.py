"""What the commercial platforms add to the desk: edits and removals of messages, messaging
windows, API quota, and actions taken on the platform (hiding a comment, a private reply)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from channels.platforms.durations import duration_text


class MessageRevision(models.Model):
    """An edit or removal of an inbound message on its platform, recorded when we learn of it.

    An edit replaces the message's text and keeps the previous text here. A removal erases
    the text everywhere we hold it (X and Meta oblige API users to honour deletions) and
    keeps only the fact and time of the removal.
    """

    class Kind(models.TextChoices):
        EDITED = "edited", _("Edited on the platform")
        REMOVED = "removed", _("Removed on the platform")

    message = models.ForeignKey(
        "tickets.Message", on_delete=models.CASCADE, related_name="revisions"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    previous_text = models.TextField(blank=True)
    happened_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    inbound_event = models.ForeignKey(
        "channels.InboundEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["happened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "kind", "happened_at"], name="message_revision_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.kind} at {self.happened_at:%Y-%m-%d %H:%M}"


class MessagingWindow(models.Model):
    """Until when a private conversation may be answered (Messenger and Instagram: 24 hours
    after the person's last message)."""

    conversation = models.OneToOneField(
        "tickets.Conversation", on_delete=models.CASCADE, related_name="messaging_window"
    )
    closes_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.conversation_id} until {self.closes_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.closes_at > timezone.now()


class QuotaUsage(models.Model):
    """API quota units a channel spent on one day (the platform's day, e.g. Pacific time)."""

    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.CASCADE, related_name="quota_usage"
    )
    day = models.DateField()
    units = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "day"], name="quota_usage_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id} {self.day}: {self.units}"


class PlatformAction(models.Model):
    """Something staff asked the platform to do besides a reply: hide a comment, answer a
    comment privately. Recorded before the platform is called, so it happens at most once."""

    class Kind(models.TextChoices):
        HIDE_COMMENT = "hide_comment", _("Hide comment")
        PRIVATE_REPLY = "private_reply", _("Private reply")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The inbound message (a comment) the action is about.
    message = models.ForeignKey(
        "tickets.Message", on_delete=models.CASCADE, related_name="platform_actions"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="platform_actions"
    )
    text = models.TextField(blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The outbound message a private reply became.
    result_message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            # The platforms allow one private reply per comment; hiding twice is pointless.
            models.UniqueConstraint(
                fields=["message", "kind"],
                condition=~models.Q(state="failed"),
                name="platform_action_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.message_id}: {self.state}"


class StreamCursor(models.Model):
    """Where a channel's stream consumer stands (a Jetstream time, a notification id).

    Saved in the transaction that stores the events read up to it, so a consumer killed at
    any moment resumes exactly after what it stored: nothing skipped, nothing stored twice.
    Kept apart from Channel.poll_cursor, which the poller rewrites whole.
    """

    channel = models.OneToOneField(
        "channels.Channel", on_delete=models.CASCADE, related_name="stream_cursor"
    )
    cursor = models.JSONField(default=dict, blank=True)
    connected_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"stream cursor of channel {self.channel_id}"


class HealthCondition(models.Model):
    """Something wrong with a channel that the health check found, from when it was first
    seen until it was fixed. Staff are warned once when it opens, and told when it clears;
    a condition that comes back later opens anew. Its title and body are written from the
    code and params when read, in the reader's language."""

    class Code(models.TextChoices):
        TOKEN_EXPIRING = "token_expiring", _("Token expiring")
        MISSING_PERMISSIONS = "missing_permissions", _("Missing permissions")
        MISSING_SUBSCRIPTION = "missing_subscription", _("Missing webhook subscription")
        QUIET = "quiet", _("Quieter than usual")
        CHECK_FAILED = "check_failed", _("The platform refused the health check")

    channel = models.ForeignKey(
        "channels.Channel", on_delete=models.CASCADE, related_name="health_conditions"
    )
    code = models.CharField(max_length=24, choices=Code.choices)
    # What exactly was found (an expiry date, the missing permissions): a different finding
    # of the same kind closes this condition and opens another, with its own warning.
    key = models.CharField(max_length=200, blank=True)
    # The facts the title and body are written from; a name ending in _seconds is a duration.
    params = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "code"],
                condition=models.Q(cleared_at__isnull=True),
                name="health_condition_open_once",
            ),
        ]

    def __str__(self) -> str:
        state = f"cleared {self.cleared_at:%Y-%m-%d %H:%M}" if self.cleared_at else "open"
        return f"{self.channel_id} {self.code} ({state})"

    def title(self) -> str:
        shown = {
            name.removesuffix("_seconds"): duration_text(value)
            if name.endswith("_seconds")
            else value
            for name, value in self.params.items()
        }
        return str(CONDITION_TITLES[self.code]) % shown

    def body(self) -> str:
        if self.code == self.Code.MISSING_PERMISSIONS:
            needed = self.channel.adapter().required_scopes()
            return "\n".join(f"{scope}: {needed.get(scope, '')}" for scope in self.params["scopes"])
        if self.code == self.Code.CHECK_FAILED:
            return str(self.params.get("error", ""))
        return str(CONDITION_BODIES.get(self.code, ""))


CONDITION_TITLES: dict[str, Promise] = {
    HealthCondition.Code.TOKEN_EXPIRING: _(
        "The token of channel %(name)s expires on %(expires_at)s"
    ),
    HealthCondition.Code.MISSING_PERMISSIONS: _("Channel %(name)s lacks permissions: %(missing)s"),
    HealthCondition.Code.MISSING_SUBSCRIPTION: _(
        "Channel %(name)s lacks webhook subscriptions: %(missing)s"
    ),
    HealthCondition.Code.QUIET: _(
        "Channel %(name)s is quiet for %(silence)s, usually every %(usual)s"
    ),
    HealthCondition.Code.CHECK_FAILED: _(
        "The platform refused the health check of channel %(name)s"
    ),
}
CONDITION_BODIES: dict[str, Promise] = {
    HealthCondition.Code.TOKEN_EXPIRING: _(
        "Connect the account again before then, or the channel stops."
    ),
    HealthCondition.Code.MISSING_SUBSCRIPTION: _(
        "The platform sends nothing for these until they are subscribed again."
    ),
    HealthCondition.Code.QUIET: _(
        "Check the webhook subscription on the platform and that the channel's public address "
        "is reachable."
    ),
}


class PlatformCheck(models.Model):
    """What the periodic health check last learnt from a channel's platform, so the channels
    page shows it without calling out. Granted permissions go to the channel's config (under
    channels.adapters.base.GRANTED_SCOPES_KEY), where the connect flow also keeps them."""

    channel = models.OneToOneField(
        "channels.Channel", on_delete=models.CASCADE, related_name="platform_check"
    )
    checked_at = models.DateTimeField(default=timezone.now)
    # When the platform last told us the granted permissions; null if it cannot be asked.
    permissions_checked_at = models.DateTimeField(null=True, blank=True)
    # The subscriptions wanted and found; null when the channel has none the platform shows.
    subscriptions_wanted = models.JSONField(null=True, blank=True)
    subscriptions_present = models.JSONField(null=True, blank=True)
    # Why the last check could not ask the platform (empty when it could).
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"platform check of channel {self.channel_id} at {self.checked_at:%Y-%m-%d %H:%M}"


class LearnedRhythm(models.Model):
    """How often a channel's pushed deliveries usually arrive, learnt by the periodic check
    from its recent events (channels.health.rhythm): costly to compute over many events, so
    the channels page reads it from here and only the last delivery's time live."""

    channel = models.OneToOneField(
        "channels.Channel", on_delete=models.CASCADE, related_name="learned_rhythm"
    )
    learnt_at = models.DateTimeField(default=timezone.now)
    deliveries = models.PositiveIntegerField(default=0)
    # The median and the longest gap between deliveries; null with fewer than two.
    usual_seconds = models.FloatField(null=True, blank=True)
    longest_seconds = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"rhythm of channel {self.channel_id}: {self.deliveries} deliveries"
