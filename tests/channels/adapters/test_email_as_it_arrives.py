"""Mail as it really arrives: raw UTF-8 headers (RFC 6532), mislabelled charsets, winmail.dat,
inline images and very long threads, read through the IMAP poll as a mailbox delivers them."""

import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest

from channels.models import Attachment, Channel, InboundEvent
from channels.services import create_channel
from tests.fakes.fixtures import fixture_bytes
from tests.fakes.imap import PASSWORD, USER, FakeImap
from tickets.models import Message, Ticket

Poll = Callable[[Channel], str]


@pytest.fixture
def imap() -> Iterator[FakeImap]:
    with FakeImap().running() as fake:
        yield fake


@pytest.fixture
def channel(db: None, imap: FakeImap) -> Channel:
    return create_channel(
        kind="email",
        name="Support mail",
        values={
            "address": "support@infopark.example",
            "username": USER,
            "password": PASSWORD,
            "imap_host": "127.0.0.1",
            "imap_port": str(imap.port),
            "imap_security": "none",
            "smtp_host": "127.0.0.1",
            "smtp_port": "2525",
            "smtp_security": "none",
        },
    )


def deliver(imap: FakeImap, *names: str) -> None:
    for name in names:
        imap.inbox.append(fixture_bytes("email", name))


def test_a_mail_with_raw_utf8_headers_becomes_a_ticket_with_the_right_author_name(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    deliver(imap, "message__rfc6532_utf8_headers.eml")

    poll(channel)

    assert InboundEvent.objects.get().state == "done"
    message = Message.objects.get()
    assert message.author_identity.display_name == "Åsa Öberg"
    assert message.author_identity.email == "åsa.öberg@exempel.se"
    assert Ticket.objects.get().subject == "Fakturan för mars är fel – hjälp"


def test_raw_8bit_headers_in_a_legacy_charset_are_read_not_left_pending(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    deliver(imap, "message__raw_latin1_headers.eml")

    poll(channel)

    message = Message.objects.get()
    assert message.author_identity.display_name == "Jörg Müller"
    assert Ticket.objects.get().subject == "Rückfrage zur Rechnung"
    assert message.text == "Können Sie die Rechnung prüfen?"


def test_a_body_in_another_charset_than_declared_is_read_without_replacement_marks(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    deliver(imap, "message__mislabelled_charset.eml", "message__unknown_charset.eml")

    poll(channel)

    german = Message.objects.get(platform_id="mislabel-1@example.de")
    assert "das Gerät startet nach dem Update nicht mehr – bitte um Rückruf." in german.text
    assert german.author_identity.display_name == "Stefan Gräf"
    polish = Message.objects.get(platform_id="unknown-cs-1@example.pl")
    assert polish.text == "Dzień dobry, faktura jest błędna."


def test_files_inside_winmail_dat_are_stored_as_the_attachments_they_are(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    deliver(imap, "message__tnef_winmail_dat.eml")

    poll(channel)

    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.content_type) == ("Lieferschein.pdf", "application/pdf")
    assert attachment.file.read().startswith(b"%PDF-1.4")


def test_a_damaged_winmail_dat_is_kept_as_it_came(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    mail = EmailMessage()
    mail["From"] = "k.becker@spedition.example.de"
    mail["Message-ID"] = "<broken-tnef@example.de>"
    mail.set_content("Anbei.")
    mail.add_attachment(
        b"not tnef at all", maintype="application", subtype="ms-tnef", filename="winmail.dat"
    )
    imap.inbox.append(mail.as_bytes())

    poll(channel)

    assert Attachment.objects.get().name == "winmail.dat"
    assert Message.objects.get().text == "Anbei."


def test_an_inline_image_without_a_file_name_is_kept(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    deliver(imap, "message__inline_image.eml")

    poll(channel)

    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert attachment.name == "capture1@exemple.fr.png"
    assert attachment.file.read().startswith(b"\x89PNG")
    assert Message.objects.get().text.startswith("Bonjour,")


def thread_mail(number: int, references: list[str], quoted: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = "Anna Schmidt <anna.schmidt@example.org>"
    mail["To"] = "support@infopark.example"
    mail["Subject"] = "Re: " * min(number, 3) + "App crashes after the update"
    mail["Date"] = "Mon, 02 Mar 2026 09:00:00 +0100"
    mail["Message-ID"] = f"<thread-{number}@example.org>"
    if references:
        mail["In-Reply-To"] = references[-1]
        mail["References"] = " ".join(references)
    mail.set_content(f"Message number {number}.\n\n{quoted}")
    return mail.as_bytes()


def test_a_very_long_thread_stays_one_ticket_and_is_read_quickly(
    channel: Channel, imap: FakeImap, poll: Poll
) -> None:
    imap.inbox.append(thread_mail(0, [], ""))
    poll(channel)
    # Mail 400 of a thread nobody trimmed: 400 References and 400 levels of quoted history.
    references = [f"<thread-{n}@example.org>" for n in range(400)]
    quoted = "\n".join(
        f"{'> ' * depth}On Mon, 2 Mar 2026 at 09:{depth % 60:02d}, Anna wrote:\n{'> ' * depth}text"
        for depth in range(1, 400)
    )
    imap.inbox.append(thread_mail(400, references, quoted))

    started = time.monotonic()
    poll(channel)

    assert time.monotonic() - started < 10
    assert Ticket.objects.count() == 1
    latest = Message.objects.get(platform_id="thread-400@example.org")
    assert latest.text == "Message number 400."
    assert (
        latest.conversation == Message.objects.get(platform_id="thread-0@example.org").conversation
    )
