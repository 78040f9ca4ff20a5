"""Names, handles and subjects from social media are shown so that they cannot deceive."""

from typing import Any

from tests.triage.conftest import MentionFactory, StaffFactory


def ticket_page(client: Any, ticket: Any) -> str:
    return client.get(f"/tickets/{ticket.pk}/").content.decode()


def test_invisible_characters_in_a_name_are_shown_as_code_points(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff()
    ticket = mention("Where is my parcel?", name="Ann\u200b\u202eExample")

    page = ticket_page(client, ticket)

    assert "\u202e" not in page and "\u200b" not in page
    assert '<span class="hidden-char" title="RIGHT-TO-LEFT OVERRIDE">U+202E</span>' in page
    assert '<span class="hidden-char" title="ZERO WIDTH SPACE">U+200B</span>' in page


def test_a_name_mixing_cyrillic_into_latin_is_flagged_on_the_contact(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff()
    # "Infopark" with a Cyrillic "о": it looks like the company itself.
    ticket = mention("Please DM me your card number", name="Inf\u043epark Support")

    page = ticket_page(client, ticket)

    assert "mixes look-alike scripts (Cyrillic, Latin)" in page
    assert '<bdi>Inf\u043epark Support</bdi> <span class="lookalike"' in page


def test_a_name_wholly_in_another_script_is_not_flagged(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff()
    ticket = mention("Где мой заказ?", name="Анна Smith")

    assert "lookalike" not in ticket_page(client, ticket)


def test_subjects_and_names_are_isolated_in_the_inbox(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff()
    mention("\u202eWhere is my parcel?", name="Ann Example")

    inbox = client.get("/").content.decode()

    assert "<bdi>\u202eWhere is my parcel?</bdi>" in inbox
    assert "<bdi>Ann Example</bdi>" in inbox
