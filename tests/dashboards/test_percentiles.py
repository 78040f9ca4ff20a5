"""Median and 90th percentile read through the response-time bucket rollup are exact.

Six tickets come in on Monday 23 Nov 2026 at 09:00 (Berlin, a working day) and are answered
the same day, so business and wall-clock times are equal:
36 s, 3,384 s, 3,420 s, 3,564 s, 7,200 s and 28,800 s (0.01, 0.94, 0.95, 0.99, 2 and 8 h).
The three in the middle share one bucket ([3,346 s, 3,681 s)). Over N = 6:
- median at position 0.5 * 5 = 2.5, between 3,420 and 3,564 inside that bucket: 3,492 s,
  0.97 h;
- p90 at position 0.9 * 5 = 4.5, between 7,200 and 28,800 in two buckets: 18,000 s, 5 h.
"""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from desk.dashboards.response_times import EDGES
from desk.dashboards.tasks import refresh_rollups
from tests.dashboards.helpers import berlin, figures, inquire, rebuild, reply
from tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("default_policy")
DAY = {"from": "2026-11-23", "to": "2026-11-23"}
SECONDS = (36, 3384, 3420, 3564, 7200, 28800)
OPENED = (2026, 11, 23, 9, 0)


@pytest.fixture
def answered(api: Client, manager_client: Client) -> list[int]:
    tickets = []
    for seconds in SECONDS:
        ticket = inquire(api, berlin(*OPENED))["ticket"]["id"]
        reply(manager_client, ticket, berlin(*OPENED) + timedelta(seconds=seconds))
        tickets.append(ticket)
    with time_machine.travel(berlin(2026, 11, 23, 17, 30), tick=False):
        rebuild()
    return tickets


def test_the_fixture_puts_three_times_in_one_bucket(answered: list[int]) -> None:
    stored = sorted(Ticket.objects.values_list("first_response_seconds", flat=True))
    assert stored == list(SECONDS)
    bucket = next(n for n, edge in enumerate(EDGES) if edge > 3384) - 1
    assert EDGES[bucket] <= 3384 < 3564 < EDGES[bucket + 1]


def test_median_interpolates_inside_one_bucket(answered: list[int], manager_client: Client) -> None:
    found = figures(manager_client, **DAY)

    assert (found["median_business"], found["median_wall"]) == (0.97, 0.97)


def test_p90_interpolates_across_two_buckets(answered: list[int], manager_client: Client) -> None:
    found = figures(manager_client, **DAY)

    assert (found["p90_business"], found["p90_wall"]) == (5.0, 5.0)


@pytest.mark.parametrize("key", ["channel", "queue", "agent", "language"])
def test_a_single_filter_reads_the_same_percentiles_from_its_own_buckets(
    key: str, answered: list[int], manager_client: Client
) -> None:
    ticket = Ticket.objects.get(pk=answered[0])
    value = {
        "channel": str(ticket.channel_id),
        "queue": str(ticket.queue_id),
        "agent": "none",
        "language": ticket.language or "none",
    }[key]

    found = figures(manager_client, **DAY, **{key: value})

    assert (found["median_business"], found["p90_business"]) == (0.97, 5.0)


def test_a_reply_since_the_last_refresh_in_a_bucket_read_gives_the_exact_new_figure(
    api: Client, answered: list[int], manager_client: Client
) -> None:
    # A refresh of its own first: figures are cached per refresh, and the cache (Redis) may
    # hold this day's figures from another test.
    with time_machine.travel(berlin(2026, 11, 23, 17, 40), tick=False):
        refresh_rollups.apply()
    # A seventh answer at 3,456 s (0.96 h), in the median's bucket, not yet refreshed:
    # sorted 36, 3384, 3420, 3456, 3564, 7200, 28800, median the 4th value.
    late = inquire(api, berlin(*OPENED))["ticket"]["id"]
    reply(manager_client, late, berlin(*OPENED) + timedelta(seconds=3456))

    with time_machine.travel(berlin(2026, 11, 23, 17, 45), tick=False):
        found = figures(manager_client, **DAY)

    assert found["median_business"] == 0.96


def test_the_minute_refresh_keeps_the_buckets_current(
    api: Client, answered: list[int], manager_client: Client
) -> None:
    late = inquire(api, berlin(*OPENED))["ticket"]["id"]
    reply(manager_client, late, berlin(*OPENED) + timedelta(seconds=3456))
    with time_machine.travel(berlin(2026, 11, 23, 17, 45), tick=False):
        refresh_rollups.apply()
        found = figures(manager_client, **DAY)

    assert found["median_business"] == 0.96
