"""A small HTTP server on 127.0.0.1 (ephemeral port) that plays a platform for our client.

Subclasses route requests in `handle`; tests script failures with `fail_next` (a 429 with
Retry-After, 500s, or "accept the request but lose the answer") and read `requests` to see
what our client sent.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, [default])[0]


@dataclass
class Fault:
    path_prefix: str
    status: int
    times: int
    retry_after: str | None = None
    # Process the request, then answer with the fault: the platform acted, we never heard.
    after_processing: bool = False
    method: str | None = None


@dataclass
class Response:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class FakePlatform:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        # Set to hold a request until released: lets a test see a poll in flight.
        self.hold: threading.Event | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(
        self,
        path_prefix: str,
        status: int,
        *,
        times: int = 1,
        retry_after: str | None = None,
        after_processing: bool = False,
        method: str | None = None,
    ) -> None:
        self.faults.append(Fault(path_prefix, status, times, retry_after, after_processing, method))

    def calls(self, path_prefix: str, method: str | None = None) -> list[Request]:
        return [
            r
            for r in self.requests
            if r.path.startswith(path_prefix) and (method is None or r.method == method)
        ]

    def handle(self, request: Request) -> Response:
        raise NotImplementedError

    def _fault_for(self, request: Request) -> Fault | None:
        for fault in self.faults:
            if (
                fault.times > 0
                and request.path.startswith(fault.path_prefix)
                and (fault.method is None or fault.method == request.method)
            ):
                fault.times -= 1
                return fault
        return None

    def respond(self, request: Request) -> Response:
        with self.lock:
            self.requests.append(request)
            fault = self._fault_for(request)
            if fault is not None and not fault.after_processing:
                return self._fault_response(fault)
            response = self.handle(request)
            if fault is not None:
                return self._fault_response(fault)
            return response

    @staticmethod
    def _fault_response(fault: Fault) -> Response:
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        return Response(fault.status, {"error": f"injected {fault.status}"}, headers)

    @contextmanager
    def running(self) -> Iterator[FakePlatform]:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k: v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                if platform.hold is not None:
                    platform.hold.wait(10)
                response = platform.respond(request)
                headers = dict(response.headers)
                if isinstance(response.body, bytes):
                    # A document served as recorded (a feed), with its own Content-Type.
                    payload = response.body
                else:
                    payload = json.dumps(response.body).encode()
                    headers.setdefault("Content-Type", "application/json; charset=utf-8")
                self.send_response(response.status)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
