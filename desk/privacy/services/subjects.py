"""Data subject requests (GDPR art. 15 and 17): find a person, export or erase their data.

The request record keeps who fulfilled it, when, and how much, never the person's data: the
identifiers searched are stored only as a keyed digest.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.privacy.models import (
    ConversationNotice,
    ConversationRedaction,
    DataSubjectRequest,
    LegalHold,
)
from desk.privacy.services import audit
from desk.privacy.services.redaction import RedactionScope, extra_steps, redact
from tickets.models import Contact, Conversation, Identity, Message, Note, Ticket
from tickets.text import isolated


class InvalidSubjectQuery(ValueError):
    """The request names no one, or names them in a way we cannot search."""


class SubjectUnderLegalHold(Exception):
    """Erasure refused: a legal hold keeps some of the person's data (GDPR art. 17(3)(e))."""

    def __init__(self, holds: list[LegalHold]) -> None:
        self.holds = holds
        ids = ", ".join(f"#{hold.pk}" for hold in holds)
        super().__init__(f"Legal hold {ids} keeps this person's data; release it first.")


@dataclass(frozen=True)
class SubjectQuery:
    email: str = ""
    handle: str = ""
    contact_id: int | None = None

    @classmethod
    def of(cls, *, email: str = "", handle: str = "", contact_id: Any = None) -> SubjectQuery:
        email = (email or "").strip().lower()
        handle = (handle or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise InvalidSubjectQuery(
                    _("%(email)s is not an e-mail address.") % {"email": isolated(email)}
                ) from None
        if contact_id in ("", None):
            contact_id = None
        else:
            try:
                contact_id = int(contact_id)
            except (TypeError, ValueError):
                raise InvalidSubjectQuery(_("The contact must be a number.")) from None
        if not (email or handle.lstrip("@") or contact_id):
            raise InvalidSubjectQuery(_("Name the person by e-mail address, handle or contact."))
        return cls(email=email, handle=handle, contact_id=contact_id)

    def digest(self) -> str:
        """Matches the same request later without keeping the identifiers readable."""
        key = f"{self.email}|{self.handle.lstrip('@').lower()}|{self.contact_id or ''}"
        return hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()

    def describe(self) -> str:
        """For the audit log: how the person was named, not who they are."""
        named = [
            label
            for label, value in (
                ("e-mail", self.email),
                ("handle", self.handle),
                ("contact", self.contact_id),
            )
            if value
        ]
        return "+".join(named) + f" · {self.digest()[:12]}"


@dataclass(frozen=True)
class Subject:
    contact_ids: tuple[int, ...]
    identity_ids: tuple[int, ...]
    conversation_ids: tuple[int, ...]

    @property
    def is_empty(self) -> bool:
        return not self.contact_ids

    def counts(self) -> dict[str, int]:
        return {
            "contacts": len(self.contact_ids),
            "identities": len(self.identity_ids),
            "conversations": len(self.conversation_ids),
            "messages": self.messages().count(),
        }

    def messages(self) -> Any:
        """Their messages and our answers to them; nobody else's words."""
        return Message.objects.filter(
            Q(author_identity_id__in=self.identity_ids)
            | Q(conversation_id__in=self.conversation_ids, direction=Message.Direction.OUTBOUND)
        )


def find_subject(*, query: SubjectQuery) -> Subject:
    """Everyone the query names: by e-mail on any identity or contact, by handle with or without
    the @, or by contact; then every identity and conversation of those contacts."""
    contacts: set[int] = set()
    if query.email:
        contacts |= set(
            Identity.objects.filter(email__iexact=query.email).values_list("contact_id", flat=True)
        )
        contacts |= set(
            Contact.objects.filter(primary_email__iexact=query.email).values_list("pk", flat=True)
        )
    bare = query.handle.lstrip("@")
    if bare:
        contacts |= set(
            Identity.objects.filter(
                Q(handle__iexact=bare) | Q(handle__iexact=f"@{bare}")
            ).values_list("contact_id", flat=True)
        )
    if query.contact_id:
        contacts |= set(Contact.objects.filter(pk=query.contact_id).values_list("pk", flat=True))
    ordered = tuple(sorted(contacts))
    return Subject(
        contact_ids=ordered,
        identity_ids=tuple(
            Identity.objects.filter(contact_id__in=ordered)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        conversation_ids=tuple(
            Conversation.objects.filter(contact_id__in=ordered)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
    )


def search_subject(*, query: SubjectQuery, actor: Any) -> Subject:
    subject = find_subject(query=query)
    audit.record(
        actor=actor,
        action=audit.Action.SUBJECT_SEARCHED,
        summary=query.describe(),
        counts={"contacts": len(subject.contact_ids)},
    )
    return subject


def export_subject(*, subject: Subject) -> dict[str, Any]:
    """Everything held about the person, machine-readable (GDPR art. 15 and 20)."""
    notices = {
        record.conversation_id: record
        for record in ConversationNotice.objects.filter(
            conversation_id__in=subject.conversation_ids
        ).select_related("notice")
    }
    messages_by_conversation: dict[int, list[dict[str, Any]]] = {}
    for message in subject.messages().select_related("channel").order_by("created_at", "pk"):
        messages_by_conversation.setdefault(message.conversation_id, []).append(
            {
                "id": message.pk,
                "from": "you" if message.direction == Message.Direction.INBOUND else "us",
                "channel": message.channel.name,
                "text": message.text,
                "url": message.url,
                "language": message.language,
                "created_at": message.created_at.isoformat(),
            }
        )
    tickets_by_conversation: dict[int, list[dict[str, Any]]] = {}
    for ticket in Ticket.objects.filter(conversation_id__in=subject.conversation_ids).order_by(
        "pk"
    ):
        tickets_by_conversation.setdefault(ticket.conversation_id, []).append(
            {
                "id": ticket.pk,
                "status": ticket.status,
                "subject": ticket.subject,
                "created_at": ticket.created_at.isoformat(),
                "first_responded_at": _iso(ticket.first_responded_at),
                "resolved_at": _iso(ticket.resolved_at),
                "internal_notes": [
                    {"text": note.text, "created_at": note.created_at.isoformat()}
                    for note in Note.objects.filter(ticket=ticket).order_by("created_at", "pk")
                ],
            }
        )
    conversations = []
    for conversation in (
        Conversation.objects.filter(pk__in=subject.conversation_ids)
        .select_related("channel")
        .order_by("created_at", "pk")
    ):
        record = notices.get(conversation.pk)
        conversations.append(
            {
                "id": conversation.pk,
                "channel": conversation.channel.name,
                "subject": conversation.subject,
                "language": conversation.language,
                "started_at": conversation.created_at.isoformat(),
                "last_activity_at": conversation.last_activity_at.isoformat(),
                "retention_notice": {
                    "language": record.language,
                    "version": record.notice.version,
                    "method": record.method,
                    "given_at": record.given_at.isoformat(),
                    "retention_days": record.notice.retention_days,
                    "legal_basis": record.notice.legal_basis,
                    "text": record.notice.text,
                }
                if record
                else None,
                "tickets": tickets_by_conversation.get(conversation.pk, []),
                "messages": messages_by_conversation.pop(conversation.pk, []),
            }
        )
    # Their messages that joined a thread started by someone else's conversation.
    elsewhere = [message for items in messages_by_conversation.values() for message in items]
    return {
        "generated_at": timezone.now().isoformat(),
        "contacts": [
            {
                "id": contact.pk,
                "display_name": contact.display_name,
                "primary_email": contact.primary_email,
                "created_at": contact.created_at.isoformat(),
            }
            for contact in Contact.objects.filter(pk__in=subject.contact_ids).order_by("pk")
        ],
        "identities": [
            {
                "platform": identity.kind,
                "account_id": identity.external_id,
                "handle": identity.handle,
                "display_name": identity.display_name,
                "profile_url": identity.profile_url,
                "email": identity.email,
                "first_seen_at": _iso(identity.first_seen_at),
                "last_seen_at": _iso(identity.last_seen_at),
            }
            for identity in Identity.objects.with_seen()
            .filter(pk__in=subject.identity_ids)
            .order_by("pk")
        ],
        "conversations": conversations,
        "messages_in_other_threads": elsewhere,
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def access_request(
    *, query: SubjectQuery, actor: Any, via: str, note: str = ""
) -> tuple[DataSubjectRequest, dict[str, Any]]:
    """Fulfil an access request: the export, with a record that it was given."""
    with transaction.atomic():
        subject = find_subject(query=query)
        export = export_subject(subject=subject)
        request = _record_request(
            kind=DataSubjectRequest.Kind.ACCESS,
            query=query,
            counts=subject.counts(),
            actor=actor,
            via=via,
            note=note,
        )
        audit.record(
            actor=actor,
            action=audit.Action.SUBJECT_EXPORTED,
            target=request,
            summary=query.describe(),
            counts=request.counts,
        )
    export["request"] = {"id": request.pk, "kind": request.kind}
    return request, export


def erasure_request(
    *, query: SubjectQuery, actor: Any, via: str, note: str = ""
) -> DataSubjectRequest:
    """Fulfil an erasure request with the same anonymization as retention, everywhere."""
    with transaction.atomic():
        subject = find_subject(query=query)
        holds = list(
            LegalHold.objects.active().filter(
                Q(contact_id__in=subject.contact_ids)
                | Q(conversation_id__in=subject.conversation_ids)
            )
        )
        if holds:
            raise SubjectUnderLegalHold(holds)
        counts = subject.counts()
        terms = {query.email} | set(
            Identity.objects.filter(pk__in=subject.identity_ids)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        scope = RedactionScope(
            conversation_ids=subject.conversation_ids,
            contact_ids=subject.contact_ids,
            raw_terms=tuple(term.lower().encode() for term in sorted(terms) if term),
        )
        rows = redact(scope=scope, reason=ConversationRedaction.Reason.ERASURE)
        counts["inbound_events"] = rows["inbound_events"]
        # What the other apps removed (attachments, the search index, drafts, ...): the record
        # and the audit show every store the erasure reached.
        counts.update({name: rows[name] for name, _ in extra_steps()})
        request = _record_request(
            kind=DataSubjectRequest.Kind.ERASURE,
            query=query,
            counts=counts,
            actor=actor,
            via=via,
            note=note,
        )
        audit.record(
            actor=actor,
            action=audit.Action.SUBJECT_ERASED,
            target=request,
            summary=query.describe(),
            counts=counts,
        )
        for contact_id in subject.contact_ids:
            audit.record(
                actor=actor,
                action=audit.Action.SUBJECT_ERASED,
                target=Contact(pk=contact_id),
                summary=f"request:{request.pk}",
            )
    return request


def _record_request(
    *, kind: str, query: SubjectQuery, counts: dict[str, int], actor: Any, via: str, note: str
) -> DataSubjectRequest:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return DataSubjectRequest.objects.create(
        kind=kind,
        via=via,
        subject_digest=query.digest(),
        fulfilled_by=user,
        fulfilled_by_name=user.get_username() if user else audit.SYSTEM_ACTOR,
        counts=counts,
        note=note[:500],
    )
