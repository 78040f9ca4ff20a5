import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from channels.models import InboundEvent
from desk.models import Inquiry
from tests.conftest import post_json
from tickets.models import Message, Ticket

URL = "/api/v1/inquiries/"
VALID = {"text": "Where is my order 4711?", "author": {"name": "Ann", "email": "ann@example.org"}}


def nothing_written() -> bool:
    return not (
        InboundEvent.objects.exists() or Message.objects.exists() or Inquiry.objects.exists()
    )


def test_creating_an_inquiry_answers_with_its_ticket(api: Client) -> None:
    response = post_json(api, URL, {**VALID, "external_id": "order-4711", "language": "en"})

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get()
    assert body["ticket"] == {
        "id": ticket.pk,
        "status": "new",
        "queue": "inbound",
        "priority": 2,
        "first_response_due_at": body["ticket"]["first_response_due_at"],
        "first_responded_at": None,
        "sla": body["ticket"]["sla"],
    }
    assert body["ticket"]["first_response_due_at"] is not None
    assert body["ticket"]["sla"]["state"] in ("on_track", "at_risk")
    assert body["status_url"].endswith(f"/api/v1/inquiries/{body['id']}/")
    event = InboundEvent.objects.get()
    assert (
        bytes(event.body)
        == json.dumps({**VALID, "external_id": "order-4711", "language": "en"}).encode()
    )
    assert event.state == InboundEvent.State.DONE


def test_posting_the_same_external_id_again_returns_the_first_inquiry(api: Client) -> None:
    first = post_json(api, URL, {**VALID, "external_id": "abc"})
    again = post_json(api, URL, {**VALID, "external_id": "abc", "text": "changed"})

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Inquiry.objects.count() == Ticket.objects.count() == Message.objects.count() == 1


def test_the_same_external_id_from_two_clients_is_two_inquiries(make_api_client: Any) -> None:
    _, shop = make_api_client("shop")
    _, crm = make_api_client("crm")
    assert post_json(shop, URL, {**VALID, "external_id": "1"}).status_code == 201
    assert post_json(crm, URL, {**VALID, "external_id": "1"}).status_code == 201
    assert Inquiry.objects.count() == 2


def test_technical_question_is_routed_to_technical_support(api: Client) -> None:
    response = post_json(api, URL, {**VALID, "text": "Die App zeigt eine Fehlermeldung"})
    assert response.json()["ticket"]["queue"] == "technical"


def test_status_shows_ticket_state_and_public_replies(api: Client) -> None:
    created = post_json(api, URL, VALID).json()
    ticket = Ticket.objects.get()
    Message.objects.create(
        conversation=ticket.conversation,
        channel=ticket.channel,
        direction=Message.Direction.OUTBOUND,
        platform_id="reply-1",
        text="It left our warehouse today.",
        created_at=ticket.created_at,
        delivery_state=Message.Delivery.SENT,
    )

    response = api.get(created["status_url"])

    assert response.status_code == 200
    body = response.json()
    assert body["ticket"]["status"] == "new"
    assert [r["text"] for r in body["replies"]] == ["It left our warehouse today."]


@pytest.mark.parametrize("path", [f"{URL}12345/", f"{URL}not-an-id/", "/api/v1/no-such-thing/"])
def test_an_address_that_matches_nothing_answers_json_in_the_client_s_language(
    api: Client, path: str
) -> None:
    response = api.get(path, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {"code": "not_found", "message": "Unter dieser Adresse gibt es nichts."}
    }


def test_a_person_who_mistypes_an_address_gets_the_page(staff_client: Client) -> None:
    response = staff_client.get("/tickets/no-such-ticket/")

    assert response.status_code == 404
    assert "There is nothing at this address" in response.content.decode()


def test_a_client_cannot_see_another_clients_inquiry(make_api_client: Any) -> None:
    _, shop = make_api_client("shop")
    _, crm = make_api_client("crm")
    created = post_json(shop, URL, VALID).json()

    assert crm.get(f"{URL}{created['id']}/").status_code == 404
    assert [i["id"] for i in shop.get(URL).json()["results"]] == [created["id"]]
    assert crm.get(URL).json()["results"] == []


@pytest.mark.parametrize(
    "header",
    [None, "Token nonsense", "Token abc.def", "Bearer x", "Token a b"],
)
def test_requests_without_a_valid_token_are_refused(db: None, header: str | None) -> None:
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = post_json(Client(), URL, VALID, **extra)
    assert response.status_code == 401
    assert "error" in response.json()
    assert nothing_written()


def test_a_revoked_token_is_refused(make_api_client: Any) -> None:
    client, http = make_api_client("shop")
    client.revoke()
    assert post_json(http, URL, VALID).status_code == 401


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"author": {"name": "Ann"}}, "text"),
        ({"text": 5, "author": {"name": "Ann"}}, "text"),
        ({"text": "   ", "author": {"name": "Ann"}}, "text"),
        ({"text": "x" * 10_001, "author": {"name": "Ann"}}, "text"),
        ({"text": "a\x00b", "author": {"name": "Ann"}}, "text"),
        ({"text": "hi"}, "author"),
        ({"text": "hi", "author": "Ann"}, "author"),
        ({"text": "hi", "author": {"name": "Ann", "email": "not-an-address"}}, "author"),
        ({"text": "hi", "author": {"name": "Ann", "age": 3}}, "author"),
        ({"text": "hi", "author": {"name": "Ann"}, "colour": "red"}, "colour"),
        ({"text": "hi", "author": {"name": "Ann"}, "language": "xx"}, "language"),
        ({"text": "hi", "author": {"name": "Ann"}, "metadata": [1]}, "metadata"),
        ({"text": "hi", "author": {"name": "Ann"}, "metadata": {"k": "\x00"}}, "metadata"),
        ({"text": "hi", "author": {"name": "Ann"}, "external_id": ["a"]}, "external_id"),
    ],
)
def test_invalid_fields_get_400_naming_the_field(api: Client, payload: Any, field: str) -> None:
    response = post_json(api, URL, payload)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert nothing_written()


def test_one_request_s_invalid_fields_do_not_carry_over_to_the_next(api: Client) -> None:
    bad_email = {"text": "hi", "author": {"name": "Ann", "email": "not-an-address"}}
    good = {"text": "hi", "author": {"name": "Ann", "email": "ann@example.org"}}
    no_name = {"text": "hi", "author": {"email": "ann@example.org"}}

    answers = [post_json(api, URL, payload) for payload in (bad_email, good, no_name)]

    assert [answer.status_code for answer in answers] == [400, 201, 400]
    assert answers[0].json()["error"]["fields"]["author"] == {
        "email": ["Enter a valid email address."]
    }
    assert answers[2].json()["error"]["fields"]["author"] == {"name": ["This field is required."]}


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"\xff\xfe\x00", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'{"text": "a", "text": "b", "author": {"name": "A"}}', "application/json", 400),
        (b"[" * 150_000 + b"]" * 150_000, "application/json", 413),
        (b"[" * 5_000 + b"]" * 5_000, "application/json", 400),
        (b"text=hi", "application/x-www-form-urlencoded", 415),
        (b"", "application/json", 400),
    ],
)
def test_malformed_bodies_get_a_clear_4xx(
    api: Client, body: bytes, content_type: str, status: int
) -> None:
    response = api.post(URL, data=body, content_type=content_type)

    assert response.status_code == status
    assert response.json()["error"]["message"]
    assert nothing_written()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_body_gets_413(api: Client) -> None:
    response = post_json(api, URL, {**VALID, "metadata": {"pad": "x" * 2000}})
    assert response.status_code == 413
    assert nothing_written()


def test_each_client_is_throttled_on_its_own(make_api_client: Any, settings: Any) -> None:
    from desk.api.throttling import ApiClientRateThrottle

    cache.clear()
    original = ApiClientRateThrottle.THROTTLE_RATES
    ApiClientRateThrottle.THROTTLE_RATES = {"api_client": "2/min"}
    try:
        _, shop = make_api_client("shop")
        _, crm = make_api_client("crm")
        codes = [shop.get(URL).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert shop.get(URL).json()["error"]["code"] == "throttled"
        assert crm.get(URL).status_code == 200
    finally:
        ApiClientRateThrottle.THROTTLE_RATES = original
        cache.clear()


def test_the_openapi_schema_and_docs_are_served(db: None) -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/inquiries/" in schema.json()["paths"]
    docs = Client().get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_a_text_of_only_whitespace_and_invisible_characters_is_refused(api: Client) -> None:
    response = post_json(api, URL, {**VALID, "text": " \n\t \u200b \u202e "})

    assert response.status_code == 400
    assert "invisible characters" in response.json()["error"]["fields"]["text"][0]
    assert not Ticket.objects.exists()


def test_a_client_asking_in_german_reads_every_error_in_german(
    api: Client, make_api_client: Any
) -> None:
    german = {"HTTP_ACCEPT_LANGUAGE": "de"}

    def message(response: Any) -> str:
        return str(response.json()["error"]["message"])

    not_json = api.post(URL, data=b"{not json", content_type="application/json", **german)
    a_list = api.post(URL, data=b"[1]", content_type="application/json", **german)
    bad_utf8 = api.post(URL, data=b"\xff\xfe", content_type="application/json", **german)
    no_text = post_json(api, URL, {"author": {"name": "Ann"}}, **german)
    unknown = api.get(f"{URL}00000000-0000-0000-0000-000000000000/", **german)
    bad_token = post_json(Client(), URL, VALID, HTTP_AUTHORIZATION="Token abc.def", **german)

    assert message(not_json).startswith("Der Request-Body ist kein gültiges JSON: ")
    assert message(a_list) == "Der Request-Body muss ein JSON-Objekt sein."
    assert message(bad_utf8) == "Der Request-Body ist kein gültiges UTF-8 (Byte 0)."
    assert message(no_text) == "Ungültiger Wert für 'text'."
    assert no_text.json()["error"]["fields"]["text"] == ["Dieses Feld ist zwingend erforderlich."]
    assert message(unknown) == "Keine Anfrage mit dieser ID gehört zu Ihrem Client."
    assert message(bad_token) == "Ungültiges oder widerrufenes Token."
    # Without a language asked for, the API answers in English.
    assert message(api.post(URL, data=b"[1]", content_type="application/json")) == (
        "The request body must be a JSON object."
    )
