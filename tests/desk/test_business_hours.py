from datetime import UTC, datetime, timedelta

import pytest

from desk.sla.business_hours import BusinessCalendar
from tests.desk.business_calendars import (
    BERLIN,
    CALENDARS,
    KOLKATA,
    LORD_HOWE,
    NEW_YORK,
    at,
    weekly,
)

ADD_CASES = [
    # (calendar, start, delta, expected, why)
    (
        "berlin",
        at(BERLIN, 2026, 11, 23, 7),
        timedelta(hours=1),
        at(BERLIN, 2026, 11, 23, 10),
        "before opening",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 11, 23, 18),
        timedelta(hours=1),
        at(BERLIN, 2026, 11, 24, 10),
        "after closing",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 11, 21, 12),
        timedelta(hours=1),
        at(BERLIN, 2026, 11, 23, 10),
        "on a weekend",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 11, 23, 9),
        timedelta(hours=8),
        at(BERLIN, 2026, 11, 23, 17),
        "deadline at closing is 17:00",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 11, 23, 17),
        timedelta(hours=1),
        at(BERLIN, 2026, 11, 24, 10),
        "exactly at close",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 5, 22, 16, 30),
        timedelta(hours=24),
        at(BERLIN, 2026, 5, 28, 16, 30),
        "Friday 16:30 before Whit Monday",
    ),
    (
        "berlin",
        at(BERLIN, 2027, 3, 5, 16),
        timedelta(hours=2),
        at(BERLIN, 2027, 3, 9, 10),
        "8 March (Women's Day) on a Monday",
    ),
    (
        "berlin",
        at(BERLIN, 2028, 3, 7, 16),
        timedelta(hours=2),
        at(BERLIN, 2028, 3, 9, 10),
        "8 March on a Wednesday",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 4, 2, 16),
        timedelta(hours=2),
        at(BERLIN, 2026, 4, 7, 10),
        "Good Friday and Easter Monday",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 12, 24, 16),
        timedelta(hours=2),
        at(BERLIN, 2026, 12, 28, 10),
        "25/26 December",
    ),
    (
        "berlin",
        at(BERLIN, 2027, 12, 23, 16),
        timedelta(hours=2),
        at(BERLIN, 2027, 12, 24, 10),
        "25/26 December on a weekend",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 3, 27, 16),
        timedelta(hours=2),
        at(BERLIN, 2026, 3, 30, 10),
        "over the spring DST switch",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 10, 23, 16),
        timedelta(hours=2),
        at(BERLIN, 2026, 10, 26, 10),
        "over the autumn DST switch",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 11, 2, 9),
        timedelta(hours=80),
        at(BERLIN, 2026, 11, 13, 17),
        "two weeks",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 11, 2, 9),
        timedelta(hours=8 * 25),
        at(BERLIN, 2026, 12, 4, 17),
        "five weeks",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 11, 23, 10),
        timedelta(0),
        at(BERLIN, 2026, 11, 23, 10),
        "zero delta while open",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 11, 21, 10),
        timedelta(0),
        at(BERLIN, 2026, 11, 23, 9),
        "zero delta on a weekend",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 11, 23, 17),
        timedelta(0),
        at(BERLIN, 2026, 11, 24, 9),
        "zero delta at closing",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 11, 23, 9),
        timedelta(0),
        at(BERLIN, 2026, 11, 23, 9),
        "zero delta at opening",
    ),
    (
        "lunch",
        at(BERLIN, 2026, 11, 23, 11, 30),
        timedelta(hours=1),
        at(BERLIN, 2026, 11, 23, 13, 30),
        "over the lunch break",
    ),
    (
        "lunch",
        at(BERLIN, 2026, 11, 23, 9),
        timedelta(hours=3),
        at(BERLIN, 2026, 11, 23, 12),
        "until the lunch break",
    ),
    (
        "lunch",
        at(BERLIN, 2026, 11, 23, 12),
        timedelta(0),
        at(BERLIN, 2026, 11, 23, 13),
        "zero delta at lunch",
    ),
    (
        "night",
        at(BERLIN, 2026, 11, 23, 23),
        timedelta(hours=2),
        at(BERLIN, 2026, 11, 24, 1),
        "overnight interval",
    ),
    (
        "night",
        at(BERLIN, 2026, 11, 27, 22),
        timedelta(hours=8),
        at(BERLIN, 2026, 11, 28, 6),
        "Friday's night runs into Saturday",
    ),
    (
        "night",
        at(BERLIN, 2026, 11, 22, 12),
        timedelta(hours=1),
        at(BERLIN, 2026, 11, 23, 23),
        "Sunday waits for Monday night",
    ),
    (
        "saturday-night",
        at(BERLIN, 2026, 3, 28, 22),
        timedelta(hours=7),
        at(BERLIN, 2026, 3, 29, 6),
        "spring night is 7 real hours",
    ),
    (
        "saturday-night",
        at(BERLIN, 2026, 10, 24, 22),
        timedelta(hours=9),
        at(BERLIN, 2026, 10, 25, 6),
        "autumn night is 9 real hours",
    ),
    (
        "evening",
        at(BERLIN, 2026, 11, 23, 23),
        timedelta(hours=1),
        at(BERLIN, 2026, 11, 24, 0),
        "24:00 closes at midnight",
    ),
    (
        "evening",
        at(BERLIN, 2026, 11, 23, 23),
        timedelta(hours=2),
        at(BERLIN, 2026, 11, 24, 19),
        "after 24:00 the next evening",
    ),
    (
        "berlin-gap",
        at(BERLIN, 2026, 3, 29, 0),
        timedelta(0),
        at(BERLIN, 2026, 3, 29, 3),
        "opening in the spring gap starts at 03:00",
    ),
    (
        "berlin-gap",
        at(BERLIN, 2026, 3, 29, 0),
        timedelta(hours=2),
        at(BERLIN, 2026, 3, 29, 5),
        "gap day is two hours long",
    ),
    (
        "berlin-gap",
        at(BERLIN, 2026, 10, 25, 0),
        timedelta(hours=1),
        at(BERLIN, 2026, 10, 25, 2, 30, fold=1),
        "ambiguous opening uses the first 02:30",
    ),
    (
        "new-york",
        datetime(2026, 3, 6, 21, tzinfo=UTC),
        timedelta(hours=2),
        at(NEW_YORK, 2026, 3, 9, 10),
        "New York over its DST switch",
    ),
    (
        "kolkata",
        at(KOLKATA, 2026, 11, 21, 17),
        timedelta(hours=2),
        at(KOLKATA, 2026, 11, 23, 10, 30),
        "Kolkata, open on Saturday",
    ),
    (
        "lord-howe",
        at(LORD_HOWE, 2026, 10, 4, 0),
        timedelta(0),
        at(LORD_HOWE, 2026, 10, 4, 2, 30),
        "Lord Howe's 30-minute gap",
    ),
    (
        "lord-howe",
        at(LORD_HOWE, 2026, 10, 4, 0),
        timedelta(minutes=30),
        at(LORD_HOWE, 2026, 10, 4, 3),
        "Lord Howe's gap day",
    ),
]


@pytest.mark.parametrize(
    ("calendar", "start", "delta", "expected"),
    [case[:4] for case in ADD_CASES],
    ids=[case[4] for case in ADD_CASES],
)
def test_add_business_time(
    calendar: str, start: datetime, delta: timedelta, expected: datetime
) -> None:
    result = CALENDARS[calendar].add_business_time(start, delta)

    assert result == expected
    assert result.utcoffset() == expected.utcoffset() or start.tzinfo is UTC


BETWEEN_CASES = [
    (
        "berlin",
        at(BERLIN, 2026, 11, 20, 9),
        at(BERLIN, 2026, 11, 30, 9),
        timedelta(hours=48),
        "over a weekend",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 11, 30, 9),
        at(BERLIN, 2026, 11, 20, 9),
        timedelta(hours=-48),
        "backwards is negative",
    ),
    ("berlin", at(BERLIN, 2026, 4, 2, 0), at(BERLIN, 2026, 4, 8, 0), timedelta(hours=16), "Easter"),
    (
        "saturday-night",
        at(BERLIN, 2026, 3, 28, 12),
        at(BERLIN, 2026, 3, 29, 12),
        timedelta(hours=7),
        "spring forward",
    ),
    (
        "saturday-night",
        at(BERLIN, 2026, 10, 24, 12),
        at(BERLIN, 2026, 10, 25, 12),
        timedelta(hours=9),
        "fall back",
    ),
    (
        "berlin-gap",
        at(BERLIN, 2026, 10, 25, 0),
        at(BERLIN, 2026, 10, 26, 0),
        timedelta(hours=3, minutes=30),
        "ambiguous opening",
    ),
    (
        "lord-howe-always",
        at(LORD_HOWE, 2026, 10, 3, 12),
        at(LORD_HOWE, 2026, 10, 4, 12),
        timedelta(hours=23, minutes=30),
        "Lord Howe spring",
    ),
    (
        "lord-howe-always",
        at(LORD_HOWE, 2026, 4, 4, 12),
        at(LORD_HOWE, 2026, 4, 5, 12),
        timedelta(hours=24, minutes=30),
        "Lord Howe autumn",
    ),
    (
        "berlin",
        at(BERLIN, 2026, 11, 23, 10),
        at(BERLIN, 2026, 11, 23, 10),
        timedelta(0),
        "same instant",
    ),
]


@pytest.mark.parametrize(
    ("calendar", "a", "b", "expected"),
    [case[:4] for case in BETWEEN_CASES],
    ids=[case[4] for case in BETWEEN_CASES],
)
def test_business_time_between(
    calendar: str, a: datetime, b: datetime, expected: timedelta
) -> None:
    assert CALENDARS[calendar].business_time_between(a, b) == expected


def test_a_holiday_closes_the_part_of_an_overnight_interval_that_falls_on_it() -> None:
    calendar = BusinessCalendar.from_spec(
        {
            "timezone": "Europe/Berlin",
            "weekly": weekly([["22:00", "06:00"]]),
            "holidays": ["2026-11-24"],
        }
    )
    monday_night = calendar.business_time_between(
        at(BERLIN, 2026, 11, 23, 12), at(BERLIN, 2026, 11, 24, 12)
    )
    assert monday_night == timedelta(hours=2)


def test_a_special_day_opens_a_weekend_day() -> None:
    calendar = BusinessCalendar.from_spec(
        {
            "timezone": "Europe/Berlin",
            "weekly": weekly([["09:00", "17:00"]]),
            "special": {"2026-11-21": [["10:00", "14:00"]]},
        }
    )
    result = calendar.add_business_time(at(BERLIN, 2026, 11, 20, 16), timedelta(hours=2))
    assert result == at(BERLIN, 2026, 11, 21, 11)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        CALENDARS["berlin"].add_business_time(datetime(2026, 11, 23, 9), timedelta(hours=1))


@pytest.mark.parametrize(
    "spec",
    [
        {"timezone": "Mars/Olympus", "weekly": weekly([["09:00", "17:00"]])},
        {"timezone": "Europe/Berlin", "weekly": weekly([["24:00", "17:00"]])},
        {"timezone": "Europe/Berlin", "weekly": weekly([["09:00", "09:00"]])},
        {"timezone": "Europe/Berlin", "weekly": weekly([["9:00", "17:00"]])},
        {"timezone": "Europe/Berlin", "weekly": {"monday": [["09:00", "17:00"]]}},
        {"timezone": "Europe/Berlin", "weekly": {}},
        {
            "timezone": "Europe/Berlin",
            "weekly": weekly([["09:00", "17:00"]]),
            "holidays": ["25.12."],
        },
    ],
    ids=[
        "unknown zone",
        "24:00 opening",
        "empty interval",
        "H:MM",
        "unknown day",
        "never open",
        "bad date",
    ],
)
def test_invalid_specs_are_refused(spec: dict) -> None:
    with pytest.raises(ValueError):
        BusinessCalendar.from_spec(spec)


def test_a_spec_round_trips() -> None:
    calendar = CALENDARS["lunch"]
    assert BusinessCalendar.from_spec(calendar.to_spec()) == calendar
