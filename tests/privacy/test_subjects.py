import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from channels.models import InboundEvent
from channels.registry import adapter_class
from desk.privacy.models import AuditEntry, DataSubjectRequest, LegalHold
from desk.privacy.services.redaction import REDACTED
from tests.conftest import post_json
from tickets.models import Contact, Conversation, Identity, Message, Note, Ticket

ANN_EMAIL = "ann@example.org"


@pytest.fixture
def ann_and_bo(mention: Any, inquiry: Any, reply: Any, agent_client: Client) -> dict[str, Any]:
    """Ann writes on the webhook and over the REST API with one address; Bo writes too, and
    answers in the thread of our reply to Ann."""
    first = mention(
        "p1",
        "Ann here: my invoice is wrong",
        author_id="ann-1",
        name="Ann Example",
        email=ANN_EMAIL,
        profile_url="https://social.example/ann",
    )
    reply(first.conversation, "Sorry Ann, we fix it.")
    second = inquiry("Ann again, via the shop", name="Ann Example", author={"email": ANN_EMAIL})
    our_reply = first.conversation.messages.get(direction="out")
    our_reply.platform_id = "out-1"
    our_reply.save(update_fields=["platform_id"])
    bo_in_ann_thread = mention(
        "p2",
        "Bo chiming in: mine too",
        author_id="bo-1",
        name="Bo Other",
        parent_id="out-1",
        email="bo@example.org",
    )
    bo_own = mention("p3", "Bo's own question", author_id="bo-1", name="Bo Other")
    ticket = Ticket.objects.filter(conversation=first.conversation).get()
    agent_client.post(f"/tickets/{ticket.pk}/note/", {"text": "Ann called about it."})
    return {
        "ann": [first, second],
        "bo": [bo_in_ann_thread, bo_own],
        "contact": first.conversation.contact,
    }


def test_one_person_writing_from_one_address_on_two_channels_is_one_contact(
    ann_and_bo: Any,
) -> None:
    first, second = ann_and_bo["ann"]
    assert first.conversation.contact_id == second.conversation.contact_id


def test_an_export_contains_every_message_and_identity_of_the_person_and_nothing_else(
    ann_and_bo: Any, manager_client: Client
) -> None:
    response = post_json(manager_client, "/api/v1/privacy/access-requests/", {"email": ANN_EMAIL})

    assert response.status_code == 200
    export = response.json()
    texts = [m["text"] for c in export["conversations"] for m in c["messages"]]
    theirs = Message.objects.filter(author_identity__contact=ann_and_bo["contact"])
    assert {m.text for m in theirs} <= set(texts)
    assert any(text.startswith("Sorry Ann, we fix it.") for text in texts)
    assert {i["account_id"] for i in export["identities"]} == set(
        Identity.objects.filter(contact=ann_and_bo["contact"]).values_list("external_id", flat=True)
    )
    assert len(export["identities"]) == 2
    # When an account was seen is what its posts say: the one webhook post's own time.
    on_webhook = next(i for i in export["identities"] if i["account_id"] == "ann-1")
    assert (
        on_webhook["first_seen_at"]
        == on_webhook["last_seen_at"]
        == (ann_and_bo["ann"][0].created_at.isoformat())
    )
    assert export["contacts"][0]["primary_email"] == ANN_EMAIL
    assert export["conversations"][0]["retention_notice"]["language"] == "en"
    assert export["conversations"][0]["tickets"][0]["internal_notes"][0]["text"] == (
        "Ann called about it."
    )
    dumped = json.dumps(export)
    assert "Bo" not in dumped
    assert "bo@example.org" not in dumped
    fulfilled = DataSubjectRequest.objects.get()
    assert (fulfilled.kind, fulfilled.via, fulfilled.fulfilled_by_name) == ("access", "api", "mia")
    assert ANN_EMAIL not in json.dumps([fulfilled.subject_digest, fulfilled.counts, fulfilled.note])


def test_the_export_is_also_a_readable_page_with_untrusted_text_escaped(
    mention: Any, manager_client: Client
) -> None:
    mention("p1", "<script>alert(1)</script>", name="<b>Eve</b>", email="eve@example.org")

    page = manager_client.post(
        "/privacy/subjects/export/", {"email": "eve@example.org", "format": "html"}
    )
    download = manager_client.post(
        "/privacy/subjects/export/", {"email": "eve@example.org", "format": "json"}
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html and "<b>Eve</b>" not in html
    # The account by its platform's name, as the desk's pages name it; the download keeps
    # the code.
    assert f"<li>{adapter_class('webhook').label}: " in html
    assert json.loads(download.content)["identities"][0]["platform"] == "webhook"
    found = manager_client.get("/privacy/subjects/", {"email": "eve@example.org"})
    assert f"<li>{adapter_class('webhook').label}: " in found.content.decode()
    assert download["Content-Disposition"].startswith("attachment;")
    assert json.loads(download.content)["identities"][0]["display_name"] == "<b>Eve</b>"


def test_searching_a_person_again_shows_their_earlier_requests_in_the_reader_s_language(
    ann_and_bo: Any, manager_client: Client
) -> None:
    manager_client.post("/privacy/subjects/export/", {"email": ANN_EMAIL, "format": "json"})
    [earlier] = DataSubjectRequest.objects.all()
    manager_client.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})

    again = manager_client.get("/privacy/subjects/", {"email": ANN_EMAIL}).content.decode()
    someone_else = manager_client.get("/privacy/subjects/", {"handle": "bo-1"}).content.decode()

    section = again.split('class="earlier-requests"')[1].split("</ul>")[0]
    assert f"#{earlier.pk} Auskunft" in section
    assert f"Nachrichten: {earlier.counts['messages']}" in section
    assert "Nachrichten:" in again.split('class="found-counts"')[1]
    assert "Keine für die so benannte Person." in someone_else
    refused = manager_client.get("/privacy/subjects/", {"email": "not-an-address"})
    assert refused.status_code == 400
    assert "ist keine E-Mail-Adresse." in refused.content.decode()


def test_erasure_removes_the_person_everywhere_and_the_audit_shows_it(
    ann_and_bo: Any, manager_client: Client
) -> None:
    contact = ann_and_bo["contact"]
    before_tickets = list(
        Ticket.objects.order_by("pk").values_list("created_at", "first_responded_at")
    )

    response = post_json(
        manager_client, "/api/v1/privacy/erasure-requests/", {"email": ANN_EMAIL, "note": "DSR-7"}
    )

    assert response.status_code == 200, response.content
    # Her two messages and our reply to her.
    assert response.json()["erased"]["messages"] == 3
    traces = ("Ann", "ann@example.org", "social.example/ann", "invoice", "shop")
    stored = [
        *Message.objects.values_list("text", "url"),
        *Identity.objects.values_list(
            "display_name", "handle", "email", "profile_url", "external_id"
        ),
        *Contact.objects.values_list("display_name", "primary_email"),
        *Conversation.objects.values_list("subject"),
        *Ticket.objects.values_list("subject"),
        *Note.objects.values_list("text"),
        *(
            (bytes(body).decode(), json.dumps(headers))
            for body, headers in InboundEvent.objects.values_list("body", "headers")
        ),
        *DataSubjectRequest.objects.values_list("subject_digest", "note", "counts"),
        *AuditEntry.objects.values_list("summary", "target_id"),
    ]
    leftovers = [row for row in stored if any(t in str(field) for field in row for t in traces)]
    assert leftovers == []
    # Bo's own conversation is his, and stays.
    assert Message.objects.get(platform_id="p3").text == "Bo's own question"
    assert Identity.objects.get(external_id="bo-1").display_name == "Bo Other"
    # The timings stay for the SLA figures.
    assert list(Ticket.objects.order_by("pk").values_list("created_at", "first_responded_at")) == (
        before_tickets
    )
    search = manager_client.get("/api/v1/privacy/subjects/", {"email": ANN_EMAIL}).json()
    assert search["counts"]["contacts"] == 0
    audit = manager_client.get("/api/v1/privacy/audit/", {"action": "subject.erased"}).json()
    targets = {(e["target_type"], e["target_id"], e["actor"]) for e in audit["results"]}
    fulfilled = DataSubjectRequest.objects.get(kind="erasure")
    assert ("privacy.datasubjectrequest", str(fulfilled.pk), "mia") in targets
    assert ("tickets.contact", str(contact.pk), "mia") in targets
    assert fulfilled.note == "DSR-7"


def test_erasure_finds_raw_events_that_never_became_messages(
    webhook_channel: Any, mention: Any, manager_client: Client
) -> None:
    mention("p1", "Hello", email=ANN_EMAIL)
    failed = InboundEvent.objects.create(
        channel=webhook_channel,
        source="webhook",
        state=InboundEvent.State.FAILED,
        body=json.dumps({"author": {"email": "Ann@Example.org"}}).encode(),
    )

    post_json(manager_client, "/api/v1/privacy/erasure-requests/", {"email": ANN_EMAIL})

    failed.refresh_from_db()
    assert bytes(failed.body) == b""


def test_erasure_is_refused_while_a_legal_hold_covers_the_person(
    ann_and_bo: Any, manager_client: Client
) -> None:
    LegalHold.objects.create(contact=ann_and_bo["contact"], reason="Court case 12")
    texts = list(Message.objects.order_by("pk").values_list("text", flat=True))

    response = post_json(manager_client, "/api/v1/privacy/erasure-requests/", {"email": ANN_EMAIL})

    assert response.status_code == 409
    assert "Legal hold" in response.json()["error"]["message"]
    assert list(Message.objects.order_by("pk").values_list("text", flat=True)) == texts
    assert not DataSubjectRequest.objects.exists()


def test_the_desk_finds_and_erases_a_person_by_handle_after_confirmation(
    mention: Any, manager_client: Client
) -> None:
    mention("p1", "Hi from Ann", name="Ann")

    found = manager_client.get("/privacy/subjects/", {"handle": "ann"})
    unconfirmed = manager_client.post("/privacy/subjects/erase/", {"handle": "@ann"}, follow=True)
    assert Message.objects.get().text == "Hi from Ann"
    erased = manager_client.post(
        "/privacy/subjects/erase/", {"handle": "@ann", "confirm": "erase"}, follow=True
    )

    assert found.context["counts"] == {
        "contacts": 1,
        "identities": 1,
        "conversations": 1,
        "messages": 1,
    }
    assert "Tick the confirmation" in unconfirmed.content.decode()
    assert erased.status_code == 200
    assert Message.objects.get().text == REDACTED
    assert "Erasure (GDPR art. 17)" in erased.content.decode()


def test_management_commands_export_and_erase_a_person(ann_and_bo: Any, tmp_path: Any) -> None:
    output = tmp_path / "export.json"
    page = tmp_path / "export.html"

    call_command(
        "privacy_subject",
        "export",
        "--email",
        ANN_EMAIL,
        "--output",
        str(output),
        "--html",
        str(page),
        stderr=StringIO(),
    )
    with pytest.raises(CommandError, match="--yes"):
        call_command("privacy_subject", "erase", "--email", ANN_EMAIL)
    out = StringIO()
    call_command("privacy_subject", "erase", "--email", ANN_EMAIL, "--yes", stdout=out)

    assert len(json.loads(output.read_text())["identities"]) == 2
    assert "Ann again, via the shop" in page.read_text()
    assert "Erasure request" in out.getvalue()
    assert list(DataSubjectRequest.objects.values_list("kind", "via")) == [
        ("erasure", "command"),
        ("access", "command"),
    ]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "non_field_errors"),
        ({"email": "not-an-address"}, "email"),
        ({"contact": "abc"}, "contact"),
        ({"email": ANN_EMAIL, "name": "Ann"}, "name"),
    ],
)
def test_a_bad_request_gets_a_clear_400_and_records_nothing(
    manager_client: Client, payload: dict[str, Any], field: str
) -> None:
    response = post_json(manager_client, "/api/v1/privacy/erasure-requests/", payload)

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not DataSubjectRequest.objects.exists()


def test_api_token_clients_cannot_reach_data_subject_requests(api: Client) -> None:
    for url in ("/api/v1/privacy/access-requests/", "/api/v1/privacy/erasure-requests/"):
        response = post_json(api, url, {"email": ANN_EMAIL})
        assert response.status_code in (401, 403)
    assert api.get("/api/v1/privacy/audit/").status_code in (401, 403)


def test_staff_who_are_not_managers_are_refused(agent_client: Client) -> None:
    for url in ("/privacy/subjects/", "/privacy/audit/", "/privacy/retention/", "/privacy/holds/"):
        assert agent_client.get(url).status_code == 403
    response = post_json(agent_client, "/api/v1/privacy/erasure-requests/", {"email": ANN_EMAIL})
    assert response.status_code == 403
