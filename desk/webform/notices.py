"""The retention notice a web form shows (and records with each submission)."""

from __future__ import annotations

from typing import Any

from desk.privacy.services.notices import web_form_notice


def form_notice(language: str) -> dict[str, Any]:
    """The retention notice the form shows: the published, versioned one in this language, else
    in English (desk.privacy); none ({}) where no notice is published at all, and the privacy
    pages list such a conversation among those without a notice."""
    published = web_form_notice(language=language)
    if published is None:
        return {}
    return {
        "id": published["id"],
        "text": published["text"],
        "version": str(published["version"]),
        "language": published["language"],
        # Shown under the text, and so recorded with what the person saw.
        "legal_basis": published["legal_basis"],
    }
