"""Bounded request bodies: no request may hold a worker by declaring or trickling a body.

One middleware, first in the chain, guards every endpoint that accepts a body (REST, webhooks,
the web form, staff forms): a declared length above MAX_REQUEST_BYTES is refused before a byte
is read, and the body is then read whole against a deadline, so a client that sends a few
bytes a second is answered 408 instead of keeping a sync worker busy until gunicorn kills it.

A socket read blocks per `recv`, and a slow sender makes every `recv` return in time, so a
per-read timeout cannot bound the total: at the deadline a timer shuts the connection's read
side down, the blocked read returns short, and the view never runs.
"""

from __future__ import annotations

import heapq
import io
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from channels.models import Channel
from channels.registry import adapter_class

CHUNK_BYTES = 64 * 1024


class _BodyRefused(Exception):
    # The message is written when the answer is, in the requester's language: this runs before
    # the middleware that picks it.
    def __init__(self, status: int, code: str, message: Callable[[], str]) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message


def bounded_request_body(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            _read_body(request)
        except _BodyRefused as refused:
            return _answer(request, refused)
        return get_response(request)

    return middleware


def read_deadline_seconds(declared: int) -> float:
    """Time allowed for a body: a fixed allowance plus the time a slow but honest link needs."""
    return settings.REQUEST_BODY_TIMEOUT_SECONDS + declared / settings.REQUEST_BODY_MIN_RATE


def _read_body(request: HttpRequest) -> None:
    raw = request.META.get("CONTENT_LENGTH") or ""
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    if not raw.strip():
        if chunked:
            # Django reads no body without a length; refusing says so instead of losing it.
            raise _BodyRefused(
                411, "length_required", lambda: _("Send the request body with a Content-Length.")
            )
        return
    if not raw.strip().isdigit():
        raise _BodyRefused(
            400, "bad_content_length", lambda: _("The Content-Length is not a number.")
        )
    declared = int(raw)
    limit = body_limit(request.path_info)
    if declared > limit:
        raise _BodyRefused(
            413,
            "payload_too_large",
            lambda: _("Request bodies are limited to %(limit)s bytes.") % {"limit": limit},
        )
    if declared == 0:
        return
    body = _read_with_deadline(request, declared, read_deadline_seconds(declared))
    # Django reads `request.body` and form data from `_stream`; handing it the bytes already
    # read keeps every view unchanged.
    request._stream = io.BytesIO(body)
    if declared > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        # A channel that takes larger deliveries (mail with attachments): Django would refuse
        # `request.body` by the general limit, so it is handed the body this limit allowed.
        request._body = body


def body_limit(path: str) -> int:
    """The largest body a request to this path may carry: a webhook URL says by its channel's
    kind (desk-wide limit otherwise); an unknown token gets the general limit and its 404."""
    parts = path.split("/")
    if len(parts) == 4 and parts[1] == "hooks" and parts[2]:
        kind = Channel.objects.webhook_kind(parts[2])
        if kind is not None:
            return adapter_class(kind).max_delivery_bytes()
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def _read_with_deadline(request: HttpRequest, declared: int, seconds: float) -> bytes:
    stream: Any = request._stream
    watchdog = _Watchdog(_connection_fileno(request.META), seconds)
    parts: list[bytes] = []
    received = 0
    try:
        while received < declared:
            try:
                chunk = stream.read(min(CHUNK_BYTES, declared - received))
            except (OSError, ValueError):
                chunk = b""
            if not chunk:
                break
            parts.append(chunk)
            received += len(chunk)
    finally:
        expired = watchdog.stop()
    if received < declared:
        if expired:
            raise _BodyRefused(
                408,
                "request_timeout",
                lambda: (
                    _("The request body did not arrive within %(seconds)d seconds.")
                    % {"seconds": seconds}
                ),
            )
        raise _BodyRefused(
            400, "incomplete_body", lambda: _("The request body ended before its Content-Length.")
        )
    return b"".join(parts)


def _connection_fileno(environ: dict[str, Any]) -> int | None:
    """The client socket's descriptor under gunicorn or Django's own server; None otherwise
    (the test client has no socket, and nothing to wait for)."""
    sock = environ.get("gunicorn.socket")
    if sock is not None:
        return sock.fileno()
    stream: Any = environ.get("wsgi.input")
    # Django's development and live test servers wrap the socket file in a LimitedStream,
    # which keeps only the file's bound read method.
    stream = getattr(getattr(stream, "_read", None), "__self__", stream)
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


class _Watchdog:
    """Shuts the connection's read side at the deadline unless stopped first.

    One thread per process watches every request's deadline: a thread started per request
    would cost each webhook more than its INSERT. Deadlines are seconds long, so the thread
    wakes at most a few times a second and shuts each late connection within a tick."""

    TICK_SECONDS = 0.25

    def __init__(self, fileno: int | None, seconds: float) -> None:
        self._lock = threading.Lock()
        self._stopped = False
        self.expired = False
        self._fileno = fileno
        if fileno is not None:
            _deadlines.watch(time.monotonic() + seconds, self)

    def expire(self) -> None:
        with self._lock:
            # Under the lock the request still owns the descriptor: it cannot have been
            # closed and reused for another connection.
            if self._stopped or self._fileno is None:
                return
            self.expired = True
            try:
                # A duplicate descriptor shuts down the same connection without owning it.
                with socket.socket(fileno=os.dup(self._fileno)) as sock:
                    sock.shutdown(socket.SHUT_RD)
            except OSError:
                pass

    def stop(self) -> bool:
        with self._lock:
            self._stopped = True
        return self.expired


class _Deadlines:
    """The process's watchdogs by deadline, and the one thread that expires them."""

    def __init__(self) -> None:
        self._reset()
        # A forked worker starts without the parent's thread and watches only its own requests.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._heap: list[tuple[float, int, _Watchdog]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: float, watchdog: _Watchdog) -> None:
        with self._lock:
            heapq.heappush(self._heap, (deadline, next(self._order), watchdog))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._expire_due, name="body-deadlines", daemon=True
                )
                self._thread.start()

    def _expire_due(self) -> None:
        while True:
            time.sleep(_Watchdog.TICK_SECONDS)
            now = time.monotonic()
            due = []
            with self._lock:
                while self._heap and self._heap[0][0] <= now:
                    due.append(heapq.heappop(self._heap)[2])
            for watchdog in due:
                watchdog.expire()


_deadlines = _Deadlines()


def _answer(request: HttpRequest, refused: _BodyRefused) -> HttpResponse:
    # Platforms read no prose (desk.config.machine_requests); people and REST clients are
    # answered in the language they ask for.
    webhook = request.path.startswith("/hooks/")
    language = settings.LANGUAGE_CODE if webhook else translation.get_language_from_request(request)
    with translation.override(language):
        message = refused.message()
        if (
            webhook
            or request.path.startswith("/api/")
            or "json" in request.headers.get("Accept", "")
        ):
            response: HttpResponse = JsonResponse(
                {"error": {"code": refused.code, "message": message}}, status=refused.status
            )
        else:
            response = render(
                request,
                "400.html",
                {"code": refused.status, "title": _("Request refused"), "message": message},
                status=refused.status,
            )
    return response
