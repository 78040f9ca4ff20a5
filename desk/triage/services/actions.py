"""Triage actions on tickets, one at a time or in bulk; each one written to the audit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from desk.access import Capability
from desk.notifications import notify
from desk.sla import clocks
from desk.triage.labels import STATUS_LABELS
from desk.triage.services.delivery import may_take_netiquette_mark_back
from tickets.models import IllegalTransition, Queue, Ticket, TicketEvent
from tickets.services import tag_by_name
from tickets.text import isolated

FLAG_TAG = "flagged-to-communications"


class Action(StrEnum):
    ASSIGN_ME = "assign_me"
    ASSIGN = "assign"
    MOVE = "move"
    PRIORITY = "priority"
    TAG = "tag"
    RESOLVE = "resolve"
    NETIQUETTE = "netiquette"
    UNMARK_NETIQUETTE = "unmark_netiquette"
    FLAG = "flag"


class ActionRefused(Exception):
    """An action that cannot apply to this ticket; the message says why, for the page."""


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def apply_action(*, ticket: Ticket, actor: Any, action: Action, value: str = "") -> None:
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().select_related("queue").get(pk=ticket.pk)
        _APPLY[action](ticket, actor, value.strip())


def apply_bulk(
    *, tickets: Iterable[Ticket], actor: Any, action: Action, value: str = ""
) -> BulkResult:
    result = BulkResult()
    for ticket in tickets:
        try:
            apply_action(ticket=ticket, actor=actor, action=action, value=value)
        except ActionRefused as exc:
            result.refused[ticket.pk] = str(exc)
        else:
            result.done.append(ticket.pk)
    return result


def _assign_to(ticket: Ticket, actor: Any, user: Any) -> None:
    if ticket.assignee_id == user.pk:
        return
    if not user.is_superuser and not ticket.queue.members.filter(pk=user.pk).exists():
        raise ActionRefused(
            _("%(user)s is not a member of %(queue)s.")
            % {
                "user": user.get_username(),
                "queue": ticket.queue.name,
            }
        )
    old = ticket.assignee.get_username() if ticket.assignee else ""
    ticket.assignee = user
    ticket.save(update_fields=["assignee", "updated_at"])
    TicketEvent.record(ticket, "assignee", actor=actor, old=old, new=user.get_username())


def _assign_me(ticket: Ticket, actor: Any, value: str) -> None:
    _assign_to(ticket, actor, actor)


def _assign(ticket: Ticket, actor: Any, value: str) -> None:
    user = get_user_model().objects.filter(pk=int(value)).first() if value.isdigit() else None
    if user is None:
        raise ActionRefused(_("Choose someone to assign."))
    _assign_to(ticket, actor, user)


def _move(ticket: Ticket, actor: Any, value: str) -> None:
    queue = Queue.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if queue is None:
        raise ActionRefused(_("Choose a queue."))
    if queue.pk == ticket.queue_id:
        return
    old = ticket.queue.slug
    ticket.queue = queue
    ticket.save(update_fields=["queue", "updated_at"])
    TicketEvent.record(ticket, "queue", actor=actor, old=old, new=queue.slug)


def _priority(ticket: Ticket, actor: Any, value: str) -> None:
    if not value.isdigit() or int(value) not in Ticket.Priority.values:
        raise ActionRefused(_("Choose a priority."))
    if int(value) == ticket.priority:
        return
    old = ticket.priority
    ticket.priority = int(value)
    ticket.save(update_fields=["priority", "updated_at", *clocks.on_priority_change(ticket=ticket)])
    TicketEvent.record(ticket, "priority", actor=actor, old=old, new=value)


def _tag(ticket: Ticket, actor: Any, value: str) -> None:
    name = value.lower()[:50]
    if not name:
        raise ActionRefused(_("Type a tag."))
    ticket.tags.add(tag_by_name(name))
    TicketEvent.record(ticket, "tag", actor=actor, new=name)


def _set_status(ticket: Ticket, actor: Any, status: str, note: str = "") -> None:
    try:
        ticket.set_status(status, actor=actor, note=note)
    except IllegalTransition:
        raise ActionRefused(
            _("A ticket in status “%(status)s” cannot move to “%(new)s”.")
            % {"status": STATUS_LABELS[ticket.status], "new": STATUS_LABELS[status]}
        ) from None


def _resolve(ticket: Ticket, actor: Any, value: str) -> None:
    _set_status(ticket, actor, Ticket.Status.RESOLVED)


def _netiquette(ticket: Ticket, actor: Any, value: str) -> None:
    _set_status(
        ticket, actor, Ticket.Status.IGNORED, note=gettext_noop("netiquette violation: no reply")
    )


def _unmark_netiquette(ticket: Ticket, actor: Any, value: str) -> None:
    if ticket.status != Ticket.Status.IGNORED:
        raise ActionRefused(_("This ticket is not marked as a netiquette violation."))
    if not may_take_netiquette_mark_back(actor):
        raise ActionRefused(_("Only spokespeople and managers take a netiquette mark back."))
    _set_status(ticket, actor, Ticket.Status.OPEN, note=gettext_noop("netiquette mark taken back"))


def _flag(ticket: Ticket, actor: Any, value: str) -> None:
    """Share good and bad PR with the communications team (000 HARMAN)."""
    ticket.tags.add(tag_by_name(FLAG_TAG))
    TicketEvent.record(ticket, "flagged", actor=actor, new="communications", note=value[:300])
    recipients = get_user_model().objects.filter(
        desk_queues__slug=Queue.COMMUNICATIONS
    ) | get_user_model().objects.filter(
        groups__permissions__codename=Capability.APPROVE_REPLIES.value
    )
    url = reverse("ticket-detail", args=[ticket.pk])
    transaction.on_commit(
        lambda: notify(
            users=recipients.exclude(pk=getattr(actor, "pk", None) or 0).distinct(),
            kind="flagged",
            title=lambda: (
                _("Flagged for communications: #%(pk)s %(subject)s")
                % {"pk": ticket.pk, "subject": isolated(ticket.subject[:80])}
            ),
            body=isolated(value),
            url=url,
            dedupe_key=f"flagged:{ticket.pk}",
        )
    )


_APPLY = {
    Action.ASSIGN_ME: _assign_me,
    Action.ASSIGN: _assign,
    Action.MOVE: _move,
    Action.PRIORITY: _priority,
    Action.TAG: _tag,
    Action.RESOLVE: _resolve,
    Action.NETIQUETTE: _netiquette,
    Action.UNMARK_NETIQUETTE: _unmark_netiquette,
    Action.FLAG: _flag,
}
