import hashlib
import hmac
import json
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from celery.result import allow_join_result
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client, TestCase
from django.utils import translation

from bench.common import gunicorn
from channels.models import Channel
from desk.config import celery_app
from desk.models import ApiClient
from tests.fakes.partner import FakePartner
from tests.reference_data import restore_reference_data
from tickets.models import Queue


def services_required() -> bool:
    """CI sets this so that a test needing PostgreSQL or Redis fails instead of skipping."""
    return os.environ.get("SOCIALDESK_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    if services_required():
        pytest.fail(f"{reason} (SOCIALDESK_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def reference_data_after_flush(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    """Transactional tests end with a flush of every table, and pytest-django runs them after
    all others: each one starts by making the migrations' reference rows again."""
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if transactional:
        with django_db_blocker.unblock():
            restore_reference_data()


@pytest.fixture(autouse=True)
def sessions_outlive_the_scenarios(settings: Any) -> None:
    # Scenarios travel to fixed dates. A session saved there expires two weeks later in real
    # time, after which the scenario's last page turned into the login page.
    settings.SESSION_COOKIE_AGE = 20 * 365 * 24 * 3600


@pytest.fixture(autouse=True)
def each_test_starts_in_the_default_language() -> Iterator[None]:
    # The test client leaves the last request's language active in the thread, where a later
    # test's command or task would speak it (a process of its own starts in the default).
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def counted_before_answering(settings: Any) -> None:
    # A web process counts its creates after their commits on a connection of its own, which
    # cannot see a test's uncommitted transaction; tests of the windows turn them back on.
    settings.INQUIRY_COUNT_WINDOW_SECONDS = 0


@pytest.fixture(autouse=True)
def eager_celery() -> Iterator[None]:
    # Tasks run inline unless a test starts a real worker; nothing piles up in a broker
    # that no worker reads.
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    # Tests wait for their eager results; Celery forbids that inside a task, and a flag it
    # keeps per process can be left set by a task run earlier in the session.
    with allow_join_result():
        yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def make_api_client(db: None) -> Callable[[str], tuple[ApiClient, Client]]:
    def make(name: str = "shop") -> tuple[ApiClient, Client]:
        channel, _ = Channel.objects.get_or_create(name="REST API", defaults={"kind": "api"})
        client = ApiClient(name=name, channel=channel)
        token = client.issue_token()
        client.save()
        return client, Client(HTTP_AUTHORIZATION=f"Token {token}")

    return make


@pytest.fixture
def api(make_api_client: Callable[[str], tuple[ApiClient, Client]]) -> Client:
    return make_api_client("shop")[1]


def post_json(client: Client, url: str, payload: Any, **extra: Any) -> Any:
    return client.post(url, data=json.dumps(payload), content_type="application/json", **extra)


@pytest.fixture
def partner(settings: Any) -> Iterator[FakePartner]:
    """The partner system behind the webhook channel, accepting our replies on 127.0.0.1."""
    settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.HTTP_RETRY_BASE_SECONDS = 0.01
    with FakePartner().running() as running:
        yield running


@pytest.fixture
def webhook_channel(db: None, partner: FakePartner) -> Channel:
    return Channel.objects.create(
        kind="webhook",
        name="Partner webhook",
        credentials={"secret": "s3cret"},
        config={"reply_url": partner.reply_url},
    )


def signed_delivery(
    client: Client, channel: Channel, payload: Any, *, delivery: str, secret: str = "s3cret"
) -> Any:
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        channel.webhook_path,
        data=body,
        content_type="application/json",
        HTTP_X_SOCIALDESK_SIGNATURE=signature,
        HTTP_X_SOCIALDESK_DELIVERY=delivery,
    )


def mention_payload(
    platform_id: str, text: str, *, author_id: str = "u1", name: str = "Ann", **extra: Any
) -> dict[str, Any]:
    return {
        "type": "message",
        "id": platform_id,
        "text": text,
        "author": {"id": author_id, "name": name, "handle": f"@{name.lower()}"},
        **extra,
    }


class StaffClient(Client):
    """A browser whose every request commits, as in production: what the request enqueued
    after its commit (deliveries, processing) runs before the response is looked at."""

    def request(self, **request: Any) -> Any:
        start = len(connection.run_on_commit)
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = super().request(**request)
        # Run once: a test that captures callbacks around this request must not run them again.
        del connection.run_on_commit[start:]
        return response


@pytest.fixture
def staff_client(db: None, django_user_model: Any) -> Client:
    user = django_user_model.objects.create_user("agent", password="pw-agent-123")
    # An agent working every queue: the staff pages show a user their queues' tickets only.
    user.groups.add(Group.objects.get(name="agent"))
    user.desk_queues.add(*Queue.objects.all())
    client = StaffClient()
    client.force_login(user)
    return client


def make_staff_client(user_model: Any, username: str, role: str) -> Client:
    user = user_model.objects.create_user(username, password=f"pw-{username}-123")
    user.groups.add(Group.objects.get(name=role))
    user.desk_queues.add(*Queue.objects.all())
    client = StaffClient()
    client.force_login(user)
    return client


@pytest.fixture
def spokesperson_client(db: None, django_user_model: Any) -> Client:
    """A spokesperson working every queue: may answer public posts in the company's voice."""
    return make_staff_client(django_user_model, "spokesperson", "spokesperson")


@pytest.fixture
def seeded(db: None) -> None:
    call_command("seed_demo", "--mentions", "30", verbosity=0)


@contextmanager
def gunicorn_serving(env: dict[str, str]) -> Iterator[int]:
    """The production server with one sync worker on a free port of 127.0.0.1, started with
    `env` and answering /-/ping (the benchmarks' harness starts it); yields the port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    with gunicorn(env, port=port, workers=1):
        yield port
