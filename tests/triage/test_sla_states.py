"""One truth for SLA states: the inbox filters select exactly the tickets whose badge (the
SLA engine's `sla_status`) shows that state, in business time, through the desk's pages."""

import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client

from desk.sla.defaults import ensure_default_policy
from desk.sla.models import SlaPolicy, SlaTarget
from desk.sla.selectors import SlaState, sla_status
from desk.sla.tasks import sweep_sla
from desk.triage.models import SavedView
from tests.desk.sla_helpers import berlin
from tests.triage.conftest import MentionFactory, StaffFactory
from tests.triage.sla_scenes import Desk
from tickets.models import Ticket

# Saturday noon in Berlin: the office is closed, so business time and wall-clock time differ.
NOW = berlin(2026, 11, 21, 12)
EVERY_STATUS = [status.value for status in Ticket.Status]


@pytest.fixture
def scenario(staff: StaffFactory, mention: MentionFactory) -> tuple[Client, dict[str, Ticket]]:
    """Tickets in every state at NOW, keyed by the state their badge must show."""
    policy = ensure_default_policy()
    _user, client = staff("spokesperson")
    desk = Desk(mention, client)
    tickets: dict[str, Ticket] = {}

    # Due Tuesday 17:00 (24 business hours from Friday 09:00).
    tickets["on_track"] = desk.new(berlin(2026, 11, 20, 9), "fresh")
    # Due Monday 10:00, at risk since Friday 13:12 (4.8 business hours left). In wall-clock
    # terms 46 of 120 hours are left: on track by the clock on the wall, at risk in business.
    tickets["at_risk_in_business_time"] = desk.new(berlin(2026, 11, 18, 10), "waiting")
    tickets["breached"] = desk.new(berlin(2026, 11, 16, 10), "forgotten")  # due Thu 10:00

    paused = tickets["paused"] = desk.new(berlin(2026, 11, 19, 10), "need your order number")
    desk.status(paused, Ticket.Status.PENDING, berlin(2026, 11, 20, 10))

    # The first response met; the customer wrote again on Tuesday: a next-response clock
    # due Friday 10:00 has run out.
    late_next = tickets["next_response_breached"] = desk.new(berlin(2026, 11, 16, 10), "order")
    desk.reply(late_next, berlin(2026, 11, 16, 11))
    desk.customer_writes(late_next, berlin(2026, 11, 17, 10))

    # Customer wrote again on Friday 16:00: next response due Wednesday 16:00.
    next_on_track = tickets["next_response_on_track"] = desk.new(berlin(2026, 11, 20, 9), "hi")
    desk.reply(next_on_track, berlin(2026, 11, 20, 10))
    desk.customer_writes(next_on_track, berlin(2026, 11, 20, 16))

    answered = tickets["met"] = desk.new(berlin(2026, 11, 20, 10), "thanks")
    desk.reply(answered, berlin(2026, 11, 20, 11))

    done = tickets["resolved_met"] = desk.new(berlin(2026, 11, 20, 9), "solved")
    desk.reply(done, berlin(2026, 11, 20, 10))
    desk.status(done, Ticket.Status.RESOLVED, berlin(2026, 11, 20, 10, 30))

    resolved_late = tickets["resolved_breached"] = desk.new(berlin(2026, 11, 16, 9), "late")
    desk.status(resolved_late, Ticket.Status.RESOLVED, berlin(2026, 11, 20, 10))

    rude = tickets["netiquette"] = desk.new(berlin(2026, 11, 20, 10), "you idiots")
    desk.status(rude, Ticket.Status.IGNORED, berlin(2026, 11, 20, 10, 5))

    # Created while no policy covered its queue and channel.
    SlaPolicy.objects.filter(pk=policy.pk).update(is_active=False)
    tickets["no_policy"] = desk.new(berlin(2026, 11, 20, 10), "no promise here")
    SlaPolicy.objects.filter(pk=policy.pk).update(is_active=True)
    return client, tickets


EXPECTED = {
    "on_track": SlaState.ON_TRACK,
    "at_risk_in_business_time": SlaState.AT_RISK,
    "breached": SlaState.BREACHED,
    "paused": SlaState.PAUSED,
    "next_response_breached": SlaState.BREACHED,
    "next_response_on_track": SlaState.ON_TRACK,
    "met": SlaState.MET,
    "resolved_met": SlaState.MET,
    "resolved_breached": SlaState.BREACHED,
    "netiquette": SlaState.NOT_APPLICABLE,
    "no_policy": SlaState.NOT_APPLICABLE,
}


def inbox(client: Client, **params: Any) -> dict[int, str]:
    """The inbox rows at NOW (every status), each with the state its badge shows."""
    with time_machine.travel(NOW, tick=False):
        response = client.get("/", {"status": EVERY_STATUS, "per_page": 100, **params})
    assert response.status_code == 200, response.content.decode()[:500]
    return {t.pk: t.sla_badge["state"] for t in response.context["tickets"]}


def header_badge(client: Client, ticket: Ticket) -> str:
    with time_machine.travel(NOW, tick=False):
        page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    found = re.search(r'class="ticket-head".*?data-sla-state="(\w+)"', page, re.S)
    assert found, page[:500]
    return found.group(1)


def assert_filters_match_badges(client: Client, tickets: dict[str, Ticket]) -> None:
    badges = inbox(client)
    assert set(badges) == {t.pk for t in tickets.values()}
    for state in SlaState:
        selected = set(inbox(client, sla=state.value))
        showing = {pk for pk, shown in badges.items() if shown == state.value}
        assert selected == showing, state


def test_every_ticket_shows_the_sla_engines_state_in_the_inbox_and_on_its_page(
    scenario: tuple[Client, dict[str, Ticket]],
) -> None:
    client, tickets = scenario
    badges = inbox(client)

    for name, ticket in tickets.items():
        ticket.refresh_from_db()
        engine = sla_status(ticket, now=NOW).state
        assert (name, engine) == (name, EXPECTED[name])
        assert (name, badges[ticket.pk]) == (name, engine.value)
        assert (name, header_badge(client, ticket)) == (name, engine.value)


def test_each_sla_filter_selects_exactly_the_tickets_whose_badge_shows_that_state(
    scenario: tuple[Client, dict[str, Ticket]],
) -> None:
    client, tickets = scenario
    assert_filters_match_badges(client, tickets)


def test_filters_and_badges_still_agree_after_the_sweep_escalated_the_breaches(
    scenario: tuple[Client, dict[str, Ticket]],
) -> None:
    client, tickets = scenario
    with time_machine.travel(NOW, tick=False):
        sweep_sla.delay()

    assert Ticket.objects.filter(priority=Ticket.Priority.HIGH).count() == 2  # raised
    assert_filters_match_badges(client, tickets)


def test_filters_and_badges_follow_a_policy_change_together(
    scenario: tuple[Client, dict[str, Ticket]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client, tickets = scenario
    manager = User.objects.create_user("mona")
    manager.groups.add(Group.objects.get(name="manager"))
    manager_client = Client()
    manager_client.force_login(manager)
    policy = ensure_default_policy()
    prefix = f"p{policy.pk}"

    # 40 business hours to a first response, at risk with 20 % left: the recompute moves
    # the due times and warning instants of the open tickets in the background.
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            f"/sla/policies/{policy.pk}/",
            {
                f"{prefix}-name": policy.name,
                f"{prefix}-calendar": policy.calendar_id,
                f"{prefix}-is_active": "on",
                f"{prefix}-first_response_minutes": "2400",
                f"{prefix}-next_response_minutes": "1440",
                f"{prefix}-warning_percent": "80",
            },
        )

    assert response.status_code == 302
    badges = inbox(client)
    # Due Wednesday 10:00 now, at risk from Tuesday 10:00.
    assert badges[tickets["at_risk_in_business_time"].pk] == SlaState.ON_TRACK
    # Due Monday 10:00 now, at risk since Friday 10:00.
    assert badges[tickets["breached"].pk] == SlaState.AT_RISK
    assert_filters_match_badges(client, tickets)


def test_the_at_risk_saved_view_shows_the_tickets_at_risk_in_business_time(
    scenario: tuple[Client, dict[str, Ticket]],
) -> None:
    client, tickets = scenario
    view = SavedView.objects.get(owner=None, name="At risk")
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/?{view.query_string}")

    assert [t.pk for t in response.context["tickets"]] == [tickets["at_risk_in_business_time"].pk]


def test_the_engines_states_are_shown_in_the_users_language(
    scenario: tuple[Client, dict[str, Ticket]],
) -> None:
    client, tickets = scenario

    # At NOW, like the scenario: its session was last saved on a travelled date and would
    # have expired at today's real date (two weeks' session age).
    with time_machine.travel(NOW, tick=False):
        client.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})
        inbox_page = client.get("/").content.decode()
        ticket_page = client.get(f"/tickets/{tickets['next_response_on_track'].pk}/")

    for label in ("Gefährdet", "Überschritten", "Pausiert (wartet auf Kunden)", "Im Plan"):
        assert label in inbox_page
    assert "Nicht anwendbar" in inbox_page
    assert "Nächste Antwort fällig" in ticket_page.content.decode()


def test_a_new_priority_moves_the_warning_for_the_filter_and_the_badge_together(
    scenario: tuple[Client, dict[str, Ticket]],
) -> None:
    client, tickets = scenario
    # Urgent tickets get 120 business hours, so at risk from 24 business hours before due.
    SlaTarget.objects.create(
        policy=ensure_default_policy(),
        priority=Ticket.Priority.URGENT,
        first_response_minutes=120 * 60,
        next_response_minutes=120 * 60,
    )
    fresh = tickets["on_track"]  # due Tuesday 17:00: now at risk since Friday 09:00

    with time_machine.travel(NOW, tick=False):
        response = client.post(
            "/inbox/bulk/", {"action": "priority", "ids": [fresh.pk], "priority_value": "4"}
        )

    assert response.status_code == 302
    assert inbox(client)[fresh.pk] == SlaState.AT_RISK
    assert_filters_match_badges(client, tickets)


def test_a_ticket_overdue_after_hours_says_since_when_instead_of_0_min(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    ensure_default_policy()
    _user, client = staff("spokesperson")
    ticket = Desk(mention, client).new(berlin(2026, 11, 17, 9), "still waiting")  # due Thu 17:00

    with time_machine.travel(berlin(2026, 11, 19, 19), tick=False):
        row = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
        page = client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert sla_status(ticket, now=berlin(2026, 11, 19, 19)).state == SlaState.BREACHED
    assert re.search(r'data-sla-state="breached"[^>]*>Überschritten · seit 17:00</span>', row)
    badge = re.search(r'class="ticket-head".*?(<span class="sla .*?</span>)', page, re.S)
    assert badge, page[:500]
    assert re.search(r">Überschritten · <time [^>]*>fällig 19\.11\.2026 17:00 ", badge.group(1))
    assert "0 min" not in row and "0 Geschäftsmin" not in page
