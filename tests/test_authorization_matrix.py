"""Who may use what: every URL pattern of the project, asked by every kind of caller.

`RULES` is the specification: each URL name with who may use it. A view added without an
entry here fails (`test_every_url_has_a_rule`), a view whose own declaration (desk.access,
or the REST view's scopes and permissions) says something else fails, and each rule is
checked by requests from anonymous visitors, signed-in people without a role, every role,
and a REST token of another client. Every method a view answers is tried (GET, else POST).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from channels.models import Channel
from desk.models import ApiClient
from tickets.models import Queue

EVERYTHING = {
    "work_tickets",
    "post_company_voice",
    "answer_negative_posts",
    "approve_replies",
    "view_dashboards",
    "edit_policies",
}
# What each caller may do, written out here rather than read from desk.access, so that a
# change of the roles in the code has to be made here too, on purpose.
CALLERS: dict[str, set[str]] = {
    "anonymous": set(),
    "no_role": set(),
    "agent": {"work_tickets"},
    "spokesperson": {
        "work_tickets",
        "post_company_voice",
        "answer_negative_posts",
        "approve_replies",
    },
    "manager": {"work_tickets", "view_dashboards", "edit_policies"},
    "admin": EVERYTHING,
    "other_api_client": set(),
}

STAFF = "capability:work_tickets"
APPROVER = "capability:approve_replies"
MANAGER = "capability:view_dashboards"
POLICIES = "capability:edit_policies"
RULES: dict[str, str] = {
    # Operations and sign-in: open on purpose.
    "ping": "public",
    "health": "public",
    "metrics": "public",
    "login": "public",
    "login-code": "public",
    "admin-login": "public",
    "logout": "public",
    "channel-webhook": "public",
    "webform": "public",
    "privacy-notice": "public",
    "javascript-catalog": "public",
    "favicon": "public",
    "api-schema": "public",
    "api-docs": "public",
    # Anyone signed in, for their own account.
    "preferences": "signed_in",
    "two-factor": "signed_in",
    "two-factor-remove": "signed_in",
    # The triage desk.
    "inbox": STAFF,
    "inbox-new": STAFF,
    "inbox-bulk": STAFF,
    "inbox-save-view": STAFF,
    "inbox-delete-view": STAFF,
    "ticket-detail": STAFF,
    # Monitored mentions (feeds, YouTube): read, and made into tickets, by staff.
    "monitored-stream": STAFF,
    "monitored-make-ticket": STAFF,
    "ticket-reply": STAFF,
    "ticket-note": STAFF,
    "ticket-action": STAFF,
    "ticket-presence": STAFF,
    "message-delivery": STAFF,
    "message-hide": STAFF,
    "message-private-reply": STAFF,
    "attachment-download": STAFF,
    "channel-health": STAFF,
    # Connecting channels hands the desk company credentials: a policy decision.
    "connect-index": POLICIES,
    "connect-review": POLICIES,
    "connect-bluesky": POLICIES,
    "connect-remove": POLICIES,
    "connect-start": POLICIES,
    "connect-callback": POLICIES,
    "channel-health-detail": STAFF,
    "message-retry": STAFF,
    # The notification centre: each person's own bell and list.
    "notifications:list": STAFF,
    "notifications:bell": STAFF,
    "notifications:read-all": STAFF,
    "notifications:preferences": STAFF,
    "notifications:address": STAFF,
    "notifications:confirm-address": STAFF,
    "notifications:open": STAFF,
    "notifications:read": STAFF,
    "contact-list": STAFF,
    "contact-detail": STAFF,
    "contact-merge": STAFF,
    "contact-split": STAFF,
    # The demo's sandbox platform (only in demo mode, as in the tests).
    "sandbox": STAFF,
    "approval-queue": APPROVER,
    "approval-decide": APPROVER,
    # Routing, classification and crisis: staff read, managers change.
    "classification:rules": STAFF,
    "classification:dry-run": STAFF,
    "classification:versions": STAFF,
    "classification:correct": STAFF,
    "classification:incidents": STAFF,
    "classification:incident": STAFF,
    "classification:incident-statement": STAFF,
    # Conversations without a retention notice: staff follow them up.
    "privacy-unnoticed": STAFF,
    "classification:rule-new": MANAGER,
    "classification:rule-edit": MANAGER,
    "classification:rule-move": MANAGER,
    "classification:rule-delete": MANAGER,
    "classification:templates": MANAGER,
    "classification:template-edit": MANAGER,
    "classification:retrain": MANAGER,
    "classification:rollback": MANAGER,
    "classification:lexicon-only": MANAGER,
    "classification:activate": MANAGER,
    "classification:correction-review": POLICIES,
    "classification:incident-close": MANAGER,
    "classification:ambassadors": MANAGER,
    "classification:ambassador-decide": MANAGER,
    # Managers: dashboards, privacy, service levels.
    "dashboard": MANAGER,
    "dashboard-drilldown": MANAGER,
    "dashboard-drilldown-csv": MANAGER,
    "dashboard-table-csv": MANAGER,
    "privacy-retention": MANAGER,
    "privacy-subjects": MANAGER,
    "privacy-subject-export": MANAGER,
    "privacy-subject-erase": MANAGER,
    "privacy-holds": MANAGER,
    "privacy-hold-release": MANAGER,
    "privacy-audit": MANAGER,
    "sla-settings": POLICIES,
    "sla-calendar": POLICIES,
    "sla-calendar-day": POLICIES,
    "sla-calendar-day-delete": POLICIES,
    "sla-policy": POLICIES,
    # The REST API: tokens with scopes; the managers' endpoints by session.
    "api-inquiries": "api:inquiries:create,inquiries:read",
    "api-inquiry": "api:inquiries:read",
    "api-calendars": "api:sla:read",
    "api-calendar": "api:sla:read",
    "api-sla-policies": "api:sla:read",
    "api-sla-policy": "api:sla:read",
    "api-privacy-subjects": "api:manager",
    "api-privacy-access": "api:manager",
    "api-privacy-erasure": "api:manager",
    "api-privacy-audit": "api:manager",
    "api-metrics": "api:manager",
    "api-metrics-table": "api:manager",
}
ADMIN_SITE = "admin_site"
# URLs that exist only in some configurations.
CONDITIONAL: set[str] = set()


def url_patterns() -> Iterator[tuple[str, str, URLPattern]]:
    """(name, route, pattern) of every URL pattern; the admin site's are named ADMIN_SITE."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Any]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            else:
                yield (namespace + (entry.name or ""), prefix + str(entry.pattern), entry)

    for name, route, pattern in walk(get_resolver().url_patterns, "", ""):
        yield (
            ADMIN_SITE if route.startswith("admin/") and name != "admin-login" else name,
            route,
            pattern,
        )


def declared_rule(pattern: URLPattern) -> str:
    view = pattern.callback
    view_class = getattr(view, "view_class", None) or getattr(view, "cls", None)
    if isinstance(view_class, type) and issubclass(view_class, APIView):
        initkwargs = getattr(view, "initkwargs", {}) or {}
        permissions = initkwargs.get("permission_classes", view_class.permission_classes)
        authentication = initkwargs.get("authentication_classes", view_class.authentication_classes)
        if not permissions and not authentication:
            return "public"
        if any(p.__name__ == "IsManager" for p in permissions):
            return "api:manager"
        scopes = sorted({str(s) for s in getattr(view_class, "required_scopes", {}).values()})
        return "api:" + ",".join(scopes)
    return str(getattr(view, "access_rule", "undeclared"))


def concrete_url(route: str) -> str:
    """The route with every parameter filled in (objects that need not exist)."""
    fill = {
        "int": "999999",
        "path": "999999",
        "str": "no-such-token",
        "slug": "backlog",
        "uuid": str(uuid.uuid4()),
    }
    parts = route.replace("^", "").replace("$", "").split("<")
    url = parts[0]
    for part in parts[1:]:
        spec, _, rest = part.partition(">")
        converter, _, name = spec.rpartition(":")
        value = {"language": "en", "version": "1"}.get(name) or fill.get(converter or "str", "1")
        url += value + rest
    return "/" + url


def client_for(caller: str) -> Client:
    if caller == "anonymous":
        return Client()
    if caller == "other_api_client":
        channel, _ = Channel.objects.get_or_create(name="REST API", defaults={"kind": "api"})
        api_client = ApiClient(name="another-shop", channel=channel)
        token = api_client.issue_token()
        api_client.save()
        return Client(HTTP_AUTHORIZATION=f"Token {token}")
    user = User.objects.create_user(caller)
    if caller == "admin":
        user.is_staff = user.is_superuser = True
        user.save()
    elif caller == "manager":
        user.is_staff = True
        user.save()
    if caller != "no_role":
        user.groups.add(Group.objects.get(name=caller))
        user.desk_queues.add(*Queue.objects.all())
    client = Client()
    client.force_login(user)
    return client


def answer(client: Client, url: str) -> Any:
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


def to_login(response: Any) -> bool:
    return response.status_code == 302 and "/login/" in response["Location"]


def expectation(rule: str, caller: str) -> str:
    can = CALLERS[caller]
    if rule == "public":
        return "allowed"
    if rule.startswith("api:"):
        if rule == "api:manager":
            return "allowed" if "view_dashboards" in can else "denied"
        return "allowed" if caller == "other_api_client" else "denied"
    if caller in ("anonymous", "other_api_client"):
        return "login"
    if rule == "signed_in":
        return "allowed"
    return "allowed" if rule.removeprefix("capability:") in can else "forbidden"


def test_every_url_has_a_rule_and_its_view_declares_it() -> None:
    seen = {name for name, _, _ in url_patterns()} - {ADMIN_SITE}
    assert not seen - RULES.keys(), "URLs without a rule in RULES"
    assert not RULES.keys() - seen - CONDITIONAL, "RULES for URLs that no longer exist"
    mismatched = {
        name: (RULES[name], declared_rule(pattern))
        for name, _, pattern in url_patterns()
        if name != ADMIN_SITE and declared_rule(pattern) != RULES[name]
    }
    assert not mismatched, "views whose declaration differs from RULES (expected, declared)"


@pytest.mark.parametrize("caller", list(CALLERS))
def test_each_caller_gets_what_the_rules_say(db: None, caller: str) -> None:
    client = client_for(caller)
    wrong = {}
    # Logging out ends the caller's session: asked last.
    patterns = sorted(url_patterns(), key=lambda entry: entry[0] == "logout")
    for name, route, _pattern in patterns:
        if name == ADMIN_SITE:
            continue
        url = concrete_url(route)
        response = answer(client, url)
        expected = expectation(RULES[name], caller)
        status = response.status_code
        # Public views may send to the login page themselves (log out, the code step).
        sent_away = to_login(response) and RULES[name] != "public"
        ok = {
            "allowed": status not in (401, 403) and not sent_away,
            "login": to_login(response),
            "forbidden": status == 403,
            "denied": status in (401, 403),
        }[expected]
        if not ok:
            wrong[f"{name} {url}"] = (expected, status)
    assert not wrong, f"{caller}: (expected, got)"


@pytest.mark.parametrize("caller", list(CALLERS))
def test_the_admin_site_is_for_staff_accounts_only(db: None, caller: str) -> None:
    client = client_for(caller)
    # django-otp's device pages answer a missing device with an error, not a 404: what is
    # asked here is only whether the caller gets past the admin's login.
    client.raise_request_exception = False
    allowed = caller in ("admin", "manager")  # staff accounts; Django checks model rights
    wrong = {}
    for name, route, _pattern in url_patterns():
        # Logging out ends the session; the admin's login page is the desk's (admin-login).
        if name != ADMIN_SITE or route in ("admin/logout/", "admin/login/"):
            continue
        url = concrete_url(route)
        response = client.get(url)
        redirected_to_login = response.status_code == 302 and "login" in response["Location"]
        if allowed and redirected_to_login or not allowed and not redirected_to_login:
            wrong[url] = response.status_code
    assert not wrong, f"{caller}: admin URLs answered against the rule"
