"""The demo as seeded: real kinds of channels, people on several of them, a trained model."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from channels.models import Channel
from desk.classification.models import ClassifierVersion, Incident, MentionCount
from desk.sla.models import SlaEvent
from desk.sla.sweep import sweep
from tickets.models import Contact, Message, Ticket


@pytest.fixture
def demo(db: None) -> str:
    out = StringIO()
    call_command("seed_demo", "--mentions", "80", stdout=out)
    return out.getvalue()


def test_the_demo_has_a_channel_of_every_real_kind(demo: str) -> None:
    kinds = set(Channel.objects.filter(name__startswith="Demo").values_list("kind", flat=True))
    assert {
        "x",
        "meta",
        "mastodon",
        "bluesky",
        "youtube",
        "linkedin",
        "email",
        "webform",
        "api",
    } <= kinds
    names = set(Channel.objects.values_list("name", flat=True))
    assert {"Demo Facebook", "Demo Instagram"} <= names


def test_mentions_arrive_on_the_social_channels_not_one_generic_webhook(demo: str) -> None:
    per_channel = dict(
        Message.objects.filter(direction=Message.Direction.INBOUND)
        .values_list("channel__name")
        .annotate(n=Count("id"))
    )
    assert per_channel.get("Demo partner webhook", 0) == 0
    assert {"Demo X", "Demo Facebook", "Demo Mastodon", "Demo E-mail"} <= set(per_channel)


def test_some_contacts_write_on_two_or_three_channels(demo: str) -> None:
    spread = Contact.objects.annotate(
        channels=Count("conversations__channel", distinct=True)
    ).filter(channels__gte=2)
    assert spread.count() >= 3


def test_a_classifier_is_trained_and_active_at_seed_time(demo: str) -> None:
    assert ClassifierVersion.objects.filter(is_active=True).exists()


def test_answered_history_gives_similar_questions_material(demo: str) -> None:
    answered = Ticket.objects.filter(status="resolved", first_responded_at__isnull=False)
    assert answered.count() >= 10


def test_the_first_sla_sweep_after_the_seed_records_a_warning_and_a_breach(demo: str) -> None:
    sweep()

    kinds = set(SlaEvent.objects.values_list("kind", flat=True))
    assert {SlaEvent.Kind.WARNING, SlaEvent.Kind.BREACH} <= kinds


def test_the_seed_opens_no_crisis_and_leaves_the_channels_their_usual_volume(
    transactional_db: None,
) -> None:
    # Committed as under `make run`, so the counting after each commit runs.
    call_command("seed_demo", "--mentions", "80", stdout=StringIO())

    # The past's mentions are checked at their own moments; none of them is a crisis.
    assert not Incident.objects.exists()
    channels_with_volume = (
        MentionCount.objects.filter(scope__startswith="channel:", negative__gt=0)
        .values("scope")
        .distinct()
    )
    assert channels_with_volume.count() >= 5
