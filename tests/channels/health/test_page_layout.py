"""The channels page as a browser lays it out: every column on a laptop screen."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from channels.models import Channel
from channels.services import create_channel
from tests.triage.test_browser import browser, make_user, open_page, reference_data

__all__ = ["browser", "open_page", "reference_data"]


def test_a_long_webhook_address_leaves_every_column_on_a_laptop_screen(open_page: Any) -> None:
    make_user("ada", "admin")
    feed = "https://blog.example.org/" + "comments-" * 12 + "feed/"
    for kind, values in (
        ("webhook", {"secret": "s" * 20}),
        ("webform", {}),
        ("feed", {"url": feed}),
    ):
        channel = create_channel(kind=kind, name=f"Demo {kind}", values=values)
        Channel.objects.filter(pk=channel.pk).update(last_success_at=timezone.now())
    page = open_page("ada")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.context.set_extra_http_headers({"Accept-Language": "de"})

    page.goto(page.url + "channels/")

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    last_column = page.eval_on_selector("table.channels th:last-child", "th => th.innerText")
    assert last_column == "Prüfungen"
    # The last success in the reader's date format, as every other page gives it.
    assert page.locator("table.channels tbody tr td:nth-child(4) time").first.inner_text()[2] == "."
