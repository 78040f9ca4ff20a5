"""The dry-run page explains which rules fire for a text or a stored message, and why."""

from django.test import Client

from tests.classification.conftest import Deliver
from tickets.models import Message


def test_the_dry_run_explains_a_decision_for_a_pasted_text(staff_client: Client) -> None:
    response = staff_client.post(
        "/desk/rules/dry-run/", {"text": "Die Installation bricht mit einer Fehlermeldung ab."}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<dd class="queue">technical</dd>' in page
    assert "<dd>Deutsch (de)</dd>" in page  # by its name, as the filters list languages
    assert "Technical questions to Technical support</bdi></strong> — fires" in page
    assert "&#x27;fehlermeldung&#x27;" in page  # the matched word, escaped
    assert "Press inquiries to Communications</bdi></strong> — does not fire" in page
    assert "Press inquiry 0.00 &lt; 0.50" in page


def test_the_dry_run_explains_a_stored_mention(deliver: Deliver, staff_client: Client) -> None:
    deliver("Journalist here: can you comment on the outage for our article?")
    message = Message.objects.get()

    page = staff_client.post("/desk/rules/dry-run/", {"message": message.pk}).content.decode()

    assert '<dd class="queue">communications</dd>' in page
    assert "Press inquiries to Communications</bdi></strong> — fires" in page


def test_the_dry_run_refuses_an_empty_request(staff_client: Client) -> None:
    response = staff_client.post("/desk/rules/dry-run/", {"text": "  "})

    assert response.status_code == 400
    assert "Paste a text or give a message id." in response.content.decode()


def test_the_dry_run_escapes_the_pasted_text(staff_client: Client) -> None:
    page = staff_client.post(
        "/desk/rules/dry-run/", {"text": "<script>alert(1)</script> bug"}
    ).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_a_text_no_rule_takes_goes_to_the_inbound_desk_by_its_name(staff_client: Client) -> None:
    page = staff_client.post(
        "/desk/rules/dry-run/",
        {"text": "Hallo zusammen, schönen Sonntag!"},
        HTTP_ACCEPT_LANGUAGE="de",
    ).content.decode()

    assert '<dd class="queue">inbound</dd>' in page
    assert "keine Regel griff: <bdi>Inbound desk</bdi>" in page
