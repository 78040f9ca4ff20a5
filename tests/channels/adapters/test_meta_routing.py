"""One Meta app serving several pages: each page's events reach the channel serving it."""

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from channels.models import Channel, InboundEvent
from channels.services import create_channel
from tests.fakes.fixtures import fixture_json
from tests.fakes.meta import APP_SECRET, PAGE_ID, PAGE_TOKEN, VERIFY_TOKEN, FakeGraph
from tests.fakes.webhooks import body_of, deliver, meta_signature
from tickets.models import Message

OTHER_PAGE = "205101002386499"
HEADER = "X-Hub-Signature-256"


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakeGraph().running() as fake:
        yield fake


def meta_channel(name: str, graph: FakeGraph, page: str, *, secret: str = APP_SECRET) -> Channel:
    return create_channel(
        kind="meta",
        name=name,
        values={
            "graph_url": graph.url,
            "app_secret": secret,
            "verify_token": VERIFY_TOKEN,
            "page_tokens": f"{page}:{PAGE_TOKEN}",
        },
    )


def comment_on(page: str, comment: str, text: str) -> dict[str, Any]:
    entry = copy.deepcopy(fixture_json("meta", "feed__comment")["entry"][0])
    entry["id"] = page
    value = entry["changes"][0]["value"]
    value.update(comment_id=comment, message=text)
    value["post"]["id"] = value["post_id"] = value["parent_id"] = f"{page}_1078"
    return entry


def post(channel: Channel, payload: Any, capture: Any) -> Any:
    body = body_of(payload)
    signature = meta_signature(APP_SECRET, body)
    return deliver(channel, body, header=HEADER, signature=signature, capture=capture)


def test_each_pages_events_become_messages_of_its_own_channel(
    db: None, graph: FakeGraph, django_capture_on_commit_callbacks: Any
) -> None:
    shop = meta_channel("Shop page", graph, PAGE_ID)
    careers = meta_channel("Careers page", graph, OTHER_PAGE)
    payload = {
        "object": "page",
        "entry": [
            comment_on(PAGE_ID, "1078_1", "Wo bleibt meine Bestellung?"),
            comment_on(OTHER_PAGE, "1078_2", "Ist die Stelle noch frei?"),
        ],
    }

    response = post(shop, payload, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert Message.objects.get(channel=shop).text == "Wo bleibt meine Bestellung?"
    assert Message.objects.get(channel=careers).text == "Ist die Stelle noch frei?"
    careers.refresh_from_db()
    assert careers.last_success_at is not None


def test_a_redelivered_split_delivery_stores_nothing_new(
    db: None, graph: FakeGraph, django_capture_on_commit_callbacks: Any
) -> None:
    shop = meta_channel("Shop page", graph, PAGE_ID)
    meta_channel("Careers page", graph, OTHER_PAGE)
    payload = {
        "object": "page",
        "entry": [comment_on(PAGE_ID, "1078_1", "a"), comment_on(OTHER_PAGE, "1078_2", "b")],
    }
    post(shop, payload, django_capture_on_commit_callbacks)

    again = post(shop, payload, django_capture_on_commit_callbacks)

    assert again.json() == {"status": "duplicate"}
    assert InboundEvent.objects.count() == 2
    assert Message.objects.count() == 2


def test_a_channel_of_another_app_never_receives_this_apps_events(
    db: None, graph: FakeGraph, django_capture_on_commit_callbacks: Any
) -> None:
    shop = meta_channel("Shop page", graph, PAGE_ID)
    stranger = meta_channel("Other app", graph, OTHER_PAGE, secret="another-apps-secret")
    payload = {"object": "page", "entry": [comment_on(OTHER_PAGE, "1078_2", "b")]}

    post(shop, payload, django_capture_on_commit_callbacks)

    assert not InboundEvent.objects.filter(channel=stranger).exists()
    # Not a page of this channel: acknowledged, kept and counted as unsupported.
    assert InboundEvent.objects.get(channel=shop).state == "unsupported"
