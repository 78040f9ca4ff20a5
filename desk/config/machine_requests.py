"""Requests from machines take a short middleware chain of their own.

Platforms posting webhooks and REST clients holding a token have no session, no staff user,
no form to protect from cross-site posts and no page to flash messages on; the staff chain
(sessions, authentication, two factors, preferences, CSRF, messages, axes, static files)
costs them time on every request and gives them nothing. They keep what protects every
response and every worker: the request body limits, the security headers and (REST clients
only: platforms read no prose) the language.

A REST request that carries a session cookie is a signed-in person's browser (the privacy and
metrics endpoints authenticate by session): it takes the staff chain, whose CSRF and two-factor
checks it needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from desk.config import components


def is_machine_request(request: HttpRequest) -> bool:
    path = request.path_info
    if path.startswith("/hooks/"):
        return True
    return path.startswith("/api/") and settings.SESSION_COOKIE_NAME not in request.COOKIES


class _MachineChain(BaseHandler):
    """A handler over `components.MACHINE_MIDDLEWARE` that resolves and calls the view as
    Django's own handler does (view, template-response and exception middleware included)."""

    def __init__(self, paths: list[str]) -> None:
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        handler: Any = convert_exception_to_response(self._resolve_and_call_view)
        for path in reversed(paths):
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._chain = handler

    def _resolve_and_call_view(self, request: HttpRequest) -> HttpResponse:
        # BaseHandler's own step, with this chain's view and exception middleware.
        handler: Any = super()
        response: HttpResponse = handler._get_response(request)
        return response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self._chain(request)
        return response


def machine_requests_apart(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    machine_chain = _MachineChain(components.MACHINE_MIDDLEWARE)
    webhook_chain = _MachineChain(components.WEBHOOK_MIDDLEWARE)

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/hooks/"):
            return webhook_chain(request)
        if is_machine_request(request):
            return machine_chain(request)
        return get_response(request)

    return middleware
