"""One profile per person: the contact page, duplicates, merging and splitting back."""

import html

from desk.privacy.models import AuditEntry, LegalHold
from desk.triage.models import ContactMerge
from tests.triage.conftest import MentionFactory, StaffFactory
from tickets.models import Contact, Identity, Ticket, TicketEvent
from tickets.services import add_note


def two_records_of_ann(mention: MentionFactory) -> tuple[Ticket, Ticket]:
    """Ann wrote on X and through the partner webhook, with her Instagram profile: two contact
    records, as ingestion makes them."""
    on_x = mention("Where is my parcel?", name="Ann Example", author_id="x-ann")
    on_instagram = mention("Still no parcel", name="Ann Example", author_id="ig-ann")
    Identity.objects.filter(contact=on_x.contact).update(
        kind="x", profile_url="https://x.com/ann_ex"
    )
    Identity.objects.filter(contact=on_instagram.contact).update(
        profile_url="https://www.instagram.com/ann_ex/"
    )
    assert on_x.contact_id != on_instagram.contact_id
    return on_x, on_instagram


def test_the_contact_page_shows_accounts_tickets_notes_and_sentiment(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    user, client = staff("agent")
    ticket = mention("Your service is awful", name="Bo Critic", sentiment="negative")
    add_note(ticket=ticket, author=user, text="Called him back on Monday")

    response = client.get(f"/contacts/{ticket.contact_id}/")

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Bo Critic" in page and "@bo critic" in page
    assert f"#{ticket.pk}" in page
    assert "Called him back on Monday" in page
    assert response.context["profile"].sentiment[0].counts == {"negative": 1}
    assert AuditEntry.objects.filter(action="contact.viewed").exists()


def test_accounts_are_named_by_their_platform_in_the_reader_s_language(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _, client = staff("agent")
    on_x, _ = two_records_of_ann(mention)
    Identity.objects.filter(contact=on_x.contact).update(kind="email")
    Identity.objects.create(contact=on_x.contact, kind="x", external_id="x-ann-2", handle="ann")

    page = client.get(f"/contacts/{on_x.contact_id}/", HTTP_ACCEPT_LANGUAGE="de").content
    accounts = page.decode().split('class="channel-kind')[1:]

    assert {account.split(">")[1].split("<")[0] for account in accounts} == {
        "E-Mail",
        "X (Twitter)",
    }


def test_the_ticket_page_links_to_the_contact(staff: StaffFactory, mention: MentionFactory) -> None:
    _user, client = staff("agent")
    ticket = mention()

    assert (
        f'href="/contacts/{ticket.contact_id}/"'
        in client.get(f"/tickets/{ticket.pk}/").content.decode()
    )


def test_a_contact_outside_your_queues_is_not_found(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff("agent", queues=("technical",))
    ticket = mention()  # lands in the inbound queue

    assert client.get(f"/contacts/{ticket.contact_id}/").status_code == 404


def test_the_same_name_and_account_name_on_two_channels_is_suggested(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff("agent")
    on_x, on_instagram = two_records_of_ann(mention)
    mention("Unrelated", name="Ann Example", author_id="other-ann")

    suggested = client.get(f"/contacts/{on_x.contact_id}/").context["profile"].duplicates
    listed = client.get("/contacts/").context["suggestions"]

    assert [d.contact.pk for d in suggested] == [on_instagram.contact_id]
    assert {frozenset((a.pk, d.contact.pk)) for a, d in listed} == {
        frozenset((on_x.contact_id, on_instagram.contact_id))
    }


def test_the_same_email_address_is_suggested(staff: StaffFactory, mention: MentionFactory) -> None:
    _user, client = staff("agent")
    first = mention(name="Cy One", author_id="a1")
    second = mention(name="Cyrus", author_id="a2")
    Identity.objects.filter(contact=first.contact).update(email="cy@example.org")
    Contact.objects.filter(pk=second.contact_id).update(primary_email="CY@example.org")

    suggested = client.get(f"/contacts/{first.contact_id}/").context["profile"].duplicates

    assert [(d.contact.pk, d.reason) for d in suggested] == [
        (second.contact_id, "same e-mail address")
    ]


def test_the_merge_preview_shows_what_moves_and_changes_nothing(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff("agent")
    on_x, on_instagram = two_records_of_ann(mention)

    response = client.get(f"/contacts/{on_x.contact_id}/merge/", {"other": on_instagram.contact_id})

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 account" in page and "1 ticket" in page and f"#{on_instagram.pk}" in page
    assert Ticket.objects.get(pk=on_instagram.pk).contact_id == on_instagram.contact_id


def test_merging_moves_accounts_and_tickets_and_is_audited(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    user, client = staff("agent")
    on_x, on_instagram = two_records_of_ann(mention)
    kept, absorbed = on_x.contact_id, on_instagram.contact_id

    response = client.post(f"/contacts/{kept}/merge/", {"other": absorbed})

    assert response.status_code == 302
    assert set(Identity.objects.filter(contact_id=kept).values_list("kind", flat=True)) == {
        "x",
        "webhook",
    }
    assert Ticket.objects.get(pk=on_instagram.pk).contact_id == kept
    assert TicketEvent.objects.filter(ticket=on_instagram, kind="contact", actor=user).exists()
    assert AuditEntry.objects.filter(action="contact.merged", target_id=str(kept)).exists()
    assert client.get(f"/contacts/{absorbed}/")["Location"] == f"/contacts/{kept}/"
    assert client.get(f"/contacts/{kept}/").context["profile"].duplicates == []


def test_splitting_back_returns_the_accounts_with_what_came_through_them(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff("agent")
    on_x, on_instagram = two_records_of_ann(mention)
    kept, absorbed = on_x.contact_id, on_instagram.contact_id
    client.post(f"/contacts/{kept}/merge/", {"other": absorbed})
    # Ann writes again through the webhook while the records are merged.
    later = mention("Any news?", name="Ann Example", author_id="ig-ann")
    assert later.contact_id == kept
    merge = ContactMerge.objects.get()

    response = client.post(f"/contacts/merges/{merge.pk}/split/")

    assert response.status_code == 302
    assert Ticket.objects.get(pk=on_instagram.pk).contact_id == absorbed
    assert Ticket.objects.get(pk=later.pk).contact_id == absorbed
    assert Ticket.objects.get(pk=on_x.pk).contact_id == kept
    assert list(Identity.objects.filter(contact_id=absorbed).values_list("kind", flat=True)) == [
        "webhook"
    ]
    assert AuditEntry.objects.filter(action="contact.split", target_id=str(absorbed)).exists()
    # Split apart is a decision: not suggested as duplicates again.
    assert client.get(f"/contacts/{kept}/").context["profile"].duplicates == []


def test_a_contact_cannot_be_merged_with_itself(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff("agent")
    ticket = mention()

    response = client.post(
        f"/contacts/{ticket.contact_id}/merge/", {"other": ticket.contact_id}, follow=True
    )

    assert "A contact cannot be merged with itself." in html.unescape(response.content.decode())
    assert not ContactMerge.objects.exists()


def test_contacts_are_found_by_name_handle_or_address(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff("agent")
    ticket = mention(name="Dana Finder")
    mention(name="Someone Else")

    found = client.get("/contacts/", {"q": "dana"}).context["contacts"]

    assert [c.pk for c in found] == [ticket.contact_id]


def test_an_account_is_seen_from_its_first_post_to_its_latest(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    """The dates are the posts' own: a mention fetched days later (a poll catching up, a
    platform's retry) does not make someone new, and a returning writer is seen again."""
    _user, client = staff("agent")
    first = mention("Where is my parcel?", author_id="ann", created_at="2026-03-02T10:00:00+00:00")
    mention("Still no parcel", author_id="ann", created_at="2026-03-09T10:00:00+00:00")

    page = html.unescape(client.get(f"/contacts/{first.contact_id}/").content.decode())

    assert "first seen 03/02/2026" in page
    assert "seen 03/02/2026 – 03/09/2026" in page


def test_a_manager_places_a_legal_hold_from_the_contact_page_and_everyone_sees_it(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    manager, boss = staff("manager")
    _agent, agent = staff("agent")
    ticket = mention("I will sue you", name="Bo Critic")
    page = f"/contacts/{ticket.contact_id}/"
    assert "Place a legal hold" not in agent.get(page).content.decode()
    assert "the retention period and erasure requests apply" in boss.get(page).content.decode()

    placed = boss.post(
        "/privacy/holds/",
        {"target": f"contact:{ticket.contact_id}", "reason": "Case 4711", "next": page},
        follow=True,
    )

    assert placed.redirect_chain[-1][0] == page
    shown = placed.content.decode()
    assert "Legal hold placed." in shown and "<bdi>Case 4711</bdi>" in shown
    seen_by_agent = agent.get(page).content.decode()
    assert "Everything of this person" in seen_by_agent and "Case 4711" in seen_by_agent
    assert "neither the retention period nor an erasure request deletes" in seen_by_agent
    assert "privacy-hold-release" not in seen_by_agent and "/release/" not in seen_by_agent
    # The audit log names the hold the same way in every language, with its reason.
    placed_entry = AuditEntry.objects.get(action="hold.placed")
    assert placed_entry.summary == f"contact:{ticket.contact_id} · Case 4711"

    [hold] = LegalHold.objects.filter(contact_id=ticket.contact_id)
    released = boss.post(f"/privacy/holds/{hold.pk}/release/", {"next": page}, follow=True)
    assert released.redirect_chain[-1][0] == page
    assert "Legal hold released." in released.content.decode()
    assert "Case 4711" not in agent.get(page).content.decode()
    # A page elsewhere is not somewhere to go back to.
    elsewhere = boss.post(
        "/privacy/holds/",
        {"target": f"contact:{ticket.contact_id}", "reason": "x", "next": "https://evil.example/"},
    )
    assert elsewhere["Location"] == "/privacy/holds/"


def test_a_hold_without_a_reason_is_refused_in_the_reader_s_language(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _manager, boss = staff("manager")
    ticket = mention("I will sue you", name="Bo Critic")
    boss.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})

    page = f"/contacts/{ticket.contact_id}/"
    refused = boss.post(
        "/privacy/holds/",
        {"target": f"contact:{ticket.contact_id}", "reason": " ", "next": page},
    )

    assert refused.status_code == 400
    shown = refused.content.decode()
    assert "warum die Daten aufbewahrt werden müssen" in shown
    # What was typed stays, and the way back leads to the page the form was on.
    assert f'value="contact:{ticket.contact_id}"' in shown
    assert f'href="{page}"' in shown
    assert not LegalHold.objects.exists()
    unknown = boss.post("/privacy/holds/", {"target": "contact:999999", "reason": "Case 1"})
    assert unknown.status_code == 400 and 'value="Case 1"' in unknown.content.decode()


def test_the_audit_log_counts_a_merge_and_its_split_in_the_manager_s_language(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff("agent")
    on_x, on_instagram = two_records_of_ann(mention)
    kept, absorbed = on_x.contact_id, on_instagram.contact_id
    client.post(f"/contacts/{kept}/merge/", {"other": absorbed})
    client.post(f"/contacts/merges/{ContactMerge.objects.get().pk}/split/")
    _manager, manager_client = staff("manager")
    manager_client.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})

    page = manager_client.get("/privacy/audit/", {"action": "contact."}).content.decode()

    merged = f"contact:{absorbed} → contact:{kept}</bdi> · Tickets: 1, Unterhaltungen: 1"
    assert merged + ", Konten: 1, Rechtliche Aufbewahrungspflichten: 0" in page
    split = f"contact:{kept} → contact:{absorbed}</bdi> · Tickets: 1, Unterhaltungen: 1"
    assert split + ", Konten: 1</td>" in page
    assert "merged into" not in page and "identities" not in page
