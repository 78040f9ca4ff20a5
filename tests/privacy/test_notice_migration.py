"""Migration privacy 0005 words the default notices' legal basis in each notice's language:
a default nobody was given yet is corrected, one already given is superseded, and a basis the
company wrote itself is left alone."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.migration_helpers import migrate_to_newest, migrated_to

BEFORE = [("privacy", "0004_notice_in_transit")]
AFTER = [("privacy", "0005_default_notices_localized_legal_basis")]
ENGLISH = "GDPR art. 6(1)(f): legitimate interest in answering your inquiry"


@pytest.mark.django_db(transaction=True)
def test_the_default_legal_basis_is_worded_in_each_notice_s_language() -> None:
    old = migrated_to(BEFORE)
    notices = old.get_model("privacy", "RetentionNotice").objects
    notices.update(legal_basis=ENGLISH)  # as the defaults were before (going back runs nothing)
    # The German default was given to someone: it stays on record as it was.
    german = notices.get(language="de", version=1)
    channel = old.get_model("channels", "Channel").objects.create(kind="webhook", name="Old")
    contact = old.get_model("tickets", "Contact").objects.create()
    conversation = old.get_model("tickets", "Conversation").objects.create(
        channel=channel, contact=contact, last_activity_at=timezone.now()
    )
    old.get_model("privacy", "ConversationNotice").objects.create(
        conversation=conversation,
        notice=german,
        language="de",
        channel=channel,
        method="first_reply",
        given_at=timezone.now(),
    )
    # The Swedish one the company reworded itself.
    notices.filter(language="sv").update(legal_basis="Vårt eget underlag")
    try:
        new = migrated_to(AFTER).get_model("privacy", "RetentionNotice").objects

        assert new.get(language="de", version=1).legal_basis == ENGLISH
        superseding = new.get(language="de", version=2)
        assert superseding.legal_basis.startswith("Art. 6 Abs. 1 lit. f DSGVO")
        assert superseding.text == german.text
        french = new.get(language="fr")  # never given: corrected, no new version
        assert french.version == 1 and "RGPD" in french.legal_basis
        assert new.get(language="sv").legal_basis == "Vårt eget underlag"
        assert new.get(language="en").legal_basis == ENGLISH
    finally:
        migrate_to_newest()
