"""The notification centre: the bell on every staff page, the list, mark read, preferences."""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from desk.access import staff_required
from desk.models import Notification, NotificationPreference
from desk.notifications import address, services
from desk.notifications.kinds import CATEGORIES, category_of, kinds_of
from tickets.text import isolated

PAGE_SIZE = 50


def _internal(url: str) -> str:
    """Links of notifications are paths on this site; anything else goes to the list."""
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return reverse("notifications:list")


@staff_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    count = services.unread(request.user).count()
    return render(request, "notifications/_bell_live.html", {"unread_count": count})


@staff_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("category", "")
    only_unread = request.GET.get("unread") == "1"
    found = Notification.objects.filter(user_id=request.user.pk or 0)
    if category:
        kinds = kinds_of(category)
        if kinds is None:
            return HttpResponseBadRequest(_("Unknown filter."))
        found = found.filter(kind__in=sorted(kinds))
    if only_unread:
        found = found.filter(read_at__isnull=True)
    rows = [(n, category_of(n.kind)) for n in found.order_by("-created_at", "-id")[:PAGE_SIZE]]
    context = {
        "rows": rows,
        "categories": [(slug, label) for slug, (label, _kinds) in CATEGORIES.items()],
        "category": category,
        "only_unread": only_unread,
        "unread_count": services.unread(request.user).count(),
    }
    partial = request.GET.get("partial") == "1"
    template = "notifications/_items.html" if partial else "notifications/list.html"
    return render(request, template, context)


@staff_required
@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    notification = Notification.objects.filter(pk=pk, user_id=request.user.pk or 0).first()
    if notification is None:
        return redirect("notifications:list")
    services.mark_read(user=request.user, notification_id=pk)
    return redirect(_internal(notification.url))


@staff_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.mark_read(user=request.user, notification_id=pk):
        return HttpResponseBadRequest(_("No such notification."))
    return redirect(_back(request))


@staff_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    category = request.POST.get("category", "")
    kinds = kinds_of(category) if category else None
    if category and kinds is None:
        return HttpResponseBadRequest(_("Unknown filter."))
    services.mark_all_read(user=request.user, kinds=kinds)
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    category = request.POST.get("category", "")
    url = reverse("notifications:list")
    return f"{url}?category={category}" if category in CATEGORIES else url


class AddressForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("New e-mail address"), max_length=254)


@staff_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    preference = _preference_of(request)
    error = ""
    if request.method == "POST":
        choice = request.POST.get("email", "")
        if choice not in NotificationPreference.Email.values:
            error = _("Choose how you want to be e-mailed.")
        else:
            preference.email = choice
            preference.save(update_fields=["email"])
            return redirect("notifications:preferences")
    return _preferences_page(request, preference, AddressForm(), error=error)


def _preference_of(request: HttpRequest) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.get_or_create(
        user_id=request.user.pk or 0
    )
    return preference


def _preferences_page(
    request: HttpRequest,
    preference: NotificationPreference,
    address_form: AddressForm,
    *,
    error: str = "",
    status: int = 400,
) -> HttpResponse:
    invalid = bool(error or address_form.errors)
    return render(
        request,
        "notifications/preferences.html",
        {
            "preference": preference,
            "choices": NotificationPreference.Email.choices,
            "address": getattr(request.user, "email", ""),
            "address_form": address_form,
            "error": error,
        },
        status=status if invalid else 200,
    )


@staff_required
@require_POST
def change_address(request: HttpRequest) -> HttpResponse:
    """Mail the new address a confirmation link; the address changes once it is opened."""
    form = AddressForm(request.POST)
    if not form.is_valid():
        return _preferences_page(request, _preference_of(request), form)
    new = form.cleaned_data["email"]
    try:
        sent = address.send_confirmation(request.user, new)
    except address.TooManyConfirmations:
        form.add_error(
            "email", _("You asked for too many confirmation e-mails. Try again in an hour.")
        )
        return _preferences_page(request, _preference_of(request), form, status=429)
    if sent:
        flash.success(
            request,
            _("We sent a link to %(address)s. Your address changes when you open it.")
            % {"address": isolated(new)},
        )
    else:
        flash.error(request, _("The confirmation e-mail could not be sent. Try again later."))
    return redirect("notifications:preferences")


@staff_required
@require_http_methods(["GET", "POST"])
def confirm_address(request: HttpRequest, token: str) -> HttpResponse:
    """The link's page asks once more, so that a mail scanner opening it changes nothing."""
    if request.method == "POST":
        confirmed = address.confirm(request.user, token)
        if confirmed is not None:
            flash.success(
                request,
                _("Your notifications now go to %(address)s.") % {"address": isolated(confirmed)},
            )
            return redirect("notifications:preferences")
    else:
        new = address.new_address(request.user, token)
        if new is not None:
            return render(request, "notifications/confirm_address.html", {"address": new})
    return render(request, "notifications/confirm_address.html", {"invalid": True}, status=400)
