"""The classification's forms speak the reader's language: the correction on the ticket page,
a routing rule's conditions and the dry run (their labels came from field names, in English)."""

from __future__ import annotations

import re

from django.test import Client

from tests.classification.conftest import Deliver


def german(client: Client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    return response.content.decode()


def test_the_correction_form_on_the_ticket_page_is_german(
    deliver: Deliver, manager_client: Client
) -> None:
    ticket = deliver("The app crashes when I log in, please help!")

    page = german(manager_client, f"/tickets/{ticket.pk}/")
    form = re.search(r'(?s)<form method="post" action="/desk/[^"]*correct.*?</form>', page)

    assert form, page[:500]
    for label in ("Warteschlange:", "Kennzeichen:", "Kennzeichen ersetzen:", "Stimmung:"):
        assert f">{label}</label>" in form.group(0)
    assert re.search(r'value="technical" id="[^"]+">\s*Technische Frage</label>', form.group(0))
    assert '<option value="0">kein Verstoß</option>' in form.group(0)
    assert '<option value="negative">Negativ</option>' in form.group(0)


def test_a_rule_s_conditions_and_the_dry_run_are_german(manager_client: Client) -> None:
    rule = german(manager_client, "/desk/rules/new/")
    dry_run = german(manager_client, "/desk/rules/dry-run/")

    assert '<option value="" selected>Beliebig</option>' in rule
    assert '<option value="monitored">Beobachtet</option>' in rule
    assert ">Kanal:</label>" in dry_run and ">Text:</label>" in dry_run


def test_a_ticket_no_rule_fired_for_says_so_in_german(
    deliver: Deliver, manager_client: Client
) -> None:
    ticket = deliver("Nice weather in Berlin today.")

    page = german(manager_client, f"/tickets/{ticket.pk}/")

    assert "Ausgelöste Regeln: keine</p>" in page
