"""Showing untrusted text so that it cannot deceive (a template builtin: no {% load %}).

`untrusted` isolates a text's direction in `<bdi>`, so a right-to-left override in a
subject cannot turn around the time stamp or the name beside it. `untrusted_name` does the
same for names, handles and file names, and also shows their invisible characters as
visible code points (a name of zero-width spaces, a U+202E hiding `exe` in `photo<U+202E>gpj.exe`)
and flags a name that mixes look-alike scripts (a Cyrillic "а" in a Latin name).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tickets.text import INVISIBLE_CATEGORIES, mixes_lookalike_scripts, scripts_of

register = template.Library()


@register.filter
def untrusted(value: Any) -> SafeString:
    return format_html("<bdi>{}</bdi>", "" if value is None else str(value))


@register.filter
def untrusted_name(value: Any) -> SafeString:
    name = "" if value is None else str(value)
    # Each character is escaped by _show, or replaced by markup built with format_html.
    shown = mark_safe("".join(_show(ch) for ch in name))  # noqa: S308  # nosec B308 B703
    isolated = format_html("<bdi>{}</bdi>", shown)
    if not mixes_lookalike_scripts(name):
        return isolated
    scripts = ", ".join(sorted(script.title() for script in scripts_of(name)))
    warning = _("This name mixes look-alike scripts (%(scripts)s): it may imitate another.") % {
        "scripts": scripts
    }
    return format_html(
        '{} <span class="lookalike" title="{}" role="img" aria-label="{}">{}</span>',
        isolated,
        warning,
        warning,
        _("mixed scripts"),
    )


def _show(ch: str) -> str:
    if ch == " " or unicodedata.category(ch) not in INVISIBLE_CATEGORIES:
        return escape(ch)
    code = f"U+{ord(ch):04X}"
    label = unicodedata.name(ch, code)
    return format_html('<span class="hidden-char" title="{}">{}</span>', label, code)
