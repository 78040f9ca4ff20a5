"""From a Calendar row to the pure BusinessCalendar, cached per process by version."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import holidays
from django.utils import timezone

from desk.sla.business_hours import BusinessCalendar
from desk.sla.models import Calendar, CalendarDay

# Public holidays are generated for this many years around today; due times further out
# than that are counted without holidays (and a ticket open that long has bigger problems).
HOLIDAY_YEARS_BACK = 5
HOLIDAY_YEARS_AHEAD = 10
_CACHE_SIZE = 64

_cache: dict[tuple[int, int, int], BusinessCalendar] = {}
_lock = threading.Lock()


def business_calendar(calendar: Calendar) -> BusinessCalendar:
    """The arithmetic for this calendar row, built once per (calendar, version, year)."""
    key = (calendar.pk, calendar.version, timezone.now().year)
    found = _cache.get(key)
    if found is not None:
        return found
    built = BusinessCalendar.from_spec(calendar_spec(calendar, days=list(calendar.days.all())))
    with _lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[key] = built
    return built


def calendar_spec(calendar: Calendar, *, days: list[CalendarDay]) -> dict[str, Any]:
    """The BusinessCalendar spec of a calendar: its hours, public and company holidays."""
    this_year = timezone.now().year
    years = range(this_year - HOLIDAY_YEARS_BACK, this_year + HOLIDAY_YEARS_AHEAD + 1)
    closed: set[date] = set()
    if calendar.holiday_country:
        closed.update(
            holidays.country_holidays(
                calendar.holiday_country,
                subdiv=calendar.holiday_subdivision or None,
                years=years,
            )
        )
    special: dict[str, list[list[str]]] = {}
    for day in days:
        for when in _occurrences(day, years):
            if day.kind == CalendarDay.Kind.OPEN:
                special[when.isoformat()] = [[day.opens, day.closes]]
            else:
                closed.add(when)
    return {
        "timezone": calendar.timezone,
        "weekly": calendar.weekly_hours,
        "holidays": sorted(closed),
        "special": special,
    }


def _occurrences(day: CalendarDay, years: range) -> list[date]:
    if not day.every_year:
        return [day.date]
    found = []
    for year in years:
        try:
            found.append(day.date.replace(year=year))
        except ValueError:  # 29 February in a common year
            continue
    return found
