"""Business-time arithmetic over a weekly calendar with holidays, in the calendar's own zone.

Pure: no ORM, no settings, no clock. A calendar is a frozen value built from a spec such as

    {"timezone": "Europe/Berlin",
     "weekly": {"mon": [["09:00", "17:00"]], ..., "sat": [], "sun": []},
     "holidays": ["2026-12-25"],
     "special": {"2026-12-27": [["10:00", "14:00"]]}}

Several intervals a day are allowed; an interval whose close is earlier than its open runs
past midnight into the next day; "24:00" closes at midnight. A holiday closes the whole local
calendar day, including the part of an overnight interval that spills into it. A "special"
date replaces the weekly hours of that date (and wins over a holiday): an extra opening day.

Instants are handled as integer microseconds since the epoch, so arithmetic is exact. The
calendar lazily builds a table of its open intervals for a span of years (real instants, with
a running total of business time before each) and answers every question with two bisections
on it: no loop over minutes or days at query time.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_SECOND_US = 1_000_000
# Years the first table covers around the first instant asked about; grown on demand.
_YEARS_AROUND = 1

Interval = tuple[int, int]  # (open, close) in minutes after local midnight; close may wrap


@dataclass(frozen=True)
class _Table:
    """Open intervals of the years [first_year, last_year] as real instants (µs)."""

    first_year: int
    last_year: int
    low: int
    high: int
    starts: list[int]
    ends: list[int]
    cum_before: list[int]
    cum_end: list[int]

    @property
    def total(self) -> int:
        return self.cum_end[-1] if self.cum_end else 0


@dataclass(frozen=True)
class BusinessCalendar:
    zone: ZoneInfo
    weekly: tuple[tuple[Interval, ...], ...]
    holidays: frozenset[date] = frozenset()
    special: tuple[tuple[date, tuple[Interval, ...]], ...] = ()
    _cache: dict[str, _Table] = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError("weekly hours need exactly seven days")
        if not any(self.weekly) and not any(hours for _, hours in self.special):
            raise ValueError("a calendar needs some opening hours")

    # -- construction -------------------------------------------------------------------

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> BusinessCalendar:
        if not isinstance(spec, Mapping):
            raise ValueError("a calendar spec is a mapping")
        unknown = set(spec) - {"timezone", "weekly", "holidays", "special"}
        if unknown:
            raise ValueError(f"unknown calendar keys: {', '.join(sorted(unknown))}")
        zone = _zone(spec.get("timezone"))
        weekly_spec = spec.get("weekly") or {}
        if not isinstance(weekly_spec, Mapping):
            raise ValueError("weekly hours are a mapping of day names to intervals")
        unknown_days = set(weekly_spec) - set(DAY_NAMES)
        if unknown_days:
            raise ValueError(f"unknown days: {', '.join(sorted(unknown_days))}")
        weekly = tuple(_intervals(weekly_spec.get(day) or [], day) for day in DAY_NAMES)
        holidays = frozenset(_date(value) for value in spec.get("holidays") or [])
        special_spec = spec.get("special") or {}
        if not isinstance(special_spec, Mapping):
            raise ValueError("special days are a mapping of dates to intervals")
        special = tuple(
            sorted(
                (_date(day), _intervals(hours or [], str(day)))
                for day, hours in special_spec.items()
            )
        )
        return cls(zone=zone, weekly=weekly, holidays=holidays, special=special)

    def to_spec(self) -> dict[str, Any]:
        return {
            "timezone": self.zone.key,
            "weekly": {
                day: _format(hours) for day, hours in zip(DAY_NAMES, self.weekly, strict=True)
            },
            "holidays": sorted(day.isoformat() for day in self.holidays),
            "special": {day.isoformat(): _format(hours) for day, hours in self.special},
        }

    # -- queries --------------------------------------------------------------------------

    def add_business_time(self, start: datetime, delta: timedelta) -> datetime:
        """The earliest instant at which `delta` of business time has elapsed since `start`.

        A zero delta gives `start` when the calendar is open then, otherwise the next opening.
        The result is in the time zone of `start`.
        """
        at = _micros(start)
        amount = delta // _MICROSECOND
        if amount < 0:
            raise ValueError("add_business_time needs a non-negative delta")
        table = self._table(at, at)
        if amount == 0:
            index = bisect_right(table.starts, at) - 1
            if index >= 0 and at < table.ends[index]:
                return start
            while index + 1 >= len(table.starts):
                table = self._extend(table)
                index = bisect_right(table.starts, at) - 1
            return _datetime(table.starts[index + 1], start.tzinfo)
        while True:
            wanted = self._cum(table, at) + amount
            if wanted <= table.total:
                return _datetime(self._instant_at(table, wanted), start.tzinfo)
            table = self._extend(table)

    def subtract_business_time(self, end: datetime, delta: timedelta) -> datetime:
        """The earliest instant from which only `delta` of business time remains until `end`.

        Used for warnings: "one business hour before the due time".
        """
        at = _micros(end)
        amount = delta // _MICROSECOND
        if amount < 0:
            raise ValueError("subtract_business_time needs a non-negative delta")
        table = self._table(at, at)
        wanted = self._cum(table, at) - amount
        while wanted <= 0:
            table = self._extend(table, backwards=True)
            wanted = self._cum(table, at) - amount
        return _datetime(self._instant_at(table, wanted), end.tzinfo)

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Business time from `a` to `b`; negative when `b` is before `a`."""
        first, second = _micros(a), _micros(b)
        table = self._table(min(first, second), max(first, second))
        return timedelta(microseconds=self._cum(table, second) - self._cum(table, first))

    def is_open(self, at: datetime) -> bool:
        micros = _micros(at)
        table = self._table(micros, micros)
        index = bisect_right(table.starts, micros) - 1
        return index >= 0 and micros < table.ends[index]

    # -- the interval table ---------------------------------------------------------------

    @staticmethod
    def _cum(table: _Table, at: int) -> int:
        index = bisect_right(table.starts, at) - 1
        if index < 0:
            return 0
        return table.cum_before[index] + min(at, table.ends[index]) - table.starts[index]

    @staticmethod
    def _instant_at(table: _Table, wanted: int) -> int:
        """The earliest instant by which `wanted` (0 < wanted <= total) µs have passed."""
        index = bisect_left(table.cum_end, wanted)
        return table.ends[index] - (table.cum_end[index] - wanted)

    def _table(self, low: int, high: int) -> _Table:
        table = self._cache.get("table")
        if table is not None and table.low <= low and high < table.high:
            return table
        first = _year_of(low) - _YEARS_AROUND
        last = _year_of(high) + _YEARS_AROUND
        if table is not None:
            first, last = min(first, table.first_year), max(last, table.last_year)
        return self._build(first, last)

    def _extend(self, table: _Table, *, backwards: bool = False) -> _Table:
        span = table.last_year - table.first_year + 1
        if backwards:
            return self._build(table.first_year - span, table.last_year)
        return self._build(table.first_year, table.last_year + span)

    def _build(self, first_year: int, last_year: int) -> _Table:
        if first_year < 2 or last_year > 9998:
            raise ValueError("business time beyond the years 2-9998 is not supported")
        with self._lock:
            cached = self._cache.get("table")
            if cached and cached.first_year <= first_year and cached.last_year >= last_year:
                return cached
            table = _build_table(self, first_year, last_year)
            self._cache["table"] = table
            return table


def _build_table(calendar: BusinessCalendar, first_year: int, last_year: int) -> _Table:
    first_day, after_last = date(first_year, 1, 1), date(last_year + 1, 1, 1)
    special = dict(calendar.special)
    pieces: list[tuple[datetime, datetime]] = []
    day = first_day - timedelta(days=1)  # its overnight interval may spill into the span
    while day < after_last:
        hours = special.get(day, calendar.weekly[day.weekday()])
        for opens, closes in hours:
            begin = datetime.combine(day, datetime.min.time()) + timedelta(minutes=opens)
            length = (closes - opens) % MINUTES_PER_DAY or MINUTES_PER_DAY
            pieces.extend(_split_at_midnight(begin, begin + timedelta(minutes=length)))
        day += timedelta(days=1)
    kept = sorted(
        (start, end)
        for start, end in pieces
        if first_day <= start.date() < after_last
        and (start.date() in special or start.date() not in calendar.holidays)
    )
    starts: list[int] = []
    ends: list[int] = []
    for local_start, local_end in kept:
        start, end = _instant(local_start, calendar.zone), _instant(local_end, calendar.zone)
        if end <= start:
            continue
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    cum_before: list[int] = []
    cum_end: list[int] = []
    total = 0
    for start, end in zip(starts, ends, strict=True):
        cum_before.append(total)
        total += end - start
        cum_end.append(total)
    low = _instant(datetime.combine(first_day, datetime.min.time()), calendar.zone)
    high = _instant(datetime.combine(after_last, datetime.min.time()), calendar.zone)
    return _Table(first_year, last_year, low, high, starts, ends, cum_before, cum_end)


def _split_at_midnight(start: datetime, end: datetime) -> Iterable[tuple[datetime, datetime]]:
    """Pieces of a local interval, one per calendar day, so holidays can drop whole days."""
    while start < end:
        midnight = datetime.combine(start.date() + timedelta(days=1), datetime.min.time())
        piece_end = min(end, midnight)
        yield start, piece_end
        start = piece_end


def _instant(local: datetime, zone: ZoneInfo) -> int:
    """Microseconds since the epoch of a local wall-clock time.

    An ambiguous time (autumn) is its first occurrence. A time in the spring-forward gap does
    not exist; it becomes the first valid instant after it, the moment of the switch.
    """
    first = local.replace(tzinfo=zone, fold=0)
    micros = (first - _EPOCH) // _MICROSECOND
    if _datetime(micros, zone).replace(tzinfo=None) == local:
        return micros
    # In a gap, fold=1 maps before the switch and fold=0 after it; bisect to the switch.
    before = (local.replace(tzinfo=zone, fold=1) - _EPOCH) // _MICROSECOND
    after = micros
    offset_after = _offset(after, zone)
    while after - before > 1:
        middle = (before + after) // 2
        if _offset(middle, zone) == offset_after:
            after = middle
        else:
            before = middle
    return after


def _offset(micros: int, zone: ZoneInfo) -> timedelta | None:
    return _datetime(micros, zone).utcoffset()


def _micros(value: datetime) -> int:
    if not isinstance(value, datetime):
        raise TypeError("expected a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetimes are not accepted; pass an aware datetime")
    return (value - _EPOCH) // _MICROSECOND


def _datetime(micros: int, zone: tzinfo | None) -> datetime:
    return (_EPOCH + timedelta(microseconds=micros)).astimezone(zone)


def _year_of(micros: int) -> int:
    return (_EPOCH + timedelta(microseconds=micros)).year


def _zone(name: Any) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise ValueError("a calendar needs a time zone name, e.g. Europe/Berlin")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone: {name}") from None


def _date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None


def parse_time(text: Any, *, closing: bool = False) -> int:
    """Minutes after midnight of "HH:MM"; "24:00" only as a closing time."""
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        raise ValueError(f"not a time (HH:MM): {text!r}")
    hours, minutes = text[:2], text[3:]
    if not (hours.isdigit() and minutes.isdigit()):
        raise ValueError(f"not a time (HH:MM): {text!r}")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > MINUTES_PER_DAY or (value == MINUTES_PER_DAY and not closing):
        raise ValueError(f"not a time of day: {text!r}")
    return value


def _intervals(raw: Any, label: str) -> tuple[Interval, ...]:
    if not isinstance(raw, list | tuple):
        raise ValueError(f"{label}: hours are a list of [open, close] pairs")
    result = []
    for pair in raw:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValueError(f"{label}: each interval is an [open, close] pair")
        opens, closes = parse_time(pair[0]), parse_time(pair[1], closing=True)
        if opens == closes % MINUTES_PER_DAY and closes != MINUTES_PER_DAY:
            raise ValueError(f"{label}: an interval must not open and close at the same time")
        result.append((opens, closes))
    return tuple(sorted(result))


def _format(hours: Iterable[Interval]) -> list[list[str]]:
    return [[_hhmm(opens), _hhmm(closes)] for opens, closes in hours]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
