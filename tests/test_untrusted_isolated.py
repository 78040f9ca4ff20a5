"""On every staff page, other people's words stand in their own isolated run.

A post, a name, a subject or a hashtag may carry right-to-left text or bidi controls: printed
bare in one of our sentences, it can turn the words around it backwards (a "gpj.exe" trick),
and in a block of its own it takes the page's direction instead of its own. Every page therefore
shows such text in `<bdi>` (the `untrusted` filters) or in an element with `dir="auto"`, or
between U+2068 and U+2069 where no element can go. Three subjects on the contact and
merge pages were printed bare; this finds the next. The pages and their rows are the
bounded-list test's, one row of each kind, read by a manager who is also a spokesperson.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.conftest import StaffClient
from tests.list_rows import Scene
from tests.test_bounded_lists import PAGES, person, scene
from tickets.models import Contact, Conversation, Identity, Message, Ticket

__all__ = ["scene"]

# The markers of rows whose text comes from outside: tickets' subjects, contacts' names and
# messages (T), further messages (M), monitored mentions (F), incidents' hashtags (I).
OUTSIDE_TEXT = re.compile(r"Row[TMFI]\d{4}")
# Text no element may hold (the tab's title, a list box's option) or that no one reads.
NOT_SHOWN_AS_TEXT = {"title", "option", "script", "style", "textarea"}
ISOLATE_OPEN, ISOLATE_CLOSE = "\u2068", "\u2069"


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class BareText(HTMLParser):
    """Collects the outside texts printed neither in an isolating element (`<bdi>`, or any
    element with a `dir` attribute, which HTML isolates alike) nor between isolates."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, bool]] = []  # (tag, whether it isolates or hides its text)
        self.bare: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            isolates = tag == "bdi" or any(name == "dir" for name, _value in attrs)
            self.open.append((tag, isolates or tag in NOT_SHOWN_AS_TEXT))

    def handle_endtag(self, tag: str) -> None:
        # Tolerant of elements closed implicitly (a <p> or <li> without its end tag).
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        if any(covered for _tag, covered in self.open):
            return
        for found in OUTSIDE_TEXT.finditer(data):
            opened = data.rfind(ISOLATE_OPEN, 0, found.start())
            if opened == -1 or ISOLATE_CLOSE in data[opened : found.start()]:
                self.bare.append(data.strip()[:80])


def test_no_staff_page_prints_someone_elses_words_bare(scene: Scene) -> None:
    paths = []
    for page in PAGES:
        if page.who != "api":
            page.rows(scene, 1)
            paths.append(page.path(scene))
    # The scene's own ticket, contact and account speak in markers too (its pages are the
    # ticket's and the contact's).
    ticket = scene.ticket
    Contact.objects.filter(pk=ticket.contact_id).update(
        display_name="RowT9000", primary_email="RowT9001@example.org"
    )
    Identity.objects.filter(contact_id=ticket.contact_id).update(
        display_name="RowT9002", handle="@RowT9003", email="RowT9004@example.org"
    )
    Ticket.objects.filter(pk=ticket.pk).update(subject="RowT9005")
    Conversation.objects.filter(pk=ticket.conversation_id).update(subject="RowT9006")
    Message.objects.filter(conversation_id=ticket.conversation_id).update(text="RowT9007 text")
    reader = person("reader", "manager", is_staff=True)
    reader.groups.add(*scene.agent.groups.all())
    client = StaffClient()
    client.force_login(reader)

    shown, bare = 0, {}
    for path in dict.fromkeys(paths):
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        shown += len(OUTSIDE_TEXT.findall(body))
        parser = BareText()
        parser.feed(body)
        if parser.bare:
            bare[path] = parser.bare

    assert shown >= 20  # the rows were on the pages
    assert bare == {}, "\n".join(f"{p}: {t}" for p, t in bare.items())
