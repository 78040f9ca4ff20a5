"""Figures at most a minute old without any beat process: a read brings them up to date."""

from datetime import timedelta

import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from desk.dashboards.models import RollupState
from desk.models import Notification
from desk.sla.models import SlaEvent
from tests.conftest import skip_or_fail
from tests.dashboards.helpers import berlin, figures, held_open_elsewhere, inquire, rebuild

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


def test_a_read_does_not_wait_for_a_refresh_running_elsewhere(
    transactional_db: None, manager_client: Client
) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL): SQLite has one writer and no row locks")
    stale = timezone.now() - timedelta(minutes=10)
    RollupState.objects.update_or_create(pk=1, defaults={"refreshed_at": stale})
    # As beat's refresh holds the lock while it works.
    refresh_elsewhere = RollupState.objects.select_for_update().filter(pk=1).get
    with held_open_elsewhere(refresh_elsewhere) as released:
        response = manager_client.get("/dashboards/")
        api = manager_client.get("/api/v1/metrics/summary/").json()
        finished_while_locked = not released.is_set()

    assert response.status_code == 200
    assert finished_while_locked
    assert RollupState.objects.get(pk=1).refreshed_at == stale
    # The figures say how old they are: as of the last refresh, not of this read.
    as_of = date_format(timezone.localtime(stale), "SHORT_DATETIME_FORMAT")
    assert f"Figures as of {as_of}" in response.content.decode()
    assert api["as_of"] == stale.isoformat()
    later = manager_client.get("/dashboards/")  # the refresh is over: this read brings them up
    refreshed = RollupState.objects.get(pk=1).refreshed_at
    assert refreshed > stale
    as_of = date_format(timezone.localtime(refreshed), "SHORT_DATETIME_FORMAT")
    assert f"Figures as of {as_of}" in later.content.decode()
