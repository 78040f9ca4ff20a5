"""Turning a monitored feed mention into a ticket in a real browser (Chromium)."""

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from channels.services import create_channel
from desk.sla.defaults import ensure_default_policy
from tests.fakes.feeds import FakeFeedSite

# The browser fixtures are shared with the desk's other browser tests.
from tests.triage.test_browser import browser, make_user, open_page, reference_data  # noqa: F401
from tickets.models import Message, Ticket, TicketEvent


@pytest.fixture
def site(settings: Any) -> Iterator[FakeFeedSite]:
    settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    with FakeFeedSite().running() as fake:
        yield fake


def test_an_agent_makes_a_ticket_of_a_feed_comment_from_the_monitored_stream(
    site: FakeFeedSite,
    open_page: Any,  # noqa: F811 - the imported fixture
    live_server: Any,
) -> None:
    ensure_default_policy()
    channel = create_channel(
        kind="feed",
        name="Blog comments",
        values={"url": site.publish_fixture("/comments/feed/", "wordpress_comments__rss.xml")},
    )
    call_command("channel", "poll", channel.name, stdout=StringIO())
    agent = make_user("browser-agent", "agent")
    message = Message.objects.get(author_identity__display_name="Jonas Weber")
    page = open_page("browser-agent")

    page.click("nav >> text=Monitored")
    row = page.locator(f"tr[data-message='{message.pk}']")
    assert "Warum ist die Anmeldung" in row.inner_text()
    # The stream is read, not scanned: each mention's text shows whole, not cut to one line.
    clipped = page.eval_on_selector_all(
        "tr[data-message] .mention-text",
        "ps => ps.filter(p => p.scrollWidth > p.clientWidth + 1)"
        ".length + ps.filter(p => p.parentElement.scrollWidth > p.parentElement.clientWidth + 1)"
        ".length",
    )
    assert clipped == 0
    assert page.locator("tr[data-message]").count() == 2
    row.get_by_role("button", name="Make a ticket").click()
    page.wait_for_url(f"{live_server.url}/tickets/*/")

    ticket = Ticket.objects.get(conversation=message.conversation)
    assert page.url.endswith(f"/tickets/{ticket.pk}/")
    assert "its SLA clock starts now" in page.content()
    assert ticket.first_response_due_at is not None
    assert TicketEvent.objects.get(ticket=ticket, kind="created").actor == agent
    page.goto(f"{live_server.url}/monitored/?state=open")
    assert page.locator("tr[data-message]").count() == 1


def test_the_monitored_filters_lie_side_by_side_like_the_inbox_s(
    open_page: Any,  # noqa: F811 - the imported fixture
    live_server: Any,
) -> None:
    make_user("browser-agent", "agent")
    page = open_page("browser-agent")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/monitored/")

    page.get_by_text("Filters", exact=True).click()

    tops = page.eval_on_selector_all(
        "form.filters .filter-grid .field", "fields => fields.map(f => f.offsetTop)"
    )
    assert len(tops) == 4  # channel, kind, language, ticket
    assert tops.count(tops[0]) == len(tops)  # one row, not a column of boxes
