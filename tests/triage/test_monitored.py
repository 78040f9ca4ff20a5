"""The monitored stream and "make a ticket", over HTTP, with mentions polled from a feed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from channels.models import Channel
from channels.services import create_channel
from desk.classification.models import Incident, MentionCount
from desk.sla.defaults import ensure_default_policy
from tests.conftest import mention_payload, signed_delivery
from tests.dashboards.helpers import figures, rebuild
from tests.fakes.feeds import FakeFeedSite, rss
from tests.triage.conftest import StaffFactory
from tickets.models import Message, Ticket, TicketEvent

COMPLAINTS = [
    "Site down again, this is unacceptable! #infopark",
    "Third outage today. Terrible service. #infopark",
    "Still down?! Worst week ever. #infopark",
    "I've lost my whole morning because you are down again. Awful. #infopark",
    "Your status page lies, everything is down. Ridiculous. #infopark",
    "Down again and no word from you. Disappointing. #infopark",
]


@pytest.fixture
def site(settings: Any) -> Iterator[FakeFeedSite]:
    settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    with FakeFeedSite().running() as fake:
        yield fake


@pytest.fixture
def poll(django_capture_on_commit_callbacks: Any) -> Callable[[Channel], None]:
    def run(channel: Channel) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("channel", "poll", channel.name, stdout=StringIO())

    return run


@pytest.fixture
def blog(db: None, site: FakeFeedSite, poll: Callable[[Channel], None]) -> Channel:
    ensure_default_policy()
    channel = create_channel(
        kind="feed",
        name="Blog comments",
        values={"url": site.publish_fixture("/comments/feed/", "wordpress_comments__rss.xml")},
    )
    poll(channel)
    return channel


def stream_rows(client: Client, **params: str) -> list[int]:
    response = client.get("/monitored/", params)
    assert response.status_code == 200
    return [message.pk for message, _ticket in response.context["rows"]]


def test_feed_mentions_are_listed_escaped_with_a_link_to_the_original(
    blog: Channel, staff: StaffFactory
) -> None:
    _, agent = staff("agent")

    page = agent.get("/monitored/").content.decode()

    assert "Warum ist die Anmeldung seit gestern kaputt?" in page
    assert "Jonas Weber" in page
    # Markup a commenter typed is shown as text, never as markup.
    assert "&lt;b&gt;pas de gras&lt;/b&gt;" in page
    assert "<b>pas de gras</b>" not in page
    assert 'href="https://blog.infopark.de/2026/11/cloud-dev-camp-programm/#comment-4711"' in page
    assert 'href="/monitored/"' in agent.get("/").content.decode()


def test_the_stream_filters_by_language_search_channel_and_ticket_state(
    blog: Channel, staff: StaffFactory
) -> None:
    _, agent = staff("agent")
    jonas = Message.objects.get(author_identity__display_name="Jonas Weber").pk
    marie = Message.objects.get(author_identity__display_name="Marie Dubois").pk

    assert stream_rows(agent) == [jonas, marie]
    assert stream_rows(agent, language="fr") == [marie]
    assert stream_rows(agent, q="jonas") == [jonas]
    assert stream_rows(agent, channel=str(blog.pk), kind="feed") == [jonas, marie]
    agent.post(f"/monitored/{marie}/ticket/")
    assert stream_rows(agent, state="open") == [jonas]
    assert stream_rows(agent, state="ticketed") == [marie]


def test_an_invalid_filter_is_a_clear_400(blog: Channel, staff: StaffFactory) -> None:
    _, agent = staff("agent")

    response = agent.get("/monitored/", {"language": "xx"})

    assert response.status_code == 400
    assert "Some filters are not valid" in response.content.decode()


def test_served_mentions_are_not_in_the_stream(
    blog: Channel, staff: StaffFactory, webhook_channel: Channel,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    _, agent = staff("agent")
    with django_capture_on_commit_callbacks(execute=True):
        signed_delivery(Client(), webhook_channel, mention_payload("w1", "Served"), delivery="w1")

    rows = stream_rows(agent)

    assert Message.objects.filter(channel=webhook_channel).exists()
    assert len(rows) == 2


def test_making_a_ticket_starts_its_sla_clock_then_and_is_audited(
    blog: Channel, staff: StaffFactory
) -> None:
    user, agent = staff("agent")
    message = Message.objects.get(author_identity__display_name="Jonas Weber")
    before = timezone.now()

    response = agent.post(f"/monitored/{message.pk}/ticket/")

    ticket = Ticket.objects.get(conversation=message.conversation)
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.pk}/"
    # Posted on 5 December 2026; the promise to answer starts when the agent took it up.
    assert ticket.created_at >= before
    assert ticket.sla_policy is not None
    assert ticket.first_response_due_at is not None
    assert ticket.first_response_due_at > before
    assert ticket.status == Ticket.Status.NEW
    event = TicketEvent.objects.get(ticket=ticket, kind="created")
    assert event.actor == user
    assert event.note == "made from a monitored mention"
    page = agent.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Warum ist die Anmeldung" in page
    german = agent.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "aus einer beobachteten Erwähnung erstellt" in german


def test_making_a_ticket_twice_gives_the_same_ticket(blog: Channel, staff: StaffFactory) -> None:
    _, agent = staff("agent")
    message = Message.objects.get(author_identity__display_name="Marie Dubois")

    agent.post(f"/monitored/{message.pk}/ticket/")
    response = agent.post(f"/monitored/{message.pk}/ticket/", follow=True)

    assert Ticket.objects.filter(conversation=message.conversation).count() == 1
    assert "already ticket" in response.content.decode()


def test_a_served_mention_cannot_be_made_a_ticket_here(
    db: None, staff: StaffFactory, webhook_channel: Channel,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    _, agent = staff("agent")
    with django_capture_on_commit_callbacks(execute=True):
        signed_delivery(Client(), webhook_channel, mention_payload("w1", "Served"), delivery="w1")
    message = Message.objects.get()

    response = agent.post(f"/monitored/{message.pk}/ticket/", follow=True)

    assert "not a mention on a monitored channel" in response.content.decode()
    assert Ticket.objects.count() == 1  # the one the served channel opened itself


def test_the_stream_needs_a_desk_role(blog: Channel, staff: StaffFactory) -> None:
    message = Message.objects.first()
    assert message is not None
    _, nobody = staff("", queues=())

    assert Client().get("/monitored/").status_code == 302
    assert nobody.get("/monitored/").status_code == 403
    assert nobody.post(f"/monitored/{message.pk}/ticket/").status_code == 403
    assert not Ticket.objects.exists()


def test_making_a_ticket_needs_a_post(blog: Channel, staff: StaffFactory) -> None:
    _, agent = staff("agent")
    message = Message.objects.first()
    assert message is not None

    assert agent.get(f"/monitored/{message.pk}/ticket/").status_code == 405


# -- feed mentions count like any other mention --------------------------------------------


def test_feed_mentions_count_in_the_dashboards_monitored_figure(
    blog: Channel, staff: StaffFactory
) -> None:
    _, manager = staff("manager")
    today = timezone.localdate().isoformat()
    rebuild()  # what the minute refresh does

    # Mentions count on the day they were posted (4 and 5 December 2026).
    found = figures(manager, **{"from": "2026-12-01", "to": today})

    assert found["monitored"] == 2


def test_a_burst_of_negative_feed_comments_on_a_tracked_term_opens_an_incident(
    db: None, site: FakeFeedSite, poll: Callable[[Channel], None]
) -> None:
    now = datetime.now(UTC)
    items = [
        {
            "guid": f"c{n}",
            "link": f"https://blog.example/p#c{n}",
            "date": format_datetime(now - timedelta(minutes=n)),
            "description": text,
        }
        for n, text in enumerate(COMPLAINTS)
    ]
    channel = create_channel(
        kind="feed",
        name="Status blog",
        values={"url": site.publish("/c", rss(items))},
        tracked_terms=["#infopark"],
    )

    poll(channel)

    assert MentionCount.objects.filter(scope="term:#infopark").exists()
    incident = Incident.objects.get(scope=f"channel:{channel.pk}")
    assert incident.status == Incident.Status.OPEN
    assert Incident.objects.filter(scope="term:#infopark").exists()


@pytest.mark.parametrize(
    ("language", "title", "button", "recipe"),
    [
        ("de", "Beobachtete Erwähnungen", "Ticket anlegen", "Pinterest: neue Pins einer Pinnwand"),
        (
            "fr",
            "Mentions suivies",
            "Faire un ticket",
            "Pinterest : les nouvelles épingles d’un tableau",
        ),
        ("pl", "Obserwowane wzmianki", "Utwórz zgłoszenie", "Pinterest: nowe piny jednej tablicy"),
        ("sv", "Bevakade omnämnanden", "Skapa ärende", "Pinterest: en anslagstavlas nya pins"),
    ],
)
def test_the_stream_and_the_feed_recipes_speak_the_agents_language(
    blog: Channel, staff: StaffFactory, language: str, title: str, button: str, recipe: str
) -> None:
    _, agent = staff("agent")
    agent.post("/preferences/", {"language": language, "time_zone": "Europe/Berlin"})

    stream = agent.get("/monitored/").content.decode()
    channels = agent.get("/channels/").content.decode()

    assert title in stream and button in stream
    assert recipe in channels


def test_a_reply_on_a_feed_ticket_is_refused_before_it_is_queued(
    blog: Channel, staff: StaffFactory
) -> None:
    _, spokesperson = staff("spokesperson")
    message = Message.objects.get(author_identity__display_name="Jonas Weber")
    spokesperson.post(f"/monitored/{message.pk}/ticket/")
    ticket = Ticket.objects.get(conversation=message.conversation)

    response = spokesperson.post(
        f"/tickets/{ticket.pk}/reply/", {"text": "Danke, wir prüfen das.", "voice": "company"}
    )

    assert response.status_code == 400
    assert "channels take no replies: answer on the original" in response.content.decode()
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
