"""Properties of business-time arithmetic, checked by hypothesis on every test calendar."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.desk.business_calendars import CALENDARS

instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
positive_deltas = st.integers(min_value=1, max_value=400 * 3600 * 10**6).map(
    lambda us: timedelta(microseconds=us)
)
calendar_names = st.sampled_from(sorted(CALENDARS))


@settings(max_examples=300, deadline=None)
@given(calendar_names, instants, positive_deltas)
def test_business_time_between_inverts_add_business_time(
    name: str, start: datetime, delta: timedelta
) -> None:
    calendar = CALENDARS[name]
    end = calendar.add_business_time(start, delta)

    assert calendar.business_time_between(start, end) == delta
    # ... and the end is the earliest such instant.
    assert calendar.business_time_between(start, end - timedelta(microseconds=1)) < delta


@settings(max_examples=200, deadline=None)
@given(calendar_names, instants, positive_deltas, positive_deltas)
def test_add_business_time_is_monotonic_in_the_delta(
    name: str, start: datetime, first: timedelta, second: timedelta
) -> None:
    calendar = CALENDARS[name]
    low, high = sorted((first, second))
    assert calendar.add_business_time(start, low) <= calendar.add_business_time(start, high)


@settings(max_examples=200, deadline=None)
@given(calendar_names, instants, instants, positive_deltas)
def test_add_business_time_is_monotonic_in_the_start(
    name: str, first: datetime, second: datetime, delta: timedelta
) -> None:
    calendar = CALENDARS[name]
    early, late = sorted((first, second))
    assert calendar.add_business_time(early, delta) <= calendar.add_business_time(late, delta)


@settings(max_examples=200, deadline=None)
@given(calendar_names, instants, instants)
def test_business_time_between_is_antisymmetric(name: str, a: datetime, b: datetime) -> None:
    calendar = CALENDARS[name]
    assert calendar.business_time_between(a, b) == -calendar.business_time_between(b, a)
