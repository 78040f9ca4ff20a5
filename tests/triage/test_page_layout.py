"""The management pages' tables as a browser lays them out: nothing cut off."""

from __future__ import annotations

from typing import Any

import pytest

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
