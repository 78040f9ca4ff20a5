"""Telling people of SLA warnings and breaches: one notification per ticket, or one for many.

A sweep over a backlog (the first after a quiet weekend or an outage, the demo's seed) finds
many tickets due at once. A notification and an e-mail per ticket buried the managers under
dozens of near-identical ones. From GROUPED_FROM alerts of one kind for one person in one
sweep batch, that person gets a single notification which lists the tickets and opens the
inbox filtered to that SLA state.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from desk.notifications import notify
from desk.sla.models import SlaEvent
from desk.sla.selectors import SlaState
from tickets.models import Ticket
from tickets.text import isolated

BREACH, WARNING = "sla_breach", "sla_warning"
GROUPED_FROM = 4
# A grouped notification names this many tickets; the inbox link shows them all.
LISTED = 10
_SUBJECT_CHARS = 60


@dataclass(frozen=True)
class Alert:
    ticket: Ticket
    target: str
    round: int
    due: datetime
    kind: str

    @property
    def key(self) -> str:
        return f"{self.ticket.pk}:{self.target}:{self.round}:{self.kind}"


class Alerts:
    """The alerts of one sweep batch, sent together in its transaction."""

    def __init__(self) -> None:
        self._alerts: list[Alert] = []

    def add(self, ticket: Ticket, *, target: str, round: int, due: datetime, kind: str) -> None:
        self._alerts.append(Alert(ticket, target, round, due, kind))

    def send(self) -> None:
        # Who is told is asked once per queue and assignee of the batch, not per ticket.
        recipients: dict[tuple[Any, Any], list[Any]] = {}
        told: list[tuple[Alert, list[Any]]] = []
        per_person: dict[tuple[Any, str], list[Alert]] = defaultdict(list)
        for alert in self._alerts:
            key = (alert.ticket.queue_id, alert.ticket.assignee_id)
            if key not in recipients:
                recipients[key] = escalation_recipients(alert.ticket)
            told.append((alert, recipients[key]))
            for user in recipients[key]:
                per_person[(user, alert.kind)].append(alert)
        grouped = {key for key, alerts in per_person.items() if len(alerts) >= GROUPED_FROM}
        for (user, kind), alerts in per_person.items():
            if (user, kind) in grouped:
                _notify_of_many(user, kind, alerts)
        # Everyone else hears of each alert on its own, all of them in one notify call.
        for alert, users in told:
            alone = [user for user in users if (user, alert.kind) not in grouped]
            if alone:
                _notify_of_one(alone, alert)
        self._alerts.clear()


def escalation_recipients(ticket: Ticket) -> list[Any]:
    """The queue's managers (members in the "manager" group), else the superusers; and the
    assignee, who should know first."""
    users = get_user_model().objects.filter(is_active=True)
    managers = list(users.filter(desk_queues=ticket.queue_id, groups__name="manager").distinct())
    if not managers:
        managers = list(users.filter(is_superuser=True))
    if ticket.assignee_id and all(u.pk != ticket.assignee_id for u in managers):
        assignee = users.filter(pk=ticket.assignee_id).first()
        if assignee is not None:
            managers.append(assignee)
    return managers


def _notify_of_one(users: list[Any], alert: Alert) -> None:
    ticket, target = alert.ticket, SlaEvent.Target(alert.target)

    def title() -> str:
        if alert.kind == BREACH:
            return _("SLA breached: #%(ticket)s %(target)s") % {
                "ticket": ticket.pk,
                "target": target.label,
            }
        return _("SLA at risk: #%(ticket)s %(target)s") % {
            "ticket": ticket.pk,
            "target": target.label,
        }

    notify(
        users=users,
        kind=alert.kind,
        title=title,
        body=lambda: isolated(ticket.subject) + "\n" + _("Due %(due)s.") % {"due": _due(alert)},
        url=reverse("ticket-detail", kwargs={"pk": ticket.pk}),
        dedupe_key=f"sla:{ticket.pk}:{alert.target}:{alert.round}:{alert.kind}",
    )


def _notify_of_many(user: Any, kind: str, alerts: list[Alert]) -> None:
    alerts = sorted(alerts, key=lambda a: (a.due, a.ticket.pk))
    count = len(alerts)

    def title() -> str:
        if kind == BREACH:
            text = ngettext(
                "SLA breached on %(count)d ticket", "SLA breached on %(count)d tickets", count
            )
        else:
            text = ngettext(
                "SLA at risk on %(count)d ticket", "SLA at risk on %(count)d tickets", count
            )
        return text % {"count": count}

    def body() -> str:
        lines = [
            _("#%(ticket)s %(target)s due %(due)s · %(subject)s")
            % {
                "ticket": alert.ticket.pk,
                "subject": isolated(Truncator(alert.ticket.subject).chars(_SUBJECT_CHARS)),
                "target": SlaEvent.Target(alert.target).label,
                "due": _due(alert),
            }
            for alert in alerts[:LISTED]
        ]
        if count > LISTED:
            more = count - LISTED
            lines.append(
                ngettext("and %(count)d more ticket", "and %(count)d more tickets", more)
                % {"count": more}
            )
        return "\n".join(lines)

    state = SlaState.BREACHED if kind == BREACH else SlaState.AT_RISK
    # The same alerts make the same key: a batch retried after a crash notifies once.
    digest = hashlib.sha256("|".join(sorted(a.key for a in alerts)).encode()).hexdigest()[:32]
    notify(
        users=[user],
        kind=kind,
        title=title,
        body=body,
        url=f"{reverse('inbox')}?sla={state.value}",
        dedupe_key=f"sla:{kind}:{count}:{digest}",
    )


def _due(alert: Alert) -> str:
    due = timezone.localtime(alert.due)
    return f"{date_format(due, 'SHORT_DATETIME_FORMAT')} {due:%Z}"
