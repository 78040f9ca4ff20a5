from collections.abc import Iterable
from typing import Any, TypedDict, Unpack

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tickets.hooks import status_changing
from tickets.text import as_recorded


class IllegalTransition(Exception):
    """A status change the transition table does not allow."""


class TicketQuerySet(models.QuerySet["Ticket"]):
    """A conversation's current ticket is its latest: a follow-up reopens it or, once it is
    closed, a new one follows it. Every page, link and step that needs "the ticket of this
    conversation" asks here (or annotates with latest_ticket_id)."""

    def latest_of(self, conversation_id: int) -> "Ticket | None":
        return self.filter(conversation_id=conversation_id).order_by("-id").first()

    def latest_by_conversation(self, conversation_ids: Iterable[int]) -> dict[int, "Ticket"]:
        found: dict[int, Ticket] = {}
        for ticket in self.filter(conversation_id__in=list(conversation_ids)).order_by("id"):
            found[ticket.conversation_id] = ticket
        return found

    def latest_ids_by_conversation(self, conversation_ids: Iterable[int]) -> dict[int, int]:
        return dict(
            self.filter(conversation_id__in=list(conversation_ids))
            .values("conversation_id")
            .annotate(latest=models.Max("id"))
            .values_list("conversation_id", "latest")
        )


def latest_ticket_id(conversation: str = "conversation") -> models.Max:
    """The latest ticket's id of the conversation at `conversation` (a path from the rows
    annotated), for a page that lists holds, messages and the like with a link to it."""
    return models.Max(f"{conversation}__tickets__id")


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING = "pending", _("Waiting on customer")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        # Netiquette violation: leaves the queue without a reply and outside SLA compliance.
        IGNORED = "ignored", _("Netiquette violation")

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    # The status flow as data: from each status, the statuses it may move to.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.RESOLVED, Status.IGNORED}),
        Status.OPEN: frozenset({Status.PENDING, Status.RESOLVED, Status.IGNORED}),
        Status.PENDING: frozenset({Status.OPEN, Status.RESOLVED, Status.IGNORED}),
        Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
        Status.IGNORED: frozenset({Status.OPEN}),
        Status.CLOSED: frozenset(),
    }
    ACTIVE_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING)

    conversation = models.ForeignKey(
        "tickets.Conversation", on_delete=models.CASCADE, related_name="tickets"
    )
    # Channel and contact repeat the conversation's so the inbox filters without joins.
    channel = models.ForeignKey("channels.Channel", on_delete=models.PROTECT, related_name="+")
    contact = models.ForeignKey("tickets.Contact", on_delete=models.PROTECT, related_name="tickets")
    # Looked up through ticket_queue, which leads with it: an index of its own only made every
    # new ticket write one more.
    queue = models.ForeignKey(
        "tickets.Queue", on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    subject = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=8, blank=True)
    sentiment = models.CharField(max_length=8, blank=True)
    tags = models.ManyToManyField("tickets.Tag", blank=True, related_name="tickets")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    next_response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveIntegerField(default=0)
    # SLA clocks (desk.sla). Business seconds are in the policy's calendar. Dashboards read
    # first_response_seconds, the *_breached flags and sla_paused_seconds straight from here.
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    next_response_started_at = models.DateTimeField(null=True, blank=True)
    sla_round = models.PositiveIntegerField(default=0)
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    sla_paused_seconds = models.PositiveIntegerField(default=0)
    response_paused_seconds = models.PositiveIntegerField(default=0)
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True)
    first_response_breached = models.BooleanField(default=False)
    next_response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    # After a holding reply ("we are on it") a follow-up clock runs until the answer it
    # promises has been delivered (desk.sla): ownership, not "met" forever.
    follow_up_started_at = models.DateTimeField(null=True, blank=True)
    follow_up_due_at = models.DateTimeField(null=True, blank=True)
    follow_up_breached = models.BooleanField(default=False)
    # When the SLA sweep must look at this ticket next (a warning or a breach falls due).
    next_sla_event_at = models.DateTimeField(null=True, blank=True)
    # The running clock that falls due first (the one its SLA state is about): its due time
    # and the instant it turns at risk. Empty when no clock runs. Kept by desk.sla wherever
    # clocks change, so the inbox filters SLA states with plain indexed comparisons to now.
    sla_due_at = models.DateTimeField(null=True, blank=True)
    sla_warning_at = models.DateTimeField(null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="ticket_newest"),
            models.Index(fields=["status", "first_response_due_at", "id"], name="ticket_due"),
            models.Index(fields=["queue", "status", "first_response_due_at"], name="ticket_queue"),
            models.Index(
                fields=["next_sla_event_at"],
                name="ticket_next_sla_event",
                condition=models.Q(next_sla_event_at__isnull=False),
            ),
            # The inbox: active tickets by SLA due time, walked by keyset, and the sidebar's
            # per-queue counts. Partial, so a million closed tickets do not weigh on them.
            models.Index(
                fields=["first_response_due_at", "id"],
                name="ticket_active_due",
                condition=models.Q(status__in=["new", "open", "pending"]),
            ),
            models.Index(
                fields=["queue", "assignee"],
                name="ticket_active_queue",
                condition=models.Q(status__in=["new", "open", "pending"]),
            ),
            # The inbox by SLA due time and its SLA-state filters: breached is a range below
            # now, at risk and on track a range above it (split by sla_warning_at).
            models.Index(
                fields=["sla_due_at", "id"],
                name="ticket_active_sla_due",
                condition=models.Q(status__in=["new", "open", "pending"]),
            ),
            models.Index(
                fields=["sla_warning_at"],
                name="ticket_running_sla_warning",
                condition=models.Q(status__in=["new", "open"], sla_warning_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject[:40]}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    def set_status(self, status: str, *, actor: Any = None, note: str = "") -> None:
        """The one way a ticket changes status: refuses illegal moves, records the change."""
        if status == self.status:
            return
        if not self.can_move_to(status):
            raise IllegalTransition(f"A {self.status} ticket cannot become {status}.")
        old = self.status
        now = timezone.now()
        self.status = status
        fields = ["status", "updated_at"]
        if status == self.Status.RESOLVED:
            self.resolved_at = now
            fields.append("resolved_at")
        elif status == self.Status.CLOSED:
            self.closed_at = now
            fields.append("closed_at")
        elif status == self.Status.OPEN and old in (self.Status.RESOLVED, self.Status.IGNORED):
            self.reopened_count += 1
            self.resolved_at = None
            fields += ["reopened_count", "resolved_at"]
        for changed in status_changing(self, old, now):
            fields += changed
        self.save(update_fields=fields)
        TicketEvent.record(self, "status", actor=actor, old=old, new=status, note=note)


class AppendOnlyError(Exception):
    """Audit rows are written once and never changed or removed."""


class EventDetails(TypedDict, total=False):
    """What an event says besides its ticket and kind: who, the value before and after, a note."""

    actor: Any
    old: Any
    new: Any
    note: str | Promise


class TicketEvent(models.Model):
    """Append-only audit of everything that happens to a ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=32)
    old_value = models.CharField(max_length=300, blank=True)
    new_value = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.old_value} -> {self.new_value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Ticket events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Ticket events cannot be deleted.")

    @classmethod
    def record(cls, ticket: Ticket, kind: str, **details: Unpack[EventDetails]) -> "TicketEvent":
        event = cls.build(ticket, kind, **details)
        event.save()
        return event

    @classmethod
    def build(cls, ticket: Ticket, kind: str, **details: Unpack[EventDetails]) -> "TicketEvent":
        """The event unsaved, for a caller that writes many at once (bulk_create)."""
        actor, old, new = details.get("actor"), details.get("old", ""), details.get("new", "")
        return cls(
            ticket=ticket,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            kind=kind,
            old_value="" if old is None else str(old)[:300],
            new_value="" if new is None else str(new)[:300],
            note=as_recorded(details.get("note", "")),
        )
