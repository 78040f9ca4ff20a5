import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from channels.models import Attachment, Channel, InboundEvent, attachment_path
from channels.services import create_channel
from channels.tasks import deliver_message
from desk.privacy.services.redaction import REDACTED
from tests.channels.conftest import LONG_TEXT, run_command
from tests.fakes.fixtures import fixture_bytes
from tests.fakes.imap import PASSWORD, USER, FakeImap
from tests.fakes.smtp import FakeSmtp
from tickets.models import Conversation, Message, Ticket

Poll = Callable[[Channel], str]


@pytest.fixture
def imap() -> Iterator[FakeImap]:
    with FakeImap().running() as fake:
        yield fake


@pytest.fixture
def channel(db: None, imap: FakeImap, smtp: FakeSmtp) -> Channel:
    return create_channel(
        kind="email",
        name="Support mail",
        values={
            "address": "support@infopark.example",
            "from_name": "Infopark Support",
            "username": USER,
            "password": PASSWORD,
            "imap_host": "127.0.0.1",
            "imap_port": str(imap.port),
            "imap_security": "none",
            "smtp_host": "127.0.0.1",
            "smtp_port": str(smtp.port),
            "smtp_security": "none",
        },
    )


def deliver(imap: FakeImap, *names: str) -> None:
    for name in names:
        imap.inbox.append(fixture_bytes("email", name))


def test_mails_in_any_encoding_and_charset_become_tickets(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    deliver(
        imap,
        "message__plain_utf8.eml",
        "message__quoted_printable_latin1.eml",
        "message__base64_windows1250.eml",
        "message__rfc2047_iso2022jp.eml",
    )

    poll(channel)

    subjects = set(Ticket.objects.values_list("subject", flat=True))
    assert subjects == {
        "App crashes after the update",
        "Absturz beim Öffnen großer Dateien",
        "Błąd przy pobieraniu raportu – pilne",
        "ログインできません",
    }
    latin1 = Message.objects.get(platform_id="20260302100100.4711@example.de")
    assert "stürzt die Anwendung beim Öffnen großer Dateien ab" in latin1.text
    assert latin1.author_identity.display_name == "Jürgen Weiß"
    polish = Message.objects.get(platform_id="a1b2c3d4e5@poczta.example.pl")
    assert "nie mogę pobrać raportu, serwer zwraca błąd 500" in polish.text
    assert Message.objects.get(platform_id="jp-0001@mail.example.jp").text.startswith("ログイン")


def test_the_sender_is_known_by_address_in_lower_case(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    deliver(imap, "message__plain_utf8.eml")

    poll(channel)

    identity = Message.objects.get().author_identity
    assert (identity.kind, identity.email) == ("email", "anna.schmidt@example.org")


def test_the_cursor_fetches_only_new_uids(channel: Channel, imap: FakeImap, poll: Poll) -> None:
    deliver(imap, "message__plain_utf8.eml")
    poll(channel)
    deliver(imap, "message__quoted_printable_latin1.eml")

    output = poll(channel)

    assert "1 new event, 0 already known" in output
    channel.refresh_from_db()
    assert channel.poll_cursor == {"uidvalidity": imap.inbox.uidvalidity, "last_uid": 2}


def test_a_new_uidvalidity_refetches_but_creates_no_duplicates(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    deliver(imap, "message__plain_utf8.eml", "message__quoted_printable_latin1.eml")
    poll(channel)
    imap.inbox.rebuild()

    output = poll(channel)

    assert "0 new events, 2 already known" in output
    assert Message.objects.count() == 2


def test_signature_and_quoted_history_are_trimmed_but_the_raw_mail_is_kept(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    deliver(imap, "message__plain_utf8.eml", "reply__quoted_history.eml")

    poll(channel)

    first = Message.objects.get(platform_id="CAF3x9q+8fKq1@mail.example.org")
    assert first.text.endswith("Windows 11, version 4.2.1.")
    reply = Message.objects.get(platform_id="CAF3x9q+9zzz2@mail.example.org")
    assert reply.text == "Thanks, the new version works."
    assert b"> Please install version 4.2.2." in bytes(reply.inbound_event.body)


def test_a_reply_threads_by_references_into_the_same_ticket(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    deliver(imap, "message__plain_utf8.eml", "reply__quoted_history.eml")

    poll(channel)

    first, second = Message.objects.order_by("id")
    assert second.conversation == first.conversation
    assert second.parent == first
    assert Ticket.objects.count() == 1


def test_attachments_are_recorded_stored_and_downloadable_by_staff(
    channel: Channel, imap: FakeImap, poll: Poll, staff_client: Client
) -> None:
    deliver(imap, "message__attachment_pdf.eml")

    poll(channel)

    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.content_type) == ("Rechnung März.pdf", "application/pdf")
    assert attachment.size == 69
    assert Message.objects.get().text == "The attached invoice charges 25 users, we have 20."
    response = staff_client.get(f"/attachments/{attachment.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    assert Client().get(f"/attachments/{attachment.pk}/").status_code == 302
    page = staff_client.get(f"/tickets/{Ticket.objects.get().pk}/").content.decode()
    assert f'href="/attachments/{attachment.pk}/"><bdi>Rechnung März.pdf</bdi></a>' in page


def test_auto_replies_and_bounces_are_recorded_but_not_ticketed(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    deliver(imap, "auto_reply__vacation.eml", "bounce__delivery_status.eml")

    poll(channel)

    reasons = sorted(InboundEvent.objects.values_list("state", "last_error"))
    assert reasons == [
        ("ignored", "a bounce (delivery status notification)"),
        ("ignored", "an automatic reply (Auto-Submitted: auto-replied)"),
    ]
    assert not Message.objects.exists()


def test_a_reply_goes_out_by_smtp_with_threading_headers_and_the_answer_threads_back(
    channel: Channel, imap: FakeImap, smtp: FakeSmtp, poll: Poll, reply_to: Any
) -> None:
    deliver(imap, "message__plain_utf8.eml")
    poll(channel)

    sent = reply_to(Ticket.objects.get(), "Please install version 4.2.2.")

    mail = smtp.received[0]
    assert sent.delivery_state == "sent"
    assert mail["Subject"] == "Re: App crashes after the update"
    assert mail["In-Reply-To"] == "<CAF3x9q+8fKq1@mail.example.org>"
    assert mail["References"] == "<CAF3x9q+8fKq1@mail.example.org>"
    assert mail["Message-ID"] == f"<{sent.platform_id}>"
    assert smtp.envelopes == [("support@infopark.example", ["anna.schmidt@example.org"])]
    assert mail.get_content().strip() == "Please install version 4.2.2."
    answer = fixture_bytes("email", "reply__quoted_history.eml").replace(
        b"socialdesk-OUTBOUND@infopark.example", sent.platform_id.encode()
    )
    imap.inbox.append(answer)
    poll(channel)
    assert Message.objects.get(platform_id="CAF3x9q+9zzz2@mail.example.org").parent == sent


def test_a_temporary_smtp_refusal_is_retried_and_sends_once(
    channel: Channel, imap: FakeImap, smtp: FakeSmtp, poll: Poll, reply_to: Any
) -> None:
    deliver(imap, "message__plain_utf8.eml")
    poll(channel)
    smtp.data_replies.append("451 4.3.0 Mail server temporarily rejected message")

    sent = reply_to(Ticket.objects.get(), "On it.")
    assert sent.delivery_state == "queued"
    deliver_message.apply(args=(sent.pk,))

    sent.refresh_from_db()
    assert sent.delivery_state == "sent"
    assert len(smtp.received) == 1


def test_a_permanent_smtp_refusal_fails_with_the_error_on_the_ticket(
    channel: Channel,
    imap: FakeImap,
    smtp: FakeSmtp,
    poll: Poll,
    reply_to: Any,
    staff_client: Client,
) -> None:
    deliver(imap, "message__plain_utf8.eml")
    poll(channel)
    smtp.data_replies.append("554 5.7.1 Message rejected as spam")

    sent = reply_to(Ticket.objects.get(), "On it.")

    assert sent.delivery_state == "failed"
    page = staff_client.get(f"/tickets/{Ticket.objects.get().pk}/").content.decode()
    assert "Failed" in page
    assert "Message rejected as spam" in page


def test_a_wrong_password_disables_the_channel(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    channel.credentials = {"password": "old"}
    channel.save()

    with pytest.raises(CommandError, match="IMAP login"):
        poll(channel)

    channel.refresh_from_db()
    assert not channel.is_active
    assert "AUTHENTICATIONFAILED" in channel.why_disabled


def test_channel_test_logs_in_to_imap_and_smtp(channel: Channel, imap: FakeImap) -> None:
    deliver(imap, "message__plain_utf8.eml")

    output = run_command("channel", "test", channel.name)

    assert "support@infopark.example: 1 messages in INBOX, SMTP ok" in output


def test_a_10kb_mail_with_emoji_rtl_and_zero_width_text_survives_escaped(
    channel: Channel, imap: FakeImap, poll: Poll, staff_client: Client
) -> None:
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["From"] = "rtl@example.org"
    mail["To"] = "support@infopark.example"
    mail["Subject"] = "long"
    mail["Message-ID"] = "<long-1@example.org>"
    mail.set_content(LONG_TEXT, cte="base64")
    imap.inbox.append(mail.as_bytes())

    poll(channel)

    assert Message.objects.get().text == LONG_TEXT.strip()
    page = staff_client.get(f"/tickets/{Ticket.objects.get().pk}/").content.decode()
    assert escape(LONG_TEXT.strip()) in page


def mail_with_file(sender: str, message_id: str, content: bytes) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "support@infopark.example"
    mail["Subject"] = "Invoice is wrong"
    mail["Date"] = "Mon, 02 Mar 2026 13:00:00 +0100"
    mail["Message-ID"] = f"<{message_id}>"
    mail.set_content("The attached invoice is wrong.")
    mail.add_attachment(content, maintype="application", subtype="pdf", filename="invoice.pdf")
    return mail.as_bytes()


@pytest.fixture
def privacy_manager(db: None, django_user_model: Any) -> Client:
    user = django_user_model.objects.create_user("mia")
    user.groups.add(Group.objects.get_or_create(name="manager")[0])
    client = Client()
    client.force_login(user)
    return client


def erase(client: Client, email: str, capture: Any) -> None:
    with capture(execute=True):
        response = client.post(
            "/api/v1/privacy/erasure-requests/",
            data=json.dumps({"email": email}),
            content_type="application/json",
        )
    assert response.status_code == 200, response.content


def stored(attachment: Attachment) -> bool:
    return (Path(settings.MEDIA_ROOT) / attachment_path(attachment, "")).exists()


def test_erasure_deletes_the_persons_files_and_their_names(
    channel: Channel,
    imap: FakeImap,
    poll: Poll,
    privacy_manager: Client,
    staff_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    imap.inbox.append(mail_with_file("Ann <ann@example.org>", "a1@example.org", b"%PDF ann"))
    imap.inbox.append(mail_with_file("Bo <bo@example.org>", "b1@example.org", b"%PDF bo"))
    poll(channel)
    ann, bo = Attachment.objects.order_by("message__platform_id")
    assert stored(ann)

    erase(privacy_manager, "ann@example.org", django_capture_on_commit_callbacks)

    gone = Attachment.objects.get(pk=ann.pk)
    assert (gone.name, gone.file.name, gone.url, gone.sha256) == (REDACTED, "", "", "")
    assert gone.size == ann.size
    assert not stored(ann)
    assert staff_client.get(f"/attachments/{ann.pk}/").status_code == 404
    assert stored(bo)
    download = staff_client.get(f"/attachments/{bo.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF bo"


def test_a_file_someone_else_sent_too_stays_for_them_after_an_erasure(
    channel: Channel,
    imap: FakeImap,
    poll: Poll,
    privacy_manager: Client,
    staff_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    imap.inbox.append(mail_with_file("Ann <ann@example.org>", "a1@example.org", b"%PDF form"))
    imap.inbox.append(mail_with_file("Bo <bo@example.org>", "b1@example.org", b"%PDF form"))
    poll(channel)
    bo = Attachment.objects.get(message__platform_id="b1@example.org")

    erase(privacy_manager, "ann@example.org", django_capture_on_commit_callbacks)

    assert Attachment.objects.get(message__platform_id="a1@example.org").file.name == ""
    download = staff_client.get(f"/attachments/{bo.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF form"


def test_retention_deletes_the_files_of_expired_conversations_only(
    channel: Channel, imap: FakeImap, poll: Poll, django_capture_on_commit_callbacks: Any
) -> None:
    imap.inbox.append(mail_with_file("Ann <ann@example.org>", "a1@example.org", b"%PDF old"))
    imap.inbox.append(mail_with_file("Cy <cy@example.org>", "c1@example.org", b"%PDF new"))
    poll(channel)
    old, new = Attachment.objects.order_by("message__platform_id")
    Conversation.objects.filter(pk=old.message.conversation_id).update(
        last_activity_at=timezone.now() - timedelta(days=400)
    )

    with django_capture_on_commit_callbacks(execute=True):
        run_command("privacy_retention")

    assert not stored(old)
    assert Attachment.objects.get(pk=old.pk).name == REDACTED
    assert stored(new)
    assert Attachment.objects.get(pk=new.pk).name == "invoice.pdf"
