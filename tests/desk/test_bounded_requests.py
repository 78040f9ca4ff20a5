"""No request can hold a worker: against a real server, every URL that could take a body
answers a lying Content-Length and a slow sender within seconds."""

from __future__ import annotations

import os
import re
import select
import socket
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import gunicorn_serving

SAMPLE_ARGUMENTS = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.UUID(int=1))}


def every_path() -> list[str]:
    """One concrete path per URL pattern of the project (the admin's root stands for it)."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route == "admin/":
                    yield route
                else:
                    yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route

    def concrete(route: str) -> str:
        return "/" + re.sub(
            r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_ARGUMENTS[m.group(1) or "str"], route
        )

    return sorted({concrete(route) for route in walk(get_resolver().url_patterns, "")})


def send_request(base_url: str, path: str, *, declared: int, trickle: bool) -> tuple[int, float]:
    """POST with a declared length; send 3 bytes a second if trickling. Returns the status and
    the seconds until the status line came."""
    address = urlsplit(base_url)
    started = time.monotonic()
    with socket.create_connection((address.hostname, address.port), timeout=15) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {address.hostname}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n".encode()
        )
        received = b""
        while time.monotonic() - started < 15:
            readable, _, _ = select.select([sock], [], [], 1.0)
            if readable:
                chunk = sock.recv(4096)
                received += chunk
                if b"\r\n" in received or not chunk:
                    break
            elif trickle:
                try:
                    sock.sendall(b'{"a')
                except OSError:
                    pass
        elapsed = time.monotonic() - started
    status_line = received.split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1]) if status_line else 0, elapsed


@pytest.fixture
def short_deadline(settings: Any) -> None:
    settings.REQUEST_BODY_TIMEOUT_SECONDS = 1.5


@pytest.fixture
def gunicorn_url(tmp_path: Any) -> Iterator[str]:
    """The production server, one sync worker: a held worker would be the whole server."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "REQUEST_BODY_TIMEOUT_SECONDS": "1.5",
    }
    env.pop("REDIS_URL", None)
    with gunicorn_serving(env) as port:
        yield f"http://127.0.0.1:{port}"


def test_every_url_refuses_a_declared_body_above_the_limit_unread(live_server: Any) -> None:
    declared = 50 * 1024 * 1024
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = dict(
            zip(
                every_path(),
                pool.map(
                    lambda path: send_request(
                        live_server.url, path, declared=declared, trickle=False
                    ),
                    every_path(),
                ),
                strict=True,
            )
        )
    slow_or_wrong = {
        path: answer for path, answer in answers.items() if answer[0] != 413 or answer[1] > 3
    }
    assert slow_or_wrong == {}


def test_every_url_answers_a_slow_sender_with_408_within_seconds(
    live_server: Any, short_deadline: None
) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = dict(
            zip(
                every_path(),
                pool.map(
                    lambda path: send_request(live_server.url, path, declared=2000, trickle=True),
                    every_path(),
                ),
                strict=True,
            )
        )
    slow_or_wrong = {
        path: answer for path, answer in answers.items() if answer[0] != 408 or answer[1] > 5
    }
    assert slow_or_wrong == {}


def test_a_slow_body_is_refused_under_gunicorn(gunicorn_url: str) -> None:
    status, elapsed = send_request(gunicorn_url, "/api/v1/inquiries/", declared=2000, trickle=True)

    assert (status, elapsed < 5) == (408, True)


def test_a_complete_body_still_reaches_the_view(live_server: Any) -> None:
    status, _ = send_request(live_server.url, "/api/v1/inquiries/", declared=0, trickle=False)

    # No token: the view itself answered, so the body path let the request through.
    assert status == 401
