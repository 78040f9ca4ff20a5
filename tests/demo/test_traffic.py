"""`manage.py demo_traffic`: the stream that keeps the demo alive."""

import random
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from desk.classification.models import Incident
from desk.demo.baseline import seed_usual_volume
from desk.demo.channels import ensure_channels
from desk.demo.desk_content import PRESS_HOLDING_TEXTS, seed_press_holding_reply
from desk.demo.people import link_personas
from desk.demo.traffic import Stream
from tests.demo.test_sandbox import mention_on, reply
from tickets.models import Message, Ticket


def run_traffic(capture: Any, *args: str) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("demo_traffic", "--interval", "0", "--seed", "7", *args, stdout=out)
    return out.getvalue()


def test_new_mentions_arrive_in_five_languages(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    link_personas(channels=ensure_channels())

    run_traffic(django_capture_on_commit_callbacks, "--count", "40", "--crisis-every", "1000")

    inbound = Message.objects.filter(direction=Message.Direction.INBOUND)
    assert inbound.count() >= 34
    assert set(inbound.values_list("language", flat=True)) == {"en", "de", "fr", "pl", "sv"}
    assert inbound.values("channel").distinct().count() >= 5


def test_a_burst_of_complaints_about_the_event_hashtag_opens_a_crisis_incident(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    link_personas(channels=ensure_channels())

    output = run_traffic(django_capture_on_commit_callbacks, "--count", "5")

    assert "burst" in output
    tag = f"#iico{timezone.now().year}"
    assert Incident.objects.filter(status=Incident.Status.OPEN, scope=f"term:{tag}").exists()


def test_the_usual_traffic_is_no_crisis_only_the_staged_burst_is(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    channels = ensure_channels()
    link_personas(channels=channels)
    # What seed_demo writes first: the counters the live traffic leaves over the past weeks.
    seed_usual_volume(channels=channels, rng=random.Random(3), now=timezone.now())

    # Twelve minutes of the live stream at its usual pace, with its burst on the hashtag.
    output = run_traffic(django_capture_on_commit_callbacks, "--count", "120")

    assert "burst" in output
    opened = list(Incident.objects.values_list("scope", flat=True))
    assert opened == [f"term:#iico{timezone.now().year}"]


def test_a_customer_answers_the_reply_the_desk_sent(
    spokesperson_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = mention_on("x")
    sent = reply(spokesperson_client, ticket, django_capture_on_commit_callbacks)
    stream = Stream(channels=ensure_channels(), rng=random.Random(1), crisis_every=100)

    with django_capture_on_commit_callbacks(execute=True):
        happened = stream.follow_up()

    assert "answered our reply on x" in happened
    answer = Message.objects.filter(direction=Message.Direction.INBOUND).latest("id")
    assert answer.parent == sent
    assert answer.conversation == ticket.conversation


def test_a_press_inquiry_hears_at_once_that_the_press_office_has_it(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    link_personas(channels=ensure_channels())
    seed_press_holding_reply()

    run_traffic(django_capture_on_commit_callbacks, "--count", "60", "--crisis-every", "1000")

    press = Ticket.objects.filter(queue__slug="communications")
    assert press.exists()
    for ticket in press:
        holding = Message.objects.get(conversation=ticket.conversation, is_holding_reply=True)
        assert holding.direction == Message.Direction.OUTBOUND
        # The first reply to a person also carries the retention notice.
        assert holding.text.startswith(PRESS_HOLDING_TEXTS[ticket.language or ""])
        assert ticket.first_responded_at is not None
        assert ticket.follow_up_due_at is not None  # the answer itself is still owed
    others = Message.objects.filter(is_holding_reply=True).exclude(conversation__tickets__in=press)
    assert not others.exists()
