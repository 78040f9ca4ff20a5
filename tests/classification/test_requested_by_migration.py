"""Migration 0009 takes the name out of a version's note ("requested by mia") into its own
field; the page still says who asked, in the reader's language."""

from __future__ import annotations

import pytest

from tests.migration_helpers import migrate_to_newest, migrated_to

BEFORE = [("classification", "0008_routing_verdicts")]
AFTER = [("classification", "0009_classifier_version_requested_by")]


@pytest.mark.django_db(transaction=True)
def test_the_name_in_a_version_s_note_moves_into_its_own_field() -> None:
    versions = migrated_to(BEFORE).get_model("classification", "ClassifierVersion").objects
    asked = versions.create(number=901, checksum="a", note="requested by mia")
    periodic = versions.create(number=902, checksum="b", note="periodic retraining")
    try:
        new = migrated_to(AFTER).get_model("classification", "ClassifierVersion").objects

        moved = new.get(pk=asked.pk)
        assert (moved.requested_by, moved.note) == ("mia", "retrained")
        kept = new.get(pk=periodic.pk)
        assert (kept.requested_by, kept.note) == ("", "periodic retraining")
    finally:
        migrate_to_newest()
