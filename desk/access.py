"""Who may do what: roles, capabilities, the queues a user sees, and how views declare it.

Roles are Django groups (created by the triage app's migration 0002) holding the permissions
declared on `DeskCapability`; code asks for capabilities, never for group names. Every view
declares who may use it with exactly one decorator of this module:

- `public`: anyone, on purpose (login, webhooks, the web form, health checks);
- `signed_in`: any logged-in person (own preferences, two-factor set-up);
- `capability_required(Capability.X)` and its names `staff_required`, `manager_required`,
  `policy_editor_required`, `approver_required`: logged in, then 403 without the capability.

The declaration is kept on the view as `access_rule`, so a test can list every URL and what
it requires (tests/test_authorization_matrix.py). REST endpoints declare their token scopes
instead (desk.api.permissions).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.translation import gettext_lazy as _

from tickets.models import Queue, Ticket


class Role(StrEnum):
    AGENT = "agent"
    SPOKESPERSON = "spokesperson"
    MANAGER = "manager"
    ADMIN = "admin"


class Capability(StrEnum):
    WORK_TICKETS = "work_tickets"
    POST_COMPANY_VOICE = "post_company_voice"
    ANSWER_NEGATIVE_POSTS = "answer_negative_posts"
    APPROVE_REPLIES = "approve_replies"
    VIEW_DASHBOARDS = "view_dashboards"
    EDIT_POLICIES = "edit_policies"


ROLE_CAPABILITIES: dict[Role, tuple[Capability, ...]] = {
    Role.AGENT: (Capability.WORK_TICKETS,),
    Role.SPOKESPERSON: (
        Capability.WORK_TICKETS,
        Capability.POST_COMPANY_VOICE,
        Capability.ANSWER_NEGATIVE_POSTS,
        Capability.APPROVE_REPLIES,
    ),
    Role.MANAGER: (
        Capability.WORK_TICKETS,
        Capability.VIEW_DASHBOARDS,
        Capability.EDIT_POLICIES,
    ),
    Role.ADMIN: tuple(Capability),
}


# What a person without the capability is told (a 403 page in the site's layout).
REFUSALS: dict[Capability, Any] = {
    Capability.WORK_TICKETS: _("Your role does not allow working on tickets."),
    Capability.POST_COMPANY_VOICE: _("Only spokespeople post in the company's voice."),
    Capability.ANSWER_NEGATIVE_POSTS: _("Only spokespeople answer negative public posts."),
    Capability.APPROVE_REPLIES: _("Only spokespeople approve replies."),
    Capability.VIEW_DASHBOARDS: _("This page is for managers."),
    Capability.EDIT_POLICIES: _("Only managers change service levels and policies."),
}


def can(user: Any, capability: Capability) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.has_perm(f"triage.{capability.value}")
    )


def is_manager(user: Any) -> bool:
    """Managers (and admins): dashboards, calendars, policies, rules, privacy requests.

    A REST client (desk.models.ApiClient) authenticates too, but is never staff.
    """
    return (
        isinstance(user, AbstractBaseUser)
        and user.is_active
        and can(user, Capability.VIEW_DASHBOARDS)
    )


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


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


def _declare[V: Callable[..., HttpResponseBase]](view: V, rule: str) -> V:
    view.access_rule = rule  # type: ignore[attr-defined]
    return view


def public[V: Callable[..., HttpResponseBase]](view: V) -> V:
    """Anyone may use this view, signed in or not (it checks what it needs itself)."""
    return _declare(view, "public")


def signed_in[V: Callable[..., HttpResponseBase]](view: V) -> V:
    """Any signed-in person; anonymous visitors are sent to the login page."""
    return _declare(login_required(view), "signed_in")


def capability_required(capability: Capability) -> Callable[[ViewFunc], ViewFunc]:
    """Log in first, then 403 unless the user holds the capability (through a role)."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not can(request.user, capability):
                raise PermissionDenied(REFUSALS[capability])
            return view(request, *args, **kwargs)

        return _declare(cast(ViewFunc, login_required(wrapped)), f"capability:{capability.value}")

    return decorator


staff_required = capability_required(Capability.WORK_TICKETS)
manager_required = capability_required(Capability.VIEW_DASHBOARDS)
policy_editor_required = capability_required(Capability.EDIT_POLICIES)
approver_required = capability_required(Capability.APPROVE_REPLIES)


def visible_queue_ids(user: Any) -> list[int]:
    """The queues whose tickets the user sees: their own; all of them for a superuser."""
    if not getattr(user, "is_authenticated", False):
        return []
    queues = Queue.objects.all() if user.is_superuser else Queue.objects.filter(members=user)
    return list(queues.order_by("name").values_list("id", flat=True))


def visible_tickets(user: Any, queue_ids: list[int] | None = None) -> QuerySet[Ticket]:
    ids = visible_queue_ids(user) if queue_ids is None else queue_ids
    return Ticket.objects.filter(queue_id__in=ids)


def visible_ticket_or_404(
    user: Any,
    pk: int,
    queryset: QuerySet[Ticket] | None = None,
    queue_ids: list[int] | None = None,
) -> Ticket:
    """The ticket, if the user's queues hold it; otherwise 404, as if it did not exist.
    `queue_ids` are the user's, when the caller has already read them."""
    base = queryset if queryset is not None else Ticket.objects.all()
    ids = visible_queue_ids(user) if queue_ids is None else queue_ids
    ticket = base.filter(pk=pk, queue__in=ids).first()
    if ticket is None:
        raise Http404(_("No such ticket in your queues."))
    return ticket


def user_roles(user: Any) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True)) if user.is_authenticated else []
