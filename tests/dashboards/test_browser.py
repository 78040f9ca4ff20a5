"""The dashboard in a real browser: Playwright driving Debian's Chromium against a live server."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client

from channels.models import Channel
from desk.sla.defaults import ensure_default_policy
from tests.conftest import mention_payload, post_json, signed_delivery, skip_or_fail
from tests.dashboards.helpers import rebuild
from tickets.models import Queue, Ticket

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        skip_or_fail(f"browser tests need Chromium at {CHROMIUM} (.ci/run installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("browser tests need the playwright package (the test extra)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # between browser steps are still plain synchronous calls.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


def summary_value(page: Any, figure: str) -> str:
    row = page.locator("#summary-table tbody tr", has=page.locator("th", has_text=figure))
    return row.first.locator("td").first.inner_text()


# A live server needs committed data, so the database is flushed afterwards. Naming the
# available apps makes that flush leave no post-migrate rows (content types) behind, which a
# later test with serialized rollback could not restore its own over.
@pytest.mark.django_db(
    transaction=True, available_apps=[app.name for app in django_apps.get_app_configs()]
)
def test_a_manager_filters_the_dashboard_and_follows_a_number_to_its_tickets(
    browser: Any, live_server: Any, api: Client, webhook_channel: Channel
) -> None:
    if not (Path(settings.BASE_DIR) / "node_modules" / "chart.js").exists():
        skip_or_fail("the charts need `npm ci` (make test runs it)")
    ensure_default_policy()
    for n in range(2):
        post_json(api, "/api/v1/inquiries/", {"text": f"Order {n}?", "author": {"name": "Ann"}})
    signed_delivery(Client(), webhook_channel, mention_payload("w1", "Hello"), delivery="d1")
    manager = User.objects.create_user("maria")
    manager.groups.add(*Group.objects.filter(name__in=["manager", "spokesperson"]))
    manager.desk_queues.add(*Queue.objects.all())
    staff = Client()
    staff.force_login(manager)
    first = Ticket.objects.order_by("id").first()
    assert first is not None
    answered = staff.post(f"/tickets/{first.pk}/reply/", {"text": "Done.", "voice": "company"})
    assert answered.status_code == 302, answered.content[:300]
    rebuild()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_cookies(
        [{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/dashboards/")
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length > 0")
    assert summary_value(page, "Tickets") == "3"
    assert summary_value(page, "First response met") == "1"
    # A day's count is a point on a straight line: a smoothed curve invents values between days.
    lines = page.evaluate(
        "() => Object.values(Chart.instances).filter(c => c.config.type === 'line')"
        ".flatMap(c => c.data.datasets.map(d => [d.tension, d.pointRadius]))"
    )
    assert lines and all(tension == 0 and radius > 0 for tension, radius in lines), lines

    page.select_option("#filter-channel", str(webhook_channel.pk))
    page.wait_for_url(f"**channel={webhook_channel.pk}**")
    assert summary_value(page, "Tickets") == "1"

    page.locator("#summary-table tbody tr", has_text="Tickets").first.locator("a").click()
    page.wait_for_url("**/dashboards/drilldown/**")
    assert page.locator("#drilldown-total").inner_text() == "1"
    assert page.locator("table.drilldown tbody tr").count() == 1
    assert errors == []
    context.close()
