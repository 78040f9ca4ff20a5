"""No delivery can crash processing: every adapter's recorded payloads, and hypothesis'
mutations of them (fields removed, null, of the wrong type, empty, very long, in unusual
Unicode, nested deeper, ids above 2^53, unknown event types), end as messages, as a known
ignore with its reason, or as unsupported with its reason. Never an error that retries."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from channels.adapters.base import InvalidPayload
from channels.models import Channel, InboundEvent
from channels.services import create_channel
from desk.ingestion.processing import Outcome, process_event
from tests.fakes import bluesky, linkedin, meta, x, youtube
from tests.fakes.fixtures import FIXTURES, fixture_json
from tests.fakes.meta import FakeGraph
from tests.fakes.webhooks import meta_signature, x_signature

FINAL_STATES = {InboundEvent.State.DONE, InboundEvent.State.IGNORED, InboundEvent.State.UNSUPPORTED}
# Every stored body and each of its mutations is one example; enough to find a crash in a
# parser, few enough that CI runs the file in seconds.
EXAMPLES_PER_KIND = 40
NOWHERE = "http://127.0.0.1:9"
# Longer than any platform allows a post to be (Facebook: 63,206 characters).
LONG = 70_000

CHANNEL_VALUES: dict[str, dict[str, str]] = {
    "x": {"account_id": x.ACCOUNT_ID, "handle": "infopark", "api_url": NOWHERE}
    | {"consumer_secret": x.CONSUMER_SECRET, "access_token": "t"},
    "bluesky": {"service_url": NOWHERE, "handle": bluesky.HANDLE, "app_password": "p"},
    "mastodon": {"instance_url": NOWHERE, "access_token": "t"},
    "youtube": {"channel_id": youtube.CHANNEL_ID, "api_url": NOWHERE, "token_url": NOWHERE}
    | {"client_id": "c", "client_secret": "s", "refresh_token": "r"},
    "linkedin": {"organization_id": linkedin.ORG_ID, "api_url": NOWHERE, "token_url": NOWHERE}
    | {"access_token": "t", "refresh_token": "r", "client_id": "c", "client_secret": "s"},
    "email": {"address": "support@infopark.example", "username": "u", "password": "p"}
    | {"imap_host": "127.0.0.1", "smtp_host": "127.0.0.1"},
    "webform": {"site_name": "Infopark", "reply_from": "support@infopark.example"},
    "webhook": {"secret": "s"},
    "api": {},
}


def stored_shape(kind: str, path: Path) -> list[bytes]:
    """The raw events an adapter stores, built from one recorded payload: a polled adapter
    stores each item it found wrapped in its own envelope."""
    if path.suffix == ".eml":
        return [path.read_bytes()]
    payload = json.loads(path.read_text())
    name = path.stem
    if kind == "youtube":
        if name.startswith("comment__"):
            return [_json({"kind": "youtube#comment", "comment": payload})]
        return [_json(item) for item in payload.get("items", [])] or [_json(payload)]
    if kind == "linkedin":
        if name.startswith("comment"):
            comments = payload.get("elements", [payload])
            return [
                _json({"kind": "comment", "post": linkedin.POST, "comment": c}) for c in comments
            ]
        return [_json({"kind": "mention", "post": payload})]
    if kind == "webform":
        now = timezone.now().isoformat()
        notice = {"id": 1, "language": "de", "version": 1, "shown_at": now}
        return [
            _json(
                {**payload, "submission_id": f"form-{name}", "submitted_at": now, "notice": notice}
            )
        ]
    return [_json(payload)]


def _json(value: Any) -> bytes:
    # ensure_ascii: a lone surrogate travels as the \\ud800 escape platforms can send.
    return json.dumps(value).encode()


def corpus(kind: str) -> list[bytes]:
    folder = FIXTURES / ("email" if kind == "email" else kind)
    return [body for path in sorted(folder.iterdir()) for body in stored_shape(kind, path)]


KINDS = sorted(CHANNEL_VALUES.keys() | {"meta"})


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    with FakeGraph().running() as fake:
        yield fake


@pytest.fixture
def make_channel(db: None, settings: Any, graph: FakeGraph) -> Callable[[str], Channel]:
    settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.HTTP_MAX_RETRIES = 0

    def make(kind: str) -> Channel:
        values = (
            CHANNEL_VALUES[kind]
            if kind != "meta"
            else {
                "graph_url": graph.url,
                "app_secret": meta.APP_SECRET,
                "verify_token": "v",
                "page_tokens": f"{meta.PAGE_ID}:{meta.PAGE_TOKEN}",
                "instagram_accounts": f"{meta.IG_ID}:{meta.PAGE_ID}",
            }
        )
        channel = create_channel(kind=kind, name=f"fuzzed {kind}", values=values)
        if kind == "mastodon":
            # The account's id, as a first poll leaves it: admin webhooks are matched to it.
            account = json.loads(
                (FIXTURES / "mastodon" / "account__verify_credentials.json").read_text()
            )
            channel.poll_cursor = {"account_id": str(account["id"])}
            channel.save(update_fields=["poll_cursor"])
        if kind == "bluesky":
            # The account's DID, as a first poll leaves it: Jetstream events name it.
            session = json.loads((FIXTURES / "bluesky" / "session__create.json").read_text())
            channel.poll_cursor = {"did": session["did"]}
            channel.save(update_fields=["poll_cursor"])
        return channel

    return make


def process(channel: Channel, body: bytes) -> InboundEvent:
    now = timezone.now()
    event = InboundEvent.objects.create(
        channel=channel,
        source=InboundEvent.Source.POLL,
        body=body,
        content_type="message/rfc822" if channel.kind == "email" else "application/json",
        # What the REST view records beside an inquiry it stores.
        headers={
            "inquiry_id": f"i-{now.timestamp()}",
            "api_client": "1",
            "received_at": now.isoformat(),
        },
    )
    outcome, _ = process_event(event.pk)
    event.refresh_from_db()
    assert outcome == Outcome.PROCESSED, event.last_error
    assert event.state in FINAL_STATES, event.last_error
    if event.state != InboundEvent.State.DONE:
        assert event.last_error, "an ignored or unsupported event says why"
    return event


@pytest.mark.parametrize("kind", KINDS)
def test_every_recorded_payload_ends_as_a_message_an_ignore_or_unsupported(
    kind: str, make_channel: Callable[[str], Channel]
) -> None:
    channel = make_channel(kind)
    states = [process(channel, body).state for body in corpus(kind)]

    assert InboundEvent.State.DONE in states


# -- mutations -----------------------------------------------------------------------------

ODD_TEXT = st.sampled_from(
    [
        "",
        " \n\t \u200b ",
        "\u202eevil.exe\u202c",
        "\u0000nul",
        "\ud800",
        "Ａ" * 3,
        "e\u0301" * 50,
        "🏳️‍🌈" * 20,
        "x" * 20_000,
        "\u0410nna",
        "null",
        "1e309",
        "9007199254740993",
        "2026-13-45T99:99:99Z",
    ]
)
JUNK: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.sampled_from([2**53 + 1, 2**63, -1, 0, 10**20])
    | st.floats(allow_nan=False)
    | ODD_TEXT
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
# Keys that name an event's type on some platform: set to something no adapter knows.
TYPE_KEYS = {"type", "object", "field", "item", "verb", "kind", "reason", "$type"}


def paths_of(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths_of(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths_of(item, (*prefix, index))
    return found


def mutate(document: Any, path: tuple[Any, ...], how: str, junk: Any) -> Any:
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    key = path[-1]
    old = parent[key]
    if how == "remove":
        del parent[key]
    elif how == "null":
        parent[key] = None
    elif how == "empty":
        parent[key] = "" if not isinstance(old, list | dict) else type(old)()
    elif how == "long":
        seed = (str(old) if not isinstance(old, list | dict) else "") or "x"
        parent[key] = (seed * (LONG // len(seed) + 1))[:LONG]
    elif how == "deeper":
        parent[key] = {"value": [old]}
    elif how == "big_id":
        parent[key] = 2**53 + 7 if not isinstance(old, str) else str(2**64 + 7)
    elif how == "unknown_type" and key in TYPE_KEYS:
        parent[key] = "no_such_event_type"
    else:
        parent[key] = junk
    return document


HOW = st.sampled_from(
    ["remove", "null", "empty", "long", "deeper", "big_id", "unknown_type", "junk", "junk"]
)


def mutated_bodies(kind: str) -> st.SearchStrategy[bytes]:
    bodies = corpus(kind)

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        body = draw(st.sampled_from(bodies))
        if kind == "email":
            lines = body.split(b"\n")
            index = draw(st.integers(0, len(lines) - 1))
            replacement = draw(ODD_TEXT | st.text(max_size=40)).encode("utf-8", "surrogatepass")
            lines[index : index + draw(st.integers(0, 3))] = [replacement]
            return b"\n".join(lines)
        document = json.loads(body)
        for _ in range(draw(st.integers(1, 3))):
            paths = paths_of(document)
            if not paths:
                break
            path = draw(st.sampled_from(paths))
            document = mutate(document, path, draw(HOW), draw(JUNK))
        return _json(document)

    return build()


@pytest.mark.parametrize("kind", KINDS)
def test_no_mutation_of_a_recorded_payload_crashes_processing(
    kind: str, make_channel: Callable[[str], Channel]
) -> None:
    channel = make_channel(kind)

    @settings(
        max_examples=EXAMPLES_PER_KIND,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(body=mutated_bodies(kind))
    def check(body: bytes) -> None:
        process(channel, body)

    check()


@pytest.mark.parametrize("kind", ["meta", "x", "webhook"])
def test_a_mutated_webhook_delivery_is_answered_200_or_a_4xx_never_500(
    kind: str, make_channel: Callable[[str], Channel]
) -> None:
    channel = make_channel(kind)
    sign = {
        "meta": ("X-Hub-Signature-256", lambda body: meta_signature(meta.APP_SECRET, body)),
        "x": ("x-twitter-webhooks-signature", lambda body: x_signature(x.CONSUMER_SECRET, body)),
        "webhook": ("X-Socialdesk-Signature", lambda body: meta_signature("s", body)),
    }[kind]
    adapter = channel.adapter()
    # Junk strings of 20,000 characters in a few places make a body larger than any request
    # may be; the fuzzer draws one now and then, and this example every time.
    limit = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    oversized = _json({**json.loads(corpus(kind)[0]), "padding": "x" * limit})

    @settings(
        max_examples=EXAMPLES_PER_KIND // 2,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(body=mutated_bodies(kind))
    @example(body=oversized)
    def check(body: bytes) -> None:
        try:
            adapter.check_payload(body)
        except InvalidPayload:
            pass
        header = f"HTTP_{sign[0].upper().replace('-', '_')}"
        response = Client().post(
            channel.webhook_path,
            data=body,
            content_type="application/json",
            **{header: sign[1](body)},
        )
        if len(body) > limit:
            # Refused unread, with its reason, before any adapter sees it.
            assert response.status_code == 413, response.content
            assert b"payload_too_large" in response.content
        else:
            assert response.status_code in (200, 400), response.content

    check()


def test_a_meta_message_with_null_text_is_stored_as_ignored_not_retried(
    make_channel: Callable[[str], Channel],
) -> None:
    channel = make_channel("meta")
    payload = fixture_json("meta", "messaging__message")
    payload["entry"][0]["messaging"][0]["message"]["text"] = None
    del payload["entry"][0]["messaging"][0]["message"]["attachments"]

    event = process(channel, _json(payload))

    assert (event.state, event.last_error) == (
        InboundEvent.State.IGNORED,
        "the text is empty: only whitespace or invisible characters",
    )
