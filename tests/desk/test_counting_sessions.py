"""Under gunicorn on PostgreSQL, a web process counts a stream of created inquiries on a database
session of its own, and closes that session once the stream pauses (desk.ingestion.counting).

Seen from where an operator sees it: the sessions the web process holds in pg_stat_activity.
"""

import http.client
import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from desk.classification.models import MentionCount
from tests.conftest import gunicorn_serving, skip_or_fail
from tests.test_celery_worker import database_url, wait_for


@pytest.fixture
def web_process(transactional_db: None) -> Iterator[tuple[int, str]]:
    """gunicorn with one sync worker on the test database, its sessions named for this test."""
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL)")
    name = f"counting-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "PGAPPNAME": name,
        # Wide, so that the test's creates fall inside windows even on a slow machine.
        "INQUIRY_COUNT_WINDOW_SECONDS": "0.5",
    }
    # No broker: tasks run inline in the web process, and the window alone decides the counting.
    env.pop("REDIS_URL", None)
    with gunicorn_serving(env) as port:
        yield port, name


def test_a_stream_of_creates_is_counted_on_a_session_closed_when_the_stream_pauses(
    web_process: tuple[int, str], make_api_client: Callable[[str], tuple[Any, Client]]
) -> None:
    port, name = web_process
    _, api = make_api_client("shop")
    token = api.defaults["HTTP_AUTHORIZATION"]
    web = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for n in range(8):
        body = json.dumps({"text": f"Where is my order {n}?", "author": {"name": f"S {n}"}})
        web.request(
            "POST",
            "/api/v1/inquiries/",
            body=body,
            headers={"Authorization": token, "Content-Type": "application/json"},
        )
        response = web.getresponse()
        assert response.status == 201, response.read()
        response.read()

    def counted() -> int:
        return sum(
            MentionCount.objects.filter(scope__startswith="channel:").values_list(
                "total", flat=True
            )
        )

    # The creates inside the first one's window were counted by the counting thread, on a
    # session beside the one the requests use (kept between requests: DB_CONN_MAX_AGE).
    assert wait_for(lambda: counted() == 8, timeout=10), counted()
    assert wait_for(lambda: _sessions(name) == 2, timeout=5), _sessions(name)
    # Once the stream pauses (a second without creates), the thread closes its own session;
    # the requests' session stays.
    assert wait_for(lambda: _sessions(name) == 1, timeout=10), _sessions(name)
    time.sleep(0.5)
    assert _sessions(name) == 1


def _sessions(application_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            [application_name],
        )
        return int(cursor.fetchone()[0])
