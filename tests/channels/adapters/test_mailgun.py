"""Mailgun routes: mail forwarded to the channel's webhook URL, signed with HMAC."""

import time
from typing import Any

import pytest

from channels.models import Channel, InboundEvent
from channels.services import create_channel
from tests.fakes.fixtures import fixture_bytes, fixture_json
from tests.fakes.mail_routes import (
    mailgun_signature,
    mailgun_urlencoded,
    multipart,
    post_form,
    smtp_values,
)
from tests.fakes.smtp import FakeSmtp
from tickets.models import Message, Ticket

MAILGUN_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"


@pytest.fixture
def mailgun(db: None, smtp: FakeSmtp) -> Channel:
    values = {**smtp_values(smtp), "signing_key": MAILGUN_KEY}
    return create_channel(kind="mailgun", name="Support via Mailgun", values=values)


# -- Mailgun --------------------------------------------------------------------------------


def test_a_mailgun_mime_delivery_becomes_a_ticket(
    mailgun: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    signed = mailgun_signature(MAILGUN_KEY)
    body, content_type = multipart(
        [
            *((name, value.encode()) for name, value in signed.items()),
            ("recipient", b"support@infopark.example"),
            ("body-mime", fixture_bytes("email", "message__raw_latin1_headers.eml")),
        ]
    )

    response = post_form(mailgun, body, content_type, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 200, response.content
    message = Message.objects.get()
    assert message.author_identity.display_name == "Jörg Müller"
    assert message.text == "Können Sie die Rechnung prüfen?"


def test_a_parsed_urlencoded_mailgun_delivery_becomes_a_ticket(
    mailgun: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    fields = {**mailgun_signature(MAILGUN_KEY), **fixture_json("mailgun", "route__parsed_fields")}
    body, content_type = mailgun_urlencoded(fields)

    response = post_form(mailgun, body, content_type, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 200, response.content
    message = Message.objects.get(platform_id="mg-parsed-1@example.no")
    assert message.author_identity.display_name == "Ola Nordmann"
    assert Ticket.objects.get().subject == "Bestilling 889 mangler"


def test_a_mailgun_delivery_with_a_wrong_signature_is_refused(
    mailgun: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    fields = {**mailgun_signature("not-the-key"), "body-plain": "hello"}
    body, content_type = mailgun_urlencoded(fields)

    response = post_form(mailgun, body, content_type, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert not InboundEvent.objects.exists()
    mailgun.refresh_from_db()
    assert mailgun.rejected_deliveries == 1


def test_a_mailgun_delivery_outside_the_timestamp_window_is_refused(
    mailgun: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    signed = mailgun_signature(MAILGUN_KEY, timestamp=int(time.time()) - 3600)
    body, content_type = mailgun_urlencoded({**signed, "body-plain": "hello"})

    response = post_form(mailgun, body, content_type, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert not InboundEvent.objects.exists()


def test_a_reused_mailgun_token_is_refused_even_with_another_mail(
    mailgun: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    signed = mailgun_signature(MAILGUN_KEY)
    first = {**signed, "body-mime": fixture_bytes("email", "message__plain_utf8.eml").decode()}
    body, content_type = mailgun_urlencoded(first)
    assert (
        post_form(
            mailgun, body, content_type, capture=django_capture_on_commit_callbacks
        ).status_code
        == 200
    )
    forged = {**signed, "body-plain": "Please wire the refund to IBAN DE00 ..."}
    body, content_type = mailgun_urlencoded(forged)

    response = post_form(mailgun, body, content_type, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert "replay" in response.json()["error"]["message"]
    assert InboundEvent.objects.count() == 1
    assert Message.objects.count() == 1


def test_a_reply_to_a_mailgun_ticket_goes_out_by_smtp_and_threads(
    mailgun: Channel, smtp: FakeSmtp, reply_to: Any, django_capture_on_commit_callbacks: Any
) -> None:
    signed = mailgun_signature(MAILGUN_KEY)
    mail = fixture_bytes("email", "message__plain_utf8.eml").decode()
    body, content_type = mailgun_urlencoded({**signed, "body-mime": mail})
    post_form(mailgun, body, content_type, capture=django_capture_on_commit_callbacks)

    sent = reply_to(Ticket.objects.get(), "Please install version 4.2.2.")

    assert sent.delivery_state == "sent"
    assert smtp.received[0]["In-Reply-To"] == "<CAF3x9q+8fKq1@mail.example.org>"
    assert smtp.envelopes == [("support@infopark.example", ["anna.schmidt@example.org"])]
