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
    queue = '<dd class="queue"><bdi>Technical support</bdi> <code class="meta">technical</code>'
    assert queue in page
    assert "<dd>Deutsch (de)</dd>" in page  # by its name, as the filters list languages
    assert "Technical questions to Technical support</bdi></strong> — fires" in page
    assert "because of “installation”, “fehlermeldung”" in page  # the words that decided
    assert "Press inquiries to Communications</bdi></strong> — does not fire" in page
    assert "Press inquiry 0.00 &lt; 0.50" in page


def test_the_dry_run_explains_a_stored_mention(deliver: Deliver, staff_client: Client) -> None:
    deliver("Journalist here: can you comment on the outage for our article?")
    message = Message.objects.get()

    page = staff_client.post("/desk/rules/dry-run/", {"message": message.pk}).content.decode()

    assert '<code class="meta">communications</code></dd>' in page
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

    assert '<dd class="queue"><bdi>Inbound desk</bdi> <code class="meta">inbound</code>' in page
    assert "keine Regel griff: <bdi>Inbound desk</bdi>" in page


def test_the_dry_run_reads_in_the_reader_s_language_numbers_and_names_included(
    staff_client: Client,
) -> None:
    page = staff_client.post(
        "/desk/rules/dry-run/",
        {"text": "Die Installation bricht mit einer Fehlermeldung ab."},
        HTTP_ACCEPT_LANGUAGE="de",
    ).content.decode()

    facts = page.split('<dl class="facts">')[1].split("</dl>")[0]
    assert "Technische Frage 1,00" in facts  # the label by its name, the score as German writes it
    assert "technical 1.00" not in facts
    assert "<dd>von keiner Regel gesetzt</dd>" in facts  # the priority no rule set
    assert "<dd>keine</dd>" in facts  # no tags, no holding reply
    assert "default" not in facts and "none" not in facts
    trace = page.split('<ol class="rule-trace">')[1]
    assert "Presseanfrage 0,00 &lt; 0,50" in trace
    assert "Technische Frage 1,00 ≥ 0,50" in trace
    # The classifier's shorthand ("model v1 …", "lexicon/de …") is the English record's; the
    # page says why in the labels above.
    assert "lexicon/" not in trace and "model v" not in trace
