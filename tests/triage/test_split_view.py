"""The split view in a real browser: a keyboard-only triage session without a page load, the
view in German, merging two contacts and splitting them back, and an accessibility scan."""

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from desk.triage.models import UserPreference
from tests.conftest import post_json
from tests.triage.conftest import MentionFactory
from tests.triage.test_browser import browser, make_user, open_page, reference_data
from tickets.models import Contact, Identity, Message, Ticket

__all__ = ["browser", "open_page", "reference_data"]  # fixtures shared with test_browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(autouse=True)
def quick_undo(settings: Any) -> None:
    settings.DESK_UNDO_SECONDS = 0.8


def watch_loads(page: Any) -> list[str]:
    """Full page loads from now on (a swap or history.replaceState is not one)."""
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.evaluate("window.__sameDocument = true")
    return loads


def still_same_document(page: Any) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical findings of axe-core, run in the page (CDP evaluation: no CSP)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run npm ci")
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    outcome = page.evaluate(
        "async () => { const r = await axe.run(document);"
        " return {violations: r.violations, passes: r.passes.length}; }"
    )
    assert outcome["passes"] > 10, "axe-core did not check the page"
    results = outcome["violations"]
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in results
        if v["impact"] in ("serious", "critical")
    ]


def row(page: Any, ticket: Ticket) -> Any:
    return page.locator(f"#row-{ticket.pk}")


def test_a_whole_triage_session_by_keyboard_without_a_page_load(
    open_page: Any, api: Client, live_server: Any
) -> None:
    make_user("kim", "agent")
    for text in ("Where is my order 4711?", "Invoice is wrong", "Login fails", "Parcel damaged"):
        post_json(api, "/api/v1/inquiries/", {"text": text, "author": {"name": "Ann"}})
    first, second, third, fourth = Ticket.objects.order_by("pk")
    page = open_page("kim")
    loads = watch_loads(page)

    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("Escape")

    # Move and open: the list is sorted by due time, the oldest first.
    page.keyboard.press("j")
    page.wait_for_selector(f"#pane-ticket-{first.pk}")
    assert "cursor" in (row(page, first).get_attribute("class") or "")

    # Assign to me: held for undo, then the row is redrawn in place.
    page.keyboard.press("a")
    assert page.locator("#undo-bar").is_visible()
    page.wait_for_selector(f"#row-{first.pk}:has-text('kim'):not(.pending)")

    # Reply, send and go on to the next ticket.
    page.keyboard.press("r")
    page.keyboard.type("It ships today, tracking follows by mail.")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the company's voice
    page.keyboard.press("Control+Shift+Enter")
    page.wait_for_selector(f"#pane-ticket-{second.pk}")
    reply = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert (reply.conversation_id, reply.voice) == (first.conversation_id, "company")

    # Resolve and next, then undo: nothing is resolved.
    page.keyboard.press("e")
    page.wait_for_selector(f"#pane-ticket-{third.pk}")
    page.keyboard.press("z")
    page.wait_for_timeout(1500)
    second.refresh_from_db()
    assert second.status != Ticket.Status.RESOLVED
    assert "pending" not in (row(page, second).get_attribute("class") or "")

    # Resolve for real: the row says so, the cursor stays where it was.
    page.keyboard.press("e")
    page.wait_for_selector(f"#pane-ticket-{fourth.pk}")
    page.wait_for_selector(f"#row-{third.pk}.status-resolved")
    assert "cursor" in (row(page, fourth).get_attribute("class") or "")

    # Bulk: select two rows, tag them.
    page.keyboard.press("x")
    page.keyboard.press("k")
    page.keyboard.press("x")
    page.keyboard.press("t")
    page.keyboard.type("vip")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#row-{fourth.pk} .tag:has-text('vip')")
    page.wait_for_selector(f"#row-{third.pk} .tag:has-text('vip')")
    assert page.locator(f"#row-{fourth.pk} input[name=ids]").is_checked()

    # g i goes back to the list from anywhere on the page.
    page.keyboard.press("g")
    page.keyboard.press("i")
    assert page.evaluate("document.activeElement.closest('tr') !== null")

    assert loads == [] and still_same_document(page)
    third.refresh_from_db()
    assert third.status == Ticket.Status.RESOLVED
    assert set(Ticket.objects.filter(tags__name="vip").values_list("pk", flat=True)) == {
        third.pk,
        fourth.pk,
    }


def test_the_split_view_in_german(open_page: Any, mention: MentionFactory) -> None:
    user = make_user("greta", "agent")
    UserPreference.objects.create(user=user, language="de")
    ticket = mention("Wo bleibt mein Paket?")
    page = open_page("greta")

    assert page.locator("html").get_attribute("lang") == "de"
    assert page.inner_text("#inbox-title") == "Posteingang"
    page.keyboard.press("j")
    page.wait_for_selector(f"#pane-ticket-{ticket.pk}")
    pane = page.inner_text("#pane")
    assert "Antwort senden" in pane and "Senden und weiter" in pane
    page.keyboard.press("e")
    assert page.inner_text("#undo-bar").startswith("Wird erledigt")
    assert "Rückgängig" in page.inner_text("#undo-button")


def test_merging_two_contacts_and_splitting_them_back(
    open_page: Any, mention: MentionFactory, live_server: Any
) -> None:
    make_user("kim", "agent")
    on_x = mention("Where is my parcel?", name="Ann Example", author_id="x-ann")
    by_hook = mention("Still no parcel", name="Ann Example", author_id="hook-ann")
    Identity.objects.filter(contact=on_x.contact).update(
        kind="x", profile_url="https://x.com/ann_ex"
    )
    Identity.objects.filter(contact=by_hook.contact).update(
        profile_url="https://www.instagram.com/ann_ex/"
    )
    page = open_page("kim")

    page.click("nav >> text=Contacts")
    page.click("text=Compare and merge")
    assert "1 account" in page.inner_text(".merge-preview")
    page.click("form >> button:has-text('Merge into')")
    page.wait_for_selector("text=Merged.")
    assert Contact.objects.get(pk=on_x.contact_id).identities.count() == 2
    assert Ticket.objects.get(pk=by_hook.pk).contact_id == on_x.contact_id

    page.click("button:has-text('Split back')")
    page.wait_for_selector("text=Split back into two contacts.")
    assert Ticket.objects.get(pk=by_hook.pk).contact_id == by_hook.contact_id
    assert Contact.objects.get(pk=on_x.contact_id).identities.count() == 1


def test_no_serious_accessibility_findings_on_the_desk_pages(
    open_page: Any, mention: MentionFactory, live_server: Any
) -> None:
    user = make_user("mia", "manager")
    user.groups.add(*type(user.groups.first()).objects.filter(name="agent"))
    ticket = mention("Where is my parcel?", sentiment="negative")
    page = open_page("mia")

    findings = {"inbox": axe_violations(page)}
    page.keyboard.press("j")
    page.wait_for_selector(f"#pane-ticket-{ticket.pk}")
    findings["split view"] = axe_violations(page)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    findings["ticket page"] = axe_violations(page)
    page.goto(f"{live_server.url}/dashboards/")
    findings["dashboards"] = axe_violations(page)
    page.goto(f"{live_server.url}/contacts/{ticket.contact_id}/")
    findings["contact page"] = axe_violations(page)

    assert {name: found for name, found in findings.items() if found} == {}, json.dumps(
        findings, indent=1
    )


def test_a_laptop_screen_shows_25_rows_or_more(
    open_page: Any, mention: MentionFactory, browser: Any, live_server: Any
) -> None:
    make_user("kim", "agent")
    for n in range(30):
        mention(f"Question number {n} about my order", author_id=f"a{n}")
    page = open_page("kim")
    page.set_viewport_size({"width": 1366, "height": 768})

    boxes = page.eval_on_selector_all(
        "tr[data-ticket]", "rows => rows.map(r => r.getBoundingClientRect().bottom)"
    )

    assert sum(1 for bottom in boxes if bottom <= 768) >= 25


@pytest.mark.parametrize(
    ("language", "breached_label", "hours", "ago"),
    [
        ("en", "Breached", "h", "days ago on the clock"),
        ("de", "Überschritten", "Std.", "Tage her (Kalenderzeit)"),
        ("fr", "Dépassé", "h", "il y a 40 jours"),
        ("pl", "Przekroczone", "godz.", "dni zegarowo temu"),
        ("sv", "Överskridet", "tim", "dagar sedan enligt klockan"),
    ],
)
def test_a_laptop_screen_shows_each_row_s_sla_whole(
    open_page: Any,
    mention: MentionFactory,
    language: str,
    breached_label: str,
    hours: str,
    ago: str,
) -> None:
    kim = make_user("kim", "agent")
    UserPreference.objects.create(user=kim, language=language, time_zone="Europe/Berlin")
    tickets = [mention(f"Question {n} about my invoice", author_id=f"a{n}") for n in range(3)]
    long_ago = timezone.now() - timedelta(days=40)
    Ticket.objects.filter(pk=tickets[0].pk).update(
        first_response_due_at=long_ago, sla_due_at=long_ago
    )
    page = open_page("kim")
    page.set_viewport_size({"width": 1366, "height": 768})

    # The badge itself, not only its cell: "Przekroczone · 136 godz." is half again as wide as
    # "Breached · 136 h".
    cells = page.eval_on_selector_all(
        "tr[data-ticket] td:nth-child(2)",
        "cells => cells.map(c => ({text: c.innerText, state: c.firstElementChild.dataset.slaState,"
        " cut: c.scrollWidth > c.clientWidth"
        " || c.firstElementChild.scrollWidth > c.firstElementChild.clientWidth,"
        " title: c.firstElementChild.title}))",
    )

    assert {cell["state"] for cell in cells} == {"breached", "on_track"}
    assert [cell for cell in cells if cell["cut"]] == []
    breached = next(cell for cell in cells if cell["state"] == "breached")
    assert re.fullmatch(rf"{breached_label} · \d+ {re.escape(hours)}", breached["text"]), breached
    assert ago in breached["title"]
