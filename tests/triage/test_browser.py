"""The desk in a real browser: Playwright driving Debian's Chromium against a live server."""

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client

from tests.conftest import post_json, skip_or_fail
from tests.triage.conftest import MentionFactory
from tickets.models import Message, Queue, Ticket


@pytest.fixture(autouse=True)
def reference_data(transactional_db: None, settings: Any) -> None:
    """A live server needs committed data; the reference rows come from tests.reference_data
    (made again by the root conftest before every transactional test)."""
    # Logging in through the form hashes passwords; a deliberately slow hash is not tested here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous calls.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_as(username: str) -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "pw-browser-123")
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_as
    for context in contexts:
        for page in context.pages:
            # Leaving a page sends what its undo bar still holds: let that happen now, not
            # while the test database is being flushed.
            page.goto("about:blank")
        context.close()
    wait_until_the_server_is_idle()


# How long the live server's sessions must stay idle before the test database is flushed.
QUIET_SECONDS = 0.5


def wait_until_the_server_is_idle(timeout: float = 10.0) -> None:
    """A request the browser sent last may still run in the live server's threads; the
    flush after a transactional test would deadlock with its row locks on PostgreSQL.

    Idle for a moment, not at one glance: the request a page sends as it is left (the undo
    bar's held action) can reach the server after a first look found it idle. In CI it once
    did, and its write deadlocked with the flush's TRUNCATE."""
    deadline = time.monotonic() + timeout
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if connection.vendor != "postgresql":
            time.sleep(QUIET_SECONDS)
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
            )
            (busy,) = cursor.fetchone()
        if busy:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= QUIET_SECONDS:
            return
        time.sleep(0.05)


def make_user(username: str, role: str) -> User:
    user = User.objects.create_user(username, password="pw-browser-123")
    user.groups.add(Group.objects.get(name=role))
    user.desk_queues.add(*Queue.objects.all())
    return user


def test_an_agent_triages_a_new_mention_by_keyboard_and_the_sla_is_met(
    open_page: Any, api: Client, live_server: Any, settings: Any
) -> None:
    settings.DESK_UNDO_SECONDS = 0.5
    make_user("kim", "agent")
    post_json(
        api, "/api/v1/inquiries/", {"text": "Where is my order 4711?", "author": {"name": "Ann"}}
    )
    ticket = Ticket.objects.get()
    page = open_page("kim")
    assert page.evaluate("typeof htmx") == "object", "htmx is not served: run npm ci"
    page.keyboard.press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("Escape")

    # The inbox is a split view: Enter opens the conversation beside the list.
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#pane-ticket-{ticket.pk}")
    badge = page.locator("#pane .ticket-head [data-sla-state]")
    assert badge.get_attribute("data-sla-state") == "on_track"

    page.keyboard.press("a")  # assign to me, after the undo window
    page.wait_for_selector(f"#row-{ticket.pk}:has-text('kim'):not(.pending)")
    page.keyboard.press("r")
    page.keyboard.type("It ships today, tracking follows by mail.")
    page.keyboard.press("Tab")  # to the voice choice
    page.keyboard.press("Space")  # the company's voice
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("text=Reply queued for delivery.")

    assert badge.get_attribute("data-sla-state") == "met"
    assert "Met" in badge.inner_text()
    ticket.refresh_from_db()
    assert ticket.assignee.username == "kim"
    reply = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert (reply.voice, reply.text) == ("company", "It ships today, tracking follows by mail.")
    page.wait_for_selector(".delivery-sent")


def test_an_agents_company_reply_to_a_negative_post_is_routed_to_a_spokesperson(
    open_page: Any, mention: MentionFactory, live_server: Any
) -> None:
    make_user("kim", "agent")
    make_user("sam", "spokesperson")
    ticket = mention("Your update broke everything. Useless!", sentiment="negative")

    agent = open_page("kim")
    agent.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    agent.fill("#reply-text", "We are sorry, we are fixing it right now.")
    agent.check("input[name=voice][value=company]")
    agent.click("#reply-form button[type=submit]")
    agent.wait_for_selector("text=Only spokespeople answer negative public posts.")
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    assert "We are sorry, we are fixing it right now." in agent.inner_text(".approvals-pending")

    speaker = open_page("sam")
    speaker.click("text=Approvals")
    assert "We are sorry, we are fixing it right now." in speaker.input_value("textarea[name=text]")
    speaker.click("button[value=approve]")
    speaker.wait_for_selector("text=Approved and queued for delivery.")

    reply = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert (reply.voice, reply.sent_by.username) == ("company", "kim")
    assert ticket.events.filter(kind="approval_granted", actor__username="sam").exists()


def test_markup_in_a_post_and_its_authors_name_renders_as_text(
    open_page: Any, mention: MentionFactory, live_server: Any
) -> None:
    make_user("kim", "agent")
    evil = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    ticket = mention(evil, name=evil)

    page = open_page("kim")
    assert evil in page.inner_text("table.inbox")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    assert evil in page.inner_text(".thread")
    page.wait_for_timeout(300)

    assert page.dialogs == []
    assert page.locator("main img").count() == 0


# Where the first and the last character of `needle` are drawn inside an element, from left.
DRAWN_AT = """([element, needle]) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const index = node.data.indexOf(needle);
        if (index < 0) continue;
        const left = (i) => {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            return range.getBoundingClientRect().left;
        };
        return [left(index), left(index + needle.length - 1)];
    }
    return null;
}"""


def test_a_right_to_left_override_in_an_authors_name_does_not_flip_the_time_after_it(
    open_page: Any, mention: MentionFactory, live_server: Any
) -> None:
    from desk.classification.models import ContactBadge

    make_user("max", "manager")
    ticket = mention("Thanks, great service!", name="Mallory \u202eevil")
    stamp = "2026-03-02"
    ContactBadge.objects.create(
        contact=ticket.contact,
        kind=ContactBadge.Kind.AMBASSADOR,
        status=ContactBadge.Status.CONFIRMED,
        decided_at=datetime.fromisoformat(f"{stamp}T12:00:00+01:00"),
    )

    page = open_page("max")
    page.goto(f"{live_server.url}/desk/ambassadors/")
    shown = "03/02/2026"  # the decision date in the reader's (English) format
    line = page.locator("li", has_text=shown)
    name_start, _ = line.evaluate(f"(element) => ({DRAWN_AT})([element, 'Mallory'])")
    stamp_start, stamp_end = line.evaluate(f"(element) => ({DRAWN_AT})([element, '{shown}'])")

    # Name, then the date, each read left to right: the override did not reach the date.
    assert name_start < stamp_start < stamp_end
    # The override itself is shown as a code point, not obeyed.
    assert "U+202E" in line.inner_text()

    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    author = page.locator(".thread .message .author").first.bounding_box()
    time_box = page.locator(".thread .message time").first.bounding_box()
    assert time_box["x"] > author["x"] + author["width"]
