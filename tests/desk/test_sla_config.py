"""SLA configuration: the managers' page, change safety (bulk recompute), the read-only API."""

from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client

from desk.sla.models import Calendar, CalendarDay, SlaPolicy
from tests.conftest import StaffClient
from tests.desk.sla_helpers import berlin, inquire
from tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("default_policy")


@pytest.fixture
def manager_client(db: None) -> Client:
    user = User.objects.create_user("mona")
    user.groups.add(Group.objects.get_or_create(name="manager")[0])
    client = StaffClient()
    client.force_login(user)
    return client


def test_adding_a_closing_day_moves_the_due_times_of_open_tickets(
    api: Client,
    manager_client: Client,
    default_policy: SlaPolicy,
    django_capture_on_commit_callbacks: Any,
) -> None:
    inquire(api, berlin(2026, 11, 23, 10))  # due Thursday 26 November, 10:00
    inquire(api, berlin(2026, 11, 23, 11), text="Another question")
    calendar = default_policy.calendar

    with time_machine.travel(berlin(2026, 11, 23, 12), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = manager_client.post(
                f"/sla/calendars/{calendar.pk}/days/",
                {
                    f"day{calendar.pk}-date": "2026-11-25",
                    f"day{calendar.pk}-kind": "closed",
                },
            )

    assert response.status_code == 302
    dues = sorted(Ticket.objects.values_list("first_response_due_at", flat=True))
    assert dues == [berlin(2026, 11, 27, 10), berlin(2026, 11, 27, 11)]


def test_changing_a_policy_target_moves_the_due_times_of_open_tickets(
    api: Client,
    manager_client: Client,
    default_policy: SlaPolicy,
    django_capture_on_commit_callbacks: Any,
) -> None:
    inquire(api, berlin(2026, 11, 23, 10))
    prefix = f"p{default_policy.pk}"
    form = {
        f"{prefix}-name": default_policy.name,
        f"{prefix}-calendar": default_policy.calendar_id,
        f"{prefix}-is_active": "on",
        f"{prefix}-first_response_minutes": "240",
        f"{prefix}-next_response_minutes": "480",
        f"{prefix}-warning_percent": "80",
        f"{prefix}-notify_managers": "on",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(f"/sla/policies/{default_policy.pk}/", form)

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.first_response_due_at == berlin(2026, 11, 23, 14)
    assert ticket.next_sla_event_at == berlin(2026, 11, 23, 13)  # one business hour left


def test_invalid_weekly_hours_are_refused_with_a_message(
    manager_client: Client, default_policy: SlaPolicy
) -> None:
    calendar = default_policy.calendar
    form = {"name": calendar.name, "timezone": "Europe/Berlin", "hours_mon": "09:00-25:00"}

    response = manager_client.post(f"/sla/calendars/{calendar.pk}/", form)

    assert response.status_code == 400
    assert "not a time of day" in response.content.decode()
    calendar.refresh_from_db()
    assert calendar.weekly_hours["mon"] == [["09:00", "17:00"]]


def test_a_duplicate_closing_day_is_refused(
    manager_client: Client, default_policy: SlaPolicy
) -> None:
    calendar = default_policy.calendar
    CalendarDay.objects.create(calendar=calendar, date="2026-11-25")

    response = manager_client.post(
        f"/sla/calendars/{calendar.pk}/days/", {f"day{calendar.pk}-date": "2026-11-25"}
    )

    assert response.status_code == 400
    assert calendar.days.filter(date="2026-11-25").count() == 1


def test_only_managers_see_the_sla_page(staff_client: Client, manager_client: Client) -> None:
    assert staff_client.get("/sla/").status_code == 403
    page = manager_client.get("/sla/")
    assert page.status_code == 200
    assert "Berlin office hours" in page.content.decode()


def test_api_clients_read_the_calendars(api: Client) -> None:
    calendars = api.get("/api/v1/calendars/").json()["results"]

    berlin_hours = next(c for c in calendars if c["name"] == "Berlin office hours")
    assert berlin_hours["timezone"] == "Europe/Berlin"
    assert (berlin_hours["holiday_country"], berlin_hours["holiday_subdivision"]) == ("DE", "BE")
    assert berlin_hours["weekly_hours"]["mon"] == [["09:00", "17:00"]]
    assert {d["date"][5:] for d in berlin_hours["days"]} >= {"12-24", "12-31"}


def test_api_clients_read_the_sla_policies(api: Client, default_policy: SlaPolicy) -> None:
    policies = api.get("/api/v1/sla-policies/").json()["results"]
    detail = api.get(f"/api/v1/sla-policies/{default_policy.pk}/").json()

    assert detail in policies
    assert detail["first_response_minutes"] == 24 * 60
    assert detail["calendar"] == default_policy.calendar_id


def test_the_sla_endpoints_need_a_token(client: Client) -> None:
    assert client.get("/api/v1/calendars/").status_code in (401, 403)
    assert client.get("/api/v1/sla-policies/").status_code in (401, 403)


def test_an_unknown_calendar_is_a_404(api: Client) -> None:
    response = api.get(f"/api/v1/calendars/{Calendar.objects.count() + 999}/")

    assert response.status_code == 404
    assert "error" in response.json()


def test_a_closing_day_of_every_year_is_shown_by_day_and_month(
    manager_client: Client, default_policy: SlaPolicy
) -> None:
    calendar = default_policy.calendar
    # The default calendar closes on Christmas Eve every year (kept as 24 December 2000).
    assert calendar.days.filter(date="2000-12-24", every_year=True).exists()
    CalendarDay.objects.create(calendar=calendar, date="2026-12-31", kind="closed", name="Inventur")

    page = manager_client.get("/sla/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "24. Dezember (jedes Jahr)" in page
    assert "31.12.2026" in page
    assert "2000" not in page


def _policy_form(policy: SlaPolicy, **targets: str) -> dict[str, Any]:
    prefix = f"p{policy.pk}"
    return {
        f"{prefix}-name": policy.name,
        f"{prefix}-calendar": policy.calendar_id,
        f"{prefix}-is_active": "on",
        f"{prefix}-first_response_minutes": "1440",
        f"{prefix}-next_response_minutes": "1440",
        f"{prefix}-warning_percent": "80",
        **{f"{prefix}-t-{name}": value for name, value in targets.items()},
    }


def test_a_manager_gives_urgent_tickets_a_shorter_target_on_the_sla_page(
    api: Client,
    manager_client: Client,
    default_policy: SlaPolicy,
    django_capture_on_commit_callbacks: Any,
) -> None:
    inquire(api, berlin(2026, 11, 23, 10), text="Urgent: the shop is down")
    inquire(api, berlin(2026, 11, 23, 10), text="A question about invoices")
    urgent = Ticket.objects.get(subject__startswith="Urgent")
    Ticket.objects.filter(pk=urgent.pk).update(priority=Ticket.Priority.URGENT)

    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            f"/sla/policies/{default_policy.pk}/",
            _policy_form(default_policy, **{"4_first_response_minutes": "60"}),
        )

    assert response.status_code == 302
    dues = dict(Ticket.objects.values_list("priority", "first_response_due_at"))
    assert dues[Ticket.Priority.URGENT] == berlin(2026, 11, 23, 11)
    assert dues[Ticket.Priority.NORMAL] == berlin(2026, 11, 26, 10)
    target = default_policy.targets.get()
    assert (target.priority, target.next_response_minutes) == (Ticket.Priority.URGENT, 1440)
    page = manager_client.get("/sla/").content.decode()
    assert f'name="p{default_policy.pk}-t-4_first_response_minutes" value="60"' in page
    assert "set in the admin" not in page

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(f"/sla/policies/{default_policy.pk}/", _policy_form(default_policy))

    assert not default_policy.targets.exists()
    urgent.refresh_from_db()
    assert urgent.first_response_due_at == berlin(2026, 11, 26, 10)


def test_a_bad_priority_target_is_refused_and_nothing_is_saved(
    manager_client: Client, default_policy: SlaPolicy
) -> None:
    form = _policy_form(default_policy, **{"3_next_response_minutes": "0"})
    form[f"p{default_policy.pk}-first_response_minutes"] = "600"

    response = manager_client.post(f"/sla/policies/{default_policy.pk}/", form)

    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()
    default_policy.refresh_from_db()
    assert default_policy.first_response_minutes == 1440
    assert not default_policy.targets.exists()


def test_a_manager_names_the_person_breached_tickets_escalate_to(
    manager_client: Client, default_policy: SlaPolicy
) -> None:
    lead = User.objects.create_user("lead-agent")
    form = _policy_form(default_policy)
    form[f"p{default_policy.pk}-escalate_to"] = lead.pk

    response = manager_client.post(f"/sla/policies/{default_policy.pk}/", form)

    assert response.status_code == 302
    default_policy.refresh_from_db()
    assert default_policy.escalate_to == lead
    page = manager_client.get("/sla/").content.decode()
    assert f'<option value="{lead.pk}" selected>lead-agent</option>' in page


def test_the_admin_names_a_targets_priority_in_the_readers_language(
    default_policy: SlaPolicy, django_user_model: Any
) -> None:
    admin = Client(HTTP_ACCEPT_LANGUAGE="de")
    admin.force_login(django_user_model.objects.create_superuser("root"))

    page = admin.get(f"/admin/sla/slapolicy/{default_policy.pk}/change/").content.decode()

    assert ">Dringend<" in page and ">Urgent<" not in page
