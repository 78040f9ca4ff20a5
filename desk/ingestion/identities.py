"""The author of a mention: their platform identity, and the contact (person) it belongs to.

A new author costs one statement on PostgreSQL: the identity is looked up, and when missing,
its contact (the one already known by the same e-mail address, or a new one) and the identity
are inserted in the same statement. A concurrent first mention by the same new author inserts
nothing (ON CONFLICT DO NOTHING) and reads the winner's identity instead.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from channels.adapters.base import Author
from channels.models import Channel
from tickets import prepared
from tickets.models import Contact, Identity

_IDENTITY_COLUMNS = [str(field.column) for field in Identity._meta.concrete_fields]
_IDENTITY_ATTNAMES = [field.attname for field in Identity._meta.concrete_fields]
_FOUND_COLUMNS = ", ".join(f"i.{column}" for column in _IDENTITY_COLUMNS)
_RETURNED = ", ".join(_IDENTITY_COLUMNS)

# Table and column names are our own models', never input; values are parameters.
_FIND_OR_CREATE_SQL = f"""
WITH found AS (
    SELECT {_FOUND_COLUMNS} FROM tickets_identity i
    WHERE i.kind = %(kind)s AND i.external_id = %(external_id)s
), same_email AS (
    SELECT i.contact_id FROM tickets_identity i
    WHERE %(email)s <> '' AND i.email = %(email)s AND NOT EXISTS (SELECT 1 FROM found)
    ORDER BY i.id LIMIT 1
), new_contact AS (
    INSERT INTO tickets_contact (display_name, primary_email, created_at)
    SELECT %(contact_name)s, %(email)s, %(now)s
    WHERE NOT EXISTS (SELECT 1 FROM found) AND NOT EXISTS (SELECT 1 FROM same_email)
    RETURNING id
), new_identity AS (
    INSERT INTO tickets_identity
        (contact_id, kind, external_id, handle, display_name, profile_url, email,
         first_seen_at, last_seen_at)
    SELECT COALESCE((SELECT contact_id FROM same_email), (SELECT id FROM new_contact)),
           %(kind)s, %(external_id)s, %(handle)s, %(display_name)s, %(profile_url)s, %(email)s,
           %(now)s, %(now)s
    WHERE NOT EXISTS (SELECT 1 FROM found)
    ON CONFLICT (kind, external_id) DO NOTHING
    RETURNING {_RETURNED}
), identity AS (
    SELECT {_RETURNED}, true AS created FROM new_identity
    UNION ALL SELECT {_RETURNED}, false FROM found
)
SELECT (SELECT id FROM new_contact), identity.*
FROM (SELECT 1) AS one LEFT JOIN identity ON true
"""  # noqa: S608  # nosec B608


# Declared rather than deduced when prepared: kind, email and now each appear in several
# places (comparisons, INSERT ... SELECT), and must have one type in all of them.
_PARAM_TYPES = {
    "kind": "text",
    "external_id": "text",
    "email": "text",
    "contact_name": "text",
    "handle": "text",
    "display_name": "text",
    "profile_url": "text",
    "now": "timestamptz",
}


def upsert_identity(channel: Channel, author: Author) -> Identity:
    """The author's identity, created (with its contact) or brought up to date."""
    kind = author.kind or channel.kind
    email = author.email.strip().lower()
    if connection.vendor == "postgresql":
        # Lost a race once at most: the winner's row is visible to the second statement.
        found = _find_or_create(kind, email, author) or _find_or_create(kind, email, author)
        if found is None:
            raise LookupError(f"identity {kind}/{author.platform_user_id} neither found nor made")
    else:
        found = _find_or_create_portably(kind, email, author)
    identity, created = found
    if created:
        return identity
    changed = {
        field: value
        for field, value in (
            ("handle", author.handle),
            ("display_name", author.display_name),
            ("profile_url", author.profile_url),
            ("email", email),
        )
        if value and getattr(identity, field) != value
    }
    if changed:
        for field, value in changed.items():
            setattr(identity, field, value)
        identity.save(update_fields=[*changed, "last_seen_at"])
    return identity


def _find_or_create(kind: str, email: str, author: Author) -> tuple[Identity, bool] | None:
    params: dict[str, Any] = {
        "kind": kind,
        "external_id": author.platform_user_id,
        "email": email,
        "contact_name": author.display_name or author.handle,
        "handle": author.handle,
        "display_name": author.display_name,
        "profile_url": author.profile_url,
        "now": timezone.now(),
    }
    with connection.cursor() as cursor:
        prepared.execute(connection, cursor, _FIND_OR_CREATE_SQL, params, types=_PARAM_TYPES)
        orphan_contact_id, *values = cursor.fetchone()
    *columns, created = values
    if columns[0] is None:
        # A concurrent first mention by this author inserted the identity after our snapshot
        # began; the contact made for it here belongs to nobody.
        if orphan_contact_id is not None:
            Contact.objects.filter(pk=orphan_contact_id).delete()
        return None
    return Identity.from_db(connection.alias, _IDENTITY_ATTNAMES, columns), bool(created)


def _find_or_create_portably(kind: str, email: str, author: Author) -> tuple[Identity, bool]:
    identity = Identity.objects.filter(kind=kind, external_id=author.platform_user_id).first()
    if identity is not None:
        return identity, False
    known = Identity.objects.filter(email=email).order_by("id").first() if email else None
    contact_id = (
        known.contact_id
        if known is not None
        else Contact.objects.create(
            display_name=author.display_name or author.handle, primary_email=email
        ).pk
    )
    identity = Identity.objects.create(
        contact_id=contact_id,
        kind=kind,
        external_id=author.platform_user_id,
        handle=author.handle,
        display_name=author.display_name,
        profile_url=author.profile_url,
        email=email,
    )
    return identity, True
