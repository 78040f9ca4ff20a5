"""Data migrations tested on the models as they stood: migrate back, write old rows, forward."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrated_to(targets: list[tuple[str, str]]) -> Any:
    """The models as they stand with `targets` applied and every other app at its newest."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    moved = {app for app, _ in targets}
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in moved]
    return executor.loader.project_state([*others, *targets]).apps


def migrate_to_newest() -> None:
    """Every app at its newest migration again, for the tests that follow."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
