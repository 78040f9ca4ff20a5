"""The default service level: 24 business hours on Berlin working days, 09:00-17:00.

The data migration creates it on a new database; this function recreates it where it was
removed (a flushed test database, a demo someone emptied by hand).
"""

from __future__ import annotations

from datetime import date

from desk.sla.models import Calendar, CalendarDay, SlaPolicy, default_weekly_hours

DEFAULT_CALENDAR = "Berlin office hours"
DEFAULT_POLICY = "Default"


def ensure_default_policy() -> SlaPolicy:
    calendar, created = Calendar.objects.get_or_create(
        name=DEFAULT_CALENDAR,
        defaults={
            "timezone": "Europe/Berlin",
            "weekly_hours": default_weekly_hours(),
            "holiday_country": "DE",
            "holiday_subdivision": "BE",
        },
    )
    if created:
        for day, name in ((24, "Christmas Eve"), (31, "New Year's Eve")):
            CalendarDay.objects.create(
                calendar=calendar, date=date(2000, 12, day), every_year=True, name=name
            )
    policy, _ = SlaPolicy.objects.get_or_create(
        name=DEFAULT_POLICY, defaults={"calendar": calendar}
    )
    return policy
