from typing import Any

from django.contrib.auth.models import Group
from django.test import Client

from tests.conftest import post_json
from tickets.models import Ticket


def test_pages_require_login(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_with_a_password(db: None, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("agent", password="pw-agent-123")
    user.groups.add(Group.objects.get(name="agent"))
    client = Client()
    response = client.post("/login/", {"username": "agent", "password": "pw-agent-123"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_the_inbox_lists_a_ticket_created_through_the_api(
    api: Client, staff_client: Client
) -> None:
    post_json(
        api, "/api/v1/inquiries/", {"text": "Where is my order?", "author": {"name": "Ann Example"}}
    )
    ticket = Ticket.objects.get()

    page = staff_client.get("/").content.decode()

    assert f'href="/tickets/{ticket.pk}/"' in page
    assert "Where is my order?" in page
    assert "Ann Example" in page
    assert "Inbound desk" in page


def test_untrusted_names_and_texts_are_shown_as_text(api: Client, staff_client: Client) -> None:
    post_json(
        api,
        "/api/v1/inquiries/",
        {"text": "<img src=x onerror=alert(1)>", "author": {"name": "<script>alert(1)</script>"}},
    )
    ticket = Ticket.objects.get()

    for url in ("/", f"/tickets/{ticket.pk}/"):
        page = staff_client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<img src=x" not in page


def test_the_ticket_page_shows_the_thread_and_audit(api: Client, staff_client: Client) -> None:
    post_json(api, "/api/v1/inquiries/", {"text": "Login error 500", "author": {"name": "Ann"}})
    ticket = Ticket.objects.get()

    page = staff_client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "Login error 500" in page
    assert "Technical support" in page
    assert "created" in page


def test_the_inbox_pages_by_keyset(api: Client, staff_client: Client) -> None:
    for n in range(55):
        post_json(api, "/api/v1/inquiries/", {"text": f"question {n}", "author": {"name": "A"}})

    first = staff_client.get("/")
    assert first.context["next_cursor"]
    second = staff_client.get("/", {"after": first.context["next_cursor"]})

    first_ids = [t.pk for t in first.context["tickets"]]
    second_ids = [t.pk for t in second.context["tickets"]]
    assert len(first_ids) == 50
    assert len(second_ids) == 5
    assert set(first_ids).isdisjoint(second_ids)
    assert sorted(first_ids + second_ids) == sorted(Ticket.objects.values_list("pk", flat=True))
