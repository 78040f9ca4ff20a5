"""Staff corrections become training examples; retraining (a Celery task) changes answers."""

from typing import Any

from django.test import Client

from desk.classification.models import ClassifierVersion, TrainingExample
from desk.classification.tasks import retrain_classifier
from tests.classification.conftest import Deliver
from tickets.models import Ticket

# A sales question in technical words: the lexicon and the seed-trained model call it technical.
AMBIGUOUS = "Does the API add-on work for our 40 shops? We would need the export for all of them."


def test_a_reroute_by_staff_becomes_a_labelled_training_example(
    deliver: Deliver, staff_client: Client
) -> None:
    ticket = deliver(AMBIGUOUS)
    assert ticket is not None and ticket.queue.slug == "technical"

    response = staff_client.post(f"/desk/tickets/{ticket.pk}/correct/", {"queue": "sales"})

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.queue.slug == "sales"
    assert ticket.events.filter(kind="rerouted", old_value="technical", new_value="sales").exists()
    example = TrainingExample.objects.get(ticket=ticket)
    assert example.text == AMBIGUOUS
    assert example.labels == {
        "technical": False,
        "press": False,
        "sales_lead": True,
        "netiquette": False,
    }


def test_a_netiquette_mark_by_staff_ignores_the_ticket_and_is_learned(
    deliver: Deliver, staff_client: Client
) -> None:
    ticket = deliver("Your CEO should be ashamed of this mess, honestly.")
    assert ticket is not None and ticket.status == Ticket.Status.NEW

    staff_client.post(f"/desk/tickets/{ticket.pk}/correct/", {"netiquette": "1"})

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.IGNORED
    assert TrainingExample.objects.get(ticket=ticket).labels["netiquette"] is True


def _accept(manager_client: Client, ticket: Ticket) -> None:
    example = TrainingExample.objects.get(ticket=ticket)
    response = manager_client.post(
        f"/desk/classifier/corrections/{example.pk}/review/", {"decision": "accept"}
    )
    assert response.status_code == 302


def test_a_correction_changes_the_models_answer_after_retraining(
    deliver: Deliver, staff_client: Client, manager_client: Client
) -> None:
    first_version = retrain_classifier.delay().get()
    before = deliver(AMBIGUOUS, author_id="a1")
    assert before is not None and before.queue.slug == "technical"
    assert before.decision.reasons["technical"].startswith(f"model v{first_version}")

    staff_client.post(f"/desk/tickets/{before.pk}/correct/", {"queue": "sales"})
    _accept(manager_client, before)
    second_version = retrain_classifier.delay().get()
    after = deliver(AMBIGUOUS, author_id="a2")

    assert second_version == first_version + 1
    assert after is not None
    assert after.queue.slug == "sales"
    assert after.decision.labels["sales_lead"] >= 0.5
    assert after.decision.labels.get("technical", 0) < 0.5
    assert after.decision.reasons["sales_lead"].startswith(f"model v{second_version}")


def test_a_manager_rolls_back_to_the_previous_model(
    deliver: Deliver, staff_client: Client, manager_client: Client
) -> None:
    retrain_classifier.delay().get()
    corrected = deliver(AMBIGUOUS, author_id="a1")
    assert corrected is not None
    staff_client.post(f"/desk/tickets/{corrected.pk}/correct/", {"queue": "sales"})
    _accept(manager_client, corrected)
    retrain_classifier.delay().get()

    response = manager_client.post("/desk/classifier/rollback/")

    assert response.status_code == 302
    assert ClassifierVersion.objects.get(is_active=True).number == 1
    again = deliver(AMBIGUOUS, author_id="a3")
    assert again is not None and again.queue.slug == "technical"


def test_only_managers_switch_model_versions(staff_client: Client) -> None:
    for url in ("/desk/classifier/rollback/", "/desk/classifier/retrain/"):
        assert staff_client.post(url).status_code == 403


def test_a_stored_model_is_checked_against_its_checksum(manager_client: Client) -> None:
    number = retrain_classifier.delay().get()
    version = ClassifierVersion.objects.get(number=number)
    ClassifierVersion.objects.filter(pk=version.pk).update(is_active=False, checksum="0" * 64)

    response = manager_client.post(f"/desk/classifier/{version.pk}/activate/", follow=True)

    assert "does not match its checksum" in response.content.decode()
    assert not ClassifierVersion.objects.filter(is_active=True).exists()


def test_an_unknown_queue_in_a_correction_is_refused_and_changes_nothing(
    deliver: Deliver, staff_client: Client
) -> None:
    ticket = deliver(AMBIGUOUS)
    assert ticket is not None

    response = staff_client.post(f"/desk/tickets/{ticket.pk}/correct/", {"queue": "nowhere"})

    assert response.status_code == 400
    assert "not one of the available choices" in response.content.decode()
    assert not TrainingExample.objects.exists()
    ticket.refresh_from_db()
    assert ticket.queue.slug == "technical"


def test_the_classifier_page_lists_versions_and_corrections(
    deliver: Deliver,
    staff_client: Client,
    manager_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ticket = deliver(AMBIGUOUS)
    assert ticket is not None
    staff_client.post(f"/desk/tickets/{ticket.pk}/correct/", {"queue": "sales"})
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post("/desk/classifier/retrain/")

    page = manager_client.get("/desk/classifier/").content.decode()

    assert "v1" in page and "(active)" in page
    assert "requested by manager" in page
    assert "Does the API add-on" in page
    # F1 per test set (rows) and label (columns), named as everywhere else on the desk.
    version = ClassifierVersion.objects.get(number=1)
    scores = table_after(page, "Test set")
    assert '<th scope="col">Technical question</th>' in scores
    assert '<th scope="col">Sentiment, macro average</th>' in scores
    macro = version.metrics["airline-en sentiment macro"]
    assert '<th scope="row"><code>airline-en</code></th>' in scores
    assert f"<td>{macro:.2f}</td>" in scores
    assert "sentiment:negative" not in page and "sales_lead" not in page

    manager_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    german = manager_client.get("/desk/classifier/").content.decode()

    assert "angefordert von manager" in german
    assert '<th scope="col">Technische Frage</th>' in german
    assert f"<td>{macro:.2f}</td>".replace(".", ",") in german


def table_after(page: str, heading: str) -> str:
    start = page.index(heading)
    return page[start : page.index("</table>", start)]


def test_the_words_that_decided_are_words_not_punctuation(staff_client: Client) -> None:
    retrain_classifier.delay().get()  # the model reads "!" and "." as words too

    page = staff_client.post(
        "/desk/rules/dry-run/", {"text": "Thanks a lot, great job!"}
    ).content.decode()

    assert "because of “thanks”, “great”" in page
    for mark in "!.?":
        assert f"“{mark}”" not in page
