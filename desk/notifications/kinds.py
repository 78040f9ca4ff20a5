"""What each notification kind is about, for the centre's filters."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Filter slug -> (label, the kinds it shows). Every kind notify() is called with is here.
CATEGORIES: dict[str, tuple[Promise, frozenset[str]]] = {
    "sla": (
        _("SLA"),
        frozenset({"sla_warning", "sla_breach", "sla_weekly_summary"}),
    ),
    "crisis": (_("Crisis"), frozenset({"crisis"})),
    "flags": (_("Flags"), frozenset({"flagged"})),
    "channels": (_("Channels' health"), frozenset({"channel_alert", "token_expiry"})),
    "deliveries": (_("Deliveries"), frozenset({"delivery_failed"})),
}


def kinds_of(category: str) -> frozenset[str] | None:
    """The kinds a filter shows; None for an unknown filter."""
    entry = CATEGORIES.get(category)
    return entry[1] if entry else None


def category_of(kind: str) -> str:
    return next((slug for slug, (_label, kinds) in CATEGORIES.items() if kind in kinds), "")
