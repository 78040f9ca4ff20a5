"""The site's frame: navigation that fits the role, error pages in the layout, small truths."""

import html
import logging
import re
from typing import Any

import pytest
from django.test import Client

from tests.triage.conftest import MentionFactory, StaffFactory


def nav_links(response: Any) -> set[str]:
    header = response.content.decode().split('<header class="topbar">')[1].split("</header>")[0]
    return set(re.findall(r'href="([^"]+)"', header))


def test_an_agent_sees_the_work_not_the_configuration(staff: StaffFactory) -> None:
    _user, client = staff("agent")

    links = nav_links(client.get("/"))

    assert {"/", "/desk/incidents/", "/preferences/"} <= links
    assert not links & {"/desk/rules/", "/desk/rules/dry-run/", "/desk/classifier/"}
    assert not links & {"/dashboards/", "/sla/", "/approvals/"}


def test_a_manager_finds_service_levels_ambassadors_and_reply_templates(
    staff: StaffFactory,
) -> None:
    _user, client = staff("manager")

    links = nav_links(client.get("/"))

    assert {"/dashboards/", "/sla/", "/desk/ambassadors/", "/desk/reply-templates/"} <= links
    assert {"/desk/rules/", "/desk/rules/dry-run/", "/desk/classifier/"} <= links


def test_managers_do_not_approve_replies_unless_they_also_speak_for_the_company(
    staff: StaffFactory,
) -> None:
    _manager, manager = staff("manager")
    speaking, spokesperson_manager = staff("manager")
    speaking.groups.add(*type(speaking.groups.first()).objects.filter(name="spokesperson"))

    assert "/approvals/" not in nav_links(manager.get("/"))
    assert manager.get("/approvals/").status_code == 403
    assert "/approvals/" in nav_links(spokesperson_manager.get("/"))
    assert spokesperson_manager.get("/approvals/").status_code == 200


def test_a_refusal_is_a_page_in_the_layout_and_logged_without_a_traceback(
    staff: StaffFactory, caplog: pytest.LogCaptureFixture
) -> None:
    _user, client = staff("agent")

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/dashboards/")

    assert response.status_code == 403
    page = response.content.decode()
    assert '<header class="topbar">' in page and "This page is for managers." in page
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_missing_page_is_a_page_in_the_layout(staff: StaffFactory) -> None:
    _user, client = staff("agent")

    response = client.get("/tickets/999999/")

    assert response.status_code == 404
    assert '<header class="topbar">' in response.content.decode()


def test_a_bad_dashboard_filter_is_a_page_in_the_layout(staff: StaffFactory) -> None:
    _user, client = staff("manager")

    response = client.get("/dashboards/?from=yesterday")

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert '<header class="topbar">' in page and "'from' must be a date" in page


def test_the_dashboards_take_a_queue_by_slug_as_the_inbox_does(staff: StaffFactory) -> None:
    _user, client = staff("manager")

    by_slug = client.get("/dashboards/?queue=technical")
    unknown = client.get("/dashboards/?queue=no-such-queue")

    assert by_slug.status_code == 200
    assert by_slug.context["filters"].queue is not None
    assert unknown.status_code == 400
    assert "There is no queue called" in html.unescape(unknown.content.decode())


def test_the_favicon_is_served(db: None) -> None:
    response = Client().get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("/static/desk/favicon.svg")


def test_assign_to_preselects_nobody(staff: StaffFactory, mention: MentionFactory) -> None:
    _user, client = staff("agent")
    ticket = mention()

    for url in ("/", f"/tickets/{ticket.pk}/"):
        page = client.get(url).content.decode()
        select = re.search(r'name="assign_value">(.*?)</select>', page, re.S)
        assert select is not None
        assert re.match(r'<option value="" selected>', select.group(1)), url


def test_bulk_assign_without_a_person_changes_nothing(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff("agent")
    ticket = mention()

    client.post("/inbox/bulk/", {"action": "assign", "ids": [ticket.pk], "assign_value": ""})

    ticket.refresh_from_db()
    assert ticket.assignee_id is None


def test_per_page_shows_the_size_the_list_has(staff: StaffFactory, mention: MentionFactory) -> None:
    _user, client = staff("agent")
    page = client.get("/").content.decode()

    selected = re.search(r'<option value="(\d+)" selected>', page.split('name="per_page"')[1])
    assert selected is not None
    assert int(selected.group(1)) == client.get("/").context["form"].cleaned_data["per_page"]


def test_new_mentions_open_newest_first_with_the_new_ones_marked(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff("agent")
    old = mention("an older question")
    since = client.get("/").context["rendered_at"]
    fresh = mention("a fresh question")

    fragment = client.get("/inbox/new/", {"since": since}).content.decode()
    link = html.unescape(re.search(r'href="([^"]+)"', fragment).group(1))  # type: ignore[union-attr]
    listed = client.get(link)

    assert "sort=newest" in link
    tickets = listed.context["tickets"]
    assert [t.pk for t in tickets][:2] == [fresh.pk, old.pk]
    assert [t.is_new for t in tickets][:2] == [True, False]
    assert 'class="status-new is-new"' in listed.content.decode()
