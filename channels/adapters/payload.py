"""Reading untrusted platform payloads without trusting their shape.

Platforms send `null` where a string was documented, numbers where ids were strings, ids
above 2^53, timestamps out of range. Parsers read through these accessors, which answer the
expected type or an empty value, and `clean_text` makes every string storable (no NUL, no
lone surrogate, no longer than its column). What still does not fit raises `MalformedPayload`,
which the adapter base turns into an unsupported event with its reason: never a retry loop.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone


class MalformedPayload(ValueError):
    """A delivery whose shape we cannot read: stored as unsupported with this reason."""


def obj(value: Any, *keys: str) -> dict[str, Any]:
    """The object at `value[key1][key2]...`, or {} when any step is missing or not an object."""
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


def items(value: Any, *keys: str) -> list[dict[str, Any]]:
    """The objects of the list at the path; anything else in it is skipped."""
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def text(value: Any, *keys: str) -> str:
    """The string at the path; a number becomes its digits, anything else is empty."""
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def ident(value: Any, *keys: str) -> str:
    """An id: platforms send ids as strings or numbers (some above 2^53, kept exact)."""
    return text(value, *keys).strip()


def moment(value: Any) -> datetime:
    """A time as epoch seconds or milliseconds, or ISO 8601; now when absent or unreadable."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Messaging timestamps are milliseconds, feed times seconds.
        seconds = value / 1000 if abs(value) > 10**11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return timezone.now()
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return timezone.now()
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return timezone.now()


def clean_text(value: Any, *, field: str, limit: int | None = None, cut: bool = True) -> str:
    """A string the database can store: None is empty, NUL dropped, lone surrogates replaced.

    Over `limit`, names and subjects are cut; ids and addresses (`cut=False`) cannot be,
    since a cut id would name another object: those raise MalformedPayload.
    """
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise MalformedPayload(f"{field} is a {type(value).__name__}, not text")
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    if limit is not None and len(value) > limit:
        if not cut:
            raise MalformedPayload(f"{field} is longer than {limit} characters")
        value = value[:limit]
    return value


def clean_json(value: Any, *, depth: int = 0) -> Any:
    """JSON metadata made storable the same way; nesting beyond 20 levels is dropped."""
    if depth > 20:
        return None
    if isinstance(value, str):
        return clean_text(value, field="metadata")
    if isinstance(value, dict):
        return {
            clean_text(str(key), field="metadata"): clean_json(item, depth=depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [clean_json(item, depth=depth + 1) for item in value]
    return value
