"""Configuration that rarely changes, read once per process and per configuration version.

Every inquiry and every mention needs the API client of its token, the SLA policy with its
calendar, the queue, the channel's notice setting, the routing rules and the active classifier:
read from the database, that was a quarter of a REST create. They are kept here per process.

Any save or delete of a watched model (`watch`) drops this process's copies at once and, when
its transaction commits, increments one shared version in the cache (Redis): every other
process compares that version once per request or task (`recheck`) and reloads what changed.
Writes that bypass the model signals (`QuerySet.update`) call `changed()` themselves.

Without Redis (the SQLite demo) the cache is per process; copies then also expire after
MAX_AGE_SECONDS, so a change made in another process is seen within that time. A cache outage
only makes every read go to the database.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, cast

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger(__name__)

VERSION_KEY = "config-snapshot:version"
MAX_AGE_SECONDS = 5.0
_UNKNOWN = object()

_lock = threading.Lock()
_values: dict[str, Any] = {}
_state: dict[str, Any] = {
    "version": None,  # the shared version the copies were read under
    "loaded_at": 0.0,
    "checked": False,  # whether this request or task compared the version already
    "pending_atomic": None,  # the transaction that changed configuration, until it commits
}


def cached[T](key: str, load: Callable[[], T]) -> T:
    """`load()`, computed once per configuration version in this process."""
    if not _trusted():
        return load()
    found = _values.get(key, _UNKNOWN)
    if found is not _UNKNOWN:
        return cast(T, found)
    value = load()
    with _lock:
        _values[key] = value
    return value


def forget(key: str) -> None:
    """Drop one copy (for a value that proved stale, e.g. a deleted row)."""
    with _lock:
        _values.pop(key, None)


def recheck(**_: Any) -> None:
    """A new request or task: compare the shared version again before trusting the copies."""
    _state["checked"] = False


def changed(**_: Any) -> None:
    """Configuration changed: this process forgets now, every process once it commits."""
    _drop()
    if connection.in_atomic_block:
        _state["pending_atomic"] = connection.atomic_blocks[0]
    transaction.on_commit(_publish)


def watch(*models: type[Model]) -> None:
    """Treat saves and deletes of these models (and their many-to-many sets) as changes."""
    for model in models:
        uid = f"config-snapshot:{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
        for field in model._meta.local_many_to_many:
            through = getattr(field.remote_field, "through", None)
            m2m_changed.connect(
                changed, sender=through, dispatch_uid=f"{uid}:{field.name}", weak=False
            )


def _trusted() -> bool:
    pending = _state["pending_atomic"]
    if pending is not None:
        blocks = connection.atomic_blocks
        if blocks and blocks[0] is pending:
            # Changed in this very transaction, not committed yet: read the database.
            return False
        # That transaction ended without its commit callback: rolled back. What was read
        # meanwhile may hold its uncommitted rows.
        _state["pending_atomic"] = None
        _drop()
        return False
    now = time.monotonic()
    if _state["checked"] and now - _state["loaded_at"] < MAX_AGE_SECONDS:
        return True
    version = _shared_version()
    if version is None:
        _drop()
        return False
    if version != _state["version"] or now - _state["loaded_at"] >= MAX_AGE_SECONDS:
        _drop()
        _state.update(version=version, loaded_at=now)
    _state["checked"] = True
    return True


def _shared_version() -> int | None:
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, 1, timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception as exc:  # noqa: BLE001 - without the cache every read goes to the database
        log.warning("configuration version unavailable, reading from the database: %s", exc)
        return None
    return int(version) if version is not None else None


def _publish() -> None:
    _state["pending_atomic"] = None
    _drop()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 1, timeout=None)
    except Exception as exc:  # noqa: BLE001 - other processes then see it within MAX_AGE
        log.warning("could not publish a configuration change: %s", exc)


def _drop() -> None:
    with _lock:
        _values.clear()
        _state.update(version=None, checked=False)
