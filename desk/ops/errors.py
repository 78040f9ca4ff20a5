import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

log = logging.getLogger(__name__)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(("/api/", "/hooks/")) or "json" in request.headers.get(
        "Accept", ""
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this inside its exception handler, so the exception is still at hand.

    A database that is restarting is a 503 the client can retry (platforms redeliver 503
    webhooks), never a 500.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        log.error("database unavailable: %s", exc)
        status, code, message = 503, "unavailable", _("The service is briefly unavailable; retry.")
    else:
        status, code, message = 500, "server_error", _("Something went wrong on our side.")
    if _wants_json(request):
        response: HttpResponse = JsonResponse(
            {"error": {"code": code, "message": message}}, status=status
        )
    else:
        # Without the request: its user and the page frame need the database, which may be
        # the thing that failed.
        page = render_to_string("500.html", {"message": message, "status": status})
        response = HttpResponse(page, status=status)
    if status == 503:
        response["Retry-After"] = "5"
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A machine gets JSON for an address that matches nothing (a mistyped id, an unknown
    endpoint), like every other API error; a person gets the page."""
    if _wants_json(request):
        return JsonResponse(
            {"error": {"code": "not_found", "message": _("Nothing at this address.")}}, status=404
        )
    return defaults.page_not_found(request, exception)
