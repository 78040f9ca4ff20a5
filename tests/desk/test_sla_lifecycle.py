"""SLA clocks through the ticket lifecycle: API inquiries, webhooks, replies, statuses."""

from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from channels.models import Channel
from desk.sla.models import SlaPause
from tests.conftest import mention_payload, signed_delivery
from tests.desk.sla_helpers import berlin, inquire
from tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("default_policy")


@pytest.fixture
def staff_client(spokesperson_client: Client) -> Client:
    """SLA tests answer public posts too: as a spokesperson, who may (see tests/triage)."""
    return spokesperson_client


def status_of(api: Client, inquiry: dict[str, Any], when: datetime) -> dict[str, Any]:
    with time_machine.travel(when, tick=False):
        return api.get(inquiry["status_url"]).json()["ticket"]["sla"]


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_mention_on_friday_afternoon_before_a_holiday_monday_is_due_on_thursday(
    api: Client,
) -> None:
    # 22 May 2026 is a Friday; 25 May is Whit Monday, a public holiday in Berlin.
    inquiry = inquire(api, berlin(2026, 5, 22, 16, 30))

    due = parse(inquiry["ticket"]["first_response_due_at"])
    assert due == berlin(2026, 5, 28, 16, 30)
    sla = inquiry["ticket"]["sla"]
    assert sla["state"] == "on_track"
    assert sla["target"] == "first_response"
    assert sla["business_seconds_left"] == 24 * 3600


def test_the_state_turns_at_risk_then_breached_as_business_time_runs_out(api: Client) -> None:
    inquiry = inquire(api, berlin(2026, 11, 23, 10))  # due Thursday 26 November 10:00

    # 80% of 24 business hours used: 4.8 business hours left, from Wednesday 13:12.
    assert status_of(api, inquiry, berlin(2026, 11, 25, 13, 0))["state"] == "on_track"
    assert status_of(api, inquiry, berlin(2026, 11, 25, 13, 30))["state"] == "at_risk"
    late = status_of(api, inquiry, berlin(2026, 11, 26, 11))
    assert late["state"] == "breached"
    assert late["business_seconds_left"] == -3600


def test_a_holding_reply_meets_the_first_response_target(api: Client, staff_client: Client) -> None:
    inquiry = inquire(api, berlin(2026, 11, 23, 10))
    ticket = Ticket.objects.get()

    with time_machine.travel(berlin(2026, 11, 24, 10), tick=False):
        staff_client.post(
            f"/tickets/{ticket.pk}/reply/",
            {"text": "We are on it.", "holding": "1", "voice": "company"},
        )

    ticket.refresh_from_db()
    assert ticket.first_response_seconds == 8 * 3600
    assert not ticket.first_response_breached
    # Ownership: the holding reply promises an answer within three business days.
    assert ticket.follow_up_due_at == berlin(2026, 11, 27, 10)
    assert status_of(api, inquiry, berlin(2026, 11, 26, 10))["target"] == "follow_up"
    assert status_of(api, inquiry, berlin(2026, 11, 30, 10))["state"] == "breached"


def test_an_internal_note_leaves_the_first_response_clock_running(
    api: Client, staff_client: Client
) -> None:
    inquiry = inquire(api, berlin(2026, 11, 23, 10))
    ticket = Ticket.objects.get()

    with time_machine.travel(berlin(2026, 11, 24, 10), tick=False):
        staff_client.post(f"/tickets/{ticket.pk}/note/", {"text": "Asked the warehouse."})

    sla = status_of(api, inquiry, berlin(2026, 11, 24, 10))
    assert sla["state"] == "on_track"
    assert sla["business_seconds_left"] == 16 * 3600


def test_a_late_first_reply_is_recorded_as_breached(api: Client, staff_client: Client) -> None:
    inquire(api, berlin(2026, 11, 23, 10))
    ticket = Ticket.objects.get()

    with time_machine.travel(berlin(2026, 11, 26, 12), tick=False):
        staff_client.post(
            f"/tickets/{ticket.pk}/reply/", {"text": "Sorry for the wait.", "voice": "company"}
        )

    ticket.refresh_from_db()
    assert ticket.first_response_breached
    assert ticket.first_response_seconds == 26 * 3600
    assert ticket.sla_breached_at == berlin(2026, 11, 26, 10)
    assert ticket.sla_events.filter(target="first_response", kind="breach").count() == 1


def test_waiting_on_the_customer_pauses_the_clock_exactly(api: Client) -> None:
    inquiry = inquire(api, berlin(2026, 11, 23, 10))  # due Thursday 10:00
    ticket = Ticket.objects.get()

    with time_machine.travel(berlin(2026, 11, 23, 12), tick=False):
        ticket.set_status(Ticket.Status.PENDING)
    assert status_of(api, inquiry, berlin(2026, 11, 27, 12))["state"] == "paused"
    with time_machine.travel(berlin(2026, 11, 24, 15, 30), tick=False):
        ticket.set_status(Ticket.Status.OPEN)

    ticket.refresh_from_db()
    paused = 5 * 3600 + 6 * 3600 + 30 * 60  # Monday 12-17, Tuesday 9-15:30
    assert ticket.sla_paused_seconds == paused
    assert ticket.first_response_due_at == berlin(2026, 11, 27, 13, 30)
    assert SlaPause.objects.get(ticket=ticket).business_seconds == paused
    # Business time left is what was left when the pause began: 24 h - 2 h.
    assert status_of(api, inquiry, berlin(2026, 11, 24, 15, 30))["business_seconds_left"] == (
        22 * 3600
    )


@pytest.fixture
def deliver(webhook_channel: Channel, django_capture_on_commit_callbacks: Any) -> Any:
    counter = iter(range(1, 10_000))

    def send(payload: Any, when: datetime) -> Any:
        with (
            time_machine.travel(when, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return signed_delivery(Client(), webhook_channel, payload, delivery=f"d{next(counter)}")

    return send


def test_a_customer_message_after_our_reply_starts_the_next_response_clock(
    deliver: Any, staff_client: Client
) -> None:
    deliver(mention_payload("p1", "Order late"), berlin(2026, 11, 23, 10))
    ticket = Ticket.objects.get()
    with time_machine.travel(berlin(2026, 11, 23, 11), tick=False):
        staff_client.post(
            f"/tickets/{ticket.pk}/reply/", {"text": "Which order?", "voice": "company"}
        )

    deliver(mention_payload("p2", "Number 4711", parent_id="p1"), berlin(2026, 11, 23, 14))
    deliver(mention_payload("p3", "Hello?", parent_id="p1"), berlin(2026, 11, 24, 14))

    ticket.refresh_from_db()
    assert ticket.sla_round == 1
    assert ticket.next_response_started_at == berlin(2026, 11, 23, 14)
    assert ticket.next_response_due_at == berlin(2026, 11, 26, 14)
    assert ticket.next_sla_event_at is not None


def test_reopening_a_resolved_ticket_starts_a_next_response_clock(
    deliver: Any, staff_client: Client
) -> None:
    deliver(mention_payload("p1", "Order late"), berlin(2026, 11, 23, 10))
    ticket = Ticket.objects.get()
    with time_machine.travel(berlin(2026, 11, 23, 11), tick=False):
        staff_client.post(
            f"/tickets/{ticket.pk}/reply/", {"text": "It ships today.", "voice": "company"}
        )
        ticket.refresh_from_db()
        ticket.set_status(Ticket.Status.RESOLVED)

    deliver(mention_payload("p2", "It did not arrive", parent_id="p1"), berlin(2026, 11, 25, 16))

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.next_response_started_at == berlin(2026, 11, 25, 16)
    assert ticket.next_response_due_at == berlin(2026, 11, 30, 16)


def test_a_netiquette_violation_has_no_clock(api: Client, staff_client: Client) -> None:
    inquiry = inquire(api, berlin(2026, 11, 23, 10), text="You are all idiots")
    ticket = Ticket.objects.get()

    ticket.set_status(Ticket.Status.IGNORED, note="netiquette")

    ticket.refresh_from_db()
    assert ticket.next_sla_event_at is None
    assert status_of(api, inquiry, berlin(2026, 11, 30, 10))["state"] == "not_applicable"
    page = staff_client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Not applicable" in page


def test_a_monitored_channel_gets_no_ticket_and_so_no_clock(
    webhook_channel: Channel, deliver: Any
) -> None:
    webhook_channel.service_level = Channel.ServiceLevel.MONITORED
    webhook_channel.save()

    deliver(mention_payload("p1", "Nice video"), berlin(2026, 11, 23, 10))

    assert not Ticket.objects.exists()


def test_the_ticket_page_shows_the_sla_state_and_time_left(
    api: Client, staff_client: Client
) -> None:
    inquire(api, berlin(2026, 11, 23, 10))
    ticket = Ticket.objects.get()

    with time_machine.travel(berlin(2026, 11, 23, 12), tick=False):
        page = staff_client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "On track" in page
    assert "11/26/2026 10 a.m. CET" in page  # due, in the reader's (English) format
    assert "22 business h left" in page
