"""No page offers its reader a button or a link that would refuse them.

Every form that posts, every htmx post and every link to a desk page, on the pages each role
reads, leads to a view that the role may use by the rules of tests/test_authorization_matrix.
A close button shown to an agent on an incident answered 403 when pressed, and so did the
privacy pages' links to the managers' pages; this finds the next one. The pages and their rows
are the bounded-list test's (one row of each kind), read by each staff role in turn.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.conftest import StaffClient
from tests.list_rows import Scene
from tests.test_authorization_matrix import RULES, expectation
from tests.test_bounded_lists import PAGES, person, scene

__all__ = ["scene"]

FORM = re.compile(r"<form\b([^>]*)>", re.IGNORECASE)
HTMX_POST = re.compile(r"""\bhx-post=["']([^"']*)["']""", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""\b(method|action)=["']([^"']*)["']""", re.IGNORECASE)
# Links within the site; the admin site keeps its own permissions.
LINK = re.compile(r"""<a\b[^>]*\bhref=["'](/(?!admin/)[^"']*)["']""", re.IGNORECASE)


def posted_to(page: str, body: str) -> set[str]:
    """The paths that the page's POST forms and htmx posts send to."""
    targets = set(HTMX_POST.findall(body))
    for attributes in FORM.findall(body):
        found = {name.lower(): value for name, value in ATTRIBUTE.findall(attributes)}
        if found.get("method", "get").lower() == "post":
            targets.add(found.get("action") or page)
    return {urlsplit(html.unescape(target)).path or page for target in targets}


def linked(body: str) -> set[str]:
    return {urlsplit(html.unescape(href)).path for href in LINK.findall(body)}


@pytest.mark.parametrize("role", ["agent", "spokesperson", "manager"])
def test_no_page_offers_a_form_or_link_its_reader_may_not_use(scene: Scene, role: str) -> None:
    paths = []
    for page in PAGES:
        if page.who != "api":
            page.rows(scene, 1)
            paths.append(page.path(scene))
    client = StaffClient()
    client.force_login(person(f"reader-{role}", role, is_staff=role == "manager"))

    read, offered = 0, {}
    for path in dict.fromkeys(paths):
        response = client.get(path)
        if response.status_code != 200 or response.streaming:
            continue  # what a role may read at all is the authorization matrix's question
        read += 1
        body = response.content.decode()
        for target in posted_to(path, body) | linked(body):
            try:
                name = resolve(target).view_name
            except Resolver404:
                offered[target] = (path, "no such page")
                continue
            if expectation(RULES[name], role) != "allowed":
                offered[target] = (path, RULES[name])

    assert read >= 10  # the pages were read, not refused wholesale
    assert offered == {}
