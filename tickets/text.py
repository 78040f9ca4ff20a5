"""Facts about text that every layer needs: is it empty to a reader, does it hide characters,
does a name mix scripts to look like another; and what a record keeps of one of our messages.

Bidirectional controls (U+202E turns the rest of a line around), zero-width characters and
other format characters are invisible; a name made of them, or a text made only of them and
whitespace, must not pass for something a person wrote.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, cast

from django.utils import translation
from django.utils.functional import Promise, lazy

# Categories a reader cannot see: format (Cf: bidi controls, zero-width joiners, soft hyphen),
# controls (Cc), separators (Z*) and unassigned or private code points rendered as nothing.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp", "Co", "Cn"})
_SPACE = " "


def is_blank(text: str | None) -> bool:
    """True when nothing visible is left after whitespace and format characters go."""
    if not text:
        return True
    return all(ch.isspace() or unicodedata.category(ch) in INVISIBLE_CATEGORIES for ch in text)


def hidden_characters(text: str) -> list[str]:
    """The invisible characters in a name, except the ordinary space."""
    return [ch for ch in text if ch != _SPACE and unicodedata.category(ch) in INVISIBLE_CATEGORIES]


def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name (LATIN, CYRILLIC, GREEK, ...)."""
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return ""
    return name.split(" ", 1)[0]


def scripts_of(text: str) -> set[str]:
    return {script for ch in text if ch.isalpha() and (script := _script(ch))}


# Scripts whose letters can pass for Latin ones (a Cyrillic "а" in "pаypal").
LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE"})


def mixes_lookalike_scripts(text: str) -> bool:
    """True when a name mixes Latin with a script whose letters look like Latin letters.

    Whole words in another script ("Анна Smith") are ordinary; the mix within one word is
    the spoof ("Аnna" with a Cyrillic A).
    """
    for word in text.split():
        found = scripts_of(word) & LOOKALIKE_SCRIPTS
        if len(found) > 1:
            return True
    return False


def as_recorded(text: str | Promise) -> str:
    """What a record keeps of a text: one of our messages given lazily is kept as its English
    source, which pages translate for each reader (`reworded`; a string anyone wrote stays as
    written)."""
    if isinstance(text, Promise):
        with translation.override(None):
            return str(text)
    return text


# Our messages that carry values ("... confidential term: %(terms)s."), declared where they
# are written, in a module its app imports at start-up (AppConfig.ready): a record keeps one in
# English with its values in place, and `reworded` finds the message and its values again to
# word them in the reader's language.
_WITH_VALUES: dict[str, re.Pattern[str]] = {}
_ESCAPED_PLACEHOLDER = re.compile(r"%\\\((\w+)\\\)s")


def with_values(message: str) -> str:
    """Declare `message` (a msgid with %(name)s values) as one a record may keep."""
    pattern = _ESCAPED_PLACEHOLDER.sub(lambda m: f"(?P<{m[1]}>.+?)", re.escape(message))
    _WITH_VALUES[message] = re.compile(pattern, re.DOTALL)
    return message


def worded(message: str, **values: Any) -> Promise:
    """`message` with its values, worded when read: in the language of whoever reads it, and
    in English in a record (`as_recorded`)."""
    return cast(Promise, lazy(lambda: translation.gettext(message) % values, str)())


def reworded(recorded: str) -> str:
    """What a record keeps, in the reader's language: one of our messages translated, one
    declared `with_values` worded again around its values; anything else as it was written."""
    translated = translation.gettext(recorded)
    if translated != recorded:
        return translated
    for message, pattern in _WITH_VALUES.items():
        found = pattern.fullmatch(recorded)
        if found:
            return translation.gettext(message) % found.groupdict()
    return recorded


# Bidi embeddings, overrides and isolates (LRE..RLO, LRI..PDI): the controls whose effect
# reaches past the character itself.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def isolated(text: str) -> str:
    """Someone else's text inside one of our sentences in plain text (a notification, an
    e-mail subject), as `<bdi>` does in a page: one isolated run whose direction cannot turn
    the words around it. Its own bidi controls are dropped, so that none closes the isolate
    early or overrides what follows. Nothing stays nothing."""
    if not text:
        return ""
    return FIRST_STRONG_ISOLATE + text.translate(_BIDI_CONTROLS) + POP_DIRECTIONAL_ISOLATE
