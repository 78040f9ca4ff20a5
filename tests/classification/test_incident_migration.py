"""Migration 0007 keeps the figures of incidents opened before it: their reasons were stored
as English text, and the reader's language now renders them from numbers."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.migration_helpers import migrate_to_newest

BEFORE = ("classification", "0006_training_example_review")
AFTER = ("classification", "0007_incident_reason_in_the_readers_language")


def migrated_to(target: tuple[str, str]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_old_incidents_keep_their_figures_and_channel_names() -> None:
    old = migrated_to(BEFORE).get_model("classification", "Incident")
    readable = old.objects.create(
        scope="channel:7",
        scope_label="channel Partner webhook",
        opened_at=timezone.now(),
        window_negative=9,
        baseline_median=1.0,
        baseline_mad=0.5,
        reason=(
            "9 negative mentions in the last 45 minutes on channel Partner webhook; usually 1 at "
            "this time of day (median of 14 days, MAD 0.5), alert at 6.2"
        ),
    )
    odd = old.objects.create(
        scope="term:#outage",
        scope_label="#outage",
        opened_at=timezone.now(),
        window_negative=5,
        baseline_median=0.0,
        baseline_mad=0.0,
        reason="written by hand",
    )
    try:
        new = migrated_to(AFTER).get_model("classification", "Incident")

        parsed = new.objects.get(pk=readable.pk)
        assert (parsed.window_minutes, parsed.baseline_days, parsed.threshold) == (45, 14, 6.2)
        assert parsed.scope_label == "Partner webhook"
        kept = new.objects.get(pk=odd.pk)
        assert (kept.window_minutes, kept.baseline_days, kept.threshold) == (60, 28, 0.0)
        assert kept.scope_label == "#outage"
    finally:
        migrate_to_newest()
