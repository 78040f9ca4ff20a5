"""The demo as seeded: real kinds of channels, people on several of them, a trained model."""

from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from channels.models import Channel
from desk.classification.models import ClassifierVersion
from desk.outbound.models import ReplyApproval
from desk.privacy.models import ConversationNotice
from desk.sla.models import SlaEvent
from desk.sla.sweep import sweep
from tickets.models import Contact, Conversation, Message, Ticket


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Seeded once for the module (a seed takes half a minute), inside a transaction that is
    rolled back after its last test: each test runs in a savepoint of it."""
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--mentions", "80", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded: str, db: None) -> str:
    return seeded


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


def test_the_answered_history_gave_each_conversation_its_notice(demo: str) -> None:
    """The demo's past answers went out as the reply service sends a first reply: with the
    retention notice, recorded as given. Without it every answered conversation was listed
    as one that never got its notice."""
    answered = Conversation.objects.filter(
        messages__direction=Message.Direction.OUTBOUND, messages__sent_by__isnull=False
    ).distinct()
    notices = ConversationNotice.objects.filter(conversation__in=answered).select_related(
        "notice", "message"
    )

    assert answered.count() >= 10
    assert notices.count() == answered.count()
    for given in notices:
        assert given.message is not None and given.given_at == given.message.created_at
        if given.method == "first_reply":
            assert given.message.text.endswith(given.notice.text)


def test_each_conversation_was_last_active_when_its_last_message_came_or_went(
    demo: str,
) -> None:
    """The demo's past is dated as it happened: retention, the notice list and the contact
    page read a conversation's last activity; the seed once left it at the moment it ran."""
    conversations = Conversation.objects.annotate(
        received=Max("messages__inbound_event__received_at"),
        answered=Max("messages__created_at", filter=Q(messages__direction="out")),
    )
    assert conversations.count() >= 40
    for conversation in conversations:
        moments = [m for m in (conversation.received, conversation.answered) if m is not None]
        assert conversation.last_activity_at == max(moments), conversation.pk
    assert conversations.filter(last_activity_at__lt=timezone.now() - timedelta(days=7)).exists()


def test_an_agent_s_draft_waits_for_a_spokesperson(demo: str) -> None:
    """The spokesperson's first look at the demo shows the approval step at work, made the way
    an agent makes it: a reply in the company's voice to a public post, held by the gate."""
    [waiting] = ReplyApproval.objects.filter(state=ReplyApproval.State.PENDING)

    assert waiting.drafted_by is not None and waiting.drafted_by.username == "demo-agent"
    assert waiting.reason and not waiting.ticket.conversation.is_private
    assert waiting.ticket.events.filter(kind="approval_requested").exists()


def test_the_first_sla_sweep_after_the_seed_records_a_warning_and_a_breach(demo: str) -> None:
    sweep()

    kinds = set(SlaEvent.objects.values_list("kind", flat=True))
    assert {SlaEvent.Kind.WARNING, SlaEvent.Kind.BREACH} <= kinds


def test_a_demo_e_mail_s_subject_ends_at_a_word(demo: str) -> None:
    subjects = list(
        Ticket.objects.filter(channel__kind="email").values_list("conversation__subject", flat=True)
    )
    texts = set(Message.objects.filter(channel__kind="email").values_list("text", flat=True))

    assert subjects
    for subject in subjects:
        opening = subject.removeprefix("Re: ")
        # The whole post, or its opening cut between two words.
        assert opening in texts or opening.endswith("…"), subject
