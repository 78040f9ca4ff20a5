"""The one outbound HTTP client: every platform call goes through `request`.

It applies timeouts, retries 429 and 5xx answers (honouring `Retry-After`) when a retry
cannot post twice, refuses private and loopback addresses (a channel's URL must not reach
into our own network), and turns failures into `AdapterError`s that say whether trying
again can help.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
from django.conf import settings
from django.utils import timezone

from channels.errors import AdapterError, RateLimited

log = logging.getLogger(__name__)

# Methods that change nothing, or change the same thing however often they run.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
USER_AGENT = "socialdesk/0.1 (+https://github.com/socialdesk/socialdesk)"

_session = requests.Session()
# Hosts answered by a transport mounted in code instead of the network (the demo's sandbox
# platform, mounted by desk.demo only in demo mode); they skip the private-address check.
_mounted_hosts: set[str] = set()


def mount(prefix: str, transport: requests.adapters.BaseAdapter) -> None:
    """Answer every request under `prefix` (scheme://host/) with `transport`."""
    _session.mount(prefix, transport)
    _mounted_hosts.add(urlsplit(prefix).hostname or "")


class HttpError(AdapterError):
    """The platform answered with an error status; `payload` is its JSON body if it had one."""

    def __init__(self, message: str, *, status: int, payload: Any, permanent: bool) -> None:
        super().__init__(message, permanent=permanent)
        self.status = status
        self.payload = payload
        # A 401 means our token or password is wrong: no retry fixes that.
        self.disables_channel = status == 401


class BlockedDestination(AdapterError):
    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


def check_destination(host: str) -> None:
    """Refuse hosts that resolve to non-public addresses, unless settings allow the host.

    Checked before connecting; OUTBOUND_ALLOW_PRIVATE_HOSTS lists hosts (tests' fake
    platforms on 127.0.0.1, an internal mail server) that may be private.
    """
    if host in settings.OUTBOUND_ALLOW_PRIVATE_HOSTS:
        return
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise AdapterError(f"Cannot resolve {host!r}: {exc}.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise BlockedDestination(
                f"{host!r} resolves to the non-public address {address}; refused. "
                "Add the host to OUTBOUND_ALLOW_PRIVATE_HOSTS if it is meant to be reached."
            )


def retry_after_seconds(value: str | None) -> float | None:
    """Read a Retry-After header: delta seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((moment - timezone.now()).total_seconds(), 0.0)


def rate_limit_reset_seconds(value: str | None) -> float | None:
    """Read X's `x-rate-limit-reset` (epoch seconds when the window reopens).

    X answers 429 without Retry-After; waiting blindly would burn the retries in seconds
    while the window stays shut for up to 15 minutes.
    https://docs.x.com/x-api/fundamentals/rate-limits
    """
    if not value or not value.strip().isdigit():
        return None
    return max(float(value.strip()) - time.time(), 0.0)


def request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    params: Any = None,
    json_body: Any = None,
    data: Any = None,
    timeout: float | None = None,
    retry_unsafe: bool | None = None,
) -> requests.Response:
    """Send one request with retries; return the response if its status is below 400.

    A POST is retried after a 5xx or a lost connection only if it carries an
    Idempotency-Key (or retry_unsafe says so): otherwise a second try might post twice.
    A 429 is always retried, because the platform refused the request unprocessed.
    """
    method = method.upper()
    headers = {"User-Agent": USER_AGENT, **(headers or {})}
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AdapterError(f"{url!r} is not an http(s) URL.", permanent=True)
    if parts.hostname not in _mounted_hosts:
        check_destination(parts.hostname)
    if retry_unsafe is None:
        retry_unsafe = method in IDEMPOTENT_METHODS or "Idempotency-Key" in headers
    timeout = timeout or settings.HTTP_TIMEOUT_SECONDS
    attempts = settings.HTTP_MAX_RETRIES + 1
    problem = ""
    for attempt in range(attempts):
        last_try = attempt == attempts - 1
        try:
            response = _session.request(
                method,
                url,
                headers=headers,
                params=params,
                json=json_body,
                data=data,
                timeout=(min(5.0, timeout), timeout),
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            problem = f"{method} {_safe(url)} failed: {type(exc).__name__}"
            if not retry_unsafe or last_try:
                raise AdapterError(problem) from None
            _pause(None, attempt)
            continue
        status = response.status_code
        if status < 300:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if status == 429 and wait is None:
            wait = rate_limit_reset_seconds(response.headers.get("x-rate-limit-reset"))
        if status == 429:
            problem = f"{method} {_safe(url)}: rate limited (429)"
            if wait is not None and wait > settings.HTTP_MAX_RETRY_WAIT_SECONDS:
                raise RateLimited(f"{problem}; retry after {wait:.0f} s.", retry_after=wait)
            if last_try:
                raise RateLimited(
                    f"{problem}; still limited after {attempts} tries.", retry_after=wait or 60.0
                )
            _pause(wait, attempt)
            continue
        if status >= 500:
            problem = f"{method} {_safe(url)}: the platform answered {status}"
            if not retry_unsafe or last_try:
                raise HttpError(problem, status=status, payload=_payload(response), permanent=False)
            _pause(wait, attempt)
            continue
        if status < 400:
            raise HttpError(
                f"{method} {_safe(url)} redirected to {response.headers.get('Location', '?')}; "
                "redirects are not followed.",
                status=status,
                payload=None,
                permanent=True,
            )
        payload = _payload(response)
        raise HttpError(
            f"{method} {_safe(url)}: {status} {_describe(payload)}".strip(),
            status=status,
            payload=payload,
            permanent=True,
        )
    raise AdapterError(problem or f"{method} {_safe(url)} failed.")


def _pause(retry_after: float | None, attempt: int) -> None:
    wait = retry_after if retry_after is not None else settings.HTTP_RETRY_BASE_SECONDS * 2**attempt
    time.sleep(min(wait, settings.HTTP_MAX_RETRY_WAIT_SECONDS))


def _payload(response: requests.Response) -> Any:
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        return response.text[:500]


def _describe(payload: Any) -> str:
    if isinstance(payload, dict):
        for key in ("error_description", "message", "error"):
            if isinstance(payload.get(key), str):
                return payload[key][:300]
    return str(payload)[:300] if payload else ""


def _safe(url: str) -> str:
    """The URL without its query, which may carry tokens."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
