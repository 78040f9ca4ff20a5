import re

import time_machine

from tests.desk.sla_helpers import berlin
from tests.triage.conftest import MentionFactory, StaffFactory
from tickets.models import Queue


def test_the_conversation_view_shows_thread_profile_history_and_audit(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    earlier = mention("First question", author_id="ann-1", name="Ann Example")
    ticket = mention(
        "Second question", author_id="ann-1", name="Ann Example", url="https://social.example/p/2"
    )
    _user, client = staff()
    client.post(f"/tickets/{ticket.pk}/note/", {"text": "VIP customer"})

    page = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "Second question" in page
    assert 'href="https://social.example/p/2"' in page
    assert "@ann" in page  # the identity on the channel
    assert f'href="/tickets/{earlier.pk}/"' in page  # a past conversation
    assert "VIP customer" in page
    assert "Audit trail" in page
    # The notice as recorded: these channels show it in their profile (tests/triage/conftest).
    assert 'data-retention="given"' in page and "Shown in the channel profile" in page


def test_a_script_link_from_a_platform_is_not_rendered_as_a_link(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    ticket = mention("hello", url="javascript:alert(1)")
    _user, client = staff()

    page = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "javascript:alert(1)" not in page


def test_the_sla_badge_shows_the_business_time_left(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    with time_machine.travel(berlin(2026, 11, 20, 16), tick=False):  # a Friday
        ticket = mention("hello")
    _user, client = staff()

    with time_machine.travel(berlin(2026, 11, 21, 12), tick=False):  # Saturday
        page = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert 'data-sla-state="on_track"' in page
    # Friday 16:00-17:00 was one business hour of 24; the weekend counts nothing.
    assert "23 business h left" in page

    with time_machine.travel(berlin(2026, 11, 21, 12), tick=False):
        german = client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    # The due time reads alike in the header and in the ticket's facts: the reader's format.
    assert "25.11.2026 16:00 CET" in german
    assert "2026-11-25" not in german.replace('datetime="2026-11-25', "")


def test_untrusted_text_is_escaped_everywhere(staff: StaffFactory, mention: MentionFactory) -> None:
    evil = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    ticket = mention(evil, name=evil)
    _user, client = staff()

    for url in ("/", f"/tickets/{ticket.pk}/", f"/?q={evil}"):
        page = client.get(url).content.decode()
        assert "<img src=x" not in page
        assert "<script>alert(2)" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_two_people_on_one_ticket_see_each_other(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _ann, ann = staff(name="ann")
    _bob, bob = staff(name="bob")
    ticket = mention("hello")
    ann.get(f"/tickets/{ticket.pk}/")

    page = bob.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "Also on this ticket:" in page and "<strong>ann</strong>" in page

    fragment = ann.post(f"/tickets/{ticket.pk}/presence/", {"composing": "1"}).content.decode()
    assert "<strong>bob</strong>" in fragment
    fragment = bob.post(f"/tickets/{ticket.pk}/presence/").content.decode()
    assert "writing a reply" in fragment


def test_the_presence_poll_tells_of_new_messages(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _ann, ann = staff()
    ticket = mention("hello", private=True)
    seen = ann.get(f"/tickets/{ticket.pk}/").context["seen_message_id"]
    ann.post(f"/tickets/{ticket.pk}/reply/", {"text": "Hi", "voice": "company"})

    fragment = ann.post(
        f"/tickets/{ticket.pk}/presence/", {"seen_message_id": seen}
    ).content.decode()

    assert "1 new message since you opened this ticket" in fragment


def test_the_audit_trail_is_worded_in_the_reader_s_language(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff(queues=("inbound", "technical", "sales"))
    ticket = mention("lol, whatever, meh")
    sales = Queue.objects.get(slug="sales")
    bulk = {"ids": [ticket.pk]}
    client.post("/inbox/bulk/", {**bulk, "action": "priority", "priority_value": "3"})
    client.post("/inbox/bulk/", {**bulk, "action": "move", "move_value": str(sales.pk)})
    client.post("/inbox/bulk/", {**bulk, "action": "netiquette"})

    page = client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    trail = re.sub(r"<[^>]+>", "", page[page.index('id="audit-title"') :])

    assert f"erstellt → {ticket.queue.name}" in trail  # the queue's name, not its slug
    assert "Priorität Normal → Hoch" in trail
    assert f"in Warteschlange verschoben {ticket.queue.name} → {sales.name}" in trail
    assert "Status Neu → Netiquette-Verstoß · Netiquette-Verstoß: keine Antwort" in trail


def test_the_facts_tell_when_the_first_response_was_given_once_it_was(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    with time_machine.travel(berlin(2026, 11, 23, 10), tick=False):  # a Monday
        ticket = mention("Where is my parcel?")
    _user, client = staff("spokesperson")

    with time_machine.travel(berlin(2026, 11, 23, 11), tick=False):
        waiting = client.get(f"/tickets/{ticket.pk}/").content.decode()
        client.post(f"/tickets/{ticket.pk}/reply/", {"text": "On its way.", "voice": "company"})
        answered = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "<dt>First response due</dt><dd><time" in waiting
    # Once answered, a due time would read as a debt still open.
    assert "First response due" not in answered
    given = r"<dt>First response</dt><dd>given <time[^>]*>11/23/2026 11 a\.m\.</time>"
    assert re.search(given, answered)


def test_a_first_response_given_after_its_due_time_is_shown_late(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    with time_machine.travel(berlin(2026, 11, 23, 10), tick=False):  # due Thursday 10:00
        ticket = mention("Where is my parcel?")
    _user, client = staff("spokesperson")

    with time_machine.travel(berlin(2026, 11, 27, 10), tick=False):  # Friday
        client.post(f"/tickets/{ticket.pk}/reply/", {"text": "On its way.", "voice": "company"})
        page = client.get(f"/tickets/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert re.search(
        r"<dt>Erste Antwort</dt><dd>gegeben <time[^>]*>27\.11\.2026 10:00</time> · "
        r'<span class="sla-breached">verspätet</span>',
        page,
    )


def test_a_manager_holds_a_conversation_from_its_ticket_page_and_it_no_longer_promises_deletion(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _manager, boss = staff("manager")
    _agent, agent = staff("agent")
    ticket = mention("I will sue you", name="Bo Critic")
    page = f"/tickets/{ticket.pk}/"
    before = agent.get(page).content.decode()
    assert "then anonymized" in before and "until" in before
    assert "Place a legal hold" not in before

    placed = boss.post(
        "/privacy/holds/",
        {"target": f"conversation:{ticket.conversation_id}", "reason": "Case 4711", "next": page},
        follow=True,
    )

    assert placed.redirect_chain[-1][0] == page
    assert "Legal hold placed." in placed.content.decode()
    held = agent.get(page).content.decode()
    assert "This conversation" in held and "<bdi>Case 4711</bdi>" in held
    assert "neither the retention period nor an erasure request deletes" in held
    # The date retention would have deleted it on is no longer promised.
    assert "(until" not in held
    assert "/release/" not in held
    [release] = re.findall(
        r'action="(/privacy/holds/\d+/release/)"', boss.get(page).content.decode()
    )

    released = boss.post(release, {"next": page}, follow=True)

    assert released.redirect_chain[-1][0] == page
    assert "Case 4711" not in agent.get(page).content.decode()


def test_a_hold_on_the_person_shows_on_each_of_their_tickets(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _manager, boss = staff("manager")
    ticket = mention("I will sue you", name="Bo Critic")
    boss.post("/privacy/holds/", {"target": f"contact:{ticket.contact_id}", "reason": "Case 9"})

    page = boss.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "Everything of this person" in page and "<bdi>Case 9</bdi>" in page


def test_a_held_conversation_links_to_its_ticket_from_the_holds_and_contact_pages(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _manager, boss = staff("manager")
    ticket = mention("I will sue you", name="Bo Critic")
    boss.post(
        "/privacy/holds/", {"target": f"conversation:{ticket.conversation_id}", "reason": "x"}
    )

    for page in ("/privacy/holds/", f"/contacts/{ticket.contact_id}/"):
        assert f'href="/tickets/{ticket.pk}/"' in boss.get(page).content.decode(), page


def test_the_ticket_names_the_language_of_the_mention(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    ticket = mention("¿Por qué no funciona la aplicación desde la actualización de ayer?")
    _user, client = staff()

    page = client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "<dt>Language</dt><dd>español (es)</dd>" in page
    assert "Language: español (es) · Sentiment" in page  # why it was routed so
