"""The whole promise in a browser: a reply that fails, the alert, the retry that arrives, the
notice given by it, the holding reply's follow-up clock running out, and the breach seen by the
assignee, the queue's manager, the dashboard and its drill-down."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from channels.models import Channel, DeliveryAttempt
from desk.models import Notification
from desk.privacy.models import ConversationNotice, RetentionNotice
from desk.sla.defaults import ensure_default_policy
from desk.sla.sweep import sweep
from tests.conftest import mention_payload, signed_delivery
from tests.fakes.partner import REPLY_PATH, FakePartner
from tests.triage.test_browser import browser, make_user, open_page, reference_data
from tickets.models import Message, Ticket

__all__ = ["browser", "open_page", "reference_data"]
# More 500s than the HTTP client retries within one attempt: the attempt fails.
REFUSED_ATTEMPT = 4


@pytest.fixture(autouse=True)
def notice_with_the_first_reply(settings: Any) -> Iterator[None]:
    settings.PRIVACY_DEFAULT_NOTICE_METHOD = "first_reply"
    yield


def bell_count(page: Any, expected: str) -> None:
    page.wait_for_function(
        "n => document.querySelector('#notification-bell')?.dataset.unread === n",
        arg=expected,
        timeout=20_000,
    )


def send_reply(page: Any, text: str, *, holding: bool = False) -> None:
    page.fill("#reply-text", text)
    page.check("input[name=voice][value=company]")
    if holding:
        page.check("#holding")
    page.click("#reply-form button[type=submit]")
    page.wait_for_load_state()


def test_the_desk_keeps_its_promise_end_to_end(
    open_page: Any, live_server: Any, webhook_channel: Channel, partner: FakePartner
) -> None:
    ensure_default_policy()
    RetentionNotice.objects.update(published_at=timezone.now() - timedelta(days=30))
    author = make_user("sam", "spokesperson")
    manager = make_user("mona", "manager")
    make_user("kim", "agent")  # works the queue too, and must hear nothing
    signed_delivery(
        Client(), webhook_channel, mention_payload("p1", "My parcel never came."), delivery="d1"
    )
    ticket = Ticket.objects.get()
    Ticket.objects.filter(pk=ticket.pk).update(assignee=author)

    # The first reply fails: the platform answers 500.
    partner.fail_next(REPLY_PATH, 500, times=REFUSED_ATTEMPT)
    page = open_page("sam")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    send_reply(page, "Sorry! We are sending a new one today.")
    assert "Reply not delivered — retry, edit or send another way." in page.content()
    badge = page.locator(".ticket-head [data-sla-state]")
    assert badge.get_attribute("data-sla-state") in ("on_track", "at_risk", "breached")
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
    bell_count(page, "1")
    # The bell is drawn, not a character: a browser without an emoji font showed an empty box.
    icon = page.locator("#notification-bell svg").bounding_box()
    assert icon is not None and icon["width"] >= 12 and icon["height"] >= 12
    assert page.locator("#notification-bell").inner_text().strip() == "1"
    page.click("#notification-bell")
    page.wait_for_url("**/notifications/")
    assert page.locator('[data-kind="delivery_failed"]').count() == 1

    # The retry arrives: the first response and the notice count from its acceptance.
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.click("[data-retry]")
    page.wait_for_load_state()
    assert "Reply not delivered" not in page.content()
    reply = Message.objects.get(direction=Message.Direction.OUTBOUND)
    accepted = DeliveryAttempt.objects.get(message=reply, outcome="sent").finished_at
    ticket.refresh_from_db()
    assert ticket.first_responded_at == accepted
    record = ConversationNotice.objects.get(conversation=ticket.conversation)
    assert (record.message_id, record.given_at) == (reply.pk, accepted)
    assert page.locator(f'[data-notice-message="{reply.pk}"]').count() == 1

    # A holding reply starts the follow-up clock.
    send_reply(page, "We are checking with the carrier and come back to you.", holding=True)
    ticket.refresh_from_db()
    assert ticket.follow_up_due_at is not None
    assert "Follow-up" in page.locator(".ticket-head [data-sla-state]").get_attribute("title")

    # Time passes the follow-up's due instant; the minute's sweep records and escalates.
    with time_machine.travel(ticket.follow_up_due_at + timedelta(minutes=2), tick=True):
        sweep()
        page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
        assert badge.get_attribute("data-sla-state") == "breached"
        bell_count(page, "2")
        boss = open_page("mona")
        bell_count(boss, "1")
        boss.goto(f"{live_server.url}/notifications/?category=sla")
        assert f"SLA breached: #{ticket.pk}" in boss.content()

        boss.goto(f"{live_server.url}/dashboards/")
        row = boss.locator("#live-table tbody tr", has_text="Breached now").first
        assert row.locator("td").first.inner_text() == "1"
        row.locator("a").first.click()
        boss.wait_for_url("**/dashboards/drilldown/**")
        assert boss.locator("#drilldown-total").inner_text() == "1"
        rows = boss.locator("table.drilldown tbody tr")
        assert rows.count() == 1
        assert rows.first.inner_text().split("\t")[0] == str(ticket.pk)
    assert set(Notification.objects.filter(kind="sla_breach").values_list("user", flat=True)) == {
        author.pk,
        manager.pk,
    }
