"""SendGrid Inbound Parse: mail posted to the channel's webhook URL, signed with ECDSA."""

import time
from email.message import EmailMessage
from typing import Any

import pytest
from django.test import Client

from channels.models import Attachment, Channel, InboundEvent
from channels.services import create_channel
from tests.fakes.fixtures import fixture_bytes, fixture_json
from tests.fakes.mail_routes import (
    SendGridSigner,
    multipart,
    post_form,
    smtp_values,
)
from tests.fakes.smtp import FakeSmtp
from tickets.models import Message, Ticket


@pytest.fixture
def signer() -> SendGridSigner:
    return SendGridSigner()


@pytest.fixture
def sendgrid(db: None, smtp: FakeSmtp, signer: SendGridSigner) -> Channel:
    values = {**smtp_values(smtp), "public_key": signer.public_key}
    return create_channel(kind="sendgrid", name="Support via SendGrid", values=values)


def sendgrid_raw(mail: bytes) -> tuple[bytes, str]:
    return multipart(
        [
            ("to", b"support@infopark.example"),
            ("from", b"sender@example.org"),
            ("email", mail),
            ("charsets", b'{"to":"UTF-8","from":"UTF-8"}'),
        ]
    )


# -- SendGrid -------------------------------------------------------------------------------


def test_a_raw_sendgrid_delivery_becomes_a_ticket_with_the_right_author_name(
    sendgrid: Channel, signer: SendGridSigner, django_capture_on_commit_callbacks: Any
) -> None:
    body, content_type = sendgrid_raw(fixture_bytes("email", "message__rfc6532_utf8_headers.eml"))

    response = post_form(
        sendgrid,
        body,
        content_type,
        capture=django_capture_on_commit_callbacks,
        **signer.headers(body),
    )

    assert response.status_code == 200, response.content
    message = Message.objects.get()
    assert message.author_identity.display_name == "Åsa Öberg"
    assert message.text.startswith("Hej,\n\nfakturan för mars debiterar 25 användare")
    assert Ticket.objects.get().subject == "Fakturan för mars är fel – hjälp"


def test_a_raw_sendgrid_mail_in_latin1_keeps_its_accents(
    sendgrid: Channel, signer: SendGridSigner, django_capture_on_commit_callbacks: Any
) -> None:
    body, content_type = sendgrid_raw(
        fixture_bytes("email", "message__quoted_printable_latin1.eml")
        .replace(b"Content-Transfer-Encoding: quoted-printable", b"Content-Transfer-Encoding: 8bit")
        .replace(b"st=FCrzt", "stürzt".encode("latin-1"))
    )

    post_form(
        sendgrid,
        body,
        content_type,
        capture=django_capture_on_commit_callbacks,
        **signer.headers(body),
    )

    assert "seit dem Update stürzt die Anwendung" in Message.objects.get().text


def test_a_parsed_sendgrid_delivery_with_a_file_becomes_a_ticket_with_the_file(
    sendgrid: Channel, signer: SendGridSigner, django_capture_on_commit_callbacks: Any
) -> None:
    fields = fixture_json("sendgrid", "parse__parsed_fields")
    body, content_type = multipart(
        [
            *((name, value.encode()) for name, value in fields.items()),
            ("attachment1", "invoice.pdf", "application/pdf", b"%PDF-1.4 invoice"),
        ]
    )

    response = post_form(
        sendgrid,
        body,
        content_type,
        capture=django_capture_on_commit_callbacks,
        **signer.headers(body),
    )

    assert response.status_code == 200
    message = Message.objects.get(platform_id="sg-parsed-1@example.es")
    assert message.author_identity.display_name == "José García"
    assert message.text == "The invoice charges 25 users, we have 20."
    assert Attachment.objects.get().name == "invoice.pdf"


def test_a_sendgrid_delivery_with_a_bad_signature_is_refused_and_not_stored(
    sendgrid: Channel, django_capture_on_commit_callbacks: Any
) -> None:
    body, content_type = sendgrid_raw(fixture_bytes("email", "message__plain_utf8.eml"))
    forged = SendGridSigner().headers(body)

    response = post_form(
        sendgrid, body, content_type, capture=django_capture_on_commit_callbacks, **forged
    )

    assert response.status_code == 403
    assert not InboundEvent.objects.exists()


def test_a_sendgrid_delivery_signed_too_long_ago_is_refused(
    sendgrid: Channel, signer: SendGridSigner, django_capture_on_commit_callbacks: Any
) -> None:
    body, content_type = sendgrid_raw(fixture_bytes("email", "message__plain_utf8.eml"))
    old = signer.headers(body, timestamp=int(time.time()) - 3600)

    response = post_form(
        sendgrid, body, content_type, capture=django_capture_on_commit_callbacks, **old
    )

    assert response.status_code == 403
    assert "seconds away" in response.json()["error"]["message"]
    assert not InboundEvent.objects.exists()


def test_a_replayed_sendgrid_delivery_is_refused(
    sendgrid: Channel, signer: SendGridSigner, django_capture_on_commit_callbacks: Any
) -> None:
    body, content_type = sendgrid_raw(fixture_bytes("email", "message__plain_utf8.eml"))
    headers = signer.headers(body)
    post_form(sendgrid, body, content_type, capture=django_capture_on_commit_callbacks, **headers)

    again = post_form(
        sendgrid, body, content_type, capture=django_capture_on_commit_callbacks, **headers
    )

    assert again.status_code == 403
    assert InboundEvent.objects.count() == 1
    assert Ticket.objects.count() == 1


def a_mail_with_a_scan_attached(megabytes: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = "Jonas Berg <jonas@example.se>"
    mail["To"] = "support@infopark.example"
    mail["Subject"] = "Scanned contract"
    mail["Message-ID"] = "<scan-1@example.se>"
    mail.set_content("Hello, the signed contract is attached.")
    scan = bytes(range(256)) * (megabytes * 4096)
    mail.add_attachment(scan, maintype="application", subtype="pdf", filename="contract.pdf")
    return bytes(mail)


def test_a_mail_with_a_large_attachment_is_accepted_on_the_mail_route_only(
    sendgrid: Channel,
    signer: SendGridSigner,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    body, content_type = sendgrid_raw(a_mail_with_a_scan_attached(megabytes=3))
    assert len(body) > 4 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    webhook = create_channel(kind="webhook", name="Partner", values={"secret": "s3cret"})

    accepted = post_form(
        sendgrid, body, content_type, capture=django_capture_on_commit_callbacks,
        **signer.headers(body),
    )  # fmt: skip
    refused = post_form(webhook, body, content_type, capture=django_capture_on_commit_callbacks)

    assert accepted.status_code == 200, accepted.content
    assert Attachment.objects.get().name == "contract.pdf"
    assert Ticket.objects.get().subject == "Scanned contract"
    assert refused.status_code == 413
    assert InboundEvent.objects.filter(channel=webhook).count() == 0


def test_a_mail_route_still_refuses_a_delivery_above_its_own_limit(
    sendgrid: Channel, signer: SendGridSigner, settings: Any
) -> None:
    settings.INBOUND_MAIL_MAX_BYTES = 1024 * 1024
    body, content_type = sendgrid_raw(a_mail_with_a_scan_attached(megabytes=2))

    response = Client().post(
        sendgrid.webhook_path, data=body, content_type=content_type, **signer.headers(body)
    )

    assert response.status_code == 413
    assert "1048576 bytes" in response.json()["error"]["message"]
    assert not InboundEvent.objects.exists()
