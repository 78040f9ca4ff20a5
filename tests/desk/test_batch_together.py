"""A batch ingests its new posts together, and gets the same tickets as one at a time would:
an event whose outcome depends on another of the batch, or on what is stored, still gets it."""

import json
from typing import Any

from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from channels.models import Channel, InboundEvent
from desk.classification.models import (
    EngagementTally,
    Incident,
    MentionCount,
    NegativeMention,
)
from desk.classification.similar import similar_to_text
from desk.ingestion.processing import process_batch
from desk.ingestion.tasks import drain_inbound_events
from tests.classification.test_crisis import COMPLAINTS
from tests.conftest import mention_payload, skip_or_fail
from tickets.models import Contact, Conversation, Identity, Message, Queue, Ticket


def stored(channel: Channel, platform_id: str, text: str, **extra: Any) -> InboundEvent:
    return InboundEvent.objects.create(
        channel=channel,
        source=InboundEvent.Source.WEBHOOK,
        body=json.dumps(mention_payload(platform_id, text, **extra)).encode(),
    )


def drained_with_commit_steps(capture: Any) -> int:
    with capture(execute=True):
        return int(drain_inbound_events.delay().get())


def counted_mentions() -> int:
    return int(MentionCount.objects.aggregate(total=Sum("total"))["total"] or 0)


def test_a_reply_to_a_post_of_the_same_batch_joins_its_conversation_and_ticket(
    webhook_channel: Channel,
) -> None:
    stored(webhook_channel, "p1", "The export fails with a 500", author_id="ann")
    stored(webhook_channel, "p2", "Still failing", author_id="ann", parent_id="p1")
    stored(webhook_channel, "p3", "Where is my order?", author_id="bob")

    assert drain_inbound_events.delay().get() == 3

    reply = Message.objects.get(platform_id="p2")
    assert reply.parent == Message.objects.get(platform_id="p1")
    assert reply.conversation_id == reply.parent.conversation_id
    assert Conversation.objects.count() == 2
    assert Ticket.objects.count() == 2


def test_two_replies_by_one_person_to_a_post_we_never_saw_share_one_conversation(
    webhook_channel: Channel,
) -> None:
    stored(webhook_channel, "p1", "Your ad is misleading", author_id="ann", parent_id="ad")
    stored(webhook_channel, "p2", "And nobody answers", author_id="ann", parent_id="ad")
    stored(webhook_channel, "p3", "Same here", author_id="bob", parent_id="ad")

    assert drain_inbound_events.delay().get() == 3

    ann, bob = (Contact.objects.get(identities__external_id=who) for who in ("ann", "bob"))
    assert Conversation.objects.get(contact=ann).messages.count() == 2
    assert Conversation.objects.get(contact=bob).messages.count() == 1
    assert Conversation.objects.filter(root_platform_id="ad").count() == 2


def test_a_reply_in_a_thread_where_its_author_has_a_conversation_joins_it(
    webhook_channel: Channel,
) -> None:
    stored(webhook_channel, "p1", "Your ad is misleading", author_id="ann", parent_id="ad")
    drain_inbound_events.delay().get()
    stored(webhook_channel, "p2", "Where is my order?", author_id="bob")
    stored(webhook_channel, "p3", "Hello? Anyone?", author_id="ann", parent_id="ad")
    stored(webhook_channel, "p4", "The app crashes", author_id="cid")

    assert drain_inbound_events.delay().get() == 3

    first = Message.objects.get(platform_id="p1").conversation_id
    assert Message.objects.get(platform_id="p3").conversation_id == first
    assert Conversation.objects.count() == 3
    assert set(InboundEvent.objects.values_list("state", "attempts")) == {("done", 1)}


def test_a_new_author_seen_twice_in_a_batch_is_one_identity_brought_up_to_date(
    webhook_channel: Channel,
) -> None:
    stored(webhook_channel, "p1", "Where is my order?", author_id="ann", name="Ann")
    stored(webhook_channel, "p2", "Order 42, please", author_id="ann", name="Ann Smith")

    assert drain_inbound_events.delay().get() == 2

    identity = Identity.objects.get()
    assert identity.display_name == "Ann Smith"
    assert Contact.objects.get().display_name == "Ann"  # named by the first mention
    assert Conversation.objects.filter(contact=identity.contact).count() == 2


def test_two_new_authors_with_one_address_in_a_batch_are_one_contact(
    webhook_channel: Channel,
) -> None:
    address = {"id": "ann-x", "name": "Ann", "email": "ann@example.com"}
    stored(webhook_channel, "p1", "Where is my order?", author=address)
    stored(webhook_channel, "p2", "Order 42", author={**address, "id": "ann-y"})

    assert drain_inbound_events.delay().get() == 2

    assert Identity.objects.count() == 2
    assert Contact.objects.count() == 1


def test_a_batch_joining_an_open_incident_attaches_each_negative_mention_once(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    for n, text in enumerate(COMPLAINTS):
        stored(webhook_channel, f"a{n}", text, author_id=f"angry-{n}")
    drained_with_commit_steps(django_capture_on_commit_callbacks)
    for n, text in enumerate(COMPLAINTS[:3]):
        stored(webhook_channel, f"b{n}", text, author_id=f"angrier-{n}")
    stored(webhook_channel, "b9", "Thanks, all good now!", author_id="fan")

    assert drained_with_commit_steps(django_capture_on_commit_callbacks) == 4

    incident = Incident.objects.get()
    assert incident.mentions.count() == len(COMPLAINTS) + 3
    assert NegativeMention.objects.filter(incident__isnull=True).count() == 0


def test_a_person_praising_us_in_several_posts_of_one_batch_is_tallied_for_each(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    praise = ["Huge thanks for the quick help!", "Loved the new templates!", "Site down again!"]
    for n, text in enumerate(praise):
        moment = f"2026-03-0{n + 1}T10:00:00+00:00"
        stored(webhook_channel, f"p{n}", text, author_id="fan", created_at=moment)

    drained_with_commit_steps(django_capture_on_commit_callbacks)

    tally = EngagementTally.objects.get()
    assert (tally.positive, tally.negative) == (2, 1)
    assert tally.last_positive_at.isoformat() == "2026-03-02T10:00:00+00:00"


def test_each_post_of_a_batch_is_found_as_a_similar_question(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    stored(webhook_channel, "p1", "How do I export invoices to CSV?", author_id="ann")
    stored(webhook_channel, "p2", "Wie ändere ich mein Passwort?", author_id="bob", language="de")
    drained_with_commit_steps(django_capture_on_commit_callbacks)
    conversations = {m.platform_id: m.conversation_id for m in Message.objects.all()}
    for message in Message.objects.all():  # similar questions are answered ones
        Message.objects.create(
            conversation_id=message.conversation_id,
            channel=webhook_channel,
            direction=Message.Direction.OUTBOUND,
            text="Here is how.",
            created_at=timezone.now(),
        )

    every_queue = list(Queue.objects.values_list("pk", flat=True))
    found = similar_to_text("export invoices CSV", language="en", queue_ids=every_queue)
    assert [s.conversation_id for s in found] == [conversations["p1"]]
    found = similar_to_text("Passwort ändern", language="de", queue_ids=every_queue)
    assert [s.conversation_id for s in found] == [conversations["p2"]]


def test_replies_to_our_post_in_a_batch_join_its_ticket_and_are_each_counted(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    stored(webhook_channel, "p0", "The app crashes on login", author_id="ann")
    drained_with_commit_steps(django_capture_on_commit_callbacks)
    asked = Message.objects.get()
    Message.objects.create(
        conversation_id=asked.conversation_id,
        channel=webhook_channel,
        direction=Message.Direction.OUTBOUND,
        platform_id="ours",
        text="We are looking into it.",
        created_at=timezone.now(),
    )
    for n in range(3):
        stored(webhook_channel, f"r{n}", "Still broken", author_id=f"u{n}", parent_id="ours")
        stored(webhook_channel, f"q{n}", "Where is my order?", author_id=f"v{n}")

    assert drained_with_commit_steps(django_capture_on_commit_callbacks) == 6

    assert Message.objects.filter(conversation_id=asked.conversation_id).count() == 5
    assert Ticket.objects.count() == 4
    assert counted_mentions() == 7


def test_an_event_whose_rows_the_database_refuses_fails_alone_and_leaves_nothing_behind(
    webhook_channel: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL) for a trigger")
    with connection.cursor() as cursor:  # a row refused as only the database can refuse one
        cursor.execute(
            """
            CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'refused %', NEW.platform_id; END $$;
            CREATE TRIGGER refuse_poison BEFORE INSERT ON tickets_message FOR EACH ROW
                WHEN (NEW.text = 'poison') EXECUTE FUNCTION refuse_poison();
            """
        )
    good = [
        stored(webhook_channel, f"p{n}", "Where is my order?", author_id=f"u{n}") for n in range(4)
    ]
    poison = stored(webhook_channel, "bad", "poison", author_id="mallory")

    assert drained_with_commit_steps(django_capture_on_commit_callbacks) == 5

    assert all(InboundEvent.objects.get(pk=e.pk).state == InboundEvent.State.DONE for e in good)
    assert Ticket.objects.count() == Conversation.objects.count() == 4
    assert counted_mentions() == 4  # the refused one is not counted
    poison.refresh_from_db()
    assert (poison.state, poison.attempts) == (InboundEvent.State.PENDING, 1)
    assert "refused bad" in poison.last_error
    assert not Identity.objects.filter(external_id="mallory").exists()


def test_a_batch_runs_as_many_statements_for_forty_new_posts_as_for_one(
    transactional_db: None, settings: Any
) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL): elsewhere rows are written one by one")
    settings.CRISIS_MIN_NEGATIVE = 1000  # no incident opens in either batch
    channel = Channel.objects.create(kind="webhook", name="Partner", credentials={"secret": "s"})
    counted = []
    # The first batch reads the configuration that the others find cached.
    for size, start in ((1, 0), (1, 1), (40, 2)):
        for n in range(start, start + size):
            stored(channel, f"p{n}", "Your update broke my login!!", author_id=f"u{n}")
        with CaptureQueriesContext(connection) as queries:  # its commit's steps included
            report = process_batch(limit=100)
        assert report.handled == size
        counted.append(len(queries))

    assert counted[1] == counted[2]
    assert counted[2] <= 20
    assert Ticket.objects.count() == 42
