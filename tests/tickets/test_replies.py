from django.test import Client

from tests.conftest import post_json
from tickets.models import Message, Ticket


def create_inquiry(api: Client) -> Ticket:
    post_json(api, "/api/v1/inquiries/", {"text": "Where is my order?", "author": {"name": "Ann"}})
    return Ticket.objects.get()


def test_a_reply_is_delivered_and_shown_to_the_rest_client(
    api: Client, staff_client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    ticket = create_inquiry(api)
    inquiry_url = api.get("/api/v1/inquiries/").json()["results"][0]["status_url"]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/tickets/{ticket.pk}/reply/", {"text": "It ships today.", "voice": "company"}
        )

    assert response.status_code == 302
    reply = Message.objects.get(direction=Message.Direction.OUTBOUND, text="It ships today.")
    assert reply.delivery_state == Message.Delivery.SENT
    assert reply.platform_id
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.first_responded_at is not None
    status = api.get(inquiry_url).json()
    # The first reply on a private channel is followed by the retention notice (desk.privacy).
    assert [r["text"] for r in status["replies"]][0] == "It ships today."
    assert status["ticket"]["first_responded_at"] is not None


def test_a_holding_reply_is_marked_and_answers_the_first_response(
    api: Client, staff_client: Client
) -> None:
    ticket = create_inquiry(api)
    staff_client.post(
        f"/tickets/{ticket.pk}/reply/",
        {"text": "We are on it.", "holding": "1", "voice": "company"},
    )

    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None
    assert ticket.status == Ticket.Status.OPEN
    assert Message.objects.get(direction="out", text="We are on it.").is_holding_reply
    assert ticket.events.filter(kind="holding_reply").exists()


def test_an_internal_note_is_not_a_response(api: Client, staff_client: Client) -> None:
    ticket = create_inquiry(api)
    staff_client.post(f"/tickets/{ticket.pk}/note/", {"text": "Customer called too."})

    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
    assert not Message.objects.filter(direction="out").exists()
    page = staff_client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Customer called too." in page


def test_an_empty_or_overlong_reply_is_refused_with_a_message(
    api: Client, staff_client: Client
) -> None:
    ticket = create_inquiry(api)
    staff_client.post(f"/tickets/{ticket.pk}/reply/", {"text": "   ", "voice": "company"})
    response = staff_client.post(
        f"/tickets/{ticket.pk}/reply/", {"text": "x" * 10_001, "voice": "company"}, follow=True
    )

    assert not Message.objects.filter(direction="out").exists()
    assert "allows 10000 characters" in response.content.decode()
