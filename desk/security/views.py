"""Login in two steps when a staff member has enrolled an authenticator app, and the pages
where they turn two-factor login on and off."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_lockout_response
from django.contrib import messages as flash
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from desk.access import public, signed_in
from desk.security import two_factor
from desk.security.forms import CodeForm
from desk.security.two_factor import CodeCheck


def _code_error(check: CodeCheck) -> tuple[str, int]:
    if check is CodeCheck.THROTTLED:
        return _("Too many wrong codes in a row. Wait a few seconds, then try again."), 429
    return _("That code is not right, or it was used already. Enter the current code."), 400


class LoginView(auth_views.LoginView):
    """The password step. With an enrolled app it only opens the code step."""

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not two_factor.has_two_factor(user):
            return super().form_valid(form)
        two_factor.begin_pending_login(
            request=self.request, user=user, next_url=self.get_success_url()
        )
        return redirect("login-code")


@public
@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    pending = two_factor.pending_login(request)
    if pending is None:
        flash.error(request, _("Your login has expired. Log in again."))
        return redirect("login")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        return render(request, "registration/login_code.html", {"form": form})
    if not form.is_valid():
        return render(request, "registration/login_code.html", {"form": form}, status=400)
    check = two_factor.complete_login(
        request=request, pending=pending, code=form.cleaned_data["code"]
    )
    if check is CodeCheck.ACCEPTED:
        return HttpResponseRedirect(pending.next_url)
    if check is CodeCheck.LOCKED_OUT:
        return get_lockout_response(request, None, {"username": pending.user.get_username()})
    message, status = _code_error(check)
    form.add_error("code", message)
    return render(request, "registration/login_code.html", {"form": form}, status=status)


@public
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site logs in through the desk's login, so it asks for the code too."""
    query = request.GET.urlencode()
    return redirect(reverse("login") + (f"?{query}" if query else ""))


@signed_in
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_settings(request: HttpRequest) -> HttpResponse:
    """Show the state, or enrol: scan the code, confirm with the first code the app shows."""
    if two_factor.has_two_factor(request.user):
        return _render_settings(request, enrolled=True, form=CodeForm())
    device = two_factor.enrolment_device(user=request.user)
    if request.method != "POST":
        return _render_settings(request, enrolled=False, form=CodeForm(), device=device)
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _render_settings(request, enrolled=False, form=form, device=device, status=400)
    check = two_factor.confirm_enrolment(
        request=request, device=device, code=form.cleaned_data["code"]
    )
    if check is not CodeCheck.ACCEPTED:
        message, status = _code_error(check)
        form.add_error("code", message)
        return _render_settings(request, enrolled=False, form=form, device=device, status=status)
    flash.success(request, _("Two-factor login is on. Logging in now asks for a code."))
    return redirect("preferences")


@signed_in
@never_cache
@require_POST
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _render_settings(request, enrolled=True, form=form, status=400)
    check = two_factor.remove_two_factor(request=request, code=form.cleaned_data["code"])
    if check is not CodeCheck.ACCEPTED:
        message, status = _code_error(check)
        form.add_error("code", message)
        return _render_settings(request, enrolled=True, form=form, status=status)
    flash.success(request, _("Two-factor login is off."))
    return redirect("preferences")


def _render_settings(
    request: HttpRequest,
    *,
    enrolled: bool,
    form: CodeForm,
    device: Any = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"enrolled": enrolled, "form": form}
    if device is not None:
        context["qr_code"] = two_factor.qr_code_data_uri(device)
        context["secret"] = two_factor.secret_for_manual_entry(device)
    return render(request, "desk/two_factor.html", context, status=status)
