"""Who may do what in this app; managers are defined by the desk's roles (desk.triage)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from desk.triage.permissions import Role, is_manager


def is_communications(user: Any) -> bool:
    """Members of the communications / press queue speak for the company in a crisis."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_manager(user) or user.desk_queues.filter(slug="communications").exists()


def crisis_recipients() -> QuerySet[Any]:
    """Managers and the communications team: who is alerted when a crisis starts."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__name=Role.MANAGER)
            | Q(desk_queues__slug="communications")
        )
        .distinct()
    )


def manager_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Managers only: others who are logged in get a 403, anonymous users the login page."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_manager(request.user):
            raise PermissionDenied(_("Only managers may do this."))
        return view(request, *args, **kwargs)

    return wrapped
