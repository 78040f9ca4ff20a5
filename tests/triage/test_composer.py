import re
from typing import Any

from django.test import Client

from desk.outbound.models import ConfidentialTerm, ReplyApproval
from desk.triage.models import CannedReply
from tests.conftest import post_json
from tests.triage.conftest import MentionFactory, StaffFactory
from tickets.models import Message, Ticket


def reply(client: Any, ticket: Ticket, text: str, voice: str = "company", **extra: Any) -> Any:
    return client.post(f"/tickets/{ticket.pk}/reply/", {"text": text, "voice": voice, **extra})


def sent() -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.OUTBOUND).order_by("id"))


def test_the_voice_must_be_chosen(staff: StaffFactory, mention: MentionFactory) -> None:
    _user, client = staff()
    ticket = mention("hello", private=True)

    response = client.post(f"/tickets/{ticket.pk}/reply/", {"text": "Hi!"})

    assert response.status_code == 400
    assert "Choose the voice" in response.content.decode()
    assert sent() == []


def test_an_agent_replies_in_the_company_voice_on_a_private_channel(
    staff: StaffFactory, api: Client, django_capture_on_commit_callbacks: Any
) -> None:
    user, client = staff()
    post_json(api, "/api/v1/inquiries/", {"text": "Where is my order?", "author": {"name": "Ann"}})
    ticket = Ticket.objects.get()  # a REST inquiry: a private channel that sends replies

    with django_capture_on_commit_callbacks(execute=True):
        response = reply(client, ticket, "It ships today.")

    assert response.status_code == 302
    [message] = sent()
    assert (message.text, message.voice, message.sent_by) == ("It ships today.", "company", user)
    assert message.delivery_state == Message.Delivery.SENT
    assert ticket.events.get(kind="reply").note == "in the company's voice"
    assert "Delivery: Sent" in client.get(f"/tickets/{ticket.pk}/").content.decode()


def test_a_personal_reply_carries_the_employee_disclosure(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff()
    ticket = mention("What do you folks think of the new release?")

    reply(client, ticket, "I like it a lot, personally.", voice="personal")

    [message] = sent()
    assert message.text == "I like it a lot, personally. #MyEmployer"
    assert message.voice == "personal"


def test_an_agents_company_voice_reply_on_a_public_channel_goes_to_approval(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    agent, client = staff()
    ticket = mention("Do you ship to Austria?")

    response = client.post(
        f"/tickets/{ticket.pk}/reply/", {"text": "Yes, we do.", "voice": "company"}, follow=True
    )

    assert "Not sent" in response.content.decode()
    assert sent() == []
    approval = ReplyApproval.objects.get()
    assert (approval.drafted_by, approval.text, approval.state) == (agent, "Yes, we do.", "pending")
    assert ticket.events.filter(kind="approval_requested").exists()


def test_an_agents_personal_reply_to_a_negative_public_post_goes_to_approval(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _agent, client = staff()
    ticket = mention("Worst service ever", sentiment="negative")

    reply(client, ticket, "Sorry to hear that.", voice="personal")

    assert sent() == []
    assert ReplyApproval.objects.get().reason == "Only spokespeople answer negative public posts."


def test_a_spokesperson_answers_a_negative_public_post_directly(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff("spokesperson")
    ticket = mention("Worst service ever", sentiment="negative")

    reply(client, ticket, "We are sorry. We will fix it today.")

    assert [m.text for m in sent()] == ["We are sorry. We will fix it today."]
    assert not ReplyApproval.objects.exists()


def test_a_spokesperson_approves_an_agents_draft_and_it_is_sent(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    agent, agent_client = staff()
    spokesperson, speaker = staff("spokesperson")
    ticket = mention("Worst service ever", sentiment="negative")
    reply(agent_client, ticket, "Sorry, we are on it.")
    approval = ReplyApproval.objects.get()
    assert "Sorry, we are on it." in speaker.get("/approvals/").content.decode()

    speaker.post(
        f"/approvals/{approval.pk}/",
        {"decision": "approve", "text": "We are sorry, and we are on it."},
    )

    [message] = sent()
    assert (message.text, message.sent_by) == ("We are sorry, and we are on it.", agent)
    approval.refresh_from_db()
    assert (approval.state, approval.decided_by, approval.message) == (
        "approved",
        spokesperson,
        message,
    )
    assert ticket.events.get(kind="approval_granted").actor == spokesperson
    page = speaker.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f"<strong>approved</strong> ({spokesperson.username})" in page  # the trail says who
    assert speaker.post(f"/approvals/{approval.pk}/", {"decision": "approve"}).status_code == 302
    assert len(sent()) == 1


def test_a_rejected_draft_is_not_sent(staff: StaffFactory, mention: MentionFactory) -> None:
    _agent, agent_client = staff()
    _spokesperson, speaker = staff("spokesperson")
    ticket = mention("Worst service ever", sentiment="negative")
    reply(agent_client, ticket, "lol")
    approval = ReplyApproval.objects.get()

    speaker.post(f"/approvals/{approval.pk}/", {"decision": "reject", "note": "tone"})

    approval.refresh_from_db()
    assert (approval.state, approval.decision_note) == ("rejected", "tone")
    assert sent() == []


def test_a_confidential_term_blocks_the_send_and_is_highlighted(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    ConfidentialTerm.objects.create(term="Project Falcon")
    _user, client = staff()
    ticket = mention("What's next?", private=True)

    response = reply(client, ticket, "Wait for <b>project falcon</b> next month!")

    page = response.content.decode()
    assert response.status_code == 400
    assert "<mark>project falcon</mark>" in page
    assert "&lt;b&gt;" in page
    assert sent() == []


def test_a_confidential_term_inside_another_word_does_not_block(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    ConfidentialTerm.objects.create(term="merger")
    _user, client = staff()
    ticket = mention("hello", private=True)

    reply(client, ticket, "Our emergers programme is public.")

    assert len(sent()) == 1


def test_a_near_duplicate_of_a_public_reply_this_week_asks_for_confirmation(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff("spokesperson")
    first, second = mention("Outage?"), mention("Is it down?")
    text = "We know about the outage and are working on it. Updates on our status page."
    reply(client, first, text)

    warned = reply(client, second, text + " Thanks!")

    assert warned.status_code == 409
    assert "not be copy-paste" in warned.content.decode()
    assert len(sent()) == 1
    confirmed = reply(client, second, text + " Thanks!", confirm_duplicate="on")
    assert confirmed.status_code == 302
    assert len(sent()) == 2


def test_a_reply_by_someone_else_meanwhile_asks_for_confirmation(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _first, first_client = staff()
    _second, second_client = staff()
    ticket = mention("Where is my order?", private=True)
    seen = first_client.get(f"/tickets/{ticket.pk}/").context["seen_message_id"]
    reply(second_client, ticket, "It ships today.")

    response = reply(first_client, ticket, "Tomorrow.", seen_message_id=seen)

    assert response.status_code == 409
    assert "replied meanwhile" in response.content.decode()
    assert len(sent()) == 1
    reply(first_client, ticket, "Tomorrow.", seen_message_id=seen, confirm_collision="on")
    assert len(sent()) == 2


def test_a_holding_reply_stops_the_first_response_clock_and_starts_the_follow_up(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff()
    ticket = mention("Complicated question", private=True)

    reply(client, ticket, "We are on it and come back to you.", holding="on")

    ticket.refresh_from_db()
    assert ticket.first_responded_at is not None
    assert ticket.status == Ticket.Status.OPEN
    assert sent()[0].is_holding_reply
    assert ticket.follow_up_due_at is not None
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-sla-state="on_track"' in page
    assert "Follow-up" in page


def test_canned_replies_are_offered_with_placeholders_filled(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    CannedReply.objects.create(title="Hello", text="Hi {first_name}, {agent} here about {ticket}.")
    _user, client = staff(name="maria")
    ticket = mention("hello", name="Ann <Example>")

    page = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert f'data-text="Hi Ann, maria here about #{ticket.pk}."' in page


def test_a_ticket_is_offered_the_canned_replies_in_its_language_and_those_without_one(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    CannedReply.objects.create(title="Merci", text="Merci {first_name}.", language="fr")
    CannedReply.objects.create(title="Thanks", text="Thanks {first_name}.", language="en")
    CannedReply.objects.create(title="Signature", text="– {agent}")
    _user, client = staff()
    french = mention("Bonjour, mon application ne fonctionne pas depuis hier.")
    assert french.language == "fr"

    page = client.get(f"/tickets/{french.pk}/").content.decode()

    offered = re.findall(r'<option value="\d+" data-text="[^"]*">([^<]+)</option>', page)
    assert offered == ["Merci", "Signature"]


def test_the_composer_knows_the_platform_length_limit(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff()
    ticket = mention("hello", private=True)

    page = client.get(f"/tickets/{ticket.pk}/").content.decode()

    # The generic webhook has no platform limit; the counter then counts without one.
    assert 'data-max-length=""' in page
    assert "0 characters" in page


def test_a_reply_of_only_whitespace_and_invisible_characters_is_refused(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff()
    ticket = mention("hello", private=True)

    response = reply(client, ticket, " \n\t \u200b ")

    assert response.status_code == 400
    assert "only spaces or invisible characters" in response.content.decode()
    assert sent() == []


def test_why_a_draft_waits_is_kept_in_english_and_read_in_each_reader_s_language(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _agent, agent_client = staff()
    _spokesperson, speaker = staff("spokesperson")
    agent_client.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})
    ticket = mention("Worst service ever", sentiment="negative")

    agent_client.post(
        f"/tickets/{ticket.pk}/reply/", {"text": "Sorry.", "voice": "company", "seen_message_id": 0}
    )

    approval = ReplyApproval.objects.get()
    assert approval.reason == "Only spokespeople answer negative public posts."
    french = speaker.get("/approvals/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Seuls les porte-parole répondent aux messages publics négatifs." in french
    german = agent_client.get(f"/tickets/{ticket.pk}/").content.decode()
    waiting, trail = german.split('id="audit-title"')
    why = "Nur Sprecherinnen und Sprecher beantworten negative öffentliche Beiträge."
    assert why in waiting.split('class="message draft"')[1]  # beside the waiting draft
    assert why in trail
