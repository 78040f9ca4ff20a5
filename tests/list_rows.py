"""Rows for the bounded-list test: n of a kind, written with bulk_create next to one row the
real pipeline made, so that a list of 100 costs a few statements to set up, not 100 requests.

Each maker returns the markers it wrote: texts that the list shows once per row, so the test
can tell that the rows it counted statements for were really on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils import timezone

from channels.models import Channel, InboundEvent
from desk.classification.models import (
    ClassifierVersion,
    ContactBadge,
    Incident,
    NegativeMention,
    ReplyTemplate,
    RoutingRule,
)
from desk.models import ApiClient, Inquiry, Notification
from desk.outbound.models import ReplyApproval
from desk.privacy.models import AuditEntry, LegalHold
from desk.sla.models import Calendar, CalendarDay, SlaPolicy, SlaTarget
from tickets.models import Contact, Conversation, Identity, Message, Note, Tag, Ticket

SUBJECT_EMAIL = "subject@example.com"


@dataclass
class Scene:
    """One ticket made through the signed webhook, and the people who look at lists."""

    ticket: Ticket
    agent: User
    manager: User
    api_client: ApiClient
    api_token: str
    made: int = 0

    def markers(self, n: int, kind: str) -> list[str]:
        """Unique, searchable texts: rows made by later calls get later numbers."""
        first, self.made = self.made, self.made + n
        return [f"Row{kind}{i:04d}" for i in range(first, first + n)]


def copy_of(instance: Model, **changes: Any) -> Any:
    """An unsaved copy of a row's columns (without its primary key), with some changed."""
    values = {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }
    return type(instance)(**{**values, **changes})


def tickets(scene: Scene, n: int, *, contact: Contact | None = None, **changes: Any) -> list[str]:
    """n tickets like the scene's, each in its own conversation with one inbound message;
    each by its own new contact (with an identity) unless one is given."""
    markers = scene.markers(n, "T")
    template = scene.ticket
    now = timezone.now()
    email = changes.pop("email", "")
    if contact is None:
        contacts = Contact.objects.bulk_create(
            Contact(display_name=m, primary_email=email) for m in markers
        )
        Identity.objects.bulk_create(
            Identity(contact=c, kind="webhook", external_id=m, handle=f"@{m}", display_name=m)
            for c, m in zip(contacts, markers, strict=True)
        )
    else:
        contacts = [contact] * n
    conversations = Conversation.objects.bulk_create(
        Conversation(
            channel_id=template.channel_id,
            contact=c,
            root_platform_id=m,
            subject=m,
            language="en",
            last_activity_at=changes.get("created_at", now),
        )
        for c, m in zip(contacts, markers, strict=True)
    )
    Message.objects.bulk_create(
        Message(
            conversation=conversation,
            channel_id=template.channel_id,
            direction=Message.Direction.INBOUND,
            platform_id=m,
            text=f"{m} where is my parcel?",
            language="en",
            created_at=changes.get("created_at", now),
        )
        for conversation, m in zip(conversations, markers, strict=True)
    )
    made = Ticket.objects.bulk_create(
        copy_of(
            template,
            conversation_id=conversation.pk,
            contact_id=conversation.contact_id,
            subject=m,
            assignee_id=scene.agent.pk,
            **changes,
        )
        for conversation, m in zip(conversations, markers, strict=True)
    )
    tag, _ = Tag.objects.get_or_create(name="bounded")
    Ticket.tags.through.objects.bulk_create(
        Ticket.tags.through(ticket_id=ticket.pk, tag_id=tag.pk) for ticket in made
    )
    return markers


def made_tickets(markers: list[str]) -> list[Ticket]:
    return list(Ticket.objects.filter(subject__in=markers).order_by("pk"))


def first_messages(markers: list[str]) -> dict[str, Message]:
    """The inbound message each made ticket started with, by marker."""
    return {m.platform_id or "": m for m in Message.objects.filter(platform_id__in=markers)}


def messages(scene: Scene, n: int) -> list[str]:
    """n more messages in the scene ticket's conversation: the customer's, and every other
    one a reply sent by the agent."""
    markers = scene.markers(n, "M")
    template = Message.objects.filter(conversation_id=scene.ticket.conversation_id).first()
    outbound = {
        "direction": Message.Direction.OUTBOUND,
        "sent_by_id": scene.agent.pk,
        "delivery_state": Message.Delivery.SENT,
        "voice": Message.Voice.COMPANY,
    }
    Message.objects.bulk_create(
        copy_of(
            template,
            platform_id=m,
            text=f"{m} and another thing",
            inbound_event_id=None,
            **(outbound if i % 2 else {}),
        )
        for i, m in enumerate(markers)
    )
    return markers


def monitored_mentions(scene: Scene, n: int) -> list[str]:
    """n mentions on a channel followed without a service level, none made a ticket yet."""
    markers = scene.markers(n, "F")
    channel, _ = Channel.objects.get_or_create(
        name="Monitored feed",
        defaults={"kind": "webhook", "service_level": Channel.ServiceLevel.MONITORED},
    )
    contacts = Contact.objects.bulk_create(Contact(display_name=m) for m in markers)
    identities = Identity.objects.bulk_create(
        Identity(contact=c, kind="feed", external_id=m, display_name=m)
        for c, m in zip(contacts, markers, strict=True)
    )
    conversations = Conversation.objects.bulk_create(
        Conversation(
            channel=channel, contact=c, root_platform_id=m, last_activity_at=timezone.now()
        )
        for c, m in zip(contacts, markers, strict=True)
    )
    Message.objects.bulk_create(
        Message(
            conversation=conversation,
            channel=channel,
            direction=Message.Direction.INBOUND,
            platform_id=m,
            author_identity=identity,
            text=f"{m} mentioned you",
            created_at=timezone.now(),
        )
        for conversation, identity, m in zip(conversations, identities, markers, strict=True)
    )
    return markers


def contact_tickets(scene: Scene, n: int) -> list[str]:
    """n more tickets of the scene's contact, each with a note by the agent."""
    markers = tickets(scene, n, contact=scene.ticket.contact)
    Note.objects.bulk_create(
        Note(ticket=ticket, author=scene.agent, text=f"Note on {ticket.subject}")
        for ticket in made_tickets(markers)
    )
    return markers


def absorbed_tickets(scene: Scene, n: int) -> list[str]:
    """n more tickets of one other contact, the one a merge into the scene's would absorb."""
    absorbed, _ = Contact.objects.get_or_create(display_name="Absorbed")
    return tickets(scene, n, contact=absorbed)


def absorbed_contact() -> Contact:
    return Contact.objects.get(display_name="Absorbed")


def replies(scene: Scene, n: int) -> list[str]:
    """n replies sent in the conversation of an inquiry (the scene ticket's first message)."""
    message = Message.objects.filter(conversation_id=scene.ticket.conversation_id).first()
    Inquiry.objects.get_or_create(
        client=scene.api_client, message=message, defaults={"ticket": scene.ticket}
    )
    markers = scene.markers(n, "Y")
    Message.objects.bulk_create(
        copy_of(
            message,
            direction=Message.Direction.OUTBOUND,
            delivery_state=Message.Delivery.SENT,
            sent_by_id=scene.agent.pk,
            platform_id=m,
            text=f"{m} is on its way",
            inbound_event_id=None,
        )
        for m in markers
    )
    return markers


def inquiry_id(scene: Scene) -> str:
    return str(Inquiry.objects.get(client=scene.api_client).pk)


def approvals(scene: Scene, n: int) -> list[str]:
    markers = tickets(scene, n)
    ReplyApproval.objects.bulk_create(
        ReplyApproval(
            ticket=ticket,
            drafted_by=scene.agent,
            text=f"Draft for {ticket.subject}",
            voice="company",
            reason="Public reply",
        )
        for ticket in made_tickets(markers)
    )
    return markers


def channels(scene: Scene, n: int) -> list[str]:
    """n webhook channels, each with one delivery that was not for us."""
    markers = scene.markers(n, "C")
    made = Channel.objects.bulk_create(
        Channel(kind="webhook", name=m, credentials={"secret": "s"}) for m in markers
    )
    InboundEvent.objects.bulk_create(
        InboundEvent(
            channel=channel,
            delivery_id=f"unsupported-{channel.name}",
            state=InboundEvent.State.UNSUPPORTED,
            last_error=f"not ours {channel.name}",
        )
        for channel in made
    )
    return markers


def notifications(scene: Scene, n: int) -> list[str]:
    markers = scene.markers(n, "N")
    Notification.objects.bulk_create(
        Notification(user=scene.agent, kind="assigned", title=m, url="/", dedupe_key=m)
        for m in markers
    )
    return markers


def rules(scene: Scene, n: int) -> list[str]:
    markers = scene.markers(n, "R")
    made = RoutingRule.objects.bulk_create(
        RoutingRule(name=m, position=1000 + i, queue_id=scene.ticket.queue_id, assignee=scene.agent)
        for i, m in enumerate(markers)
    )
    RoutingRule.channels.through.objects.bulk_create(
        RoutingRule.channels.through(routingrule_id=rule.pk, channel_id=scene.ticket.channel_id)
        for rule in made
    )
    return markers


def reply_templates(scene: Scene, n: int) -> list[str]:
    markers = scene.markers(n, "P")
    ReplyTemplate.objects.bulk_create(ReplyTemplate(name=m, text=f"{m} text") for m in markers)
    return markers


def classifier_versions(scene: Scene, n: int) -> list[str]:
    markers = scene.markers(n, "V")
    ClassifierVersion.objects.bulk_create(
        ClassifierVersion(number=10_000 + scene.made - n + i, artifact=b"", checksum="0", note=m)
        for i, m in enumerate(markers)
    )
    return markers


def incidents(scene: Scene, n: int) -> list[str]:
    markers = scene.markers(n, "I")
    Incident.objects.bulk_create(
        Incident(
            scope=m,
            scope_label=m,
            status=Incident.Status.CLOSED,
            opened_at=timezone.now(),
            closed_at=timezone.now(),
            closed_by=scene.manager,
        )
        for m in markers
    )
    return markers


def incident_mentions(scene: Scene, n: int) -> list[str]:
    """n negative mentions, each on its own ticket, grouped into the scene's one incident."""
    incident, _ = Incident.objects.get_or_create(
        scope="bounded",
        status=Incident.Status.OPEN,
        defaults={"scope_label": "Bounded", "opened_at": timezone.now()},
    )
    markers = tickets(scene, n)
    started = first_messages(markers)
    NegativeMention.objects.bulk_create(
        NegativeMention(
            scope="bounded",
            incident=incident,
            message=started[ticket.subject],
            ticket=ticket,
            at=ticket.created_at,
        )
        for ticket in made_tickets(markers)
    )
    return markers


def ambassadors(scene: Scene, n: int) -> list[str]:
    markers = tickets(scene, n)
    ContactBadge.objects.bulk_create(
        ContactBadge(
            contact=contact,
            kind=ContactBadge.Kind.AMBASSADOR,
            status=ContactBadge.Status.CONFIRMED,
            reason="helpful",
        )
        for contact in Contact.objects.filter(display_name__in=markers)
    )
    return markers


def expired_tickets(scene: Scene, n: int) -> list[str]:
    """Conversations long past any retention period, which the preview lists."""
    expired = Conversation.objects.filter(subject__in=tickets(scene, n))
    expired.update(last_activity_at=timezone.now() - timedelta(days=10_000))
    # The preview shows conversations by number.
    return [f"<td>{pk}</td>" for pk in expired.values_list("pk", flat=True)]


def subject_tickets(scene: Scene, n: int) -> list[str]:
    """n contacts sharing one e-mail address: what a data subject search finds."""
    return tickets(scene, n, email=SUBJECT_EMAIL)


def holds(scene: Scene, n: int) -> list[str]:
    markers = tickets(scene, n)
    LegalHold.objects.bulk_create(
        LegalHold(contact=contact, reason=contact.display_name, created_by=scene.manager)
        for contact in Contact.objects.filter(display_name__in=markers)
    )
    return markers


def audit_entries(scene: Scene, n: int) -> list[str]:
    markers = scene.markers(n, "A")
    AuditEntry.objects.bulk_create(
        AuditEntry(actor=scene.manager, actor_name="manager", action="subject_searched", summary=m)
        for m in markers
    )
    return markers


def calendars(scene: Scene, n: int) -> list[str]:
    markers = scene.markers(n, "K")
    Calendar.objects.bulk_create(Calendar(name=m) for m in markers)
    return markers


def calendar_days(scene: Scene, n: int) -> list[str]:
    """n closed days in the calendar of the scene ticket's policy, each named."""
    markers = scene.markers(n, "D")
    calendar = scene.ticket.sla_policy.calendar
    first = date(2030, 1, 1) + timedelta(days=scene.made - n)
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar=calendar, date=first + timedelta(days=i), name=m)
        for i, m in enumerate(markers)
    )
    return markers


def policies(scene: Scene, n: int) -> list[str]:
    markers = scene.markers(n, "S")
    calendar_id = scene.ticket.sla_policy.calendar_id
    created = SlaPolicy.objects.bulk_create(
        SlaPolicy(name=m, calendar_id=calendar_id, is_active=False) for m in markers
    )
    # Each with a target of its own, which the SLA page shows in the policy's form.
    SlaTarget.objects.bulk_create(
        SlaTarget(
            policy=policy,
            priority=Ticket.Priority.URGENT,
            first_response_minutes=60,
            next_response_minutes=120,
        )
        for policy in created
    )
    return markers


def inquiries(scene: Scene, n: int) -> list[str]:
    markers = tickets(scene, n)
    started = first_messages(markers)
    Inquiry.objects.bulk_create(
        Inquiry(
            client=scene.api_client,
            external_id=ticket.subject,
            message=started[ticket.subject],
            ticket=ticket,
        )
        for ticket in made_tickets(markers)
    )
    return markers
