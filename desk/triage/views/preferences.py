from __future__ import annotations

from django.conf import settings
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from desk.access import signed_in
from desk.security.two_factor import has_two_factor
from desk.triage.forms import PreferencesForm
from desk.triage.middleware import remember
from desk.triage.models import UserPreference


@signed_in
def preferences(request: HttpRequest) -> HttpResponse:
    current = UserPreference.objects.filter(user_id=request.user.pk or 0).first()
    if request.method != "POST":
        form = PreferencesForm(
            initial={
                "language": (current.language if current else "") or translation.get_language(),
                "time_zone": (current.time_zone if current else "")
                or timezone.get_current_timezone_name(),
            }
        )
        return _render(request, form)
    form = PreferencesForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    language, time_zone = form.cleaned_data["language"], form.cleaned_data["time_zone"]
    UserPreference.objects.update_or_create(
        user_id=request.user.pk or 0, defaults={"language": language, "time_zone": time_zone}
    )
    remember(request, language=language, time_zone=time_zone)
    translation.activate(language)
    flash.success(request, _("Preferences saved."))
    response = redirect("preferences")
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


def _render(request: HttpRequest, form: PreferencesForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "two_factor_enrolled": has_two_factor(request.user)}
    return render(request, "desk/preferences.html", context, status=status)
