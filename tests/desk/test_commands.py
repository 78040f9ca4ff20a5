from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from channels.models import Channel
from tests.conftest import post_json
from tickets.models import Message, Ticket


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_api_client_create_prints_a_token_that_works(db: None) -> None:
    token = run("api_client", "create", "shop").strip().splitlines()[-1]

    http = Client(HTTP_AUTHORIZATION=f"Token {token}")
    response = post_json(http, "/api/v1/inquiries/", {"text": "hi", "author": {"name": "A"}})
    assert response.status_code == 201


def test_api_client_names_are_unique_and_revocation_works(db: None) -> None:
    token = run("api_client", "create", "shop").strip().splitlines()[-1]
    with pytest.raises(CommandError):
        run("api_client", "create", "shop")
    run("api_client", "revoke", "shop")
    assert "revoked" in run("api_client", "list")
    http = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert http.get("/api/v1/inquiries/").status_code == 401


def test_seed_demo_creates_channels_users_and_mentions_in_five_languages(db: None) -> None:
    output = run("seed_demo", "--mentions", "60")

    assert Channel.objects.filter(name__startswith="Demo").count() >= 2
    for role in ("agent", "spokesperson", "manager"):
        assert f"demo-{role}" in output
    inbound = Message.objects.filter(direction=Message.Direction.INBOUND)
    # The mentions asked for, and two questions at risk of their first-response target.
    assert inbound.count() == 60 + 2
    assert set(inbound.values_list("language", flat=True)) == {"en", "de", "fr", "pl", "sv"}
    # Older mentions were answered and resolved, so the desk and dashboards show a history.
    assert Ticket.objects.filter(status="resolved", first_responded_at__isnull=False).exists()
    assert Ticket.objects.filter(queue__slug="technical").exists()
    messages = Message.objects.count()
    assert "exists already" in run("seed_demo", "--if-empty")
    assert Message.objects.count() == messages
