"""Durations as people read them ("4 minutes", "3 hours"), in the reader's language."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import ngettext


def duration_text(seconds: float) -> str:
    """The largest whole unit only: "usually every 4 minutes", "quiet for 3 hours"."""
    if seconds < 60:
        whole = max(int(seconds), 0)
        return ngettext("%(count)d second", "%(count)d seconds", whole) % {"count": whole}
    now = timezone.now()
    return timesince(now - timedelta(seconds=seconds), now, depth=1)
