"""The author of a mention: their platform identity, and the contact (person) it belongs to.

A new author costs one statement on PostgreSQL: the identity is looked up, and when missing,
its contact (the one already known by the same e-mail address, or a new one) and the identity
are inserted in the same statement. A concurrent first mention by the same new author inserts
nothing (ON CONFLICT DO NOTHING) and reads the winner's identity instead.
"""

from __future__ import annotations

from collections.abc import Sequence
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
        (contact_id, kind, external_id, handle, display_name, profile_url, email)
    SELECT COALESCE((SELECT contact_id FROM same_email), (SELECT id FROM new_contact)),
           %(kind)s, %(external_id)s, %(handle)s, %(display_name)s, %(profile_url)s, %(email)s
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


# Declared rather than deduced when prepared: kind and email each appear in several places
# (comparisons, INSERT ... SELECT), and must have one type in all of them.
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
    if not created:
        _save(identity, _bring_up_to_date(identity, author, email))
    return identity


def _bring_up_to_date(identity: Identity, author: Author, email: str) -> set[str]:
    """What the author's mention tells of the identity that it does not know yet; the fields
    it changed."""
    changed = set()
    for field, value in (
        ("handle", author.handle),
        ("display_name", author.display_name),
        ("profile_url", author.profile_url),
        ("email", email),
    ):
        if value and getattr(identity, field) != value:
            setattr(identity, field, value)
            changed.add(field)
    return changed


def _save(identity: Identity, changed: set[str]) -> None:
    if changed:
        identity.save(update_fields=sorted(changed))


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


# Many authors at once: the statement above for a list of them. New contacts get their keys
# from the sequence first, so that each new identity is inserted with its own contact's key.
_MANY_SQL = f"""
WITH input AS (
    SELECT * FROM unnest(%(kind)s::text[], %(external_id)s::text[], %(email)s::text[],
                         %(contact_name)s::text[], %(handle)s::text[], %(display_name)s::text[],
                         %(profile_url)s::text[])
        WITH ORDINALITY AS v(kind, external_id, email, contact_name, handle, display_name,
                             profile_url, ord)
), found AS (
    SELECT {_FOUND_COLUMNS} FROM tickets_identity i
    JOIN input v ON i.kind = v.kind AND i.external_id = v.external_id
), missing AS (
    SELECT v.* FROM input v
    WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.kind = v.kind AND f.external_id = v.external_id)
), same_email AS (
    SELECT DISTINCT ON (m.ord) m.ord, i.contact_id FROM missing m
    JOIN tickets_identity i ON m.email <> '' AND i.email = m.email
    ORDER BY m.ord, i.id
), needs_contact AS MATERIALIZED (
    SELECT m.ord, nextval((SELECT pg_get_serial_sequence('tickets_contact', 'id'))) AS id
    FROM missing m WHERE NOT EXISTS (SELECT 1 FROM same_email s WHERE s.ord = m.ord)
), new_contact AS (
    INSERT INTO tickets_contact (id, display_name, primary_email, created_at)
    SELECT n.id, m.contact_name, m.email, %(now)s FROM needs_contact n JOIN missing m USING (ord)
    RETURNING id
), new_identity AS (
    INSERT INTO tickets_identity
        (contact_id, kind, external_id, handle, display_name, profile_url, email)
    SELECT COALESCE(s.contact_id, n.id), m.kind, m.external_id, m.handle, m.display_name,
           m.profile_url, m.email
    FROM missing m LEFT JOIN same_email s USING (ord) LEFT JOIN needs_contact n USING (ord)
    ORDER BY m.ord
    ON CONFLICT (kind, external_id) DO NOTHING
    RETURNING {_RETURNED}
), identity AS (
    SELECT {_RETURNED}, true AS created FROM new_identity
    UNION ALL SELECT {_RETURNED}, false FROM found
)
SELECT (SELECT array_agg(c.id) FROM new_contact c
        WHERE NOT EXISTS (SELECT 1 FROM new_identity i WHERE i.contact_id = c.id)),
       identity.*
FROM (SELECT 1) AS one LEFT JOIN identity ON true
"""  # noqa: S608  # nosec B608


def upsert_identities(authors: Sequence[tuple[str, Author]]) -> list[Identity]:
    """The identities of many (kind, author) pairs, in their order, as `upsert_identity` would
    leave them one after the other: one statement on PostgreSQL when none races another.

    Two mentions by one author get the same identity object. Two new authors who share an
    e-mail address must not be in one call: each would get a contact of their own.
    """
    if connection.vendor != "postgresql":
        return [_upsert_portably(kind, author) for kind, author in authors]
    emails = [author.email.strip().lower() for _, author in authors]
    firsts: dict[tuple[str, str], int] = {}
    for n, (kind, author) in enumerate(authors):
        firsts.setdefault((kind, author.platform_user_id), n)
    # In key order: two workers meeting on the same new authors insert them in the same order.
    wanted = sorted(firsts)
    found: dict[tuple[str, str], tuple[Identity, bool]] = {}
    for _ in range(2):  # lost a race at most once: the winners' rows are seen the second time
        missing = [key for key in wanted if key not in found]
        if not missing:
            break
        found.update(
            _find_or_create_many(missing, [firsts[key] for key in missing], authors, emails)
        )
    if len(found) < len(wanted):
        raise LookupError(f"identities {set(wanted) - set(found)} neither found nor made")
    changed: dict[tuple[str, str], set[str]] = {key: set() for key in wanted}
    identities = []
    for n, (kind, author) in enumerate(authors):
        key = (kind, author.platform_user_id)
        identity, created = found[key]
        if not (created and firsts[key] == n):
            changed[key] |= _bring_up_to_date(identity, author, emails[n])
        identities.append(identity)
    for key, fields in changed.items():
        _save(found[key][0], fields)
    return identities


def _find_or_create_many(
    keys: list[tuple[str, str]],
    rows: list[int],
    authors: Sequence[tuple[str, Author]],
    emails: list[str],
) -> dict[tuple[str, str], tuple[Identity, bool]]:
    firsts = [authors[n][1] for n in rows]
    params: dict[str, Any] = {
        "kind": [kind for kind, _ in keys],
        "external_id": [external_id for _, external_id in keys],
        "email": [emails[n] for n in rows],
        "contact_name": [a.display_name or a.handle for a in firsts],
        "handle": [a.handle for a in firsts],
        "display_name": [a.display_name for a in firsts],
        "profile_url": [a.profile_url for a in firsts],
        "now": timezone.now(),
    }
    with connection.cursor() as cursor:
        cursor.execute(_MANY_SQL, params)
        results = cursor.fetchall()
    found = {}
    for _, *values in results:
        *columns, created = values
        if columns[0] is not None:
            identity = Identity.from_db(connection.alias, _IDENTITY_ATTNAMES, columns)
            found[(identity.kind, identity.external_id)] = (identity, bool(created))
    orphans = results[0][0] if results else None
    if orphans:
        # Made for authors whose identities concurrent mentions inserted after our snapshot.
        Contact.objects.filter(pk__in=orphans).delete()
    return found


def _upsert_portably(kind: str, author: Author) -> Identity:
    email = author.email.strip().lower()
    identity, created = _find_or_create_portably(kind, email, author)
    if not created:
        _save(identity, _bring_up_to_date(identity, author, email))
    return identity
