from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from channels.models import Channel
from desk.ingestion.tasks import drain_inbound_events
from desk.privacy.models import ConversationNotice, NoticeInUse, NoticeMethod, RetentionNotice
from desk.privacy.services import confirmation_email_notice, current_notice, web_form_notice
from tests.conftest import mention_payload, signed_delivery
from tests.privacy.conftest import configure
from tickets.models import Message


def notice_text(language: str) -> str:
    return RetentionNotice.objects.get(language=language, version=1).text


@pytest.fixture
def new_conversation(request: Any, mention: Any, inquiry: Any) -> Callable[..., Message]:
    """A first message on a channel of the given kind, through that channel's own door."""

    def start(kind: str, text: str = "Where is my parcel?", **extra: Any) -> Message:
        if kind == "api":
            return inquiry(text, **extra)
        return mention("p1", text, **extra)

    return start


@pytest.mark.parametrize("kind", ["api", "webhook"])
def test_a_new_conversation_on_each_channel_kind_gets_its_notice_recorded_once(
    kind: str, new_conversation: Any, reply: Any
) -> None:
    conversation = new_conversation(kind).conversation

    reply(conversation, "We are looking into it.")
    reply(conversation, "It ships today.")

    record = ConversationNotice.objects.get(conversation=conversation)
    assert record.notice == current_notice("en")
    assert record.channel == conversation.channel
    assert record.given_at is not None
    outbound = Message.objects.filter(conversation=conversation, direction="out")
    assert sum(notice_text("en") in m.text for m in outbound) == 1
    assert record.message is not None and notice_text("en") in record.message.text


def test_a_public_first_reply_carries_the_notice_appended(mention: Any, reply: Any) -> None:
    conversation = mention("p1", "Hello").conversation

    reply(conversation, "Hi Ann!")
    reply(conversation, "Anything else?")

    texts = list(conversation.messages.filter(direction="out").values_list("text", flat=True))
    assert texts == [f"Hi Ann!\n\n{notice_text('en')}", "Anything else?"]
    record = ConversationNotice.objects.get()
    assert record.method == NoticeMethod.FIRST_REPLY
    assert record.message.text == texts[0]


def test_a_private_first_reply_is_followed_by_a_standalone_notice(inquiry: Any, reply: Any) -> None:
    conversation = inquiry("Where is my order?").conversation

    reply(conversation, "It ships today.")

    texts = list(conversation.messages.filter(direction="out").values_list("text", flat=True))
    assert texts == ["It ships today.", notice_text("en")]
    assert ConversationNotice.objects.get().message.text == notice_text("en")
    assert set(
        conversation.messages.filter(direction="out").values_list("delivery_state", flat=True)
    ) == {"sent"}


def test_a_public_link_channel_links_the_notice_in_the_first_reply(
    webhook_channel: Channel, mention: Any, reply: Any
) -> None:
    configure(webhook_channel, NoticeMethod.PUBLIC_LINK)
    conversation = mention("p1", "Hello").conversation

    reply(conversation, "Hi!")

    sent = conversation.messages.get(direction="out").text
    assert sent == "Hi!\n\nHow we store your data: http://127.0.0.1:8000/privacy/notices/en/1/"
    assert ConversationNotice.objects.get().method == NoticeMethod.PUBLIC_LINK
    page = Client().get("/privacy/notices/en/1/")
    assert page.status_code == 200
    assert escape(notice_text("en")) in page.content.decode()


def test_a_channel_profile_notice_is_recorded_when_the_conversation_starts(
    webhook_channel: Channel, mention: Any, reply: Any
) -> None:
    configure(webhook_channel, NoticeMethod.CHANNEL_PROFILE)
    first = mention("p1", "Hello")
    mention("p2", "Hello again", parent_id="p1")

    record = ConversationNotice.objects.get()
    assert record.conversation == first.conversation
    assert record.method == NoticeMethod.CHANNEL_PROFILE
    assert record.message == first
    reply(first.conversation, "Hi!")
    assert first.conversation.messages.get(direction="out").text == "Hi!"
    assert ConversationNotice.objects.count() == 1


def test_a_web_form_records_the_notice_it_showed_before_submission(
    api: Client, inquiry: Any, reply: Any
) -> None:
    configure(Channel.objects.get(kind="api"), NoticeMethod.WEB_FORM)
    shown = web_form_notice(language="de")
    assert shown is not None and shown["text"] == notice_text("de")
    shown_at = (timezone.now() - timedelta(minutes=3)).isoformat()

    message = inquiry(
        "Wo ist mein Paket?",
        language="de",
        metadata={"retention_notice": {"id": shown["id"], "shown_at": shown_at}},
    )
    reply(message.conversation, "Heute.")

    record = ConversationNotice.objects.get()
    assert (record.language, record.method, record.message) == ("de", "web_form", message)
    assert record.given_at.isoformat() == shown_at
    assert message.conversation.messages.get(direction="out").text == "Heute."


@pytest.mark.parametrize(
    ("detected", "channel_default", "expected"),
    [
        ("de", "fr", "de"),
        ("sv", "en", "sv"),
        ("pl-PL", "en", "pl"),
        ("es", "fr", "fr"),
        ("", "pl", "pl"),
        ("es", None, "en"),
    ],
)
def test_the_notice_language_follows_detection_with_a_fallback(
    webhook_channel: Channel,
    mention: Any,
    reply: Any,
    detected: str,
    channel_default: str | None,
    expected: str,
) -> None:
    if channel_default:
        configure(webhook_channel, NoticeMethod.FIRST_REPLY, channel_default)
    # Nothing a language detector can read: the language is the declared one, or none.
    conversation = mention("p1", "👍 4711", language=detected).conversation

    reply(conversation, "Hi!")

    record = ConversationNotice.objects.get()
    assert record.language == expected
    assert conversation.messages.get(direction="out").text.endswith(notice_text(expected))


def test_a_public_reply_too_long_for_the_notice_text_links_it_instead(
    webhook_channel: Channel, mention: Any, reply: Any, monkeypatch: Any
) -> None:
    # A platform with a short limit, as X has 280 characters.
    monkeypatch.setattr(type(webhook_channel.adapter()), "max_reply_length", 300)
    conversation = mention("p1", "Hello").conversation

    reply(conversation, "x" * 200)

    sent = conversation.messages.get(direction="out").text
    assert sent.endswith("http://127.0.0.1:8000/privacy/notices/en/1/")
    assert ConversationNotice.objects.get().method == NoticeMethod.PUBLIC_LINK


def test_conversations_without_a_notice_are_listed_for_staff(
    mention: Any, reply: Any, agent_client: Client
) -> None:
    answered = mention("p1", "First question", author_id="u1").conversation
    waiting = mention("p2", "<b>Second</b> question", author_id="u2", name="Bo").conversation
    reply(answered, "Answer")

    response = agent_client.get("/privacy/unnoticed/")

    assert response.status_code == 200
    assert [c.pk for c in response.context["conversations"]] == [waiting.pk]
    page = response.content.decode()
    assert "&lt;b&gt;Second&lt;/b&gt;" in page
    assert "First question" not in page


def test_a_given_notice_version_is_never_edited_only_superseded(
    mention: Any, reply: Any, tmp_path: Any
) -> None:
    reply(mention("p1", "Hello").conversation, "Hi!")
    given = current_notice("en")
    assert given is not None

    given.text = "Something else"
    with pytest.raises(NoticeInUse):
        given.save()
    with pytest.raises(NoticeInUse):
        RetentionNotice.objects.filter(pk=given.pk).update(retention_days=1)
    with pytest.raises(NoticeInUse):
        given.delete()

    text = tmp_path / "notice.txt"
    text.write_text("We keep your data for six months.", encoding="utf-8")
    call_command(
        "privacy_notice",
        "publish",
        "--language",
        "en",
        "--text-file",
        str(text),
        "--days",
        "180",
        "--basis",
        "GDPR art. 6(1)(f)",
    )
    given.refresh_from_db()
    assert given.text == notice_text("en") != "Something else"
    newer = current_notice("en")
    assert newer is not None and (newer.version, newer.retention_days) == (2, 180)


def test_the_confirmation_email_carries_the_notice_in_the_persons_language(db: None) -> None:
    block = confirmation_email_notice(language="fr-CA")

    assert notice_text("fr") in block
    assert "http://127.0.0.1:8000/privacy/notices/fr/1/" in block
    assert notice_text("sv") in confirmation_email_notice(language="sv")
    assert notice_text("en") in confirmation_email_notice(language="xx")


def test_last_activity_is_when_the_desk_received_the_mention_not_when_a_worker_got_to_it(
    webhook_channel: Channel, agent_client: Client
) -> None:
    """Retention counts from the last activity; a backlog (a worker outage, a spike) must not
    make a conversation look newer than the mention the ticket's clock started from."""
    received = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    with time_machine.travel(received, tick=False):
        first = mention_payload("p1", "Where is my parcel?")
        assert signed_delivery(Client(), webhook_channel, first, delivery="d1").status_code == 200
    followed_up = received + timedelta(hours=1)
    with time_machine.travel(followed_up, tick=False):
        again = mention_payload("p2", "Still nothing", parent_id="p1")
        assert signed_delivery(Client(), webhook_channel, again, delivery="d2").status_code == 200
    assert not Message.objects.exists()  # stored only: no worker ran

    with time_machine.travel(received + timedelta(hours=5), tick=False):
        drain_inbound_events()
        page = agent_client.get("/privacy/unnoticed/")

    [listed] = page.context["conversations"]
    assert listed.last_activity_at == followed_up
    assert listed.tickets.get().created_at == received
    shown = date_format(timezone.localtime(followed_up), "SHORT_DATETIME_FORMAT")
    assert shown in page.content.decode()


def test_a_mention_processed_late_does_not_move_the_last_activity_back(
    webhook_channel: Channel, mention: Any, reply: Any
) -> None:
    """An answer sent after the stored mention arrived stays the conversation's last activity."""
    start = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        conversation = mention("p1", "Where is my parcel?").conversation
        late = mention_payload("p2", "Hello?", parent_id="p1")
        signed_delivery(Client(), webhook_channel, late, delivery="d-late")
    answered = start + timedelta(minutes=10)
    with time_machine.travel(answered, tick=False):
        reply(conversation, "On its way")
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        drain_inbound_events()

    conversation.refresh_from_db()
    assert conversation.messages.filter(platform_id="p2").exists()
    assert conversation.last_activity_at == answered
