"""The web form's words for the person filling it in, and the languages it offers.

They live in the translation catalogs like every other word of the desk, under the context
"web form": the person is addressed formally, and the staff pages' wording of the same English
("Send", "Language") stays their own.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext

# The desk's languages, each by its own name (settings.LANGUAGES): a person looks for theirs.
LANGUAGE_NAMES = dict(settings.LANGUAGES)
LANGUAGES = tuple(LANGUAGE_NAMES)


def form_words(language: str) -> dict[str, str]:
    """Every word of the form, its answers and its confirmation e-mail in `language`."""
    with translation.override(language):
        return {
            "title": pgettext("web form", "Contact us"),
            "name": pgettext("web form", "Your name"),
            "email": pgettext("web form", "Your e-mail address"),
            "message": pgettext("web form", "Your message"),
            "language": pgettext("web form", "Language"),
            "privacy": pgettext("web form", "Privacy notice"),
            "submit": pgettext("web form", "Send"),
            "thanks": pgettext(
                "web form", "Thank you. We have received your message and will answer by e-mail."
            ),
            "required": pgettext("web form", "Please fill in this field."),
            "blank": pgettext("web form", "This field has only spaces or invisible characters."),
            "bad_email": pgettext("web form", "Please enter a valid e-mail address."),
            "too_long": pgettext("web form", "Please keep this under %(limit)s characters."),
            "expired": pgettext("web form", "This form has expired. Please send it again."),
            "rate_limited": pgettext(
                "web form", "Too many messages from your address. Please try again later."
            ),
            "confirm_subject": pgettext("web form", "We have received your message"),
            "confirm_intro": pgettext(
                "web form",
                "Hello %(name)s,\n\nthank you for your message. We will answer you by e-mail.",
            ),
            "your_message": pgettext("web form", "Your message"),
            # French sets a colon apart with a no-break space.
            "colon": pgettext("web form", ":"),
        }
