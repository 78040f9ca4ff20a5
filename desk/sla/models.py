"""SLA configuration (calendars, policies, targets) and its records (pauses, events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from desk.sla.business_hours import DAY_NAMES, BusinessCalendar, parse_time
from tickets.models import Ticket


@dataclass(frozen=True)
class Targets:
    first_response: timedelta
    next_response: timedelta
    resolution: timedelta | None
    # After a holding reply: the business time within which we come back with the answer.
    follow_up: timedelta = timedelta(hours=24)


def default_weekly_hours() -> dict[str, list[list[str]]]:
    office = [["09:00", "17:00"]]
    return {day: (office if day not in ("sat", "sun") else []) for day in DAY_NAMES}


class Calendar(models.Model):
    """Business hours in a time zone, with public holidays and the company's own days."""

    name = models.CharField(max_length=100, unique=True)
    timezone = models.CharField(max_length=64, default="Europe/Berlin")
    weekly_hours = models.JSONField(
        default=default_weekly_hours,
        help_text=_(
            'Per day a list of [open, close] pairs, e.g. {"mon": [["09:00", "17:00"]]}. '
            'A close earlier than the open runs past midnight; "24:00" closes at midnight.'
        ),
    )
    holiday_country = models.CharField(
        max_length=3, blank=True, help_text=_("ISO country whose public holidays close the desk.")
    )
    holiday_subdivision = models.CharField(
        max_length=10, blank=True, help_text=_("State or region, e.g. BE for Berlin.")
    )
    # Bumped on every change, so cached arithmetic tables know they are stale.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            BusinessCalendar.from_spec({"timezone": self.timezone, "weekly": self.weekly_hours})
        except ValueError as exc:
            raise ValidationError({"weekly_hours": str(exc)}) from None
        if self.holiday_subdivision and not self.holiday_country:
            raise ValidationError({"holiday_country": "A subdivision needs its country."})
        if self.holiday_country:
            try:
                holidays.country_holidays(
                    self.holiday_country, subdiv=self.holiday_subdivision or None, years=2026
                )
            except NotImplementedError:
                raise ValidationError(
                    {"holiday_country": f"No public holidays known for {self.holiday_country}."}
                ) from None
            except ValueError as exc:
                raise ValidationError({"holiday_subdivision": str(exc)}) from None


class CalendarDay(models.Model):
    """A company closing day (24 December, say) or an extra opening day."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed")
        OPEN = "open", _("Extra opening")

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.CLOSED)
    every_year = models.BooleanField(default=False, help_text=_("Repeat on this day every year."))
    opens = models.CharField(max_length=5, blank=True, help_text=_("HH:MM, for extra openings."))
    closes = models.CharField(max_length=5, blank=True, help_text=_("HH:MM or 24:00."))
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.kind != self.Kind.OPEN:
            return
        try:
            opens, closes = parse_time(self.opens), parse_time(self.closes, closing=True)
        except ValueError as exc:
            raise ValidationError({"opens": str(exc)}) from None
        if opens == closes:
            raise ValidationError({"closes": "An opening needs a closing time after it."})


class SlaPolicy(models.Model):
    """Targets for the tickets of a queue and/or channel, counted in a calendar's hours.

    The most specific active policy applies: queue and channel, then channel, then queue,
    then the default (neither).
    """

    name = models.CharField(max_length=100, unique=True)
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="policies")
    queue = models.ForeignKey(
        "tickets.Queue", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.ForeignKey(
        "channels.Channel", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    first_response_minutes = models.PositiveIntegerField(
        default=24 * 60, help_text=_("Business minutes to the first public or holding reply.")
    )
    next_response_minutes = models.PositiveIntegerField(
        default=24 * 60, help_text=_("Business minutes to answer each further customer message.")
    )
    resolution_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Business minutes to resolution; empty for none.")
    )
    follow_up_minutes = models.PositiveIntegerField(
        default=3 * 8 * 60,
        help_text=_(
            "Business minutes from a holding reply to the answer it promises "
            "(default three 8-hour business days)."
        ),
    )
    warning_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=80,
        help_text=_("At risk once this share of a target is used."),
    )
    warning_minutes_left = models.PositiveIntegerField(
        null=True, blank=True, default=60, help_text=_("At risk once this many minutes are left.")
    )
    notify_managers = models.BooleanField(default=True)
    raise_priority_on_breach = models.BooleanField(default=True)
    escalate_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Reassign breached tickets to this person."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.warning_percent is not None and not 1 <= self.warning_percent <= 100:
            raise ValidationError({"warning_percent": _("Between 1 and 100.")})
        if 0 in (self.first_response_minutes, self.next_response_minutes, self.follow_up_minutes):
            raise ValidationError(_("Response targets must be at least one minute."))

    def targets_for(self, priority: int) -> Targets:
        override = next((t for t in self.targets.all() if t.priority == priority), None)
        source: Any = override or self
        resolution = source.resolution_minutes
        return Targets(
            first_response=timedelta(minutes=source.first_response_minutes),
            next_response=timedelta(minutes=source.next_response_minutes),
            resolution=None if resolution is None else timedelta(minutes=resolution),
            follow_up=timedelta(minutes=self.follow_up_minutes),
        )

    def warning_lead(self, budget: timedelta) -> timedelta | None:
        """Business time left at which a clock with this budget becomes at risk."""
        return _warning_lead(self.warning_percent, self.warning_minutes_left, budget)


@lru_cache(maxsize=1024)
def _warning_lead(
    percent: int | None, minutes_left: int | None, budget: timedelta
) -> timedelta | None:
    leads = []
    if percent is not None:
        leads.append(budget * (100 - percent) / 100)
    if minutes_left is not None:
        leads.append(timedelta(minutes=minutes_left))
    if not leads:
        return None
    return timedelta(seconds=int(max(leads).total_seconds()))


class SlaTarget(models.Model):
    """Targets for one priority, overriding the policy's own."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(choices=Ticket.Priority)
    first_response_minutes = models.PositiveIntegerField()
    next_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["priority"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_per_priority"),
        ]

    def __str__(self) -> str:
        return f"{self.policy} / {self.get_priority_display()}"


class SlaPause(models.Model):
    """A time the ticket waited on the customer; its business time moved the due times."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="sla_pauses"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    business_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"#{self.ticket_id} paused {self.started_at:%Y-%m-%d %H:%M}"


class SlaEvent(models.Model):
    """A warning or breach of one clock of one ticket, recorded exactly once."""

    class Target(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First response")
        NEXT_RESPONSE = "next_response", _("Next response")
        RESOLUTION = "resolution", _("Resolution")
        FOLLOW_UP = "follow_up", _("Follow-up after a holding reply")

    class Kind(models.TextChoices):
        WARNING = "warning", _("At risk")
        BREACH = "breach", _("Breached")

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="sla_events"
    )
    target = models.CharField(max_length=16, choices=Target.choices)
    # Which next-response clock (the ticket's n-th); 0 for first response and resolution.
    round = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "target", "round", "kind"], name="sla_event_once"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.target} {self.kind}"
