"""Only managers see the dashboards; REST clients never; bad filters get a clear 400."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from desk.classification.models import Incident
from tests.dashboards.helpers import metrics

PAGES = (
    "/dashboards/",
    "/dashboards/drilldown/?metric=met",
    "/dashboards/drilldown.csv?metric=met",
    "/dashboards/export/summary.csv",
)


@pytest.mark.parametrize("url", PAGES)
def test_an_agent_may_not_see_dashboards(staff_client: Client, url: str) -> None:
    assert staff_client.get(url).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(db: None) -> None:
    response = Client().get("/dashboards/?preset=7d")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_a_rest_client_token_cannot_read_metrics(api: Client) -> None:
    response = api.get("/api/v1/metrics/summary/")

    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_an_agent_session_cannot_read_metrics(staff_client: Client) -> None:
    assert staff_client.get("/api/v1/metrics/summary/").status_code == 403


def test_a_superuser_sees_the_dashboard(db: None, django_user_model: Any) -> None:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.org"))

    assert client.get("/dashboards/").status_code == 200


def test_the_metrics_index_lists_every_table(manager_client: Client) -> None:
    tables = manager_client.get("/api/v1/metrics/").json()["tables"]

    assert {"summary", "compliance_by_agent", "mentions_by_hour"} <= {t["slug"] for t in tables}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-13-01", "YYYY-MM-DD"),
        ("from=2026-11-10&to=2026-11-01", "before the start"),
        ("from=2020-01-01&to=2026-01-01", "at most"),
        ("preset=forever", "Unknown preset"),
        ("channel=abc", "numeric id"),
        ("language=%3Cscript%3E", "short code"),
    ],
)
def test_a_bad_filter_is_a_400_saying_what_is_wrong(
    manager_client: Client, query: str, message: str
) -> None:
    response = manager_client.get(f"/dashboards/?{query}")

    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_bad_filter_in_the_api_is_a_400_with_the_error_shape(manager_client: Client) -> None:
    response = manager_client.get("/api/v1/metrics/summary/?to=yesterday")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_an_unknown_table_is_a_404(manager_client: Client) -> None:
    assert manager_client.get("/api/v1/metrics/nonsense/").status_code == 404
    assert manager_client.get("/dashboards/export/nonsense.csv").status_code == 404


def test_an_unknown_drilldown_figure_is_a_400(manager_client: Client) -> None:
    assert manager_client.get("/dashboards/drilldown/?metric=everything").status_code == 400


def test_a_bad_page_cursor_is_a_400(manager_client: Client) -> None:
    response = manager_client.get("/dashboards/drilldown/?metric=tickets&before=yesterday_1")

    assert response.status_code == 400


def test_the_summary_of_an_empty_desk_has_no_percentages(manager_client: Client) -> None:
    found = metrics(manager_client, "summary", preset="7d")

    assert found["tickets"]["value"] == 0
    assert found["compliance"]["value"] is None


def test_a_crisis_incident_is_listed_at_the_desk_s_time_in_the_reader_s_format(
    manager_client: Client,
) -> None:
    Incident.objects.create(
        scope="term:#launch",
        scope_label="#launch",
        opened_at=datetime(2026, 11, 20, 13, 5, tzinfo=UTC),  # 14:05 in Berlin
        closed_at=datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
        status="closed",
    )

    page = manager_client.get(
        "/dashboards/", {"from": "2026-11-16", "to": "2026-11-22"}, HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()

    assert (
        '<th scope="row">20 Nov 14:05</th><td dir="auto">#launch</td>'
        '<td dir="auto">20.11.2026 16:00</td>'
    ) in page
