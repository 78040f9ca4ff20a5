"""Similar answered questions on the ticket page; brand ambassadors suggested and confirmed."""

import re
from typing import Any

from django.contrib.auth.models import Group
from django.test import Client

from desk.classification.models import ContactBadge
from desk.classification.tasks import suggest_ambassadors
from tests.classification.conftest import Deliver
from tickets.models import Queue, Ticket


def test_the_ticket_page_shows_a_similar_question_answered_before(
    deliver: Deliver, spokesperson_client: Client, django_user_model: Any
) -> None:
    staff_client = spokesperson_client
    answered = deliver("How do I export all my contacts as a CSV file?", author_id="a1")
    unanswered = deliver("How do I export my invoices as CSV?", author_id="a2")
    deliver("Loved the talks at the conference!", author_id="a3")
    assert answered is not None and unanswered is not None
    staff_client.post(
        f"/tickets/{answered.pk}/reply/",
        {"text": "Settings → Contacts → Export, pick CSV.", "voice": "company"},
    )
    new = deliver("Can I export contacts to CSV somehow?", author_id="a4")
    assert new is not None

    page = staff_client.get(f"/tickets/{new.pk}/").content.decode()

    assert "Similar questions answered before" in page
    assert f'href="/tickets/{answered.pk}/"' in page
    assert "Settings → Contacts → Export, pick CSV." in page
    assert f'href="/tickets/{unanswered.pk}/"' not in page  # never answered
    assert "Loved the talks" not in page

    german = Client(HTTP_ACCEPT_LANGUAGE="de")
    german.force_login(django_user_model.objects.get(username="spokesperson"))
    why = re.search(
        r'<span class="why">\(([^)]*)\)</span>', german.get(f"/tickets/{new.pk}/").content.decode()
    )
    assert why is not None
    # Why it matched, in the reader's words and numbers: "Suchrang 0,61, ähnliche ...".
    assert re.fullmatch(
        r"(Suchrang|gemeinsame Wörter) \d,\d\d, ähnliche Schreibweise \d,\d\d", why[1]
    )


def test_a_similar_answer_is_shown_as_staff_wrote_it_without_the_notice_it_carried(
    deliver: Deliver, spokesperson_client: Client, settings: Any
) -> None:
    settings.PRIVACY_DEFAULT_NOTICE_METHOD = "first_reply"
    answered = deliver("How do I export all my contacts as a CSV file?", author_id="a1")
    assert answered is not None
    spokesperson_client.post(
        f"/tickets/{answered.pk}/reply/",
        {"text": "Settings → Contacts → Export, pick CSV.", "voice": "company"},
    )
    sent = answered.conversation.messages.get(direction="out")
    assert sent.text.startswith("Settings → Contacts → Export, pick CSV.\n\n")  # and the notice
    new = deliver("Can I export contacts to CSV somehow?", author_id="a4")
    assert new is not None

    page = spokesperson_client.get(f"/tickets/{new.pk}/").content.decode()

    answers = re.findall(r'<blockquote class="answer">(.*?)</blockquote>', page, re.DOTALL)
    assert answers == ["Settings → Contacts → Export, pick CSV."]


def test_an_agent_sees_only_answers_from_the_queues_they_work(
    deliver: Deliver, spokesperson_client: Client, django_user_model: Any
) -> None:
    answered = deliver("How do I export all my contacts as a CSV file?", author_id="a1")
    assert answered is not None
    spokesperson_client.post(
        f"/tickets/{answered.pk}/reply/",
        {"text": "Settings → Contacts → Export, pick CSV.", "voice": "company"},
    )
    new = deliver("Can I export contacts to CSV somehow?", author_id="a4")
    assert new is not None
    Ticket.objects.filter(pk=answered.pk).update(queue=Queue.objects.get(slug="sales"))
    agent = django_user_model.objects.create_user("agent-support")
    agent.groups.add(Group.objects.get(name="agent"))
    agent.desk_queues.add(new.queue)
    client = Client()
    client.force_login(agent)

    page = client.get(f"/tickets/{new.pk}/").content.decode()

    assert f"/tickets/{answered.pk}/" not in page
    assert "Settings → Contacts → Export, pick CSV." not in page
    assert client.get(f"/tickets/{answered.pk}/").status_code == 404
    # Who works the sales queue too still finds it.
    agent.desk_queues.add(Queue.objects.get(slug="sales"))
    assert f'href="/tickets/{answered.pk}/"' in client.get(f"/tickets/{new.pk}/").content.decode()


def test_a_contact_who_keeps_praising_us_is_suggested_and_confirmed_as_ambassador(
    deliver: Deliver, manager_client: Client
) -> None:
    praise = [
        "Huge thanks for the quick help yesterday!",
        "Loved the new templates, great work!",
        "Still the best tool we use, thank you team!",
    ]
    tickets = [deliver(text, author_id="fan") for text in praise]
    deliver("Huge thanks, you are great!", author_id="one-time-fan")

    assert suggest_ambassadors.delay().get() == 1
    badge = ContactBadge.objects.get(kind="ambassador")
    assert badge.status == ContactBadge.Status.SUGGESTED
    assert "3 positive messages" in manager_client.get("/desk/ambassadors/").content.decode()
    swedish = manager_client.get("/desk/ambassadors/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "3 positiva meddelanden, 0 negativa, inget brott mot netiketten" in swedish

    manager_client.post(f"/desk/ambassadors/{badge.pk}/", {"decision": "confirm"})

    page = manager_client.get(f"/tickets/{tickets[-1].pk}/").content.decode()  # type: ignore[union-attr]
    assert 'class="badge badge-ambassador"' in page
    german = manager_client.get(f"/tickets/{tickets[-1].pk}/", HTTP_ACCEPT_LANGUAGE="de")  # type: ignore[union-attr]
    assert (
        'title="3 positive Nachrichten, 0 negative, kein Netiquette-Verstoß"'
        in german.content.decode()
    )


def test_a_contact_who_broke_the_netiquette_is_not_suggested(deliver: Deliver) -> None:
    deliver("You are all idiots.", author_id="mixed")
    for text in ["Thanks, great help!", "Love it, thank you!", "Awesome, thanks again!"]:
        deliver(text, author_id="mixed")

    assert suggest_ambassadors.delay().get() == 0
    assert not ContactBadge.objects.exists()
