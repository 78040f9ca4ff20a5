"""Who may do what on the desk: roles, capabilities and the queues a user sees.

Roles are Django groups (created by migration 0002_roles) holding the permissions declared on
`DeskCapability`. Other pages use the checks here rather than naming groups, e.g.::

    from desk.triage.permissions import capability_required, Capability

    @capability_required(Capability.EDIT_POLICIES)
    def calendar_edit(request): ...
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
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
# Admins also manage these lists in the admin site (app label, model).
ADMIN_MANAGED_MODELS = (("triage", "confidentialterm"), ("triage", "cannedreply"))


def can(user: Any, capability: Capability) -> bool:
    return bool(user.is_authenticated and user.has_perm(f"triage.{capability.value}"))


def is_manager(user: Any) -> bool:
    """Managers (and admins): dashboards, calendars, policies, rules, privacy requests.

    A REST client (desk.models.ApiClient) authenticates too, but is never staff.
    """
    return (
        isinstance(user, AbstractBaseUser)
        and user.is_active
        and can(user, Capability.VIEW_DASHBOARDS)
    )


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def capability_required(capability: Capability) -> Callable[[ViewFunc], ViewFunc]:
    """Log in first, then 403 unless the user holds the capability (through a role)."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, capability):
                raise PermissionDenied(
                    _("This needs the %(capability)s permission.")
                    % {"capability": capability.value}
                )
            return view(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorator


staff_required = capability_required(Capability.WORK_TICKETS)
manager_required = capability_required(Capability.VIEW_DASHBOARDS)
policy_editor_required = capability_required(Capability.EDIT_POLICIES)


def visible_queue_ids(user: Any) -> list[int]:
    """The queues whose tickets the user sees: their own; all of them for a superuser."""
    if not user.is_authenticated:
        return []
    queues = Queue.objects.all() if user.is_superuser else Queue.objects.filter(members=user)
    return list(queues.order_by("name").values_list("id", flat=True))


def visible_tickets(user: Any, queue_ids: list[int] | None = None) -> QuerySet[Ticket]:
    ids = visible_queue_ids(user) if queue_ids is None else queue_ids
    return Ticket.objects.filter(queue_id__in=ids)


def visible_ticket_or_404(user: Any, pk: int, queryset: QuerySet[Ticket] | None = None) -> Ticket:
    """The ticket, if the user's queues hold it; otherwise 404, as if it did not exist."""
    base = queryset if queryset is not None else Ticket.objects.all()
    ticket = base.filter(pk=pk, queue__in=visible_queue_ids(user)).first()
    if ticket is None:
        raise Http404(_("No such ticket in your queues."))
    return ticket


def user_roles(user: Any) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True)) if user.is_authenticated else []


__all__ = [
    "Capability",
    "Role",
    "can",
    "capability_required",
    "login_required",
    "manager_required",
    "policy_editor_required",
    "staff_required",
    "visible_queue_ids",
    "visible_ticket_or_404",
    "visible_tickets",
]
