"""Migration steps that more than one app's migrations take."""

from __future__ import annotations

from django.db import migrations, models


def drop_covered_fk_index(
    model_name: str, name: str, *, to: str, related_name: str, table: str, index: str
) -> migrations.SeparateDatabaseAndState:
    """A protected foreign key's own index given up because another index leads with its
    column. Django's AlterField would also drop and re-add the constraint, and re-adding it
    checks every row of the table under lock; this drops the index alone.
    """
    column = f"{name}_id"
    field = models.ForeignKey(
        to, on_delete=models.PROTECT, related_name=related_name, db_index=False
    )
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name, name=name, field=field)],
        database_operations=[
            migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{index}"',
                reverse_sql=f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("{column}")',
            )
        ],
    )
