"""STAFF_REQUIRE_2FA: no staff page before the session has passed a second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from desk.security.two_factor import has_two_factor

# Reachable by a signed-in user who has not passed a second factor yet: how to get one,
# how to leave, and what machines (load balancers, Prometheus) ask for.
_OPEN_URL_NAMES = ("two-factor", "logout", "login", "login-code", "ping", "health", "metrics")


def require_two_factor(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        if not settings.STAFF_REQUIRE_2FA or not request.user.is_authenticated:
            return get_response(request)
        # django-otp's OTPMiddleware gives the user is_verified().
        user: Any = request.user
        if user.is_verified() or _is_open(request.path):
            return get_response(request)
        if request.path.startswith("/api/"):
            message = _("Turn on two-factor login on your preferences page first.")
            return JsonResponse(
                {"error": {"code": "two_factor_required", "message": message}}, status=403
            )
        if has_two_factor(request.user):
            # A session from before the app was enrolled (or from elsewhere): the code step
            # is part of logging in, so log in again.
            logout(request)
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        return redirect("two-factor")

    return middleware


def _is_open(path: str) -> bool:
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    return path.startswith(static_prefix) or path in {reverse(name) for name in _OPEN_URL_NAMES}
