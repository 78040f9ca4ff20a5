"""SLA figures against a hand-computed week: a holiday, a pause, a breach, a netiquette
violation, a reopened ticket, a waiting one, and a mention on a monitored channel.

Berlin calendar, 09:00-17:00 on working days, 24 business hours to the first response.
- t1 Fri 22 May 16:30, answered Thu 28 May 16:00 (Whit Monday 25 May is a holiday):
  23.5 business h, 143.5 wall h, met.
- t2 Mon 23 Nov 10:00, answered Fri 27 Nov 10:00: 32 business h (due Thu 10:00), breached.
- t3 Mon 23 Nov 10:00, waiting on the customer Mon 12:00 to Tue 12:00 (8 business h),
  answered Wed 16:00: 22 - 8 = 14 business h, 54 wall h, met.
- t4 Mon 23 Nov 11:00, marked as a netiquette violation: outside the percentages.
- t5 Mon 23 Nov 10:00, answered 12:00 (2 h), resolved, reopened: met, reopened.
- t7 Tue 24 Nov 10:00, never answered: due Thu 26 Nov 10:00, breached from that instant on
  (the figures are read after it), though nothing was ever sent.
Compliance 3 / (3 + 2) = 60 %. Business hours sorted 2, 14, 23.5, 32: median 18.75,
p90 23.5 + 0.7 * 8.5 = 29.45. Wall hours 2, 54, 96, 143.5: median 75, p90 129.25.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client

from channels.models import Channel
from tests.conftest import mention_payload
from tests.dashboards.helpers import (
    berlin,
    figures,
    inquire,
    metrics,
    rebuild,
    reply,
    set_status,
)
from tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("default_policy")
RANGE = {"from": "2026-05-01", "to": "2026-11-30"}
Status = Ticket.Status


@pytest.fixture
def week(api: Client, manager_client: Client, deliver: Callable[..., Any]) -> dict[str, int]:
    staff_client = manager_client

    def ticket_at(*when: int) -> int:
        return inquire(api, berlin(*when))["ticket"]["id"]

    t1 = ticket_at(2026, 5, 22, 16, 30)
    reply(staff_client, t1, berlin(2026, 5, 28, 16, 0))
    t2 = ticket_at(2026, 11, 23, 10, 0)
    t3 = ticket_at(2026, 11, 23, 10, 0)
    t5 = ticket_at(2026, 11, 23, 10, 0)
    t4 = ticket_at(2026, 11, 23, 11, 0)
    set_status(t4, Status.IGNORED, berlin(2026, 11, 23, 11, 30))
    set_status(t3, Status.PENDING, berlin(2026, 11, 23, 12, 0))
    reply(staff_client, t5, berlin(2026, 11, 23, 12, 0))
    set_status(t5, Status.RESOLVED, berlin(2026, 11, 23, 13, 0))
    set_status(t5, Status.OPEN, berlin(2026, 11, 23, 14, 0))
    set_status(t3, Status.OPEN, berlin(2026, 11, 24, 12, 0))
    t7 = ticket_at(2026, 11, 24, 10, 0)
    reply(staff_client, t3, berlin(2026, 11, 25, 16, 0))
    reply(staff_client, t2, berlin(2026, 11, 27, 10, 0))
    monitored = Channel.objects.create(
        kind="webhook",
        name="YouTube comments",
        service_level=Channel.ServiceLevel.MONITORED,
        credentials={"secret": "s3cret"},
    )
    with time_machine.travel(berlin(2026, 11, 24, 15, 0), tick=False):
        deliver(mention_payload("yt-1", "Nice video"), monitored)
    rebuild()
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "t5": t5, "t7": t7}


def test_compliance_counts_met_and_breached_first_responses_only(
    week: dict[str, int], manager_client: Client
) -> None:
    found = figures(manager_client, **RANGE)

    assert found["tickets"] == 6
    assert (found["sla"], found["met"], found["breached"], found["waiting"]) == (5, 3, 2, 0)
    assert found["compliance"] == 60.0


def test_a_percentage_is_written_as_the_reader_s_language_writes_it(
    week: dict[str, int], manager_client: Client
) -> None:
    def compliance_in(language: str) -> str:
        page = manager_client.get(
            "/dashboards/", {**RANGE, "period": ""}, HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        return page

    assert "60.0%" in compliance_in("en")
    assert "60,0\u00a0%" in compliance_in("fr")  # French sets the sign apart
    assert "60,0\u00a0%" in compliance_in("de")
    assert "60,0%" in compliance_in("pl")


def test_netiquette_and_monitored_mentions_are_counted_apart(
    week: dict[str, int], manager_client: Client
) -> None:
    found = figures(manager_client, **RANGE)

    assert found["ignored"] == 1
    assert found["monitored"] == 1
    assert found["reopened"] == 1


def test_median_and_p90_in_business_hours_count_pauses_and_holidays_out(
    week: dict[str, int], manager_client: Client
) -> None:
    found = figures(manager_client, **RANGE)

    assert found["median_business"] == pytest.approx(18.75)
    assert found["p90_business"] == pytest.approx(29.45)


def test_median_and_p90_in_wall_clock_hours(week: dict[str, int], manager_client: Client) -> None:
    found = figures(manager_client, **RANGE)

    assert found["median_wall"] == pytest.approx(75.0)
    assert found["p90_wall"] == pytest.approx(129.25)


def test_a_german_manager_reads_the_figures_in_german_words_and_numbers(
    week: dict[str, int], manager_client: Client
) -> None:
    page = manager_client.get(
        "/dashboards/", {"from": RANGE["from"], "to": RANGE["to"]}, HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()

    p90 = re.search(
        r'data-key="p90_business"><th scope="row">([^<]*)</th><td[^>]*>(?:<a[^>]*>)?([^<]*)', page
    )
    assert p90 is not None
    assert p90.groups() == ("90. Perzentil (Geschäfts-h)", "29,4 h")
    assert "129,2 h" in page and "129.2 h" not in page
    # Days by the reader's names for them.
    assert ">Mo 23 Nov<" in page and "Mon 23 Nov" not in page
    # Languages by their names.
    assert '<tr data-key="en"><th scope="row">English</th>' in page


def test_compliance_by_week_splits_at_monday(week: dict[str, int], manager_client: Client) -> None:
    rows = metrics(manager_client, "compliance_by_week", **RANGE)

    assert set(rows) == {"2026-05-18", "2026-11-23"}
    may, november = rows["2026-05-18"], rows["2026-11-23"]
    assert (may["met"], may["breached"], may["compliance"]) == (1, 0, 100.0)
    assert (november["met"], november["breached"], november["waiting"]) == (2, 2, 0)
    assert november["compliance"] == 50.0
    assert november["ignored"] == 1


def test_mean_response_hours_by_channel(week: dict[str, int], manager_client: Client) -> None:
    rows = metrics(manager_client, "compliance_by_channel", **RANGE)

    (api_row,) = rows.values()
    assert api_row["mean_business_hours"] == pytest.approx((2 + 14 + 23.5 + 32) / 4, abs=0.01)
    assert api_row["mean_wall_hours"] == pytest.approx((2 + 54 + 96 + 143.5) / 4, abs=0.01)


def test_breaches_are_dated_by_the_day_the_ticket_came_in(
    week: dict[str, int], manager_client: Client
) -> None:
    rows = metrics(manager_client, "breaches_by_day", **RANGE)

    assert rows["2026-11-23"]["breached"] == 1  # t2, answered late
    assert rows["2026-11-24"]["breached"] == 1  # t7, never answered
    assert sum(row["breached"] for row in rows.values()) == 2


def test_the_met_figure_links_to_exactly_the_met_tickets(
    week: dict[str, int], manager_client: Client
) -> None:
    link = metrics(manager_client, "summary", **RANGE)["met"]["tickets_url"]["value"]

    response = manager_client.get(link)

    assert response.status_code == 200
    listed = {ticket.pk for ticket in response.context["rows"]}
    assert listed == {week["t1"], week["t3"], week["t5"]}
    assert response.context["total"] == 3


def test_the_filter_by_language_narrows_every_figure(
    week: dict[str, int], manager_client: Client
) -> None:
    found = figures(manager_client, **RANGE, language="de")

    assert (found["tickets"], found["sla"], found["monitored"]) == (0, 0, 0)
    assert found["compliance"] is None
