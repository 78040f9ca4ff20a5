"""Live figures: at risk, breached now and the backlog's age in business hours."""

from datetime import datetime

import pytest
import time_machine
from django.test import Client

from desk.sla.selectors import sla_status
from tests.dashboards.helpers import berlin, inquire, metrics, set_status
from tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("default_policy")


def live(client: Client, when: datetime) -> dict[str, int]:
    with time_machine.travel(when, tick=False):
        return {key: row["value"] for key, row in metrics(client, "live").items()}


def ages(client: Client, when: datetime) -> dict[str, int]:
    with time_machine.travel(when, tick=False):
        return {key: row["tickets"] for key, row in metrics(client, "backlog_age").items()}


def test_a_ticket_turns_at_risk_then_breached_as_its_business_time_runs_out(
    api: Client, manager_client: Client
) -> None:
    inquire(api, berlin(2026, 11, 23, 10))  # due Thursday 26 November 10:00

    # 80% of 24 business hours used at Wednesday 13:12.
    assert live(manager_client, berlin(2026, 11, 25, 13, 0))["at_risk"] == 0
    assert live(manager_client, berlin(2026, 11, 25, 13, 30))["at_risk"] == 1
    late = live(manager_client, berlin(2026, 11, 26, 11))
    assert (late["at_risk"], late["breached_now"], late["backlog"]) == (0, 1, 1)


def test_live_states_agree_with_the_sla_engine(api: Client, manager_client: Client) -> None:
    for day, hour in ((20, 10), (23, 9), (23, 16), (24, 9), (24, 15), (25, 11)):
        inquire(api, berlin(2026, 11, day, hour))
    waiting = Ticket.objects.order_by("id").first()
    assert waiting is not None
    set_status(waiting.pk, Ticket.Status.PENDING, berlin(2026, 11, 24, 10))
    when = berlin(2026, 11, 26, 9, 30)

    found = live(manager_client, when)

    states = [sla_status(ticket, now=when).state for ticket in Ticket.objects.all()]
    assert found["breached_now"] == states.count("breached")
    assert found["at_risk"] == states.count("at_risk")
    assert found["paused"] == states.count("paused") == 1


def test_backlog_age_counts_business_hours_only(api: Client, manager_client: Client) -> None:
    inquire(api, berlin(2026, 11, 21, 12))  # a Saturday: 4 business hours by Monday 13:00
    inquire(api, berlin(2026, 11, 23, 10))  # Monday: 3 hours
    inquire(api, berlin(2026, 11, 20, 16))  # Friday: 1 + 4 = 5 hours
    inquire(api, berlin(2026, 11, 16, 9))  # a week before: 40 + 4 = 44 hours

    found = ages(manager_client, berlin(2026, 11, 23, 13))

    assert found == {
        "age_0_4": 1,
        "age_4_8": 2,
        "age_8_16": 0,
        "age_16_24": 0,
        "age_24_48": 1,
        "age_48_up": 0,
    }


def test_the_backlog_age_figure_links_to_its_tickets(api: Client, manager_client: Client) -> None:
    old = inquire(api, berlin(2026, 11, 16, 9))["ticket"]["id"]
    inquire(api, berlin(2026, 11, 23, 10))
    when = berlin(2026, 11, 23, 13)
    with time_machine.travel(when, tick=False):
        link = metrics(manager_client, "backlog_age")["age_24_48"]["tickets_url"]["tickets"]
        response = manager_client.get(link)

    assert [ticket.pk for ticket in response.context["rows"]] == [old]


def test_the_backlog_age_bands_are_named_in_the_reader_s_language(
    manager_client: Client,
) -> None:
    german = manager_client.get("/dashboards/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    french = manager_client.get("/dashboards/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "48 h und mehr" in german and "and more" not in german
    assert "48 h et plus" in french
