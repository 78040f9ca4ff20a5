"""Staff corrections wait for a review; only accepted ones train the classifier."""

import pytest
from django.core.management import call_command
from django.test import Client

from desk.classification.models import TrainingExample
from tests.classification.conftest import Deliver
from tickets.models import Ticket


def _correct(deliver: Deliver, staff_client: Client, text: str, author_id: str) -> Ticket:
    ticket = deliver(text, author_id=author_id)
    assert ticket is not None
    response = staff_client.post(f"/desk/tickets/{ticket.pk}/correct/", {"queue": "sales"})
    assert response.status_code == 302
    return ticket


def _review(client: Client, ticket: Ticket, decision: str) -> int:
    example = TrainingExample.objects.get(ticket=ticket)
    url = f"/desk/classifier/corrections/{example.pk}/review/"
    return client.post(url, {"decision": decision}).status_code


def test_an_agents_correction_waits_for_review(deliver: Deliver, staff_client: Client) -> None:
    ticket = _correct(deliver, staff_client, "Does the API add-on work for 40 shops?", "a1")

    example = TrainingExample.objects.get(ticket=ticket)
    assert example.review == TrainingExample.Review.PENDING
    assert example.reviewed_by is None


def test_a_manager_accepts_or_rejects_a_correction_on_the_classifier_page(
    deliver: Deliver, staff_client: Client, manager_client: Client, manager: object
) -> None:
    accepted = _correct(deliver, staff_client, "Does the API add-on work for 40 shops?", "a1")
    rejected = _correct(deliver, staff_client, "Is there an export for all our stores?", "a2")
    page = manager_client.get("/desk/classifier/").content.decode()
    assert "Corrections waiting for review (2)" in page
    assert 'name="decision" value="accept"' in page

    assert _review(manager_client, accepted, "accept") == 302
    assert _review(manager_client, rejected, "reject") == 302

    first = TrainingExample.objects.get(ticket=accepted)
    assert first.review == TrainingExample.Review.ACCEPTED and first.reviewed_by == manager
    assert TrainingExample.objects.get(ticket=rejected).review == TrainingExample.Review.REJECTED
    page = manager_client.get("/desk/classifier/").content.decode()
    assert "Corrections waiting for review (0)" in page


def test_agents_cannot_review_corrections(deliver: Deliver, staff_client: Client) -> None:
    ticket = _correct(deliver, staff_client, "Does the API add-on work for 40 shops?", "a1")

    assert _review(staff_client, ticket, "accept") == 403
    assert 'name="decision"' not in staff_client.get("/desk/classifier/").content.decode()
    assert TrainingExample.objects.get(ticket=ticket).review == TrainingExample.Review.PENDING


def test_a_review_without_a_decision_is_refused(
    deliver: Deliver, staff_client: Client, manager_client: Client
) -> None:
    ticket = _correct(deliver, staff_client, "Does the API add-on work for 40 shops?", "a1")

    assert _review(manager_client, ticket, "maybe") == 400
    assert TrainingExample.objects.get(ticket=ticket).review == TrainingExample.Review.PENDING


def test_a_second_correction_of_a_reviewed_ticket_waits_for_review_again(
    deliver: Deliver, staff_client: Client, manager_client: Client
) -> None:
    ticket = _correct(deliver, staff_client, "Does the API add-on work for 40 shops?", "a1")
    _review(manager_client, ticket, "accept")

    staff_client.post(f"/desk/tickets/{ticket.pk}/correct/", {"queue": "technical"})

    assert TrainingExample.objects.get(ticket=ticket).review == TrainingExample.Review.PENDING


def test_train_classifier_reads_only_accepted_corrections(
    deliver: Deliver,
    staff_client: Client,
    manager_client: Client,
    capsys: pytest.CaptureFixture[str],
) -> None:
    accepted = _correct(deliver, staff_client, "Does the API add-on work for 40 shops?", "a1")
    rejected = _correct(deliver, staff_client, "Is there an export for all our stores?", "a2")
    _correct(deliver, staff_client, "Can the calendar sync run for every branch?", "a3")
    _review(manager_client, accepted, "accept")
    _review(manager_client, rejected, "reject")

    call_command("train_classifier", "--no-activate")

    # One of three: the pending and the rejected correction are not trained on.
    assert "1 corrections" in capsys.readouterr().out
