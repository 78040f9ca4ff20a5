"""A burst of negative mentions opens one incident, alerts once, and shows in the desk."""

import re
from datetime import timedelta
from io import StringIO
from typing import Any

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from channels.models import Channel
from desk.classification.crisis import bucket_of
from desk.classification.models import Incident, MentionCount, NegativeMention
from desk.classification.tasks import prune_crisis_counters
from desk.models import Notification
from tests.classification.conftest import Deliver
from tickets.models import Queue

COMPLAINTS = [
    "Site down again, this is unacceptable!",
    "Third outage today. Terrible service.",
    "Still down?! Worst week ever.",
    "I've lost my whole morning because you are down again. Awful.",
    "Your status page lies, everything is down. Ridiculous.",
    "Down again and no word from you. Disappointing.",
    "Unacceptable outage, we are losing sales.",
    "Seriously? Down for an hour now. Terrible.",
]


def second_channel(*, terms: str) -> Channel:
    """A second webhook channel tracking `terms`, added the way an administrator adds it."""
    call_command(
        "channel",
        "add",
        "webhook",
        "--name",
        "Second",
        "--set",
        "secret=s3cret",
        "--terms",
        terms,
        stdout=StringIO(),
    )
    return Channel.objects.get(name="Second")


def test_a_burst_of_negative_mentions_opens_one_incident_and_alerts_once(
    deliver: Deliver, manager: Any, django_user_model: Any
) -> None:
    press = django_user_model.objects.create_user("press", email="press@example.org")
    Queue.objects.get(slug="communications").members.add(press)
    agent = django_user_model.objects.create_user("agent-x", email="agent@example.org")

    for n, text in enumerate(COMPLAINTS):
        deliver(text, author_id=f"angry-{n}")

    incident = Incident.objects.get()
    assert incident.status == Incident.Status.OPEN
    assert incident.mentions.count() == len(COMPLAINTS)
    alerts = Notification.objects.filter(kind="crisis")
    assert sorted(alerts.values_list("user__username", flat=True)) == ["manager", "press"]
    assert not alerts.filter(user=agent).exists()
    assert "negative mentions in the last 60 minutes" in incident.reason


def test_a_burst_at_the_usual_level_for_this_hour_opens_no_incident(
    deliver: Deliver, webhook_channel: Channel
) -> None:
    now = timezone.now()
    for day in range(1, 29):
        MentionCount.objects.create(
            scope=f"channel:{webhook_channel.pk}",
            bucket_start=bucket_of(now - timedelta(days=day)),
            total=20,
            negative=12,
        )

    for n, text in enumerate(COMPLAINTS):
        deliver(text, author_id=f"angry-{n}")

    assert not Incident.objects.exists()
    assert NegativeMention.objects.count() == len(COMPLAINTS)


def test_a_tracked_term_has_its_own_incident(deliver: Deliver, webhook_channel: Channel) -> None:
    # Terms set the way an administrator sets them, with a year template.
    other = second_channel(terms="#infopark{year}")
    call_command("channel", "set", webhook_channel.name, "--terms", "#infopark{year}")
    tag = f"#infopark{timezone.localdate().year}"

    for n, text in enumerate(COMPLAINTS):
        deliver(f"{text} {tag}", author_id=f"angry-{n}", channel=(other, None)[n % 2])

    term = Incident.objects.get(scope=f"term:{tag}")
    assert term.mentions.count() == len(COMPLAINTS)
    assert not Incident.objects.filter(scope__startswith="channel:").exists()


def test_every_mention_counts_once_on_its_channel_and_once_on_each_tracked_term(
    deliver: Deliver, webhook_channel: Channel
) -> None:
    call_command("channel", "set", webhook_channel.name, "--terms", "#infopark,#iico")

    deliver("Where can I find your opening hours? #infopark #iico", author_id="calm")
    deliver(COMPLAINTS[0] + " #infopark", author_id="angry")
    deliver("And where is your office? #infopark", author_id="calm")

    counted = {
        scope: (total, negative)
        for scope, total, negative in MentionCount.objects.values_list("scope", "total", "negative")
    }
    assert counted == {
        f"channel:{webhook_channel.pk}": (3, 1),
        "term:#infopark": (3, 1),
        "term:#iico": (1, 0),
    }


def test_the_banner_groups_the_incident_and_tracks_time_to_first_response(
    deliver: Deliver, spokesperson_client: Client, manager_client: Client
) -> None:
    staff_client = spokesperson_client
    tickets = [deliver(text, author_id=f"angry-{n}") for n, text in enumerate(COMPLAINTS)]
    incident = Incident.objects.get()
    first = tickets[0]
    assert first is not None
    staff_client.post(
        f"/tickets/{first.pk}/reply/", {"text": "Sorry, we are on it.", "voice": "company"}
    )

    manager_client.post(
        f"/desk/incidents/{incident.pk}/statement/",
        {"statement": "We know about the outage and are fixing it. Updates every 30 minutes."},
    )
    inbox = staff_client.get("/").content.decode()
    page = staff_client.get(f"/desk/incidents/{incident.pk}/").content.decode()

    assert "crisis-banner" in inbox
    assert f"{len(COMPLAINTS)} negative mentions" in inbox
    assert "We know about the outage and are fixing it." in inbox
    assert "Partner webhook (8)" in page
    assert "0.0 min" in page  # answered within the minute
    assert page.count("waiting") == len(COMPLAINTS) - 1


def test_only_communications_or_managers_pin_a_statement(
    deliver: Deliver, django_user_model: Any
) -> None:
    agent = django_user_model.objects.create_user("outside-communications")
    agent.groups.add(Group.objects.get(name="agent"))
    agent.desk_queues.add(*Queue.objects.exclude(slug="communications"))
    staff_client = Client()
    staff_client.force_login(agent)
    for n, text in enumerate(COMPLAINTS):
        deliver(text, author_id=f"angry-{n}")
    incident = Incident.objects.get()

    response = staff_client.post(
        f"/desk/incidents/{incident.pk}/statement/", {"statement": "Anything"}
    )

    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.holding_statement == ""


def test_pruning_keeps_incident_mentions_and_recent_counters(deliver: Deliver) -> None:
    for n, text in enumerate(COMPLAINTS):
        deliver(text, author_id=f"angry-{n}")
    MentionCount.objects.create(
        scope="channel:0", bucket_start=bucket_of(timezone.now() - timedelta(days=40)), negative=3
    )

    removed = prune_crisis_counters.delay().get()

    assert removed == 1
    assert Incident.objects.get().mentions.count() == len(COMPLAINTS)
    assert MentionCount.objects.exclude(scope="channel:0").exists()


def test_a_burst_on_a_tracked_term_shows_one_banner_with_each_incident(
    deliver: Deliver, webhook_channel: Channel, spokesperson_client: Client
) -> None:
    call_command("channel", "set", webhook_channel.name, "--terms", "#infopark")
    for n, text in enumerate(COMPLAINTS):
        deliver(f"{text} #infopark", author_id=f"angry-{n}")
    assert Incident.objects.filter(status=Incident.Status.OPEN).count() == 2  # term, channel

    inbox = spokesperson_client.get("/").content.decode()

    assert inbox.count('class="crisis-banner"') == 1
    assert inbox.count('role="alert"') == 1
    assert "#infopark" in inbox and "Partner webhook" in inbox
    assert inbox.count(f"{len(COMPLAINTS)} negative mentions") == 2


def test_one_burst_on_a_tracked_term_sends_one_alert_naming_each_incident(
    deliver: Deliver, webhook_channel: Channel, manager: Any, mailoutbox: list[Any]
) -> None:
    call_command("channel", "set", webhook_channel.name, "--terms", "#infopark")

    for n, text in enumerate(COMPLAINTS):
        deliver(f"{text} #infopark", author_id=f"angry-{n}")

    assert Incident.objects.filter(status=Incident.Status.OPEN).count() == 2  # term, channel
    [alert] = Notification.objects.filter(kind="crisis", user=manager)
    assert "#infopark" in alert.title and "Partner webhook" in alert.title
    assert alert.body.count("negative mentions in the last") == 2
    assert alert.url == "/desk/incidents/"
    assert [m.to for m in mailoutbox] == [["manager@example.org"]]


def test_a_term_burst_on_a_channel_already_in_crisis_alerts_nobody_again(
    deliver: Deliver, webhook_channel: Channel, manager: Any, mailoutbox: list[Any]
) -> None:
    call_command("channel", "set", webhook_channel.name, "--terms", "#infopark")
    for n, text in enumerate(COMPLAINTS[:5]):
        deliver(text, author_id=f"angry-{n}")
    assert Notification.objects.filter(kind="crisis", user=manager).count() == 1  # the channel

    for n, text in enumerate(COMPLAINTS):
        deliver(f"{text} #infopark", author_id=f"tagged-{n}")

    assert Incident.objects.filter(status=Incident.Status.OPEN, scope="term:#infopark").exists()
    [alert] = Notification.objects.filter(kind="crisis", user=manager)
    assert "Partner webhook" in alert.title
    assert len(mailoutbox) == 1
    inbox = Client()
    inbox.force_login(manager)
    assert "#infopark" in inbox.get("/").content.decode()  # the banner lists it


def test_a_term_burst_elsewhere_is_a_new_crisis_and_alerts(
    deliver: Deliver, webhook_channel: Channel, manager: Any
) -> None:
    other = second_channel(terms="#infopark")
    for n, text in enumerate(COMPLAINTS[:5]):
        deliver(text, author_id=f"angry-{n}")

    for n, text in enumerate(COMPLAINTS):
        deliver(f"{text} #infopark", author_id=f"tagged-{n}", channel=other)

    titles = Notification.objects.filter(kind="crisis", user=manager).values_list(
        "title", flat=True
    )
    assert len(titles) == 2
    assert any("#infopark" in title for title in titles)


def test_the_incident_links_only_tickets_of_the_reader_s_queues(
    deliver: Deliver, manager_client: Client, django_user_model: Any
) -> None:
    tickets = [deliver(text, author_id=f"angry-{n}") for n, text in enumerate(COMPLAINTS)]
    incident = Incident.objects.get()
    sales_agent = django_user_model.objects.create_user("sales-agent")
    sales_agent.groups.add(Group.objects.get(name="agent"))
    sales_agent.desk_queues.add(Queue.objects.get(slug="sales"))
    agent_client = Client()
    agent_client.force_login(sales_agent)
    ticket = tickets[0]
    assert ticket is not None and ticket.queue.slug != "sales"

    theirs = agent_client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    managers = manager_client.get(f"/desk/incidents/{incident.pk}/").content.decode()

    assert f'href="/tickets/{ticket.pk}/"' not in theirs
    assert f'title="In a queue you do not work">#{ticket.pk}</span>' in theirs
    assert f'href="/tickets/{ticket.pk}/"' in managers


def test_an_incident_is_explained_in_the_reader_s_language(
    deliver: Deliver, spokesperson_client: Client
) -> None:
    for n, text in enumerate(COMPLAINTS):
        deliver(text, author_id=f"angry-{n}")
    incident = Incident.objects.get()

    german = spokesperson_client.get(
        f"/desk/incidents/{incident.pk}/", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    english = spokesperson_client.get(f"/desk/incidents/{incident.pk}/").content.decode()

    assert "Kanal Partner webhook" in german
    assert "negative Erwähnungen in den letzten 60 Minuten" in german
    assert "negative mentions in the last" not in german
    assert re.search(r"Eröffnet \d\d\.\d\d\.\d{4} \d\d:\d\d", german)  # the reader's date format
    # The channel's name is someone's words in our sentence: in its own isolated run.
    assert re.search(
        r"\d+ negative mentions in the last 60 minutes on \u2068channel Partner webhook\u2069;",
        english,
    )
    # Its figures in the reader's number format, rounded: "Alarm ab 3,2", not "3.2" or "3.1623".
    incident.threshold = 3.16227
    incident.save(update_fields=["threshold"])
    german = spokesperson_client.get(
        f"/desk/incidents/{incident.pk}/", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "Alarm ab 3,2" in german


def test_the_incident_page_isolates_each_author_and_mention(
    deliver: Deliver, spokesperson_client: Client
) -> None:
    # A right-to-left override in a name would turn the rest of its row around.
    for n, text in enumerate(COMPLAINTS):
        deliver(f"{text} \u202etxt.exe", author_id=f"angry-{n}", name=f"Eve\u202e{n}")
    incident = Incident.objects.get()

    page = spokesperson_client.get(f"/desk/incidents/{incident.pk}/").content.decode()

    assert (
        '<bdi>Eve<span class="hidden-char" title="RIGHT-TO-LEFT OVERRIDE">U+202E</span>0</bdi>'
        in page
    )
    assert f"<bdi>{COMPLAINTS[0]} \u202etxt.exe</bdi>" in page
    assert "Eve\u202e" not in page


def test_a_manager_closes_an_incident_and_the_page_says_who_and_when(
    deliver: Deliver, staff_client: Client, manager_client: Client
) -> None:
    for n, text in enumerate(COMPLAINTS):
        deliver(text, author_id=f"angry-{n}")
    incident = Incident.objects.get()
    page = f"/desk/incidents/{incident.pk}/"
    # The button only for those who may press it: an agent's press was refused with a 403.
    assert "Close incident" not in staff_client.get(page).content.decode()
    assert "Close incident" in manager_client.get(page).content.decode()

    closed = manager_client.post(f"{page}close/", follow=True).content.decode()

    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    when = timezone.localtime(incident.closed_at).strftime("%m/%d/%Y")
    assert re.search(rf"closed {re.escape(when)} [^<]* by manager", closed)
    assert "Close incident" not in closed and "Incident closed." in closed
    assert "crisis-banner" not in staff_client.get("/").content.decode()
