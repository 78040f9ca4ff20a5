"""Pages as a browser lays them out: nothing cut off, nothing squeezed apart."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from desk.models import Notification
from desk.triage.models import UserPreference
from tests.desk.sla_helpers import berlin
from tests.triage.conftest import MentionFactory
from tests.triage.test_browser import browser, make_user, open_page, reference_data

__all__ = ["browser", "open_page", "reference_data"]

CLIPPED_CELLS = """
cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText)
"""


@pytest.mark.parametrize("path", ["desk/rules/", "desk/classifier/", "desk/reply-templates/"])
def test_a_manager_reads_every_cell_of_the_management_tables_whole(
    open_page: Any, path: str
) -> None:
    make_user("mia", "manager")
    page = open_page("mia")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.goto(page.url + path)

    cells = page.eval_on_selector_all("main table td", CLIPPED_CELLS)
    assert page.locator("main table td").count() > 0
    assert cells == []


@pytest.mark.parametrize("language", ["en", "de", "fr", "pl", "sv"])
def test_the_ticket_facts_keep_each_time_on_one_line_on_a_laptop(
    open_page: Any, mention: MentionFactory, live_server: Any, language: str
) -> None:
    """The facts sit in a narrow side column; the longest label ("Première réponse attendue")
    once took most of it, and the SLA's due time broke inside its date ("09/12/202" / "6").
    The widest times have a two-digit hour and minutes ("12/10/2026 10:48 a.m. CET"): one
    such ran out of the column in English, while a time on the hour ("5 p.m.") fit."""
    with time_machine.travel(berlin(2026, 12, 7, 10, 48), tick=True):
        kim = make_user("kim", "agent")
        UserPreference.objects.create(user=kim, language=language, time_zone="Europe/Berlin")
        ticket = mention("Where is my parcel?")
        page = open_page("kim")
        page.set_viewport_size({"width": 1366, "height": 768})

        page.goto(f"{live_server.url}/tickets/{ticket.pk}/")

    times = page.eval_on_selector_all(
        "dl.facts time", "times => times.map(t => [t.innerText, t.getClientRects().length])"
    )
    assert len(times) >= 2  # the first response's due time and the SLA's
    assert [text for text, lines in times if lines != 1] == []
    assert page.eval_on_selector_all("dl.facts dd", CLIPPED_CELLS) == []


def test_each_notification_is_one_row_with_its_button_beside_it(open_page: Any) -> None:
    mia = make_user("mia", "manager")
    for n in range(5):
        Notification.objects.create(
            user=mia,
            kind="sla.breached",
            title=f"SLA breached: #{n} First response",
            body=f"Where is my parcel number {n}?\nDue 11/24/2026 5 p.m. CET.",
            dedupe_key=f"layout-{n}",
        )
    page = open_page("mia")
    page.set_viewport_size({"width": 1366, "height": 768})

    page.goto(page.url + "notifications/")

    entries = page.eval_on_selector_all(
        "li.notification",
        "items => items.map(li => { const what = li.querySelector('.what')"
        ".getBoundingClientRect(), button = li.querySelector('form').getBoundingClientRect();"
        " return [button.left >= what.right, button.top < what.bottom]; })",
    )
    assert entries == [[True, True]] * 5  # beside the text, not on a line of its own
