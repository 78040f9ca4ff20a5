"""Managers edit the ordered rule list; the next mention is routed by it at once."""

import re
from typing import Any

from django.test import Client
from django.utils import timezone

from desk.classification.models import ReplyTemplate, RoutingRule, TicketDecision
from tests.classification.conftest import Deliver
from tickets.models import Message, Queue, Ticket


def rule_form(**fields: Any) -> dict[str, Any]:
    return {"name": "A rule", "is_active": "on", "min_score": "0.5", **fields}


def test_a_manager_adds_a_rule_that_routes_the_next_mention(
    deliver: Deliver, manager_client: Client
) -> None:
    response = manager_client.post(
        "/desk/rules/new/",
        rule_form(
            name="Refunds are urgent",
            text_contains="refund, money back",
            queue=Queue.objects.get(slug="sales").pk,
            priority="4",
            tags="refund",
        ),
    )
    assert response.status_code == 302

    ticket = deliver("I want my money back for the broken order")

    assert ticket is not None
    assert ticket.queue.slug == "sales"
    assert ticket.priority == Ticket.Priority.URGENT
    assert ticket.tags.filter(name="refund").exists()
    assert "text contains 'money back'" in ticket.decision.routing_reason


def test_the_templates_page_names_each_text_s_language_in_the_reader_s_language(
    manager_client: Client,
) -> None:
    ReplyTemplate.objects.create(name="on it", language="de", text="Wir kümmern uns darum!")
    ReplyTemplate.objects.create(name="on it", language="", text="We are on it!")

    page = manager_client.get("/desk/reply-templates/", HTTP_ACCEPT_LANGUAGE="fr").content
    rows = page.decode().split("<tbody>")[1].split("</tbody>")[0]

    assert "<td>Deutsch (de)</td>" in rows
    assert "<td>toute autre langue</td>" in rows
    assert "any" not in rows


def test_a_rule_sends_a_holding_reply_from_a_template_in_the_mentions_language(
    deliver: Deliver, manager_client: Client
) -> None:
    ReplyTemplate.objects.create(name="on it", language="de", text="Wir kümmern uns darum!")
    ReplyTemplate.objects.create(name="on it", language="", text="We are on it!")
    RoutingRule.objects.filter(label="technical").update(holding_reply="on it")

    ticket = deliver("Seit dem Update stürzt die App ab.")

    assert ticket is not None
    reply = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert reply.is_holding_reply
    assert reply.text == "Wir kümmern uns darum!"
    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None


def test_moving_a_rule_up_changes_which_queue_wins(
    deliver: Deliver, manager_client: Client
) -> None:
    text = "Journalist here, your login page shows error 500. Comment?"
    assert (ticket := deliver(text, author_id="a1")) is not None
    assert ticket.queue.slug == "communications"
    technical = RoutingRule.objects.get(label="technical")

    manager_client.post(f"/desk/rules/{technical.pk}/move/", {"direction": "up"})

    assert (moved := deliver(text, author_id="a2")) is not None
    assert moved.queue.slug == "technical"


def test_a_rule_for_known_contacts_and_a_language(deliver: Deliver, manager_client: Client) -> None:
    manager_client.post(
        "/desk/rules/new/",
        rule_form(name="Returning Swedes", author="known", languages="sv", tags="returning"),
    )

    first = deliver("Hej, vilka öppettider har ni i dag?", author_id="erik")
    second = deliver("Hej igen, har ni öppet på lördag?", author_id="erik")

    assert first is not None and not first.tags.filter(name="returning").exists()
    assert second is not None and second.tags.filter(name="returning").exists()


def test_a_rule_on_a_tracked_term_template(deliver: Deliver, manager_client: Client) -> None:
    manager_client.post(
        "/desk/rules/new/", rule_form(name="Event", tracked_term="#iico{year}", tags="event")
    )
    ticket = deliver(f"See you at #iico{timezone.now().year}!")

    assert ticket is not None and ticket.tags.filter(name="event").exists()


def test_an_invalid_regex_is_refused_with_a_message(manager_client: Client) -> None:
    response = manager_client.post("/desk/rules/new/", rule_form(text_regex="(unclosed"))

    assert response.status_code == 400
    assert "Not a valid regular expression" in response.content.decode()
    assert not RoutingRule.objects.filter(name="A rule").exists()


def test_staff_who_are_not_managers_cannot_edit_rules(staff_client: Client) -> None:
    assert staff_client.get("/desk/rules/").status_code == 200
    assert staff_client.get("/desk/rules/new/").status_code == 403
    assert staff_client.post("/desk/rules/new/", rule_form()).status_code == 403


def test_the_routing_is_explained_in_the_reader_s_language_with_the_words_isolated(
    deliver: Deliver, manager_client: Client, staff_client: Client
) -> None:
    manager_client.post(
        "/desk/rules/new/",
        rule_form(
            name="Refunds",
            text_contains="money back",
            sentiment="negative",
            queue=Queue.objects.get(slug="sales").pk,
        ),
    )
    ticket = deliver("Terrible! I want my money back now, this is awful")
    assert ticket is not None and ticket.queue.slug == "sales"

    german = staff_client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="de")
    french = manager_client.post(
        "/desk/rules/dry-run/",
        {"message": ticket.conversation.messages.get().pk},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    words = "<bdi>&#x27;money back&#x27;</bdi>"
    assert f"Regel <bdi>Refunds</bdi>: Stimmung ist Negativ; Text enthält {words}" in (
        german.content.decode()
    )
    assert f"le texte contient {words}" in french.content.decode()
    assert "text contains 'money back'" in ticket.decision.routing_reason  # the English record


def test_a_ticket_s_routing_gives_scores_as_the_reader_writes_them(
    deliver: Deliver, staff_client: Client
) -> None:
    ticket = deliver("Die Installation bricht mit einer Fehlermeldung ab.")
    assert ticket is not None

    page = staff_client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    routing = page.split("<dt>Zuordnung</dt>")[1].split("</dd>")[0]
    assert "Technische Frage 1,00 ≥ 0,50" in routing
    assert "lexicon/" not in routing and "model v" not in routing
    assert " ≥ 0.50 (" in ticket.decision.routing_reason  # the record keeps the shorthand


def test_a_score_reads_the_same_in_the_routing_and_beside_its_label(
    deliver: Deliver, staff_client: Client
) -> None:
    ticket = deliver("Die Installation bricht mit einer Fehlermeldung ab.")
    assert ticket is not None
    verdict = {"label": "technical", "score": 0.985, "threshold": 0.5, "evidence": "x"}
    TicketDecision.objects.filter(ticket=ticket).update(
        labels={"technical": 0.985},
        routing_why=[{"rule": "Tech", "because": [["label", verdict]]}],
    )

    page = staff_client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    routing = page.split("<dt>Zuordnung</dt>")[1].split("</dd>")[0]
    assert "Technische Frage 0,99 ≥ 0,50" in routing
    assert "Technische Frage 0,99 <span" in page.split('class="labels"')[1]


def test_the_rule_list_words_each_condition_in_the_reader_s_language(
    manager_client: Client,
) -> None:
    manager_client.post(
        "/desk/rules/new/",
        rule_form(name="Angry watchers", sentiment="negative", service_level="monitored"),
    )

    page = manager_client.get("/desk/rules/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    row = page[page.index(">Angry watchers</a>") :]
    start = row.index('<td class="rule-parts">')
    conditions = row[start : row.index("</td>", start)]

    assert conditions == '<td class="rule-parts"><span>Beobachtet</span><span>Negativ</span>'


def test_a_manager_picks_a_rules_languages_by_name(manager_client: Client) -> None:
    form = manager_client.get("/desk/rules/new/").content.decode()
    assert 'value="sv"' in form and "svenska (sv)" in form.lower()
    assert "Comma-separated language codes" not in form

    response = manager_client.post(
        "/desk/rules/new/", rule_form(name="Nordics", languages=["sv", "da"])
    )

    assert response.status_code == 302
    rule = RoutingRule.objects.get(name="Nordics")
    assert rule.languages == "sv,da"
    listed = manager_client.get("/desk/rules/").content.decode().lower()
    assert "svenska (sv), dansk (da)" in listed
    edited = manager_client.get(f"/desk/rules/{rule.pk}/").content.decode()
    assert re.search(r'value="sv"[^>]*checked', edited)
    assert not re.search(r'value="de"[^>]*checked', edited)
    refused = manager_client.post("/desk/rules/new/", rule_form(name="Nowhere", languages="xx"))
    assert refused.status_code == 400
    assert not RoutingRule.objects.filter(name="Nowhere").exists()


def test_a_holding_reply_templates_language_is_chosen_from_a_list(
    manager_client: Client,
) -> None:
    page = manager_client.get("/desk/reply-templates/").content.decode()
    assert '<select name="language"' in page and "español (es)" in page.lower()

    saved = manager_client.post(
        "/desk/reply-templates/", {"name": "On it", "language": "es", "text": "Estamos en ello."}
    )
    refused = manager_client.post(
        "/desk/reply-templates/", {"name": "On it", "language": "xx", "text": "?"}
    )

    assert saved.status_code == 302 and refused.status_code == 400
    assert list(ReplyTemplate.objects.filter(name="On it").values_list("language", flat=True)) == [
        "es"
    ]
    assert "español (es)" in manager_client.get("/desk/reply-templates/").content.decode().lower()


def test_a_rules_priority_reads_in_the_managers_language(manager_client: Client) -> None:
    manager_client.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})

    form = manager_client.get("/desk/rules/new/").content.decode()
    manager_client.post("/desk/rules/new/", rule_form(name="Eilig", priority="4"))

    assert ">Dringend<" in form and ">Urgent<" not in form
    assert "Dringend" in manager_client.get("/desk/rules/").content.decode()
