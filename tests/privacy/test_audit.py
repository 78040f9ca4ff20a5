from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from channels.models import Channel
from desk.privacy.models import AuditEntry
from desk.privacy.models.audit import AuditLogIsAppendOnly
from desk.privacy.services import audit
from tests.conftest import skip_or_fail
from tests.privacy.conftest import publish_by_command
from tickets.models import Ticket


def test_staff_opening_a_conversation_is_recorded(mention: Any, agent_client: Client) -> None:
    conversation = mention("p1", "Hello").conversation
    ticket = Ticket.objects.get()

    agent_client.get(f"/tickets/{ticket.pk}/")

    entry = AuditEntry.objects.get(action="conversation.viewed")
    assert (entry.actor_name, entry.target_type, entry.target_id) == (
        "agent",
        "tickets.conversation",
        str(conversation.pk),
    )


def test_managers_search_the_audit_log_by_who_what_and_when(
    mention: Any, agent_client: Client, manager_client: Client
) -> None:
    mention("p1", "Hello")
    ticket = Ticket.objects.get()
    agent_client.get(f"/tickets/{ticket.pk}/")
    manager_client.get(f"/tickets/{ticket.pk}/")
    manager_client.get("/privacy/subjects/", {"email": "nobody@example.org"})
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    by_agent = manager_client.get("/privacy/audit/", {"actor": "agent"})
    searches = manager_client.get("/privacy/audit/", {"action": "subject."})
    future = manager_client.get("/privacy/audit/", {"since": tomorrow})

    assert [(e.actor_name, e.action) for e in by_agent.context["entries"]] == [
        ("agent", "conversation.viewed")
    ]
    assert [e.action for e in searches.context["entries"]] == ["subject.searched"]
    # What was searched is not kept readable, only how and a digest.
    assert "nobody@example.org" not in searches.content.decode()
    assert "e-mail · " in searches.content.decode()
    assert list(future.context["entries"]) == []


def test_the_audit_log_names_actions_in_the_reader_s_language_and_links_their_objects(
    mention: Any, agent_client: Client, manager_client: Client
) -> None:
    conversation = mention("p1", "Hello").conversation
    ticket = Ticket.objects.get()
    agent_client.get(f"/tickets/{ticket.pk}/")
    agent_client.get(f"/contacts/{ticket.contact_id}/")
    manager_client.post(
        "/privacy/holds/", {"target": f"conversation:{conversation.pk}", "reason": "Case 7"}
    )
    manager_client.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})

    page = manager_client.get("/privacy/audit/").content.decode()

    assert "Unterhaltung angesehen" in page
    assert '<code class="meta">conversation.viewed</code>' in page
    assert "Kontakt angesehen" in page
    assert f'href="/tickets/{ticket.pk}/">tickets.conversation {conversation.pk}</a>' in page
    assert f'href="/contacts/{ticket.contact_id}/">tickets.contact {ticket.contact_id}</a>' in page
    hold = AuditEntry.objects.get(action="hold.placed")
    assert f'href="/privacy/holds/#hold-{hold.target_id}"' in page
    assert f'id="hold-{hold.target_id}"' in manager_client.get("/privacy/holds/").content.decode()


def test_a_published_notice_and_a_channel_s_notice_setting_read_in_the_reader_s_language(
    manager_client: Client, webhook_channel: Channel, tmp_path: Any
) -> None:
    publish_by_command(tmp_path, language="de", text="Wir speichern sie 400 Tage.", days=400)
    call_command(
        "privacy_notice",
        "channel",
        webhook_channel.name,
        "--method",
        "first_reply",
        "--default-language",
        "de",
        stdout=StringIO(),
    )
    manager_client.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})

    page = manager_client.get("/privacy/audit/").content.decode()

    published = AuditEntry.objects.get(action="notice.published")
    assert published.summary == "de v2"  # v1 came with the desk
    assert published.counts == {"retention_days": 400}
    assert "<bdi>de v2</bdi> · Aufbewahrung (Tage): 400" in page
    assert "<bdi>first_reply · de</bdi>" in page
    assert "days" not in page
    assert "default language" not in page


def test_a_notice_setting_saved_in_the_admin_is_recorded_as_the_page_records_it(
    webhook_channel: Channel, django_user_model: Any
) -> None:
    admin = Client()
    admin.force_login(django_user_model.objects.create_superuser("root"))

    response = admin.post(
        "/admin/privacy/channelnoticeconfig/add/",
        {"channel": webhook_channel.pk, "method": "first_reply", "default_language": "de"},
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="notice_config.changed")
    assert (entry.actor_name, entry.summary) == ("root", "first_reply · de")


def test_the_audit_log_pages_by_keyset(manager_client: Client, db: None) -> None:
    for n in range(105):
        audit.record(actor=None, action="retention.ran", summary=f"run {n}")

    first = manager_client.get("/privacy/audit/")
    second = manager_client.get("/privacy/audit/", {"before": first.context["next_cursor"]})

    assert len(first.context["entries"]) == 100
    assert len(second.context["entries"]) == 5
    assert {e.pk for e in first.context["entries"]}.isdisjoint(
        e.pk for e in second.context["entries"]
    )


def test_audit_entries_cannot_be_changed_or_deleted(db: None) -> None:
    entry = audit.record(actor=None, action="retention.ran", summary="nightly")

    entry.summary = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="rewritten")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().summary == "nightly"


def test_the_database_refuses_to_rewrite_the_audit_log(db: None) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("the append-only trigger needs PostgreSQL")
    entry = audit.record(actor=None, action="retention.ran", summary="nightly")

    for statement in (
        "UPDATE privacy_auditentry SET summary = 'x' WHERE id = %s",
        "DELETE FROM privacy_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.get().summary == "nightly"


def test_the_privacy_pages_open_for_managers(mention: Any, manager_client: Client) -> None:
    conversation = mention("p1", "Hello")
    manager_client.post(
        "/privacy/holds/", {"target": f"conversation:{conversation.conversation_id}", "reason": "x"}
    )

    for url in (
        "/privacy/unnoticed/",
        "/privacy/retention/",
        "/privacy/subjects/",
        "/privacy/holds/",
        "/privacy/audit/",
    ):
        response = manager_client.get(url)
        assert response.status_code == 200, url
        assert 'href="/privacy/audit/"' in response.content.decode()


def test_a_hold_on_nothing_is_refused_with_a_message(manager_client: Client) -> None:
    response = manager_client.post(
        "/privacy/holds/", {"target": "contact:999", "reason": "x"}, follow=True
    )

    assert "Name an existing contact" in response.content.decode()
