import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import CommandError
from django.test import Client
from django.utils import timezone

from channels.models import Channel, InboundEvent
from channels.platforms.models import MessageRevision
from channels.services import create_channel
from tests.fakes.fixtures import fixture_json
from tests.fakes.webhooks import body_of, deliver, x_signature
from tests.fakes.x import ACCOUNT_ID, CLIENT_ID, CONSUMER_SECRET, REFRESH, TOKEN, FakeX
from tickets.models import Message, Ticket

Poll = Callable[[Channel], str]
MENTION_ID = "1896123456789012480"
HEADER = "x-twitter-webhooks-signature"


@pytest.fixture
def x() -> Iterator[FakeX]:
    with FakeX().running() as fake:
        yield fake


@pytest.fixture
def channel(db: None, x: FakeX) -> Channel:
    return create_channel(
        kind="x",
        name="X",
        values={
            "account_id": ACCOUNT_ID,
            "handle": "infopark",
            "api_url": x.url,
            "consumer_secret": CONSUMER_SECRET,
            "access_token": TOKEN,
            "refresh_token": REFRESH,
            "client_id": CLIENT_ID,
        },
        tracked_terms=["#iico{year}"],
    )


@pytest.fixture
def send(channel: Channel, django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    def post(payload: Any, *, secret: str = CONSUMER_SECRET, signed: bool = True) -> Any:
        body = body_of(payload)
        signature = x_signature(secret, body) if signed else None
        return deliver(
            channel,
            body,
            header=HEADER,
            signature=signature,
            capture=django_capture_on_commit_callbacks,
        )

    return post


def event(name: str) -> dict[str, Any]:
    return fixture_json("x", name)


def v2_post(post_id: str, text: str, author: str = "2244994945", **extra: Any) -> dict[str, Any]:
    return {
        "id": post_id,
        "text": text,
        "author_id": author,
        "created_at": "2026-03-02T12:00:00.000Z",
        "conversation_id": post_id,
        **extra,
    }


USER = {"id": "2244994945", "name": "Jonas Weber", "username": "jweber"}


def test_the_crc_challenge_is_answered_with_the_hmac_of_the_token(channel: Channel) -> None:
    response = Client().get(channel.webhook_path, {"crc_token": "challenge-123"})

    assert response.status_code == 200
    assert response.json() == {"response_token": x_signature(CONSUMER_SECRET, b"challenge-123")}


def test_a_signed_mention_becomes_a_ticket_with_the_full_text(send: Any) -> None:
    response = send(event("tweet_create_events__mention"))

    assert response.status_code == 200
    message = Message.objects.get(platform_id=MENTION_ID)
    assert message.text.endswith(
        "Support-Chat ist weg. Ist das bekannt? #iico2026 https://t.co/abcdEFGh12"
    )
    assert message.url == f"https://x.com/maren_k/status/{MENTION_ID}"
    assert message.author_identity.handle == "@maren_k"
    assert message.attachments.get().url == "https://pbs.twimg.com/media/GlAbCdEfGhIjKl.jpg"
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("signed, secret", [(False, CONSUMER_SECRET), (True, "wrong")])
def test_a_delivery_with_a_missing_or_wrong_signature_is_refused_and_not_stored(
    send: Any, signed: bool, secret: str
) -> None:
    response = send(event("tweet_create_events__mention"), signed=signed, secret=secret)

    assert response.status_code == 403
    assert not InboundEvent.objects.exists()
    assert not Message.objects.exists()


def test_a_replayed_delivery_creates_nothing_new(send: Any) -> None:
    send(event("tweet_create_events__mention"))

    response = send(event("tweet_create_events__mention"))

    assert response.json() == {"status": "duplicate"}
    assert InboundEvent.objects.count() == 1
    assert Message.objects.count() == 1


def test_a_delivery_for_another_account_is_acknowledged_and_unsupported(send: Any) -> None:
    # X retries a refused delivery and at last disables the webhook.
    payload = event("tweet_create_events__mention")
    payload["for_user_id"] = "42"

    response = send(payload)

    assert response.status_code == 200
    stored = InboundEvent.objects.get()
    assert (stored.state, "'42'" in stored.last_error) == ("unsupported", True)
    assert not Message.objects.exists()


def test_our_reply_is_posted_in_the_thread_and_its_echo_is_not_ingested(
    send: Any, x: FakeX, reply_to: Any
) -> None:
    send(event("tweet_create_events__mention"))

    sent = reply_to(Ticket.objects.get(), "Danke für den Hinweis, wir schauen uns das an.")

    assert x.calls("/2/tweets", "POST")[0].json() == {
        "text": "Danke für den Hinweis, wir schauen uns das an.",
        "reply": {"in_reply_to_tweet_id": MENTION_ID},
    }
    assert sent.delivery_state == "sent"
    echo = event("tweet_create_events__own_echo")
    echo["tweet_create_events"][0]["id_str"] = sent.platform_id
    send(echo)
    assert Message.objects.count() == 2
    assert InboundEvent.objects.filter(state="done").count() == 2


def test_the_customers_answer_to_our_reply_joins_the_conversation(send: Any, reply_to: Any) -> None:
    send(event("tweet_create_events__mention"))
    sent = reply_to(Ticket.objects.get(), "Wir schauen uns das an.")
    answer = event("tweet_create_events__reply")
    answer["tweet_create_events"][0]["in_reply_to_status_id_str"] = sent.platform_id

    send(answer)

    latest = Message.objects.order_by("-id").first()
    assert latest.parent == sent
    assert latest.conversation == sent.conversation
    assert Ticket.objects.count() == 1


def test_a_direct_message_is_private_and_answered_by_direct_message(
    send: Any, x: FakeX, reply_to: Any
) -> None:
    send(event("direct_message_events__message"))
    message = Message.objects.get()
    assert message.conversation.is_private

    sent = reply_to(Ticket.objects.get(), "Gern, wir ändern die Adresse.")

    assert x.dms == [
        {"to": "783214", "id": sent.platform_id, "text": "Gern, wir ändern die Adresse."}
    ]
    assert not x.calls("/2/tweets", "POST")


def test_a_deleted_post_is_marked_removed_and_its_text_erased(send: Any) -> None:
    send(event("tweet_create_events__mention"))

    send(event("tweet_delete_events__removed"))

    message = Message.objects.get(platform_id=MENTION_ID)
    assert "Dashboard" not in message.text
    revision = message.revisions.get()
    assert revision.kind == MessageRevision.Kind.REMOVED
    assert revision.previous_text == ""
    assert message.conversation.tickets.get().events.filter(kind="message_removed").exists()


def test_known_events_are_ignored_and_unknown_ones_kept_as_unsupported(send: Any) -> None:
    send(event("favorite_events__like"))
    send(event("spaces_events__unknown"))
    send(event("tweet_create_events__retweet"))

    states = list(InboundEvent.objects.order_by("id").values_list("state", flat=True))
    assert states == ["ignored", "unsupported", "ignored"]
    assert not Message.objects.exists()


def test_polled_mentions_and_tracked_terms_become_tickets(
    channel: Channel, x: FakeX, poll: Poll
) -> None:
    page = fixture_json("x", "mentions__page")
    for post in page["data"]:
        x.add_post(post, next(u for u in page["includes"]["users"] if u["id"] == post["author_id"]))
    year = timezone.localdate().year
    x.add_post(
        v2_post("1896170000000000000", f"Wer kommt zur #iico{year}?"), USER, term=f"#iico{year}"
    )

    poll(channel)

    assert Message.objects.count() == 3
    assert Ticket.objects.count() == 3
    search = x.calls("/2/tweets/search/recent")[0]
    assert search.arg("query") == f"#iico{year} -is:retweet -from:infopark"


def test_a_post_delivered_by_webhook_and_found_by_polling_is_one_message(
    channel: Channel, x: FakeX, poll: Poll, send: Any
) -> None:
    send(event("tweet_create_events__mention"))
    x.add_post(
        v2_post(MENTION_ID, "@infopark Seit dem Update …", author="783214"),
        {"id": "783214", "name": "Maren", "username": "maren_k"},
    )

    poll(channel)

    assert InboundEvent.objects.count() == 2
    assert Message.objects.count() == 1


def test_pages_are_walked_back_to_the_last_seen_post_and_nothing_is_skipped(
    channel: Channel, x: FakeX, poll: Poll
) -> None:
    x.add_post(v2_post("1000", "first"), USER)
    poll(channel)
    x.page_size = 5
    for n in range(12):
        x.add_post(v2_post(str(2000 + n), f"mention {n}"), USER)

    poll(channel)

    assert Message.objects.count() == 13
    mention_calls = x.calls(f"/2/users/{ACCOUNT_ID}/mentions")
    assert [c.arg("since_id") for c in mention_calls[1:]] == ["1000", "1000", "1000"]
    channel.refresh_from_db()
    assert channel.poll_cursor["sources"]["mentions"]["since_id"] == "2011"


def test_an_exhausted_rate_limit_pauses_the_source_until_its_reset(
    channel: Channel, x: FakeX, poll: Poll
) -> None:
    x.remaining = 0
    x.add_post(v2_post("1000", "first"), USER)
    poll(channel)
    calls = len(x.calls(f"/2/users/{ACCOUNT_ID}/mentions"))

    poll(channel)

    assert len(x.calls(f"/2/users/{ACCOUNT_ID}/mentions")) == calls
    channel.refresh_from_db()
    assert channel.poll_cursor["sources"]["mentions"]["paused_until"] > time.time() + 800


def test_a_429_postpones_the_poll_until_the_rate_limit_reset(
    channel: Channel, x: FakeX, poll: Poll
) -> None:
    reset = str(int(time.time()) + 900)
    x.fail_next(f"/2/users/{ACCOUNT_ID}/mentions", 429, times=1)
    x.faults[-1].retry_after = None
    original = x._fault_response

    def with_reset(fault: Any) -> Any:
        response = original(fault)
        response.headers["x-rate-limit-reset"] = reset
        return response

    x._fault_response = with_reset  # type: ignore[method-assign]

    with pytest.raises(CommandError, match="rate limited"):
        poll(channel)

    channel.refresh_from_db()
    assert channel.is_active
    assert channel.next_poll_at > timezone.now() + timezone.timedelta(seconds=850)
    assert len(x.calls(f"/2/users/{ACCOUNT_ID}/mentions")) == 1


def test_an_expired_access_token_is_renewed_and_the_rotated_pair_saved(
    channel: Channel, x: FakeX, poll: Poll
) -> None:
    x.token = "x-access-7"  # ours expired; X issued a newer one we do not know
    x.refresh_token = REFRESH
    x.add_post(v2_post("1000", "first"), USER)

    poll(channel)

    channel.refresh_from_db()
    assert channel.credentials["access_token"] == "x-access-8"
    assert channel.credentials["refresh_token"] == "x-refresh-8"
    assert Message.objects.count() == 1


def test_a_revoked_token_disables_the_channel_with_the_reason_on_the_health_page(
    channel: Channel, x: FakeX, poll: Poll, staff_client: Client
) -> None:
    x.token = "x-access-7"
    x.refresh_token = "something-else"

    with pytest.raises(CommandError, match="connected again"):
        poll(channel)

    channel.refresh_from_db()
    assert not channel.is_active
    assert "X refused to renew the token" in channel.why_disabled
    page = staff_client.get("/channels/").content.decode()
    assert "X refused to renew the token" in page


def test_further_direct_messages_from_the_person_join_their_conversation(send: Any) -> None:
    send(event("direct_message_events__message"))
    later = event("direct_message_events__message")
    later["direct_message_events"][0].update(
        id="1896150000000000002", created_timestamp="1772449000000"
    )

    send(later)

    first, second = Message.objects.order_by("id")
    assert second.conversation == first.conversation
    assert Ticket.objects.count() == 1
