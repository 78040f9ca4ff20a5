from django.test import Client

from tests.conftest import post_json
from tests.fakes.fixtures import fixture_json
from tickets.models import Message


def test_a_recorded_inquiry_becomes_a_ticket_once(api: Client) -> None:
    payload = fixture_json("api", "inquiry__basic")

    first = post_json(api, "/api/v1/inquiries/", payload)
    again = post_json(api, "/api/v1/inquiries/", payload)

    assert (first.status_code, again.status_code) == (201, 200)
    message = Message.objects.get()
    assert message.author_identity.email == "lea.bernard@example.fr"
