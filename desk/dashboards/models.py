"""Rollups: derived counters, rebuilt at will from tickets and messages (rebuild_rollups).

Keys are plain integers, not foreign keys: a rollup row is a sum over tickets, not a record
that something refers to, and it must never block or cascade a change of the real rows.
Unassigned tickets have agent 0.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models


class Day(models.Model):
    """The local day (settings.TIME_ZONE) the tickets of a rollup row were created on."""

    day = models.DateField()

    class Meta:
        abstract = True


class DayKeys(Day):
    """A day split by channel, queue and language."""

    channel_id = models.BigIntegerField()
    queue_id = models.BigIntegerField()
    language = models.CharField(max_length=8, blank=True)

    class Meta:
        abstract = True


class Counters(models.Model):
    """Counters of the tickets created on one day.

    Each counter is the number of tickets matching the predicate of the same name in
    desk.dashboards.metrics.COUNTERS; the drill-down lists exactly those tickets.
    """

    tickets = models.PositiveIntegerField(default=0)
    ignored = models.PositiveIntegerField(default=0)
    sla = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    breached = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)
    any_breached = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    unknown_sentiment = models.PositiveIntegerField(default=0)
    # Sums over the responded tickets, for means: business seconds (net of pauses) and
    # wall-clock time from creation to the first reply.
    business_seconds = models.BigIntegerField(default=0)
    wall_time = models.DurationField(default=timedelta(0))

    class Meta:
        abstract = True


class TicketCounters(DayKeys, Counters):
    """The counters per day, channel, queue and language."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} channel {self.channel_id} queue {self.queue_id}: {self.tickets}"


class TicketDay(TicketCounters):
    """Per day, channel, queue and language: small enough to sum 90 days in milliseconds."""

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "channel_id", "queue_id", "language"], name="ticket_day_key"
            ),
        ]


class TicketAgentDay(TicketCounters):
    """The same counters split by agent (the assignee); read when agents matter."""

    agent_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agent_id", "channel_id", "queue_id", "language"],
                name="ticket_agent_day_key",
            ),
        ]
        indexes = [models.Index(fields=["agent_id", "day"], name="ticket_agent_day_agent")]


class Grouped(models.Model):
    """A rollup keyed by a grouping set (desk.dashboards.slices): `grouping` names the keys a
    row is split by ("" for the whole desk, "channel", "agent+channel", ...); the keys it is
    not split by are NULL. A page reads only the rows of the one set its filters and
    breakdown need: a few hundred rows for 90 days instead of every key combination."""

    grouping = models.CharField(max_length=40)
    channel_id = models.BigIntegerField(null=True)
    queue_id = models.BigIntegerField(null=True)
    agent_id = models.BigIntegerField(null=True)
    language = models.CharField(max_length=8, null=True)

    class Meta:
        abstract = True


class TicketGroupDay(Day, Counters, Grouped):
    """The counters of TicketAgentDay summed per day over every set of at most two keys
    (the keys as in Grouped)."""

    class Meta:
        indexes = [models.Index(fields=["grouping", "day"], name="ticket_group_day_set")]

    def __str__(self) -> str:
        return f"{self.day} {self.grouping or 'desk'}: {self.tickets}"


class ResponseBucketDay(Grouped):
    """Responded tickets per day, grouping set of at most one key, measure and response-time
    bucket (desk.dashboards.selectors.percentiles.EDGES): where each rank of a percentile
    lies, so only that bucket's tickets are read to find its exact value."""

    day = models.DateField()
    measure = models.CharField(max_length=8)
    bucket = models.PositiveSmallIntegerField()
    tickets = models.PositiveIntegerField(default=0)

    # Its index is created by migration 0004: covering on PostgreSQL.

    def __str__(self) -> str:
        return f"{self.day} {self.grouping} {self.measure} bucket {self.bucket}: {self.tickets}"


class MentionGroupDay(Grouped):
    """Mentions per day summed over the grouping sets the volume tables read (by channel and
    language, by hour of the day alone or with one of them)."""

    day = models.DateField()
    hour = models.PositiveSmallIntegerField(null=True)
    mentions = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["grouping", "day"], name="mention_group_day_set")]

    def __str__(self) -> str:
        return f"{self.day} {self.grouping}: {self.mentions}"


class MentionHour(models.Model):
    """Inbound messages (mentions) per local day, hour, channel and language."""

    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    channel_id = models.BigIntegerField()
    language = models.CharField(max_length=8, blank=True)
    mentions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "hour", "channel_id", "language"], name="mention_hour_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.hour:02d}h channel {self.channel_id}: {self.mentions}"


class RollupState(models.Model):
    """The one row that says up to when the rollups have taken changes in."""

    refreshed_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    # PostgreSQL: the snapshot that run began with, as text (see rollups).
    snapshot = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"rollups refreshed {self.refreshed_at}"
