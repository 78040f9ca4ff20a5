"""Calendars the business-hours tests share."""

from datetime import datetime
from zoneinfo import ZoneInfo

import holidays

from desk.sla.business_hours import BusinessCalendar

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def weekly(hours: list[list[str]], days: tuple[str, ...] = WEEKDAYS) -> dict:
    return {day: hours for day in days}


BERLIN_HOLIDAYS = sorted(
    day.isoformat() for day in holidays.country_holidays("DE", subdiv="BE", years=range(2025, 2029))
)
CALENDARS = {
    "berlin": BusinessCalendar.from_spec(
        {
            "timezone": "Europe/Berlin",
            "weekly": weekly([["09:00", "17:00"]]),
            "holidays": BERLIN_HOLIDAYS,
        }
    ),
    "lunch": BusinessCalendar.from_spec(
        {"timezone": "Europe/Berlin", "weekly": weekly([["09:00", "12:00"], ["13:00", "17:00"]])}
    ),
    "night": BusinessCalendar.from_spec(
        {"timezone": "Europe/Berlin", "weekly": weekly([["22:00", "06:00"]])}
    ),
    "saturday-night": BusinessCalendar.from_spec(
        {"timezone": "Europe/Berlin", "weekly": {"sat": [["22:00", "06:00"]]}}
    ),
    "evening": BusinessCalendar.from_spec(
        {"timezone": "Europe/Berlin", "weekly": weekly([["18:00", "24:00"]])}
    ),
    "berlin-gap": BusinessCalendar.from_spec(
        {"timezone": "Europe/Berlin", "weekly": {"sun": [["02:30", "05:00"]]}}
    ),
    "new-york": BusinessCalendar.from_spec(
        {"timezone": "America/New_York", "weekly": weekly([["09:00", "17:00"]])}
    ),
    "kolkata": BusinessCalendar.from_spec(
        {"timezone": "Asia/Kolkata", "weekly": weekly([["09:30", "18:00"]], (*WEEKDAYS, "sat"))}
    ),
    "lord-howe": BusinessCalendar.from_spec(
        {"timezone": "Australia/Lord_Howe", "weekly": {"sun": [["02:10", "03:00"]]}}
    ),
    "lord-howe-always": BusinessCalendar.from_spec(
        {
            "timezone": "Australia/Lord_Howe",
            "weekly": weekly([["00:00", "24:00"]], (*WEEKDAYS, "sat", "sun")),
        }
    ),
}


def at(zone: ZoneInfo, *parts: int, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=zone, fold=fold)  # type: ignore[misc]
