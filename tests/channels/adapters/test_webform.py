import json
import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape

from channels.models import Channel, InboundEvent
from channels.services import create_channel
from desk.ingestion.tasks import process_inbound_event
from desk.outbound.models import ConfidentialTerm
from desk.privacy.models import ConversationNotice, RetentionNotice
from desk.privacy.services.notices import publish_notice
from desk.webform.tasks import send_form_confirmation
from tests.channels.conftest import LONG_TEXT
from tests.fakes.fixtures import fixture_json
from tickets.models import Message, Ticket, TicketEvent


@pytest.fixture
def channel(db: None) -> Channel:
    return create_channel(
        kind="webform",
        name="Contact form",
        values={"site_name": "Infopark", "reply_from": "support@infopark.example"},
    )


@pytest.fixture
def submit(channel: Channel, django_capture_on_commit_callbacks: Any) -> Any:
    """Open the form as a browser does, then send it with the token it carried."""

    def send(
        fields: dict[str, str], *, client: Client | None = None, token: str = "", **extra: Any
    ) -> Any:
        client = client or Client()
        url = channel.adapter().form_path
        if not token:
            form = client.get(url, {"lang": fields.get("language", "en")}).content.decode()
            token = re.search(r'name="token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {**fields, "token": token}, **extra)

    return send


def test_the_form_shows_the_privacy_notice_in_the_chosen_language(channel: Channel) -> None:
    page = Client().get(channel.adapter().form_path, {"lang": "pl"})

    html = page.content.decode()
    assert page.status_code == 200
    published = RetentionNotice.objects.get(language="pl", version=1)
    assert "Informacja o ochronie danych" in html
    assert escape(published.text.splitlines()[0]) in html
    assert 'data-notice-version="1"' in html
    # The legal basis too is in the reader's language, not English at the end of Polish text.
    assert "Art. 6 ust. 1 lit. f RODO" in html
    assert "legitimate interest" not in html
    assert "frame-ancestors *" in page["Content-Security-Policy"]
    assert "X-Frame-Options" not in page


def test_the_form_shows_the_notice_the_desk_publishes_and_has_no_notice_of_its_own(
    channel: Channel,
) -> None:
    publish_notice(
        language="de", text="Neue Fassung: wir speichern.", retention_days=90, legal_basis="Art. 6"
    )
    page = Client().get(channel.adapter().form_path, {"lang": "de"}).content.decode()

    assert "Neue Fassung: wir speichern." in page
    assert 'data-notice-version="2"' in page
    # The notice texts a channel used to carry were never shown: they are no setting at all.
    with pytest.raises(CommandError, match="no setting notice_de"):
        call_command("channel", "add", "webform", "--name", "Other", "--set", "notice_de=Alt")


def test_a_submission_becomes_a_ticket_and_records_the_notice_that_was_shown(
    channel: Channel, submit: Any
) -> None:
    response = submit(fixture_json("webform", "submission__german"))

    assert response.status_code == 200
    assert "Vielen Dank" in response.content.decode()
    event = InboundEvent.objects.get()
    stored = json.loads(bytes(event.body))
    published = RetentionNotice.objects.get(language="de", version=1)
    assert stored["notice"]["language"] == "de"
    assert stored["notice"]["version"] == "1"
    assert stored["notice"]["text"] == published.text
    assert stored["notice"]["shown_at"] <= stored["submitted_at"]
    ticket = Ticket.objects.get()
    record = ConversationNotice.objects.get(conversation=ticket.conversation)
    assert (record.notice, record.method) == (published, "web_form")
    assert ticket.contact.primary_email == "mia.fischer@example.de"
    assert Message.objects.get().text.startswith("Guten Tag,\nich möchte mein Abonnement")


def test_the_person_gets_a_confirmation_with_the_notice(channel: Channel, submit: Any) -> None:
    submit(fixture_json("webform", "submission__swedish"))

    confirmation = mail.outbox[0]
    assert confirmation.to == ["oskar@example.se"]
    assert confirmation.subject == "Vi har tagit emot ditt meddelande"
    assert "Vad kostar företagslicensen" in confirmation.body
    assert RetentionNotice.objects.get(language="sv", version=1).text in confirmation.body
    assert confirmation.extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_french_confirmation_sets_its_colons_apart_as_french_does(
    channel: Channel, submit: Any
) -> None:
    submit(
        {
            "name": "Camille Martin",
            "email": "camille@example.fr",
            "message": "Bonjour, combien coûte la licence pour 20 personnes ?",
            "language": "fr",
        }
    )

    body = mail.outbox[0].body
    assert "Votre message\u00a0:\nBonjour, combien coûte" in body
    assert re.search(r"\(\w+\)\u00a0:\n", body), body  # the notice's version, then its text


def test_a_form_sent_twice_is_one_ticket(channel: Channel, submit: Any) -> None:
    client = Client()
    form = client.get(channel.adapter().form_path).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    fields = fixture_json("webform", "submission__swedish")

    submit(fields, client=client, token=token)
    submit(fields, client=client, token=token)

    assert InboundEvent.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_filled_honeypot_is_thanked_and_stores_nothing(channel: Channel, submit: Any) -> None:
    response = submit({**fixture_json("webform", "submission__swedish"), "website": "http://spam"})

    assert response.status_code == 200
    assert not InboundEvent.objects.exists()
    channel.refresh_from_db()
    assert channel.rejected_deliveries == 1


def test_too_many_submissions_from_one_address_get_429(
    channel: Channel, submit: Any, settings: Any
) -> None:
    settings.WEBFORM_RATE_LIMIT_PER_HOUR = 2
    fields = fixture_json("webform", "submission__swedish")
    for _ in range(2):
        assert submit(fields).status_code == 200

    response = submit(fields)

    assert response.status_code == 429
    assert "För många meddelanden" in response.content.decode()
    assert InboundEvent.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not-an-address"}, "valid e-mail address"),
        ({"message": ""}, "fill in this field"),
        ({"message": "x" * 10_001}, "under 10000 characters"),
        ({"name": "a\x00b"}, "fill in this field"),
    ],
)
def test_invalid_fields_get_400_with_a_message_and_store_nothing(
    channel: Channel, submit: Any, fields: dict[str, str], message: str
) -> None:
    base = {**fixture_json("webform", "submission__swedish"), "language": "en"}

    response = submit({**base, **fields})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not InboundEvent.objects.exists()


def test_a_forged_token_gets_400(channel: Channel, submit: Any) -> None:
    response = submit(
        {**fixture_json("webform", "submission__swedish"), "language": "en"}, token="forged"
    )

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not InboundEvent.objects.exists()


def test_a_reply_is_sent_to_the_person_by_email_in_the_thread(
    channel: Channel, submit: Any, reply_to: Any
) -> None:
    submit(fixture_json("webform", "submission__german"))
    mail.outbox.clear()

    sent = reply_to(Ticket.objects.get(), "Sie können im Kundenkonto kündigen.")

    reply = mail.outbox[0]
    assert sent.delivery_state == "sent"
    assert reply.to == ["Mia Fischer <mia.fischer@example.de>"]
    assert reply.body == "Sie können im Kundenkonto kündigen."
    assert reply.extra_headers["Message-ID"] == f"<{sent.platform_id}>"
    assert reply.extra_headers["In-Reply-To"].startswith("<form-")


def test_a_10kb_message_with_emoji_rtl_and_zero_width_text_survives_escaped(
    channel: Channel, submit: Any, staff_client: Client
) -> None:
    submit({**fixture_json("webform", "submission__swedish"), "message": LONG_TEXT})

    assert Message.objects.get().text == LONG_TEXT.strip()
    page = staff_client.get(f"/tickets/{Ticket.objects.get().pk}/").content.decode()
    assert escape(LONG_TEXT.strip()) in page


def test_a_message_of_only_whitespace_and_invisible_characters_is_refused(submit: Any) -> None:
    response = submit({"name": "Mia", "email": "mia@example.de", "message": " \n\t \u200b "})

    assert "only spaces or invisible characters" in response.content.decode()
    assert not InboundEvent.objects.exists()


def test_the_receipt_is_written_to_the_tickets_audit(
    channel: Channel, submit: Any, staff_client: Client
) -> None:
    submit(fixture_json("webform", "submission__swedish"))

    ticket = Ticket.objects.get()
    assert len(mail.outbox) == 1
    sent = TicketEvent.objects.get(ticket=ticket, kind="receipt_sent")
    assert sent.note == "oskar@example.se"
    page = staff_client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="de")
    assert "Eingangsbestätigung gesendet" in page.content.decode()


def test_a_receipt_whose_notice_carries_a_confidential_term_is_held_back_and_audited(
    channel: Channel, submit: Any
) -> None:
    notice = RetentionNotice.objects.get(language="sv", version=1)
    ConfidentialTerm.objects.create(term=notice.text.split()[0])

    submit(fixture_json("webform", "submission__swedish"))

    assert mail.outbox == []
    refusal = TicketEvent.objects.get(ticket=Ticket.objects.get(), kind="receipt_refused")
    assert "confidential" in refusal.note


def test_a_submission_marked_as_a_netiquette_violation_gets_no_receipt(
    stored_unprocessed: int,
) -> None:
    process_inbound_event.apply((stored_unprocessed,))
    ticket = Ticket.objects.get()
    ticket.set_status(Ticket.Status.IGNORED, note="netiquette: threat")

    outcome = send_form_confirmation.apply((stored_unprocessed,)).get()

    assert (outcome, mail.outbox) == ("refused", [])
    assert "netiquette" in TicketEvent.objects.get(ticket=ticket, kind="receipt_refused").note


def test_the_receipt_waits_until_the_submission_is_processed(stored_unprocessed: int) -> None:
    early = send_form_confirmation.apply((stored_unprocessed,)).get()
    process_inbound_event.apply((stored_unprocessed,))
    later = send_form_confirmation.apply((stored_unprocessed,)).get()

    assert (early, later) == ("waiting", "sent")
    assert [m.to for m in mail.outbox] == [["oskar@example.se"]]


@pytest.fixture
def stored_unprocessed(channel: Channel, django_capture_on_commit_callbacks: Any) -> int:
    """A submission stored by the form, before any worker or receipt task has run."""
    client = Client()
    url = channel.adapter().form_path
    form = client.get(url, {"lang": "sv"}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=False):
        client.post(url, {**fixture_json("webform", "submission__swedish"), "token": token})
    return InboundEvent.objects.get(state=InboundEvent.State.PENDING).pk
