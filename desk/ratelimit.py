"""Counting uses in a window, the one way every limit of the desk counts (the API's throttle, the
web form, the confirmation e-mails a staff member asks for)."""

from __future__ import annotations

from django.core.cache import cache


def count_in_window(key: str, seconds: int) -> int:
    """One more use of `key`, whose window of `seconds` starts at its first use; the count of
    uses in the window, this one included. Atomic for concurrent callers."""
    # The Redis backend (desk.config.cache) counts in one round trip.
    count_in_one_trip = getattr(cache, "incr_with_timeout", None)
    if count_in_one_trip is not None:
        return int(count_in_one_trip(key, timeout=seconds))
    try:
        return cache.incr(key)  # atomic in Redis and in the local-memory cache
    except ValueError:
        # The window's first use; add() loses only to a concurrent first use.
        if cache.add(key, 1, timeout=seconds):
            return 1
        return cache.incr(key)
