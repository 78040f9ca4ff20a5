"""Tracked terms (brands, hashtags) and whether a text mentions them.

Channels carry their tracked terms in `Channel.tracked_terms`; older channels kept them in
`channel.config["tracked_terms"]`, which is still read. This is the one place that knows
where they live.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.utils import timezone


def channel_terms(channel: Any) -> list[str]:
    """The channel's tracked terms: its field (set by `manage.py channel add --terms`), and
    the older place in its config, each term once."""
    found: list[str] = []
    for terms in (
        getattr(channel, "tracked_terms", None),
        (getattr(channel, "config", None) or {}).get("tracked_terms"),
    ):
        if isinstance(terms, list):
            found += [t for t in terms if isinstance(t, str) and t.strip() and t not in found]
    return found


def expand(term: str, *, year: int | None = None) -> str:
    """`#iico{year}` is this year's event hashtag: #iico2026."""
    return term.strip().replace("{year}", str(year or timezone.now().year))


@lru_cache(maxsize=512)
def _pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w#@])" + re.escape(term) + r"(?!\w)", re.IGNORECASE)


def term_matches(term: str, text: str) -> bool:
    return bool(term) and _pattern(expand(term)).search(text) is not None


def matched_terms(channel: Any, text: str) -> list[str]:
    """The channel's tracked terms (expanded) that the text mentions."""
    return [expand(term) for term in channel_terms(channel) if term_matches(term, text)]
