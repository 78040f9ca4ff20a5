from datetime import datetime

import time_machine
from django.test import Client

from tests.triage.conftest import MentionFactory
from tickets.models import Ticket


class Desk:
    """Builds tickets the way they happen (webhook mentions, replies, status changes), each
    at its own moment."""

    def __init__(self, mention: MentionFactory, client: Client) -> None:
        self.mention, self.client = mention, client
        self.authors: dict[int, str] = {}

    def new(self, when: datetime, text: str) -> Ticket:
        author = f"customer-{len(self.authors)}"
        with time_machine.travel(when, tick=False):
            ticket = self.mention(text, author_id=author)
        self.authors[ticket.pk] = author
        return ticket

    def reply(self, ticket: Ticket, when: datetime) -> None:
        with time_machine.travel(when, tick=False):
            response = self.client.post(
                f"/tickets/{ticket.pk}/reply/",
                # The same words on several tickets: sent anyway after the near-duplicate warning.
                {"text": "We are on it.", "voice": "company", "confirm_duplicate": "1"},
            )
        assert response.status_code == 302

    def customer_writes(self, ticket: Ticket, when: datetime) -> None:
        with time_machine.travel(when, tick=False):
            self.mention(
                "Any news?",
                author_id=self.authors[ticket.pk],
                parent_id=ticket.conversation.root_platform_id,
            )

    def status(self, ticket: Ticket, status: str, when: datetime) -> None:
        with time_machine.travel(when, tick=False):
            ticket.refresh_from_db()
            ticket.set_status(status)
