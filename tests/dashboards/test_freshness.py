"""Figures at most a minute old without any beat process: a read brings them up to date."""

import time_machine
from django.test import Client

from desk.models import Notification
from desk.sla.models import SlaEvent
from tests.dashboards.helpers import berlin, figures, inquire, rebuild

RANGE = {"from": "2026-11-01", "to": "2026-11-30"}


def test_a_first_response_due_unanswered_is_breached_in_the_next_minute_s_figures(
    api: Client, manager_client: Client, default_policy: object, manager: object
) -> None:
    ticket = inquire(api, berlin(2026, 11, 23, 10))["ticket"]["id"]  # due Thu 26 Nov 10:00
    with time_machine.travel(berlin(2026, 11, 26, 9), tick=False):
        rebuild()
    with time_machine.travel(berlin(2026, 11, 26, 9, 0, 30), tick=False):
        before = figures(manager_client, **RANGE)

    with time_machine.travel(berlin(2026, 11, 26, 10, 1), tick=False):
        after = figures(manager_client, **RANGE)

    assert (before["waiting"], before["breached"]) == (1, 0)
    assert (after["waiting"], after["breached"], after["compliance"]) == (0, 1, 0.0)
    assert SlaEvent.objects.filter(ticket_id=ticket, kind="breach").exists()
    assert Notification.objects.filter(user=manager, kind="sla_breach").count() == 1
