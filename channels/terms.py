"""Tracked terms: hashtags, keywords and handles a channel follows, with year templates.

Event hashtags carry the year (`#iico2013`), so a term may be a template such as
`#iico{year}`. In January the previous year's tag is still in use, so both are tracked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from channels.models import Channel

YEAR_PLACEHOLDER = "{year}"


class TermKind(StrEnum):
    HASHTAG = "hashtag"
    HANDLE = "handle"
    KEYWORD = "keyword"


def term_kind(term: str) -> TermKind:
    if term.startswith("#"):
        return TermKind.HASHTAG
    if term.startswith("@"):
        return TermKind.HANDLE
    return TermKind.KEYWORD


def expand_terms(terms: Iterable[str], *, today: date | None = None) -> list[str]:
    """Each term once, templates replaced by this year (and last year, in January)."""
    today = today or timezone.localdate()
    years = [today.year] if today.month != 1 else [today.year, today.year - 1]
    expanded: list[str] = []
    for raw in terms:
        term = raw.strip()
        if not term:
            continue
        variants = (
            [term.replace(YEAR_PLACEHOLDER, str(year)) for year in years]
            if YEAR_PLACEHOLDER in term
            else [term]
        )
        for variant in variants:
            if variant.lower() not in (known.lower() for known in expanded):
                expanded.append(variant)
    return expanded


def check_term(term: str) -> str:
    """Return the term cleaned, or raise ValueError saying what is wrong with it."""
    term = term.strip()
    if not term:
        raise ValueError("A tracked term must not be empty.")
    if len(term) > 100:
        raise ValueError(f"Tracked term {term[:20]!r}... is longer than 100 characters.")
    rest = term.replace(YEAR_PLACEHOLDER, "")
    if "{" in rest or "}" in rest:
        raise ValueError(f"Tracked term {term!r}: the only template is {YEAR_PLACEHOLDER}.")
    if term_kind(term) != TermKind.KEYWORD and (len(term) < 2 or any(c.isspace() for c in term)):
        raise ValueError(f"Hashtag or handle {term!r} must be one word after # or @.")
    return term


def channel_terms(channel: Channel) -> list[str]:
    """The channel's tracked terms as configured (`manage.py channel --terms`), templates kept."""
    return [t for t in (channel.tracked_terms or []) if isinstance(t, str) and t.strip()]


@lru_cache(maxsize=512)
def _pattern(term: str) -> re.Pattern[str]:
    # A whole word, hashtag or handle: #iico2026 must not match inside #iico20261.
    return re.compile(r"(?<![\w#@])" + re.escape(term) + r"(?!\w)", re.IGNORECASE)


def term_matches(term: str, text: str, *, today: date | None = None) -> str:
    """The expansion of `term` that the text mentions, or "" when it mentions none."""
    for variant in expand_terms([term], today=today):
        if _pattern(variant).search(text):
            return variant
    return ""


def matched_terms(channel: Channel, text: str, *, today: date | None = None) -> list[str]:
    """The channel's tracked terms (expanded) that the text mentions."""
    found = (term_matches(term, text, today=today) for term in channel_terms(channel))
    return [variant for variant in found if variant]
