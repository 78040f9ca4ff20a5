import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

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
        status, code, message = 503, "unavailable", "The service is briefly unavailable; retry."
    else:
        status, code, message = 500, "server_error", "Something went wrong on our side."
    if _wants_json(request):
        response: HttpResponse = JsonResponse(
            {"error": {"code": code, "message": message}}, status=status
        )
    else:
        response = render(request, "error.html", {"message": message}, status=status)
    if status == 503:
        response["Retry-After"] = "5"
    return response
