"""Delivery decides: a reply counts, and a notice is given, when the platform accepted it."""

from typing import Any

import pytest
import time_machine
from django.test import Client

from channels.models import Channel
from desk.models import Notification
from desk.privacy.models import ConversationNotice, RetentionNotice
from desk.sla.sweep import sweep
from tests.desk.sla_helpers import berlin
from tests.fakes.partner import REPLY_PATH, FakePartner
from tests.triage.conftest import MentionFactory, StaffFactory
from tickets.models import Message, Ticket

MONDAY_10 = berlin(2026, 11, 23, 10)
# More failures than the HTTP client's own retries: the attempt fails, the reply stays queued.
REFUSED_ATTEMPT = 4


@pytest.fixture(autouse=True)
def notice_in_channel_profile(settings: Any) -> None:
    """Here the notice travels with the first reply (the default), so delivery decides it."""
    settings.PRIVACY_DEFAULT_NOTICE_METHOD = "first_reply"


@pytest.fixture(autouse=True)
def notices_published_before_the_scenario(db: None) -> None:
    RetentionNotice.objects.update(published_at=berlin(2026, 1, 1, 0))


def reply(client: Client, ticket: Ticket, when: Any, text: str = "It ships today.", **extra: Any):
    with time_machine.travel(when, tick=False):
        return client.post(
            f"/tickets/{ticket.pk}/reply/", {"text": text, "voice": "company", **extra}
        )


def new_ticket(mention: MentionFactory) -> Ticket:
    with time_machine.travel(MONDAY_10, tick=False):
        ticket = mention("Where is my parcel?")
    ticket.contact.identities.update(email="ann@example.org")
    return ticket


def test_a_refused_reply_leaves_the_clock_running_and_alerts_only_its_author(
    staff: StaffFactory, mention: MentionFactory, partner: FakePartner
) -> None:
    author, client = staff("spokesperson")
    colleague, _ = staff("spokesperson")
    ticket = new_ticket(mention)
    partner.fail_next(REPLY_PATH, 500, times=REFUSED_ATTEMPT)

    reply(client, ticket, berlin(2026, 11, 23, 11))

    ticket.refresh_from_db()
    message = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert message.delivery_state == Message.Delivery.QUEUED
    assert ticket.first_responded_at is None
    assert ticket.sla_due_at == ticket.first_response_due_at
    [alert] = Notification.objects.filter(kind="delivery_failed")
    assert alert.user == author
    assert alert.url == f"/tickets/{ticket.pk}/#message-{message.pk}"
    assert not Notification.objects.filter(user=colleague).exists()
    with time_machine.travel(berlin(2026, 11, 23, 12), tick=False):
        page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Reply not delivered — retry, edit or send another way." in page
    assert 'data-sla-state="on_track"' in page
    assert ConversationNotice.objects.count() == 0


def test_a_retry_that_arrives_is_the_first_response_at_its_acceptance_and_gives_the_notice(
    staff: StaffFactory, mention: MentionFactory, partner: FakePartner
) -> None:
    _author, client = staff("spokesperson")
    ticket = new_ticket(mention)
    partner.fail_next(REPLY_PATH, 500, times=REFUSED_ATTEMPT)
    reply(client, ticket, berlin(2026, 11, 23, 11))
    message = Message.objects.get(direction=Message.Direction.OUTBOUND)

    retried_at = berlin(2026, 11, 24, 12)
    with time_machine.travel(retried_at, tick=False):
        response = client.post(f"/tickets/{ticket.pk}/replies/{message.pk}/retry/")

    assert response.status_code == 302
    ticket.refresh_from_db()
    message.refresh_from_db()
    assert message.delivery_state == Message.Delivery.SENT
    assert ticket.first_responded_at == retried_at
    assert ticket.first_response_seconds == (7 + 3) * 3600
    record = ConversationNotice.objects.get(conversation=ticket.conversation)
    assert (record.message, record.given_at) == (message, retried_at)
    assert [r["id"] for r in partner.replies] == [f"socialdesk-{message.pk}"]
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Reply not delivered" not in page
    assert f'data-notice-message="{message.pk}"' in page
    assert "delivery retried" in page


def test_a_channel_that_cannot_send_says_so_before_anyone_writes(
    staff: StaffFactory, mention: MentionFactory, webhook_channel: Channel
) -> None:
    webhook_channel.config = {}
    webhook_channel.save()
    _user, client = staff("spokesperson")
    ticket = new_ticket(mention)

    page = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "data-cannot-send" in page
    assert "Replies cannot be sent on Partner webhook" in page
    assert "ann@example.org" in page


def test_a_reply_on_a_channel_that_cannot_send_never_counts(
    staff: StaffFactory, mention: MentionFactory, webhook_channel: Channel
) -> None:
    webhook_channel.config = {}
    webhook_channel.save()
    _user, client = staff("spokesperson")
    ticket = new_ticket(mention)

    reply(client, ticket, berlin(2026, 11, 23, 11))

    ticket.refresh_from_db()
    assert Message.objects.get(direction="out").delivery_state == Message.Delivery.FAILED
    assert ticket.first_responded_at is None
    assert not ConversationNotice.objects.exists()
    with time_machine.travel(berlin(2026, 11, 27, 10), tick=False):
        sweep()
    ticket.refresh_from_db()
    assert ticket.first_response_breached


def test_a_netiquette_ticket_gets_no_answer_until_the_mark_is_taken_back(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    agent, agent_client = staff("agent")
    _spokesperson, client = staff("spokesperson")
    ticket = new_ticket(mention)
    agent_client.post(f"/tickets/{ticket.pk}/action/", {"action": "netiquette"})

    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    refused = reply(client, ticket, berlin(2026, 11, 23, 11))
    agent_try = agent_client.post(f"/tickets/{ticket.pk}/action/", {"action": "unmark_netiquette"})

    assert "data-compose-closed" in page and 'id="reply-form"' not in page
    assert refused.status_code == 302
    assert not Message.objects.filter(direction="out").exists()
    assert agent_try.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.IGNORED

    client.post(f"/tickets/{ticket.pk}/action/", {"action": "unmark_netiquette"})
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    event = ticket.events.filter(kind="status").order_by("-id").first()
    assert event is not None and event.note == "netiquette mark taken back"
    assert 'id="reply-form"' in client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert agent.pk != event.actor_id


def test_a_holding_reply_starts_a_follow_up_clock_that_breaches_and_escalates(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    author, client = staff("spokesperson")
    manager, _ = staff("manager")
    bystander, _ = staff("agent", queues=("technical",))
    ticket = new_ticket(mention)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=author)

    reply(client, ticket, berlin(2026, 11, 23, 11), text="We are on it.", holding="on")

    ticket.refresh_from_db()
    assert ticket.follow_up_due_at == berlin(2026, 11, 26, 11)  # three 8-hour days
    with time_machine.travel(berlin(2026, 11, 26, 11, 1), tick=False):
        sweep()
        page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    ticket.refresh_from_db()
    assert ticket.follow_up_breached
    assert 'data-sla-state="breached"' in page and "Follow-up" in page
    breach = Notification.objects.filter(kind="sla_breach")
    assert set(breach.values_list("user", flat=True)) == {author.pk, manager.pk}
    assert not Notification.objects.filter(user=bystander).exists()


def test_the_answer_after_a_holding_reply_stops_the_follow_up(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _author, client = staff("spokesperson")
    ticket = new_ticket(mention)
    reply(client, ticket, berlin(2026, 11, 23, 11), text="We are on it.", holding="on")

    reply(client, ticket, berlin(2026, 11, 25, 11), text="Found it: it ships today.")

    ticket.refresh_from_db()
    assert ticket.follow_up_due_at is None
    assert not ticket.follow_up_breached
    with time_machine.travel(berlin(2026, 12, 1, 11), tick=False):
        page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-sla-state="met"' in page


def test_badges_count_business_hours_and_show_the_due_instant_in_the_users_zone(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff("spokesperson")
    ticket = new_ticket(mention)  # due Thursday 26 Nov 10:00 Berlin
    client.post("/preferences/", {"language": "en", "time_zone": "America/New_York"})

    with time_machine.travel(berlin(2026, 11, 26, 8), tick=False):
        early = client.get(f"/tickets/{ticket.pk}/").content.decode()
    with time_machine.travel(berlin(2026, 11, 26, 13), tick=False):
        late = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "1 business h left" in early
    assert "26 Nov" not in early or "04:00" in early  # 10:00 Berlin is 04:00 in New York
    assert "EST" in early
    assert "overdue by 3 business h" in late


@pytest.mark.parametrize(
    ("language", "left", "overdue"),
    [
        ("en", "1 business h left", "overdue by 3 business h"),
        ("de", "1 Geschäftsstunde", "überfällig seit 3 Geschäftsstunden"),
        ("fr", "1 h ouvrée", "en retard de 3 h ouvrées"),
        ("pl", "1 godz. roboczą", "po terminie o 3 godz. robocze"),
        ("sv", "1 arbetstimme", "försenad med 3 arbetstimmar"),
    ],
)
def test_business_time_reads_the_same_in_all_five_languages(
    staff: StaffFactory, mention: MentionFactory, language: str, left: str, overdue: str
) -> None:
    _user, client = staff("spokesperson")
    ticket = new_ticket(mention)  # due Thursday 26 Nov 10:00 Berlin
    client.post("/preferences/", {"language": language, "time_zone": "Europe/Berlin"})

    with time_machine.travel(berlin(2026, 11, 26, 8), tick=False):
        early = client.get(f"/tickets/{ticket.pk}/").content.decode()
    with time_machine.travel(berlin(2026, 11, 26, 13), tick=False):
        late = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert left in early
    assert overdue in late
