"""What a REST create costs, and that the configuration it keeps follows every change.

Transactional: configuration a test creates is committed, as in production, so the copies
each process keeps (desk.config_snapshot) are in use.
"""

from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test import Client

from desk.sla.models import SlaPolicy
from tests.conftest import StaffClient, post_json, skip_or_fail
from tests.desk.sla_helpers import berlin

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/inquiries/"


def inquiry(n: int) -> dict[str, Any]:
    return {
        "text": f"Where is my order {n}?",
        "author": {"name": f"Writer {n}", "email": f"writer{n}@example.org"},
        "external_id": f"order-{n}",
    }


def test_a_new_author_s_inquiry_costs_at_most_eight_statements(
    api: Client, django_assert_max_num_queries: Any
) -> None:
    if connection.vendor != "postgresql":
        # The new rows go in one data-modifying CTE on PostgreSQL; SQLite saves them in turn.
        skip_or_fail("the statement budget is PostgreSQL's (DATABASE_URL)")
    assert post_json(api, URL, inquiry(1)).status_code == 201  # configuration read once

    with django_assert_max_num_queries(8):
        response = post_json(api, URL, inquiry(2))

    assert response.status_code == 201
    assert response.json()["ticket"]["first_response_due_at"] is not None


def test_a_policy_changed_on_the_sla_page_applies_to_the_next_inquiry(
    api: Client, default_policy: SlaPolicy
) -> None:
    manager = User.objects.create_user("mona")
    manager.groups.add(Group.objects.get_or_create(name="manager")[0])
    manager_client = StaffClient()
    manager_client.force_login(manager)
    prefix = f"p{default_policy.pk}"
    form = {
        f"{prefix}-name": default_policy.name,
        f"{prefix}-calendar": default_policy.calendar_id,
        f"{prefix}-is_active": "on",
        f"{prefix}-first_response_minutes": "240",
        f"{prefix}-next_response_minutes": "480",
        f"{prefix}-warning_percent": "80",
        f"{prefix}-notify_managers": "on",
    }

    with time_machine.travel(berlin(2026, 11, 23, 10), tick=False):
        before = post_json(api, URL, inquiry(1)).json()["ticket"]
        changed = manager_client.post(f"/sla/policies/{default_policy.pk}/", form)
        after = post_json(api, URL, inquiry(2)).json()["ticket"]

    assert changed.status_code == 302
    assert before["first_response_due_at"] == "2026-11-26T10:00:00+01:00"  # three business days
    assert after["first_response_due_at"] == "2026-11-23T14:00:00+01:00"  # four business hours


def test_a_revoked_token_is_refused_at_once(make_api_client: Any) -> None:
    client, api = make_api_client("shop")  # its client is now kept by this process
    assert post_json(api, URL, inquiry(1)).status_code == 201

    call_command("api_client", "revoke", client.name, stdout=StringIO())

    assert post_json(api, URL, inquiry(2)).status_code == 401
