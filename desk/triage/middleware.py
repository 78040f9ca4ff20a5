"""Every page in the staff member's own language and time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from desk.triage.models import UserPreference

SESSION_KEY = "desk_preferences"


def remember(request: HttpRequest, *, language: str, time_zone: str) -> None:
    """Keep the preferences in the session so pages need no query to apply them."""
    stored = request.session.get(SESSION_KEY) or {}
    request.session[SESSION_KEY] = {
        "language": language,
        "time_zone": time_zone,
        "browser_language": stored.get("browser_language", ""),
    }


def _load(request: HttpRequest) -> dict[str, str]:
    stored = request.session.get(SESSION_KEY)
    if stored is None:
        preference = UserPreference.objects.filter(user_id=request.user.pk or 0).first()
        stored = {
            "language": preference.language if preference else "",
            "time_zone": preference.time_zone if preference else "",
            "browser_language": preference.browser_language if preference else "",
        }
        request.session[SESSION_KEY] = stored
    return stored


def _note_browser_language(request: HttpRequest, preferences: dict[str, str]) -> None:
    """Record the language the browser chose for the pages, once per session and change, for
    what is written to this person away from a request (notifications, e-mails)."""
    UserPreference.objects.update_or_create(
        user_id=request.user.pk or 0, defaults={"browser_language": request.LANGUAGE_CODE}
    )
    request.session[SESSION_KEY] = {**preferences, "browser_language": request.LANGUAGE_CODE}


def user_preferences(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    languages = {code for code, _ in settings.LANGUAGES}

    def middleware(request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return get_response(request)
        preferences = _load(request)
        if preferences["language"] in languages:
            translation.activate(preferences["language"])
            request.LANGUAGE_CODE = preferences["language"]
        elif (
            request.method == "GET"  # a page view: a form that is refused writes nothing
            and request.LANGUAGE_CODE in languages
            and preferences.get("browser_language") != request.LANGUAGE_CODE
        ):
            _note_browser_language(request, preferences)
        try:
            timezone.activate(zoneinfo.ZoneInfo(preferences["time_zone"]))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        try:
            response = get_response(request)
        finally:
            timezone.deactivate()
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

    return middleware
