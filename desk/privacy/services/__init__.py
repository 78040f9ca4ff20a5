"""Privacy services. The web form uses `current_notice`, `web_form_notice`,
`record_shown_on_web_form` and `confirmation_email_notice`."""

from desk.privacy.services.notices import (
    confirmation_email_notice,
    current_notice,
    record_shown_on_web_form,
    web_form_notice,
)

__all__ = [
    "confirmation_email_notice",
    "current_notice",
    "record_shown_on_web_form",
    "web_form_notice",
]
